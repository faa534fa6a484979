package content

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/faultline-dev/faultline/grader/suite"
	"gopkg.in/yaml.v3"
)

// Facts are the figures a lab's suite uses (suite.Fact), quoted in a
// lesson or a task so that the text cannot drift from the grader:
//
//   - inline, {{fact LAB NAME}} is replaced by the fact's value
//     ("{{fact raft election-bound}}" reads "1.3 s");
//   - a fenced block with the info string faultline-facts becomes the
//     table "What the grader checks" of the lab's checked facts;
//   - a fenced block faultline-assumes becomes the box "What the grader
//     assumes" of the lab's assumed facts (crash model, network, limits).
//
// Both blocks hold YAML: `lab:` (required) and `facts:` (optional: the
// names to show, in that order, instead of the default set).
const (
	FactsInfo   = "faultline-facts"
	AssumesInfo = "faultline-assumes"
)

// FactLookup returns the facts of the named lab (suite.Lab.AllFacts), or an
// error naming the labs there are.
type FactLookup func(lab string) ([]suite.Fact, error)

// RegisteredFacts is the FactLookup of the labs registered with
// grader/suite: what the faultline binary, which links every lab, uses.
func RegisteredFacts(lab string) ([]suite.Fact, error) {
	l, err := suite.Lookup(lab)
	if err != nil {
		return nil, err
	}
	return l.AllFacts(), nil
}

// LabFacts is the FactLookup of the given labs.
func LabFacts(labs []*suite.Lab) FactLookup {
	return func(name string) ([]suite.Fact, error) {
		var names []string
		for _, l := range labs {
			if l.Name == name {
				return l.AllFacts(), nil
			}
			names = append(names, l.Name)
		}
		return nil, fmt.Errorf("unknown lab %q (labs: %s)", name, strings.Join(names, ", "))
	}
}

// factDirective matches an inline directive, well-formed or not, so that a
// malformed one is reported rather than shown: "{{fact raft election-bound}}".
var factDirective = regexp.MustCompile(`\{\{\s*fact\b([^{}]*)\}\}`)

// notFact marks a figure that equals a fact's value but is not that fact
// (a lesson's own example): "{{not-fact 2 s}}" reads "2 s", and the drift
// test (HandCopies) leaves it alone.
var notFact = regexp.MustCompile(`\{\{not-fact ([^{}]+)\}\}`)

// factArgs are the two words of a well-formed directive.
var factArgs = regexp.MustCompile(`^\s+([a-z][a-z0-9]*)\s+([A-Za-z](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)\s*$`)

// FactRef is one inline directive found in a text.
type FactRef struct {
	Lab, Name string
	Line      int // file line
}

// findFacts returns the inline directives of body, whose first line is
// file line firstLine, and the problems of malformed ones.
func findFacts(body, file string, firstLine int) ([]FactRef, []*Problem) {
	var refs []FactRef
	var problems []*Problem
	for i, line := range strings.Split(body, "\n") {
		for _, m := range factDirective.FindAllStringSubmatch(line, -1) {
			a := factArgs.FindStringSubmatch(m[1])
			if a == nil {
				problems = append(problems, &Problem{File: file, Line: firstLine + i,
					Msg: fmt.Sprintf("bad fact directive %q: write {{fact LAB NAME}}, such as {{fact raft election-bound}}", m[0])})
				continue
			}
			refs = append(refs, FactRef{Lab: a[1], Name: a[2], Line: firstLine + i})
		}
	}
	return refs, problems
}

// ExpandFacts replaces each {{fact LAB NAME}} in body by the fact's value,
// and each {{not-fact TEXT}} by TEXT.
// body's first line is line firstLine of file, for errors. Every line keeps
// its place, so that later errors about the text still name the right
// line. An unknown lab or fact, or a malformed directive, is an error
// naming file:line and the facts there are; the text that comes back then
// still has every other directive expanded.
func ExpandFacts(body, file string, firstLine int, look FactLookup) (string, error) {
	if !strings.Contains(body, "{{") {
		return body, nil
	}
	var problems []*Problem
	lines := strings.Split(body, "\n")
	for i, line := range lines {
		if !strings.Contains(line, "{{") {
			continue
		}
		line = notFact.ReplaceAllString(line, "$1")
		lines[i] = factDirective.ReplaceAllStringFunc(line, func(d string) string {
			a := factArgs.FindStringSubmatch(factDirective.FindStringSubmatch(d)[1])
			if a == nil {
				problems = append(problems, &Problem{File: file, Line: firstLine + i,
					Msg: fmt.Sprintf("bad fact directive %q: write {{fact LAB NAME}}, such as {{fact raft election-bound}}", d)})
				return d
			}
			f, err := lookupFact(look, a[1], a[2])
			if err != nil {
				problems = append(problems, &Problem{File: file, Line: firstLine + i, Msg: err.Error()})
				return d
			}
			return f.Value
		})
	}
	return strings.Join(lines, "\n"), joinProblems(problems)
}

func lookupFact(look FactLookup, lab, name string) (suite.Fact, error) {
	facts, err := look(lab)
	if err != nil {
		return suite.Fact{}, fmt.Errorf("fact %s/%s: %v", lab, name, err)
	}
	for _, f := range facts {
		if f.Name == name {
			return f, nil
		}
	}
	return suite.Fact{}, fmt.Errorf("lab %s has no fact %q (its facts: %s; for each test T also T.points, T.seeds, T.limit)",
		lab, name, strings.Join(ownFactNames(facts), ", "))
}

