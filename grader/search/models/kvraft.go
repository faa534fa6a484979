package models

import (
	"fmt"
	"math"
	"time"

	"github.com/faultline-dev/faultline/grader/search"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/kvraft"
	"github.com/faultline-dev/faultline/labs/kvraft/kvhistory"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
)

// The kvraft model: three servers n1..n3 on Raft, and clerks n4.. each
// making its requests one after another (a request waits for the previous
// one's reply). The ghost keeps the client-visible history, with the
// search's depth as its clock, and Observe checks it for linearizability
// (kvhistory, porcupine) whenever a request returns.

const maxKVClerks, maxKVOps = 2, 3

type kvCall struct {
	Kind, Key, Value string
	Call, Ret        int
	Out              string
	Called, Returned bool
}

type kvGhost struct {
	Ops      [maxKVClerks][maxKVOps]kvCall
	Returned int // requests returned when the history was last checked
	Bad      string
}

// KVRaft returns the model of impl (a kvraft.Impl) on the Raft rf (a
// raft.Factory), with each clerk making its ops in order, under bounds b.
func KVRaft(impl, rf any, ops [][]kvraft.Op, b search.Bounds) (*search.Model, error) {
	im, ok := impl.(kvraft.Impl)
	if !ok {
		return nil, fmt.Errorf("the implementation is a %T, not a kvraft.Impl", impl)
	}
	raftF, err := raft.FactoryOf(rf)
	if err != nil {
		return nil, err
	}
	if len(ops) < 1 || len(ops) > maxKVClerks {
		return nil, fmt.Errorf("kvraft model: %d clerks; 1 to %d", len(ops), maxKVClerks)
	}
	servers := []node.ID{1, 2, 3}
	g0 := &kvGhost{}
	for c, list := range ops {
		if len(list) > maxKVOps {
			return nil, fmt.Errorf("kvraft model: clerk %d has %d ops; at most %d", c, len(list), maxKVOps)
		}
		for k, op := range list {
			g0.Ops[c][k] = kvCall{Kind: string(op.Kind), Key: op.Key, Value: op.Value}
		}
	}
	m := &search.Model{
		Name:   fmt.Sprintf("kvraft 3 servers, %d clerks", len(ops)),
		Nodes:  len(servers) + len(ops),
		Bounds: b,
		Ghost:  g0,
	}
	m.Factory = func(id node.ID, w *search.World) node.Node {
		if int(id) <= len(servers) {
			return im.NewServer(id, kvraft.ServerConfig{Servers: servers, Raft: raftF, MaxRaftState: -1})
		}
		c := int(id) - len(servers) - 1
		return im.NewClerk(id, servers, func(req int, value string) {
			g := w.Ghost().(*kvGhost)
			if req < 1 || req > len(ops[c]) || !g.Ops[c][req-1].Called || g.Ops[c][req-1].Returned {
				if g.Bad == "" {
					g.Bad = fmt.Sprintf("%v reported request %d done, which is not the request it was given", id, req)
				}
				return
			}
			o := &g.Ops[c][req-1]
			o.Ret, o.Out, o.Returned = w.Step(), value, true
		})
	}
	for c, list := range ops {
		id := node.ID(len(servers) + c + 1)
		for k, op := range list {
			m.Inputs = append(m.Inputs, search.Input{Node: id, Name: fmt.Sprintf("Submit(%d, %s)", k+1, kvhistory.DescribeOp(op)),
				When: func(s *search.State, _ node.ID) bool {
					return k == 0 || s.Ghost().(*kvGhost).Ops[c][k-1].Returned
				},
				Call: func(n node.Node, w *search.World) {
					o := &w.Ghost().(*kvGhost).Ops[c][k]
					o.Call, o.Called = w.Step(), true
					n.(kvraft.Clerk).Submit(k+1, op)
				}})
		}
	}
	history := func(g *kvGhost) (h []kvhistory.Operation, returned int) {
		for c := range ops {
			for k := range ops[c] {
				o := g.Ops[c][k]
				if !o.Called {
					continue
				}
				// Event k of a path is at k ms in its trace (StepTime):
				// the history's times are the same.
				ret := time.Duration(o.Ret) * search.StepTime
				if o.Returned {
					returned++
				} else if o.Kind == string(kvraft.Get) {
					continue // a read still pending constrains nothing
				} else {
					// A write still pending may take effect at any time
					// after its call, or never: it returns at the end of
					// time, and a Get may already see it.
					ret = math.MaxInt64 / 2
				}
				h = append(h, kvhistory.Operation{Clerk: node.ID(len(servers) + c + 1), Req: k + 1,
					Op:   kvraft.Op{Kind: kvraft.Kind(o.Kind), Key: o.Key, Value: o.Value},
					Call: time.Duration(o.Call) * search.StepTime, Ret: ret, Out: o.Out, Returned: true})
			}
		}
		return h, returned
	}
	m.Observe = func(s *search.State) any {
		g := s.Ghost().(*kvGhost)
		h, returned := history(g)
		if returned == g.Returned || g.Bad != "" {
			return nil
		}
		ng := *g
		ng.Returned = returned
		// The histories are a few operations: porcupine answers at once,
		// and its time limit is never what decides.
		if _, err := kvhistory.Linearizable(h, 10*time.Second); err != nil {
			ng.Bad = err.Error()
		}
		return &ng
	}
	m.Invariants = []search.Invariant{{Name: "linearizability", Check: func(s *search.State) error {
		if g := s.Ghost().(*kvGhost); g.Bad != "" {
			return fmt.Errorf("%s", g.Bad)
		}
		return nil
	}}}
	m.Goals = []search.Goal{{Name: "every request returned", Holds: func(s *search.State) bool {
		_, returned := history(s.Ghost().(*kvGhost))
		n := 0
		for _, l := range ops {
			n += len(l)
		}
		return returned == n
	}}}
	m.Prunes = []search.Goal{{Name: "past term 2", Holds: func(s *search.State) bool {
		for i := 1; i <= len(servers); i++ {
			if r, ok := s.Node(node.ID(i)).(interface{ Raft() kvraft.RaftNode }); ok {
				if t, _ := r.Raft().State(); t > 2 {
					return true
				}
			}
		}
		return false
	}}}
	return m, nil
}

func init() {
	register(Spec{Lab: "kvraft", Name: "linearizable",
		Description: "three servers, two clerks appending to and reading one key: random walks through elections, retries and replies keep the history linearizable and every append applied once",
		Build: func(impl any) (*search.Model, error) {
			rl, err := suite.Lookup("raft")
			if err != nil || rl.Solution == nil {
				return nil, fmt.Errorf("kvraft search: this edition of faultline has no reference Raft to run the servers on")
			}
			return KVRaft(impl, rl.Solution, [][]kvraft.Op{
				{{Kind: kvraft.Append, Key: "k", Value: "a"}, {Kind: kvraft.Get, Key: "k"}},
				{{Kind: kvraft.Append, Key: "k", Value: "b"}, {Kind: kvraft.Get, Key: "k"}},
			}, search.Bounds{Drops: 1, Duplicates: 1})
		},
		Options: search.Options{Strategy: search.Walk, Depth: 150, States: 60_000, Seed: 1}})
}
