// Package models holds the search models of the labs: for each lab, how
// to build a search.Model of an implementation (the cluster, the lab's
// calls, the invariants), with the bounds its search test uses.
//
//	spec, _ := models.Lookup("pingpong", "")
//	m, _ := spec.Build(impl)
//	res, _ := search.Check(m, spec.Options)
//
// A lab's suite turns a spec into a graded test with Test (see test.go);
// `faultline check <lab>` runs a lab's specs.
package models

import (
	"fmt"
	"sort"
	"strings"

	"github.com/faultline-dev/faultline/grader/search"
)

// Spec is one search of one lab.
type Spec struct {
	Lab  string
	Name string // "exactly-once"
	// Description says what the search proves, in one line.
	Description string
	// Build makes the model of impl, the lab's implementation value (as
	// suite.Lab.Impl returns it).
	Build func(impl any) (*search.Model, error)
	// Options are the bounds of the graded search: small enough to run in
	// well under a second.
	Options search.Options
}

var specs = map[string][]Spec{}

// register adds a lab's specs; the first is the lab's default.
func register(s ...Spec) {
	for _, x := range s {
		specs[x.Lab] = append(specs[x.Lab], x)
	}
}

// For returns a lab's specs, the default first.
func For(lab string) []Spec { return specs[lab] }

// Labs returns the labs that have a search model, sorted.
func Labs() []string {
	var out []string
	for l := range specs {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// Lookup returns lab's spec called name, or its default when name is "".
func Lookup(lab, name string) (Spec, error) {
	ss := specs[lab]
	if len(ss) == 0 {
		return Spec{}, fmt.Errorf("lab %q has no search model (labs with one: %s); random testing is what `faultline grade %s` does", lab, strings.Join(Labs(), ", "), lab)
	}
	if name == "" {
		return ss[0], nil
	}
	var names []string
	for _, s := range ss {
		if s.Name == name {
			return s, nil
		}
		names = append(names, s.Name)
	}
	return Spec{}, fmt.Errorf("lab %s has no search model %q (it has: %s)", lab, name, strings.Join(names, ", "))
}
