package main

import "github.com/faultline-dev/faultline/tui"

// labRunner is how the TUI's lab screen runs tests.
func labRunner() tui.Runner { return tui.SuiteRunner() }
