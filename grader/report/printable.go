package report

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable returns s made safe to show on a terminal, in an XML file or in
// a CI log, for text a student controls: a panic message, what their code
// printed, a folder name. Left raw, an escape sequence in it could move the
// cursor, recolor or erase the lines above and draw a fake green ✓ under
// the grader's name; a carriage return or backspace could overwrite a
// verdict.
//
// Every control character but newline and tab (C0, DEL and the C1 range,
// which some terminals read as escape sequences too) is written as a
// visible Go escape ("\x1b", "\r", "\u009b"), and so are the Unicode
// bidirectional formatting characters, which reorder what is shown
// ("Trojan Source", CVE-2021-42574). A byte that is not UTF-8 becomes
// U+FFFD. What is left is also legal in XML 1.0 (§2.2 Char), except the
// noncharacters U+FFFE and U+FFFF, which become U+FFFD as well.
func Printable(s string) string {
	return printable(s, false)
}

// PrintableLine is Printable for a field shown on one line (a path, a
// command, a name): newlines and tabs are escaped too, so the value cannot
// start a line of its own that looks like the grader's.
func PrintableLine(s string) string {
	return printable(s, true)
}

func printable(s string, oneLine bool) string {
	if isPrintable(s, oneLine) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1, r == 0xFFFE, r == 0xFFFF:
			b.WriteRune(utf8.RuneError)
		case (r == '\n' || r == '\t') && !oneLine:
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80 && unsafeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPrintable is the fast path: most strings need no change.
func isPrintable(s string, oneLine bool) bool {
	for _, r := range s { // an invalid byte ranges as U+FFFD
		switch {
		case r == utf8.RuneError, r == 0xFFFE, r == 0xFFFF:
			return false // either a real U+FFFD (rare) or an invalid byte
		case r == '\n' || r == '\t':
			if oneLine {
				return false
			}
		case unsafeRune(r):
			return false
		}
	}
	return true
}

// unsafeRune reports a control character (Unicode category Cc: C0, DEL,
// C1) or a bidirectional formatting character.
func unsafeRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r < 0x20 || r == 0x7f
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}
