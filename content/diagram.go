package content

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// DiagramInfo is the info string of a fenced block that asks for a diagram
// of a real simulated run.
const DiagramInfo = "faultline-diagram"

// Diagram is a parsed diagram block: which demo scenario to run with which
// seed, and which window of it to draw.
type Diagram struct {
	Scenario  string   `yaml:"scenario"`
	Seed      uint64   `yaml:"seed"`
	Caption   string   `yaml:"caption"`
	MaxEvents int      `yaml:"max_events"`
	Nodes     []string `yaml:"nodes"`
	// From and To bound the window in virtual time (To 0: to the end).
	From time.Duration `yaml:"from"`
	To   time.Duration `yaml:"to"`
	// Around centres the window on the run's first event of a kind (one of
	// Arounds), with a few events of context before it.
	Around string `yaml:"around"`
	// Logs draws the nodes' log lines.
	Logs bool `yaml:"logs"`
	Line int  `yaml:"-"` // file line of the opening fence
}

// DefaultMaxEvents is how many events a diagram shows when its block does not say.
const DefaultMaxEvents = 80

// Arounds are the values of a diagram's around key: the first event of
// which kind the window shows.
var Arounds = []string{"first-drop", "first-crash", "first-partition", "first-failed-check"}

// block is a fenced code block found in a body.
type block struct {
	info       string
	body       string
	start, end int // body lines of the opening and closing fences (0-based)
}

var fence = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})\\s*([^`\\s]*)")

// blocks finds the fenced code blocks of a Markdown body.
func blocks(body string) []block {
	lines := strings.Split(body, "\n")
	var out []block
	for i := 0; i < len(lines); i++ {
		m := fence.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		marker := m[1]
		b := block{info: m[2], start: i, end: len(lines) - 1}
		var content []string
		for j := i + 1; j < len(lines); j++ {
			t := strings.TrimSpace(lines[j])
			if strings.HasPrefix(t, marker[:3]) && strings.Trim(t, string(marker[0])) == "" && len(t) >= len(marker) {
				b.end = j
				break
			}
			content = append(content, lines[j])
		}
		b.body = strings.Join(content, "\n")
		out = append(out, b)
		i = b.end
	}
	return out
}

// Diagrams parses the lesson's diagram blocks. Errors carry file:line.
func (l *Lesson) Diagrams() ([]Diagram, error) {
	var out []Diagram
	for _, b := range blocks(l.Body) {
		if b.info != DiagramInfo {
			continue
		}
		line := l.BodyLine + b.start
		d, err := ParseDiagram(b.body)
		if err != nil {
			return nil, &Problem{File: l.Path, Line: line, Msg: err.Error()}
		}
		d.Line = line
		out = append(out, d)
	}
	return out, nil
}

// ParseDiagram parses the YAML body of a diagram block.
func ParseDiagram(body string) (Diagram, error) {
	var d Diagram
	dec := yaml.NewDecoder(bytes.NewReader([]byte(body)))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		return d, fmt.Errorf("bad diagram block: %s (keys: scenario, seed, caption, max_events, nodes, from, to, around, logs)", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	switch {
	case d.Scenario == "":
		return d, fmt.Errorf("diagram block has no scenario (run `faultline demo` to list them)")
	case d.Seed == 0:
		return d, fmt.Errorf("diagram block has no seed (a positive integer)")
	case strings.TrimSpace(d.Caption) == "":
		return d, fmt.Errorf("diagram block has no caption")
	case d.MaxEvents < 0:
		return d, fmt.Errorf("diagram block's max_events is negative")
	case d.From < 0 || d.To < 0:
		return d, fmt.Errorf("diagram block's from and to must not be negative")
	case d.To != 0 && d.To <= d.From:
		return d, fmt.Errorf("diagram block's to (%v) must be after its from (%v)", d.To, d.From)
	case d.Around != "" && !slices.Contains(Arounds, d.Around):
		return d, fmt.Errorf("diagram block's around is %q; want one of %s", d.Around, strings.Join(Arounds, ", "))
	case d.Around != "" && (d.From != 0 || d.To != 0):
		return d, fmt.Errorf("diagram block has both around and from/to; choose one window")
	}
	if d.MaxEvents == 0 {
		d.MaxEvents = DefaultMaxEvents
	}
	return d, nil
}

var (
	detailsOpen  = regexp.MustCompile(`(?i)^\s*<details>\s*(<summary>(.*?)</summary>)?\s*$`)
	detailsClose = regexp.MustCompile(`(?i)^\s*</details>\s*$`)
)

// TerminalMarkdown rewrites a lesson body for a terminal renderer: diagram
// and chart blocks become a note naming the demo to step through or chart,
// fact blocks the table or box of the registered lab's facts
// (RegisteredFacts; inline directives are ExpandFacts's), and folded answers
// (<details>) become a plain labelled paragraph, since a terminal cannot fold.
func TerminalMarkdown(body string) string {
	lines := strings.Split(body, "\n")
	diagrams, charts, facts := map[int]block{}, map[int]block{}, map[int]block{}
	for _, b := range blocks(body) {
		switch b.info {
		case DiagramInfo:
			diagrams[b.start] = b
		case ChartInfo:
			charts[b.start] = b
		case FactsInfo, AssumesInfo:
			facts[b.start] = b
		}
	}
	var out []string
	for i := 0; i < len(lines); i++ {
		if b, ok := facts[i]; ok {
			if fb, err := ParseFactBlock(b.info, b.body); err == nil {
				out = append(out, terminalFacts(fb, RegisteredFacts)...)
			} else {
				out = append(out, "> "+err.Error())
			}
			i = b.end
			continue
		}
		if b, ok := charts[i]; ok {
			if c, err := ParseChart(b.body); err == nil {
				out = append(out, terminalChart(c)...)
			}
			i = b.end
			continue
		}
		if b, ok := diagrams[i]; ok {
			if d, err := ParseDiagram(b.body); err == nil {
				step := fmt.Sprintf("> Step through this run yourself: `faultline demo %s --seed %d`", d.Scenario, d.Seed)
				switch {
				case d.From > 0:
					step += fmt.Sprintf(" (press `t` and jump to `%v`)", d.From)
				case d.Around == "first-failed-check":
					// A failed check stops the run: it is the last event.
					step += " (press `G` for the failed check, the run's last event)"
				case d.Around != "":
					step += " (press `x` to jump to the first drop, crash or partition)"
				}
				out = append(out, fmt.Sprintf("> **Diagram:** %s", strings.TrimSpace(d.Caption)), ">", step)
			}
			i = b.end
			continue
		}
		if m := detailsOpen.FindStringSubmatch(lines[i]); m != nil {
			label := "Answer"
			if strings.TrimSpace(m[2]) != "" {
				label = strings.TrimSpace(m[2])
			}
			indent := lines[i][:len(lines[i])-len(strings.TrimLeft(lines[i], " "))]
			out = append(out, indent+"*"+label+":*")
			continue
		}
		if detailsClose.MatchString(lines[i]) {
			continue
		}
		out = append(out, lines[i])
	}
	return strings.Join(out, "\n")
}
