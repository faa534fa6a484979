package content

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// toyLab is a lab whose facts come from its own constants, as a real lab's
// do: the test changes a constant and sees the text follow.
func toyLab(bound time.Duration) *suite.Lab {
	return &suite.Lab{
		Name: "toy",
		Facts: []suite.Fact{
			suite.DurationFact("election-bound", bound, "a leader within this after a partition heals"),
			suite.CountFact("max-state", 4000, "bytes", "the persisted state may reach this"),
			suite.DurationRangeFact("latency", 1*suite.Ms, 10*suite.Ms, "one-way latency, uniform").Assume(),
			suite.TextFact("crashes", "inside a handler, between any two `Env` calls", "where a crash may strike").Assume(),
		},
		Tests: []suite.Test{{Name: "Election", Points: 4, Seeds: 20, Limit: 30 * suite.Sec}},
	}
}

func toyLookup(bound time.Duration) FactLookup {
	return LabFacts([]*suite.Lab{toyLab(bound)})
}

func TestExpandFacts(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       string
		errs       []string // substrings of the error, in order
	}{
		{name: "none", body: "no directive {here}", want: "no directive {here}"},
		{name: "value", body: "A leader within {{fact toy election-bound}}.", want: "A leader within 1.3 s."},
		{name: "spaces", body: "within {{ fact  toy election-bound }}", want: "within 1.3 s"},
		{name: "two on a line and code", body: "`{{fact toy max-state}}` and {{fact toy latency}}", want: "`4,000 bytes` and 1–10 ms"},
		{name: "not a fact", body: "a {{not-fact 1.3 s}} timeout", want: "a 1.3 s timeout"},
		{name: "derived", body: "{{fact toy Election.seeds}}, {{fact toy Election.limit}}, {{fact toy points}}", want: "20 seeds, 30 s, 4 points"},
		{name: "lines kept", body: "one\n{{fact toy unknown}}\nthree {{fact toy latency}}", want: "one\n{{fact toy unknown}}\nthree 1–10 ms",
			errs: []string{"lessons/x.md:11:", `lab toy has no fact "unknown"`, "election-bound, max-state, latency, crashes, points, tests, max-rate"}},
		{name: "unknown lab", body: "{{fact nope x}}", want: "{{fact nope x}}", errs: []string{"lessons/x.md:10:", `unknown lab "nope" (labs: toy)`}},
		{name: "malformed", body: "{{fact election-bound}}", want: "{{fact election-bound}}", errs: []string{"lessons/x.md:10:", "write {{fact LAB NAME}}"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ExpandFacts(tc.body, "lessons/x.md", 10, toyLookup(1300*suite.Ms))
			assert.Equal(t, tc.want, got)
			if len(tc.errs) == 0 {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			rest := err.Error()
			for _, e := range tc.errs {
				i := strings.Index(rest, e)
				require.GreaterOrEqual(t, i, 0, "%q not in %q", e, err.Error())
				rest = rest[i+len(e):]
			}
		})
	}
}

// TestFactFollowsConstant: the text changes when the suite's constant does.
func TestFactFollowsConstant(t *testing.T) {
	for _, tc := range []struct {
		bound time.Duration
		want  string
	}{{1300 * suite.Ms, "1.3 s"}, {900 * suite.Ms, "900 ms"}, {2 * suite.Sec, "2 s"}} {
		got, err := ExpandFacts("{{fact toy election-bound}}", "f", 1, toyLookup(tc.bound))
		require.NoError(t, err)
		assert.Equal(t, tc.want, got)
	}
}

