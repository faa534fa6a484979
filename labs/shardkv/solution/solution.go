// Package solution is the lab's reference shardkv service: the code of
// labs/shardkv/internal/ref with no bug switched on. Read
// ref/controller.go, ref/server.go and ref/clerk.go.
package solution

import (
	"github.com/faultline-dev/faultline/labs/shardkv"
	"github.com/faultline-dev/faultline/labs/shardkv/internal/ref"
)

// Impl is the reference implementation.
var Impl shardkv.Impl = ref.New(ref.Bugs{})
