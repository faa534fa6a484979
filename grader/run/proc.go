package run

import (
	"bufio"
	"bytes"
	"context"
	crand "crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
)

// executor runs one request at a time and reports its outcome. Grade owns
// Parallel of them.
type executor interface {
	exec(ctx context.Context, req request) outcome
	// execAll runs reqs in order and reports each outcome with done; it
	// skips (reporting nothing) a request for which skip says so when its
	// turn comes. A runner process gets the requests ahead of time, so it
	// never waits for the grader between runs.
	execAll(ctx context.Context, reqs []request, skip func(i int) bool, done func(i int, o outcome))
	close()
}

// inProcess runs requests in the grader's own process: for the platform's
// own tests and for `go test` in a workspace, never for `faultline grade`
// of a student's code. A batch of requests runs in one goroutine locked to
// its thread, watched from the caller's by that thread's CPU time (the
// process's is shared by every run at once): a handler that never returns
// is abandoned (its goroutine and thread leak) and the batch goes on in a
// new goroutine; a fatal error ends the process. Where the system offers
// no thread clock, the watchdog counts wall time, and a last resort gives
// up as in a runner process.
type inProcess struct {
	r *runner
	// name tells this runner from the others of a grading (outcome.runner).
	name string
}

func (e inProcess) exec(ctx context.Context, req request) outcome {
	var out outcome
	e.execAll(ctx, []request{req}, func(int) bool { return false }, func(_ int, o outcome) { out = o })
	return out
}

func (e inProcess) execAll(ctx context.Context, reqs []request, skip func(int) bool, done func(int, outcome)) {
	for next := 0; next < len(reqs) && ctx.Err() == nil; {
		next = e.batch(ctx, reqs, next, skip, func(i int, o outcome) {
			o.runner = e.name
			done(i, o)
		})
	}
}

// batch runs reqs from next on and returns where to go on: past the end,
// or past a run it abandoned because it hung.
func (e inProcess) batch(ctx context.Context, reqs []request, next int, skip func(int) bool, done func(int, outcome)) int {
	const tick = 100 * time.Millisecond
	var (
		mu        sync.Mutex
		at        = -1 // the request running, or -1
		cur       *suite.T
		abandoned bool // the watcher gave up on this goroutine: it reports nothing more
		clock     func() (time.Duration, bool)
		gid       int64
		ready     = make(chan struct{})
	)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		clock, gid = threadClock(), goroutineID()
		close(ready)
		for i := next; i < len(reqs) && ctx.Err() == nil; i++ {
			if skip(i) {
				continue
			}
			mu.Lock()
			if abandoned {
				mu.Unlock()
				return // leave the thread locked: it ends with the goroutine
			}
			at, cur = i, nil
			mu.Unlock()
			o := e.r.exec(reqs[i], func(t *suite.T) { mu.Lock(); cur = t; mu.Unlock() })
			mu.Lock()
			if abandoned {
				mu.Unlock()
				return
			}
			done(i, o)
			at = -1
			mu.Unlock()
		}
		runtime.UnlockOSThread()
	}()
	<-ready
	t := time.NewTicker(tick)
	defer t.Stop()
	lastAt := -1
	st := newStall(0, tick, clock, time.Now())
	for {
		select {
		case <-finished:
			return len(reqs)
		case <-ctx.Done():
			mu.Lock()
			defer mu.Unlock()
			abandoned = true
			if at >= 0 {
				done(at, outcome{ID: reqs[at].ID, Status: runCrash, Kind: kindInterrupted, Message: "interrupted"})
			}
			return len(reqs)
		case now := <-t.C:
			mu.Lock()
			var s *sim.Sim
			var n int64
			if cur != nil {
				s, n = cur.Sim(), cur.Steps()
			}
			if at != lastAt {
				lastAt = at
				if at >= 0 {
					st.budget = reqs[at].Watchdog
				}
				st.reset(now)
			}
			if at < 0 || reqs[at].Watchdog <= 0 {
				mu.Unlock()
				continue
			}
			verdict, detail := st.observe(now, n, func() string { return blockedState(gid) })
			if verdict == stallNone {
				mu.Unlock()
				continue
			}
			abandoned = true
			o := outcome{ID: reqs[at].ID, Status: runHung, Kind: kindHung, Events: n}
			if verdict == stallGaveUp {
				o.Status, o.Kind, o.Message = runGaveUp, "gave up", gaveUpMessage(now.Sub(st.wallAt))
			} else {
				o.Message = hungMessage(verdict, reqs[at].Watchdog, detail)
				if s != nil {
					if ev := s.LastEvents(); len(ev) > 0 {
						o.Message += " The last events were:\n    " + strings.Join(ev, "\n    ")
					}
				}
			}
			i := at
			done(i, o)
			mu.Unlock()
			return i + 1
		}
	}
}

