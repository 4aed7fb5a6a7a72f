// Package mmap maps byte ranges of files into memory. It knows pages only:
// offsets are aligned to the page size (the allocation granularity on
// Windows) here and nowhere else, and a Mapping hands out a slice that
// starts exactly at the requested offset.
package mmap

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strconv"
)

// Prot is the protection and sharing of a mapping.
type Prot uint8

// Protections.
const (
	// ReadOnly maps the range readable only; writing to it faults.
	ReadOnly Prot = iota + 1
	// ReadWrite maps the range shared and writable (MAP_SHARED,
	// PROT_READ|PROT_WRITE): writes reach the file.
	ReadWrite
	// Copy maps the range private and writable (MAP_PRIVATE,
	// copy-on-write): writes stay in this mapping and the file never
	// changes.
	Copy
)

// Advice is a hint about how a range will be used (madvise).
type Advice uint8

// Advice values.
const (
	Normal        Advice = iota // no special treatment
	Sequential                  // read ahead aggressively
	Random                      // do not read ahead
	WillNeed                    // start reading the range in now
	DontNeed                    // drop the range's pages (ignored for Copy)
	PopulateRead                // fault the range in now (Linux 5.14+; WillNeed elsewhere)
	PopulateWrite               // fault the range in writable now (Linux 5.14+, ReadWrite only; nothing elsewhere)
)

// ErrTooLarge reports a mapping that does not fit in the address space.
// Map returns it wrapped in an *fs.PathError.
var ErrTooLarge = errors.New("mmap: mapping exceeds the address space")

// spanLimit returns the most bytes one mapping may span on a platform
// whose int has intBits bits: 2 GiB - 1 where the int and the address space
// are 32 bits, the int64 range elsewhere (where mmap itself says no).
func spanLimit(intBits int) int64 {
	if intBits == 32 {
		return math.MaxInt32
	}
	return math.MaxInt64
}

// checkSpan returns an error wrapping ErrTooLarge unless slack + length,
// the span a mapping of length bytes covers after its start is aligned
// down by slack bytes, is at most limit. It cannot overflow.
func checkSpan(slack, length, limit int64) error {
	if length > limit-slack {
		return fmt.Errorf("%w: %d bytes plus %d of alignment asked for, at most %d fit in one mapping on this platform",
			ErrTooLarge, length, slack, limit)
	}
	return nil
}

// Mapping is one mapped range of a file. Its methods must not be called
// concurrently with Unmap.
type Mapping struct {
	f     *os.File
	prot  Prot
	whole []byte  // the slice the system returned, from the aligned offset
	data  []byte  // the caller's range: whole[skip:]
	skip  int     // alignment slack at the start of whole
	addr  uintptr // the view's address (Windows only)
	base  int64   // file offset of whole[0]
}

// Map maps length bytes of f starting at byte offset off with protection
// prot. Any offset is allowed: it is rounded down to Granularity
// internally and Bytes starts exactly at off. A length of 0 gives a Mapping
// with an empty, non-nil Bytes and makes no system call.
//
// Map does not check off+length against the size of f: the caller must,
// and must extend the file first if the range reaches past its end.
// Touching a mapped page wholly past the end of the file faults (SIGBUS on
// unix); on Windows, mapping past the end fails for ReadOnly and Copy and
// grows the file for ReadWrite.
//
// The span mapped, length plus the alignment slack before off, must fit in
// an int; on 32-bit platforms it must be at most 2 GiB - 1. Otherwise the
// error wraps ErrTooLarge. Errors are *fs.PathError with Op "mmap".
// The mapping stays valid after f is closed, but on Windows Sync needs f
// open.
func Map(f *os.File, off, length int64, prot Prot) (*Mapping, error) {
	if prot < ReadOnly || prot > Copy {
		return nil, &fs.PathError{Op: "mmap", Path: f.Name(), Err: fmt.Errorf("invalid protection %d", prot)}
	}
	if off < 0 || length < 0 {
		return nil, &fs.PathError{Op: "mmap", Path: f.Name(), Err: fmt.Errorf("negative offset %d or length %d", off, length)}
	}
	m := &Mapping{f: f, prot: prot}
	if length == 0 {
		m.data = []byte{}
		return m, nil
	}
	slack := off % int64(Granularity())
	if err := checkSpan(slack, length, spanLimit(strconv.IntSize)); err != nil {
		return nil, &fs.PathError{Op: "mmap", Path: f.Name(), Err: err}
	}
	whole, addr, err := mapRange(f, off-slack, int(slack+length), prot)
	if err != nil {
		return nil, &fs.PathError{Op: "mmap", Path: f.Name(), Err: err}
	}
	m.whole, m.addr, m.skip, m.base = whole, addr, int(slack), off-slack
	m.data = whole[m.skip:len(whole):len(whole)]
	register(m)
	return m, nil
}

