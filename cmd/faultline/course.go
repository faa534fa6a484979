package main

import (
	"flag"

	"github.com/faultline-dev/faultline/content"
)

// contentFlag adds --content DIR to a command that reads the lessons.
func contentFlag(fs *flag.FlagSet) *string {
	return fs.String("content", "", "read the course from DIR (holding course.yaml and lessons/) instead of the built-in one")
}

// loadCourse reads the course from dir, or the one built into the binary
// when dir is "". As with content.LoadFS, the course holds every good
// lesson even when the error reports bad ones; it is nil only when nothing
// could be read.
func loadCourse(dir string) (*content.Course, error) {
	if dir == "" {
		return content.Load()
	}
	return content.LoadDir(dir)
}
