package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/search"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/faultline-dev/faultline/tui/viewer"
)

// pinger sends Ping to n2 at start and again on its timer; ponger counts.
type ping struct{ N int }

type pinger struct {
	env  node.Env
	sent int
}

func (p *pinger) Start(env node.Env) {
	p.env = env
	p.send()
}
func (p *pinger) send() {
	p.sent++
	p.env.Send(2, ping{p.sent})
	if p.sent < 2 {
		p.env.SetTimer(100, "again")
	}
}
func (p *pinger) HandleMessage(node.ID, node.Message) {}
func (p *pinger) HandleTimer(any)                     { p.send() }

type ponger struct{ Got []int }

func (p *ponger) Start(node.Env)                          {}
func (p *ponger) HandleMessage(_ node.ID, m node.Message) { p.Got = append(p.Got, m.(ping).N) }
func (p *ponger) HandleTimer(any)                         {}

func newTestExplorer(t *testing.T, path []search.Event) Explorer {
	c, err := search.New(&search.Model{Name: "ping", Nodes: 2, Bounds: search.Bounds{Drops: 1},
		Factory: func(id node.ID, _ *search.World) node.Node {
			if id == 1 {
				return &pinger{}
			}
			return &ponger{}
		}})
	require.NoError(t, err)
	e, err := NewExplorer(c, "ping", trace.Header{Lab: "toy"}, path)
	require.NoError(t, err)
	m, _ := e.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return m.(Explorer)
}

func explorerKeys(t *testing.T, e Explorer, ks ...string) Explorer {
	t.Helper()
	for _, k := range ks {
		msg := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		switch k {
		case "enter":
			msg = tea.KeyMsg{Type: tea.KeyEnter}
		case "left":
			msg = tea.KeyMsg{Type: tea.KeyLeft}
		case "down":
			msg = tea.KeyMsg{Type: tea.KeyDown}
		case "esc":
			msg = tea.KeyMsg{Type: tea.KeyEsc}
		}
		m, cmd := e.Update(msg)
		e = m.(Explorer)
		if cmd != nil {
			if back, ok := cmd().(viewer.BackMsg); ok {
				m, _ = e.Update(back)
				e = m.(Explorer)
			}
		}
	}
	return e
}

func TestExplorerWalksTheGraph(t *testing.T) {
	e := newTestExplorer(t, nil)
	require.Equal(t, 0, e.State().Depth())
	// Enabled at the start: deliver ping 1, drop it, fire n1's timer.
	require.Len(t, e.evs, 3)
	assert.Equal(t, search.Deliver, e.evs[0].Kind)

	e = explorerKeys(t, e, "enter") // deliver ping 1
	assert.Equal(t, 1, e.State().Depth())
	assert.Equal(t, []int{1}, e.State().Node(2).(*ponger).Got)

	e = explorerKeys(t, e, "left") // back
	assert.Equal(t, 0, e.State().Depth())
	assert.Empty(t, e.State().Node(2).(*ponger).Got)

	e = explorerKeys(t, e, "f") // forward again
	assert.Equal(t, []int{1}, e.State().Node(2).(*ponger).Got)

	e = explorerKeys(t, e, "left", "down", "enter") // back, then drop it instead
	assert.Equal(t, search.Drop, e.State().Path()[0].Kind)
	assert.Empty(t, e.State().InFlight())
	assert.Empty(t, e.redo, "taking another event forgets the redo")

	e = explorerKeys(t, e, "d")
	require.NotNil(t, e.diagram, "d opens the path as a space-time diagram")
	e = explorerKeys(t, e, "esc")
	assert.Nil(t, e.diagram, "esc comes back to the explorer")

	_, cmd := e.Update(tea.KeyMsg{Type: tea.KeyEsc})
	require.NotNil(t, cmd)
	assert.Equal(t, tea.Quit(), cmd(), "a standalone explorer quits")
	e.Embedded = true
	_, cmd = e.Update(tea.KeyMsg{Type: tea.KeyEsc})
	require.NotNil(t, cmd)
	assert.Equal(t, ExplorerBackMsg{}, cmd(), "an embedded one goes back")
}

func TestExplorerOpensAtAPath(t *testing.T) {
	first := newTestExplorer(t, nil)
	e := newTestExplorer(t, []search.Event{first.evs[2], first.evs[0]}) // fire the timer, deliver ping 1
	assert.Equal(t, 2, e.State().Depth())
	goldenScreen(t, "explore-80x24", e.View(), 80, 24)
}

// A state that breaks an invariant says so.
func TestExplorerShowsAViolation(t *testing.T) {
	c, err := search.New(&search.Model{Name: "ping", Nodes: 2,
		Factory: func(id node.ID, _ *search.World) node.Node {
			if id == 1 {
				return &pinger{}
			}
			return &ponger{}
		},
		Invariants: []search.Invariant{{Name: "nothing arrives", Check: func(s *search.State) error {
			if len(s.Node(2).(*ponger).Got) > 0 {
				return assert.AnError
			}
			return nil
		}}}})
	require.NoError(t, err)
	e, err := NewExplorer(c, "ping", trace.Header{}, nil)
	require.NoError(t, err)
	assert.NotContains(t, e.View(), "✗")
	e = explorerKeys(t, e, "enter")
	assert.Contains(t, e.View(), "✗ nothing arrives")
}
