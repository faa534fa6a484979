package run

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
)

// The runner protocol (DESIGN.md decision 10). The grader starts a runner
// process and writes to its standard input, one JSON line each, first a
// handshake with a secret token it drew for this process (crypto/rand),
// then requests. The runner answers on file descriptor 3, a pipe that
// student code cannot reach (vet forbids os, syscall, unsafe and cgo): a
// heartbeat line every second while a run goes on, and the runs' outcomes.
// Every line carries the token, and every outcome the key of the request
// it answers: code that did reach the pipe could still forge nothing, since
// the token and keys live only in the grader and in the runner's own
// variables, which no lab code can name. The grader refuses any other
// line. What student code prints goes to standard output, which the runner
// points at a file of its own and hands back with the outcome; it is shown,
// never parsed.
const (
	resultFD     = 3
	envMemory    = "FAULTLINE_MEMORY_LIMIT" // bytes
	heartbeat    = time.Second
	outputLimit  = 16 << 10
	exitHung     = 3
	exitMemory   = 4
	exitProtocol = 5
	// memoryEvery is how often (in events) a run checks its own heap, so
	// that a state that grows event by event is caught at the same count
	// of bytes however the watcher goroutine is scheduled.
	memoryEvery = 4096
)

// handshake is the first line a runner reads.
type handshake struct {
	Token string `json:"token"`
}

// reply is one line from a runner: a heartbeat or an outcome.
type reply struct {
	Token   string   `json:"token"`
	Beat    int64    `json:"beat,omitempty"` // events so far in the run in progress
	Outcome *outcome `json:"outcome,omitempty"`
	// forged, set by the grader's reader, says what was wrong with a line
	// it refused.
	forged string
}

// ServeChild is the main function of a runner process: it serves requests
// for the named lab until its input ends. student is the implementation
// named "student" (nil in the platform's own runner), and deps the
// student's implementations of the labs it builds on (Student.Uses). It
// never returns.
func ServeChild(lab string, student any, deps map[string]any) {
	l, err := suite.Lookup(lab)
	if err != nil {
		fmt.Fprintln(os.Stderr, "faultline runner:", err)
		os.Exit(exitProtocol)
	}
	out := os.NewFile(resultFD, "results")
	if out == nil {
		fmt.Fprintln(os.Stderr, "faultline runner: started without its result pipe; the grader starts runners, not people")
		os.Exit(exitProtocol)
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	var hello handshake
	if !in.Scan() || json.Unmarshal(in.Bytes(), &hello) != nil || hello.Token == "" {
		fmt.Fprintln(os.Stderr, "faultline runner: no handshake; the grader starts runners, not people")
		os.Exit(exitProtocol)
	}
	c := &child{r: &runner{lab: l, student: student, deps: deps}, out: out, token: hello.Token}
	c.limitMemory()
	TuneGC()
	// A handler needs little stack; a small ceiling turns endless recursion
	// into a stack overflow in milliseconds instead of seconds.
	debug.SetMaxStack(64 << 20)
	c.captureOutput()
	c.gid = goroutineID()
	c.stall = newStall(0, watchTick, processCPU, time.Now())
	if c.memLimit > 0 {
		c.r.every = memoryEvery
		c.r.check = c.checkMemory
	}
	go c.watch()
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			fmt.Fprintln(os.Stderr, "faultline runner: bad request:", err)
			os.Exit(exitProtocol)
		}
		c.serve(req)
	}
	os.Exit(0)
}

// watchTick is how often the runner's watcher looks at the run.
const watchTick = 50 * time.Millisecond

type child struct {
	r     *runner
	out   *os.File
	token string
	gid   int64 // the serving goroutine, for the watchdog's blocked check

	mu       sync.Mutex
	req      request
	t        *suite.T
	busy     bool
	lastBeat time.Time
	stall    *stall
	stdout   *os.File
	memLimit int64
	pending  []byte // replies not yet written
}

func (c *child) serve(req request) {
	c.mu.Lock()
	c.req, c.t, c.busy = req, nil, true
	c.stall.budget = req.Watchdog
	c.stall.reset(time.Now())
	c.lastBeat = time.Now()
	c.mu.Unlock()
	o := c.r.exec(req, func(t *suite.T) {
		c.mu.Lock()
		c.t = t
		c.mu.Unlock()
	})
	o.Output = c.takeOutput()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.busy = false
	c.queue(reply{Outcome: &o}, req.Flush)
}

// queue adds a reply to those waiting to be written, and writes them all
// when flush is set. The caller holds c.mu.
func (c *child) queue(r reply, flush bool) {
	r.Token = c.token
	if r.Outcome != nil {
		r.Outcome.Key = c.req.Key
	}
	b, err := json.Marshal(r)
	if err != nil {
		b, _ = json.Marshal(reply{Token: c.token, Outcome: &outcome{ID: c.req.ID, Key: c.req.Key, Status: runError, Message: "the runner could not encode an outcome: " + err.Error()}})
	}
	c.pending = append(append(c.pending, b...), '\n')
	if flush {
		c.flush()
	}
}

// flush writes the waiting replies; the caller holds c.mu.
func (c *child) flush() {
	if len(c.pending) == 0 {
		return
	}
	if _, err := c.out.Write(c.pending); err != nil {
		os.Exit(exitProtocol) // the grader is gone
	}
	c.pending = c.pending[:0]
}

