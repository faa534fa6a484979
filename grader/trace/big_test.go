package trace

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/labs/node"
)

// writeBig writes a synthetic trace of n records across 5 nodes to path,
// shaped like a Raft run: sends with payloads, deliveries, some drops, state
// changes and log lines. It streams through Writer, so it costs no memory.
func writeBig(tb testing.TB, path string, n int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := NewWriter(f)
	w.Header(Header{Scenario: "big", Seed: 1, Nodes: []node.ID{1, 2, 3, 4, 5}, Faults: faults.Reliable()})
	var msg uint64
	count := 0
	emit := func(r Record) {
		if count < n {
			w.Record(&r)
			count++
		}
	}
	for i := 0; count < n; i++ {
		from, to := node.ID(i%5+1), node.ID((i+1)%5+1)
		msg++
		t := int64(i) * 1_000_000
		emit(Record{T: t, Kind: Send, Node: from, Peer: to, Msg: msg, Type: "AppendEntries", Size: 48,
			Data: []byte(fmt.Sprintf(`{"Term":%d,"LeaderID":%d,"PrevLogIndex":%d,"Entries":null}`, i/100, from, i))})
		if i%50 == 0 {
			emit(Record{T: t, Kind: Drop, Node: to, Peer: from, Msg: msg, Type: "AppendEntries", Text: "loss"})
		} else {
			emit(Record{T: t + 500_000, Kind: Deliver, Node: to, Peer: from, Msg: msg, Type: "AppendEntries"})
		}
		if i%10 == 0 {
			emit(Record{T: t + 500_000, Kind: Log, Node: to, Text: fmt.Sprintf("append from %v at index %d", from, i)})
		}
		if i%100 == 0 {
			emit(Record{T: t + 500_000, Kind: State, Node: from, Data: []byte(fmt.Sprintf(`{"role":"leader","term":%d}`, i/100))})
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// bigSizes are the trace sizes the read benchmarks open: the cost per
// record must stay flat from one to the next.
var bigSizes = []int{100_000, 1_000_000}

// BenchmarkReadFile reads a whole generated trace into memory, as the
// viewer does. It reports records/s and the bytes allocated per op.
func BenchmarkReadFile(b *testing.B) {
	for _, n := range bigSizes {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "big.jsonl")
			writeBig(b, path, n)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				buf, err := ReadFile(path)
				if err != nil {
					b.Fatal(err)
				}
				if len(buf.Records) != n {
					b.Fatalf("read %d records, want %d", len(buf.Records), n)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkValidateFile is `faultline trace check`: read, validate and hash
// a trace without keeping it.
func BenchmarkValidateFile(b *testing.B) {
	for _, n := range bigSizes {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "big.jsonl")
			writeBig(b, path, n)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				s, err := ValidateFile(path)
				if err != nil {
					b.Fatal(err)
				}
				if s.Records != n {
					b.Fatalf("read %d records, want %d", s.Records, n)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
