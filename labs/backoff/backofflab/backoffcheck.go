package backofflab

import (
	"fmt"
	"slices"
	"time"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/backoff"
	"github.com/faultline-dev/faultline/labs/node"
)

// The checks of a client's backoff, made in every test wherever their
// premise holds: a call retried after an attempt the server refused at
// once (StatusUnavailable or StatusOverloaded). The refusal reaches the
// client within a network round trip (2–6 ms on every test's network, and
// no test with refusals loses messages), so the time from the refusal to
// the call's next attempt at the server is the wait the client chose, plus
// 2 to 6 ms. A timeout is the client's own choice, so a retry after one
// tells nothing certain about its backoff and is not judged.
const (
	cappedBackoff = "capped backoff"
	backoffChk    = "backoff"
	firstWaitChk  = "first wait"
	jitterChk     = "jitter"

	// maxRetryGap bounds the time from a refusal to the call's next
	// attempt. The task asks for a cap of about a second (ManyAttempts
	// needs 71 attempts within 60 s: one every 845 ms on average); a wait
	// of twice that is past any cap the task allows.
	maxRetryGap = 2 * suite.Sec
	// hotGap: a retry that reaches the server within hotGap of the refusal
	// waited at most 5 ms after hearing of it: it was sent at once.
	hotGap = 7 * suite.Ms
	// A client that backs off sends few of its retries at once: full
	// jitter's first wait, the shortest, is under 5 ms with a probability
	// of 5 ms over its ceiling (12.5 % for the reference's 40 ms). The
	// check asks that at most maxHotShare of the retries be sent at once,
	// judged from minHot retries on.
	maxHotShare = 0.5
	minHot      = 10
	// Jitter: the waits after the same refused attempt (the first, the
	// second, ...) of different calls, or after the capRank-th and later
	// ones, where every backoff the task allows has reached its cap, must
	// not all be equal. The network alone spreads them over 4 ms; a
	// jittered wait over its whole range. Judged for a rank with at least
	// jitterMin retries whose mean wait is jitterMean or more (a shorter
	// wait is too short to tell jitter from the network's).
	jitterMin    = 8
	jitterMean   = 50 * suite.Ms
	jitterSpread = 6 * suite.Ms
	capRank      = 10
	// The first wait starts small: a refusal ends the attempt at once, so
	// the backoff runs from it, and a full queue that refused an attempt
	// may have room a few service times later. The mean wait after the
	// first refusal of a call must be at most firstWaitMean (judged from
	// jitterMin such retries on): full jitter with a base of 20 ms waits
	// 20 ms on average, with a base of 100 ms 100 ms. A client that
	// ignores refusals and retries after its attempt timeout waits that
	// timeout (250 ms in the reference) every time.
	firstWaitMean = 200 * suite.Ms
)

// retry is a call's attempt that followed an attempt the server refused
// at once.
type retry struct {
	client node.ID
	id     int
	rank   int           // the refused attempt's number among the call's attempts that reached the server
	gap    time.Duration // from the refusal to this attempt's arrival
}

// refused is the server's hook: it refused req at once.
func (r *harness) refused(from node.ID, req backoff.Request, now time.Duration) {
	if c := r.calls[callKey{from, req.ID}]; c != nil {
		c.refused, c.refusedAt = c.attempts, now
	}
}

// retried notes the attempt of call c that just reached the server as a
// retry, if the server refused the call's previous attempt at once, and
// checks that its wait was capped.
func (r *harness) retried(from node.ID, req backoff.Request, c *call, now time.Duration) {
	if c.refused == 0 {
		return
	}
	rt := retry{client: from, id: req.ID, rank: c.refused, gap: now - c.refusedAt}
	c.refused = 0
	r.retries = append(r.retries, rt)
	if rt.gap > maxRetryGap {
		r.fail(cappedBackoff, []node.ID{from}, "%v's call %d waited %v after the server refused its attempt %d (at %v) before trying again; want at most %v: cap the wait before a retry at about a second, so that a call that failed many times still retries before its deadline",
			from, req.ID, rt.gap.Round(suite.Ms), rt.rank, c.refusedAt, maxRetryGap)
	}
}

