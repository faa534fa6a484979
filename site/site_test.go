package site

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/faults"
	"github.com/faultline-dev/faultline/grader/sim"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/faultline-dev/faultline/labs/node"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

// pinger sends one message to each peer and crashes nothing; the fake demo
// crashes n3 and loses a message so the diagram has every mark.
type pinger struct{ env node.Env }

func (p *pinger) Start(env node.Env) {
	p.env = env
	if env.ID() == 1 {
		for _, q := range env.Peers() {
			env.Send(q, "ping")
		}
		env.SetTimer(5*time.Millisecond, "tick")
	}
}
func (p *pinger) HandleMessage(from node.ID, m node.Message) { p.env.Send(from, "pong") }
func (p *pinger) HandleTimer(any) {
	p.env.Logf("tick %d", 1)
	p.env.Send(3, "late")
}

func fakeDemo(name string) (suite.Demo, error) {
	if name != "fake" {
		return suite.Demo{}, fmt.Errorf("unknown demo scenario %q", name)
	}
	return suite.Demo{Name: "fake", Run: func(seed uint64, sink trace.Sink) error {
		one := 1.0
		s, err := sim.New(sim.Config{Nodes: 3, Seed: seed, Trace: sink, Scenario: "fake",
			Factory: func(node.ID) node.Node { return &pinger{} },
			Faults:  faults.Model{Latency: faults.Fixed(2 * time.Millisecond), Links: []faults.LinkRule{{From: 2, To: 1, Loss: &one}}},
			Schedule: faults.Schedule{
				{At: faults.Duration(3 * time.Millisecond), Kind: faults.Crash, Nodes: []node.ID{3}},
				{At: faults.Duration(8 * time.Millisecond), Kind: faults.Restart, Nodes: []node.ID{3}},
			}})
		if err != nil {
			return err
		}
		s.RunFor(20 * time.Millisecond)
		return nil
	}}, nil
}

func loadFixture(t testing.TB, override map[string]string) *content.Course {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, f := range []string{"course.yaml", "lessons/01-first.md", "lessons/02-second.md"} {
		data, err := os.ReadFile(filepath.Join("testdata/course", f))
		require.NoError(t, err)
		fsys[f] = &fstest.MapFile{Data: data}
	}
	for f, data := range override {
		fsys[f] = &fstest.MapFile{Data: []byte(data)}
	}
	c, err := content.LoadFS(fsys)
	require.NoError(t, err)
	return c
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./site -update to create %s", path)
	assert.Equal(t, string(want), string(got), "%s differs; review and run with -update", path)
}

func TestBuildSampleGolden(t *testing.T) {
	out := t.TempDir()
	st, err := Build(Options{Out: out, Course: loadFixture(t, nil), Demo: fakeDemo})
	require.NoError(t, err)
	assert.Equal(t, 3, st.Pages)
	assert.Equal(t, 1, st.Diagrams)
	page, err := os.ReadFile(filepath.Join(out, "first.html"))
	require.NoError(t, err)
	golden(t, "first.html", page)
	html := string(page)
	for _, want := range []string{
		`<a href="second.html#the-end">`, // .md links rewritten
		`<svg xmlns="http://www.w3.org/2000/svg" class="dg"`,
		`class="chroma"`, `<details>`, `class="footnotes"`, `<table>`,
		`rel="next" href="second.html"`, `id="a-table"`,
	} {
		assert.Contains(t, html, want)
	}
	for _, f := range []string{"index.html", "second.html", "assets/style.css", "assets/site.js", "assets/search-index.js", "assets/highlight.css"} {
		assert.FileExists(t, filepath.Join(out, f))
	}
	idx, _ := os.ReadFile(filepath.Join(out, "assets/search-index.js"))
	assert.Contains(t, string(idx), `"t":"First steps"`)
	assert.NoError(t, CheckLinks(out))
}

