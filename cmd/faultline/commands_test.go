package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/faultline-dev/faultline/content"
	"github.com/faultline-dev/faultline/grader/suite"
)

// The course tells students and instructors to run commands: in lessons,
// tasks, starters, the README and the docs. TestQuotedCommandsParse runs
// each of them through faultline with the dry-run hook of parseFlags
// (main.go), so a command that does not exist, a flag that does not
// exist, or a flag without its value fails here with the file and line
// that quote it, before a student types it (issue 25, item 7).

// quotedCommandSources are the files whose quoted commands are checked,
// as globs from the repository's root; "**" is any depth.
var quotedCommandSources = []string{
	"README.md",
	"docs/**.md",
	"content/**.md",
	"labs/*/*lab/task.md",
	"labs/*/starter/**.go",
	"labs/*/starter/**.md",
}

func TestQuotedCommandsParse(t *testing.T) {
	root := filepath.Join("..", "..")
	var problems []string
	files := 0
	for _, pattern := range quotedCommandSources {
		paths, err := globAll(root, pattern)
		require.NoError(t, err)
		for _, path := range paths {
			data, err := os.ReadFile(filepath.Join(root, path))
			require.NoError(t, err)
			files++
			for _, q := range quotedSnippets(path, data) {
				for _, argv := range shellCommands(q.text) {
					if err := checkCommand(argv); err != nil {
						problems = append(problems, fmt.Sprintf("%s:%d: faultline %s: %v", path, q.line, strings.Join(argv, " "), err))
					}
				}
			}
		}
	}
	require.Positive(t, files, "no files matched %v: run from cmd/faultline", quotedCommandSources)

	// What 'faultline init' writes beside the starters: the workspace's
	// README and its CI workflow (grader/workspace/templates.go).
	ws := t.TempDir()
	code, _, errOut := runCLI("init", ws)
	require.Equal(t, 0, code, errOut)
	workflows, err := filepath.Glob(filepath.Join(ws, ".github", "workflows", "*.yml"))
	require.NoError(t, err)
	require.NotEmpty(t, workflows)
	for _, path := range append([]string{filepath.Join(ws, "README.md")}, workflows...) {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		shift := 0 // a workflow is read as a YAML block: one fence line before it
		if strings.HasSuffix(path, ".yml") {
			data, shift = []byte("```yaml\n"+string(data)+"```\n"), 1
		}
		rel, _ := filepath.Rel(ws, path)
		for _, q := range quotedSnippets(path, data) {
			for _, argv := range shellCommands(q.text) {
				if err := checkCommand(argv); err != nil {
					problems = append(problems, fmt.Sprintf("workspace %s:%d (grader/workspace/templates.go): faultline %s: %v", rel, q.line-shift, strings.Join(argv, " "), err))
				}
			}
		}
	}
	assert.Empty(t, problems, "quoted faultline commands that do not parse:\n%s", strings.Join(problems, "\n"))
}

