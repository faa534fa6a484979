package pingpong

import "errors"

// Every node and every run of the process shares errors.ErrUnsupported.
func park(s string) { errors.ErrUnsupported = errors.New(s) }