func TestBuildRejectsBadInput(t *testing.T) {
	first, err := os.ReadFile("testdata/course/lessons/01-first.md")
	require.NoError(t, err)
	for _, tc := range []struct {
		name, from, to, want string
	}{
		{"unknown scenario", "scenario: fake", "scenario: nope", "lessons/01-first.md:27: unknown demo scenario \"nope\""},
		{"broken anchor", "second.md#the-end", "second.md#the-start", "lessons/01-first.md:24: link \"second.md#the-start\": second.html has no heading with anchor #the-start"},
		{"unknown lesson", "second.md#the-end", "third.md", "lessons/01-first.md:24: link to unknown lesson \"third.md\""},
		{"same-page anchor", "(#a-table)", "(#no-table)", "lessons/01-first.md:25: link \"#no-table\": this lesson has no heading"},
		{"unregistered lab", "The ghost lab is coming later.", "Ghost lab.", "lessons/01-first.md:1: lab \"ghost\" is not registered"},
		{"bad diagram", "seed: 3", "seed: -3", "lessons/01-first.md:27: bad diagram block"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(string(first), tc.from, tc.to, 1)
			require.NotEqual(t, string(first), src)
			c, err := content.LoadFS(fixtureFS(t, src))
			if err == nil {
				_, err = Build(Options{Out: t.TempDir(), Course: c, Demo: fakeDemo})
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func fixtureFS(t *testing.T, first string) fstest.MapFS {
	fsys := fstest.MapFS{"lessons/01-first.md": {Data: []byte(first)}}
	for _, f := range []string{"course.yaml", "lessons/02-second.md"} {
		data, err := os.ReadFile(filepath.Join("testdata/course", f))
		require.NoError(t, err)
		fsys[f] = &fstest.MapFile{Data: data}
	}
	return fsys
}

func TestDrawSVGGolden(t *testing.T) {
	d, _ := fakeDemo("fake")
	var buf trace.Buffer
	require.NoError(t, d.Run(3, &buf))
	// The pinger's messages are strings; a label names them by content.
	short := func(_ string, payload json.RawMessage) string {
		var s string
		_ = json.Unmarshal(payload, &s)
		return map[string]string{"ping": "P1", "pong": "Q1"}[s]
	}
	for _, tc := range []struct {
		name string
		o    SVGOptions
		has  []string
		not  []string
	}{
		{"fake.svg", SVGOptions{Title: "fake run"},
			[]string{`class="dg-crash"`, `class="dg-restart"`, `dg-lost`, `dg-down`, `>crash; node down</text>`}, nil},
		{"fake-around-crash.svg", SVGOptions{Title: "around the crash", Around: "first-crash", MaxEvents: 12},
			[]string{`class="dg-crash"`}, []string{`class="dg-restart"`}},
		{"fake-window-labels.svg", SVGOptions{Title: "window", From: 4 * time.Millisecond, To: 20 * time.Millisecond, Label: short, Logs: true},
			[]string{`>Q1</text>`, `>Q1 ✗ node down</text>`, `>string ✗</text>`, `>Q: string</text>`, `>n1: tick 1</text>`, `>node down</text>`}, []string{`>P1<`}},
		{"fake-short.svg", SVGOptions{Title: "bounded", MaxHeight: 190},
			nil, []string{`class="dg-restart"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svg, err := DrawSVG(&buf, tc.o)
			require.NoError(t, err)
			golden(t, tc.name, svg)
			assert.Empty(t, svgProblems(svg))
			if tc.o.MaxHeight > 0 {
				m := svgSize.FindSubmatch(svg)
				require.NotNil(t, m)
				h, _ := strconv.Atoi(string(m[2]))
				assert.LessOrEqual(t, h, tc.o.MaxHeight)
			}
			for _, s := range tc.has {
				assert.Contains(t, string(svg), s)
			}
			for _, s := range tc.not {
				assert.NotContains(t, string(svg), s)
			}
		})
	}
}

func TestDrawSVGErrors(t *testing.T) {
	d, _ := fakeDemo("fake")
	var buf trace.Buffer
	require.NoError(t, d.Run(3, &buf))
	for _, tc := range []struct {
		name string
		o    SVGOptions
		want string
	}{
		{"unknown nodes", SVGOptions{Nodes: []string{"n9"}}, "not in the run"},
		{"around an event the run lacks", SVGOptions{Around: "first-partition"}, "the run has no such event"},
		{"window after the run", SVGOptions{From: time.Second}, "window has no events"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DrawSVG(&buf, tc.o)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

// The repository every page links is the module's own address.
func TestRepositoryIsTheModule(t *testing.T) {
	gomod, err := os.ReadFile("../go.mod")
	require.NoError(t, err)
	first, _, _ := strings.Cut(string(gomod), "\n")
	module, ok := strings.CutPrefix(strings.TrimSpace(first), "module ")
	require.True(t, ok, "go.mod starts with its module line: %q", first)
	assert.Equal(t, "https://"+module, RepositoryURL)
}
