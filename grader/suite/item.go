package suite

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/faultline-dev/faultline/grader/faults"
)

// Item is one removable piece of a run, for shrinking. Items are named by
// their place in the scenario, never by how many came before them, so that
// removing one item does not rename the others:
//
//   - a scheduled fault is "fault#i", its position in the test's schedule
//     (the schedule comes from the seed, whatever is removed);
//   - a workload step is "kind@t", the virtual time the test asked T.Keep
//     about it, with "#k" for the k-th such step at the same instant.
//
// An undo (heal, restart, resume) is not an item: it goes with the faults
// it undoes (UndoOf), so a shrunk run never leaves a partition that never
// heals or a node that never restarts.
type Item struct {
	Kind  string        `json:"kind"`
	At    time.Duration `json:"at,omitempty"`
	Index int           `json:"index"`
}

func (it Item) String() string {
	if it.Kind == "fault" {
		return "fault#" + strconv.Itoa(it.Index)
	}
	s := it.Kind + "@" + it.At.String()
	if it.Index > 0 {
		s += "#" + strconv.Itoa(it.Index)
	}
	return s
}

// ParseItem reads an Item's String form, as trace headers hold it.
func ParseItem(s string) (Item, error) {
	if rest, ok := strings.CutPrefix(s, "fault#"); ok {
		i, err := strconv.Atoi(rest)
		if err != nil || i < 0 {
			return Item{}, fmt.Errorf("item %q: want fault#N", s)
		}
		return Item{Kind: "fault", Index: i}, nil
	}
	kind, rest, ok := strings.Cut(s, "@")
	if !ok || kind == "" {
		return Item{}, fmt.Errorf("item %q: want kind@time or fault#N", s)
	}
	at, idx, _ := strings.Cut(rest, "#")
	d, err := time.ParseDuration(at)
	if err != nil {
		return Item{}, fmt.Errorf("item %q: %v", s, err)
	}
	it := Item{Kind: kind, At: d}
	if idx != "" {
		if it.Index, err = strconv.Atoi(idx); err != nil || it.Index < 0 {
			return Item{}, fmt.Errorf("item %q: bad index", s)
		}
	}
	return it, nil
}

// UndoOf maps each undo event of s (heal, restart, resume) to the faults it
// undoes: the partitions, one-way cuts and isolations before a heal since
// the previous heal; the crashes (pauses) of a node before the restart
// (resume) that brings it back. The shrinker keeps an undo while any fault
// it undoes is kept.
func UndoOf(s faults.Schedule) map[int][]int {
	out := map[int][]int{}
	var cuts []int
	down := map[int][]int{} // node -> open crash or pause events
	for i, e := range s {
		switch e.Kind {
		case faults.Partition, faults.OneWay, faults.Isolate:
			cuts = append(cuts, i)
		case faults.Heal:
			out[i] = cuts
			cuts = nil
		case faults.Crash, faults.Pause:
			for _, n := range e.Nodes {
				down[int(n)] = append(down[int(n)], i)
			}
		case faults.Restart, faults.Resume:
			want := faults.Crash
			if e.Kind == faults.Resume {
				want = faults.Pause
			}
			var undone []int
			for _, n := range e.Nodes {
				var still []int
				for _, j := range down[int(n)] {
					if s[j].Kind == want {
						undone = append(undone, j)
					} else {
						still = append(still, j)
					}
				}
				down[int(n)] = still
			}
			slices.Sort(undone)
			out[i] = slices.Compact(undone)
		}
	}
	return out
}
