package viewer

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii) // goldens hold text, not colours
	os.Exit(m.Run())
}

const ms = int64(1_000_000)

// fixture is a small hand-written trace with one of every mark.
func fixture() *trace.Buffer {
	b := &trace.Buffer{}
	b.Header(trace.Header{Scenario: "fixture", Seed: 7, Nodes: []node.ID{1, 2, 3}, Faults: faults.Reliable()})
	recs := []trace.Record{
		{T: 0, Kind: trace.Start, Node: 1},
		{T: 0, Kind: trace.Start, Node: 2},
		{T: 0, Kind: trace.Start, Node: 3},
		{T: 0, Kind: trace.State, Node: 1, Data: []byte(`{"role":"follower","term":0}`)},
		{T: 10 * ms, Kind: trace.TimerSet, Node: 1, Timer: 1, Type: "electionTimeout", Text: "150ms"},
		{T: 150 * ms, Kind: trace.TimerFire, Node: 1, Timer: 1, Type: "electionTimeout"},
		{T: 150 * ms, Kind: trace.State, Node: 1, Data: []byte(`{"role":"candidate","term":1}`)},
		{T: 150 * ms, Kind: trace.Send, Node: 1, Peer: 2, Msg: 1, Type: "RequestVote", Size: 24, Data: []byte(`{"Term":1}`)},
		{T: 150 * ms, Kind: trace.Send, Node: 1, Peer: 3, Msg: 2, Type: "RequestVote", Size: 24, Data: []byte(`{"Term":1}`)},
		{T: 151 * ms, Kind: trace.Deliver, Node: 2, Peer: 1, Msg: 1, Type: "RequestVote"},
		{T: 151 * ms, Kind: trace.Log, Node: 2, Text: "voting for n1 in term 1"},
		{T: 151 * ms, Kind: trace.Send, Node: 2, Peer: 1, Msg: 3, Type: "Vote", Size: 9},
		{T: 152 * ms, Kind: trace.Drop, Node: 3, Peer: 1, Msg: 2, Type: "RequestVote", Text: "loss"},
		{T: 153 * ms, Kind: trace.Deliver, Node: 1, Peer: 2, Msg: 3, Type: "Vote"},
		{T: 153 * ms, Kind: trace.State, Node: 1, Data: []byte(`{"role":"leader","term":1}`)},
		{T: 200 * ms, Kind: trace.Partition, Text: "isolate {n1}"},
		{T: 300 * ms, Kind: trace.Crash, Node: 3},
		{T: 400 * ms, Kind: trace.Restart, Node: 3},
		{T: 500 * ms, Kind: trace.Check, Text: "election safety", Verdict: "fail", Data: []byte(`"two leaders in term 1"`)},
	}
	for i := range recs {
		b.Record(&recs[i])
	}
	return b
}

func keys(m Model, ks ...string) Model {
	for _, k := range ks {
		var msg tea.KeyMsg
		switch k {
		case "down", "up", "tab", "esc", "enter", "pgdown", "end", "home":
			msg = tea.KeyMsg{Type: map[string]tea.KeyType{"down": tea.KeyDown, "up": tea.KeyUp, "tab": tea.KeyTab,
				"esc": tea.KeyEsc, "enter": tea.KeyEnter, "pgdown": tea.KeyPgDown, "end": tea.KeyEnd, "home": tea.KeyHome}[k]}
		default:
			msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		}
		m, _ = m.Update(msg)
	}
	return m
}

func kindAt(m Model) trace.Kind { return m.ix.buf.Records[m.Cursor()].Kind }

