package run

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/grader/result"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/node"
)

// The test binary doubles as a runner process: started with childEnv set,
// it serves the fake lab (fake_test.go) as a built runner would, with the
// student implementation the variable names, or speaks the protocol
// wrongly on purpose.
const childEnv = "FAULTLINE_RUN_TEST_CHILD"

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		fakeChild(mode)
	}
	os.Exit(m.Run())
}

// students are the implementations a fake runner can be built with.
var students = map[string]func() node.Node{
	"good":       func() node.Node { return &pinger{} },
	"mute":       func() node.Node { return &mute{} },
	"forger":     func() node.Node { return &forger{} },
	"spinner":    func() node.Node { return &spinner{} },
	"flaky":      func() node.Node { return &flaky{} },
	"mapordered": func() node.Node { return &mapOrdered{} },
}

func fakeChild(mode string) {
	// The race detector's shadow memory does not fit under the runner's
	// address-space ceiling: these runners go without a memory limit.
	os.Unsetenv(envMemory)
	if build, ok := students[mode]; ok {
		factory := nodeOf(build)
		if mode == "mapordered" {
			factory = clientOf(build)
		}
		suite.Register(fakeLab(goodImpl()))
		ServeChild("fake", factory, nil)
	}
	badRunner(mode)
}

// forger writes outcomes of its own to the runner's result pipe, as
// unvetted code that reached it could: every test "passed".
type forger struct{ pinger }

func (f *forger) Start(env node.Env) {
	f.pinger.Start(env)
	pipe := os.NewFile(resultFD, "results")
	for id := 1; id <= 64; id++ {
		fmt.Fprintf(pipe, `{"outcome":{"id":%d,"status":"pass"}}`+"\n", id)
	}
}

// badRunner speaks the protocol wrongly in one way (mode), answering every
// request with a pass.
func badRunner(mode string) {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	var hello handshake
	if !in.Scan() || json.Unmarshal(in.Bytes(), &hello) != nil {
		os.Exit(exitProtocol)
	}
	out := os.NewFile(resultFD, "results")
	for in.Scan() {
		var req request
		if json.Unmarshal(in.Bytes(), &req) != nil {
			os.Exit(exitProtocol)
		}
		o := outcome{ID: req.ID, Key: req.Key, Status: runPass}
		r := reply{Token: hello.Token, Outcome: &o}
		switch mode {
		case "wrongtoken":
			r.Token = "0123456789abcdef"
		case "nokey":
			o.Key = 0
		case "unknown":
			o.ID += 1000
		}
		b, _ := json.Marshal(r)
		out.Write(append(b, '\n'))
		if mode == "repeat" || mode == "extra" {
			if mode == "extra" {
				o.ID++ // the next request's, before it was sent
			}
			b, _ := json.Marshal(r)
			out.Write(append(b, '\n'))
		}
	}
	os.Exit(0)
}

// gradeInRunner grades the fake lab in runner processes of the test binary
// serving mode.
func gradeInRunner(t *testing.T, mode string, o Options) *result.Result {
	t.Helper()
	t.Setenv(childEnv, mode)
	exe, err := os.Executable()
	require.NoError(t, err)
	o.Runner = &Runner{Path: exe}
	if o.Impl == "" {
		o.Impl = "student"
	}
	return grade(t, goodImpl(), o)
}

// TestForgedOutcomesAreRefused: an outcome the grader did not ask for (no
// token, a wrong token, no key, an ID it never sent, one it already has) is
// an error of the grading, never a pass.
func TestForgedOutcomesAreRefused(t *testing.T) {
	for _, tc := range []struct {
		mode string
		impl string
		all  bool // every test is refused, not only some
	}{
		{mode: "forger", all: true},
		{mode: "wrongtoken", impl: "solution", all: true},
		{mode: "nokey", impl: "solution", all: true},
		{mode: "unknown", impl: "solution", all: true},
		{mode: "repeat", impl: "solution"},
		{mode: "extra", impl: "solution"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			r := gradeInRunner(t, tc.mode, Options{Impl: tc.impl, Seeds: 4, Run: regexp.MustCompile("^Pongs$"), NoShrink: true, Parallel: 1})
			assert.Equal(t, result.Error, r.Status)
			assert.Zero(t, r.Score, "a forged outcome never scores")
			refused := 0
			for _, tr := range r.Tests {
				if tr.Status == result.Error {
					assert.Contains(t, tr.Message, "the runner wrote an outcome it was not asked for")
					refused++
				}
			}
			if tc.all {
				assert.Equal(t, len(r.Tests), refused)
			}
			assert.Positive(t, refused)
		})
	}
}

// TestRunnerVerdicts: in runner processes, an endless handler is judged by
// the CPU time it burns; a good implementation passes; state kept between
// runs and map order are refused as nondeterministic, since every test's
// seeds are run again in runner processes that did not run them.
func TestRunnerVerdicts(t *testing.T) {
	for _, tc := range []struct {
		mode   string
		status string
		want   string
	}{
		{"good", result.Pass, ""},
		{"spinner", result.Fail, "used 500ms of CPU time without returning"},
		{"flaky", result.Error, "nondeterministic"},
		{"mapordered", result.Error, "they part at event"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			r := gradeInRunner(t, tc.mode, Options{Seeds: 4, Run: regexp.MustCompile("^Pongs$"), NoShrink: true, Watchdog: 500 * time.Millisecond})
			tr := test(r, "Pongs")
			assert.Equal(t, tc.status, tr.Status, tr.Message)
			assert.Contains(t, tr.Message, tc.want)
		})
	}
}
