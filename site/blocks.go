package site

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// fenced lists the fenced code blocks of doc whose info string is info:
// the blocks a transformer replaces (diagrams, charts).
func fenced(doc ast.Node, src []byte, info string) []*ast.FencedCodeBlock {
	var blocks []*ast.FencedCodeBlock
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if fb, ok := n.(*ast.FencedCodeBlock); ok && entering && string(fb.Language(src)) == info {
			blocks = append(blocks, fb)
		}
		return ast.WalkContinue, nil
	})
	return blocks
}

// blockText returns a fenced block's body and the line of the lesson file
// its body starts on, for errors that name file:line.
func blockText(fb *ast.FencedCodeBlock, src []byte, ref fileRef) (string, int) {
	var body strings.Builder
	for i := range fb.Lines().Len() {
		seg := fb.Lines().At(i)
		body.Write(seg.Value(src))
	}
	line := ref.line
	if fb.Lines().Len() > 0 {
		line += bytes.Count(src[:fb.Lines().At(0).Start], []byte("\n")) - 1
	}
	return body.String(), line
}
