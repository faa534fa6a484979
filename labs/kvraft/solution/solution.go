// Package solution is the lab's reference kvraft service: the code of
// labs/kvraft/internal/ref with no bug switched on. Read ref/server.go for
// the service and ref/clerk.go for the client.
package solution

import (
	"github.com/faultline-dev/faultline/labs/kvraft"
	"github.com/faultline-dev/faultline/labs/kvraft/internal/ref"
)

// Impl is the reference implementation.
var Impl kvraft.Impl = ref.New(ref.Bugs{})