func TestNavigation(t *testing.T) {
	m := New(fixture(), "fixture", true)
	m.SetSize(100, 30)
	for _, tc := range []struct {
		name string
		keys []string
		want trace.Kind
		node node.ID
	}{
		{"first row is a start", nil, trace.Start, 1},
		{"down", []string{"down"}, trace.Start, 2},
		{"timer set rows are hidden", []string{"down", "down", "down", "down"}, trace.TimerFire, 1},
		{"next fault is the drop", []string{"x"}, trace.Drop, 3},
		{"then the partition", []string{"x", "x"}, trace.Partition, 0},
		{"then the crash", []string{"x", "x", "x"}, trace.Crash, 3},
		{"next of the same node", []string{"n"}, trace.State, 1},
		{"next of the same node from n3", []string{"down", "down", "n"}, trace.Drop, 3},
		{"next of the same kind", []string{"down", "]"}, trace.Start, 3},
		{"end", []string{"G"}, trace.Check, 0},
		{"jump to a time", []string{"t", "3", "0", "0", "m", "s", "enter"}, trace.Crash, 3},
		{"jump to a bare number of ms", []string{"t", "1", "5", "2", "enter"}, trace.Drop, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := keys(m, tc.keys...)
			assert.Equal(t, tc.want, kindAt(got))
			assert.Equal(t, tc.node, got.ix.buf.Records[got.Cursor()].Node)
		})
	}
}

func TestFilters(t *testing.T) {
	m := New(fixture(), "fixture", true)
	m.SetSize(100, 30)
	all := len(m.rows)
	m = keys(m, "f") // n1 only
	for _, r := range m.rows {
		rec := m.ix.buf.Records[r]
		assert.True(t, rec.Node == 1 || rec.Peer == 1 || rec.Node == 0, "row %+v does not involve n1", rec)
	}
	assert.Less(t, len(m.rows), all)
	m = keys(m, "f", "f", "f") // back to all
	assert.Len(t, m.rows, all)
	m = keys(m, "m") // first message type: RequestVote
	for _, r := range m.rows {
		rec := m.ix.buf.Records[r]
		if rec.Kind.IsMessage() {
			assert.Equal(t, "RequestVote", rec.Type)
		}
	}
	m = keys(m, "m", "m")
	assert.Len(t, m.rows, all)
	m = keys(m, "l")
	assert.Len(t, m.rows, all+1, "l shows the log line")
}

func TestStateAndLiveness(t *testing.T) {
	ix := newIndex(fixture())
	st := ix.stateAt(14)
	assert.Equal(t, "leader t1", st[0].String())
	assert.Equal(t, "", st[1].String())
	assert.True(t, ix.isDown(16, 2), "n3 is down after its crash")
	assert.False(t, ix.isDown(17, 2), "n3 is up after its restart")
}

func TestBadTimeKeepsPosition(t *testing.T) {
	m := New(fixture(), "fixture", true)
	m = keys(m, "down", "t", "s", "o", "o", "n", "enter")
	assert.Equal(t, 1, m.cursor)
	assert.Contains(t, m.status, `"soon" is not a time`)
}

func TestEscQuitsStandaloneAndGoesBackEmbedded(t *testing.T) {
	m := New(fixture(), "fixture", true)
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyEsc})
	require.NotNil(t, cmd)
	assert.Equal(t, tea.Quit(), cmd())
	m = New(fixture(), "fixture", false)
	_, cmd = m.Update(tea.KeyMsg{Type: tea.KeyEsc})
	require.NotNil(t, cmd)
	assert.Equal(t, BackMsg{}, cmd())
}

