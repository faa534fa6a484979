package site

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"

	"github.com/yuin/goldmark"
)

// The lab pages show the Go declarations a student programs against: the
// node API (labs/node) and the lab's own interface (labs/<lab>/<lab>.go).
// The site is built from the binary, which has no source tree, so the
// declarations are copied into api/<name>.go.txt and embedded; TestAPICopies
// fails when a copy differs from the source, and -update rewrites it.

// apiTypes lists, for each package with a copy, the types the copy holds,
// in order; nil means every exported type of the file, in source order.
var apiTypes = map[string][]string{
	"node": {"Node", "Env", "Storage", "TimerID"},
}

// apiSource returns the source file a copy is made from, relative to the
// module root.
func apiSource(name string) string {
	if name == "node" {
		return "labs/node/node.go"
	}
	return "labs/" + name + "/" + name + ".go"
}

// renderAPI renders the copy of a package's declarations as a highlighted
// Go block, or "" when there is no copy (a lab added since, whose page then
// points at its source instead).
func renderAPI(md goldmark.Markdown, name string) (template.HTML, error) {
	src, err := files.ReadFile("api/" + name + ".go.txt")
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("api %s: %w", name, err)
	}
	var buf bytes.Buffer
	block := "```go\n" + string(bytes.TrimSpace(src)) + "\n```\n"
	if err := md.Convert([]byte(block), &buf); err != nil {
		return "", fmt.Errorf("api %s: %w", name, err)
	}
	return template.HTML(buf.String()), nil
}
