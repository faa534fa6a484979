package queuelab

import (
	"math"
	"sort"
	"time"

	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/suite"
)

// recorder keeps one run's counts in buckets of virtual time.
type recorder struct {
	width                                   time.Duration
	arrivals, starts, good, rejects, wasted []float64
	queueMax, reportedMax                   []float64
	latencies                               [][]float64 // of admitted work, by the bucket it finished in, in ms
}

func newRecorder(width time.Duration) *recorder { return &recorder{width: width} }

func grow(xs []float64, i int) []float64 {
	for len(xs) <= i {
		xs = append(xs, 0)
	}
	return xs
}

func (r *recorder) bucket(t time.Duration) int { return int(t / r.width) }

func (r *recorder) count(xs *[]float64, t time.Duration) {
	i := r.bucket(t)
	*xs = grow(*xs, i)
	(*xs)[i]++
}

func (r *recorder) arrival(t time.Duration) { r.count(&r.arrivals, t) }
func (r *recorder) start(t time.Duration)   { r.count(&r.starts, t) }
func (r *recorder) reject(t time.Duration)  { r.count(&r.rejects, t) }

func (r *recorder) finish(t time.Duration, j *job) {
	if j.good() {
		r.count(&r.good, t)
	} else {
		r.count(&r.wasted, t)
	}
	i := r.bucket(t)
	for len(r.latencies) <= i {
		r.latencies = append(r.latencies, nil)
	}
	r.latencies[i] = append(r.latencies[i], float64(t-j.Arrived)/float64(suite.Ms))
}

func (r *recorder) queue(t time.Duration, n int) {
	i := r.bucket(t)
	r.queueMax = grow(r.queueMax, i)
	r.queueMax[i] = math.Max(r.queueMax[i], float64(n))
}

func (r *recorder) reported(t time.Duration, n int) {
	i := r.bucket(t)
	r.reportedMax = grow(r.reportedMax, i)
	r.reportedMax[i] = math.Max(r.reportedMax[i], float64(n))
}

// series returns the run's time series, one point per bucket.
func (r *recorder) series() []series.Series {
	perSec := float64(suite.Sec) / float64(r.width)
	rate := func(name string, xs []float64) series.Series {
		s := series.Series{Name: name, Unit: "requests/s"}
		for i, n := range xs {
			s.Add(time.Duration(i)*r.width, n*perSec)
		}
		return s
	}
	level := func(name string, xs []float64) series.Series {
		s := series.Series{Name: name, Unit: "requests"}
		for i, n := range xs {
			s.Add(time.Duration(i)*r.width, n)
		}
		return s
	}
	pct := func(name string, q float64) series.Series {
		s := series.Series{Name: name, Unit: "ms"}
		for i, vs := range r.latencies {
			if len(vs) > 0 {
				s.Add(time.Duration(i)*r.width, quantile(vs, q))
			}
		}
		return s
	}
	return []series.Series{
		rate("offered", r.arrivals),
		rate("admitted", r.starts),
		rate("goodput", r.good),
		rate("wasted", r.wasted),
		rate("rejected", r.rejects),
		level("queue length", r.queueMax),
		level("queue length reported", r.reportedMax),
		pct("latency p50", 0.50),
		pct("latency p99", 0.99),
	}
}

// quantile returns the q-quantile of vs by the nearest-rank method (the
// smallest value with at least q of them at or below it); NaN for none.
// It sorts vs.
func quantile(vs []float64, q float64) float64 {
	if len(vs) == 0 {
		return math.NaN()
	}
	sort.Float64s(vs)
	rank := int(math.Ceil(q * float64(len(vs))))
	return vs[min(max(rank, 1), len(vs))-1]
}
