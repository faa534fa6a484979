package subpkg

import (
	_ "example.com/ws/raft/helper"
	_ "workspace/raft/helper"
)
