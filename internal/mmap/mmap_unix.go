//go:build unix

package mmap

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

func pageSize() int { return unix.Getpagesize() }

// Granularity returns the alignment Map rounds offsets down to: the page
// size on unix, the allocation granularity (64 KiB) on Windows.
func Granularity() int { return unix.Getpagesize() }

// mapRange maps n bytes of f from the aligned offset off.
func mapRange(f *os.File, off int64, n int, prot Prot) ([]byte, uintptr, error) {
	p, flags := unix.PROT_READ, unix.MAP_SHARED
	switch prot {
	case ReadWrite:
		p |= unix.PROT_WRITE
	case Copy:
		p, flags = p|unix.PROT_WRITE, unix.MAP_PRIVATE
	}
	b, err := unix.Mmap(int(f.Fd()), off, n, p, flags)
	return b, 0, err
}

// syncRange flushes whole[lo:hi]; lo is page-aligned.
func syncRange(m *Mapping, lo, hi int) error {
	return unix.Msync(m.whole[lo:hi], unix.MS_SYNC)
}

// advise applies a to whole[lo:hi]; lo is page-aligned.
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
			// Kernels older than 5.14 do not know the advice.
			if err := unix.Madvise(b, madvPopulateRead); !errors.Is(err, unix.EINVAL) {
				return err
			}
		}
		return unix.Madvise(b, unix.MADV_WILLNEED)
	case PopulateWrite:
		// Only for shared writable mappings: on a private one it would
		// copy every page. Where the advice is unknown nothing is lost:
		// the pages fault in as they are written.
		if madvPopulateWrite != 0 && m.prot == ReadWrite {
			if err := unix.Madvise(b, madvPopulateWrite); !errors.Is(err, unix.EINVAL) {
				return err
			}
		}
		return nil
	}
	return nil
}

// unmap releases whole, the exact slice unix.Mmap returned.
func unmap(_ *Mapping, whole []byte) error { return unix.Munmap(whole) }
