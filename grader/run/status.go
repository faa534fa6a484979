package run

import (
	"fmt"
	"strings"

	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
)

// runStatus is how one run ended, as an outcome reports it. Its text is
// the "status" of the runner's JSON line and the first half of a failure's
// kind in a report ("panic:..."): the strings are part of both formats.
type runStatus string

const (
	runPass  runStatus = "pass"
	runFail  runStatus = "fail"  // a check failed
	runPanic runStatus = "panic" // a handler panicked
	runLimit runStatus = "limit" // a bound of the simulator was exceeded (sim.Limit)
	runError runStatus = "error" // the test itself is broken
	runHung  runStatus = "hung"  // a handler made no progress
	runCrash runStatus = "crash" // the runner process died
	// runGaveUp: the grader gave up on a run that made no progress of
	// any kind (not even CPU time) for a long time: the machine's fault.
	runGaveUp runStatus = "gaveup"
	// runSkipped is the grader's own mark for a run it did not start: an
	// earlier seed of its test stopped its runner.
	runSkipped runStatus = "skipped"
)

// stops reports a status that ended its runner, or that the grader gave up
// on: its test runs no more seeds, and the run is not run again.
func (s runStatus) stops() bool { return s == runHung || s == runCrash || s == runGaveUp }

// failKind names a failure within its status, so that a shrunk run or a
// replay can be held to the same failure (STYLE.md: a failure is a typed
// value, compared by kind, never by its message). For a failed check it
// is "check/kind" (suite.Failure); for a panic, the value's type and site
// (suite.PanicKind); for a limit, the sim.Limit; the others are below.
type failKind string

// Kinds the grader itself gives a run.
const (
	kindError       failKind = "error"       // runError: the test's own failure
	kindHung        failKind = "hung"        // runHung
	kindGaveUp      failKind = "gave up"     // runGaveUp
	kindInterrupted failKind = "interrupted" // the grading's context ended during the run (status runCrash)
	kindRunner      failKind = "runner"      // runError: the runner process could not be started
	kindForged      failKind = "forged"      // runError: the runner wrote an outcome it was not asked for
)

// Kinds of runCrash: why a runner process died (classifyCrash).
const (
	crashStackOverflow failKind = "stack overflow"
	crashConcurrentMap failKind = "concurrent map"
	crashMemory        failKind = "memory"
	crashFatal         failKind = "fatal"  // another fatal error of the runtime
	crashKilled        failKind = "killed" // SIGKILL: most likely the kernel's OOM killer
	crashSignal        failKind = "signal"
	crashExit          failKind = "exit" // the process exited (os.Exit) or ended for no reason it said
)

// crashHints say what to do about a crash, for the kinds that have more to
// say than crashHint.
var crashHints = map[failKind]string{
	crashConcurrentMap: "Keep every node's state in its own struct; the rules are in docs/student.md (what vet forbids and why).",
	crashMemory:        "Bound what you keep: trim logs (snapshots), cap queues, forget old requests.",
}

const crashHint = "Your code ended the runner process; the grader cannot see past that. See docs/student.md."

// Hints for limits: a storm of events, or a bound on bytes or calls.
const (
	stormHint  = "A storm: something sends or sets timers in a loop. Read: faultline read retries-and-backoff"
	budgetHint = "A run's budget (bytes sent, Env calls in one handler, log bytes) is the same on every machine: send less, log less."
)

// hint names the lesson section that explains a failure: by its status
// and, for a crash or a limit, its kind; a failed check's test names its
// lesson.
func hint(lab *suite.Lab, t *suite.Test, out *outcome) string {
	switch out.Status {
	case runHung:
		return "A handler must return quickly: do work in steps with env.SetTimer. Read: faultline read " + lab.Lesson
	case runCrash:
		if h, ok := crashHints[out.Kind]; ok {
			return h
		}
		return crashHint
	case runLimit:
		if sim.Limit(out.Kind).Storm() {
			return stormHint
		}
		return budgetHint
	case runGaveUp:
		return "Not your code's fault as far as the grader can tell: grade again on a less busy machine, or replay this run."
	case runPanic:
		return "Your handler panicked; the frames above are your code."
	}
	if t.Lesson != "" {
		slug, section, _ := strings.Cut(t.Lesson, "#")
		if section != "" {
			return fmt.Sprintf("Read: faultline read %s (section %q)", slug, section)
		}
		return "Read: faultline read " + slug
	}
	return ""
}
