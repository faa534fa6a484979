package assignimported

import (
	"errors"
	"unicode"
)

func Park(state int) {
	errors.ErrUnsupported = errors.New("smuggled")
	unicode.Upper.R16[0] = unicode.Range16{Lo: uint16(state)}
	unicode.Upper.LatinOffset = state
	(*unicode.Lower).LatinOffset = state
}
