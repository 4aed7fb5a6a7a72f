package wavemap

import (
	"errors"
	"fmt"

	"github.com/wavemap/wavemap/internal/riff"
)

// Sentinel errors. Errors returned by this package wrap one of these (or
// errors.ErrUnsupported) so that callers can test with errors.Is.
var (
	// ErrNotWAVE: the input is not a RIFF/RF64/BW64/Wave64 WAVE file.
	ErrNotWAVE = errors.New("wavemap: not a WAVE file")
	// ErrNoFormat: the file has no usable fmt chunk before its audio.
	ErrNoFormat = errors.New("wavemap: missing fmt chunk")
	// ErrNoData: the file has no data chunk.
	ErrNoData = errors.New("wavemap: missing data chunk")
	// ErrInvalid: header fields contradict each other (block align against
	// channels and bits, zero channels, an impossible size ...).
	ErrInvalid = errors.New("wavemap: invalid header")
	// ErrArgument: a function was called with an argument it cannot use
	// (a nil File or Writer, a frame range outside the file, a format with
	// no channels ...). The files involved are left unchanged.
	ErrArgument = errors.New("wavemap: invalid argument")
	// ErrUnsupported: the file is valid but its samples cannot be mapped
	// (compressed codecs, big-endian RIFX, 64-bit integers ...). It wraps
	// errors.ErrUnsupported.
	ErrUnsupported = fmt.Errorf("wavemap: unsupported format: %w", errors.ErrUnsupported)
	// ErrTypeMismatch: a typed view was asked for with a Go type that does
	// not match the file's encoding. The error is a *TypeError.
	ErrTypeMismatch = errors.New("wavemap: sample type does not match the encoding")
	// ErrReadOnly: a change was asked of a file not opened for writing.
	ErrReadOnly = errors.New("wavemap: file not opened for writing")
	// ErrInterrupted: the journal of an interrupted in-place edit (see
	// PassOptions.Journal) stands in the way of the edit asked for: it
	// records another edit or another file, it is damaged, or the system
	// restarted since it was written. Nothing was changed.
	ErrInterrupted = errors.New("wavemap: an interrupted edit is not finished")
	// ErrClosed: the File was already closed.
	ErrClosed = errors.New("wavemap: file already closed")
	// ErrTooLarge: the mapping does not fit in this process's address space
	// (on 32-bit platforms, anything over 2 GiB).
	ErrTooLarge = errors.New("wavemap: mapping exceeds the address space")
	// ErrSizeLimit: the audio asked for does not fit the container (a
	// RIFF file past 4 GiB with no room for a ds64 chunk, a stream that
	// cannot seek past 4 GiB) or overflows a 64-bit size.
	ErrSizeLimit = errors.New("wavemap: audio too large for the container")
	// ErrNoSpace: the file system has no room (or no quota left) for the
	// space asked of it (Writer.Reserve).
	ErrNoSpace = errors.New("wavemap: no space left for the file")
	// ErrLocked: another open of the file holds a lock that conflicts
	// with the one asked for (see Options.NoLock): a writer while anything
	// else has it open, or a reader while a writer has. The error names
	// the file and says whether the holder has it open for reading or
	// writing; nothing was changed.
	ErrLocked = errors.New("wavemap: file is in use")
	// ErrNotRegular: the path is not a regular file (a directory, a named
	// pipe, a device, a socket), so it cannot be mapped. Open, OpenRaw and
	// Repair return it inside an *fs.PathError, without blocking on a pipe
	// and without opening a device where it can be seen beforehand.
	ErrNotRegular = errors.New("wavemap: not a regular file")
)

// FormatError reports a problem in a file's header, with the byte offset of
// the offending field. Err is one of the sentinel errors above, or a Warning
// when Options.Strict turned a recoverable problem into an error, or an
// underlying I/O error.
type FormatError struct {
	Name   string // file name, if known
	Offset int64  // byte offset of the offending field or chunk
	Chunk  FourCC // chunk concerned; zero outside any chunk
	Tag    uint16 // the format tag, for unsupported codecs; 0 otherwise
	Msg    string // what is wrong, with the numbers found
	Err    error
}

// Error describes the problem with the file name, byte offset and chunk.
func (e *FormatError) Error() string {
	s := "wavemap: "
	if e.Name != "" {
		s += e.Name + ": "
	}
	s += fmt.Sprintf("at byte %d", e.Offset)
	if e.Chunk != (FourCC{}) {
		s += " (" + e.Chunk.String() + " chunk)"
	}
	return s + ": " + e.Msg
}

// Unwrap returns the sentinel or underlying error.
func (e *FormatError) Unwrap() error { return e.Err }

