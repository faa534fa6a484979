package imports

import (
	_ "encoding/xml"
	_ "os"
	_ "sync"

	_ "github.com/faultline-dev/faultline/labs/node"
	_ "github.com/faultline-dev/faultline/labs/pingpong"
	_ "github.com/faultline-dev/faultline/labs/raft"
)
