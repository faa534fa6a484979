package reference

// raftLog is the log after the snapshot. entries[0] is a sentinel standing
// for the last entry the snapshot covers (index base, term of that entry),
// so that term lookups at base need no special case.
type raftLog struct {
	base    int
	entries []Entry
	// unsaved is the lowest index appended or cut since persist last wrote
	// the log (0: none), so that persist writes only what changed.
	unsaved int
}

func newLog(base, baseTerm int) raftLog {
	return raftLog{base: base, entries: []Entry{{Term: baseTerm}}}
}

func (l *raftLog) lastIndex() int { return l.base + len(l.entries) - 1 }
func (l *raftLog) lastTerm() int  { return l.entries[len(l.entries)-1].Term }

// term returns the term of the entry at index i; ok is false if the log
// does not hold i (before the snapshot or past the end).
func (l *raftLog) term(i int) (t int, ok bool) {
	if i < l.base || i > l.lastIndex() {
		return 0, false
	}
	return l.entries[i-l.base].Term, true
}

func (l *raftLog) at(i int) Entry { return l.entries[i-l.base] }

// from returns up to max entries starting at index i (i > base).
func (l *raftLog) from(i, max int) []Entry {
	end := min(len(l.entries), i-l.base+max)
	return l.entries[i-l.base : end]
}

func (l *raftLog) append(es ...Entry) {
	if len(es) > 0 {
		l.changed(l.lastIndex() + 1)
	}
	l.entries = append(l.entries, es...)
}

// truncate drops the entries from index i on.
func (l *raftLog) truncate(i int) {
	l.changed(i)
	l.entries = l.entries[:i-l.base]
}

func (l *raftLog) changed(i int) {
	if l.unsaved == 0 || i < l.unsaved {
		l.unsaved = i
	}
}

// firstIndexOf returns the first index at or after base+1 whose entry has
// term t, scanning back from i.
func (l *raftLog) firstIndexOf(t, i int) int {
	for i > l.base+1 {
		if pt, _ := l.term(i - 1); pt != t {
			break
		}
		i--
	}
	return i
}

// compact discards everything up to index i, which becomes the new base.
func (l *raftLog) compact(i, term int) {
	if i <= l.lastIndex() {
		if t, ok := l.term(i); ok && t == term {
			// In place: nothing keeps a slice of entries past a handler
			// (the simulator copies what is sent), and the array's room
			// serves the appends to come.
			n := 1 + copy(l.entries[1:], l.entries[i-l.base+1:])
			l.entries[0] = Entry{Term: term}
			clear(l.entries[n:]) // let the discarded commands go
			l.entries = l.entries[:n]
			l.base = i
			return
		}
	}
	*l = newLog(i, term)
}
