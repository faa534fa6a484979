package raftlab

import (
	_ "embed"
	"fmt"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/raft"
)

// A Design is one legitimate Raft design the task allows, under a name a
// calibration report can show.
type Design struct {
	Name    string
	Factory raft.Factory
}

// Designs are the designs every liveness bound must admit (issue 23, item
// 3): the reference, the shortest and longest election timeouts the task
// allows, PreVote with CheckQuorum, and a leader that batches new entries
// into its next heartbeat at the slowest timing. The labs built on Raft
// (kvraft, shardkv) calibrate over them too. reference.go sets them; the
// student edition has none.
var Designs []Design

// The liveness bounds (issue 23, item 3): how long a test waits for a
// leader and for a command to commit before it fails. Each test has its
// own, derived from the reference's distribution over 1,000 seeds with a
// stated margin, across every design the task allows (task.md,
// "Calibrated bounds"); bounds.txt holds them with their derivation, and
// bounds_test.go re-derives them and fails when the reference's worst
// case moves past the margin (-update rewrites the file).

// bound names what a liveness bound covers.
type bound int

const (
	// electionWait: a test waits for a leader among the connected nodes
	// (waitLeader), from the moment it starts waiting, often right after
	// it cut the old leader off.
	electionWait bound = iota
	// commitWait: a test waits for a command it proposed to be applied by
	// the nodes it expects (one), from its first proposal, retries with
	// other leaders and any election they need included.
	commitWait
	nBounds
)

func (b bound) String() string { return [...]string{"election", "commit"}[b] }

// The floors of the bounds, for tests that never wait long: an election
// at the slowest timing the task allows (a 1 s timeout, a pre-vote round
// and a vote round) with room to spare, and one() giving an accepted
// command 2 s before it tries another leader.
var boundFloor = [nBounds]time.Duration{electionWait: 1500 * suite.Ms, commitWait: 2 * suite.Sec}

//go:embed bounds.txt
var boundsText string

// boundTable holds each test's bounds, from bounds.txt.
var boundTable = mustParseBounds(boundsText)

// boundMax is each bound's largest value in the table: the bound of a test
// the table does not list.
var boundMax = func() (m [nBounds]time.Duration) {
	m = boundFloor
	for _, l := range boundTable {
		for b := range nBounds {
			m[b] = max(m[b], l[b])
		}
	}
	return m
}()

// mustParseBounds reads lines of "Test election commit" (Go durations);
// from a # to the end of a line is a comment.
func mustParseBounds(text string) map[string][nBounds]time.Duration {
	out := map[string][nBounds]time.Duration{}
	for i, line := range strings.Split(text, "\n") {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 1+int(nBounds) {
			panic(fmt.Sprintf("raftlab: bounds.txt:%d: want a test name and %d durations, got %q", i+1, nBounds, line))
		}
		var l [nBounds]time.Duration
		for b := range nBounds {
			d, err := time.ParseDuration(f[1+b])
			if err != nil {
				panic(fmt.Sprintf("raftlab: bounds.txt:%d: %v", i+1, err))
			}
			l[b] = d
		}
		out[f[0]] = l
	}
	return out
}

// limit is the running test's bound b.
func (h *harness) limit(b bound) time.Duration {
	if h.calibrating {
		return [nBounds]time.Duration{electionWait: 20 * suite.Sec, commitWait: 30 * suite.Sec}[b]
	}
	return h.calibratedLimit(b)
}

// calibratedLimit is the running test's bound b in the table.
func (h *harness) calibratedLimit(b bound) time.Duration {
	if l, ok := boundTable[h.test]; ok {
		return l[b]
	}
	return boundMax[b]
}

// electionBound is how long the running test waits for a leader.
func (h *harness) electionBound() time.Duration { return h.limit(electionWait) }

// waited records that the run waited d for what b bounds.
func (h *harness) waited(b bound, d time.Duration) { h.slowest[b] = max(h.slowest[b], d) }
