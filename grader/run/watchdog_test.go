package run

import (
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/result"
)

// TestWatchdogCountsCPUTime drives the watchdog with a made-up clock: the
// verdict depends on events and CPU time, and wall time only gives up on a
// run that makes no progress of any kind.
func TestWatchdogCountsCPUTime(t *testing.T) {
	const budget, tick = time.Second, 50 * time.Millisecond
	type step struct {
		wall, cpu time.Duration // since the start
		events    int64
		want      int
	}
	for _, tc := range []struct {
		name    string
		noClock bool
		blocked string
		steps   []step
	}{
		{name: "an endless handler is hung after the budget of CPU time", steps: []step{
			{0, 0, 10, stallNone}, {time.Second, 900 * time.Millisecond, 10, stallNone}, {1200 * time.Millisecond, 1100 * time.Millisecond, 10, stallCPU}}},
		{name: "a loaded machine only makes it slower: no verdict before the CPU is spent", steps: []step{
			{0, 0, 10, stallNone}, {30 * time.Second, 600 * time.Millisecond, 10, stallNone}, {50 * time.Second, 1010 * time.Millisecond, 10, stallCPU}}},
		{name: "events reset the count", steps: []step{
			{0, 0, 10, stallNone}, {time.Second, 900 * time.Millisecond, 11, stallNone}, {2 * time.Second, 1800 * time.Millisecond, 11, stallNone}}},
		{name: "no progress at all for the last resort gives up", steps: []step{
			{0, 0, 10, stallNone}, {59 * time.Second, 0, 10, stallNone}, {61 * time.Second, 0, 10, stallGaveUp}}},
		{name: "a blocked goroutine is hung, not given up on", blocked: "chan receive", steps: []step{
			{0, 0, 10, stallNone}, {500 * time.Millisecond, 0, 10, stallNone}, {1100 * time.Millisecond, 0, 10, stallNone},
			{1600 * time.Millisecond, 0, 10, stallNone}, {2200 * time.Millisecond, 0, 10, stallBlocked}}},
		{name: "a wait seen once, then progress, is no verdict", blocked: "sync.Mutex.Lock", steps: []step{
			{0, 0, 10, stallNone}, {1100 * time.Millisecond, 0, 10, stallNone}, {1500 * time.Millisecond, 0, 11, stallNone},
			{2700 * time.Millisecond, 0, 11, stallNone}, {3100 * time.Millisecond, 0, 11, stallNone}}},
		{name: "without a CPU clock the budget is wall time", noClock: true, steps: []step{
			{0, 0, 10, stallNone}, {900 * time.Millisecond, 0, 10, stallNone}, {1100 * time.Millisecond, 0, 10, stallWall}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Unix(1000, 0)
			var cpu time.Duration
			clock := func() (time.Duration, bool) { return cpu, !tc.noClock }
			s := newStall(budget, tick, clock, start)
			for i, st := range tc.steps {
				cpu = st.cpu
				got, _ := s.observe(start.Add(st.wall), st.events, func() string { return tc.blocked })
				assert.Equal(t, st.want, got, "step %d", i)
			}
		})
	}
}

// TestGivingUpIsAnErrorOfTheGrading: a run the grader gave up on is an
// error with the replay command, never the student's failure.
func TestGivingUpIsAnErrorOfTheGrading(t *testing.T) {
	o := Options{Lab: fakeLab(goodImpl()), Run: regexp.MustCompile("Pongs"), Reference: []string{"raft"}}
	require.NoError(t, o.defaults())
	test := &o.Lab.Tests[0]
	tr := &result.Test{Replay: o.replay(test, 42)}
	out := outcome{Status: runGaveUp, Kind: kindGaveUp, Message: gaveUpMessage(90 * time.Second)}
	o.verdict(test, 42, &out, tr)
	assert.Equal(t, result.Error, tr.Status)
	assert.Equal(t, "seed 42: the grader gave up after 90 s of wall time without progress (machine overloaded?); "+
		"replay: faultline grade fake --impl solution --run '^Pongs$' --seed 42 --raft reference", tr.Message)
}
