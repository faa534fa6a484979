package sim

type evKind uint8

const (
	evStart evKind = iota + 1
	evDeliver
	evTimer
	evFault
	evFunc
	evRestart // a crashed node restarts (CrashPoint.Down, a faults.Reboot); id is the epoch that crashed
)

// event is one entry of the queue. It is stored by value so that pushing and
// popping allocate nothing once the queue's backing array has grown, and it
// holds no pointers (a delivery's message waits in Sim.msgs), so that moving
// events in the heap is a plain copy with no write barriers, and the
// collector never scans the queue.
type event struct {
	at   int64
	seq  uint64
	id   uint64 // message, timer, schedule or function id
	msg  int32  // a delivery's message: its slot in Sim.msgs
	to   int32  // a node.ID
	from int32
	kind evKind
}

// queue is a binary min-heap ordered by (at, seq). seq is unique, so the
// order is total and never depends on the heap's internal layout.
type queue []event

// before orders events by (at, seq).
func (e *event) before(o *event) bool {
	if e.at != o.at {
		return e.at < o.at
	}
	return e.seq < o.seq
}

// push and pop move a hole rather than swapping: an event is wide, and each
// level of the heap then costs one copy instead of three.

func (q *queue) push(e event) {
	*q = append(*q, event{})
	h := *q
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !e.before(&h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = e
}

// pop moves the first event into *top. (Filling the caller's event, rather
// than returning one, spares copying it through registers and the stack.)
func (q *queue) pop(top *event) {
	h := *q
	*top = h[0]
	last := len(h) - 1
	*q = (*q)[:last] // the length only: no write barrier
	if last == 0 {
		return
	}
	e := h[last]
	// Sift e down from the root: move the smaller child up into the hole.
	i := 0
	for {
		l := 2*i + 1
		if l >= last {
			break
		}
		m := l
		if r := l + 1; r < last && h[r].before(&h[l]) {
			m = r
		}
		if !h[m].before(&e) {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = e
}
