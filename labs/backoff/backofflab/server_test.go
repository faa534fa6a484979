package backofflab

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/backoff"
	"github.com/faultline-dev/faultline/labs/node"
)

// scriptClient sends its requests at their times and keeps the replies.
type scriptClient struct {
	env     node.Env
	sends   []scripted
	replies []backoff.Reply
	at      []time.Duration
}

type scripted struct {
	at  time.Duration
	req backoff.Request
}

func (c *scriptClient) Start(env node.Env) {
	c.env = env
	for i, s := range c.sends {
		env.SetTimer(s.at, i)
	}
}
func (c *scriptClient) HandleTimer(t any) { c.env.Send(2, c.sends[t.(int)].req) }
func (c *scriptClient) HandleMessage(_ node.ID, m node.Message) {
	c.replies = append(c.replies, m.(backoff.Reply))
	c.at = append(c.at, c.env.Now())
}

// serverLog counts what the server tells the test.
type serverLog struct{ arrivals, refusals, executions int }

func (l *serverLog) arrived(node.ID, backoff.Request, time.Duration)  { l.arrivals++ }
func (l *serverLog) refused(node.ID, backoff.Request, time.Duration)  { l.refusals++ }
func (l *serverLog) executed(node.ID, backoff.Request, time.Duration) { l.executions++ }
func (l *serverLog) queueLen(time.Duration, int)                      {}

func TestServer(t *testing.T) {
	req := func(id int, key string) backoff.Request { return backoff.Request{ID: id, Key: key, Attempt: 1} }
	tests := []struct {
		name       string
		workers    int
		fail       bool
		sends      []scripted
		statuses   []backoff.Status // in the order the replies arrive
		executions int
		lastReply  time.Duration
	}{
		{"a new key runs and is answered OK", 1, false, []scripted{{0, req(1, "a")}},
			[]backoff.Status{backoff.StatusOK}, 1, 12 * suite.Ms},
		{"a key that ran is answered OK after the lookup, not run again", 1, false,
			[]scripted{{0, req(1, "a")}, {50 * suite.Ms, req(1, "a")}},
			[]backoff.Status{backoff.StatusOK, backoff.StatusOK}, 1, 54 * suite.Ms},
		{"a key queued behind itself is looked up once it ran", 1, false,
			[]scripted{{0, req(1, "a")}, {1 * suite.Ms, req(1, "a")}},
			[]backoff.Status{backoff.StatusOK, backoff.StatusOK}, 1, 14 * suite.Ms},
		{"a key running on another worker waits for it", 2, false,
			[]scripted{{0, req(1, "a")}, {1 * suite.Ms, req(1, "a")}},
			[]backoff.Status{backoff.StatusOK, backoff.StatusOK}, 1, 12 * suite.Ms},
		{"a full queue refuses at once", 1, false,
			[]scripted{{0, req(1, "a")}, {0, req(2, "b")}, {0, req(3, "c")}, {0, req(4, "d")}},
			[]backoff.Status{backoff.StatusOverloaded, backoff.StatusOK, backoff.StatusOK, backoff.StatusOK}, 3, 32 * suite.Ms},
		{"an empty key runs every time", 1, false,
			[]scripted{{0, req(1, "")}, {50 * suite.Ms, req(1, "")}},
			[]backoff.Status{backoff.StatusOK, backoff.StatusOK}, 2, 62 * suite.Ms},
		{"a failing server answers Unavailable and runs nothing", 1, true,
			[]scripted{{0, req(1, "a")}},
			[]backoff.Status{backoff.StatusUnavailable}, 0, 2 * suite.Ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := serverConfig{workers: tt.workers, queue: 2, serviceMin: 10 * suite.Ms, serviceMax: 10 * suite.Ms, overhead: 2 * suite.Ms}
			if tt.fail {
				cfg.fail = func(node.ID, backoff.Request, time.Duration, *rand.Rand) bool { return true }
			}
			log := &serverLog{}
			client := &scriptClient{sends: tt.sends}
			s, err := sim.New(sim.Config{Nodes: 2, Seed: 1, Faults: faults.Model{Latency: faults.Fixed(1 * suite.Ms)},
				Factory: func(id node.ID) node.Node {
					if id == 2 {
						return newServer(cfg, log)
					}
					return client
				}})
			require.NoError(t, err)
			s.RunFor(time.Second)
			var got []backoff.Status
			refusals := 0
			for _, r := range client.replies {
				got = append(got, r.Status)
				if r.Status != backoff.StatusOK {
					refusals++
				}
			}
			assert.Equal(t, tt.statuses, got)
			assert.Equal(t, tt.executions, log.executions)
			assert.Equal(t, len(tt.sends), log.arrivals)
			assert.Equal(t, refusals, log.refusals, "every refusal is told to the test: the backoff checks time the retry from it")
			require.NotEmpty(t, client.at)
			assert.Equal(t, tt.lastReply, client.at[len(client.at)-1])
		})
	}
}