// checkBackoff checks, at the end of every test, that retries after
// refusals waited (backoff) and that their waits were drawn at random
// (jitter).
func (r *harness) checkBackoff() {
	hot, first := 0, -1
	for i, rt := range r.retries {
		if rt.gap <= hotGap {
			hot++
			if first < 0 {
				first = i
			}
		}
	}
	n := len(r.retries)
	if n >= minHot && float64(hot) > maxHotShare*float64(n) {
		rt := r.retries[first]
		r.t.Fail(suite.Failure{Check: backoffChk, Nodes: []node.ID{rt.client}, Msg: fmt.Sprintf(
			"%d of the %d retries after an attempt the server refused at once came at once, within %v of the refusal (the first: %v's call %d after its attempt %d); want at most %.0f%%: after a refusal, wait before retrying, a time drawn from [0, min(cap, base·2ⁿ)] that grows with each failed attempt",
			hot, n, hotGap, rt.client, rt.id, rt.rank, 100*maxHotShare)})
	}
	r.t.Check(backoffChk, nil)

	var firsts []retry
	var sum time.Duration
	for _, rt := range r.retries {
		if rt.rank == 1 {
			firsts = append(firsts, rt)
			sum += rt.gap
		}
	}
	if len(firsts) >= jitterMin {
		mean := sum / time.Duration(len(firsts))
		r.t.Check(firstWaitChk, bound(r.within("mean first wait (ms)", msOf(mean), msOf(firstWaitMean), true),
			"the %d retries after a call's first refused attempt came %v after the refusal on average (%v's call %d: %v); want at most %v: a refusal ends the attempt, so start the backoff from it, with a base of tens of milliseconds, instead of waiting for the attempt to time out",
			len(firsts), mean.Round(suite.Ms), firsts[0].client, firsts[0].id, firsts[0].gap.Round(suite.Ms), firstWaitMean))
	}

	byRank := map[int][]retry{}
	for _, rt := range r.retries {
		k := min(rt.rank, capRank)
		byRank[k] = append(byRank[k], rt)
	}
	ranks := make([]int, 0, len(byRank))
	for k := range byRank {
		ranks = append(ranks, k)
	}
	slices.Sort(ranks)
	for _, k := range ranks {
		rts := byRank[k]
		if len(rts) < jitterMin {
			continue
		}
		lo, hi, sum := rts[0].gap, rts[0].gap, time.Duration(0)
		for _, rt := range rts {
			lo, hi, sum = min(lo, rt.gap), max(hi, rt.gap), sum+rt.gap
		}
		if mean := sum / time.Duration(len(rts)); mean < jitterMean || hi-lo >= jitterSpread {
			continue
		}
		which := fmt.Sprintf("attempt %d", k)
		if k == capRank {
			which = fmt.Sprintf("attempts %d and later", k)
		}
		r.t.Fail(suite.Failure{Check: jitterChk, Nodes: []node.ID{rts[0].client}, Msg: fmt.Sprintf(
			"the %d retries after the server refused %s of their calls all came %v to %v after the refusal; want waits drawn at random: jitter the backoff (full jitter draws each wait from [0, min(cap, base·2ⁿ)]), or calls refused together retry together, in waves",
			len(rts), which, lo.Round(suite.Ms), hi.Round(suite.Ms))})
	}
	r.t.Check(jitterChk, nil)
}

// failFast is the check that a call whose next retry would come after its
// deadline, or whose budget is spent, is answered Unavailable at once
// rather than left to wait for its deadline.
const failFast = "fail fast"

// checkFailFast checks, at the end of every test, that no call sat out its
// deadline after a refusal: once the server has refused a call's attempt
// at once, the client either retries (an attempt reaches the server, even
// one that arrives after the deadline) or gives up, and giving up before
// the deadline is Unavailable, now, so that the caller can act on it. A
// call answered DeadlineExceeded whose last attempt was refused at least
// lateSlack before its deadline (so the client heard of it in time: the
// reply takes at most 3 ms) did neither. The premise holds in every test
// with refusals; none of them loses messages.
func (r *harness) checkFailFast() {
	for _, k := range r.order {
		c := r.calls[k]
		if c.res != backoff.DeadlineExceeded || c.refused == 0 || c.refusedAt+lateSlack > c.deadline {
			continue
		}
		r.t.Fail(suite.Failure{Check: failFast, Nodes: []node.ID{k.client}, Msg: fmt.Sprintf(
			"the server refused attempt %d of %v's call %d at %v, %v before its deadline, and the call then waited for its deadline (%v) with no other attempt; want: when the next retry would come after the deadline, or the budget is spent, answer Unavailable at once, so the caller hears now",
			c.refused, k.client, k.id, c.refusedAt, (c.deadline - c.refusedAt).Round(suite.Ms), c.deadline)})
		return
	}
	r.t.Check(failFast, nil)
}
