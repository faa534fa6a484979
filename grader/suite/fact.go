package suite

// A Fact is one figure the grader checks, such as a liveness bound or a
// test's seed count, with the value the suite uses. Tasks and lessons
// quote facts by name, so that their text cannot drift from the grader.
type Fact struct {
	// Name is how text quotes the fact ("election-bound").
	Name string
	// Value is the figure as text shows it ("1.3 s").
	Value string
	// What says in one line what the figure bounds and where it comes from.
	What string
}
