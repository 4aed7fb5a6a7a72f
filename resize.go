package wavemap

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"

	"github.com/wavemap/wavemap/internal/mmap"
	"github.com/wavemap/wavemap/internal/riff"
)

// Resize changes the number of frames of a file opened ReadWrite (or made
// by Create) to frames, in place: the data chunk grows or shrinks at the
// end of the file, new frames are silence (zero bytes, left sparse where
// the file system allows, or the silent code of u8, A-law and mu-law),
// and the header's sizes are rewritten. The first frames keep their
// values.
//
// The file on disk is a valid WAVE file after Resize returns, and at every
// step inside it, so a process killed at any point leaves a file that
// opens: a growing file is extended and its new frames written before the
// header announces them; a shrinking file's header is rewritten before the
// file is cut. (Call Flush to make the change durable against a system
// crash.) A RIFF file that passes 4 GiB becomes RF64 by turning the JUNK
// chunk Create reserves after the RIFF header into a ds64 chunk; a file
// without that reservation cannot grow past 4 GiB and Resize returns an
// error wrapping ErrSizeLimit before changing anything. RF64, BW64 and
// Wave64 files keep their container. Headerless files opened with OpenRaw
// are simply extended or cut, if their samples run to the end of the file.
//
// Resize remaps the samples: every view obtained from f before it (from
// Samples, FramesOf, Bytes ...) is invalid afterwards and must be fetched
// again. Using an old view faults, or reads whatever is mapped there
// next. Resize must not run concurrently with any other use of f.
//
// The data chunk must be the last chunk of the file: Resize refuses files
// with chunks after their audio (a LIST chunk at the end, say), with an
// error wrapping ErrUnsupported. Files not opened ReadWrite give
// ErrReadOnly.
func (f *File) Resize(frames int64) error {
	return f.resize(frames, nil)
}

// Append adds the frames of m at the end of f, as Resize does when it
// grows the file, and copies them in before the header counts them: a
// process killed during Append leaves the file with its old length or
// with all of m. T must be the Go type of f's encoding (otherwise the
// error is a *TypeError) and m must have f's number of channels. m may be
// a view of f itself.
//
// Like Resize, Append remaps f, so every earlier view of it becomes
// invalid. Each call costs a remap and a header write: append large
// blocks (seconds, not samples) at a time.
func Append[T Sample](f *File, m Frames[T]) error {
	if f.closed {
		return ErrClosed
	}
	if err := checkType[T](f.hdr.Format.Encoding); err != nil {
		return err
	}
	if m.Channels != f.hdr.Format.Channels || (m.Channels > 0 && len(m.Data)%m.Channels != 0) {
		return fmt.Errorf("%w: appending %d samples in %d channels to a file of %d channels", ErrArgument, len(m.Data), m.Channels, f.hdr.Format.Channels)
	}
	n := int64(m.Len())
	if n == 0 {
		return nil
	}
	if n > math.MaxInt64-f.hdr.Frames {
		return fmt.Errorf("%w: %d + %d frames", ErrSizeLimit, f.hdr.Frames, n)
	}
	return f.resize(f.hdr.Frames+n, func(added []byte) error {
		dst, err := castSlice[T](added)
		if err != nil {
			return err
		}
		copy(dst, m.Data)
		return nil
	})
}

// field is a header field to write: val at byte offset off.
type field struct {
	off int64
	val []byte
}

func u32Field(off int64, v uint32) field { return field{off, binary.LittleEndian.AppendUint32(nil, v)} }
func u64Field(off int64, v uint64) field { return field{off, binary.LittleEndian.AppendUint64(nil, v)} }

// size32 is a 32-bit size field's value for v: v, or 0xFFFFFFFF when v
// needs the ds64 chunk.
func size32(v int64) uint32 {
	if v >= math.MaxUint32 {
		return math.MaxUint32
	}
	return uint32(v)
}

// writeFields writes the fields into the file with a single write that
// spans from the first to the end of the last, the bytes between them
// read back and written unchanged, so that the header switches from its
// old sizes to the new ones at once (a header is a few hundred bytes:
// one sector).
func writeFields(f *os.File, fields []field) error {
	if len(fields) == 0 {
		return nil
	}
	lo, hi := fields[0].off, fields[0].off
	for _, fd := range fields {
		lo = min(lo, fd.off)
		hi = max(hi, fd.off+int64(len(fd.val)))
	}
	buf := make([]byte, hi-lo)
	if _, err := f.ReadAt(buf, lo); err != nil {
		return err
	}
	for _, fd := range fields {
		copy(buf[fd.off-lo:], fd.val)
	}
	_, err := f.WriteAt(buf, lo)
	return err
}

