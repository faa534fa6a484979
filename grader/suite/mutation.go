package suite

// MutationScore is how many automatically generated mutants of a lab's
// reference its suite killed (scripts/mutation.sh, docs/grading.md).
type MutationScore struct {
	Killed     int
	Lived      int // non-equivalent mutants the suite passed
	Equivalent int // mutants that cannot change behaviour, each listed with a reason
	Date       string
}
