package pingpong

import "workspace/pingpong/helper"

func twice(n int) int { return helper.Double(n) }
