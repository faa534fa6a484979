package workspace

import (
	"fmt"
	"os"
	"testing"
)

// TestMain gives the package's tests one build cache of their own: the
// platform is extracted once, and runners are shared where the submission
// is the same. A developer's own cache is never touched.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "faultline-cache-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("FAULTLINE_CACHE", dir)
	code := m.Run()
	makeWritable(dir)
	os.RemoveAll(dir)
	os.Exit(code)
}
