package run

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The watchdog decides that a handler never returns by counting CPU time,
// not wall time (DESIGN.md decision 11): a run that dispatches no event
// while its process (or, in-process, its thread) burns Options.Watchdog of
// CPU is hung, on any machine. A loaded machine gives the run less CPU per
// second of wall time, so the same endless handler takes longer to judge,
// and a slow but finite handler is never judged at all. Wall time only
// ends what makes no progress of any kind, CPU included, for a long time:
// a process the machine does not schedule. That is the machine's fault,
// not the student's, and it is reported as an error of the grading.

// lastResort is the wall time a run may go with neither an event nor CPU
// progress before the grader gives up on it: generous, since it judges
// the machine, not the code.
func lastResort(watchdog time.Duration) time.Duration { return max(60*time.Second, 12*watchdog) }

// silenceLimit is how long the grader waits for a runner process that
// writes nothing, not even its heartbeat: longer than the runner's own last
// resort, which reports before it ends.
func silenceLimit(watchdog time.Duration) time.Duration { return lastResort(watchdog) + 30*time.Second }

// gaveUpMessage explains a run the grader gave up on; Grade adds the
// replay command.
func gaveUpMessage(wall time.Duration) string {
	return fmt.Sprintf("the grader gave up after %d s of wall time without progress (machine overloaded?)", int(wall.Round(time.Second)/time.Second))
}

// stall follows one run's progress for the watchdog. It is told, at each
// tick, how many events the run has dispatched and what its CPU clock
// reads.
type stall struct {
	budget time.Duration // CPU time the run may use without dispatching an event
	tick   time.Duration // how often observe is called
	clock  func() (time.Duration, bool)

	events  int64
	cpuAt   time.Duration // the CPU clock at the last event
	prevCPU time.Duration // the CPU clock at the last tick
	wallAt  time.Time     // the last progress of any kind: an event or CPU
	// askedAt is when the blocked check last ran, suspect what it saw:
	// the verdict needs the same wait seen twice, a budget apart.
	askedAt time.Time
	suspect string
}

func newStall(budget, tick time.Duration, clock func() (time.Duration, bool), now time.Time) *stall {
	s := &stall{budget: budget, tick: tick, clock: clock, events: -1}
	s.reset(now)
	return s
}

// reset starts the count again, for a new run.
func (s *stall) reset(now time.Time) {
	cpu, _ := s.clock()
	s.events, s.cpuAt, s.prevCPU, s.wallAt, s.suspect = -1, cpu, cpu, now, ""
}

// Verdicts of the watchdog.
const (
	stallNone    = iota
	stallCPU     // the CPU budget went by without an event
	stallWall    // no CPU clock: the budget went by in wall time
	stallBlocked // the run's goroutine waits for what nothing will send
	stallGaveUp  // no progress of any kind for lastResort
)

// observe returns the watchdog's verdict on the run at now, given its
// events so far. state, if not nil, returns the run's goroutine's state if
// it is blocked for good ("chan receive"), else "".
func (s *stall) observe(now time.Time, events int64, state func() string) (verdict int, detail string) {
	cpu, ok := s.clock()
	if events != s.events {
		s.events, s.cpuAt, s.prevCPU, s.wallAt, s.suspect = events, cpu, cpu, now, ""
		return stallNone, ""
	}
	// A tenth of a core over a tick is progress: the run is computing,
	// however slowly the machine lets it.
	if ok && cpu-s.prevCPU >= s.tick/10 {
		s.wallAt, s.suspect = now, ""
	}
	s.prevCPU = cpu
	switch {
	case ok && cpu-s.cpuAt > s.budget:
		return stallCPU, ""
	case !ok && now.Sub(s.wallAt) > s.budget:
		return stallWall, ""
	}
	idle := now.Sub(s.wallAt)
	// A goroutine blocked on a channel or a lock (platform code only: vet
	// keeps them out of lab code) uses no CPU: ask its state once it has
	// been idle for the budget, so that it is not taken for a starved one,
	// and judge it blocked only when it waits in the same place a budget
	// later. One look is not enough on a loaded machine: a runner that the
	// machine did not schedule for a second may be caught for an instant
	// waiting for the lock the watcher itself holds while it looks.
	if state != nil && idle > s.budget && now.Sub(s.askedAt) >= s.budget {
		s.askedAt = now
		st := state()
		if st != "" && st == s.suspect {
			return stallBlocked, st
		}
		s.suspect = st
	}
	if idle > lastResort(s.budget) {
		return stallGaveUp, ""
	}
	return stallNone, ""
}

// hungMessage explains a watchdog's verdict on a run.
func hungMessage(verdict int, budget time.Duration, detail string) string {
	switch verdict {
	case stallCPU:
		return fmt.Sprintf("a handler used %v of CPU time without returning (no event was dispatched): an infinite loop, or far too much work for one event?", budget)
	case stallBlocked:
		return fmt.Sprintf("a handler blocked for good (its goroutine waits in %q): it waits for something no event will bring.", detail)
	}
	return fmt.Sprintf("a handler made no progress for %v of wall time (no event was dispatched): an infinite loop, or a call that never returns?", budget)
}

// processCPU is the CPU time (user and system) this process has used: in a
// runner, which runs one run at a time, that run's and the collector's.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}

// goroutineID returns the calling goroutine's ID, from its stack header
// ("goroutine 7 [running]:"): for the watchdog's question of its state.
func goroutineID() int64 {
	var buf [64]byte
	s := strings.TrimPrefix(string(buf[:runtime.Stack(buf[:], false)]), "goroutine ")
	id, _ := strconv.ParseInt(s[:max(strings.IndexByte(s, ' '), 0)], 10, 64)
	return id
}

// blockedState returns goroutine id's wait reason if it waits for good
// (on a channel, a select, a lock, a sleep), else "". It stops the world
// for a moment: the watchdog calls it once per stall.
func blockedState(id int64) string {
	if id <= 0 {
		return ""
	}
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	head := []byte(fmt.Sprintf("goroutine %d [", id))
	i := bytes.Index(buf, head)
	if i < 0 {
		return ""
	}
	rest := buf[i+len(head):]
	j := bytes.IndexByte(rest, ']')
	if j < 0 {
		return ""
	}
	state, _, _ := strings.Cut(string(rest[:j]), ",") // "chan receive, 2 minutes"
	for _, p := range []string{"chan receive", "chan send", "select", "sync.", "semacquire", "sleep"} {
		if strings.HasPrefix(state, p) {
			return state
		}
	}
	return ""
}
