package sim

import (
	"encoding/binary"
	"time"

	"github.com/faultline-dev/faultline/labs/node"
)

// Rumor is what gossip nodes exchange: the highest version each knows.
type Rumor struct {
	Versions []int
	Note     string
}

type tick struct{}

// gossip is a non-trivial node for determinism tests: it keeps a vector of
// versions, bumps its own on a jittered timer, pushes the vector to a random
// peer, merges what it receives, and persists its own version durably.
type gossip struct {
	env      node.Env
	versions []int
}

func (g *gossip) Start(env node.Env) {
	g.env = env
	g.versions = make([]int, len(env.Peers())+2)
	if b, ok := env.Storage().Load("version"); ok {
		g.versions[env.ID()] = int(binary.LittleEndian.Uint64(b))
	}
	g.arm()
}

func (g *gossip) arm() {
	g.env.SetTimer(time.Duration(10+g.env.Rand().IntN(40))*time.Millisecond, tick{})
}

func (g *gossip) HandleTimer(any) {
	me := g.env.ID()
	g.versions[me]++
	if g.versions[me]%3 == 0 {
		g.env.Storage().Save("version", binary.LittleEndian.AppendUint64(nil, uint64(g.versions[me])))
		g.env.Storage().Sync()
	}
	peers := g.env.Peers()
	g.env.Send(peers[g.env.Rand().IntN(len(peers))], Rumor{Versions: g.versions, Note: "push"})
	g.arm()
}

func (g *gossip) HandleMessage(from node.ID, m node.Message) {
	r := m.(Rumor)
	changed := false
	for i, v := range r.Versions {
		if v > g.versions[i] {
			g.versions[i] = v
			changed = true
		}
	}
	if changed {
		g.env.Logf("merged from %v at local %v", from, g.env.Now())
	}
	r.Versions[0] = -1 // receivers may scribble on what they get
}
