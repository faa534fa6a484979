package search

// visitedSet maps a state's fingerprint to the least depth it was seen
// at: an open-addressing table of 64-bit fingerprints with linear
// probing. A fingerprint is already a well-mixed hash, so its low bits
// index the table directly; a Go map hashed it again and kept control
// bytes beside it, which was a tenth of a pingpong BFS step. Sixteen
// bytes a state, fingerprint and depth side by side (one cache miss a
// lookup, where two arrays cost two), with no pointers for the collector
// to scan.
type visitedSet struct {
	slots []vslot
	n     int
	mask  uint64
}

type vslot struct {
	key   uint64 // 0: empty (a fingerprint 0 is stored as 1)
	depth int32
}

func newVisitedSet() *visitedSet {
	v := &visitedSet{}
	v.alloc(1 << 12)
	return v
}

func (v *visitedSet) alloc(size int) {
	v.slots = make([]vslot, size)
	v.mask = uint64(size - 1)
}

func vkey(h uint64) uint64 {
	if h == 0 {
		return 1
	}
	return h
}

// get returns the depth h was seen at, and whether it was.
func (v *visitedSet) get(h uint64) (int32, bool) {
	h = vkey(h)
	for i := h & v.mask; ; i = (i + 1) & v.mask {
		switch v.slots[i].key {
		case h:
			return v.slots[i].depth, true
		case 0:
			return 0, false
		}
	}
}

// put records h at depth d (replacing the depth if h is there).
func (v *visitedSet) put(h uint64, d int32) {
	h = vkey(h)
	for i := h & v.mask; ; i = (i + 1) & v.mask {
		switch v.slots[i].key {
		case h:
			v.slots[i].depth = d
			return
		case 0:
			v.slots[i] = vslot{h, d}
			v.n++
			if v.n*4 > len(v.slots)*3 {
				v.grow()
			}
			return
		}
	}
}

// visit records h at depth d unless it was seen at depth d or less, in
// one probe: it returns whether h was seen before at all, and whether d
// is new (h unseen, or seen only deeper).
func (v *visitedSet) visit(h uint64, d int32) (seen, fresh bool) {
	h = vkey(h)
	for i := h & v.mask; ; i = (i + 1) & v.mask {
		switch v.slots[i].key {
		case h:
			if v.slots[i].depth <= d {
				return true, false
			}
			v.slots[i].depth = d
			return true, true
		case 0:
			v.slots[i] = vslot{h, d}
			v.n++
			if v.n*4 > len(v.slots)*3 {
				v.grow()
			}
			return false, true
		}
	}
}

func (v *visitedSet) grow() {
	old := v.slots
	v.alloc(2 * len(old))
	for _, sl := range old {
		if sl.key == 0 {
			continue
		}
		i := sl.key & v.mask
		for v.slots[i].key != 0 {
			i = (i + 1) & v.mask
		}
		v.slots[i] = sl
	}
}

func (v *visitedSet) len() int { return v.n }
