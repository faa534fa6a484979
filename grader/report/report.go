// Package report renders the one result model (package result) for each
// audience: colored text for a terminal, JSON for programs, JUnit XML for
// CI dashboards, and GitHub Actions annotations with a step summary.
package report

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/faultline-dev/faultline/grader/result"
)

// palette colors text when a terminal wants it.
type palette struct{ on bool }

func (p palette) wrap(code, s string) string {
	if !p.on {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}
func (p palette) green(s string) string  { return p.wrap("32", s) }
func (p palette) red(s string) string    { return p.wrap("31;1", s) }
func (p palette) dim(s string) string    { return p.wrap("2", s) }
func (p palette) bold(s string) string   { return p.wrap("1", s) }
func (p palette) yellow(s string) string { return p.wrap("33", s) }

// Text writes the result for a person. color adds ANSI colors. Every
// string a student controls is shown through Printable, so that only the
// report's own colors reach the terminal.
func Text(w io.Writer, r *result.Result, color bool) error {
	p := palette{color}
	fmt.Fprintf(w, "%s  %s  (%s)\n", p.bold("faultline grade "+r.Lab), r.Impl, statusWord(p, r.Status))
	if named(r) {
		fmt.Fprintf(w, "submission: %s\n", PrintableLine(r.Submission))
	}
	if r.Shard != "" {
		fmt.Fprintf(w, "shard %s: only this shard's runs are counted\n", r.Shard)
	}
	if why := r.Reason; why != nil {
		fmt.Fprintf(w, "\n%s (%s)\n", p.yellow("Not graded"), why.Kind)
		for _, line := range strings.Split(Printable(why.Message), "\n") {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
	parts := map[string]result.PartScore{}
	for _, ps := range r.Parts() {
		parts[ps.Part] = ps
	}
	part := "\x00"
	for _, t := range r.Tests {
		if t.Part != part {
			part = t.Part
			ps := parts[part]
			name := "Part " + part
			if part == "" {
				name = "Tests"
			}
			fmt.Fprintf(w, "\n%s  %d/%d\n", p.bold(name), ps.Score, ps.MaxScore)
		}
		mark := p.green("✓")
		switch t.Status {
		case result.Fail:
			mark = p.red("✗")
		case result.Error:
			mark = p.yellow("!")
		case result.Skipped:
			mark = p.dim("-")
		}
		seeds := fmt.Sprintf("%d seeds", t.Seeds)
		if t.Seeds == 1 {
			seeds = fmt.Sprintf("seed %d", t.Seed)
		}
		fmt.Fprintf(w, "  %s %-26s %2d/%-2d  %s\n", mark, t.Name, t.Score, t.Points, p.dim(seeds))
		if t.Status == result.Pass {
			continue
		}
		for _, line := range strings.Split(Printable(t.Message), "\n") {
			fmt.Fprintf(w, "      %s\n", line)
		}
		if t.Output != "" {
			fmt.Fprintf(w, "      %s\n", p.dim("your code printed (in the reported run):"))
			for _, line := range strings.Split(strings.TrimRight(Printable(t.Output), "\n"), "\n") {
				fmt.Fprintf(w, "      %s %s\n", p.dim("|"), line)
			}
		}
		if t.Replay != "" {
			fmt.Fprintf(w, "      %s %s\n", p.dim("replay:"), PrintableLine(t.Replay))
		}
		if t.Trace != "" {
			fmt.Fprintf(w, "      %s faultline trace view %s\n", p.dim("trace: "), PrintableLine(t.Trace))
		}
		for _, a := range t.Artifacts {
			fmt.Fprintf(w, "      %s %s\n", p.dim("also:  "), PrintableLine(a))
		}
		if s := t.Shrink; s != nil {
			fmt.Fprintf(w, "      %s %d of %d scheduled faults and workload steps still fail the same way (%d → %d events, %d runs)\n",
				p.dim("shrunk:"), s.ShrunkItems, s.OriginalItems, s.OriginalEvents, s.ShrunkEvents, s.Runs)
			if s.Trace != "" {
				fmt.Fprintf(w, "      %s faultline trace view %s\n", p.dim("        "), PrintableLine(s.Trace))
				if s.Replay != "" {
					fmt.Fprintf(w, "      %s %s\n", p.dim("        "), PrintableLine(s.Replay))
				}
			}
		}
		if t.Hint != "" {
			label := p.dim("hint:  ")
			for _, line := range strings.Split(Printable(t.Hint), "\n") {
				fmt.Fprintf(w, "      %s %s\n", label, line)
				label = "       "
			}
		}
	}
	fmt.Fprintf(w, "\n%s %d/%d points", p.bold("Score"), r.Score, r.MaxScore)
	if r.Reason != nil {
		fmt.Fprintf(w, "  ·  not graded\n")
		return nil
	}
	passed := 0
	for _, t := range r.Tests {
		if t.Status == result.Pass {
			passed++
		}
	}
	fmt.Fprintf(w, "  ·  %d of %d tests passed\n", passed, len(r.Tests))
	if r.Interrupted {
		fmt.Fprintf(w, "%s\n", p.yellow("Interrupted: tests marked - did not run; the score is partial."))
	}
	return nil
}

// named reports a submission name worth showing: one that says more than
// the implementation's name.
func named(r *result.Result) bool {
	return r.Submission != "" && r.Submission != r.Impl
}

func statusWord(p palette, s string) string {
	switch s {
	case result.Pass:
		return p.green("pass")
	case result.Fail:
		return p.red("fail")
	}
	return p.yellow(s)
}

// JSON writes the result as indented JSON (schema in docs/grading.md).
func JSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// heading names what was graded: "raft (student)", or with a submission
// name "raft: ds-alice (student)".
func heading(r *result.Result) string {
	if named(r) {
		return r.Lab + ": " + PrintableLine(r.Submission) + " (" + r.Impl + ")"
	}
	return r.Lab + " (" + r.Impl + ")"
}

// JUnit types, as read by CI dashboards.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitCase struct {
	Name       string          `xml:"name,attr"`
	Classname  string          `xml:"classname,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Failure    *junitFailure   `xml:"failure,omitempty"`
	Error      *junitFailure   `xml:"error,omitempty"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func secs(ms float64) string { return fmt.Sprintf("%.3f", ms/1000) }

// JUnit writes the result as JUnit XML: one testsuite per part, named
// with the submission when there is one, and a testcase "not graded"
// with an error when nothing was graded. Student text goes through
// Printable: XML 1.0 cannot carry most control characters even as
// character references, and a dashboard's parser refuses a file with one.
func JUnit(w io.Writer, r *result.Result) error {
	top := junitSuites{Name: "faultline " + heading(r), Time: secs(float64(r.WallMS))}
	suffix := ""
	if named(r) {
		suffix = " (" + PrintableLine(r.Submission) + ")"
	}
	props := []junitProperty{{"lab", r.Lab}, {"impl", r.Impl}}
	if r.Submission != "" {
		props = append(props, junitProperty{"submission", PrintableLine(r.Submission)})
	}
	idx := map[string]int{}
	var suiteMS []float64
	for _, t := range r.Tests {
		i, ok := idx[t.Part]
		if !ok {
			i = len(top.Suites)
			idx[t.Part] = i
			top.Suites = append(top.Suites, junitSuite{Name: r.Lab + " part " + t.Part + suffix, Properties: props})
			suiteMS = append(suiteMS, 0)
		}
		s := &top.Suites[i]
		suiteMS[i] += t.WallMS
		c := junitCase{Name: t.Name, Classname: r.Lab + "." + t.Part, Time: secs(t.WallMS), Properties: []junitProperty{
			{"seed", fmt.Sprint(t.Seed)}, {"seeds", fmt.Sprint(t.Seeds)}, {"points", fmt.Sprint(t.Points)}, {"trace_hash", t.TraceHash},
		}}
		if t.Trace != "" {
			c.Properties = append(c.Properties, junitProperty{"trace", PrintableLine(t.Trace)})
		}
		msg := Printable(t.Message)
		body := msg
		if t.Replay != "" {
			body += "\nreplay: " + PrintableLine(t.Replay)
		}
		first, _, _ := strings.Cut(msg, "\n")
		switch t.Status {
		case result.Fail:
			c.Failure = &junitFailure{Message: first, Type: "failure", Text: body}
			s.Failures++
			top.Failures++
		case result.Error:
			c.Error = &junitFailure{Message: first, Type: "error", Text: body}
			s.Errors++
			top.Errors++
		}
		s.Tests++
		top.Tests++
		s.Cases = append(s.Cases, c)
	}
	for i := range top.Suites {
		top.Suites[i].Time = secs(suiteMS[i])
	}
	if why := r.Reason; why != nil {
		msg := Printable(why.Message)
		first, _, _ := strings.Cut(msg, "\n")
		top.Suites = append(top.Suites, junitSuite{Name: r.Lab + suffix, Tests: 1, Errors: 1, Time: secs(0), Properties: props,
			Cases: []junitCase{{Name: "not graded", Classname: r.Lab, Time: secs(0), Error: &junitFailure{Message: first, Type: why.Kind, Text: msg}}}})
		top.Tests++
		top.Errors++
	}
	io.WriteString(w, xml.Header)
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(top); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// MaxAnnotations is how many ::error lines GitHub is given; it shows only
// the first few anyway, and the step summary lists the rest.
const MaxAnnotations = 10

// GitHub writes GitHub Actions workflow commands: an ::error when nothing
// was graded, one ::error per failing test (at most MaxAnnotations), and,
// when summary is not nil, Markdown for $GITHUB_STEP_SUMMARY: the reason,
// or a table of every test.
//
// A workflow command is a line that starts with "::", so student text
// must never start a line: it goes through Printable and then GitHub's
// own escaping of %, CR and LF (escapeData), which keeps it inside its
// annotation; control characters, which GitHub's log would interpret as
// colors, are shown escaped.
func GitHub(w io.Writer, summary io.Writer, r *result.Result) error {
	who := r.Lab
	if named(r) {
		who = PrintableLine(r.Submission) + ": " + r.Lab
	}
	if why := r.Reason; why != nil {
		fmt.Fprintf(w, "::error title=%s::%s\n", escapeProperty(fmt.Sprintf("faultline %s: not graded (%s)", who, why.Kind)), escapeData(Printable(why.Message)))
	}
	n := 0
	for _, t := range r.Tests {
		if t.Status == result.Pass {
			continue
		}
		n++
		if n > MaxAnnotations {
			continue
		}
		msg := Printable(t.Message)
		if t.Replay != "" {
			msg += "\nreplay: " + PrintableLine(t.Replay)
		}
		fmt.Fprintf(w, "::error title=%s::%s\n", escapeProperty(fmt.Sprintf("%s/%s (seed %d)", who, t.Name, t.Seed)), escapeData(msg))
	}
	if n > MaxAnnotations {
		fmt.Fprintf(w, "::notice title=faultline::%d more failing tests; see the job summary\n", n-MaxAnnotations)
	}
	fmt.Fprintf(w, "faultline %s: %s, %d/%d points\n", heading(r), r.Status, r.Score, r.MaxScore)
	if summary == nil {
		return nil
	}
	fmt.Fprintf(summary, "## faultline %s: %d/%d points\n\n", markdownText(heading(r)), r.Score, r.MaxScore)
	if why := r.Reason; why != nil {
		// An indented code block shows every character as it is: no
		// Markdown or HTML in the message is interpreted.
		fmt.Fprintf(summary, "**Not graded** (%s):\n\n", why.Kind)
		for _, line := range strings.Split(Printable(why.Message), "\n") {
			fmt.Fprintf(summary, "    %s\n", line)
		}
		fmt.Fprintln(summary)
	}
	if len(r.Tests) == 0 {
		return nil
	}
	fmt.Fprintf(summary, "| | test | part | points | seed | message |\n|---|---|---|---|---|---|\n")
	for _, t := range r.Tests {
		mark := "✅"
		if t.Status != result.Pass {
			mark = "❌"
		}
		first, _, _ := strings.Cut(t.Message, "\n")
		fmt.Fprintf(summary, "| %s | `%s` | %s | %d/%d | %d | %s |\n", mark, t.Name, t.Part, t.Score, t.Points, t.Seed, markdownText(PrintableLine(first)))
	}
	return nil
}

// GitHub's workflow-command escaping
// (https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts:
// escapeData and escapeProperty).
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// markdownText escapes the characters that would make one line of text
// Markdown or HTML in a table cell: a student's message can then neither
// end the cell, draw a ✅ in a link or image, nor hide text in a tag.
// CommonMark lets any ASCII punctuation be escaped with a backslash (§2.4).
var markdownText = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "|", `\|`, "~", `\~`, "&", `\&`, "!", `\!`).Replace

// Mutation writes a mutation run for a person.
func Mutation(w io.Writer, m *result.Mutation, color bool) error {
	p := palette{color}
	fmt.Fprintf(w, "%s  mutation score %d/%d\n\n", p.bold("faultline grade "+m.Lab+" --mutants"), m.Caught, m.Total)
	for _, mu := range m.Mutants {
		if mu.Caught {
			fmt.Fprintf(w, "  %s %-26s caught by %s (seed %d)\n", p.green("✓"), mu.Name, mu.CaughtBy, mu.Seed)
			fmt.Fprintf(w, "      %s\n", p.dim(Printable(mu.Message)))
		} else {
			fmt.Fprintf(w, "  %s %-26s SURVIVED: %s\n", p.red("✗"), mu.Name, mu.Description)
		}
	}
	return nil
}
