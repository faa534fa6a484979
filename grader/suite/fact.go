package suite

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A Fact is one figure the grader uses, such as a liveness bound, a test's
// seed count or the network's latency, with the value the suite uses.
// Tasks and lessons quote facts by name ({{fact raft election-bound}}, see
// content/AUTHORING.md), so that their text cannot drift from the grader.
//
// Build a fact with one of the constructors (DurationFact, CountFact,
// PercentFact, RatioFact, TextFact) from the very constant the suite uses,
// never from a number retyped by hand: a change of the constant then
// changes the text, and the constructor fills Forms, which the course's
// drift test (content/facts_test.go) looks for in text written by hand.
type Fact struct {
	// Name is how text quotes the fact ("election-bound"; a figure of one
	// test is best named after it, "HeavyLoss.budget"): letters, digits,
	// dashes and dots, starting with a letter.
	Name string
	// Value is the figure as text shows it ("1.3 s").
	Value string
	// What says in one line what the figure bounds and where it comes from.
	// It may hold `code`.
	What string
	// Kind says whether the grader checks the figure or assumes it.
	Kind FactKind
	// Forms are the spellings of Value that a hand-written copy would use
	// ("1.3 s", "1300 ms", "1,300 ms"): a lesson or task that has one of them
	// outside a directive fails the drift test. Empty for a value too
	// common to look for (a bare number, a sentence).
	Forms []string
}

// FactKind says what kind of figure a fact is.
type FactKind int

const (
	// Checked is a figure the grader judges a run by: a bound, a limit, a
	// budget, a seed count. The "what the grader checks" table lists them.
	Checked FactKind = iota
	// Assumed is part of the world the grader simulates: the crash model,
	// the network's latency and loss, clock drift. The "what the grader
	// assumes" box lists them.
	Assumed
)

// Assume returns f as part of the simulated world (Kind Assumed).
func (f Fact) Assume() Fact {
	f.Kind = Assumed
	return f
}

// DurationFact is a fact whose value is a span of virtual time, written
// "80 ms" below a second and "1.3 s" from a second on.
func DurationFact(name string, d time.Duration, what string) Fact {
	return Fact{Name: name, Value: FormatDuration(d), What: what, Forms: durationForms(d)}
}

// DurationRangeFact is a fact whose value is a range of virtual time, such
// as a latency drawn between lo and hi ("1–10 ms").
// It is written in seconds when hi is a second or more ("0.8–2.4 s"),
// else in milliseconds; its forms include both.
func DurationRangeFact(name string, lo, hi time.Duration, what string) Fact {
	inMs := [3]string{"ms", msNumber(lo), msNumber(hi)}
	inS := [3]string{"s", secNumber(lo), secNumber(hi)}
	value := inMs
	if hi >= time.Second {
		value = inS
	}
	f := Fact{Name: name, Value: value[1] + "–" + value[2] + " " + value[0], What: what}
	for _, u := range [][3]string{inMs, inS} {
		if u[0] == "s" && hi < 100*time.Millisecond {
			continue // "0.001–0.01 s" is nobody's spelling
		}
		for _, sep := range []string{"–", "-", " to ", " – ", " - "} {
			f.Forms = append(f.Forms, u[1]+sep+u[2]+" "+u[0], u[1]+sep+u[2]+u[0])
		}
	}
	return f
}

// CountFact is a fact that counts something: "20 seeds", "4,000 bytes",
// "39 points". unit is written as given, after the number. Its forms are
// the number, with or without a thousands separator, followed by the
// unit's first word.
func CountFact(name string, n int, unit, what string) Fact {
	value := FormatCount(n)
	if unit != "" {
		value += " " + unit
	}
	f := Fact{Name: name, Value: value, What: what}
	if word, _, _ := strings.Cut(unit, " "); word != "" {
		for _, num := range uniq(FormatCount(n), strconv.Itoa(n)) {
			f.Forms = append(f.Forms, num+" "+word)
		}
	}
	return f
}

// PercentFact is a fraction written as a percentage: PercentFact(n, 0.3,
// w) is "30%".
func PercentFact(name string, fraction float64, what string) Fact {
	p := trimFloat(fraction*100, 2)
	return Fact{Name: name, Value: p + "%", What: what, Forms: []string{p + "%", p + " %", p + " percent", p + " per cent"}}
}

// RatioFact is a multiple: RatioFact(n, 2.5, w) is "2.5x".
func RatioFact(name string, x float64, what string) Fact {
	s := trimFloat(x, 2)
	return Fact{Name: name, Value: s + "x", What: what, Forms: []string{s + "x", s + "×", s + " times"}}
}

// TextFact is a fact stated in words, such as the crash model ("at any
// point inside a handler"). Its value is the suite's own constant text; it
// has no forms, since a sentence is not a number to look for.
func TextFact(name, value, what string) Fact {
	return Fact{Name: name, Value: value, What: what}
}

// FormatDuration writes d as text quotes it: "80 ms", "0.5 ms", "1.3 s",
// "60 s".
func FormatDuration(d time.Duration) string {
	if d < time.Second {
		return msNumber(d) + " ms"
	}
	return secNumber(d) + " s"
}

// FormatCount writes n with commas between groups of three digits from
// 1,000 on, as the course's prose does ("999", "4,000", "10,000").
func FormatCount(n int) string {
	if n < 0 {
		return "-" + groupThousands(-n)
	}
	return groupThousands(n)
}

func msNumber(d time.Duration) string  { return trimFloat(float64(d)/float64(time.Millisecond), 3) }
func secNumber(d time.Duration) string { return trimFloat(d.Seconds(), 3) }

