package sim

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"unsafe"

	"github.com/faultline-dev/faultline/grader/internal/iface"
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

type counters struct {
	events, sent, bytes, delivered, dropped, duplicated int64
}

type linkCounters struct{ messages, bytes int64 }

type typeStats struct {
	plan     *plan
	messages int64
	bytes    int64
}

func typeOf(v any) reflect.Type { return reflect.TypeOf(v) }

// typeOf returns the stats of m's dynamic type. A run sends a handful of
// types, so they are first looked for in a short list by the interface's
// type word: comparing a pointer or two is cheaper than hashing a
// reflect.Type, on every message.
func (s *Sim) typeOf(m any) *typeStats {
	word := iface.Of(&m).Type
	if h := s.recentHit; h < len(s.recent) && s.recent[h].word == word {
		return s.recent[h].ts // a reply or broadcast sends one type in a row
	}
	for i := range s.recent {
		if s.recent[i].word == word {
			s.recentHit = i
			return s.recent[i].ts
		}
	}
	t := reflect.TypeOf(m)
	ts := s.types[t]
	if ts == nil {
		ts = &typeStats{plan: planFor(t)}
		s.types[t] = ts
	}
	if len(s.recent) < maxRecentTypes {
		s.recent = append(s.recent, recentType{word, ts})
	}
	return ts
}

// maxRecentTypes bounds typeOf's list; more types than this are found in
// the map.
const maxRecentTypes = 16

type recentType struct {
	word unsafe.Pointer // the type word of an interface holding the type
	ts   *typeStats
}

func (s *Sim) busiest() string {
	type kv struct {
		name string
		n    int64
	}
	var all []kv
	for _, ts := range s.types {
		all = append(all, kv{ts.plan.name, ts.messages})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].n != all[j].n {
			return all[i].n > all[j].n
		}
		return all[i].name < all[j].name
	})
	var parts []string
	for i := 0; i < len(all) && i < 3; i++ {
		parts = append(parts, fmt.Sprintf("%s×%d", all[i].name, all[i].n))
	}
	return strings.Join(parts, ", ")
}
