package site

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// newMarkdown returns the goldmark pipeline every page goes through.
func newMarkdown(d *diagrams, c *charts, f *factBlocks) goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			extension.Footnote,
			highlighting.NewHighlighting(
				highlighting.WithFormatOptions(chromahtml.WithClasses(true)),
				highlighting.WithGuessLanguage(false),
			),
		),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(d, 100), util.Prioritized(c, 100), util.Prioritized(f, 100)),
		),
		goldmark.WithRendererOptions(
			html.WithUnsafe(), // lessons are our own; they fold answers in <details>
			renderer.WithNodeRenderers(util.Prioritized(d, 100), util.Prioritized(c, 100), util.Prioritized(f, 100)),
		),
	)
}

// heading is an entry of a page's table of contents.
type heading struct {
	Level int
	Text  string
	ID    string
}

// link is an internal link found in a page, for checking after every page
// is known.
type link struct {
	file string // source file, for errors
	line int
	dest string // as written
	page string // target page (file name), "" for the same page
	frag string // anchor, "" for none
}

// rendered is a page's Markdown turned into HTML plus what was found in it.
type rendered struct {
	html     []byte
	headings []heading
	anchors  map[string]bool
	links    []link
	sections []searchSection // plain text by section, for the search index
}

// searchSection is the plain text of one part of a page: the part before the
// first heading (ID ""), or a heading and what follows it up to the next.
type searchSection struct {
	ID    string `json:"i"`
	Title string `json:"h"`
	Body  string `json:"b"`
}

// render converts a Markdown body. file and firstLine locate it for errors;
// lessonPages maps lesson slugs to page names for link rewriting.
func render(md goldmark.Markdown, body []byte, file string, firstLine int, lessonPages map[string]string) (*rendered, error) {
	pc := parser.NewContext()
	pc.Set(fileKey, fileRef{file: file, line: firstLine, src: body})
	doc := md.Parser().Parse(text.NewReader(body), parser.WithContext(pc))
	if err, _ := pc.Get(errKey).(error); err != nil {
		return nil, err
	}
	out := &rendered{anchors: map[string]bool{}}
	// Search results link to the section that matched (site.js), so the
	// text is kept per heading.
	texts := []*strings.Builder{{}}
	out.sections = []searchSection{{}}
	plain := func() *strings.Builder { return texts[len(texts)-1] }
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			id, _ := n.AttributeString("id")
			idStr := string(asBytes(id))
			out.anchors[idStr] = true
			h := heading{Level: n.Level, Text: nodeText(n, body), ID: idStr}
			out.headings = append(out.headings, h)
			out.sections = append(out.sections, searchSection{ID: h.ID, Title: h.Text})
			texts = append(texts, &strings.Builder{})
			return ast.WalkSkipChildren, nil // its text is the section's title
		case *ast.Link:
			l, err := classifyLink(string(n.Destination), file, firstLine+lineOf(n, body), lessonPages)
			if err != nil {
				return ast.WalkStop, err
			}
			if l != nil {
				out.links = append(out.links, *l)
				n.Destination = []byte(rewrite(*l))
			}
		case *ast.Text:
			plain().Write(n.Segment.Value(body))
			if n.SoftLineBreak() || n.HardLineBreak() {
				plain().WriteByte(' ')
			}
		case *ast.CodeSpan, *ast.FencedCodeBlock, *ast.CodeBlock:
			if b, ok := n.(interface{ Lines() *text.Segments }); ok && n.Kind() != ast.KindCodeSpan {
				lines := b.Lines()
				for i := range lines.Len() {
					seg := lines.At(i)
					plain().Write(seg.Value(body))
				}
				return ast.WalkSkipChildren, nil
			}
		}
		if n.Type() == ast.TypeBlock {
			plain().WriteByte(' ')
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, body, doc); err != nil {
		return nil, fmt.Errorf("%s: render: %w", file, err)
	}
	out.html = buf.Bytes()
	for i, t := range texts {
		out.sections[i].Body = strings.Join(strings.Fields(t.String()), " ")
	}
	if out.sections[0].Body == "" && len(out.sections) > 1 {
		out.sections = out.sections[1:]
	}
	return out, nil
}

func asBytes(v any) []byte {
	switch v := v.(type) {
	case []byte:
		return v
	case string:
		return []byte(v)
	}
	return nil
}

// nodeText returns the plain text under n.
func nodeText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch c := c.(type) {
			case *ast.Text:
				b.Write(c.Segment.Value(src))
			case *ast.String:
				b.Write(c.Value)
			}
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// lineOf returns the 0-based line in src where n (or its nearest block
// ancestor) starts.
func lineOf(n ast.Node, src []byte) int {
	if n.Type() == ast.TypeInline {
		for c := n.FirstChild(); c != nil; c = c.FirstChild() {
			if t, ok := c.(*ast.Text); ok {
				return bytes.Count(src[:t.Segment.Start], []byte("\n"))
			}
		}
	}
	for p := n; p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock {
			if lines := p.Lines(); lines != nil && lines.Len() > 0 {
				return bytes.Count(src[:lines.At(0).Start], []byte("\n"))
			}
		}
		if t, ok := p.(*ast.Text); ok {
			return bytes.Count(src[:t.Segment.Start], []byte("\n"))
		}
	}
	return 0
}

// classifyLink returns the internal link dest stands for, or nil for an
// external one. Lesson links are written as "slug.md#anchor".
func classifyLink(dest, file string, line int, lessonPages map[string]string) (*link, error) {
	u, err := url.Parse(dest)
	if err != nil {
		return nil, fmt.Errorf("%s:%d: bad link %q: %v", file, line, dest, err)
	}
	if u.Scheme != "" || u.Host != "" || strings.HasPrefix(dest, "//") {
		return nil, nil
	}
	l := &link{file: file, line: line, dest: dest, frag: u.Fragment}
	switch p := u.Path; {
	case p == "":
	case strings.HasSuffix(p, ".md"):
		slug := strings.TrimSuffix(strings.TrimPrefix(p, "./"), ".md")
		slug = slug[strings.LastIndex(slug, "/")+1:]
		if i := strings.Index(slug, "-"); i == 2 && slug[0] >= '0' && slug[0] <= '9' {
			slug = slug[3:] // "09-raft-election.md" names the same lesson
		}
		page, ok := lessonPages[slug]
		if !ok {
			return nil, fmt.Errorf("%s:%d: link to unknown lesson %q (write [text](slug.md#anchor) with a slug from course.yaml)", file, line, dest)
		}
		l.page = page
	default:
		l.page = strings.TrimPrefix(p, "./")
	}
	return l, nil
}

func rewrite(l link) string {
	s := l.page
	if l.frag != "" {
		s += "#" + l.frag
	}
	return s
}

type fileRef struct {
	file string
	line int
	src  []byte
}

var (
	fileKey = parser.NewContextKey()
	errKey  = parser.NewContextKey()
)
