package workspace

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMain gives the package's tests one build cache of their own: the
// platform is extracted once, and runners are shared where the submission
// is the same. A developer's own faultline cache is never touched. The
// runners are compiled with the developer's Go build cache (as go test
// itself is), which faultline never wipes: a fresh one would make every
// test run compile the platform from cold. TestGoCacheIsBounded tests
// faultline's own.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "faultline-cache-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("FAULTLINE_CACHE", dir)
	out, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "go env GOCACHE:", err)
		os.Exit(1)
	}
	if os.Getenv("FAULTLINE_GOCACHE") == "" {
		os.Setenv("FAULTLINE_GOCACHE", strings.TrimSpace(string(out)))
	}
	code := m.Run()
	makeWritable(dir)
	os.RemoveAll(dir)
	os.Exit(code)
}