func (inProcess) close() {}

// Runner describes a built runner program: a pristine build of the suites
// with the implementation under test compiled in (see grader/workspace).
type Runner struct {
	// Path is the runner executable.
	Path string
	// MemoryLimit bounds each runner process's heap, in bytes; 0 means
	// 2 GiB.
	MemoryLimit int64
	// Frames rewrites a stack frame's file path from the build tree to
	// where the student can open it; nil leaves paths as they are.
	Frames func(line string) string
}

// process runs requests in a runner process, starting a fresh one when the
// last died. It never runs student code in the grader's process.
type process struct {
	rn  *Runner
	lab string
	// name tells this executor from the others of a grading; starts
	// counts the processes it started: together they name the process
	// that ran a run (outcome.runner).
	name   string
	starts int
	// token is the secret of the process running: every line it writes
	// carries it. keys draws each request's key.
	token string
	keys  *rand.ChaCha8

	cmd     *exec.Cmd
	stdin   io.WriteCloser
	replies chan reply
	stderr  *tailBuffer
	exited  chan struct{}
	quit    chan struct{} // closed when the grader is done with the process
	nextID  int64
	// lost is set when a runner died with outcomes unwritten: the next
	// requests ask for each outcome at once.
	lost bool
}

func newProcess(rn *Runner, lab, name string) *process {
	return &process{rn: rn, lab: lab, name: name}
}

// secret draws a token and a key stream from crypto/rand for a new runner
// process: nothing in the runner, and so nothing in student code, can
// predict them.
func (p *process) secret() error {
	var b [64]byte
	if _, err := crand.Read(b[:]); err != nil {
		return fmt.Errorf("draw a runner's token: %w", err)
	}
	p.token = hex.EncodeToString(b[:32])
	p.keys = rand.NewChaCha8([32]byte(b[32:]))
	return nil
}

func (p *process) start() error {
	if err := p.secret(); err != nil {
		return err
	}
	p.starts++
	cmd := exec.Command(p.rn.Path)
	cmd.Env = append(os.Environ(), envMemory+"="+strconv.FormatInt(p.memory(), 10), "GOTRACEBACK=single")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd.ExtraFiles = []*os.File{w} // fd 3
	p.stderr = &tailBuffer{max: 64 << 10}
	cmd.Stderr = p.stderr
	cmd.Stdout = p.stderr // written only by code that bypasses os.Stdout
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return fmt.Errorf("start runner %s: %w", p.rn.Path, err)
	}
	w.Close()
	p.cmd, p.stdin = cmd, stdin
	replies, exited, quit := make(chan reply, 4), make(chan struct{}), make(chan struct{})
	p.replies, p.exited, p.quit = replies, exited, quit
	token := []byte(p.token)
	go func() {
		defer close(replies)
		defer r.Close()
		deliver := func(rep reply) bool {
			select {
			case replies <- rep:
				return true
			case <-quit: // the grader is done with this process
				return false
			}
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			var rep reply
			// A line that is not JSON, or lacks the token, did not come
			// from the runner's own code.
			if json.Unmarshal(sc.Bytes(), &rep) != nil || subtle.ConstantTimeCompare([]byte(rep.Token), token) != 1 {
				deliver(reply{forged: "a line without the runner's token"})
				return
			}
			if !deliver(rep) {
				return
			}
		}
		if sc.Err() != nil {
			deliver(reply{forged: "a line longer than any outcome"})
		}
	}()
	go func() {
		cmd.Wait()
		close(exited)
	}()
	hello, _ := json.Marshal(handshake{Token: p.token})
	if _, err := stdin.Write(append(hello, '\n')); err != nil {
		p.kill()
		return fmt.Errorf("start runner %s: %w", p.rn.Path, err)
	}
	return nil
}

func (p *process) memory() int64 {
	if p.rn.MemoryLimit > 0 {
		return p.rn.MemoryLimit
	}
	return 2 << 30
}

func (p *process) exec(ctx context.Context, req request) outcome {
	var out outcome
	p.execAll(ctx, []request{req}, func(int) bool { return false }, func(_ int, o outcome) { out = o })
	return out
}

