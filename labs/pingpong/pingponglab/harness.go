package pingponglab

import (
	"fmt"
	"sort"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/pingpong"
)

type key struct {
	client node.ID
	seq    int
}

// harness is one test run: clients n1..nK and the server n(K+1), with the
// bookkeeping that checks exactly-once execution.
type harness struct {
	t         *suite.T
	s         *sim.Sim
	server    node.ID
	clients   []node.ID
	nextSeq   map[node.ID]int
	submitted map[key]string
	order     []key // submission order, for messages
	executed  map[key]int
	done      map[key]int
	once      suite.FirstViolation // of exactly-once execution
	figs      []figure             // the graded figures, for the calibration test
}

// figure is a figure a test graded and its bound: what the calibration
// test (calibrate_test.go) reads over many seeds to re-derive the bound.
type figure struct {
	name         string
	value, bound float64 // both upper bounds
}

// harnessHook, if set, sees every run as it is built: how the calibration
// test reads its figures. Only that test sets it, never while runs go on
// in other goroutines; grading leaves it nil.
var harnessHook func(*harness)

func newHarness(t *suite.T, clients int, model faults.Model, sched faults.Schedule) *harness {
	impl := suite.ImplAs[pingpong.Impl](t)
	c := &harness{t: t, server: node.ID(clients + 1), nextSeq: map[node.ID]int{},
		submitted: map[key]string{}, executed: map[key]int{}, done: map[key]int{}}
	for i := 1; i <= clients; i++ {
		c.clients = append(c.clients, node.ID(i))
	}
	factory := func(id node.ID) node.Node {
		if id == c.server {
			return impl.NewServer(id, c.exec)
		}
		return impl.NewClient(id, c.server, func(seq int) { c.markDone(id, seq) })
	}
	c.s = t.NewSim(sim.Config{Nodes: clients + 1, Factory: factory, Faults: model, Schedule: sched})
	t.Invariant("exactly once", c.once.Err)
	if harnessHook != nil {
		harnessHook(c)
	}
	return c
}

func (c *harness) exec(client node.ID, seq int, op string) {
	k := key{client, seq}
	want, ok := c.submitted[k]
	switch {
	case !ok:
		c.once.Record([]node.ID{c.server, client}, "the server executed %v's request %d, which %v never submitted", client, seq, client)
	case op != want:
		c.once.Record([]node.ID{c.server, client}, "the server executed %v's request %d as %q, but it was submitted as %q", client, seq, op, want)
	}
	c.executed[k]++
	if c.executed[k] > 1 {
		c.once.Record([]node.ID{c.server, client}, "%v's request %d was executed %d times: a duplicate or retransmitted copy ran again (the server must remember what it executed)", client, seq, c.executed[k])
	}
}

func (c *harness) markDone(client node.ID, seq int) {
	k := key{client, seq}
	if c.executed[k] == 0 {
		c.once.Record([]node.ID{client}, "%v reported request %d done, but the server never executed it", client, seq)
	}
	c.done[k]++
	if c.done[k] > 1 {
		c.once.Record([]node.ID{client}, "%v reported request %d done %d times (call done once per request)", client, seq, c.done[k])
	}
}

// submit schedules ops requests per client, one every interval, each
// removable by the shrinker.
func (c *harness) submit(ops int, interval time.Duration) {
	for i := 1; i <= ops; i++ {
		for _, id := range c.clients {
			at := time.Duration(i) * interval
			c.s.At(at, func() {
				if !c.t.Keep("op") {
					return
				}
				c.nextSeq[id]++
				seq := c.nextSeq[id]
				op := fmt.Sprintf("op-%v-%d", id, seq)
				err := c.s.Call(id, func() string { return fmt.Sprintf("Submit(%d, %q)", seq, op) }, func(n node.Node) string {
					n.(pingpong.Client).Submit(seq, op)
					return ""
				})
				if err == nil {
					k := key{id, seq}
					c.submitted[k] = op
					c.order = append(c.order, k)
				}
			})
		}
	}
}

// finish runs until every submitted request is done, then checks that each
// was executed exactly once.
func (c *harness) finish(limit time.Duration, submittedBy time.Duration) {
	c.s.RunUntil(submittedBy)
	allDone := func() bool { return len(c.done) == len(c.submitted) }
	if !c.s.RunUntilTrue(limit, allDone) {
		var missing []key
		for _, k := range c.order {
			if c.done[k] == 0 {
				missing = append(missing, k)
			}
		}
		k := missing[0]
		hint := "does your client retransmit a request when no ack arrives?"
		if c.executed[k] > 0 {
			hint = "the server executed it but the client never heard: if the ack was lost, the client must retransmit and the server must ack the duplicate"
		}
		c.t.Fail(suite.Failure{Check: "every request completed", Nodes: []node.ID{k.client}, Msg: fmt.Sprintf(
			"%d of %d requests never completed within %v; the first is %v's request %d (executed %d times): %s",
			len(missing), len(c.submitted), limit, k.client, k.seq, c.executed[k], hint)})
	}
	c.figs = append(c.figs, figure{"done by (s)", c.s.Now().Seconds(), limit.Seconds()})
	c.t.Check("every request completed", nil)
	for _, k := range c.order {
		if c.executed[k] != 1 {
			c.t.Fail(suite.Failure{Check: "exactly once", Nodes: []node.ID{c.server, k.client}, Msg: fmt.Sprintf(
				"%v's request %d was executed %d times, want exactly once", k.client, k.seq, c.executed[k])})
		}
	}
	c.t.Check("every request executed exactly once", nil)
}

// budget fails the run if more than perRequest messages a request were
// sent (a limit TestCalibration derives from the reference).
func (c *harness) budget(perRequest int64, why string) {
	c.budgetOf(perRequest*int64(len(c.submitted)), why)
}

// budgetOf fails the run if more than limit messages were sent.
func (c *harness) budgetOf(limit int64, why string) {
	st := c.s.Stats()
	c.figs = append(c.figs, figure{"messages per request", float64(st.Sent) / float64(max(len(c.submitted), 1)), float64(limit) / float64(max(len(c.submitted), 1))})
	if st.Sent > limit {
		var types []string
		for _, ty := range st.Types {
			types = append(types, fmt.Sprintf("%s×%d", ty.Type, ty.Messages))
		}
		sort.Strings(types)
		c.t.Fail(suite.Failure{Check: "message budget", Msg: fmt.Sprintf("%d messages sent for %d requests, budget %d (%s); sent: %v", st.Sent, len(c.submitted), limit, why, types)})
	}
	c.t.Check("message budget", nil)
}
