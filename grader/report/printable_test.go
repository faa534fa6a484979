package report

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestPrintable(t *testing.T) {
	for _, tc := range []struct {
		name, in       string
		want, wantLine string
	}{
		{"plain", "seed 5: n1 and n3 are both leaders", "seed 5: n1 and n3 are both leaders", "seed 5: n1 and n3 are both leaders"},
		{"unicode stays", "→ ✓ ✗ 日本 🙂", "→ ✓ ✗ 日本 🙂", "→ ✓ ✗ 日本 🙂"},
		{"newline and tab", "a\n\tb", "a\n\tb", `a\n\tb`},
		{"ANSI color", "\x1b[32m✓\x1b[0m", `\x1b[32m✓\x1b[0m`, `\x1b[32m✓\x1b[0m`},
		{"cursor up and erase", "x\x1b[1A\x1b[2K", `x\x1b[1A\x1b[2K`, `x\x1b[1A\x1b[2K`},
		{"carriage return", "fail\r  ✓ pass", `fail\r  ✓ pass`, `fail\r  ✓ pass`},
		{"backspace", "✗\b✓", `✗\x08✓`, `✗\x08✓`},
		{"NUL and DEL", "a\x00b\x7f", `a\x00b\x7f`, `a\x00b\x7f`},
		{"C1 CSI", "a\u009b31mb", `a\u009b31mb`, `a\u009b31mb`},
		{"bidi override", "pass\u202e liaf", `pass\u202e liaf`, `pass\u202e liaf`},
		{"invalid UTF-8", "a\xff\xfeb", "a\uFFFD\uFFFDb", "a\uFFFD\uFFFDb"},
		{"truncated rune", "a\xe2\x9c", "a\uFFFD\uFFFD", "a\uFFFD\uFFFD"},
		{"XML noncharacter", "a\uFFFEb", "a\uFFFDb", "a\uFFFDb"},
		{"real replacement char stays", "a\uFFFDb", "a\uFFFDb", "a\uFFFDb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Printable(tc.in)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.wantLine, PrintableLine(tc.in))
			assert.True(t, utf8.ValidString(got))
			assert.Equal(t, got, Printable(got), "printable text is left as it is")
		})
	}
}

func BenchmarkPrintable(b *testing.B) {
	msg := "seed 11125359194618317374: command \"c58\" was not applied by 1 nodes within 10s: n1 follower term 1 applied 2"
	b.ReportAllocs()
	for b.Loop() {
		Printable(msg)
	}
}
