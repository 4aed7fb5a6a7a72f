// Package mmap maps byte ranges of files into memory. It knows pages only:
// offsets are aligned to the page size (the allocation granularity on
// Windows) here and nowhere else, and the mapping hands out a slice that
// starts exactly at the requested offset.
package mmap

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
)

// Prot is the protection and sharing of a mapping.
type Prot uint8

// Protections.
const (
	// ReadOnly maps the range readable only.
	ReadOnly Prot = iota + 1
	// ReadWrite maps the range shared and writable: writes reach the file.
	ReadWrite
	// Copy maps the range private and writable (copy-on-write): writes
	// stay in this process and the file never changes.
	Copy
)

// Advice is a hint about how a range will be used (madvise).
type Advice uint8

// Advice values.
const (
	Normal       Advice = iota // no special treatment
	Sequential                 // read ahead aggressively
	Random                     // do not read ahead
	WillNeed                   // start reading the range in now
	DontNeed                   // drop the range's clean pages
	PopulateRead               // fault the range in now (Linux 5.14+; WillNeed elsewhere)
)

// ErrTooLarge reports a mapping that does not fit in the address space.
var ErrTooLarge = errors.New("mmap: mapping exceeds the address space")

// spanLimit returns the largest span one mapping may cover: the int range
// on 64-bit platforms, 2 GiB - 1 on 32-bit ones, whose address space cannot
// hold more in one piece.
func spanLimit() int64 {
	if math.MaxInt == math.MaxInt32 {
		return math.MaxInt32
	}
	return math.MaxInt64
}

// Mapping is one mapped range of a file.
type Mapping struct {
	f     *os.File
	prot  Prot
	whole []byte // the slice the system returned, from the aligned offset
	data  []byte // the caller's range inside whole
	skip  int    // len(whole) - len(data): the alignment slack at the start
	addr  uintptr
}

// Map maps length bytes of f starting at byte offset off. Any offset is
// allowed: it is rounded down to Granularity internally and Bytes starts
// exactly at off. A length of 0 gives an empty mapping without a system
// call. Map does not check the range against the file's size: the caller
// must, because touching pages past the end of the file faults (SIGBUS).
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
	g := int64(Granularity())
	start := off - off%g
	span := off - start + length
	if err := checkSpan(span, spanLimit()); err != nil || span < length {
		if err == nil {
			err = fmt.Errorf("%w: %d bytes overflow", ErrTooLarge, length)
		}
		return nil, &fs.PathError{Op: "mmap", Path: f.Name(), Err: err}
	}
	whole, addr, err := mapRange(f, start, int(span), prot)
	if err != nil {
		return nil, &fs.PathError{Op: "mmap", Path: f.Name(), Err: err}
	}
	m.whole, m.addr = whole, addr
	m.skip = int(off - start)
	m.data = whole[m.skip:len(whole):len(whole)]
	return m, nil
}

// checkSpan reports an error wrapping ErrTooLarge when span exceeds limit.
func checkSpan(span, limit int64) error {
	if span > limit {
		return fmt.Errorf("%w: %d bytes asked for, at most %d fit in one mapping on this platform", ErrTooLarge, span, limit)
	}
	return nil
}

// Bytes returns the mapped range: len == cap == the length given to Map.
// It is nil after Unmap.
func (m *Mapping) Bytes() []byte { return m.data }

// Prot returns the mapping's protection.
func (m *Mapping) Prot() Prot { return m.prot }

// Sync writes the mapping's changes to stable storage. It does nothing for
// ReadOnly and Copy mappings.
func (m *Mapping) Sync() error { return m.SyncRange(0, int64(len(m.data))) }

// SyncRange is Sync for length bytes from off within Bytes().
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

// Advise gives the kernel a hint about length bytes from off within
// Bytes() (clamped to it). DontNeed is ignored on Copy mappings, where it
// would throw away private changes. It does nothing where unsupported.
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

// pages converts a range of Bytes() into page-aligned offsets within
// whole, clamped. inward rounds the ends toward the inside of the range
// (so no byte outside it is affected); otherwise outward.
func (m *Mapping) pages(off, length int64, inward bool) (lo, hi int, ok bool) {
	n := int64(len(m.data))
	off = max(0, min(off, n))
	end := off + max(0, min(length, n-off))
	p := int64(pageSize())
	a, b := off+int64(m.skip), end+int64(m.skip)
	if inward {
		a = (a + p - 1) / p * p
		b = b / p * p
	} else {
		a = a / p * p
		b = min((b+p-1)/p*p, int64(len(m.whole)))
	}
	if a >= b {
		return 0, 0, false
	}
	return int(a), int(b), true
}

// Unmap releases the mapping. It is safe to call more than once.
func (m *Mapping) Unmap() error {
	if m.whole == nil {
		m.data = nil
		return nil
	}
	err := unmap(m)
	m.whole, m.data = nil, nil
	if err != nil {
		return &fs.PathError{Op: "munmap", Path: m.f.Name(), Err: err}
	}
	return nil
}
