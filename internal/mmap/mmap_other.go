//go:build !unix && !windows

package mmap

import (
	"errors"
	"fmt"
	"os"
)

func pageSize() int { return 4096 }

// Granularity returns the alignment Map rounds offsets down to.
func Granularity() int { return 4096 }

func mapRange(f *os.File, off int64, n int, prot Prot) ([]byte, uintptr, error) {
	return nil, 0, fmt.Errorf("memory mapping is not available on this platform: %w", errors.ErrUnsupported)
}

func syncRange(m *Mapping, lo, hi int) error        { return nil }
func advise(m *Mapping, lo, hi int, a Advice) error { return nil }
func unmap(m *Mapping) error                        { return nil }
