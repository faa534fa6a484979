package sim

import (
	"fmt"
	"reflect"
	"runtime"
	"time"
	"unicode/utf8"

	"github.com/faultline-dev/faultline/labs/node"
)

// The bounds a run fills in when its Config leaves them 0 (DESIGN decision
// 11: a student's flood is stopped by counts, the same on any machine).
const (
	// DefaultMaxMessageBytes is far above any message of the labs (the
	// largest, a kvraft or shardkv snapshot, holds a few thousand keys).
	DefaultMaxMessageBytes = 64 << 20
	// DefaultMaxCallsPerHandler is far above what a handler of the labs
	// calls (a leader's heartbeat to every peer, a snapshot's Saves).
	DefaultMaxCallsPerHandler = 1_000_000
	// DefaultMaxLogBytes bounds what a run's logs pass on.
	DefaultMaxLogBytes = 64 << 20
	// MaxLogLine is the most bytes of one log line kept.
	MaxLogLine = 4 << 10
)

// maxPanicText and maxStack bound what a PanicError keeps of a panic's
// value and of its stack: a 150 MB panic string must not be copied into
// every result and report.
const (
	maxPanicText = 4 << 10
	maxStack     = 64 << 10
)

// tooManyCalls stops the run: ns called its Env more than
// Config.MaxCallsPerHandler times in one handler, the last a call.
func (s *Sim) tooManyCalls(ns *nodeState, call string) {
	panic(&LimitError{What: LimitCalls, Limit: s.cfg.MaxCallsPerHandler, Time: time.Duration(s.now), Node: ns.id, Event: s.describe(&s.ev), Call: call})
}

// tooLarge stops the run: from sent a message of type typ larger than
// Config.MaxMessageBytes.
func (s *Sim) tooLarge(from node.ID, typ string) {
	panic(&LimitError{What: LimitMessageBytes, Limit: s.cfg.MaxMessageBytes, Time: time.Duration(s.now), Node: from, Type: typ, Event: s.describe(&s.ev)})
}

// capText returns s cut to at most max bytes (at a rune boundary), saying
// how many bytes it left out.
func capText(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("… (%d more bytes)", len(s)-cut)
}

// keptPanic returns what a PanicError keeps of a value a node panicked
// with: the value itself when it is small (a number, a short string, the
// runtime's own error), else its text cut to maxPanicText bytes. A node's
// error or Stringer is asked for its text here, once, so that no report
// formats a huge value again; a panic while formatting is described, not
// raised.
func keptPanic(v any) (kept any) {
	switch x := v.(type) {
	case string:
		return capText(x, maxPanicText)
	case runtime.Error:
		return x // the runtime's: short, and its type tells a nil dereference from an index
	case error:
		return capText(textOf(v, x.Error), maxPanicText)
	case fmt.Stringer:
		return capText(textOf(v, x.String), maxPanicText)
	}
	switch reflect.ValueOf(v).Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return v
	}
	// A value of any other kind is described by its type and contents, as
	// a trace shows them (bounded, and no method of it is called).
	return capText(fmt.Sprintf("%T %s", v, payload(v)), maxPanicText)
}

// textOf calls a node's Error or String method for v.
func textOf(v any, text func() string) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = fmt.Sprintf("(%T, whose text could not be formatted: it panicked)", v)
		}
	}()
	return text()
}
