package sim

import "github.com/faultline-dev/faultline/labs/node"

type evKind uint8

const (
	evStart evKind = iota + 1
	evDeliver
	evTimer
	evFault
	evFunc
)

// event is one entry of the queue. It is stored by value so that pushing and
// popping allocate nothing once the queue's backing array has grown.
type event struct {
	at   int64
	seq  uint64
	id   uint64 // message, timer, schedule or function id
	msg  node.Message
	to   node.ID
	from node.ID
	kind evKind
}

// queue is a binary min-heap ordered by (at, seq). seq is unique, so the
// order is total and never depends on the heap's internal layout.
type queue []event

func (q queue) less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].seq < q[j].seq
}

func (q *queue) push(e event) {
	*q = append(*q, e)
	h := *q
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (q *queue) pop() event {
	h := *q
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h[last] = event{} // drop the message reference for the GC
	h = h[:last]
	i := 0
	for {
		l := 2*i + 1
		if l >= len(h) {
			break
		}
		m := l
		if r := l + 1; r < len(h) && h.less(r, l) {
			m = r
		}
		if !h.less(m, i) {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	*q = h
	return top
}
