//go:build unix

package mmap

import (
	"os"

	"golang.org/x/sys/unix"
)

func pageSize() int { return unix.Getpagesize() }

// Granularity returns the alignment Map rounds offsets down to: the page
// size.
func Granularity() int { return unix.Getpagesize() }

func mapRange(f *os.File, off int64, n int, prot Prot) ([]byte, uintptr, error) {
	p, flags := unix.PROT_READ, unix.MAP_SHARED
	switch prot {
	case ReadWrite:
		p |= unix.PROT_WRITE
	case Copy:
		p |= unix.PROT_WRITE
		flags = unix.MAP_PRIVATE
	}
	b, err := unix.Mmap(int(f.Fd()), off, n, p, flags)
	if err != nil {
		return nil, 0, err
	}
	return b, 0, nil
}

func syncRange(m *Mapping, lo, hi int) error {
	return unix.Msync(m.whole[lo:hi], unix.MS_SYNC)
}

func advise(m *Mapping, lo, hi int, a Advice) error {
	b := m.whole[lo:hi]
	switch a {
	case Normal:
		return unix.Madvise(b, unix.MADV_NORMAL)
	case Sequential:
		return unix.Madvise(b, unix.MADV_SEQUENTIAL)
	case Random:
		return unix.Madvise(b, unix.MADV_RANDOM)
	case WillNeed:
		return unix.Madvise(b, unix.MADV_WILLNEED)
	case DontNeed:
		return unix.Madvise(b, unix.MADV_DONTNEED)
	case PopulateRead:
		if madvPopulateRead != 0 {
			if err := unix.Madvise(b, madvPopulateRead); err == nil {
				return nil
			}
		}
		return unix.Madvise(b, unix.MADV_WILLNEED)
	}
	return nil
}

func unmap(m *Mapping) error { return unix.Munmap(m.whole) }
