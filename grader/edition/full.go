//go:build !student

package edition

// Student is set in the student edition (built with -tags student).
const Student = false

// Name names the edition in `faultline version` and `faultline labs`.
const Name = "open-source edition"
