package trace

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sample() *Buffer {
	b := &Buffer{}
	b.Header(Header{Lab: "pingpong", Test: "Loss", Seed: 7, Nodes: []node.ID{1, 2}, Faults: faults.Reliable()})
	for _, r := range []Record{
		{T: 0, Kind: Start, Node: 1},
		{T: 0, Kind: Start, Node: 2},
		{T: 0, Kind: Send, Node: 1, Peer: 2, Msg: 1, Type: "Ping", Size: 8, Data: []byte(`{"Seq":1}`)},
		{T: 1000000, Kind: Deliver, Node: 2, Peer: 1, Msg: 1, Type: "Ping"},
		{T: 1000000, Kind: Log, Node: 2, Text: "got ping 1"},
		{T: 2000000, Kind: Drop, Node: 1, Peer: 2, Msg: 2, Type: "Pong", Text: "loss"},
	} {
		b.Record(&r)
	}
	return b
}

func TestRoundTripKeepsHash(t *testing.T) {
	b := sample()
	var out bytes.Buffer
	_, err := b.WriteTo(&out)
	require.NoError(t, err)
	back, err := Read(bytes.NewReader(out.Bytes()), "x.jsonl")
	require.NoError(t, err)
	assert.Equal(t, b.Hash(), back.Hash())
	assert.Equal(t, b.Records, back.Records)
	assert.Len(t, b.Hash(), 16)

	w := NewWriter(io.Discard)
	b.replay(w)
	assert.Equal(t, b.Hash(), w.Hash(), "streaming and buffered hashes differ")
	assert.Equal(t, 7, w.Lines())
}

func TestHashChangesWithContent(t *testing.T) {
	a, b := sample(), sample()
	b.Records[3].T++
	assert.NotEqual(t, a.Hash(), b.Hash())
}

// TestGolden pins the exact wire format: a change here is a format change
// that needs a Version bump.
func TestGolden(t *testing.T) {
	var out bytes.Buffer
	_, err := sample().WriteTo(&out)
	require.NoError(t, err)
	golden := filepath.Join("testdata", "sample.jsonl")
	if os.Getenv("UPDATE_GOLDEN") != "" {
		require.NoError(t, os.WriteFile(golden, out.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), out.String())
}

func TestReaderRejectsMalformed(t *testing.T) {
	header := `{"format":"faultline-trace","version":1,"seed":1,"nodes":[1,2],"faults":{"latency":{"kind":""}}}`
	for _, tc := range []struct {
		name, input, want string
	}{
		{"empty", "", "x.jsonl:1: empty file"},
		{"not json", "hello\n", "x.jsonl:1: bad header: invalid JSON"},
		{"wrong format", `{"format":"other","version":1,"nodes":[1],"faults":{"latency":{}}}`, `format is "other"`},
		{"future version", `{"format":"faultline-trace","version":9,"nodes":[1],"faults":{"latency":{}}}`, "version 9 is not supported"},
		{"no nodes", `{"format":"faultline-trace","version":1,"nodes":[],"faults":{"latency":{}}}`, "header lists no nodes"},
		{"bad record json", header + "\n{\"t\":1,\"k\":\"send\"\n", "x.jsonl:2: bad record: invalid JSON"},
		{"unknown kind", header + "\n" + `{"t":1,"k":"sned","n":1}`, `x.jsonl:2: unknown event kind "sned"`},
		{"missing kind", header + "\n" + `{"t":1,"n":1}`, "x.jsonl:2: record has no kind"},
		{"unknown field", header + "\n" + `{"t":1,"k":"log","n":1,"colour":"red"}`, `x.jsonl:2: bad record: json: unknown field "colour"`},
		{"wrong type", header + "\n" + `{"t":"soon","k":"log","n":1}`, `x.jsonl:2: bad record: field "t" has a string`},
		{"unknown node", header + "\n" + `{"t":1,"k":"log","n":5}`, "x.jsonl:2: node 5 is not in the header"},
		{"time backwards", header + "\n" + `{"t":5,"k":"log","n":1}` + "\n\n" + `{"t":4,"k":"log","n":1}`, "x.jsonl:4: time goes backwards"},
		{"message without id", header + "\n" + `{"t":1,"k":"send","n":1,"peer":2}`, `x.jsonl:2: send record has no message id`},
		{"two records on a line", header + "\n" + `{"t":1,"k":"log","n":1} {"t":2,"k":"log","n":1}`, "x.jsonl:2: bad record: invalid JSON"},
		{"bad line after good ones", header + "\n" + `{"t":1,"k":"log","n":1}` + "\n" + `{"t":2,"k":"log","n":1,}`, "x.jsonl:3: bad record: invalid JSON at byte 24"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.input), "x.jsonl")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			var te *Error
			assert.True(t, errors.As(err, &te), "not a *trace.Error: %T", err)
		})
	}
}

func TestReaderStreams(t *testing.T) {
	var out bytes.Buffer
	_, err := sample().WriteTo(&out)
	require.NoError(t, err)
	rd, err := NewReader(&out, "")
	require.NoError(t, err)
	n := 0
	for {
		_, err := rd.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 6, n)
}

// Reading a big trace with a size hint (right, too small, too large) or
// validating it gives the records and hash of the trace as written.
func TestReadAllAndValidateAgree(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.jsonl")
	writeBig(t, path, 5000)
	want, err := ReadFile(path)
	require.NoError(t, err)
	require.Len(t, want.Records, 5000)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		size int64
	}{
		{"no hint", 0},
		{"exact", int64(len(data))},
		{"too small", int64(len(data)) / 3},
		{"too large", int64(len(data)) * 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rd, err := NewReader(bytes.NewReader(data), path)
			require.NoError(t, err)
			calls := 0
			got, err := rd.ReadAll(tc.size, func(n int, read int64) {
				calls++
				assert.Equal(t, calls*ProgressEvery, n)
			})
			require.NoError(t, err)
			assert.Equal(t, want.Records, got.Records)
			assert.LessOrEqual(t, cap(got.Records), len(got.Records)*5/4, "no more than a quarter spare")
			assert.Equal(t, 0, calls, "5000 records is under one progress step")
		})
	}
	sum, err := ValidateFile(path)
	require.NoError(t, err)
	assert.Equal(t, Summary{Head: want.Head, Records: 5000, Hash: want.Hash()}, sum)
	var out bytes.Buffer
	_, err = want.WriteTo(&out)
	require.NoError(t, err)
	assert.Equal(t, string(data), out.String(), "read back and rewritten, the trace is the same bytes")
}
