package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/faultline-dev/faultline/grader/edition"
	"github.com/faultline-dev/faultline/grader/suite"
)

// mutationJSON is a lab's published mutation score in `faultline labs
// --json`: null when it was not measured.
type mutationJSON struct {
	Killed     int     `json:"killed"`
	Lived      int     `json:"lived"`
	Equivalent int     `json:"equivalent"`
	Percent    float64 `json:"percent"`
	Date       string  `json:"date"`
}

func mutationOf(m suite.MutationScore) *mutationJSON {
	if !m.Measured() {
		return nil
	}
	return &mutationJSON{Killed: m.Killed, Lived: m.Lived, Equivalent: m.Equivalent, Percent: m.Percent(), Date: m.Date}
}

// mutationLine is the lab's mutation score as `faultline labs` prints it:
// what share of the reference's non-equivalent gremlins mutants the suite
// kills at its default seeds (docs/grading.md, "Mutation testing").
func mutationLine(m suite.MutationScore) string {
	if !m.Measured() {
		return "mutation not measured (scripts/mutation.sh)"
	}
	return fmt.Sprintf("mutation %s of the reference's non-equivalent mutants killed; %d set aside as equivalent or a design the task admits (docs/grading.md; scripts/mutation.sh, %s)", m, m.Equivalent, m.Date)
}

func runLabs(_ context.Context, env *cliEnv, args []string) error {
	fs := newFlags("labs")
	asJSON := fs.Bool("json", false, "")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	type testJSON struct {
		Name        string `json:"name"`
		Part        string `json:"part"`
		Points      int    `json:"points"`
		Seeds       int    `json:"seeds"`
		Description string `json:"description"`
	}
	type partJSON struct {
		ID     string `json:"id"`
		Title  string `json:"title"`
		Points int    `json:"points"`
	}
	type labJSON struct {
		Name     string     `json:"name"`
		Title    string     `json:"title"`
		Summary  string     `json:"summary"`
		Lesson   string     `json:"lesson"`
		MaxScore int        `json:"max_score"`
		Parts    []partJSON `json:"parts"`
		Tests    []testJSON `json:"tests"`
		Mutants  []string   `json:"mutants"`
		// Mutation is the published mutation score, null if not measured.
		Mutation *mutationJSON `json:"mutation"`
		mutation suite.MutationScore
	}
	var labs []labJSON
	for _, l := range suite.Labs() {
		lj := labJSON{Name: l.Name, Title: l.Title, Summary: l.Summary, Lesson: l.Lesson, MaxScore: l.MaxScore(), Mutants: l.MutantNames(),
			Mutation: mutationOf(l.Mutation), mutation: l.Mutation}
		for _, p := range l.Parts {
			pj := partJSON{ID: p.ID, Title: p.Title}
			for _, t := range l.Tests {
				if t.Part == p.ID {
					pj.Points += t.Points
				}
			}
			lj.Parts = append(lj.Parts, pj)
		}
		for _, t := range l.Tests {
			lj.Tests = append(lj.Tests, testJSON{t.Name, t.Part, t.Points, max(t.Seeds, 1), t.Description})
		}
		labs = append(labs, lj)
	}
	if *asJSON {
		return writeJSON(env.stdout, labs)
	}
	if edition.Student {
		fmt.Fprintf(env.stdout, "faultline %s (%s): the labs' starters, APIs and suites, without their reference solutions or mutants\n\n", version, edition.Name)
	}
	for _, l := range labs {
		fmt.Fprintf(env.stdout, "%s — %s (%d points)\n  %s\n", l.Name, l.Title, l.MaxScore, l.Summary)
		for _, p := range l.Parts {
			fmt.Fprintf(env.stdout, "\n  Part %s: %s (%d points)\n", p.ID, p.Title, p.Points)
			for _, t := range l.Tests {
				if t.Part == p.ID {
					fmt.Fprintf(env.stdout, "    %-26s %2d pts  %3d seeds  %s\n", t.Name, t.Points, t.Seeds, t.Description)
				}
			}
		}
		mutants := strings.Join(l.Mutants, ", ")
		if len(l.Mutants) == 0 && edition.Student {
			mutants = "none in the " + edition.Name
		}
		fmt.Fprintf(env.stdout, "\n  mutants: %s\n  %s\n  grade your code: faultline grade %s   (inside a workspace: faultline init DIR)\n\n", mutants, mutationLine(l.mutation), l.Name)
	}
	return nil
}