// Bytes returns the mapped range: len and cap are the length given to Map.
// It is nil after Unmap.
func (m *Mapping) Bytes() []byte { return m.data }

// Prot returns the protection the mapping was made with.
func (m *Mapping) Prot() Prot { return m.prot }

// Sync writes the changes made through a ReadWrite mapping to the file and
// waits for them to reach stable storage (msync MS_SYNC; FlushViewOfFile
// and FlushFileBuffers on Windows). It does nothing for ReadOnly and Copy
// mappings, empty ones, or after Unmap.
func (m *Mapping) Sync() error { return m.SyncRange(0, int64(len(m.data))) }

// SyncRange is Sync for the length bytes from off within Bytes(). The
// range is clamped to Bytes() and widened to whole pages.
func (m *Mapping) SyncRange(off, length int64) error {
	if m.prot != ReadWrite || m.whole == nil {
		return nil
	}
	lo, hi, ok := m.pages(off, length, false)
	if !ok {
		return nil
	}
	if err := syncRange(m, lo, hi); err != nil {
		return &fs.PathError{Op: "msync", Path: m.f.Name(), Err: err}
	}
	return nil
}

// Advise tells the kernel how the length bytes from off within Bytes()
// (clamped to it) will be used. The range is widened to whole pages, except
// for DontNeed, where it is narrowed so that no page holding a byte outside
// it is dropped. DontNeed is fine on ReadWrite mappings (the kernel keeps
// dirty shared pages until they are written back) but would throw away the
// private changes of a Copy mapping, so there it does nothing. Advise does
// nothing and returns nil on Windows, where a hint is unsupported, and
// after Unmap. Errors are *fs.PathError with Op "madvise".
func (m *Mapping) Advise(a Advice, off, length int64) error {
	if m.whole == nil || (a == DontNeed && m.prot == Copy) {
		return nil
	}
	lo, hi, ok := m.pages(off, length, a == DontNeed)
	if !ok {
		return nil
	}
	if err := advise(m, lo, hi, a); err != nil {
		return &fs.PathError{Op: "madvise", Path: m.f.Name(), Err: err}
	}
	return nil
}

// pages converts the range [off, off+length) of Bytes(), clamped to it,
// into page-aligned offsets [lo, hi) within whole, rounded outward or, if
// inward, inward. The end of the mapping counts as aligned: the kernel
// maps whole pages. ok is false for an empty range or when inward rounding
// leaves no page.
func (m *Mapping) pages(off, length int64, inward bool) (lo, hi int, ok bool) {
	n := int64(len(m.data))
	off = max(0, min(off, n))
	end := off + max(0, min(length, n-off))
	if off == end {
		return 0, 0, false
	}
	p, w := int64(pageSize()), int64(len(m.whole))
	a, b := off+int64(m.skip), end+int64(m.skip)
	if inward {
		a = (a + p - 1) / p * p
		if b < w {
			b = b / p * p
		}
	} else {
		a = a / p * p
		b = min((b+p-1)/p*p, w)
	}
	if a >= b {
		return 0, 0, false
	}
	return int(a), int(b), true
}

// Unmap releases the mapping; Bytes() must no longer be used. It is safe
// to call more than once: later calls return nil. Errors are *fs.PathError
// with Op "munmap".
func (m *Mapping) Unmap() error {
	whole := m.whole
	m.whole, m.data = nil, nil
	if whole == nil {
		return nil
	}
	unregister(m, whole)
	if poisonUnmapped {
		// Debug builds: the range stays reserved and faults on any use.
		if err := poison(whole); err == nil {
			return nil
		}
	}
	if err := unmap(m, whole); err != nil {
		return &fs.PathError{Op: "munmap", Path: m.f.Name(), Err: err}
	}
	return nil
}
