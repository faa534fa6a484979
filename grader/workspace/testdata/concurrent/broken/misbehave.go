package pingpong

// A compile error: every grading of this code must name this file in the
// workspace it came from, never the build's private folder.
func misbehave(*server) { return 1 }
