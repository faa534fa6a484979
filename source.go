// Package faultline carries the platform's own source, so that the grader
// can build a runner from a pristine copy of the suites that no student can
// edit, and `faultline init` can give a workspace the API it compiles
// against. Only the parts a runner needs are carried: the module files, the
// grading engine and the labs.
package faultline

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
)

// SourceFile is one file of the platform's source.
type SourceFile struct {
	Path string // slash-separated, relative to the module root
	Data []byte
}

var sourceOnce struct {
	sync.Once
	files []SourceFile
	hash  string
}

// Source returns the platform files a runner build needs, sorted by path:
// no tests, no testdata.
func Source() []SourceFile {
	loadSource()
	return sourceOnce.files
}

// SourceHash identifies Source: equal hashes mean equal trees.
func SourceHash() string {
	loadSource()
	return sourceOnce.hash
}

func loadSource() {
	sourceOnce.Do(func() {
		err := fs.WalkDir(source, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if d.Name() == "testdata" {
					return fs.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(p, "_test.go") {
				return nil
			}
			data, err := source.ReadFile(p)
			if err != nil {
				return err
			}
			sourceOnce.files = append(sourceOnce.files, SourceFile{Path: path.Clean(p), Data: data})
			return nil
		})
		if err != nil {
			panic("faultline: embedded source unreadable: " + err.Error()) // cannot happen: embed.FS is in memory
		}
		sort.Slice(sourceOnce.files, func(i, j int) bool { return sourceOnce.files[i].Path < sourceOnce.files[j].Path })
		h := sha256.New()
		for _, f := range sourceOnce.files {
			h.Write([]byte(f.Path))
			h.Write([]byte{0})
			sum := sha256.Sum256(f.Data)
			h.Write(sum[:])
		}
		sourceOnce.hash = hex.EncodeToString(h.Sum(nil))
	})
}
