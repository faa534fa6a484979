package site

import (
	"fmt"
	"html"
	"regexp"
	"strings"

	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/suite"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// factsNode replaces a ```faultline-facts or ```faultline-assumes block:
// the table of what the grader checks, or the box of what it assumes,
// from the lab's facts (content.FactBlock).
type factsNode struct {
	ast.BaseBlock
	block content.FactBlock
	facts []suite.Fact
}

var kindFacts = ast.NewNodeKind("FaultlineFacts")

func (n *factsNode) Kind() ast.NodeKind { return kindFacts }

func (n *factsNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Lab": n.block.Lab}, nil)
}

// factBlocks is the goldmark extension for fact blocks; the inline
// directives are expanded before parsing (content.ExpandFacts), since
// they may stand anywhere in the text, even in code.
type factBlocks struct {
	look content.FactLookup
}

// Transform replaces every fact block of doc by a factsNode.
func (f *factBlocks) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	ref, _ := pc.Get(fileKey).(fileRef)
	for _, info := range []string{content.FactsInfo, content.AssumesInfo} {
		for _, fb := range fenced(doc, reader.Source(), info) {
			body, line := blockText(fb, reader.Source(), ref)
			fail := func(err error) { pc.Set(errKey, fmt.Errorf("%s:%d: %v", ref.file, line, err)) }
			b, err := content.ParseFactBlock(info, body)
			if err != nil {
				fail(err)
				return
			}
			facts, err := b.Resolve(f.look)
			if err != nil {
				fail(err)
				return
			}
			fb.Parent().ReplaceChild(fb.Parent(), fb, &factsNode{block: b, facts: facts})
		}
	}
}

// RegisterFuncs registers the renderer of fact nodes.
func (f *factBlocks) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindFacts, func(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		fn := n.(*factsNode)
		title := html.EscapeString(fn.block.Title())
		lab := html.EscapeString(fn.block.Lab)
		if fn.block.Assumes {
			fmt.Fprintf(w, "<aside class=\"facts assumes\">\n<p class=\"facts-title\"><strong>%s</strong> (lab %s)</p>\n<ul>\n", title, lab)
			for _, f := range fn.facts {
				fmt.Fprintf(w, "<li>%s: <strong>%s</strong></li>\n", inlineCode(content.Sentence(f.What)), html.EscapeString(f.Value))
			}
			fmt.Fprintf(w, "</ul>\n</aside>\n")
			return ast.WalkSkipChildren, nil
		}
		fmt.Fprintf(w, "<figure class=\"facts checks\">\n<figcaption><strong>%s</strong> (lab %s)</figcaption>\n<table>\n<thead><tr><th>Value</th><th>What</th><th>Fact</th></tr></thead>\n<tbody>\n", title, lab)
		for _, f := range fn.facts {
			fmt.Fprintf(w, "<tr><td>%s</td><td>%s</td><td><code>%s</code></td></tr>\n", html.EscapeString(f.Value), inlineCode(f.What), html.EscapeString(f.Name))
		}
		fmt.Fprintf(w, "</tbody>\n</table>\n</figure>\n")
		return ast.WalkSkipChildren, nil
	})
}

var codeSpan = regexp.MustCompile("`([^`]+)`")

// inlineCode escapes s for HTML and renders its `code` spans, the only
// Markdown a fact's What may hold.
func inlineCode(s string) string {
	s = html.EscapeString(strings.Join(strings.Fields(s), " "))
	return codeSpan.ReplaceAllString(s, "<code>$1</code>")
}