// trimFloat formats x with at most prec decimals and no trailing zeros.
func trimFloat(x float64, prec int) string {
	s := strconv.FormatFloat(x, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// durationForms lists how a hand-written copy of d would read.
func durationForms(d time.Duration) []string {
	ms, sec := msNumber(d), secNumber(d)
	msNums := uniq(ms)
	if whole := float64(d) / float64(time.Millisecond); whole == math.Trunc(whole) && whole >= 1000 {
		msNums = uniq(ms, groupThousands(int(whole)))
	}
	var forms []string
	for _, n := range msNums {
		forms = append(forms, n+" ms", n+"ms", n+" milliseconds")
	}
	if d >= 100*time.Millisecond {
		forms = append(forms, sec+" s", sec+"s", sec+" seconds", sec+" second", sec+" sec")
	}
	if d >= time.Minute && d%time.Minute == 0 {
		m := strconv.Itoa(int(d / time.Minute))
		forms = append(forms, m+" min", m+" minutes", m+" minute")
	}
	return uniq(forms...)
}

// groupThousands writes n >= 0 with commas between groups of three digits
// ("1,300").
func groupThousands(n int) string {
	s := strconv.Itoa(n)
	if len(s) <= 3 {
		return s
	}
	head := len(s) % 3
	var parts []string
	if head > 0 {
		parts = append(parts, s[:head])
	}
	for i := head; i < len(s); i += 3 {
		parts = append(parts, s[i:i+3])
	}
	return strings.Join(parts, ",")
}

func uniq(xs ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// AllFacts returns the lab's facts: its own (Facts), then the figures
// every lab has, derived from its fields so that no one restates them:
//
//   - points: the lab's maximum score
//   - tests: how many graded tests it has
//   - max-rate: the storm bound (MaxRate, else DefaultMaxRate)
//   - <Test>.points, <Test>.seeds and <Test>.limit for each test: its
//     points, its default number of seeds and its virtual time limit
//
// A lab's own fact of the same name wins over a derived one.
func (l *Lab) AllFacts() []Fact {
	out := append([]Fact(nil), l.Facts...)
	own := map[string]bool{}
	for _, f := range l.Facts {
		own[f.Name] = true
	}
	add := func(f Fact) {
		if !own[f.Name] {
			out = append(out, f)
		}
	}
	add(CountFact("points", l.MaxScore(), "points", "the lab's maximum score: the sum of its tests' points"))
	add(CountFact("tests", len(l.Tests), "tests", "how many graded tests the lab has"))
	rate := l.MaxRate
	if rate == 0 {
		rate = DefaultMaxRate
	}
	add(CountFact("max-rate", rate, "events per node per second of virtual time",
		"the storm bound: a node that handles more events than this in one second of virtual time fails the run"))
	for _, t := range l.Tests {
		seeds := max(t.Seeds, 1)
		unit := "seeds"
		if seeds == 1 {
			unit = "seed"
		}
		limit := t.Limit
		if limit == 0 {
			limit = time.Minute
		}
		add(CountFact(t.Name+".points", t.Points, "points", t.Name+"'s points"))
		add(CountFact(t.Name+".seeds", seeds, unit, t.Name+"'s default number of seeds (runs), each a different schedule of faults"))
		add(DurationFact(t.Name+".limit", limit, t.Name+"'s limit of virtual time for one run"))
	}
	return out
}

// Derived reports whether name is one of the facts AllFacts derives for
// every lab rather than one the lab lists.
func Derived(name string) bool {
	switch name {
	case "points", "tests", "max-rate":
		return true
	}
	return strings.HasSuffix(name, ".points") || strings.HasSuffix(name, ".seeds") || strings.HasSuffix(name, ".limit")
}

// LookupFact returns the named fact of the lab (AllFacts), or an error
// naming the lab's own facts.
func (l *Lab) LookupFact(name string) (Fact, error) {
	for _, f := range l.AllFacts() {
		if f.Name == name {
			return f, nil
		}
	}
	return Fact{}, fmt.Errorf("lab %s has no fact %q (its facts: %s; and for each test T: T.points, T.seeds, T.limit)",
		l.Name, name, strings.Join(l.factNames(), ", "))
}

// factNames lists the lab's own facts and the lab-wide derived ones, sorted.
func (l *Lab) factNames() []string {
	names := []string{"points", "tests", "max-rate"}
	for _, f := range l.Facts {
		names = append(names, f.Name)
	}
	names = uniq(names...)
	sort.Strings(names)
	return names
}

// CheckFacts reports what is wrong with the lab's own facts: a missing or
// malformed name, a duplicate, an empty value or description. Register
// does not call it (a lab's test does, through labtest), so that a bad
// fact fails a test rather than the start-up of every command.
func (l *Lab) CheckFacts() error {
	var problems []string
	seen := map[string]bool{}
	for i, f := range l.Facts {
		switch {
		case !validFactName(f.Name):
			problems = append(problems, fmt.Sprintf("fact %d: name %q: want letters, digits, '-' and '.', starting with a letter", i, f.Name))
		case seen[f.Name]:
			problems = append(problems, fmt.Sprintf("fact %q is listed twice", f.Name))
		case strings.TrimSpace(f.Value) == "":
			problems = append(problems, fmt.Sprintf("fact %q has no value", f.Name))
		case strings.TrimSpace(f.What) == "":
			problems = append(problems, fmt.Sprintf("fact %q has no What (one line: what the figure bounds and where it comes from)", f.Name))
		}
		seen[f.Name] = true
	}
	if len(problems) > 0 {
		return fmt.Errorf("lab %s: %s", l.Name, strings.Join(problems, "; "))
	}
	return nil
}

func validFactName(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
