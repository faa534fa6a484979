package sim

import (
	"sort"

	"github.com/faultline-dev/faultline/labs/node"
)

// Stats counts what a run has done so far. Subtract two snapshots to measure
// a phase (for example, the messages of one election).
type Stats struct {
	Events     int64 // dispatched events
	Sent       int64 // messages put on the wire
	Bytes      int64 // bytes put on the wire
	Delivered  int64 // messages handed to a node (duplicates count twice)
	Dropped    int64 // messages lost, cut by a partition, or sent to a down node
	Duplicated int64 // extra copies made by the network
	Links      []LinkStats
	Types      []TypeStats
}

// LinkStats counts the messages sent on one directed link.
type LinkStats struct {
	From, To node.ID
	Messages int64
	Bytes    int64
}

// TypeStats counts the messages sent of one type.
type TypeStats struct {
	Type     string
	Messages int64
	Bytes    int64
}

// Stats returns a snapshot. Links and Types are sorted and list only what was used.
func (s *Sim) Stats() Stats {
	st := Stats{Events: s.stats.events, Sent: s.stats.sent, Bytes: s.stats.bytes,
		Delivered: s.stats.delivered, Dropped: s.stats.dropped, Duplicated: s.stats.duplicated}
	for i, l := range s.links {
		if l.messages > 0 {
			st.Links = append(st.Links, LinkStats{From: node.ID(i/s.n + 1), To: node.ID(i%s.n + 1), Messages: l.messages, Bytes: l.bytes})
		}
	}
	for _, ts := range s.types {
		if ts.messages > 0 {
			st.Types = append(st.Types, TypeStats{Type: ts.plan.name, Messages: ts.messages, Bytes: ts.bytes})
		}
	}
	sort.Slice(st.Types, func(i, j int) bool { return st.Types[i].Type < st.Types[j].Type })
	return st
}

// SentBy returns how many messages node id has sent so far.
func (s *Sim) SentBy(id node.ID) int64 {
	var n int64
	for to := 0; to < s.n; to++ {
		n += s.links[int(id-1)*s.n+to].messages
	}
	return n
}
