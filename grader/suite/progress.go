package suite

// Progressed tells the grader's watchdog that the run made progress of n
// steps that are not simulator events: a model-checking search explores
// thousands of states inside one test without dispatching an event, and
// without this a slow machine (or the race detector) would see a handler
// that never returns.
func (t *T) Progressed(n int64) { t.progress.Add(n) }

// Steps is what the watchdog counts as progress: the events the run's
// simulator dispatched, plus the steps reported with Progressed.
func (t *T) Steps() int64 {
	n := t.progress.Load()
	if s := t.Sim(); s != nil {
		n += s.Dispatched()
	}
	return n
}
