package sim

import "github.com/faultline-dev/faultline/labs/node"

// timerTable is a slab of live timers. A TimerID packs a slot index and the
// slot's generation, so an ID of a fired or cancelled timer never matches a
// timer that later reuses its slot. Steady state allocates nothing.
type timerTable struct {
	slots []timerSlot
	free  []uint32
}

type timerSlot struct {
	value any
	owner node.ID
	epoch uint32
	gen   uint32
	live  bool
}

func (t *timerTable) alloc(owner node.ID, epoch uint32, value any) node.TimerID {
	var i uint32
	if n := len(t.free); n > 0 {
		i = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		t.slots = append(t.slots, timerSlot{})
		i = uint32(len(t.slots) - 1)
	}
	sl := &t.slots[i]
	sl.gen++
	sl.value, sl.owner, sl.epoch, sl.live = value, owner, epoch, true
	return node.TimerID(uint64(sl.gen)<<32 | uint64(i+1))
}

func (t *timerTable) slot(id node.TimerID) *timerSlot {
	i := uint32(id) - 1
	if uint32(id) == 0 || int(i) >= len(t.slots) {
		return nil
	}
	sl := &t.slots[i]
	if !sl.live || sl.gen != uint32(id>>32) {
		return nil
	}
	return sl
}

func (t *timerTable) release(id node.TimerID) {
	sl := &t.slots[uint32(id)-1]
	sl.live, sl.value = false, nil
	t.free = append(t.free, uint32(id)-1)
}

// cancel releases the timer if owner holds it live; it reports whether it did.
func (t *timerTable) cancel(id node.TimerID, owner node.ID) bool {
	sl := t.slot(id)
	if sl == nil || sl.owner != owner {
		return false
	}
	t.release(id)
	return true
}