// TypeError reports a typed view or conversion asked for with a Go sample
// type that does not match the file's encoding. It matches ErrTypeMismatch
// with errors.Is.
type TypeError struct {
	Have Encoding // the file's encoding
	Want string   // the Go type asked for, such as "int16"
}

// Error names the file's encoding and the Go type that was asked for.
func (e *TypeError) Error() string {
	return fmt.Sprintf("wavemap: file holds %s samples (Go type %s), not %s", e.Have, e.Have.GoType(), e.Want)
}

// Is reports whether target is ErrTypeMismatch.
func (e *TypeError) Is(target error) bool { return target == ErrTypeMismatch }

// WarningKind classifies a recoverable problem found while opening a file.
type WarningKind uint8

// Warning kinds. Each is a defect seen in real files that can be worked
// around; the Warning's Msg says what was found and what was assumed. Each
// is defined as the parser's own kind, so the two cannot drift apart.
const (
	WarnRIFFSize       = WarningKind(riff.WarnRIFFSize)       // RIFF/RF64 size disagrees with the file length
	WarnDataSize       = WarningKind(riff.WarnDataSize)       // data chunk declares more bytes than the file holds
	WarnStreamingSize  = WarningKind(riff.WarnStreamingSize)  // a size of 0 or 0xFFFFFFFF: length taken from the file
	WarnWrappedSize    = WarningKind(riff.WarnWrappedSize)    // a 32-bit size wrapped past 4 GiB: length taken from the file
	WarnDuplicateChunk = WarningKind(riff.WarnDuplicateChunk) // a second fmt or data chunk: ignored
	WarnTrailingBytes  = WarningKind(riff.WarnTrailingBytes)  // bytes after the last chunk or after the RIFF end
	WarnMissingPad     = WarningKind(riff.WarnMissingPad)     // odd-sized chunk without its pad byte
	WarnRaggedTail     = WarningKind(riff.WarnRaggedTail)     // audio bytes not a multiple of the frame size: tail ignored
	WarnTruncatedChunk = WarningKind(riff.WarnTruncatedChunk) // a non-audio chunk runs past the end of the file
	WarnBadField       = WarningKind(riff.WarnBadField)       // an inconsistent but ignorable field (byte rate, fact ...)
	// WarnBlockAlign: the block align disagrees with the channels times
	// the container bytes that the bits per sample name (16 bits: 2
	// bytes). The bits and channels are trusted, as sox, ffmpeg and
	// libsndfile do.
	WarnBlockAlign = WarningKind(riff.WarnBlockAlign)
	// WarnAmbiguousLayout: the fmt chunk describes a layout that readers
	// disagree on; the Msg says which reading was taken and why. The one
	// case is 24 bits per sample in 4-byte slots, taken as 24 valid bits
	// left-justified in 32-bit containers (a file whose first samples
	// are right-justified is refused instead, with ErrUnsupported).
	WarnAmbiguousLayout = WarningKind(riff.WarnAmbiguousLayout)
)

// String returns a short stable name for the kind, such as "data-size".
func (k WarningKind) String() string { return riffWarningKind(k).String() }

// Warning is a recoverable problem found while opening a file. It
// implements error so that Options.Strict can return it wrapped in a
// *FormatError, where errors.As finds it.
type Warning struct {
	Kind   WarningKind
	Offset int64  // byte offset of the offending field or chunk
	Chunk  FourCC // chunk concerned; zero if none
	Msg    string // what was found and what was assumed
}

// Error describes the problem with its byte offset and what was assumed.
func (w Warning) Error() string {
	s := fmt.Sprintf("at byte %d", w.Offset)
	if w.Chunk != (FourCC{}) {
		s += " (" + w.Chunk.String() + " chunk)"
	}
	return s + ": " + w.Msg
}

// FaultError reports a memory fault caught by Guard (and by every pass,
// which runs under it): a view touched memory the system would not give.
// Name and Cause say, as far as could be found out when the fault was
// caught, whose mapping it was and why.
type FaultError struct {
	Addr  uintptr // faulting address; 0 for a read or write by pread/pwrite that came up short
	Name  string  // the file whose mapping holds Addr; "" if none known does
	Cause string  // the likely cause, such as "the file was truncated to 4096 bytes"
	Err   error   // the runtime error that was recovered
}

// Error reports the faulting address, the file and the likely cause.
func (e *FaultError) Error() string {
	s := fmt.Sprintf("wavemap: memory fault at address %#x", e.Addr)
	if e.Name != "" {
		s += " in the mapping of " + e.Name
	}
	if e.Addr == 0 && e.Name != "" {
		s = "wavemap: reading " + e.Name // a pass that reads with pread (see readPath): no address
	}
	if e.Cause != "" {
		s += ": " + e.Cause
	}
	return s
}

// Unwrap returns the recovered runtime error.
func (e *FaultError) Unwrap() error { return e.Err }
