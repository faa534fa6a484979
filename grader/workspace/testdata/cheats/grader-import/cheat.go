package pingpong

import "github.com/faultline-dev/faultline/grader/suite"

func labs() int { return len(suite.Labs()) }
