package reference

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func logOf(base, baseTerm int, terms ...int) raftLog {
	l := newLog(base, baseTerm)
	for _, t := range terms {
		l.append(Entry{Term: t})
	}
	return l
}

func TestLogTerm(t *testing.T) {
	l := logOf(10, 3, 3, 4, 4) // indexes 11, 12, 13
	for _, c := range []struct {
		name  string
		index int
		term  int
		ok    bool
	}{
		{"before the snapshot", 9, 0, false},
		{"the snapshot's last entry", 10, 3, true},
		{"first entry", 11, 3, true},
		{"last entry", 13, 4, true},
		{"past the end", 14, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			term, ok := l.term(c.index)
			assert.Equal(t, c.ok, ok)
			assert.Equal(t, c.term, term)
		})
	}
	assert.Equal(t, 13, l.lastIndex())
	assert.Equal(t, 4, l.lastTerm())
}

func TestLogFirstIndexOf(t *testing.T) {
	l := logOf(0, 0, 1, 1, 2, 2, 2, 3) // 1..6
	assert.Equal(t, 3, l.firstIndexOf(2, 5), "§5.3 hint: the first index of the conflicting term")
	assert.Equal(t, 1, l.firstIndexOf(1, 2))
	assert.Equal(t, 6, l.firstIndexOf(3, 6))
	s := logOf(4, 2, 2, 2) // the term's first entries are in the snapshot
	assert.Equal(t, 5, s.firstIndexOf(2, 6), "never hint an index inside the snapshot")
}

func TestLogCompact(t *testing.T) {
	t.Run("keeps the entries after a matching snapshot point", func(t *testing.T) {
		l := logOf(0, 0, 1, 1, 2, 2)
		l.compact(2, 1)
		assert.Equal(t, 2, l.base)
		assert.Equal(t, 4, l.lastIndex())
		term, _ := l.term(3)
		assert.Equal(t, 2, term)
	})
	t.Run("discards a log that disagrees with the snapshot", func(t *testing.T) {
		l := logOf(0, 0, 1, 1, 2, 2)
		l.compact(3, 5)
		assert.Equal(t, 3, l.base)
		assert.Equal(t, 3, l.lastIndex())
		assert.Equal(t, 5, l.lastTerm())
	})
	t.Run("a snapshot past the end", func(t *testing.T) {
		l := logOf(0, 0, 1)
		l.compact(9, 4)
		assert.Equal(t, 9, l.lastIndex())
		assert.Equal(t, 4, l.lastTerm())
	})
}

func TestLogTruncateAndFrom(t *testing.T) {
	l := logOf(5, 1, 1, 2, 3, 4) // 6..9
	assert.Len(t, l.from(7, 2), 2)
	assert.Len(t, l.from(7, 100), 3)
	l.truncate(8)
	assert.Equal(t, 7, l.lastIndex())
	assert.Equal(t, 2, l.lastTerm())
}
