package address

import (
	"errors"
	"strconv"
)

var ErrMine = errors.New("mine")

func Pointers() (*error, *error, *error) {
	return &errors.ErrUnsupported, &ErrMine, &(strconv.ErrRange)
}
