package site

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/net/html"
)

// CheckLinks reads every HTML page under dir and reports each internal link
// (href or src) that does not land on a file, or names an anchor (id) the
// target page does not have. It checks the built site as a browser would see
// it, independently of how the build checked the Markdown.
func CheckLinks(dir string) error {
	type ref struct{ from, attr, target string }
	ids := map[string]map[string]bool{}
	var refs []ref
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := html.Parse(f)
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		ids[rel] = map[string]bool{}
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				for _, a := range n.Attr {
					switch a.Key {
					case "id":
						ids[rel][a.Val] = true
					case "href", "src":
						if n.Data == "a" || n.Data == "link" || n.Data == "script" || n.Data == "img" {
							refs = append(refs, ref{from: rel, attr: a.Key, target: a.Val})
						}
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		return nil
	})
	if err != nil {
		return err
	}
	var problems []string
	for _, r := range refs {
		u, err := url.Parse(r.target)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: bad %s %q", r.from, r.attr, r.target))
			continue
		}
		if u.Scheme != "" || u.Host != "" {
			continue
		}
		page := r.from
		if u.Path != "" {
			page = filepath.Join(filepath.Dir(r.from), u.Path)
			if _, err := os.Stat(filepath.Join(dir, page)); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %s %q: no such file", r.from, r.attr, r.target))
				continue
			}
		}
		if u.Fragment != "" && strings.HasSuffix(page, ".html") && !ids[page][u.Fragment] {
			problems = append(problems, fmt.Sprintf("%s: link %q: %s has no id %q", r.from, r.target, page, u.Fragment))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return errors.New("broken links:\n  " + strings.Join(problems, "\n  "))
	}
	return nil
}
