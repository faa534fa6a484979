package models

import (
	"fmt"

	"github.com/faultline-dev/faultline/grader/search"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/pingpong"
)

// The pingpong model: clients n1..nK each submit requests 1..R (in order,
// interleaved with everything else), and the server n(K+1) executes them.
// The ghost state counts executions and completions per request, as the
// lab's harness does (labs/pingpong/pingponglab/harness.go), in arrays so
// that copying and hashing it is a memmove.

const maxPPClients, maxPPRequests = 4, 4

type ppGhost struct {
	Submitted [maxPPClients][maxPPRequests + 1]bool
	Executed  [maxPPClients][maxPPRequests + 1]int8
	Done      [maxPPClients][maxPPRequests + 1]int8
	Bad       string // the first violation seen by a callback
}

func (g *ppGhost) fail(format string, args ...any) {
	if g.Bad == "" {
		g.Bad = fmt.Sprintf(format, args...)
	}
}

// PingPong returns the model of impl (a pingpong.Impl) with clients
// clients each submitting requests requests, under bounds b.
func PingPong(impl any, clients, requests int, b search.Bounds) (*search.Model, error) {
	im, ok := impl.(pingpong.Impl)
	if !ok {
		return nil, fmt.Errorf("the implementation is a %T, not a pingpong.Impl", impl)
	}
	if clients < 1 || clients > maxPPClients || requests < 1 || requests > maxPPRequests {
		return nil, fmt.Errorf("pingpong model: %d clients of %d requests; at most %d of %d", clients, requests, maxPPClients, maxPPRequests)
	}
	server := node.ID(clients + 1)
	m := &search.Model{
		Name:   fmt.Sprintf("pingpong %d clients × %d requests", clients, requests),
		Nodes:  clients + 1,
		Ghost:  &ppGhost{},
		Bounds: b,
	}
	m.Factory = func(id node.ID, w *search.World) node.Node {
		if id == server {
			return im.NewServer(id, func(client node.ID, seq int, op string) {
				g := w.Ghost().(*ppGhost)
				c := int(client) - 1
				if c < 0 || c >= clients || seq < 1 || seq > requests || !g.Submitted[c][seq] {
					g.fail("the server executed %v's request %d, which %v never submitted", client, seq, client)
					return
				}
				if want := opName(client, seq); op != want {
					g.fail("the server executed %v's request %d as %q, but it was submitted as %q", client, seq, op, want)
				}
				g.Executed[c][seq]++
				if g.Executed[c][seq] > 1 {
					g.fail("%v's request %d was executed %d times: a duplicate or retransmitted copy ran again", client, seq, g.Executed[c][seq])
				}
			})
		}
		return im.NewClient(id, server, func(seq int) {
			g := w.Ghost().(*ppGhost)
			c := int(id) - 1
			if seq < 1 || seq > requests || !g.Submitted[c][seq] {
				g.fail("%v reported request %d done, which it was never given", id, seq)
				return
			}
			if g.Executed[c][seq] == 0 {
				g.fail("%v reported request %d done, but the server never executed it", id, seq)
			}
			g.Done[c][seq]++
			if g.Done[c][seq] > 1 {
				g.fail("%v reported request %d done %d times", id, seq, g.Done[c][seq])
			}
		})
	}
	for seq := 1; seq <= requests; seq++ {
		for c := 1; c <= clients; c++ {
			id, seq := node.ID(c), seq
			op := opName(id, seq)
			m.Inputs = append(m.Inputs, search.Input{Node: id, Name: fmt.Sprintf("Submit(%d, %q)", seq, op),
				Call: func(n node.Node, w *search.World) {
					w.Ghost().(*ppGhost).Submitted[id-1][seq] = true
					n.(pingpong.Client).Submit(seq, op)
				}})
		}
	}
	m.Invariants = []search.Invariant{{Name: "exactly once", Check: func(s *search.State) error {
		if g := s.Ghost().(*ppGhost); g.Bad != "" {
			return fmt.Errorf("%s", g.Bad)
		}
		return nil
	}}}
	allDone := func(s *search.State) bool {
		g := s.Ghost().(*ppGhost)
		for c := range clients {
			for seq := 1; seq <= requests; seq++ {
				if g.Done[c][seq] == 0 {
					return false
				}
			}
		}
		return true
	}
	m.Eventually = []search.Invariant{{Name: "every request completes", Check: func(s *search.State) error {
		if allDone(s) {
			return nil
		}
		g := s.Ghost().(*ppGhost)
		for c := range clients {
			for seq := 1; seq <= requests; seq++ {
				if g.Done[c][seq] == 0 {
					return fmt.Errorf("nothing is left to happen (no message in flight, no timer pending), but %v's request %d never completed (executed %d times): a client must retransmit until it hears an ack", node.ID(c+1), seq, g.Executed[c][seq])
				}
			}
		}
		return nil
	}}}
	m.Goals = []search.Goal{{Name: "every request done", Holds: allDone}}
	return m, nil
}

func opName(client node.ID, seq int) string { return fmt.Sprintf("op-%v-%d", client, seq) }

func init() {
	register(Spec{Lab: "pingpong", Name: "exactly-once",
		Description: "two clients, one request each: every order of delivery and retransmission, with up to one drop and one duplicate, executes each request exactly once and completes it",
		Build: func(impl any) (*search.Model, error) {
			return PingPong(impl, 2, 1, search.Bounds{Drops: 1, Duplicates: 1})
		},
		Options: search.Options{Strategy: search.BFS, Depth: 12, States: 200_000}})
}
