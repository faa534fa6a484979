package site

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"strings"

	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/chart"
	"github.com/faultline-dev/faultline/grader/edition"
	"github.com/faultline-dev/faultline/grader/series"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// chartNode replaces a ```faultline-chart block: charts of a real run's
// time series, one SVG for each metric the block names.
type chartNode struct {
	ast.BaseBlock
	spec content.Chart
	svgs [][]byte
	// noReference: see diagramNode.
	noReference bool
}

var kindChart = ast.NewNodeKind("FaultlineChart")

func (n *chartNode) Kind() ast.NodeKind { return kindChart }

func (n *chartNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Scenario": n.spec.Scenario}, nil)
}

// charts is the goldmark extension for chart blocks: an AST transformer
// that runs each block's scenario for its series (suite.Demo.Series, over
// the block's seeds: series.OverSeeds) and a renderer for the resulting
// node. It caches runs by (scenario, seed, seeds) for the whole build.
type charts struct {
	demo  func(name string) (suite.Demo, error)
	cache map[string]series.Set
}

func newCharts(demo func(string) (suite.Demo, error)) *charts {
	return &charts{demo: demo, cache: map[string]series.Set{}}
}

// Transform replaces every chart block of doc by a chartNode.
func (c *charts) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	ref, _ := pc.Get(fileKey).(fileRef)
	for _, fb := range fenced(doc, reader.Source(), content.ChartInfo) {
		body, line := blockText(fb, reader.Source(), ref)
		fail := func(err error) { pc.Set(errKey, fmt.Errorf("%s:%d: %v", ref.file, line, err)) }
		spec, err := content.ParseChart(body)
		if err != nil {
			fail(err)
			return
		}
		svgs, err := c.draw(spec)
		if errors.Is(err, edition.ErrNoReference) {
			fb.Parent().ReplaceChild(fb.Parent(), fb, &chartNode{spec: spec, noReference: true})
			continue
		}
		if err != nil {
			fail(err)
			return
		}
		fb.Parent().ReplaceChild(fb.Parent(), fb, &chartNode{spec: spec, svgs: svgs})
	}
}

// draw returns the SVG charts a block asks for.
func (c *charts) draw(spec content.Chart) ([][]byte, error) {
	set, err := c.run(spec)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for _, metric := range spec.Series {
		ch, err := chart.ForMetric(set, metric)
		if err != nil {
			return nil, fmt.Errorf("demo %s: %v", spec.Scenario, err)
		}
		out = append(out, chart.SVG(ch))
	}
	return out, nil
}

func (c *charts) run(spec content.Chart) (series.Set, error) {
	key := fmt.Sprintf("%s/%d/%d", spec.Scenario, spec.Seed, max(spec.Seeds, 1))
	if set, ok := c.cache[key]; ok {
		return set, nil
	}
	demo, err := c.demo(spec.Scenario)
	if err != nil {
		return series.Set{}, err
	}
	if demo.Series == nil {
		return series.Set{}, fmt.Errorf("demo %s has no time series to chart (use a faultline-diagram block, or a demo whose suite.Demo sets Series)", spec.Scenario)
	}
	set, err := series.OverSeeds(demo.Series, spec.Seed, max(spec.Seeds, 1))
	if err != nil {
		return series.Set{}, fmt.Errorf("demo %s with seed %d failed: %w", spec.Scenario, spec.Seed, err)
	}
	c.cache[key] = set
	return set, nil
}

// RegisterFuncs registers the renderer of chart nodes.
func (c *charts) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindChart, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		cn := n.(*chartNode)
		if cn.noReference {
			writeNoReference(w, "chart", cn.spec.Caption, cn.spec.Scenario)
			return ast.WalkSkipChildren, nil
		}
		fmt.Fprintf(w, "<figure class=\"chart\">\n")
		for _, svg := range cn.svgs {
			fmt.Fprintf(w, "<div class=\"chart-panel\">%s</div>\n", bytes.TrimSpace(svg))
		}
		see := "opens on these charts"
		if cn.spec.Seeds > 1 {
			see = fmt.Sprintf("opens on the charts of one of these %d seeds", cn.spec.Seeds)
		}
		fmt.Fprintf(w, "<figcaption>%s <span class=\"replay\">See it in the terminal: <code>faultline demo %s --seed %d</code> %s; <kbd>c</kbd> shows every message</span></figcaption>\n</figure>\n",
			html.EscapeString(strings.TrimSpace(cn.spec.Caption)), html.EscapeString(cn.spec.Scenario), cn.spec.Seed, see)
		return ast.WalkSkipChildren, nil
	})
}
