package riff

import (
	"cmp"
	"fmt"
	"slices"
)

// warn records a recoverable problem. Warnings are sorted by offset once
// the walk is over, so the order in which they are found does not matter.
func (p *parser) warn(kind WarningKind, off int64, id FourCC, format string, args ...any) {
	if len(p.h.Warnings) >= maxWarnings {
		return
	}
	p.h.Warnings = append(p.h.Warnings, Warning{Kind: kind, Offset: off, Chunk: id, Msg: fmt.Sprintf(format, args...)})
}

// maxWarnings bounds the warning list: hostile input could otherwise make
// one warning per chunk.
const maxWarnings = 256

// sortWarnings puts the warnings in file order, keeping the discovery order
// of warnings at the same offset.
func (p *parser) sortWarnings() {
	slices.SortStableFunc(p.h.Warnings, func(a, b Warning) int { return cmp.Compare(a.Offset, b.Offset) })
}

// strictError turns the first warning into an error of kind ErrStrict.
func strictError(w Warning) *Error {
	return &Error{Kind: ErrStrict, Offset: w.Offset, Chunk: w.Chunk, Msg: w.Kind.String() + ": " + w.Msg, Warning: &w}
}

// errorf builds an *Error.
func errorf(kind ErrorKind, off int64, id FourCC, format string, args ...any) *Error {
	return &Error{Kind: kind, Offset: off, Chunk: id, Msg: fmt.Sprintf(format, args...)}
}

// printable reports whether b holds four bytes of printable ASCII, which is
// what every chunk id written by a sane program looks like.
func printable(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	for _, c := range b[:4] {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// le16, le32 and le64 decode little-endian integers from b, which the
// caller has checked is long enough.
func le16(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }
func le32(b []byte) uint32 { return uint32(le16(b)) | uint32(le16(b[2:]))<<16 }
func le64(b []byte) uint64 { return uint64(le32(b)) | uint64(le32(b[4:]))<<32 }

// claim converts a 64-bit size read from a file to int64. Claims beyond
// the int64 range are reported as math.MaxInt64: no input can be that long,
// so they are treated as sizes running past the end of the file.
func claim(v uint64) int64 {
	if v > 1<<63-1 {
		return 1<<63 - 1
	}
	return int64(v)
}

func toID(b []byte) FourCC {
	var id FourCC
	copy(id[:], b)
	return id
}
