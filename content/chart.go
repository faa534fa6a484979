package content

import (
	"bytes"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// ChartInfo is the info string of a fenced block that asks for charts of
// the time series of a real simulated run.
const ChartInfo = "faultline-chart"

// Chart is a parsed chart block: which demo scenario to run with which
// seed, and which of its metrics to draw, one chart each.
type Chart struct {
	Scenario string `yaml:"scenario"`
	Seed     uint64 `yaml:"seed"`
	// Seeds, when more than 1, runs the scenario with that many
	// consecutive seeds from Seed and draws each metric's median with the
	// spread (min–max) shaded round it (series.OverSeeds): for a figure
	// that varies by seed. The caption must say how many ("9 seeds").
	Seeds int `yaml:"seeds"`
	// Series are the metrics to chart ("goodput", "server arrivals"); each
	// is one chart with a line per side of the demo's comparison.
	Series  Names  `yaml:"series"`
	Caption string `yaml:"caption"`
	Line    int    `yaml:"-"` // file line of the opening fence
}

// Names is a list written either as YAML list or as one comma-separated
// line ("series: goodput, server arrivals").
type Names []string

// UnmarshalYAML accepts a sequence or a comma-separated scalar.
func (n *Names) UnmarshalYAML(v *yaml.Node) error {
	var list []string
	switch v.Kind {
	case yaml.ScalarNode:
		for _, s := range strings.Split(v.Value, ",") {
			list = append(list, s)
		}
	case yaml.SequenceNode:
		if err := v.Decode(&list); err != nil {
			return err
		}
	default:
		return fmt.Errorf("line %d: want a list of names", v.Line)
	}
	*n = (*n)[:0]
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			*n = append(*n, s)
		}
	}
	return nil
}

// Charts parses the lesson's chart blocks. Errors carry file:line.
func (l *Lesson) Charts() ([]Chart, error) {
	var out []Chart
	for _, b := range blocks(l.Body) {
		if b.info != ChartInfo {
			continue
		}
		line := l.BodyLine + b.start
		c, err := ParseChart(b.body)
		if err != nil {
			return nil, &Problem{File: l.Path, Line: line, Msg: err.Error()}
		}
		c.Line = line
		out = append(out, c)
	}
	return out, nil
}

// ParseChart parses the YAML body of a chart block. Whether the scenario
// exists and has those series is checked where demos are known: at site
// build (`go test ./site` builds the course).
func ParseChart(body string) (Chart, error) {
	var c Chart
	dec := yaml.NewDecoder(bytes.NewReader([]byte(body)))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("bad chart block: %s (keys: scenario, seed, seeds, series, caption)", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	switch {
	case c.Scenario == "":
		return c, fmt.Errorf("chart block has no scenario (run `faultline demo` to list them)")
	case c.Seed == 0:
		return c, fmt.Errorf("chart block has no seed (a positive integer)")
	case len(c.Series) == 0:
		return c, fmt.Errorf("chart block has no series (such as `series: goodput, server arrivals`)")
	case strings.TrimSpace(c.Caption) == "":
		return c, fmt.Errorf("chart block has no caption")
	case c.Seeds < 0:
		return c, fmt.Errorf("chart block has seeds: %d; want a count of runs (1 or more, such as `seeds: 9`)", c.Seeds)
	case c.Seeds > 1 && !strings.Contains(c.Caption, fmt.Sprintf("%d seeds", c.Seeds)):
		// A reader must know a line is a median and the band a spread.
		return c, fmt.Errorf("chart block has seeds: %d but its caption does not say so: write \"%d seeds\" in it (the line is their median, the band their range)", c.Seeds, c.Seeds)
	}
	return c, nil
}

// terminalChart is what the terminal reader shows for a chart block: its
// caption and where to see the charts of the run.
// A chart over several seeds points at its first: the terminal charts one
// run.
func terminalChart(c Chart) []string {
	see := fmt.Sprintf("> See the charts of this run: `faultline demo %s --seed %d` (it opens on them; `c` shows every message)", c.Scenario, c.Seed)
	if c.Seeds > 1 {
		see = fmt.Sprintf("> See the charts of one of these runs: `faultline demo %s --seed %d` (seeds %d to %d were charted; it opens on them; `c` shows every message)",
			c.Scenario, c.Seed, c.Seed, c.Seed+uint64(c.Seeds)-1)
	}
	return []string{
		fmt.Sprintf("> **Chart** (%s): %s", strings.Join(c.Series, ", "), strings.TrimSpace(c.Caption)),
		">",
		see,
	}
}
