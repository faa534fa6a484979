package shardkvlab

import (
	_ "embed"
	"fmt"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/suite"
)

// The liveness bound (issue 23, item 3): how long a test waits, at any
// one wait, for the admin's controller calls or the clerks' requests to
// return (the waits of finish, after every fault is healed, and those
// between a scenario's steps) before it fails with "liveness". Each test
// has its own, derived from the reference's distribution over 1,000 seeds
// across every Raft design the Raft task allows (raftlab.Designs) with a
// stated margin; bounds.txt holds them with their derivation, and
// bounds_test.go re-derives them and fails when the reference's worst
// wait times the margin passes the bound (-update rewrites the file).
// Before 2026-12 every test waited 30-40 s.

// boundMargin is the factor over the worst wait of the reference across
// the designs; boundFloor the least bound of a test that never waits long
// (an election at the slowest timing the Raft task allows, twice, and a
// reconfiguration: controllers, then the group).
const (
	boundMargin = 2.0
	boundFloor  = 3 * time.Second
)

// calibrationWait is the bound while the calibration measures: far past
// any table value, so that the measured worst is the design's own.
const calibrationWait = 60 * time.Second

//go:embed bounds.txt
var boundsText string

// boundTable holds each test's bound, from bounds.txt.
var boundTable = mustParseBounds(boundsText)

// boundMax is the largest bound in the table: the bound of a test it does
// not list.
var boundMax = func() time.Duration {
	m := boundFloor
	for _, d := range boundTable {
		m = max(m, d)
	}
	return m
}()

// mustParseBounds reads lines of "Test wait" (a Go duration); from a # to
// the end of a line is a comment.
func mustParseBounds(text string) map[string]time.Duration {
	out := map[string]time.Duration{}
	for i, line := range strings.Split(text, "\n") {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 2 {
			panic(fmt.Sprintf("shardkvlab: bounds.txt:%d: want a test name and a duration, got %q", i+1, line))
		}
		d, err := time.ParseDuration(f[1])
		if err != nil {
			panic(fmt.Sprintf("shardkvlab: bounds.txt:%d: %v", i+1, err))
		}
		out[f[0]] = d
	}
	return out
}

// testBound is test's liveness bound in the table.
func testBound(test string) time.Duration {
	if d, ok := boundTable[test]; ok {
		return d
	}
	return boundMax
}

// bound is how long the running test waits at one wait.
func (c *harness) bound() time.Duration {
	if c.calibrating {
		return calibrationWait
	}
	return testBound(c.t.Name()[len(labName)+1:])
}

// wait runs until cond holds or the test's bound passes, and reports
// whether cond holds; the calibration reads the longest wait of a run.
func (c *harness) wait(cond func() bool) bool {
	start := c.s.Now()
	ok := c.s.RunUntilTrue(start+c.bound(), cond) // its limit is a virtual time, not a duration
	c.slowest = max(c.slowest, c.s.Now()-start)
	return ok
}

// onHarness, when set (by the calibration), sees every harness built.
var onHarness func(*harness)

// hotHook, when set (by the calibration), receives each HotShards run's
// graded figures.
var hotHook func(*suite.T, []suite.Figure)
