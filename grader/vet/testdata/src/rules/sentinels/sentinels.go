package sentinels

import (
	"errors"
	"fmt"
	"strconv"
)

type code int

func (c code) String() string { return "runs at init" }

func name() string { return "x" }

var ErrA = errors.New("a")
var ErrB = fmt.Errorf("b: %w", ErrA)
var ErrC = fmt.Errorf("c: %w (%d)", strconv.ErrRange, 3)
var ErrD = fmt.Errorf("d: %v", code(1))
var ErrE = errors.New(name())