// globAll matches pattern under root, where a "**" in the last element
// matches any path below (docs/**.md: every .md file under docs).
func globAll(root, pattern string) ([]string, error) {
	dir, rest, deep := strings.Cut(pattern, "**")
	if !deep {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		for i := range m {
			m[i], _ = filepath.Rel(root, m[i])
		}
		return m, err
	}
	bases, err := filepath.Glob(filepath.Join(root, dir))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, base := range bases {
		err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, rest) {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// snippet is a piece of shell quoted at a line of a file.
type snippet struct {
	line int
	text string
}

var (
	codeSpanRE   = regexp.MustCompile("`([^`]+)`")
	singleSpanRE = regexp.MustCompile(`'(faultline [^']*)'`)
	parenSpanRE  = regexp.MustCompile(`\((faultline [^)]*)\)`)
	fenceRE      = regexp.MustCompile("^\\s*(```+|~~~+)\\s*([A-Za-z0-9_-]*)")
	yamlRunRE    = regexp.MustCompile(`^(-\s+)?run:\s*[|>]?-?\s*`)
)

// shellFences are the languages of fenced blocks that hold commands.
var shellFences = map[string]bool{"": true, "sh": true, "bash": true, "shell": true, "console": true, "text": true, "yaml": true, "yml": true}

// quotedSnippets returns the shell quoted in a file: in Markdown, inline
// code spans and the lines of shell (and YAML) fenced blocks (only the
// prompt lines, "$ ...", of a block that has prompts; a line ending in a
// backslash continues on the next); in Go comments, code spans,
// 'faultline ...' and (faultline ...).
func quotedSnippets(path string, data []byte) []snippet {
	lines := strings.Split(string(data), "\n")
	var out []snippet
	if strings.HasSuffix(path, ".go") {
		// A comment's quotes may run over its lines: each run of comment
		// lines is searched as one text.
		text, start := "", 0
		flush := func() {
			for _, re := range []*regexp.Regexp{codeSpanRE, singleSpanRE, parenSpanRE} {
				for _, m := range re.FindAllStringSubmatchIndex(text, -1) {
					at := start + strings.Count(text[:m[0]], "\n")
					out = append(out, snippet{at, strings.ReplaceAll(text[m[2]:m[3]], "\n", " ")})
				}
			}
			text = ""
		}
		for i, l := range lines {
			comment, ok := strings.CutPrefix(strings.TrimSpace(l), "//")
			if !ok {
				flush()
				continue
			}
			if text == "" {
				start = i + 1
			}
			text += comment + "\n"
		}
		flush()
		return out
	}
	// Inline code spans may run over a line break (CommonMark), so they are
	// found in whole paragraphs: the lines up to a blank line or a fence.
	para, paraStart := "", 0
	flush := func() {
		for _, m := range codeSpanRE.FindAllStringSubmatchIndex(para, -1) {
			at := paraStart + strings.Count(para[:m[0]], "\n")
			out = append(out, snippet{at, strings.ReplaceAll(para[m[2]:m[3]], "\n", " ")})
		}
		para = ""
	}
	for i := 0; i < len(lines); i++ {
		m := fenceRE.FindStringSubmatch(lines[i])
		if m == nil {
			if strings.TrimSpace(lines[i]) == "" {
				flush()
				continue
			}
			if para == "" {
				paraStart = i + 1
			}
			para += lines[i] + "\n"
			continue
		}
		flush()
		// A fenced block: up to the closing fence of the same kind.
		start, fence, lang := i+1, m[1], m[2]
		end := start
		for end < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[end]), fence) {
			end++
		}
		i = end
		if !shellFences[lang] {
			continue
		}
		block := lines[start:min(end, len(lines))]
		prompts := false
		for _, l := range block {
			prompts = prompts || strings.HasPrefix(strings.TrimSpace(l), "$ ")
		}
		for j := 0; j < len(block); j++ {
			at, l := start+j+1, strings.TrimSpace(block[j])
			if prompts {
				var ok bool
				if l, ok = strings.CutPrefix(l, "$ "); !ok {
					continue
				}
			}
			for strings.HasSuffix(l, `\`) && j+1 < len(block) {
				j++
				l = strings.TrimSuffix(l, `\`) + " " + strings.TrimSpace(block[j])
			}
			if lang == "yaml" || lang == "yml" {
				l = yamlRunRE.ReplaceAllString(l, "")
			}
			out = append(out, snippet{at, l})
		}
	}
	flush()
	return out
}

// ghExprRE is a GitHub Actions expression, substituted before the shell
// sees the line: one word.
var ghExprRE = regexp.MustCompile(`\$\{\{[^}]*\}\}`)

// shellCommands splits a line of shell into its simple commands and
// returns those that run faultline (directly, or as go run ./cmd/faultline),
// as faultline's arguments. Quotes group words, operators (| & ; ( ) and
// redirections) end a command, # starts a comment, VAR=value words before
// the command are left out. Synopsis notation ([optional] words and ...)
// is left out as well: it is not an argument.
func shellCommands(line string) [][]string {
	line = ghExprRE.ReplaceAllString(line, "GHEXPR")
	var cmds [][]string
	var words []string
	var w strings.Builder
	inWord, skipNext := false, false
	endWord := func() {
		if inWord {
			if skipNext {
				skipNext = false
			} else {
				words = append(words, w.String())
			}
		}
		w.Reset()
		inWord = false
	}
	endCmd := func() {
		endWord()
		if len(words) > 0 {
			cmds = append(cmds, words)
		}
		words = nil
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'' || c == '"':
			j := strings.IndexByte(line[i+1:], c)
			if j < 0 {
				j = len(line) - i - 1
			}
			w.WriteString(line[i+1 : i+1+j])
			inWord = true
			i += j + 1
		case c == '\\' && i+1 < len(line):
			i++
			w.WriteByte(line[i])
			inWord = true
		case c == ' ' || c == '\t':
			endWord()
		case c == '#' && !inWord:
			endCmd()
			return faultlineCommands(cmds)
		case strings.IndexByte("|&;()`", c) >= 0 || (c == '$' && i+1 < len(line) && line[i+1] == '('):
			endCmd()
		case c == '<' && placeholderAt(line[i:]) > 0:
			n := placeholderAt(line[i:]) // <lab>: a placeholder, not a redirection
			w.WriteString(line[i : i+n])
			inWord = true
			i += n - 1
		case c == '>' || c == '<':
			if inWord && (w.String() == "2" || w.String() == "1") {
				w.Reset()
				inWord = false
			}
			endWord()
			for i+1 < len(line) && strings.IndexByte("><&", line[i+1]) >= 0 {
				i++
			}
			skipNext = true // the file redirected to
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	endCmd()
	return faultlineCommands(cmds)
}

// placeholderAt returns the length of the <placeholder> s starts with
// (such as <lab> or <lesson>), 0 when it starts with none.
func placeholderAt(s string) int {
	m := angleRE.FindStringIndex(s)
	if m == nil {
		return 0
	}
	return m[1]
}

var angleRE = regexp.MustCompile(`^<[A-Za-z][A-Za-z0-9 _:.-]*>`)

var assignmentRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

func faultlineCommands(cmds [][]string) [][]string {
	var out [][]string
	for _, words := range cmds {
		for len(words) > 0 && assignmentRE.MatchString(words[0]) {
			words = words[1:]
		}
		switch {
		case len(words) > 0 && words[0] == "faultline":
			words = words[1:]
		case len(words) > 2 && words[0] == "go" && words[1] == "run" && strings.HasSuffix(words[2], "cmd/faultline"):
			words = words[3:]
		default:
			continue
		}
		var args []string
		optional := 0
		for _, a := range words {
			switch {
			case strings.HasPrefix(a, "["):
				optional++
			case a == "..." || a == "…":
			case optional == 0:
				args = append(args, a)
			}
			if optional > 0 && strings.HasSuffix(a, "]") {
				optional--
			}
		}
		out = append(out, args)
	}
	return out
}

// placeholderRE is a value written as a placeholder: N, DIR, SIZE,
// <lab>, $name, a GitHub expression, i/n.
var placeholderRE = regexp.MustCompile(`^([A-Z][A-Z0-9_]*|<[^>]+>|.*\$.*|GHEXPR.*)$`)

// checkCommand runs faultline with args and the dry-run hook: nil when the
// command exists, every flag exists and has a value its type accepts (a
// placeholder such as N stands for any), and the lab, demo or lesson it
// names exists.
func checkCommand(args []string) error {
	if len(args) > 0 && strings.HasPrefix(args[0], "<") {
		return nil // faultline <command> ...: a synopsis
	}
	var parsed []string
	var problem error
	dryRun = func(fs *flag.FlagSet, rest []string) {
		parsed = rest
		pos, err := checkFlags(fs, rest)
		if err == nil {
			err = checkNames(fs.Name(), pos)
		}
		problem = err
	}
	defer func() { dryRun = nil }()
	var out bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &out, getenv: func(string) string { return "" }}
	code := Run(context.Background(), env, args)
	switch {
	case parsed != nil || problem != nil:
		return problem
	case code == 0:
		return nil // help or version: nothing to parse
	}
	said, _, _ := strings.Cut(strings.TrimSpace(out.String()), "\n")
	return errors.New(strings.TrimPrefix(said, "faultline: "))
}

// checkFlags checks args against fs as parseFlags reads them (flags and
// positional arguments in any order, "--" ends the flags), without
// setting anything that matters: fs is thrown away.
func checkFlags(fs *flag.FlagSet, args []string) (pos []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(pos, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := fs.Lookup(name)
		if f == nil {
			return nil, fmt.Errorf("flag provided but not defined: %s", a)
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			if hasValue {
				if err := f.Value.Set(value); err != nil {
					return nil, fmt.Errorf("%s wants true or false, not %q", a, value)
				}
			}
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("flag needs an argument: %s", a)
			}
			i++
			value = args[i]
		}
		if err := f.Value.Set(value); err != nil && !placeholderRE.MatchString(value) {
			return nil, fmt.Errorf("invalid value %q for flag %s: %v", value, a, err)
		}
	}
	return pos, nil
}

