package queuelab

import (
	"time"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/queue"
)

// figures are what the clients got in one run, computed by the lab from
// its own books, in virtual time and counts.
type figures struct {
	capacity float64 // requests/s the workers can finish
	jobs     []*job
	busy     time.Duration // worker time spent, in all
	wasted   time.Duration // of it on work that finished after its deadline
	// Little's law: λ (arrivals/s), W (mean seconds from arrival to Start
	// or Reject) and L, the mean of the server's QueueLen samples, all over
	// the whole run; trueL is the lab's own time-average of waiting jobs.
	lambda, w, reportedL, trueL float64
	maxQueue                    int // the most jobs waiting at once, by the lab's count
	// graded are the figures the test graded and their bounds, in the
	// order checked: what the calibration test reads over many seeds.
	graded []suite.Figure
}

// within records a graded figure and reports whether it meets its bound.
func (f *figures) within(name string, value, bound float64, upper bool) bool {
	g := suite.Figure{Name: name, Value: value, Bound: bound, Upper: upper}
	f.graded = append(f.graded, g)
	return g.Within()
}

func (h *harness) figures() *figures {
	f := &figures{capacity: h.sc.cfg.Capacity(), jobs: h.jobs, maxQueue: h.maxWait}
	var waited time.Duration
	for _, j := range h.jobs {
		if j.state == running || j.state == finished {
			f.busy += j.service
			if j.state == finished && !j.good() {
				f.wasted += j.service
			}
		}
		if j.state != waiting {
			waited += j.answered - j.Arrived
		}
	}
	span := h.s.Now().Seconds()
	if n := len(h.jobs); n > 0 && span > 0 {
		f.lambda = float64(n) / span
		f.w = waited.Seconds() / float64(n)
		f.trueL = h.waitArea / span
	}
	if h.samples > 0 {
		f.reportedL = float64(h.sampledSum) / float64(h.samples)
	}
	return f
}

// tally counts what became of a set of jobs.
type tally struct {
	offered, good, late, rejected, timeouts, startedLate int
	latencies, rejectTimes                               []float64 // ms
}

func (f *figures) tally(keep func(*job) bool) tally {
	var t tally
	for _, j := range f.jobs {
		if !keep(j) {
			continue
		}
		t.offered++
		switch j.state {
		case finished:
			if j.good() {
				t.good++
			} else {
				t.late++
			}
			t.latencies = append(t.latencies, float64(j.done-j.Arrived)/float64(suite.Ms))
		case rejected:
			if j.answered <= j.Deadline {
				t.rejected++
			} else {
				t.timeouts++
			}
			t.rejectTimes = append(t.rejectTimes, float64(j.answered-j.Arrived)/float64(suite.Ms))
		}
		if (j.state == running || j.state == finished) && j.answered > j.Deadline {
			t.startedLate++
		}
	}
	return t
}

func all(*job) bool { return true }

func arrivedIn(from, to time.Duration) func(*job) bool {
	return func(j *job) bool { return j.Arrived >= from && j.Arrived < to }
}

func ofClient(c int) func(*job) bool { return func(j *job) bool { return j.Client == c } }

func ofPriority(p queue.Priority) func(*job) bool {
	return func(j *job) bool { return j.Priority == p }
}

// goodput returns the requests that finished in [from, to), by their
// deadline, per second.
func (f *figures) goodput(from, to time.Duration) float64 {
	n := 0
	for _, j := range f.jobs {
		if j.good() && j.done >= from && j.done < to {
			n++
		}
	}
	return float64(n) / (to - from).Seconds()
}

// successRate is the fraction of t's requests that finished in time.
func (t tally) successRate() float64 {
	if t.offered == 0 {
		return 1
	}
	return float64(t.good) / float64(t.offered)
}

// p99 is the 99th percentile latency of admitted work that finished, in
// ms, or 0 for none.
func (t tally) p99() float64 {
	if len(t.latencies) == 0 {
		return 0
	}
	return quantile(t.latencies, 0.99)
}
