// Package mutants holds buggy variants of the pingpong reference, each a
// mistake students make. The suite must catch every one.
package mutants

import (
	"github.com/faultline-dev/faultline/labs/pingpong"
	"github.com/faultline-dev/faultline/labs/pingpong/internal/ref"
)

// Mutant is one buggy implementation.
type Mutant struct {
	Name, Description string
	Impl              pingpong.Impl
}

// All lists the mutants.
var All = []Mutant{
	{"no-retransmit", "the client sends each request once and waits forever for its ack", ref.New(ref.Bugs{NoRetransmit: true})},
	{"no-dedup", "the server executes every copy of a request it receives", ref.New(ref.Bugs{NoDedup: true})},
	{"dedup-by-seq", "the server deduplicates by sequence number alone, so two clients' request 1 collide", ref.New(ref.Bugs{DedupBySeq: true})},
	{"hot-retry", "the client retransmits every millisecond, shorter than a round trip, flooding the network", ref.New(ref.Bugs{HotRetry: true})},
}