// sizeLayout is where the size fields of a file are: what Resize needs to
// know to rewrite them.
type sizeLayout struct {
	container Container
	dataHdr   int64 // offset of the data chunk header
	ds64      int64 // payload offset of the ds64 chunk; -1 if none
	junk      int64 // payload offset of a JUNK chunk at byte 12 that can become ds64; -1 if none
	junkSize  int64
	fact      int64 // payload offset of the fact chunk; -1 if none (or too short)
}

// sizeLayout finds the size fields of f's header, or says why Resize
// cannot rewrite them.
func (f *File) sizeLayout() (sizeLayout, error) {
	h := &f.hdr
	l := sizeLayout{container: h.Container, ds64: -1, junk: -1, fact: -1}
	if h.Container == RawData {
		if end := h.DataOffset + int64(len(f.data)); end != f.size {
			return l, fmt.Errorf("%w: %s: %d bytes follow the samples of this raw file: Resize needs them to run to the end", ErrUnsupported, f.name, f.size-end)
		}
		return l, nil
	}
	var data *Chunk
	for i := range h.Chunks {
		c := &h.Chunks[i]
		switch {
		case c.ID == FourCC(riff.IDData) && c.DataOffset == h.DataOffset:
			data = c
		case data != nil:
			return l, fmt.Errorf("%w: %s: chunk %s at byte %d follows the data chunk: Resize needs the audio at the end of the file", ErrUnsupported, f.name, c.ID, c.Offset)
		case c.ID == FourCC(riff.IDDS64) && l.ds64 < 0:
			l.ds64 = c.DataOffset
			if c.Size < 28 {
				return l, fmt.Errorf("%w: %s: ds64 chunk of %d bytes", ErrUnsupported, f.name, c.Size)
			}
		case c.ID == FourCC(riff.IDJUNK) && c.Offset == 12 && c.Size >= 28:
			l.junk, l.junkSize = c.DataOffset, c.Size
		case c.ID == FourCC(riff.IDFact) && l.fact < 0:
			if c.Size >= 8 || c.Size >= 4 && h.Container != Wave64 {
				l.fact = c.DataOffset
			}
		}
	}
	if data == nil {
		return l, fmt.Errorf("%w: %s: data chunk not found", ErrInvalid, f.name)
	}
	l.dataHdr = data.Offset
	if (h.Container == RF64 || h.Container == BW64) && l.ds64 < 0 {
		return l, fmt.Errorf("%w: %s: %s file without a ds64 chunk", ErrUnsupported, f.name, h.Container)
	}
	return l, nil
}

// fileSize returns the length of the file when it holds n data bytes.
func (l sizeLayout) fileSize(dataOff, n int64) int64 {
	total := dataOff + n
	if l.container != Wave64 && l.container != RawData {
		total += n & 1 // the pad byte of an odd chunk
	}
	return total
}

// fields returns the header fields that describe n data bytes of frames
// frames in a file of total bytes, and the container the file then is.
func (l sizeLayout) fields(n, frames, total int64) ([]field, Container, error) {
	var fs []field
	c := l.container
	switch c {
	case RawData:
		return nil, c, nil
	case Wave64:
		fs = append(fs, u64Field(16, uint64(total)), u64Field(l.dataHdr+16, uint64(24+n)))
		if l.fact >= 0 {
			fs = append(fs, u64Field(l.fact, uint64(frames)))
		}
		return fs, c, nil
	}
	riffSize := total - 8
	if c == RIFF && (riffSize >= math.MaxUint32 || n >= math.MaxUint32) {
		if l.junk < 0 {
			return nil, c, fmt.Errorf("%w: %d bytes of audio need RF64, and this RIFF file has no JUNK chunk after its header to turn into a ds64 chunk", ErrSizeLimit, n)
		}
		c = RF64
		fs = append(fs, field{0, []byte("RF64")}, field{12, []byte("ds64")})
		l.ds64 = l.junk
		fs = append(fs, u32Field(l.ds64+24, 0)) // no table
	}
	if c == RIFF {
		fs = append(fs, u32Field(4, uint32(riffSize)), u32Field(l.dataHdr+4, uint32(n)))
		if l.fact >= 0 {
			fs = append(fs, u32Field(l.fact, uint32(frames)))
		}
		return fs, c, nil
	}
	fs = append(fs, u32Field(4, math.MaxUint32), u32Field(l.dataHdr+4, math.MaxUint32),
		u64Field(l.ds64, uint64(riffSize)), u64Field(l.ds64+8, uint64(n)), u64Field(l.ds64+16, uint64(frames)))
	if l.fact >= 0 {
		fs = append(fs, u32Field(l.fact, size32(frames)))
	}
	return fs, c, nil
}

