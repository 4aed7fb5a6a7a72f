package wavemap

import (
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
// error wrapping ErrSizeLimit before changing anything, as does a RIFX
// file, which has no 64-bit variant. RF64, BW64, Wave64 and RIFX files
// keep their container. Headerless files opened with OpenRaw
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

// writeFields writes the fields into the file with a single write that
// spans from the first to the end of the last, the bytes between them
// read back and written unchanged, so that the header switches from its
// old sizes to the new ones at once (a header is a few hundred bytes:
// one sector).
func writeFields(f *os.File, fields []riff.Field) error {
	if len(fields) == 0 {
		return nil
	}
	lo, hi := fields[0].Offset, fields[0].Offset
	for _, fd := range fields {
		lo = min(lo, fd.Offset)
		hi = max(hi, fd.Offset+int64(fd.Width))
	}
	buf := make([]byte, hi-lo)
	if _, err := f.ReadAt(buf, lo); err != nil {
		return err
	}
	for _, fd := range fields {
		fd.Put(buf[fd.Offset-lo:])
	}
	_, err := f.WriteAt(buf, lo)
	return err
}

// sizeFields returns the length of f's file when it holds n data bytes,
// the header fields that then describe them, and the container the file
// then is; or says why Resize cannot rewrite the header.
func (f *File) sizeFields(n int64) (int64, []riff.Field, Container, error) {
	h := &f.hdr
	if n > math.MaxInt64-h.DataOffset-1 { // the file's length, with a pad byte
		return 0, nil, 0, fmt.Errorf("%w: %d bytes of audio", ErrSizeLimit, n)
	}
	if h.Container == RawData {
		if end := h.DataOffset + int64(len(f.data)); end != f.size {
			return 0, nil, 0, fmt.Errorf("%w: %s: %d bytes follow the samples of this raw file: Resize needs them to run to the end", ErrUnsupported, f.name, f.size-end)
		}
		return h.DataOffset + n, nil, RawData, nil
	}
	s := h.riffSizes()
	if s.Data.Offset < 0 {
		return 0, nil, 0, fmt.Errorf("%w: %s: data chunk not found", ErrInvalid, f.name)
	}
	for _, c := range h.Chunks {
		if c.Offset > s.Data.Offset {
			return 0, nil, 0, fmt.Errorf("%w: %s: chunk %s at byte %d follows the data chunk: Resize needs the audio at the end of the file", ErrUnsupported, f.name, c.ID, c.Offset)
		}
	}
	if (h.Container == RF64 || h.Container == BW64) && s.DS64 < 0 {
		return 0, nil, 0, fmt.Errorf("%w: %s: %s file without a complete ds64 chunk", ErrUnsupported, f.name, h.Container)
	}
	total := s.End(n)
	after, fields, err := s.Fields(n, total)
	if err != nil && h.Container == RIFX {
		return 0, nil, 0, fmt.Errorf("wavemap: resize %s: %w: %d bytes of audio do not fit a RIFX file, which has 32-bit sizes and no 64-bit variant", f.name, ErrSizeLimit, n)
	}
	if err != nil {
		return 0, nil, 0, fmt.Errorf("wavemap: resize %s: %w: %d bytes of audio need RF64, and this RIFF file has no JUNK chunk after its header to turn into a ds64 chunk", f.name, ErrSizeLimit, n)
	}
	container := h.Container
	if after != s.Container {
		container = RF64 // Fields turns only a RIFF header past 4 GiB into RF64
	}
	return total, fields, container, nil
}

// riffSizes locates the size fields among the chunks of h.
func (h *Header) riffSizes() riff.Sizes {
	var c riff.Container
	switch h.Container {
	case RF64:
		c = riff.ContainerRF64
	case BW64:
		c = riff.ContainerBW64
	case Wave64:
		c = riff.ContainerWave64
	case RIFX:
		c = riff.ContainerRIFX
	default:
		c = riff.ContainerRIFF
	}
	chunks := make([]riff.Chunk, len(h.Chunks))
	for i, ch := range h.Chunks {
		chunks[i] = riff.Chunk{ID: riff.FourCC(ch.ID), Offset: ch.Offset, DataOffset: ch.DataOffset, Declared: ch.Declared, Size: ch.Size}
	}
	return riff.NewSizes(c, chunks, h.DataOffset, h.Format.FrameSize())
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
	total, fields, container, err := f.sizeFields(n)
	if err != nil {
		return err
	}
	off := f.hdr.DataOffset
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
			silence(added, f.hdr.Format.Encoding, max(0, min(n, f.size-off)-old))
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
