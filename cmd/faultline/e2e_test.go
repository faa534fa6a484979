package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// tmuxSession drives the real binary in a detached tmux session of a fixed
// size, the way a person at a 100×30 terminal would.
type tmuxSession struct {
	t      *testing.T
	socket string
	name   string
	home   string // FAULTLINE_HOME: progress goes here, not into the tester's config
}

func startTmux(t *testing.T, command ...string) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is required in CI for the end-to-end TUI test: apt-get install tmux")
		}
		t.Skip("tmux not found; install it to run the end-to-end TUI test: apt-get install tmux")
	}
	s := &tmuxSession{t: t, socket: filepath.Join(t.TempDir(), "tmux.sock"), name: "e2e", home: t.TempDir()}
	args := append([]string{"new-session", "-d", "-s", s.name, "-x", "100", "-y", "30"}, command...)
	s.run(args...)
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", s.socket, "kill-server").Run() })
	return s
}

func (s *tmuxSession) run(args ...string) string {
	s.t.Helper()
	cmd := exec.Command("tmux", append([]string{"-S", s.socket}, args...)...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "FAULTLINE_HOME="+s.home)
	out, err := cmd.CombinedOutput()
	require.NoError(s.t, err, "tmux %v: %s", args, out)
	return string(out)
}

func (s *tmuxSession) send(keys ...string) {
	s.run(append([]string{"send-keys", "-t", s.name}, keys...)...)
}

func (s *tmuxSession) capture() string { return s.run("capture-pane", "-p", "-t", s.name) }

// waitFor polls the pane a bounded number of times until ok accepts it. The
// pause between polls only paces the loop; nothing asserts on timing.
func (s *tmuxSession) waitFor(what string, ok func(string) bool) string {
	s.t.Helper()
	var pane string
	for range 100 {
		pane = s.capture()
		if ok(pane) {
			return pane
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("pane never showed %s; last pane:\n%s", what, pane)
	return ""
}

func contains(sub string) func(string) bool {
	return func(p string) bool { return strings.Contains(p, sub) }
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "faultline")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

func TestEndToEndDemoInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives it in tmux")
	}
	bin := buildBinary(t)
	s := startTmux(t, bin, "demo", "raft-election")

	pane := s.waitFor("the viewer header", contains("event 1/"))
	require.Contains(t, pane, "n1")
	require.Contains(t, pane, "n5")

	// Step with the arrow keys until a delivered message is drawn as an arrow.
	for range 40 {
		s.send("Down")
	}
	pane = s.waitFor("the cursor moving", func(p string) bool { return !strings.Contains(p, "event 1/") })
	require.Regexp(t, `─+▶|◀─+`, pane, "a message arrow")

	// x jumps to the next fault; keep pressing until a dropped message shows.
	s.pressUntil("x", 30, "a dropped message", "✗")
	// Later a follower crashes: jump past the partition (t), then x finds it.
	s.send("t")
	s.send("2900ms", "Enter")
	s.waitFor("the jump", contains("t=2.9"))
	s.pressUntil("x", 10, "a crashed node", "X crash")

	s.send("?")
	s.waitFor("the full help", contains("jump to a time"))
	s.send("q")
	s.waitExit()
}

// pressUntil presses key up to tries times, until the pane shows want.
// After each press it waits for the screen to change, so that presses never
// run ahead of the program (a key sent before the last one was drawn could
// jump past what we are looking for).
func (s *tmuxSession) pressUntil(key string, tries int, what, want string) {
	s.t.Helper()
	for range tries {
		before := s.capture()
		s.send(key)
		for range 40 {
			if after := s.capture(); after != before {
				break
			}
			time.Sleep(25 * time.Millisecond)
		}
		if strings.Contains(s.capture(), want) {
			return
		}
	}
	s.waitFor(what, contains(want))
}

// waitExit waits until the program has quit: its session, and with it the
// tmux server, goes away.
func (s *tmuxSession) waitExit() {
	s.t.Helper()
	for range 100 {
		if exec.Command("tmux", "-S", s.socket, "has-session", "-t", s.name).Run() != nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("the program did not quit on q; last pane:\n%s", s.capture())
}

func TestEndToEndCourseMapInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives it in tmux")
	}
	bin := buildBinary(t)
	s := startTmux(t, bin)
	s.waitFor("the help footer", contains("quit"))
	s.send("?")
	s.waitFor("the full help", contains("esc"))
	s.send("q")
	s.waitExit()
}
