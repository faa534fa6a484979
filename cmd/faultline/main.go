// Command faultline is the course's one binary: the terminal UI, the grader,
// the trace viewer and the site builder. Each subcommand lives in its own
// file and registers itself in commands; main is the only place that exits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"

	"github.com/faultline-dev/faultline/grader/edition"
	"github.com/faultline-dev/faultline/grader/report"
	_ "github.com/faultline-dev/faultline/labs/all" // registers every lab and demo
)

// command is one subcommand.
type command struct {
	name    string
	args    string // synopsis of the arguments, for help
	summary string // one line
	help    string // paragraphs after the usage line
	// run executes the command. Returning an *exitError sets the exit code;
	// any other error exits 2 after printing it.
	run func(ctx context.Context, env *cliEnv, args []string) error
}

// cliEnv is what a command may touch of the outside world; tests replace it.
type cliEnv struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	isTerminal     bool // stdout is a terminal
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("faultline: command " + c.name + " registered twice")
	}
	commands[c.name] = c
}

// exitError carries an exit code: 1 for "tests failed", 2 for bad input.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

// usageError is a bad command line; it exits 2 and points at --help.
func usageError(cmd, format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf("%s\nRun 'faultline %s --help' for usage.", fmt.Sprintf(format, args...), cmd)}
}

func main() {
	env := &cliEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, isTerminal: stdoutIsTerminal()}
	// Ctrl-C cancels the context: a grade stops its workers, a server closes.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := Run(ctx, env, os.Args[1:])
	stop()
	os.Exit(code)
}

// Run runs faultline with args and returns the exit code.
func Run(ctx context.Context, env *cliEnv, args []string) int {
	if len(args) == 0 {
		args = []string{"tui"}
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				printCommandHelp(env.stdout, c)
				return 0
			}
		}
		printHelp(env.stdout)
		return 0
	case "-version", "--version", "version":
		fmt.Fprintf(env.stdout, "faultline %s (%s)\n", version, edition.Name)
		return 0
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(env.stderr, "faultline: unknown command %q\n%s", name, suggest(name))
		fmt.Fprintln(env.stderr, "Run 'faultline --help' for the list of commands.")
		return 2
	}
	for _, a := range args[1:] {
		if a == "--" {
			break
		}
		if a == "-h" || a == "--help" || a == "-help" {
			printCommandHelp(env.stdout, c)
			return 0
		}
	}
	err := c.run(ctx, env, args[1:])
	if err == nil {
		return 0
	}
	// Packages named like the command ("trace: ...", "site: ...") would
	// otherwise say it twice. An error can quote a student's file names and
	// code (a build's), so it is shown through report.Printable.
	say := func(err error) {
		fmt.Fprintf(env.stderr, "faultline %s: %s\n", name, report.Printable(strings.TrimPrefix(err.Error(), name+": ")))
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			say(ee.err)
		}
		return ee.code
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	say(err)
	return 2
}

const version = "0.1.0"

func printHelp(w io.Writer) {
	fmt.Fprint(w, `faultline: a distributed-systems course you can replay.

Usage:
  faultline                 open the course in the terminal UI
  faultline <command> [arguments]

Commands:
`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, `
Run 'faultline <command> --help' for a command's options.
`)
}

func printCommandHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "Usage: faultline %s %s\n\n%s\n", c.name, c.args, c.summary)
	if c.help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.help))
	}
}

// suggest names a command close to a mistyped one.
func suggest(name string) string {
	for n := range commands {
		if strings.HasPrefix(n, name) || strings.HasPrefix(name, n) {
			return fmt.Sprintf("Did you mean 'faultline %s'?\n", n)
		}
	}
	return ""
}

// newFlags returns a flag set for a command that reports errors instead of
// exiting and prints nothing itself.
func newFlags(c string) *flag.FlagSet {
	fs := flag.NewFlagSet(c, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// dryRun, when set, is handed each command's flag set and arguments by
// parseFlags, which then returns errDryRun: the command stops before it does
// anything. Every command parses its flags first, so a test can check a
// command line quoted in the course against the command's own flags
// without running it (commands_test.go).
var dryRun func(fs *flag.FlagSet, args []string)

var errDryRun = errors.New("faultline: dry run: stopped after reading the flags")

// parseFlags parses args, allowing flags after positional arguments
// ("grade raft --seed 3"), and wraps errors as usage errors.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	if dryRun != nil {
		dryRun(fs, args)
		return nil, errDryRun
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageError(fs.Name(), "%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
