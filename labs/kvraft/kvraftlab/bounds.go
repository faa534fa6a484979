package kvraftlab

import (
	_ "embed"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/kvraft"
	"github.com/faultline-dev/faultline/labs/node"
)

// The calibrated bounds (issue 23, item 3): how long a test waits, once
// every fault is healed, for the requests in flight and for each final
// read, and how many requests a clerk may send in one second. Each test
// has its own, derived from the reference's distribution over 1,000 seeds
// with a stated margin, across the designs the task admits (task.md,
// "Calibrated bounds"); bounds.txt holds them with their derivation, and
// bounds_test.go re-derives them and fails when the reference's worst case
// moves past the margin (-update rewrites the file).

// bound names what a calibrated bound covers.
type bound int

const (
	// recoverWait: from the moment finish heals every fault and restarts
	// every crashed server until every request in flight has returned.
	recoverWait bound = iota
	// readWait: from a final read's call to its return, one key after
	// another on the healed cluster (the first may wait for an election).
	readWait
	// clerkRate: the most requests one clerk sent to the servers in any
	// second of virtual time, over the whole run.
	clerkRate
	nBounds
)

func (b bound) String() string { return [...]string{"recover", "read", "rate"}[b] }

// format shows a value of b as bounds.txt and the reports write it.
func (b bound) format(v float64) string {
	if b == clerkRate {
		return strconv.Itoa(int(v))
	}
	return time.Duration(v * float64(time.Second)).Round(suite.Ms).String()
}

// parse reads a value of b as bounds.txt writes it.
func (b bound) parse(s string) (float64, error) {
	if b == clerkRate {
		n, err := strconv.Atoi(s)
		return float64(n), err
	}
	d, err := time.ParseDuration(s)
	return d.Seconds(), err
}

// rateWindow is the window clerkRate counts requests in.
const rateWindow = time.Second

// boundMargin is the margin each bound keeps over the worst case of the
// reference, across every design the task admits (bounds_test.go).
const boundMargin = 1.5

// The clerk timings the bounds admit, fastest and slowest (task.md): a
// request timeout, and a pause after every server refused.
var (
	clerkTimeouts = [2]time.Duration{100 * time.Millisecond, 500 * time.Millisecond}
	clerkPauses   = [2]time.Duration{50 * time.Millisecond, 100 * time.Millisecond}
)

// boundFloor is each bound's least value: a test whose reference never
// waits still allows an election at the slowest timing the Raft task
// admits (two rounds of a 1 s timeout), and a final read a few lost
// requests; no clerk is held under 100 requests a second.
var boundFloor = [nBounds]float64{recoverWait: 2, readWait: 1, clerkRate: 100}

//go:embed bounds.txt
var boundsText string

// boundTable holds each test's bounds, from bounds.txt.
var boundTable = mustParseBounds(boundsText)

// boundMax is each bound's largest value in the table: the bound of a
// test the table does not list (CrashExploration).
var boundMax = func() (m [nBounds]float64) {
	m = boundFloor
	for _, l := range boundTable {
		for b := range nBounds {
			m[b] = max(m[b], l[b])
		}
	}
	return m
}()

// mustParseBounds reads lines of "Test recover read rate" (Go durations
// and requests a second); from a # to the end of a line is a comment.
func mustParseBounds(text string) map[string][nBounds]float64 {
	out := map[string][nBounds]float64{}
	for i, line := range strings.Split(text, "\n") {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 1+int(nBounds) {
			panic(fmt.Sprintf("kvraftlab: bounds.txt:%d: want a test name and %d values, got %q", i+1, nBounds, line))
		}
		var l [nBounds]float64
		for b := range nBounds {
			v, err := b.parse(f[1+b])
			if err != nil {
				panic(fmt.Sprintf("kvraftlab: bounds.txt:%d: %v", i+1, err))
			}
			l[b] = v
		}
		out[f[0]] = l
	}
	return out
}

// limit is the running test's bound b: the table's, or, while
// calibrating, one far beyond any the table holds.
func (c *harness) limit(b bound) float64 {
	if c.calibrating {
		return [nBounds]float64{recoverWait: 60, readWait: 60, clerkRate: math.Inf(1)}[b]
	}
	return c.calibratedLimit(b)
}

// calibratedLimit is the running test's bound b in the table.
func (c *harness) calibratedLimit(b bound) float64 {
	if l, ok := boundTable[c.test]; ok {
		return l[b]
	}
	return boundMax[b]
}

// waitBound runs until no clerk has a request in flight, for at most the
// test's bound b from since, and fails the test's liveness if one is
// left; what says what the wait is for, in the failure message.
func (c *harness) waitBound(b bound, since time.Duration, what string) {
	limit := time.Duration(c.limit(b) * float64(time.Second))
	ok := c.s.RunUntilTrue(since+limit, c.rec.Idle)
	c.worst[b] = max(c.worst[b], (c.s.Now() - since).Seconds())
	if ok {
		return
	}
	c.t.Fail(suite.Failure{Check: "liveness", Kind: "request never returned",
		Msg: fmt.Sprintf("request never returned: %s, %s did not complete within %v (the test's %v bound, by %v): does the clerk retry another server on a timeout, and does the leader answer once the entry is applied?", what, c.rec.Stuck(), limit, b, since+limit)})
}

// countingClerk is a clerk whose Sends to servers the harness counts
// (clerkRate), through the Env it hands the clerk.
type countingClerk struct {
	kvraft.Clerk
	sent func(to node.ID)
}

func (k countingClerk) Start(env node.Env) { k.Clerk.Start(countingEnv{Env: env, sent: k.sent}) }

type countingEnv struct {
	node.Env
	sent func(to node.ID)
}

func (e countingEnv) Send(to node.ID, m node.Message) {
	e.sent(to)
	e.Env.Send(to, m)
}

// sent records a clerk's request to a server.
func (c *harness) sent(clerk, to node.ID) {
	if int(to) <= c.cfg.servers {
		c.sends[clerk] = append(c.sends[clerk], c.s.Now())
	}
}

// busiest returns the clerk that sent the most requests in one window,
// how many, and when the window began.
func (c *harness) busiest() (node.ID, int, time.Duration) {
	var who node.ID
	most, from := 0, time.Duration(0)
	for _, id := range c.clerks {
		at := c.sends[id]
		for i, j := 0, 0; j < len(at); j++ {
			for at[j]-at[i] >= rateWindow {
				i++
			}
			if j-i+1 > most {
				who, most, from = id, j-i+1, at[i]
			}
		}
	}
	return who, most, from
}

// checkRate fails the test if a clerk sent more requests in one second
// than its bound: a clerk must pause after asking every server in vain,
// not ask again at once while there is no leader.
func (c *harness) checkRate() {
	who, n, from := c.busiest()
	c.worst[clerkRate] = max(c.worst[clerkRate], float64(n))
	if bound := c.limit(clerkRate); float64(n) > bound {
		c.t.Fail(suite.Failure{Check: "clerk rate", Kind: "request storm", Nodes: []node.ID{who},
			Msg: fmt.Sprintf("request storm: clerk %v sent %d requests to the servers between %v and %v, more than the test's bound of %v a second: after asking every server in vain, pause before the next round (the reference pauses 50 ms)", who, n, from, from+rateWindow, clerkRate.format(bound))})
	}
	c.t.Check("clerk rate", nil)
}
