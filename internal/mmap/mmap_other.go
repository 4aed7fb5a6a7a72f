//go:build !unix && !windows

package mmap

import (
	"errors"
	"fmt"
	"os"
)

func pageSize() int { return 4096 }

// Granularity returns the alignment Map rounds offsets down to: the page
// size on unix, the allocation granularity (64 KiB) on Windows. Platforms
// without memory mapping report 4096.
func Granularity() int { return 4096 }

// mapRange fails: Map returns an error wrapping errors.ErrUnsupported for
// any non-empty mapping here.
func mapRange(*os.File, int64, int, Prot) ([]byte, uintptr, error) {
	return nil, 0, fmt.Errorf("memory mapping is not available on this platform: %w", errors.ErrUnsupported)
}

func syncRange(*Mapping, int, int) error      { return nil }
func advise(*Mapping, int, int, Advice) error { return nil }
func unmap(*Mapping, []byte) error            { return nil }
