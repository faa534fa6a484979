package pingpong

import "strings"

// misbehave logs without end.
func misbehave(s *server) {
	line := strings.Repeat("log ", 1024)
	for {
		s.env.Logf("%s", line)
	}
}