func TestGoldenViews(t *testing.T) {
	for _, tc := range []struct {
		name string
		w, h int
		keys []string
	}{
		{"start-80x24", 80, 24, nil},
		{"drop-80x24", 80, 24, []string{"x"}},
		{"leader-120x40", 120, 40, []string{"x", "down", "down"}},
		{"help-120x40", 120, 40, []string{"?"}},
		{"help-80x24", 80, 24, []string{"?"}},
		{"start-120x40", 120, 40, nil},
		{"filtered-80x24", 80, 24, []string{"f", "l"}},
		{"check-80x24", 80, 24, []string{"G"}},
		{"check-details-80x24", 80, 24, []string{"G", "tab"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New(fixture(), "fixture", true)
			m.SetSize(tc.w, tc.h)
			m = keys(m, tc.keys...)
			goldenScreen(t, tc.name, m.View(), tc.w, tc.h)
		})
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./tui/viewer -update")
	assert.Equal(t, string(want), got)
}

// bigTrace is a generated run of n events across 5 nodes.
func bigTrace(n int) *trace.Buffer {
	b := &trace.Buffer{}
	b.Header(trace.Header{Scenario: "big", Seed: 1, Nodes: []node.ID{1, 2, 3, 4, 5}, Faults: faults.Reliable()})
	var msg uint64
	for i := 0; len(b.Records) < n; i++ {
		from, to := node.ID(i%5+1), node.ID((i+1)%5+1)
		msg++
		t := int64(i) * ms
		b.Record(&trace.Record{T: t, Kind: trace.Send, Node: from, Peer: to, Msg: msg, Type: "AppendEntries", Data: []byte(`{"Term":3}`)})
		if i%50 == 0 {
			b.Record(&trace.Record{T: t, Kind: trace.Drop, Node: to, Peer: from, Msg: msg, Type: "AppendEntries", Text: "loss"})
		} else {
			b.Record(&trace.Record{T: t + ms/2, Kind: trace.Deliver, Node: to, Peer: from, Msg: msg, Type: "AppendEntries"})
		}
		if i%100 == 0 {
			b.Record(&trace.Record{T: t + ms/2, Kind: trace.State, Node: from, Data: []byte(fmt.Sprintf(`{"role":"leader","term":%d}`, i/100))})
		}
	}
	return b
}

// benchSizes are the trace sizes the viewer's benchmarks use: the cost of
// a keypress must not grow with the trace, and opening must grow no faster
// than it.
var benchSizes = []int{100_000, 1_000_000}

func benchName(n int) string { return fmt.Sprintf("%dk", n/1000) }

// BenchmarkOpen builds the viewer's index of a trace already in memory.
func BenchmarkOpen(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(benchName(n), func(b *testing.B) {
			buf := bigTrace(n)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				m := New(buf, "big", true)
				m.SetSize(120, 40)
			}
		})
	}
}

// BenchmarkKey is one keypress and the frame drawn after it, at 120x40,
// for keys that move (j, k, G, x) and keys that re-filter every record
// (f, l).
func BenchmarkKey(b *testing.B) {
	for _, n := range benchSizes {
		m := New(bigTrace(n), "big", true)
		m.SetSize(120, 40)
		m = keys(m, "G")
		for _, k := range []string{"j", "k", "G", "x", "f", "l"} {
			b.Run(benchName(n)+"/"+k, func(b *testing.B) {
				b.ReportAllocs()
				for range b.N {
					m = keys(m, k)
					_ = m.View()
				}
			})
		}
	}
}

// BenchmarkReadAndOpen reads, validates and indexes a trace file, as
// `faultline trace view FILE` does before its first frame.
func BenchmarkReadAndOpen(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(benchName(n), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "big.jsonl")
			require.NoError(b, trace.WriteFile(path, bigTrace(n)))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				buf, err := trace.ReadFile(path)
				if err != nil {
					b.Fatal(err)
				}
				m := New(buf, "big", true)
				m.SetSize(120, 40)
				_ = m.View()
			}
		})
	}
}

// At 80x24, where the details pane is closed, a failed check's row says
// why it failed and, when the reason is cut, which key shows it whole; the
// ? page explains every mark, the timer's ◆ among them.
func TestFailedCheckAndLegend(t *testing.T) {
	long := fixture()
	last := &long.Records[len(long.Records)-1]
	last.Data = []byte(`"two leaders in term 1: n1 became leader at 153ms and n3 became leader at 480ms, each with a majority"`)
	for _, tc := range []struct {
		name string
		buf  *trace.Buffer
		keys []string
		want []string
	}{
		{"reason on the row", fixture(), []string{"G"}, []string{"CHECK FAILED: election safety: two leaders in term 1", "tab: the failed check in full"}},
		{"long reason says how to see it", long, []string{"G"}, []string{"CHECK FAILED: election safety: two leaders in term 1… tab: details"}},
		{"tab shows it whole", long, []string{"G", "tab"}, []string{"n3 became leader at"}},
		{"the status line says x reaches the failed check", fixture(), nil, []string{"x jumps to the next drop, crash, partition or failed check"}},
		{"legend explains the timer mark", fixture(), []string{"?"}, []string{"Marks on the diagram", "◆    timer fired (its name)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New(tc.buf, "fixture", true)
			m.SetSize(80, 24)
			m = keys(m, tc.keys...)
			view := m.View()
			for _, w := range tc.want {
				assert.Contains(t, view, w)
			}
		})
	}
}

