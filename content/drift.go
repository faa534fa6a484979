package content

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/faultline-dev/faultline/grader/suite"
)

// QuotedLabs returns the labs whose facts a text quotes, in blocks or
// inline, sorted: with the lab a lesson or task belongs to, the labs whose
// figures it must not restate by hand (HandCopies).
func QuotedLabs(body string) []string {
	seen := map[string]bool{}
	refs, _ := findFacts(body, "", 1)
	for _, r := range refs {
		seen[r.Lab] = true
	}
	if bs, err := factBlocks(body, "", 1); err == nil {
		for _, b := range bs {
			seen[b.Lab] = true
		}
	}
	var out []string
	for l := range seen {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// HandCopies finds figures of facts written by hand in body (whose first
// line is file line firstLine) instead of quoted with {{fact LAB NAME}}:
// any of a fact's Forms ("1.3 s", "1300 ms") standing alone, that is not
// part of a longer number or word, outside a directive, fact blocks, and
// pictures: diagram and chart blocks of a demo run, and ```text figures. lab names the facts' lab in the problems. A form may run over a
// line break ("1.3\ns"); the problem names the line it starts on.
//
// A figure that only happens to equal a fact (a lesson's own example of a
// "2 s" timeout when the lab's recovery bound is also 2 s) is marked where
// it stands, {{not-fact 2 s}}, which reads "2 s".
func HandCopies(body, file string, firstLine int, lab string, facts []suite.Fact) []*Problem {
	text := blankFactText(body)
	flat := strings.NewReplacer("\n", " ", "\u00a0", " ").Replace(text)
	// Every form starts with a number: index the text's numbers once, and
	// try a form only where its number stands.
	numbers := map[string][][2]int{}
	for _, m := range number.FindAllStringSubmatchIndex(flat, -1) {
		n := flat[m[2]:m[3]]
		numbers[n] = append(numbers[n], [2]int{m[2], m[3]})
	}
	type hit struct {
		form  string
		names []string
	}
	hits := map[int]*hit{} // by offset, so that facts sharing a form give one problem
	for _, f := range facts {
		for _, form := range f.Forms {
			num, rest := splitForm(form)
			for _, at := range numbers[num] {
				if !restPattern(rest).MatchString(flat[at[1]:]) || rangeEnd.MatchString(flat[max(0, at[0]-12):at[0]]) {
					continue
				}
				h := hits[at[0]]
				if h == nil {
					h = &hit{form: form}
					hits[at[0]] = h
				}
				if len(form) > len(h.form) {
					h.form = form
				}
				if !contains(h.names, f.Name) {
					h.names = append(h.names, f.Name)
				}
			}
		}
	}
	var offsets []int
	for at := range hits {
		offsets = append(offsets, at)
	}
	sort.Ints(offsets)
	var out []*Problem
	for _, at := range offsets {
		h := hits[at]
		line := firstLine + strings.Count(text[:at], "\n")
		names := h.names
		more := ""
		if len(names) > 3 {
			more = fmt.Sprintf(" (and %d more)", len(names)-3)
			names = names[:3]
		}
		quote := make([]string, len(names))
		for i, n := range names {
			quote[i] = fmt.Sprintf("{{fact %s %s}}", lab, n)
		}
		out = append(out, &Problem{File: file, Line: line, Msg: fmt.Sprintf(
			"%q is written by hand, but it is the grader's figure %s%s: quote it as %s so that the text follows the suite",
			h.form, lab+"/"+strings.Join(names, ", "+lab+"/"), more, strings.Join(quote, " or "))})
	}
	return out
}

// number matches a number standing alone (group 1): not after a letter, a
// digit, a decimal point or a comma; "1,300" and "1.3" are one number each.
// Nor after a dash: the end of a range ("150–300 ms") is not the figure
// "300 ms" (a range fact's forms start at its first number).
var number = regexp.MustCompile(`(?:^|[^0-9A-Za-z.,\-–])([0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?)`)

// rangeEnd matches the text before the end of a range written in words
// ("0.2 to "), which, like "150–", makes the number after it no figure of
// its own.
var rangeEnd = regexp.MustCompile(`[0-9] *(?:to|and) +$`)

// splitForm splits a form into its leading number and the rest ("1.3 s"
// into "1.3" and " s").
func splitForm(form string) (num, rest string) {
	m := number.FindStringSubmatchIndex(form)
	if m == nil || m[2] != 0 {
		return "", form // never found: numbers are indexed by their digits
	}
	return form[:m[3]], form[m[3]:]
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

var restCache struct {
	sync.Mutex
	m map[string]*regexp.Regexp
}

// restPattern matches the rest of a form after its number, at the start of
// the text, not followed by a letter or a digit ("1.3 s" is not "1.3 sq").
// A space in it matches any run of spaces.
func restPattern(rest string) *regexp.Regexp {
	restCache.Lock()
	defer restCache.Unlock()
	if re, ok := restCache.m[rest]; ok {
		return re
	}
	var b strings.Builder
	b.WriteString("^")
	for i, part := range strings.Split(rest, " ") {
		if i > 0 {
			b.WriteString(" +")
		}
		b.WriteString(regexp.QuoteMeta(part))
	}
	b.WriteString("(?:$|[^0-9A-Za-z])")
	re := regexp.MustCompile(b.String())
	if restCache.m == nil {
		restCache.m = map[string]*regexp.Regexp{}
	}
	restCache.m[rest] = re
	return re
}

// blankFactText returns body with every inline directive and the fact,
// diagram and chart blocks replaced by spaces, line breaks kept, so that offsets and
// lines still match body's.
func blankFactText(body string) string {
	b := []byte(body)
	blank := func(from, to int) {
		for i := from; i < to; i++ {
			if b[i] != '\n' {
				b[i] = ' '
			}
		}
	}
	for _, m := range factDirective.FindAllStringIndex(body, -1) {
		blank(m[0], m[1])
	}
	for _, m := range notFact.FindAllStringIndex(body, -1) {
		blank(m[0], m[1])
	}
	starts := lineStarts(body)
	for _, bl := range blocks(body) {
		switch bl.info {
		case FactsInfo, AssumesInfo:
		case DiagramInfo, ChartInfo, "text":
			// A picture: of a demo run, whose caption quotes that run and is
			// checked against it (AUTHORING.md), or drawn in text, whose axes
			// and labels are the example's own.
		default:
			continue
		}
		end := len(body)
		if bl.end+1 < len(starts) {
			end = starts[bl.end+1]
		}
		blank(starts[bl.start], end)
	}
	return string(b)
}

func lineStarts(s string) []int {
	out := []int{0}
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, i+1)
		}
	}
	return out
}
