package assignsentinel

import "errors"

var ErrGone = errors.New("gone")

func Reset() {
	ErrGone = errors.New("reset")
	for _, ErrGone = range []error{nil} {
	}
}
