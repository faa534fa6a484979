// Package theme holds the colours every screen shares, so that a run's
// terms, drops and crashes look the same everywhere.
package theme

import "github.com/charmbracelet/lipgloss"

// Colours used across screens.
var (
	Accent = lipgloss.AdaptiveColor{Light: "#0b63c5", Dark: "#6cb2ff"}
	Muted  = lipgloss.AdaptiveColor{Light: "#5c6670", Dark: "#9aa5b1"}
	Bad    = lipgloss.AdaptiveColor{Light: "#c62828", Dark: "#ff6b6b"}
	Good   = lipgloss.AdaptiveColor{Light: "#2e7d32", Dark: "#6fcf73"}
	Warn   = lipgloss.AdaptiveColor{Light: "#b26a00", Dark: "#ffb74d"}
)

// termColours colour a Raft term, so that a change of term is visible at a glance.
var termColours = []lipgloss.Color{"39", "208", "170", "76", "220", "45", "203", "141"}

// Term returns the colour of term t.
func Term(t int) lipgloss.Color {
	return termColours[((t%len(termColours))+len(termColours))%len(termColours)]
}
