package suite

import "fmt"

// MutationScore is how many automatically generated mutants of a lab's
// reference its suite killed (scripts/mutation.sh, docs/grading.md
// "Mutation testing", issue 23 item 5). Only mutants that compile and that
// a default-seed run reaches count; of those, a mutant is Equivalent when
// no run can tell it from the reference, or when it is a design the
// lab's task admits (docs/grading.md gives each one's reason). The zero
// value means the lab was not measured.
type MutationScore struct {
	Killed     int
	Lived      int // non-equivalent mutants the suite passed
	Equivalent int // mutants that cannot change behaviour, each listed with a reason
	Date       string
}

// Measured reports whether a score was recorded.
func (m MutationScore) Measured() bool { return m.Killed+m.Lived+m.Equivalent > 0 }

// Percent is the share of non-equivalent mutants killed, in percent: the
// figure issue 23 sets a goal of 95 for. It is 0 when nothing was measured.
func (m MutationScore) Percent() float64 {
	if m.Killed+m.Lived == 0 {
		return 0
	}
	return 100 * float64(m.Killed) / float64(m.Killed+m.Lived)
}

// String is the score as `faultline labs` shows it: "96% (48/50)", or
// "not measured".
func (m MutationScore) String() string {
	if !m.Measured() {
		return "not measured"
	}
	return fmt.Sprintf("%.0f%% (%d/%d)", m.Percent(), m.Killed, m.Killed+m.Lived)
}
