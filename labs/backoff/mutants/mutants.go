// Package mutants holds buggy clients for the backoff lab, each a mistake
// real clients make; the suite must catch every one. Most are the reference
// with one bug switched on; naive is the retry-storm client of part D.
package mutants

import (
	"github.com/faultline-dev/faultline/labs/backoff"
	"github.com/faultline-dev/faultline/labs/backoff/solution"
)

// Mutant is one buggy implementation.
type Mutant struct {
	Name, Description string
	Factory           backoff.Factory
}

// All lists the mutants.
var All = []Mutant{
	{"no-jitter", "exponential backoff without jitter: clients that fail together retry together", solution.New(solution.Bugs{NoJitter: true})},
	{"no-cap", "exponential backoff without a cap: after a long outage a call sleeps past its deadline", solution.New(solution.Bugs{NoCap: true})},
	{"overflow", "base·2^n computed by shifting before capping: it overflows after about 40 attempts", solution.New(solution.Bugs{Overflow: true})},
	{"no-budget", "retries until the deadline without a retry budget: a failing server sees several times the load", solution.New(solution.Bugs{NoBudget: true, NoThrottle: true})},
	{"retry-after-success", "the attempt timer is not cancelled on success, so it sends one more attempt", solution.New(solution.Bugs{RetryAfterSuccess: true})},
	{"no-idempotency-key", "a fresh key for every attempt, so a retried call can run twice", solution.New(solution.Bugs{NoIdempotencyKey: true})},
	{"ignores-deadline", "keeps retrying past the deadline and answers late", solution.New(solution.Bugs{IgnoreDeadline: true})},
	{"hot-overload-retry", "retries at once when the server says it is overloaded", solution.New(solution.Bugs{HotOverloadRetry: true})},
	{"no-throttle", "backoff and a retry budget but no adaptive throttling: after a trigger, the deep queue stays full for seconds", solution.New(solution.Bugs{NoThrottle: true})},
	{"naive", "retries the moment an attempt times out or is refused: no backoff, no budget, no throttling", NewNaive},
}
