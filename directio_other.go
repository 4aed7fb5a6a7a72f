//go:build !linux

package wavemap

import (
	"errors"
	"os"
)

// openDirect: direct writes are used on Linux only.
func openDirect(*os.File) (*os.File, error) { return nil, errors.ErrUnsupported }
