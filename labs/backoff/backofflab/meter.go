package backofflab

import (
	"time"

	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/suite"
)

// meter records a run's time series in virtual time: what the tests grade
// and what charts draw. One meter watches one server and its clients.
type meter struct {
	offered, arrivals, goodput, failed, executions, wasted *series.Counter
	latency                                                *series.Sampler // of successful calls, in ms, by answer time
	queue                                                  *series.Gauge
	arrivalTimes                                           []time.Duration // of every attempt at the server, in order
}

func newMeter() *meter {
	return &meter{
		offered: series.NewCounter(bucket), arrivals: series.NewCounter(bucket), goodput: series.NewCounter(bucket),
		failed: series.NewCounter(bucket), executions: series.NewCounter(bucket), wasted: series.NewCounter(bucket),
		latency: series.NewSampler(bucket), queue: series.NewGauge(bucket),
	}
}

// Series returns the time series, per 100 ms of virtual time: offered
// load, arrivals at the server, goodput, failed calls, executions, wasted
// executions, the longest queue, and latency percentiles.
func (m *meter) Series() []series.Series {
	return []series.Series{
		m.offered.Rate("offered", "calls/s"),
		m.arrivals.Rate("server arrivals", "attempts/s"),
		m.goodput.Rate("goodput", "calls/s"),
		m.failed.Rate("failed", "calls/s"),
		m.executions.Rate("executions", "calls/s"),
		m.wasted.Rate("wasted", "calls/s"),
		m.queue.Series("queue", "attempts"),
		m.latency.Percentile("p50 latency", "ms", 0.5),
		m.latency.Percentile("p99 latency", "ms", 0.99),
	}
}

// recoveryTime returns how long after trigEnd goodput came back: the
// earliest time b, on the bucket grid, from which goodput over [b, b+1 s)
// is at least goodRatio of the calls offered in that second. It returns
// end-trigEnd when goodput never came back.
func (m *meter) recoveryTime(trigEnd, end time.Duration) time.Duration {
	for b := trigEnd; b+suite.Sec <= end; b += bucket {
		if m.goodput.Sum(b, b+suite.Sec) >= goodRatio*m.offered.Sum(b, b+suite.Sec) {
			return b - trigEnd
		}
	}
	return end - trigEnd
}

// extend makes every rate count up to t, so that a chart shows a rate
// that fell to zero (a goodput that never came back) as zero rather than
// as a line that stops.
func (m *meter) extend(t time.Duration) {
	for _, c := range []*series.Counter{m.offered, m.arrivals, m.goodput, m.failed, m.executions, m.wasted} {
		c.Add(t, 0)
	}
}

// offer records a call made at t.
func (m *meter) offer(t time.Duration) { m.offered.Add(t, 1) }

// answer records a call answered at t, after latency, successfully or not.
func (m *meter) answer(t, latency time.Duration, ok bool) {
	if ok {
		m.goodput.Add(t, 1)
		m.latency.Add(t, float64(latency)/float64(suite.Ms))
	} else {
		m.failed.Add(t, 1)
	}
}

// arrive records an attempt reaching the server at t.
func (m *meter) arrive(t time.Duration) {
	m.arrivals.Add(t, 1)
	m.arrivalTimes = append(m.arrivalTimes, t)
}

// execute records the server completing a call at t; wasted means its
// client had already given up.
func (m *meter) execute(t time.Duration, wasted bool) {
	m.executions.Add(t, 1)
	if wasted {
		m.wasted.Add(t, 1)
	}
}

// queueLen records the server's queue length at t.
func (m *meter) queueLen(t time.Duration, n int) { m.queue.Set(t, float64(n)) }
