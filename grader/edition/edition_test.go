package edition

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNoReference(t *testing.T) {
	err := NoReference("--impl solution")
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrNoReference))
	assert.Contains(t, err.Error(), "--impl solution")
	if Student {
		assert.Contains(t, err.Error(), "student edition")
		assert.Contains(t, err.Error(), "ask your instructor")
		assert.Equal(t, "student edition", Name)
	} else {
		assert.Equal(t, "open-source edition", Name)
	}
}