// resize is Resize; write, if not nil, writes the frames added by a growth
// (every byte of added) before the header counts them.
func (f *File) resize(frames int64, write func(added []byte) error) error {
	if f.closed {
		return ErrClosed
	}
	if f.mode != ReadWrite {
		return fmt.Errorf("%w: %s is open in mode %s: Resize needs ReadWrite", ErrReadOnly, f.name, f.mode)
	}
	n, err := f.hdr.Format.dataBytes(frames)
	if err != nil {
		return err
	}
	old := int64(len(f.data))
	if n == old {
		return nil
	}
	l, err := f.sizeLayout()
	if err != nil {
		return err
	}
	off := f.hdr.DataOffset
	total := l.fileSize(off, n)
	if total < n {
		return fmt.Errorf("%w: %d bytes of audio", ErrSizeLimit, n)
	}
	fields, container, err := l.fields(n, frames, total)
	if err != nil {
		return fmt.Errorf("wavemap: resize %s: %w", f.name, err)
	}
	fail := func(err error) error { return fmt.Errorf("wavemap: resize %s: %w", f.name, err) }
	var mp *mmap.Mapping
	if n > old {
		// Grow: extend the file and map the new range; write the new
		// frames (silence, or write's); then the pad byte and the header.
		// Until the header is written the file says what it said before.
		if err := f.osf.Truncate(total); err != nil {
			return fail(err)
		}
		undo := func(err error) error {
			if mp != nil {
				mp.Unmap()
			}
			f.osf.Truncate(f.size) // the header still describes the old size
			return fail(err)
		}
		mp, err = mmap.Map(f.osf, off, n, mmap.ReadWrite)
		if err != nil {
			if errors.Is(err, mmap.ErrTooLarge) {
				err = fmt.Errorf("%w: %w", ErrTooLarge, err)
			}
			return undo(err)
		}
		// Reserve the new space, so that a full disk is this error and
		// not a SIGBUS in the writes below or the caller's.
		if !f.sparse {
			if err := reserveAudio(f.osf, off+old, n-old); err != nil {
				return undo(err)
			}
		}
		added := mp.Bytes()[old:]
		err = Guard(func() error {
			if write != nil {
				return write(added)
			}
			// Bytes of the old file past the old data (a pad byte, junk
			// after the last chunk) are not silence: overwrite them.
			dirty := max(0, min(n, f.size-off)-old)
			if b := silenceByte(f.hdr.Format.Encoding); b != 0 {
				fill(added, b)
			} else {
				clear(added[:dirty])
			}
			return nil
		})
		if err == nil && total > off+n {
			_, err = f.osf.WriteAt([]byte{0}, off+n)
		}
		if err == nil {
			err = writeFields(f.osf, fields)
		}
		if err != nil {
			return undo(err)
		}
		f.mp.Unmap()
	} else {
		// Shrink: map the shorter range (cannot fail for lack of address
		// space); write the header; then cut the file.
		mp, err = mmap.Map(f.osf, off, n, mmap.ReadWrite)
		if err != nil {
			return fail(err)
		}
		if err := writeFields(f.osf, fields); err != nil {
			mp.Unmap()
			return fail(err)
		}
		f.mp.Unmap()
		f.mp, f.data = mp, mp.Bytes()
		f.syncFile = true
		if total > off+n {
			// The pad byte held audio until now.
			_, err = f.osf.WriteAt([]byte{0}, off+n)
		}
		if err == nil {
			err = f.osf.Truncate(total)
		}
		if err != nil {
			// The header is right; bytes after the data remain.
			f.hdr.Frames = frames
			return fail(err)
		}
	}
	f.mp, f.data = mp, mp.Bytes()
	f.size = total
	f.syncFile = true
	return f.reparse(frames, container)
}

// reparse reads back the header Resize wrote and makes it f's.
func (f *File) reparse(frames int64, container Container) error {
	if f.hdr.Container == RawData {
		f.hdr.Frames = frames
		return nil
	}
	rh, err := riff.Parse(f.osf, f.size, riff.Options{})
	if err == nil {
		var h *Header
		h, err = headerFromRIFF(f.name, rh)
		if err == nil && (h.DataOffset != f.hdr.DataOffset || h.Frames != frames || h.Container != container) {
			err = fmt.Errorf("header reads back as %d frames at %d in %s, want %d at %d in %s",
				h.Frames, h.DataOffset, h.Container, frames, f.hdr.DataOffset, container)
		}
		if err == nil {
			f.hdr = *h
			return nil
		}
	}
	f.hdr.Frames = frames
	f.hdr.Container = container
	return fmt.Errorf("wavemap: internal error: resized header of %s: %w", f.name, err)
}

// silenceByte returns the byte that fills silence in encodings whose
// silence is not zero: u8, A-law and mu-law (0 for the others).
func silenceByte(e Encoding) byte {
	switch e {
	case EncodingUint8:
		return 0x80
	case EncodingALaw:
		return 0xD5
	case EncodingMuLaw:
		return 0xFF
	}
	return 0
}
