package trace

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBoundedKeepsHeadAndTail(t *testing.T) {
	for _, tc := range []struct {
		name       string
		n, h, tail int
		wantCut    int
		wantTimes  []int64
	}{
		{"short run, nothing cut", 5, 3, 3, 0, []int64{1, 2, 3, 4, 5}},
		{"exactly full", 6, 3, 3, 0, []int64{1, 2, 3, 4, 5, 6}},
		{"long run", 10, 3, 3, 4, []int64{1, 2, 3, -1, 8, 9, 10}},
		{"no tail", 10, 3, 0, 7, []int64{1, 2, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf Buffer
			b := &Bounded{Sink: &buf, Head: tc.h, Tail: tc.tail}
			b.Header(Header{Seed: 1})
			for i := 1; i <= tc.n; i++ {
				b.Record(&Record{T: int64(i), Kind: Log})
			}
			b.Close()
			assert.Equal(t, tc.wantCut, b.Cut())
			var times []int64
			for _, r := range buf.Records {
				if r.Kind == Note {
					assert.Contains(t, r.Text, "trace cut: 4 records")
					times = append(times, -1)
					continue
				}
				times = append(times, r.T)
			}
			require.Equal(t, tc.wantTimes, times)
		})
	}
}
