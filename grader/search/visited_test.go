package search

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestVisitedSet: visit inserts a new fingerprint, refuses one seen at no
// greater depth, takes a shallower depth, and keeps every entry across
// the table's growths (fingerprint 0, stored as 1, included).
func TestVisitedSet(t *testing.T) {
	v := newVisitedSet()
	steps := []struct {
		h           uint64
		d           int32
		seen, fresh bool
	}{
		{h: 42, d: 5, fresh: true},
		{h: 42, d: 5, seen: true},
		{h: 42, d: 7, seen: true},
		{h: 42, d: 3, seen: true, fresh: true},
		{h: 0, d: 1, fresh: true},
		{h: 0, d: 1, seen: true},
	}
	for i, s := range steps {
		seen, fresh := v.visit(s.h, s.d)
		assert.Equal(t, s.seen, seen, "step %d", i)
		assert.Equal(t, s.fresh, fresh, "step %d", i)
	}
	const n = 100_000
	for i := uint64(1); i <= n; i++ {
		v.put(mix(i), int32(i%50))
	}
	for i := uint64(1); i <= n; i++ {
		d, ok := v.get(mix(i))
		if !assert.True(t, ok, "entry %d lost", i) {
			return
		}
		assert.Equal(t, int32(i%50), d)
	}
	d, ok := v.get(42)
	assert.True(t, ok)
	assert.Equal(t, int32(3), d)
	assert.GreaterOrEqual(t, v.len(), n)
}