func (p *process) execAll(ctx context.Context, reqs []request, skip func(int) bool, done func(int, outcome)) {
	next := 0 // the first request not yet answered
	for next < len(reqs) && ctx.Err() == nil {
		if p.cmd == nil {
			if err := p.start(); err != nil {
				for ; next < len(reqs); next++ {
					if !skip(next) {
						done(next, outcome{ID: reqs[next].ID, Status: runError, Kind: kindRunner, Message: err.Error()})
					}
				}
				return
			}
		}
		// Send every remaining request, then take the outcomes in order.
		p.stderr.reset()
		var sent []int
		for i := next; i < len(reqs); i++ {
			if !skip(i) {
				sent = append(sent, i)
			}
		}
		if len(sent) == 0 {
			return
		}
		// The runner writes its outcomes when the last request is done (or
		// it beats, or a run hangs or crashes in a way it can report), not
		// one by one: a write per run cost the grader a wake-up per run.
		// After a crash that lost outcomes, each is written at once, so
		// that the crash is pinned on the run that caused it.
		flushEach := p.lost
		p.lost = false
		var buf []byte
		for k, i := range sent {
			p.nextID++
			reqs[i].ID = p.nextID
			reqs[i].Key = p.keys.Uint64()
			reqs[i].Flush = flushEach || k == len(sent)-1
			line, _ := json.Marshal(reqs[i])
			buf = append(append(buf, line...), '\n')
		}
		if _, err := p.stdin.Write(buf); err != nil {
			done(sent[0], p.crashed(reqs[sent[0]], "the runner process was gone before the run began"))
			next = sent[0] + 1
			continue
		}
		next = len(reqs)
		for _, i := range sent {
			o, lost := p.await(ctx, reqs[i])
			if lost && !reqs[i].Flush {
				// The runner died, or wrote what it was not asked, with
				// outcomes unwritten: in this run or a later one. Run them
				// again, each written at once, to pin it on its run.
				p.lost, next = true, i
				break
			}
			o.runner = fmt.Sprintf("%s.%d", p.name, p.starts)
			if p.rn.Frames != nil {
				o.Message = p.rn.Frames(o.Message)
			}
			done(i, o)
			if p.cmd == nil {
				// The runner died in this run: the rest go to a fresh one.
				next = i + 1
				break
			}
		}
	}
}

// await waits for the outcome of req, which the runner has. lost reports a
// runner that ended, or was ended, without writing it.
func (p *process) await(ctx context.Context, req request) (o outcome, lost bool) {
	// The runner beats every second while a run goes on; silence for this
	// long means the process is not scheduled at all, or wedged beyond its
	// own watchdog.
	silence := silenceLimit(req.Watchdog)
	start := time.Now()
	timer := time.NewTimer(silence)
	defer timer.Stop()
	var beat int64
	for {
		select {
		case rep, ok := <-p.replies:
			if !ok {
				return p.crashed(req, ""), true
			}
			if rep.forged != "" {
				return p.refuse(req, rep.forged), true
			}
			if rep.Outcome != nil {
				switch o := *rep.Outcome; {
				case o.ID < req.ID:
					return p.refuse(req, fmt.Sprintf("a second outcome of request %d", o.ID)), true
				case o.ID > req.ID:
					return p.refuse(req, fmt.Sprintf("an outcome of request %d, which it was not sent", o.ID)), true
				case o.Key != req.Key:
					return p.refuse(req, fmt.Sprintf("an outcome of request %d without its key", o.ID)), true
				}
				o := *rep.Outcome
				if o.Status.stops() {
					p.kill() // the runner ends itself after these; make sure
				}
				return o, false
			}
			beat = rep.Beat
			timer.Reset(silence)
		case <-timer.C:
			p.kill()
			return outcome{ID: req.ID, Status: runGaveUp, Kind: kindGaveUp, Events: beat,
				Message: gaveUpMessage(time.Since(start))}, false
		case <-ctx.Done():
			p.kill()
			return outcome{ID: req.ID, Status: runCrash, Kind: kindInterrupted, Message: "interrupted"}, false
		}
	}
}

// refuse ends a runner that wrote a line it was not asked for, and makes
// the run an error of the grading: never a pass.
func (p *process) refuse(req request, what string) outcome {
	p.kill()
	return outcome{ID: req.ID, Status: runError, Kind: kindForged,
		Message: "the runner wrote an outcome it was not asked for (" + what + "): the grade cannot be trusted. " +
			"Code that writes to the runner's result pipe breaks the lab's rules; if yours does not, please report this."}
}

// crashed explains a runner that died during req, from its exit status and
// what the Go runtime printed, and forgets the process.
func (p *process) crashed(req request, why string) outcome {
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.exited
	}
	state := p.cmd.ProcessState
	p.forget()
	text := p.stderr.String()
	kind, msg := classifyCrash(state, text)
	if why != "" {
		msg = why + ": " + msg
	}
	if frames := p.studentFrames(text); frames != "" {
		msg += "\n" + frames
	}
	return outcome{ID: req.ID, Status: runCrash, Kind: kind, Message: msg}
}

