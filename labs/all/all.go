// Package all imports every lab and demo package so that they register with
// grader/suite. A binary or test that needs the whole course imports it.
package all

import (
	// Each lab adds its blank import here, one per line, sorted.
	_ "github.com/faultline-dev/faultline/labs/backoff/backofflab"
	_ "github.com/faultline-dev/faultline/labs/demos"
	_ "github.com/faultline-dev/faultline/labs/kvraft/kvraftlab"
	_ "github.com/faultline-dev/faultline/labs/pingpong/pingponglab"
	_ "github.com/faultline-dev/faultline/labs/queue/queuelab"
	_ "github.com/faultline-dev/faultline/labs/raft/raftlab"
	_ "github.com/faultline-dev/faultline/labs/shardkv/shardkvlab"
)
