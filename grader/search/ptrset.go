package search

import "unsafe"

// ptrMap maps pointers to pointers for one copy or one hash: the few
// pointers a node holds are kept in a slice searched in order, and only a
// node with many moves on to a map (a Go map costs a hash and a probe per
// pointer, which was a tenth of a pingpong step).
type ptrMap[V any] struct {
	small []ptrPair[V]
	big   map[unsafe.Pointer]V
}

type ptrPair[V any] struct {
	k unsafe.Pointer
	v V
}

const ptrMapSmall = 16

func (m *ptrMap[V]) reset() {
	clear(m.small) // no stale pointers kept alive
	m.small = m.small[:0]
	if m.big != nil {
		clear(m.big)
	}
}

func (m *ptrMap[V]) get(k unsafe.Pointer) (V, bool) {
	for i := range m.small {
		if m.small[i].k == k {
			return m.small[i].v, true
		}
	}
	if m.big != nil {
		v, ok := m.big[k]
		return v, ok
	}
	var zero V
	return zero, false
}

func (m *ptrMap[V]) put(k unsafe.Pointer, v V) {
	if len(m.small) < ptrMapSmall {
		m.small = append(m.small, ptrPair[V]{k, v})
		return
	}
	if m.big == nil {
		m.big = map[unsafe.Pointer]V{}
	}
	m.big[k] = v
}

func (m *ptrMap[V]) len() int { return len(m.small) + len(m.big) }
