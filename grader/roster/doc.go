// Package roster holds a class's grades: one Entry per (submission, lab),
// read and written as JSON (what tools and a later run read back) and CSV
// (what a spreadsheet or a gradebook import reads).
//
// A class is graded by 'faultline roster grade', which builds a Roster
// from each submission's JSON report (FromResult) and writes it after
// every submission, so that a grading stopped half-way loses nothing. The
// Roster is also the resume index: an Index built from it says which
// submissions were already graded with the same code, platform and
// options (Key), so a second run grades only what changed.
//
// A class too large for one machine is split by submission across CI
// jobs; Merge joins their rosters and refuses a submission graded twice,
// or rosters graded by different builds of the platform.
//
//	r, err := roster.ReadFile("out/roster.json")
//	...
//	all, err := roster.Merge("merged", []roster.Source{{Path: "shard-1/roster.json", Roster: r1}, ...})
//	err = all.WriteCSV(os.Stdout)
package roster
