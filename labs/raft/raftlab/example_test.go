package raftlab_test

import (
	"fmt"

	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/labs/raft/raftlab"
)

// Example runs one test of the lab with one seed against the reference
// solution, as the grader does for every test and seed.
func Example() {
	test, _ := raftlab.Lab.Test("Figure8")
	o := suite.NewT(suite.Options{Lab: raftlab.Lab, Test: test, Seed: 7,
		Impl: raftlab.Lab.Solution, ImplName: "solution"}).Run()
	fmt.Println(test.Part, test.Points, o.Passed())
	// Output: C 3 true
}
