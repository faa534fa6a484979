package raftlab

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
)

// The workload: unique commands, proposals and where their leaders put
// them, and one (propose and wait until enough nodes apply).

type proposal struct {
	cmd    string
	leader node.ID
	term   int
	index  int
	times  int
}

// newCommand returns a fresh, unique command of at least size bytes: "c",
// its sequence number, and dots to pad it.
func (h *harness) newCommand(size int) string {
	h.seq++
	var b [24]byte
	head := strconv.AppendInt(append(b[:0], 'c'), int64(h.seq), 10)
	var cmd string
	if len(head) < size {
		cmd = string(head) + strings.Repeat(".", size-len(head))
	} else {
		cmd = string(head) // one allocation
	}
	h.proposed = append(h.proposed, proposal{cmd: cmd})
	return cmd
}

// proposalOf finds the proposal of a command by the sequence number its
// text starts with, and reports false for a command that no client
// proposed (whatever its text). Indexing by number, not by text, keeps a
// map's hashing out of every apply.
func (h *harness) proposalOf(cmd []byte) (proposal, bool) {
	if len(cmd) < 2 || cmd[0] != 'c' {
		return proposal{}, false
	}
	seq := 0
	for _, b := range cmd[1:] {
		if b < '0' || b > '9' {
			break
		}
		seq = seq*10 + int(b-'0')
		if seq >= len(h.proposed) {
			return proposal{}, false
		}
	}
	p := h.proposed[seq]
	if p.times == 0 || p.cmd != string(cmd) {
		return proposal{}, false
	}
	return p, true
}

// propose calls Propose on node id and records where a leader put the
// command. A leader's new index must lie past every committed index:
// otherwise its log lacks a committed entry (leader completeness, §5.4).
func (h *harness) propose(id node.ID, cmd string) (index, term int, ok bool) {
	pc := &h.proposing
	if pc.what == nil {
		pc.init(h.s)
	}
	if cmd != pc.cmd {
		pc.cmd = cmd
		pc.b = []byte(cmd)
	}
	pc.index, pc.term, pc.ok = 0, 0, false
	err := h.s.Call(id, pc.what, pc.fn)
	index, term, ok = pc.index, pc.term, pc.ok
	if ok {
		pc.cmd, pc.b = "", nil // a leader keeps b; a retry gets its own
	}
	if err != nil || !ok {
		return 0, 0, false
	}
	p := h.proposalFor(cmd)
	*p = proposal{cmd: cmd, leader: id, term: term, index: index, times: p.times + 1}
	if k := h.committedBefore(term); index <= k {
		h.t.Fail(suite.Failure{Check: "leader completeness", Nodes: []node.ID{id},
			Msg: fmt.Sprintf("%v, leader of term %d, put a new command at index %d, but index %d was committed in an earlier term (and applied by %v): a leader's log must hold every entry committed before its term (§5.4)", id, term, index, k, h.committed[k].by)})
	}
	h.lastLeader = id
	return index, term, true
}

// proposalFor returns the record of cmd, a command from newCommand.
func (h *harness) proposalFor(cmd string) *proposal {
	seq, err := strconv.Atoi(strings.TrimRight(cmd[1:], "."))
	if err != nil || seq <= 0 || seq >= len(h.proposed) {
		panic(fmt.Sprintf("raftlab: %q is not a command from newCommand", cmd))
	}
	return &h.proposed[seq]
}

// nApplied counts the running nodes whose services have applied index i.
func (h *harness) nApplied(i int) int {
	n := 0
	for id := 1; id <= h.n; id++ {
		if h.s.Up(node.ID(id)) && h.svc[id].applied >= i {
			n++
		}
	}
	return n
}

func (h *harness) committedAt(i int) (string, bool) {
	if i < len(h.committed) && h.committed[i].ok {
		return h.committed[i].cmd, true
	}
	return "", false
}

// one submits a fresh command to whichever node is leader and waits until
// at least expected nodes have applied it; it retries with other leaders
// for up to 10 s when retry is set. It returns the command's index.
func (h *harness) one(expected int, retry bool) int { return h.oneSized(0, expected, retry) }

func (h *harness) oneSized(size, expected int, retry bool) int {
	cmd := h.newCommand(size)
	began := h.s.Now()
	deadline := began + h.limit(commitWait)
	start := int(h.lastLeader)
	accepted := false
	for h.s.Now() < deadline {
		index := 0
		for k := 0; k < h.n; k++ {
			id := node.ID((start+k-1+h.n)%h.n + 1)
			if !h.connectedTo(id) {
				continue
			}
			if i, _, ok := h.propose(id, cmd); ok {
				index, accepted = i, true
				break
			}
		}
		if index > 0 {
			until := h.s.Now() + 2*suite.Sec
			if h.s.RunUntilTrue(until, func() bool {
				got, ok := h.committedAt(index)
				return ok && got == cmd && h.nApplied(index) >= expected
			}) {
				h.waited(commitWait, h.s.Now()-began)
				return index
			}
			if !retry {
				h.t.Fatalf("command %s, proposed at index %d, was not applied by %d nodes within 2s (%d did): does the leader replicate new entries and advance commitIndex once a majority has them?", short(cmd), index, expected, h.nApplied(index))
			}
		} else {
			h.s.RunFor(50 * suite.Ms)
		}
	}
	if !accepted {
		h.t.Fatalf("no leader elected within %v: no node took Propose(%s) as leader. Does your node start an election when its election timer fires, and does Propose return isLeader=true on the leader? (%s)", h.limit(commitWait), short(cmd), h.describe())
	}
	h.t.Fatalf("command %s was not applied by %d nodes within %v: %s", short(cmd), expected, h.limit(commitWait), h.describe())
	return 0
}
