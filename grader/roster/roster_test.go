package roster

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/result"
)

func TestFromResult(t *testing.T) {
	tests := []struct {
		name string
		res  result.Result
		want Entry
	}{
		{"pass", result.Result{Submission: "ann", Lab: "raft", Status: result.Pass, Score: 3, MaxScore: 3,
			Tests: []result.Test{{Name: "A", Status: result.Pass}}},
			Entry{Submission: "ann", Lab: "raft", Status: result.Pass, Score: 3, MaxScore: 3, Report: "ann/raft.json", Key: "k"}},
		{"first failing in suite order", result.Result{Submission: "bob", Lab: "raft", Status: result.Fail, Score: 1, MaxScore: 3,
			Tests: []result.Test{{Name: "A", Status: result.Pass}, {Name: "B", Status: result.Skipped}, {Name: "C", Status: result.Fail, Replay: "faultline grade raft --seed 7"}, {Name: "D", Status: result.Error, Replay: "x"}}},
			Entry{Submission: "bob", Lab: "raft", Status: result.Fail, Score: 1, MaxScore: 3, FirstFailing: "C", Replay: "faultline grade raft --seed 7", Report: "ann/raft.json", Key: "k"}},
		{"refused build", result.Result{Submission: "cy", Lab: "raft", Status: result.Error, MaxScore: 3, Reason: &result.Reason{Kind: result.ReasonBuild}},
			Entry{Submission: "cy", Lab: "raft", Status: result.Error, MaxScore: 3, Reason: result.ReasonBuild, Report: "ann/raft.json", Key: "k"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, FromResult(&tc.res, "ann/raft.json", "k"))
		})
	}
}

func TestIndex(t *testing.T) {
	r := &Roster{Version: Version, Platform: "p1", Entries: []Entry{
		{Submission: "ann", Lab: "raft", Key: "k1", Status: result.Pass},
		{Submission: "bob", Lab: "raft", Key: "k2", Status: result.Error, Reason: result.ReasonGrader},
		{Submission: "cy", Lab: "raft", Key: "k3", Status: result.Error, Reason: result.ReasonRules},
		{Submission: "dee", Lab: "raft", Status: result.Error, Reason: result.ReasonWorkspace},
	}}
	tests := []struct {
		name, platform, sub, key string
		reused                   bool
	}{
		{"same code and platform", "p1", "ann", "k1", true},
		{"changed code", "p1", "ann", "k9", false},
		{"other platform", "p2", "ann", "k1", false},
		{"grader error is tried again", "p1", "bob", "k2", false},
		{"rule refusal is kept", "p1", "cy", "k3", true},
		{"no key is never reused", "p1", "dee", "", false},
		{"never graded", "p1", "eve", "k1", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, ok := NewIndex(r, tc.platform).Lookup(tc.sub, "raft", tc.key)
			assert.Equal(t, tc.reused, ok)
		})
	}
	_, ok := NewIndex(nil, "p1").Lookup("ann", "raft", "k1")
	assert.False(t, ok, "a nil roster indexes nothing")
}

func TestKey(t *testing.T) {
	a := []File{{"raft/a.go", []byte("x")}, {"raft/b.go", []byte("y")}}
	base := Key("p", "raft", "--seeds 3", a)
	assert.Equal(t, base, Key("p", "raft", "--seeds 3", []File{a[1], a[0]}), "file order does not matter")
	for name, other := range map[string]string{
		"platform": Key("q", "raft", "--seeds 3", a),
		"lab":      Key("p", "kvraft", "--seeds 3", a),
		"options":  Key("p", "raft", "--seeds 4", a),
		"content":  Key("p", "raft", "--seeds 3", []File{{"raft/a.go", []byte("x")}, {"raft/b.go", []byte("z")}}),
		"boundary": Key("p", "raft", "--seeds 3", []File{{"raft/a.go", []byte("xraft/b.go")}, {"", []byte("y")}}),
	} {
		assert.NotEqual(t, base, other, name)
	}
}

func TestMerge(t *testing.T) {
	shard := func(platform string, subs ...string) *Roster {
		r := &Roster{Version: Version, Platform: platform}
		for _, s := range subs {
			r.Put(Entry{Submission: s, Lab: "raft", Report: s + "/raft.json"})
		}
		return r
	}
	tests := []struct {
		name    string
		sources []Source
		want    []Entry
		err     []string
	}{
		{"disjoint shards, reports rebased", []Source{{"out/s2/roster.json", shard("p", "cy", "ann")}, {"out/s1/roster.json", shard("p", "bob")}},
			[]Entry{{Submission: "ann", Lab: "raft", Report: "s2/ann/raft.json"}, {Submission: "bob", Lab: "raft", Report: "s1/bob/raft.json"}, {Submission: "cy", Lab: "raft", Report: "s2/cy/raft.json"}}, nil},
		{"a submission in two shards", []Source{{"out/s1/roster.json", shard("p", "ann", "bob")}, {"out/s2/roster.json", shard("p", "bob")}},
			nil, []string{"bob/raft is in out/s1/roster.json and in out/s2/roster.json", "exactly one shard"}},
		{"two platforms", []Source{{"out/s1/roster.json", shard("p", "ann")}, {"out/s2/roster.json", shard("q", "bob")}},
			nil, []string{"out/s2/roster.json was graded by another faultline", "same binary"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Merge("out", tc.sources)
			if tc.err != nil {
				require.Error(t, err)
				for _, s := range tc.err {
					assert.Contains(t, err.Error(), s)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Entries)
			assert.Equal(t, "p", got.Platform)
		})
	}
}

func TestFilesRoundTrip(t *testing.T) {
	dir := t.TempDir()
	r := &Roster{Version: Version, Platform: "p"}
	r.Put(Entry{Submission: "=cmd()", Lab: "raft", Score: -1, MaxScore: 3, Status: result.Fail, FirstFailing: "A", Replay: "faultline grade raft --seed 1", Report: "x/raft.json", Key: "k"})
	r.Put(Entry{Submission: "=cmd()", Lab: "raft", Score: 2, MaxScore: 3, Status: result.Fail, FirstFailing: "A", Replay: "faultline grade raft --seed 1", Report: "x/raft.json", Key: "k"})
	require.Len(t, r.Entries, 1, "Put replaces the entry of the same submission and lab")
	require.NoError(t, r.WriteFiles(dir))

	back, err := ReadFile(filepath.Join(dir, "roster.json"))
	require.NoError(t, err)
	assert.Equal(t, r, back)

	b, err := os.ReadFile(filepath.Join(dir, "roster.csv"))
	require.NoError(t, err)
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, [][]string{csvHeader, {"'=cmd()", "raft", "2", "3", "fail", "", "A", "faultline grade raft --seed 1", "x/raft.json"}}, rows,
		"a cell a spreadsheet would run as a formula is quoted")

	_, err = ReadFile(filepath.Join(dir, "roster.csv"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "give the roster.json beside it")
}
