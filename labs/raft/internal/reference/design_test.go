package reference_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/labs/raft"
	"github.com/faultline-dev/faultline/labs/raft/internal/reference"
)

// TestDesigns checks what each Design is for, on five nodes: a follower
// cut off for 3 s times out again and again; when it rejoins, the plain
// reference's inflated term deposes the leader, while with PreVote it
// never stood (no majority would pre-vote for it) and the leader stays.
// With CheckQuorum a leader cut off from the rest steps down by itself;
// without it, it believes it leads until it hears a higher term.
func TestDesigns(t *testing.T) {
	for _, tc := range []struct {
		name              string
		design            reference.Design
		rejoinDeposes     bool // the cut-off follower's return changes the term
		isolatedStaysLead bool // a cut-off leader still claims to lead 2 s later
	}{
		{"reference", reference.Design{}, true, true},
		{"PreVote", reference.Design{PreVote: true}, false, true},
		{"PreVote and CheckQuorum", reference.Design{PreVote: true, CheckQuorum: true}, false, false},
		{"batching", reference.Design{BatchOnHeartbeat: true}, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			factory := func(id node.ID) node.Node {
				return reference.NewDesign(id, func(raft.ApplyMsg) {}, tc.design)
			}
			s, err := sim.New(sim.Config{Nodes: 5, Seed: 3, Factory: factory, Faults: faults.Reliable()})
			require.NoError(t, err)
			leader := func() (node.ID, int) {
				for _, id := range s.IDs() {
					if term, lead := s.Node(id).(raft.Node).State(); lead {
						return id, term
					}
				}
				return 0, 0
			}
			s.RunFor(2 * time.Second)
			l, term := leader()
			require.NotZero(t, l)
			follower := node.ID(int(l)%5 + 1)
			s.Isolate(follower)
			s.RunFor(3 * time.Second)
			s.Heal()
			s.RunFor(2 * time.Second)
			_, after := leader()
			assert.Equal(t, tc.rejoinDeposes, after != term, "the term went from %d to %d", term, after)

			l, _ = leader()
			require.NotZero(t, l)
			s.Isolate(l)
			s.RunFor(2 * time.Second)
			_, lead := s.Node(l).(raft.Node).State()
			assert.Equal(t, tc.isolatedStaysLead, lead)
		})
	}
}
