// Package mutants holds buggy clients for the backoff lab, each a mistake
// real clients make; the suite must catch every one. Most are the reference
// with one bug switched on; naive is the retry-storm client of part D,
// kept beside the reference (internal/reference/naive.go).
package mutants

import (
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/backoff"
	"github.com/faultline-dev/faultline/labs/backoff/internal/reference"
)

// All lists the mutants. Each Impl is a backoff.Factory.
var All = []suite.Mutant{
	{Name: "no-jitter", Description: "exponential backoff without jitter: clients that fail together retry together", Impl: reference.New(reference.Bugs{NoJitter: true})},
	{Name: "no-cap", Description: "exponential backoff without a cap: after a long outage a call sleeps past its deadline", Impl: reference.New(reference.Bugs{NoCap: true})},
	{Name: "overflow", Description: "base·2^n computed by shifting before capping: it overflows after about 40 attempts", Impl: reference.New(reference.Bugs{Overflow: true})},
	{Name: "no-budget", Description: "retries until the deadline without a retry budget: a failing server sees several times the load", Impl: reference.New(reference.Bugs{NoBudget: true, NoThrottle: true})},
	{Name: "retry-after-success", Description: "the attempt timer is not cancelled on success, so it sends one more attempt", Impl: reference.New(reference.Bugs{RetryAfterSuccess: true})},
	{Name: "no-idempotency-key", Description: "a fresh key for every attempt, so a retried call can run twice", Impl: reference.New(reference.Bugs{NoIdempotencyKey: true})},
	{Name: "ignores-deadline", Description: "keeps retrying past the deadline and answers late", Impl: reference.New(reference.Bugs{IgnoreDeadline: true})},
	{Name: "hot-overload-retry", Description: "retries at once when the server says it is overloaded", Impl: reference.New(reference.Bugs{HotOverloadRetry: true})},
	{Name: "no-throttle", Description: "backoff and a retry budget but no adaptive throttling: after a trigger, the deep queue stays full for seconds", Impl: reference.New(reference.Bugs{NoThrottle: true})},
	{Name: "naive", Description: "retries the moment an attempt times out or is refused: no backoff, no budget, no throttling", Impl: backoff.Factory(reference.NewNaive)},
}