// A label on the last column that would run off the edge is drawn whole,
// on the left of its mark.
func TestLastColumnLabelFits(t *testing.T) {
	b := &trace.Buffer{}
	b.Header(trace.Header{Scenario: "edge", Seed: 1, Nodes: []node.ID{1, 2, 3}, Faults: faults.Reliable()})
	r := trace.Record{T: ms, Kind: trace.TimerFire, Node: 3, Timer: 1, Type: "aVeryLongElectionTimeout"}
	b.Record(&r)
	m := New(b, "edge", true)
	m.SetSize(80, 24)
	assert.Contains(t, m.View(), "timer aVeryLongElectionTimeout ◆")
}

// The loading screen counts records as they are read, then becomes the
// viewer; a file that cannot be read quits with its error.
func TestLoader(t *testing.T) {
	for _, tc := range []struct {
		name string
		w, h int
		msgs []tea.Msg
	}{
		{"loading-start-80x24", 80, 24, nil},
		{"loading-80x24", 80, 24, []tea.Msg{loadProgressMsg{records: 16384, read: 1_400_000, size: 87_000_000}}},
		{"loading-120x40", 120, 40, []tea.Msg{loadProgressMsg{records: 655360, read: 57_000_000, size: 87_000_000}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m tea.Model = newLoader("runs/raft-1M.jsonl")
			m, _ = m.Update(tea.WindowSizeMsg{Width: tc.w, Height: tc.h})
			for _, msg := range tc.msgs {
				var cmd tea.Cmd
				m, cmd = m.Update(msg)
				assert.NotNil(t, cmd, "after a report the loader waits for the next")
			}
			goldenScreen(t, tc.name, m.View(), tc.w, tc.h)
		})
	}
	t.Run("loaded", func(t *testing.T) {
		var m tea.Model = newLoader("x.jsonl")
		m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		m, _ = m.Update(loadedMsg{buf: fixture()})
		assert.Contains(t, m.View(), "demo fixture · seed 7")
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("G")})
		assert.Contains(t, m.View(), "event 17/17")
		assert.NoError(t, LoadErr(m))
	})
	t.Run("error", func(t *testing.T) {
		var m tea.Model = newLoader("x.jsonl")
		m, cmd := m.Update(loadedMsg{err: &trace.Error{File: "x.jsonl", Line: 3, Msg: "unknown event kind"}})
		require.NotNil(t, cmd)
		assert.Equal(t, tea.Quit(), cmd())
		assert.ErrorContains(t, LoadErr(m), "x.jsonl:3: unknown event kind")
	})
	t.Run("read a file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "f.jsonl")
		require.NoError(t, trace.WriteFile(path, fixture()))
		l := newLoader(path)
		msg := readCmd(path, l.progress)()
		require.IsType(t, loadedMsg{}, msg)
		assert.NoError(t, msg.(loadedMsg).err)
		assert.Len(t, msg.(loadedMsg).buf.Records, len(fixture().Records))
		assert.Nil(t, waitProgress(l.progress)(), "the progress channel is closed when reading ends")
	})
}

// goldenScreen checks that view fills exactly a w×h screen, then compares
// it with its golden file.
func goldenScreen(t *testing.T, name, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	assert.Len(t, lines, h, "the view must be exactly %d rows", h)
	for i, line := range lines {
		assert.LessOrEqual(t, lipgloss.Width(line), w, "line %d is wider than the screen: %q", i, line)
	}
	golden(t, name, view)
}