// checkNames checks the name a command's first argument gives: a lab
// (grade, task, vet), a demo or a lesson. A placeholder stands for any.
func checkNames(cmd string, pos []string) error {
	if len(pos) == 0 || placeholderRE.MatchString(pos[0]) {
		return nil
	}
	var err error
	switch cmd {
	case "grade", "task", "vet":
		_, err = suite.Lookup(pos[0])
	case "demo":
		_, err = suite.LookupDemo(pos[0])
	case "read":
		c, lerr := content.Load()
		if c == nil {
			return lerr
		}
		_, err = c.Lesson(pos[0])
	}
	return err
}

// The checker finds what it is for: each case is a quote it must pass or
// fail.
func TestCheckQuotedCommands(t *testing.T) {
	tests := []struct {
		name, file, text string
		want             []string // one per faultline command: "" parses, else part of the error
	}{
		{"unknown command", "a.md", "Run `faultline lab backoff`.", []string{`unknown command "lab"`}},
		{"flag without a value", "a.md", "`faultline grade raft --impl`", []string{"flag needs an argument: --impl"}},
		{"unknown flag", "a.md", "```sh\nfaultline grade raft --impls solution\n```", []string{"flag provided but not defined: --impls"}},
		{"bad number", "a.md", "`faultline grade raft --seeds many`", []string{`invalid value "many" for flag --seeds`}},
		{"placeholders", "a.md", "`faultline grade <lab> --seeds N --shard i/n --memory SIZE`", []string{""}},
		{"placeholder is not a redirection", "a.md", "`faultline grade <lab> --impl`", []string{"flag needs an argument: --impl"}},
		{"synopsis", "a.md", "`faultline <command> [arguments]`", []string{""}},
		{"prompts only", "a.md", "```console\n$ faultline task kvraft\nfaultline nope: output, not a command\n```", []string{""}},
		{"continued line", "a.md", "```sh\nfaultline roster grade subs \\\n  --labs raft --jobs two\n```", []string{`invalid value "two" for flag --jobs`}},
		{"several commands, operators", "a.md", "`cd x && faultline init . >/dev/null 2>&1; faultline grade raft --format json | jq .`", []string{"", ""}},
		{"workflow expression", "a.md", "```yaml\n      - run: faultline grade raft --shard ${{ matrix.shard }}/4 --out shard-${{ matrix.shard }}.json\n```", []string{""}},
		{"quoted argument of another command", "a.md", "`git commit -m 'faultline workspace'`", nil},
		{"go comment", "a.go", "// Run 'faultline task kvraft' or `faultline grade kvraft --raft reference`.", []string{"", ""}},
		{"go comment over lines", "a.go", "// Read the lesson (faultline read\n// retries-and-backoff) and the task (faultline lab backoff).", []string{"", `unknown command "lab"`}},
		{"go code is not a quote", "a.go", "var s = `faultline lab x`", nil},
		{"go run", "a.md", "`go run ./cmd/faultline grade raft --impl solution`", []string{""}},
		{"help", "a.md", "`faultline grade --help`", []string{""}},
		{"unknown lab", "a.md", "`faultline grade paxos --seeds 3` and `faultline task <lab>`", []string{"paxos", ""}},
		{"unknown demo and lesson", "a.md", "`faultline demo no-such-demo` `faultline read no-such-lesson` `faultline read raft-election`", []string{"no-such-demo", "no-such-lesson", ""}},
		{"span over a line break", "a.md", "Run `faultline grade <lab> --impl\nsolution` and `faultline\ngrade --nope`.", []string{"", "flag provided but not defined: --nope"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, q := range quotedSnippets(tc.file, []byte(tc.text)) {
				for _, argv := range shellCommands(q.text) {
					err := checkCommand(argv)
					if err == nil {
						got = append(got, "")
						continue
					}
					got = append(got, err.Error())
				}
			}
			require.Len(t, got, len(tc.want), "%q", got)
			for i, w := range tc.want {
				if w == "" {
					assert.Empty(t, got[i])
				} else {
					assert.Contains(t, got[i], w)
				}
			}
		})
	}
}
