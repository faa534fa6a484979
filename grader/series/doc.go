// Package series holds time series measured in virtual time during a
// simulated run: offered load, arrivals at a server, goodput, queue length,
// latency percentiles. A lab records them while a run goes, grades figures
// computed from them, and hands them to a chart renderer afterwards.
//
// Counts go into fixed-width buckets and come out as rates; samples (such as
// call latencies) go into buckets and come out as percentiles:
//
//	arrivals := series.NewCounter(100 * time.Millisecond)
//	arrivals.Add(env.Now(), 1)                    // once per arrival
//	s := arrivals.Rate("arrivals", "1/s")         // points at each bucket's start
//	peak := series.PeakInWindow(times, 10*time.Millisecond, from, to)
//
//	lat := series.NewSampler(100 * time.Millisecond)
//	lat.Add(answeredAt, float64(latency)/float64(time.Millisecond))
//	p99 := lat.Percentile("p99 latency", "ms", 0.99)
//
// A figure that varies by seed is charted over several runs:
//
//	set, err := series.OverSeeds(demo.Series, 1, 9) // medians, Spread = min–max, Seeds = 9
//
// and a set carries Guides (reference lines such as the offered load) and
// says which axes count (Set.XCount, Series.Count).
//
// Nothing here reads the wall clock: times are virtual durations since the
// start of the run.
package series