func TestFactBlocks(t *testing.T) {
	look := toyLookup(1300 * suite.Ms)
	for _, tc := range []struct {
		name, info, body string
		want             []string // lines of the terminal rendering, each a substring
		err              string
	}{
		{name: "checks table", info: FactsInfo, body: "lab: toy",
			want: []string{"**What the grader checks** (lab toy)", "| Value | What | Fact |", "| 1.3 s | a leader within this after a partition heals | `election-bound` |", "| 4,000 bytes |"}},
		{name: "assumes box", info: AssumesInfo, body: "lab: toy",
			want: []string{"> **What the grader assumes** (lab toy)", "> - One-way latency, uniform: **1–10 ms**", "> - Where a crash may strike: **inside a handler, between any two `Env` calls**"}},
		{name: "chosen facts", info: AssumesInfo, body: "lab: toy\nfacts: crashes, election-bound",
			want: []string{"> - Where a crash may strike: **inside a handler", "> - A leader within this after a partition heals: **1.3 s**"}},
		{name: "no lab", info: FactsInfo, body: "facts: x", err: "has no lab"},
		{name: "unknown key", info: FactsInfo, body: "lab: toy\nfact: x", err: "field fact not found"},
		{name: "unknown fact", info: AssumesInfo, body: "lab: toy\nfacts: [nope]", err: `lab toy has no fact "nope"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := ParseFactBlock(tc.info, tc.body)
			if err == nil {
				_, err = b.Resolve(look)
			}
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			got := terminalFacts(b, look)
			for i, w := range tc.want {
				require.Less(t, i, len(got))
				assert.Contains(t, strings.Join(got, "\n"), w)
			}
		})
	}
}

// TestLoadChecksFactSyntax: a malformed directive or fact block is a load
// problem with file:line, like a bad diagram block.
func TestLoadChecksFactSyntax(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
	}{
		{"directive", "Intro.\n\nA {{fact raft}} here.\n", "lessons/01-alpha.md:8: bad fact directive"},
		{"block", "Intro.\n\n```faultline-assumes\nfacts: x\n```\n", "lessons/01-alpha.md:8: faultline-assumes block has no lab"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"course.yaml":         {Data: []byte(manifestYAML)},
				"lessons/01-alpha.md": {Data: []byte(lesson("alpha", "", tc.body))},
				"lessons/02-beta.md":  {Data: []byte(lesson("beta", "", "Fine.\n"))},
			}
			_, err := LoadFS(fsys)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestHandCopies(t *testing.T) {
	facts := toyLab(1300 * suite.Ms).AllFacts()
	for _, tc := range []struct {
		name, body string
		want       []string // "line: form"
	}{
		{name: "quoted is fine", body: "A leader within {{fact toy election-bound}}."},
		{name: "marked as not the fact", body: "A {{not-fact 1.3 s}} timeout, but 1.3 s here.", want: []string{`10: "1.3 s"`}},
		{name: "seconds", body: "text\nA leader within 1.3 s of the heal.", want: []string{`11: "1.3 s"`}},
		{name: "milliseconds", body: "within 1300 ms or 1,300 ms", want: []string{`10: "1300 ms"`, `10: "1,300 ms"`}},
		{name: "no space", body: "within 1.3s.", want: []string{`10: "1.3s"`}},
		{name: "over a line break", body: "within 1.3\ns, and", want: []string{`10: "1.3 s"`}},
		{name: "longer number", body: "11.3 s or 21.3 s or 1.35 s", want: nil},
		{name: "bytes", body: "up to 4000 bytes; 4,000 bytes", want: []string{`10: "4000 bytes"`, `10: "4,000 bytes"`}},
		{name: "range", body: "latency 1-10 ms", want: []string{`10: "1-10 ms"`}},
		{name: "end of another range", body: "timeouts of 650–1300 ms, or 0.5-1.3 s, 0.2 to 1.3 s, between 1 and 1.3 s", want: nil},
		{name: "after to, not a range", body: "up to 1.3 s", want: []string{`10: "1.3 s"`}},
		{name: "derived seeds and points", body: "Election runs 20 seeds for 4 points.", want: []string{`10: "20 seeds"`, `10: "4 points"`}},
		{name: "other words", body: "20 seedlings; 1.3 square", want: nil},
		{name: "in a chart caption", body: "```faultline-chart\nscenario: x\ncaption: back within 1.3 s\n```\n", want: nil},
		{name: "in a text figure", body: "```text\n0   1.3 s\n```\n", want: nil},
		{name: "in Go code", body: "```go\nwait := 1.3 s\n```\n", want: []string{`11: "1.3 s"`}},
		{name: "in a fact block", body: "```faultline-facts\nlab: toy\nfacts: [election-bound]\n```\n", want: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range HandCopies(tc.body, "lessons/x.md", 10, "toy", facts) {
				assert.Equal(t, "lessons/x.md", p.File)
				form := p.Msg[:strings.Index(p.Msg, " is written")]
				got = append(got, fmt.Sprintf("%d: %s", p.Line, form))
			}
			assert.Equal(t, tc.want, got)
		})
	}
	t.Run("message", func(t *testing.T) {
		ps := HandCopies("bound: 1.3 s", "labs/toy/task.md", 3, "toy", facts)
		require.Len(t, ps, 1)
		assert.Equal(t, `labs/toy/task.md:3: "1.3 s" is written by hand, but it is the grader's figure toy/election-bound: quote it as {{fact toy election-bound}} so that the text follows the suite`, ps[0].Error())
	})
}

func TestQuotedLabs(t *testing.T) {
	assert.Equal(t, []string{"kvraft", "raft"}, QuotedLabs("{{fact raft x}} and\n```faultline-facts\nlab: kvraft\n```\n{{fact raft y}}"))
}
