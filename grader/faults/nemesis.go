package faults

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/faultline-dev/faultline/labs/node"
)

// Nemesis generates a Schedule from a random source: quiet gaps alternating
// with one fault at a time, each undone before the next begins, and all undone
// by the horizon. The zero Nemesis is usable: it partitions, crashes and
// pauses minorities.
type Nemesis struct {
	// Kinds lists the faults to draw from: Partition, OneWay, Isolate, Crash,
	// Pause, SetClock. Empty means Partition, Crash and Pause. (A Reboot is
	// a Crash drawn with RestartNow.)
	Kinds []Kind `json:"kinds,omitempty"`
	// Gap is the quiet time between faults; zero means uniform 200ms–1s.
	Gap Dist `json:"gap"`
	// Length is how long each fault lasts; zero means uniform 100ms–1s.
	Length Dist `json:"length"`
	// MaxDown caps how many nodes one fault takes out (crashes, pauses,
	// isolates, or puts in the minority side of a partition). Zero means a
	// minority: (n-1)/2, at least 1.
	MaxDown int `json:"max_down,omitempty"`
	// CrashWithin is the fraction of crashes that strike inside a handler
	// (Event.Within) rather than between handlers.
	CrashWithin float64 `json:"crash_within,omitempty"`
	// RestartNow is the fraction of crashes whose nodes restart at once
	// (a Reboot) instead of after the fault's length: the restarted node
	// meets the messages of the term it crashed in.
	RestartNow float64 `json:"restart_now,omitempty"`
	// Overlap starts each fault a gap after the previous one started, not
	// after it ended, so several faults are in force at once (a partition
	// while a node is paused and another crashed), as in TigerBeetle's VOPR.
	// A heal still ends every cut at once.
	Overlap bool `json:"overlap,omitempty"`
}

// Generate draws a schedule for n nodes over [0, horizon).
func (g Nemesis) Generate(r *rand.Rand, n int, horizon time.Duration) Schedule {
	kinds := g.Kinds
	if len(kinds) == 0 {
		kinds = []Kind{Partition, Crash, Pause}
	}
	gap, length := g.Gap, g.Length
	if gap.Kind == "" && gap.Min == 0 {
		gap = Between(200*time.Millisecond, time.Second)
	}
	if length.Kind == "" && length.Min == 0 {
		length = Between(100*time.Millisecond, time.Second)
	}
	maxDown := g.MaxDown
	if maxDown <= 0 {
		maxDown = max((n-1)/2, 1)
	}
	maxDown = min(maxDown, n-1)
	if n < 2 || maxDown < 1 {
		return nil
	}
	var s Schedule
	t := gap.Sample(r)
	for t < horizon {
		end := min(t+max(length.Sample(r), time.Millisecond), horizon)
		victims := pick(r, n, 1+r.IntN(maxDown))
		at, until := Duration(t), Duration(end)
		switch kind := kinds[r.IntN(len(kinds))]; kind {
		case Partition:
			s = append(s, Event{At: at, Kind: Partition, Groups: [][]node.ID{victims}}, Event{At: until, Kind: Heal})
		case OneWay:
			others := pick(r, n, n)
			from, to := others[0], others[1]
			s = append(s, Event{At: at, Kind: OneWay, Nodes: []node.ID{from, to}}, Event{At: until, Kind: Heal})
		case Isolate:
			s = append(s, Event{At: at, Kind: Isolate, Nodes: victims}, Event{At: until, Kind: Heal})
		case Crash:
			within := g.CrashWithin > 0 && r.Float64() < g.CrashWithin
			// Drawn only when asked for: schedules without it stay as they were.
			if g.RestartNow > 0 && r.Float64() < g.RestartNow {
				s = append(s, Event{At: at, Kind: Reboot, Nodes: victims, Within: within})
				break
			}
			s = append(s, Event{At: at, Kind: Crash, Nodes: victims, Within: within}, Event{At: until, Kind: Restart, Nodes: victims})
		case Pause:
			s = append(s, Event{At: at, Kind: Pause, Nodes: victims}, Event{At: until, Kind: Resume, Nodes: victims})
		case SetClock:
			skew := Duration(r.Int64N(int64(400*time.Millisecond))) - Duration(200*time.Millisecond)
			drift := (r.Float64() - 0.5) * 0.2
			s = append(s, Event{At: at, Kind: SetClock, Nodes: victims, Skew: skew, Drift: drift},
				Event{At: until, Kind: SetClock, Nodes: victims})
		}
		if g.Overlap {
			t += gap.Sample(r)
		} else {
			t = end + gap.Sample(r)
		}
	}
	if g.Overlap {
		slices.SortStableFunc(s, func(a, b Event) int { return cmp.Compare(a.At, b.At) })
	}
	return s
}

// pick returns k distinct node IDs from 1..n in random order.
func pick(r *rand.Rand, n, k int) []node.ID {
	ids := make([]node.ID, n)
	for i := range ids {
		ids[i] = node.ID(i + 1)
	}
	r.Shuffle(n, func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	ids = ids[:k]
	slices.Sort(ids)
	return ids
}

// Swarm draws both a Model and a Schedule from r, so that each seed of a sweep
// tests its own mix of faults ("swarm testing": Groce et al., ISSTA 2012).
// Each kind in kinds is switched on with probability 1/2 (at least one stays
// on); loss is drawn from [0, 0.3], duplication from [0, 0.2], and the latency
// distribution's shape from the four kinds.
func Swarm(r *rand.Rand, n int, horizon time.Duration, kinds []Kind) (Model, Schedule) {
	ms := func(v int) Duration { return Duration(time.Duration(v) * time.Millisecond) }
	var lat Dist
	switch r.IntN(4) {
	case 0:
		lat = Fixed(time.Duration(1+r.IntN(20)) * time.Millisecond)
	case 1:
		lat = Dist{Kind: Uniform, Min: ms(1), Max: ms(5 + r.IntN(60))}
	case 2:
		lat = Dist{Kind: Exponential, Min: ms(1), Mean: ms(2 + r.IntN(20)), Max: ms(200)}
	default:
		lat = Dist{Kind: LongTail, Min: ms(1), Max: ms(10), TailProb: 0.01 + r.Float64()*0.1, TailMin: ms(50), TailMax: ms(100 + r.IntN(400))}
	}
	m := Model{Latency: lat, Loss: r.Float64() * 0.3, Duplicate: r.Float64() * 0.2}
	if len(kinds) == 0 {
		kinds = []Kind{Partition, OneWay, Isolate, Crash, Pause, SetClock}
	}
	var on []Kind
	for _, k := range kinds {
		if r.IntN(2) == 0 {
			on = append(on, k)
		}
	}
	if len(on) == 0 {
		on = []Kind{kinds[r.IntN(len(kinds))]}
	}
	return m, Nemesis{Kinds: on}.Generate(r, n, horizon)
}