// send writes one reply line; the caller holds c.mu.
func (c *child) send(r reply) { c.queue(r, true) }

// watch beats while a run goes on, and ends the process when the run has
// used the request's watchdog of CPU time without dispatching an event (a
// handler that never returns), or when the heap passes the memory limit.
// Each ending first sends the run's outcome. A run that makes no progress
// at all, not even in CPU time, for lastResort of wall time is given up on:
// the machine, not the code, is at fault.
func (c *child) watch() {
	tick := time.NewTicker(watchTick)
	for now := range tick.C {
		c.mu.Lock()
		if !c.busy {
			c.mu.Unlock()
			continue
		}
		var s *sim.Sim
		var n int64
		if c.t != nil {
			s, n = c.t.Sim(), c.t.Steps()
		}
		c.checkMemoryLocked(s)
		if c.req.Watchdog > 0 {
			verdict, detail := c.stall.observe(now, n, func() string { return blockedState(c.gid) })
			switch verdict {
			case stallGaveUp:
				c.die(exitHung, outcome{ID: c.req.ID, Status: runGaveUp, Kind: kindGaveUp, Message: gaveUpMessage(now.Sub(c.stall.wallAt))}, s)
			case stallNone:
			default:
				msg := hungMessage(verdict, c.req.Watchdog, detail)
				if s != nil {
					if last := s.LastEvents(); len(last) > 0 {
						msg += " The last events were:\n    " + strings.Join(last, "\n    ")
					}
				}
				c.die(exitHung, outcome{ID: c.req.ID, Status: runHung, Kind: kindHung, Message: msg}, s)
			}
		}
		if now.Sub(c.lastBeat) >= heartbeat {
			c.lastBeat = now
			c.send(reply{Beat: max(n, 1)})
		}
		c.mu.Unlock()
	}
}

// heapBytes reads the bytes of live and not yet swept heap objects: the
// memory verdict's measure, cheap enough to read every few thousand
// events (runtime/metrics stops no world).
func heapBytes() int64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	return int64(sample[0].Value.Uint64())
}

// checkMemory is the run's own check of its heap, every memoryEvery
// events.
func (c *child) checkMemory() {
	if heapBytes() <= c.memLimit {
		return
	}
	c.mu.Lock()
	var s *sim.Sim
	if c.t != nil {
		s = c.t.Sim()
	}
	c.checkMemoryLocked(s)
	c.mu.Unlock()
}

// checkMemoryLocked ends the process with the memory verdict when the heap
// is past the limit; the caller holds c.mu.
func (c *child) checkMemoryLocked(s *sim.Sim) {
	if c.memLimit <= 0 {
		return
	}
	used := heapBytes()
	if used <= c.memLimit {
		return
	}
	// The measure counts objects not yet swept: the last run's garbage
	// (a huge message it built, say) may still be there, more or less of
	// it as the collector's timing goes. The verdict is on what is live,
	// so collect first: the same run gets the same verdict on any machine.
	runtime.GC()
	if used = heapBytes(); used > c.memLimit {
		c.die(exitMemory, outcome{ID: c.req.ID, Status: runCrash, Kind: crashMemory,
			Message: fmt.Sprintf("out of memory: the run's heap grew to %s, past the limit of %s per runner (--memory). Look for a log, map or queue that grows without bound, or a huge allocation.",
				bytesText(used), bytesText(c.memLimit))}, s)
	}
}

// die reports o for the run in progress and ends the process, with the run
// still on its stack; the caller holds c.mu.
func (c *child) die(code int, o outcome, s *sim.Sim) {
	if s != nil {
		o.Events, o.Virtual = s.Dispatched(), s.Now()
	}
	o.Output = c.takeOutput()
	c.send(reply{Outcome: &o})
	os.Exit(code)
}

func (c *child) limitMemory() {
	limit, _ := strconv.ParseInt(os.Getenv(envMemory), 10, 64)
	if limit <= 0 {
		return
	}
	c.memLimit = limit
	// The collector's soft limit sits above the verdict's: at the limit
	// itself, the collector would run without pause to stay under it, and
	// a growing heap would cost the run CPU time (the watchdog's measure)
	// and wall time before the watcher saw it pass the limit.
	debug.SetMemoryLimit(limit + limit/4)
	// A hard ceiling on address space catches a single huge allocation
	// before the watcher could see it; the runtime needs room beyond the
	// heap for stacks and its own structures.
	ceiling := uint64(limit) + 2<<30
	_ = syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: ceiling, Max: ceiling})
}

// captureOutput points os.Stdout at a file of the runner's, so that what a
// run prints is kept with that run.
func (c *child) captureOutput() {
	f, err := os.CreateTemp("", "faultline-output-*")
	if err != nil {
		return
	}
	os.Remove(f.Name())
	c.stdout = f
	os.Stdout = f
}

// takeOutput returns what was printed since the last call, at most
// outputLimit bytes of it.
func (c *child) takeOutput() string {
	f := c.stdout
	if f == nil {
		return ""
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil || size == 0 {
		return ""
	}
	buf := make([]byte, min(size, outputLimit))
	n, _ := f.ReadAt(buf, 0)
	f.Truncate(0)
	f.Seek(0, io.SeekStart)
	s := string(buf[:n])
	if size > outputLimit {
		s += fmt.Sprintf("\n… (%d more bytes not shown)", size-outputLimit)
	}
	return s
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}