// ownFactNames lists the lab's own facts and the lab-wide derived ones,
// leaving out each test's T.points, T.seeds and T.limit.
func ownFactNames(facts []suite.Fact) []string {
	var names []string
	for _, f := range facts {
		if !suite.Derived(f.Name) || !strings.Contains(f.Name, ".") {
			names = append(names, f.Name)
		}
	}
	return names
}

func joinProblems(ps []*Problem) error {
	if len(ps) == 0 {
		return nil
	}
	return &LoadError{Problems: ps}
}

// FactBlock is a parsed faultline-facts or faultline-assumes block.
type FactBlock struct {
	// Assumes is true for a faultline-assumes block.
	Assumes bool   `yaml:"-"`
	Lab     string `yaml:"lab"`
	// Facts names the facts to show, in order; empty means the lab's own
	// facts of the block's kind (suite.Checked for the table,
	// suite.Assumed for the box).
	Facts Names `yaml:"facts"`
	Line  int   `yaml:"-"` // file line of the opening fence
}

// Title is the heading the block is shown under.
func (b FactBlock) Title() string {
	if b.Assumes {
		return "What the grader assumes"
	}
	return "What the grader checks"
}

// ParseFactBlock parses the YAML body of a block with info string info
// (FactsInfo or AssumesInfo).
func ParseFactBlock(info, body string) (FactBlock, error) {
	b := FactBlock{Assumes: info == AssumesInfo}
	dec := yaml.NewDecoder(bytes.NewReader([]byte(body)))
	dec.KnownFields(true)
	if err := dec.Decode(&b); err != nil {
		return b, fmt.Errorf("bad %s block: %s (keys: lab, facts)", info, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if b.Lab == "" {
		return b, fmt.Errorf("%s block has no lab (such as `lab: raft`; `faultline labs` lists them)", info)
	}
	return b, nil
}

// Resolve returns the facts the block shows: the named ones, or by default
// the lab's own facts of the block's kind.
func (b FactBlock) Resolve(look FactLookup) ([]suite.Fact, error) {
	all, err := look(b.Lab)
	if err != nil {
		return nil, err
	}
	if len(b.Facts) > 0 {
		var out []suite.Fact
		for _, name := range b.Facts {
			f, err := lookupFact(look, b.Lab, name)
			if err != nil {
				return nil, err
			}
			out = append(out, f)
		}
		return out, nil
	}
	want := suite.Checked
	if b.Assumes {
		want = suite.Assumed
	}
	var out []suite.Fact
	for _, f := range all {
		if f.Kind == want && !suite.Derived(f.Name) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("lab %s has no facts for %q yet (its lab.go sets Lab.Facts; or name them with `facts:`)", b.Lab, b.Title())
	}
	return out, nil
}

// FactBlocks parses the lesson's fact blocks. Errors carry file:line.
func (l *Lesson) FactBlocks() ([]FactBlock, error) {
	return factBlocks(l.Body, l.Path, l.BodyLine)
}

func factBlocks(body, file string, firstLine int) ([]FactBlock, error) {
	var out []FactBlock
	for _, b := range blocks(body) {
		if b.info != FactsInfo && b.info != AssumesInfo {
			continue
		}
		line := firstLine + b.start
		fb, err := ParseFactBlock(b.info, b.body)
		if err != nil {
			return nil, &Problem{File: file, Line: line, Msg: err.Error()}
		}
		fb.Line = line
		out = append(out, fb)
	}
	return out, nil
}

// CheckFacts resolves every fact the text quotes (inline and in blocks)
// and returns every problem, with file:line: what `go test ./content`
// runs over the lessons and the labs' tasks.
func CheckFacts(body, file string, firstLine int, look FactLookup) error {
	_, err := ExpandFacts(body, file, firstLine, look)
	var problems []*Problem
	if le, ok := err.(*LoadError); ok {
		problems = le.Problems
	}
	bs, err := factBlocks(body, file, firstLine)
	if err != nil {
		problems = append(problems, err.(*Problem))
	}
	for _, b := range bs {
		if _, err := b.Resolve(look); err != nil {
			problems = append(problems, &Problem{File: file, Line: b.Line, Msg: err.Error()})
		}
	}
	return joinProblems(problems)
}

// terminalFacts is what the terminal shows for a fact block: a Markdown
// table of the checked facts, or a quoted list of the assumed ones.
func terminalFacts(b FactBlock, look FactLookup) []string {
	facts, err := b.Resolve(look)
	if err != nil {
		return []string{fmt.Sprintf("> **%s** (%s): cannot be shown: %v", b.Title(), b.Lab, err)}
	}
	if b.Assumes {
		out := []string{fmt.Sprintf("> **%s** (lab %s)", b.Title(), b.Lab), ">"}
		for _, f := range facts {
			out = append(out, fmt.Sprintf("> - %s: **%s**", Sentence(f.What), f.Value))
		}
		return out
	}
	out := []string{fmt.Sprintf("**%s** (lab %s)", b.Title(), b.Lab), "", "| Value | What | Fact |", "|---|---|---|"}
	for _, f := range facts {
		out = append(out, fmt.Sprintf("| %s | %s | `%s` |", cell(f.Value), cell(f.What), f.Name))
	}
	return out
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Sentence is a fact's What as a box shows it, on one line with a capital
// first letter: "The one-way latency of every message".
func Sentence(what string) string {
	s := oneLine(what)
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	return s
}

// cell makes s safe inside a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(oneLine(s), "|", `\|`) }

// ExpandLessonFacts is ExpandFacts over a lesson's body (or a task shown
// as one, whose Path is empty: errors then name it by its Slug).
func ExpandLessonFacts(l *Lesson, look FactLookup) (string, error) {
	file := l.Path
	if file == "" {
		file = l.Slug
	}
	return ExpandFacts(l.Body, file, max(l.BodyLine, 1), look)
}
