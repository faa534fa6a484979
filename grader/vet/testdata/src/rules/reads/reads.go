package reads

import (
	"encoding/binary"
	"errors"
	"strconv"
	"time"
	"unicode"
)

func Reads(err error, r rune, b []byte, t time.Time) {
	_ = errors.Is(err, strconv.ErrRange) // a sentinel is compared
	_ = binary.LittleEndian.Uint16(b)    // pointer-free: a copy
	_ = unicode.Is(unicode.Latin, r)     // an argument of its own package
	_ = unicode.In(r, unicode.Upper, (unicode.Lower))
	_ = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	_ = t.In(time.UTC)
	table := unicode.Upper
	_ = table
	_ = unicode.Upper.R16
	_ = time.Local
}
