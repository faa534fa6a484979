// Package mutants holds buggy variants of the pingpong reference, each a
// mistake students make. The suite must catch every one.
package mutants

import (
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/pingpong/internal/reference"
)

// All lists the mutants: each the reference with one bug switched on.
var All = []suite.Mutant{
	{Name: "no-retransmit", Description: "the client sends each request once and waits forever for its ack", Impl: reference.New(reference.Bugs{NoRetransmit: true})},
	{Name: "no-dedup", Description: "the server executes every copy of a request it receives", Impl: reference.New(reference.Bugs{NoDedup: true})},
	{Name: "dedup-by-seq", Description: "the server deduplicates by sequence number alone, so two clients' request 1 collide", Impl: reference.New(reference.Bugs{DedupBySeq: true})},
	{Name: "hot-retry", Description: "the client retransmits every millisecond, shorter than a round trip, flooding the network", Impl: reference.New(reference.Bugs{HotRetry: true})},
}
