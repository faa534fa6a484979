package site

import (
	"errors"
	"fmt"
	"html"
	"strings"

	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/edition"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/faultline-dev/faultline/grader/trace"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// diagramNode replaces a ```faultline-diagram block: the figure of a real run.
type diagramNode struct {
	ast.BaseBlock
	spec content.Diagram
	svg  []byte
	// noReference is set when the run needs a reference solution the
	// edition lacks (the student edition): the figure says so instead.
	noReference bool
}

var kindDiagram = ast.NewNodeKind("FaultlineDiagram")

func (n *diagramNode) Kind() ast.NodeKind { return kindDiagram }

func (n *diagramNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Scenario": n.spec.Scenario}, nil)
}

// diagrams is the goldmark extension for diagram blocks: an AST transformer
// that runs each block's scenario and a renderer for the resulting node. It
// caches runs by (scenario, seed) for the whole build.
type diagrams struct {
	demo  func(name string) (suite.Demo, error)
	cache map[string]*trace.Buffer
}

func newDiagrams(demo func(string) (suite.Demo, error)) *diagrams {
	return &diagrams{demo: demo, cache: map[string]*trace.Buffer{}}
}

// Transform replaces every diagram block of doc by a diagramNode.
func (d *diagrams) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	ref, _ := pc.Get(fileKey).(fileRef)
	for _, fb := range fenced(doc, reader.Source(), content.DiagramInfo) {
		body, line := blockText(fb, reader.Source(), ref)
		fail := func(err error) { pc.Set(errKey, fmt.Errorf("%s:%d: %v", ref.file, line, err)) }
		spec, err := content.ParseDiagram(body)
		if err != nil {
			fail(err)
			return
		}
		buf, err := d.run(spec)
		if errors.Is(err, edition.ErrNoReference) {
			fb.Parent().ReplaceChild(fb.Parent(), fb, &diagramNode{spec: spec, noReference: true})
			continue
		}
		if err != nil {
			fail(err)
			return
		}
		svg, err := DrawSVG(buf, diagramOptions(spec, buf.Head))
		if err != nil {
			fail(err)
			return
		}
		n := &diagramNode{spec: spec, svg: svg}
		fb.Parent().ReplaceChild(fb.Parent(), fb, n)
	}
}

// diagramOptions are how a block's diagram is drawn: its window, and the
// labels of the lab or demo that made the run.
func diagramOptions(spec content.Diagram, head trace.Header) SVGOptions {
	return SVGOptions{MaxEvents: spec.MaxEvents, Nodes: spec.Nodes, Title: spec.Caption,
		From: spec.From, To: spec.To, Around: spec.Around, Logs: spec.Logs, Label: suite.Labeler(head)}
}

func (d *diagrams) run(spec content.Diagram) (*trace.Buffer, error) {
	key := fmt.Sprintf("%s/%d", spec.Scenario, spec.Seed)
	if buf, ok := d.cache[key]; ok {
		return buf, nil
	}
	demo, err := d.demo(spec.Scenario)
	if err != nil {
		return nil, err
	}
	buf := &trace.Buffer{}
	if err := demo.Run(spec.Seed, buf); err != nil {
		return nil, fmt.Errorf("demo %s with seed %d failed: %w", spec.Scenario, spec.Seed, err)
	}
	d.cache[key] = buf
	return buf, nil
}

// RegisterFuncs registers the renderer of diagram nodes.
func (d *diagrams) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindDiagram, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		dn := n.(*diagramNode)
		if dn.noReference {
			writeNoReference(w, "diagram", dn.spec.Caption, dn.spec.Scenario)
			return ast.WalkSkipChildren, nil
		}
		fmt.Fprintf(w, "<figure class=\"diagram\">\n<div class=\"diagram-scroll\">%s</div>\n", dn.svg)
		fmt.Fprintf(w, "<figcaption>%s <span class=\"replay\">Step through it: <code>faultline demo %s --seed %d</code></span></figcaption>\n</figure>\n",
			html.EscapeString(strings.TrimSpace(dn.spec.Caption)), html.EscapeString(dn.spec.Scenario), dn.spec.Seed)
		return ast.WalkSkipChildren, nil
	})
}

// writeNoReference is the figure of a lesson picture that runs a reference
// solution, in an edition that carries none (the student edition). Such
// pictures are not shipped pre-recorded: a recorded trace is the
// reference's behaviour message by message, which is what the student
// edition keeps private, so the figure says where the picture is instead.
func writeNoReference(w util.BufWriter, class, caption, scenario string) {
	fmt.Fprintf(w, "<figure class=\"%s no-reference\">\n<p>This picture is drawn from a run of the reference solution, which the %s of faultline does not carry: your instructor's copy of the course shows it.</p>\n", class, edition.Name)
	fmt.Fprintf(w, "<figcaption>%s <span class=\"replay\">(demo %s)</span></figcaption>\n</figure>\n",
		html.EscapeString(strings.TrimSpace(caption)), html.EscapeString(scenario))
}