func (p *process) kill() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.exited
	p.forget()
}

// forget drops the process that ended: its reader stops delivering.
func (p *process) forget() {
	if p.cmd != nil {
		close(p.quit)
		p.cmd = nil
	}
}

func (p *process) close() {
	if p.cmd == nil {
		return
	}
	p.stdin.Close() // the runner exits when its input ends
	select {
	case <-p.exited:
	case <-time.After(2 * time.Second):
		p.kill()
	}
	p.forget()
}

// classifyCrash names why a runner died, from its exit status and the
// runtime's last words. A dead process leaves no typed value behind: its
// stderr is the only witness, read here once; everything after decides on
// the kind it returns.
func classifyCrash(state *os.ProcessState, stderr string) (kind failKind, msg string) {
	fatal := ""
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "fatal error: ") || strings.HasPrefix(l, "runtime: ") && fatal == "" {
			fatal = strings.TrimSpace(l)
			if strings.HasPrefix(l, "fatal error: ") {
				break
			}
		}
	}
	switch {
	case strings.Contains(stderr, "stack overflow") || strings.Contains(stderr, "goroutine stack exceeds"):
		return crashStackOverflow, "the runner crashed with a stack overflow: a handler recursed without end (look for a function that calls itself, or two that call each other)"
	case strings.Contains(stderr, "concurrent map"):
		return crashConcurrentMap, "the runner crashed: " + fatal + ". Nodes must not share a map: keep all state inside your node values, never in package-level variables"
	case strings.Contains(stderr, "out of memory") || strings.Contains(stderr, "cannot allocate memory"):
		return crashMemory, "the runner ran out of memory (" + fatal + "): look for a huge allocation, or state that grows without bound"
	case fatal != "":
		return crashFatal, "the runner crashed: " + fatal
	}
	if state == nil {
		return crashExit, "the runner ended for an unknown reason"
	}
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		if ws.Signal() == syscall.SIGKILL {
			return crashKilled, "the runner was killed (SIGKILL): most likely the system ran out of memory"
		}
		return crashSignal, "the runner was killed by signal " + ws.Signal().String()
	}
	return crashExit, fmt.Sprintf("the runner exited with status %d in the middle of a run: your code ended the process (os.Exit, or a panic in a goroutine of its own?)", state.ExitCode())
}

var frameRE = regexp.MustCompile(`^\s+(\S+\.go):(\d+)`)

// studentFrames picks the stack frames in the student's files out of a
// crash's output, at most ten, with their function names.
func (p *process) studentFrames(stderr string) string {
	if p.rn.Frames == nil {
		return ""
	}
	lines := strings.Split(stderr, "\n")
	var out []string
	for i, l := range lines {
		m := frameRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		mapped := p.rn.Frames(m[1])
		if mapped == m[1] {
			continue // not the student's file
		}
		fn := ""
		if i > 0 {
			fn = strings.TrimSpace(lines[i-1])
			if j := strings.LastIndex(fn, "("); j > 0 {
				fn = fn[:j]
			}
			if j := strings.LastIndex(fn, "/"); j >= 0 {
				fn = fn[j+1:]
			}
		}
		out = append(out, fmt.Sprintf("    %s:%s %s", mapped, m[2], fn))
		if len(out) == 10 {
			break
		}
	}
	if len(out) == 0 {
		return ""
	}
	return "  your code on the stack:\n" + strings.Join(dedupe(out), "\n")
}

func dedupe(lines []string) []string {
	var out []string
	for i, l := range lines {
		if i > 0 && l == lines[i-1] {
			continue
		}
		out = append(out, l)
	}
	return out
}

// tailBuffer keeps the first and the last bytes written to it: a runtime
// crash prints the fatal error first and the goroutine stacks after.
type tailBuffer struct {
	mu   sync.Mutex
	max  int
	n    int
	head bytes.Buffer
	tail []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.max/2 - b.head.Len(); room > 0 {
		b.head.Write(p[:min(room, len(p))])
	}
	b.n += len(p)
	b.tail = append(b.tail, p...)
	if len(b.tail) > b.max/2 {
		b.tail = b.tail[len(b.tail)-b.max/2:]
	}
	return len(p), nil
}

func (b *tailBuffer) reset() {
	b.mu.Lock()
	b.head.Reset()
	b.tail, b.n = b.tail[:0], 0
	b.mu.Unlock()
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.n <= b.max/2 {
		return b.head.String()
	}
	return b.head.String() + "\n…\n" + string(b.tail)
}
