package wavemap

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/wavemap/wavemap/internal/atomicfile"
	"github.com/wavemap/wavemap/internal/mmap"
	"github.com/wavemap/wavemap/internal/riff"
)

// File is one memory-mapped audio file. Its samples are reached through
// Samples, FramesOf and Bytes, which return views of the mapping itself.
//
// Every view obtained from a File is valid until Close; using one after
// Close faults or reads whatever is mapped there next. Views may be read
// and written from several goroutines (writes to the same sample must be
// synchronised by the caller, as with any slice); Close, Flush and Advise
// must not run concurrently with each other.
type File struct {
	name     string
	mode     Mode
	osf      *os.File
	mp       *mmap.Mapping
	data     []byte
	hdr      Header
	size     int64  // file size when opened
	syncFile bool   // the header was written by this process: fsync it on Flush
	sparse   bool   // Options.Sparse: Resize leaves new space unreserved
	advice   Advice // Options.Advice: what passes restore when they finish
	closed   bool
	// pending is the temporary file of a File made by Create, which Close
	// renames into place (commit) and Discard removes; nil otherwise.
	pending *atomicfile.File
	// after holds the chunks that Create's Options.Metadata puts after
	// the data, which commit writes.
	after []riff.RawChunk
}

// Open maps the audio of an existing WAVE file (RIFF, RIFX, RF64, BW64 or
// Wave64). It reads the header only, whatever the file's size. Recoverable
// header problems are reported to opts.Warn and kept in Header().Warnings;
// unrecoverable ones return a *FormatError naming the byte offset.
//
// The file is locked until Close, exclusively for ReadWrite and shared
// otherwise, unless opts.NoLock is set: Open fails at once with an error
// wrapping ErrLocked if another File or process holds a conflicting lock
// (see "Locking" in the package documentation). A path that is not a
// regular file fails with ErrNotRegular inside an *fs.PathError, without
// blocking on a named pipe.
func Open(name string, mode Mode, opts *Options) (*File, error) {
	opts = opts.orDefault()
	osf, size, rh, err := openParsed(name, mode, riff.Options{Strict: opts.Strict}, !opts.NoLock)
	if err != nil {
		return nil, err
	}
	hdr, err := headerFromRIFF(name, rh)
	if err != nil {
		closeFile(osf)
		return nil, err
	}
	return finishOpen(name, osf, size, mode, hdr, opts)
}

// ReadHeader parses the header of a WAVE file of the given size read
// through r, without mapping anything. Options.Warn and Options.Strict
// apply as for Open.
func ReadHeader(r io.ReaderAt, size int64, opts *Options) (*Header, error) {
	return readHeader("", r, size, opts.orDefault())
}

func readHeader(name string, r io.ReaderAt, size int64, opts *Options) (*Header, error) {
	rh, err := parseHeader(name, r, size, riff.Options{Strict: opts.Strict})
	if err != nil {
		return nil, err
	}
	return headerFromRIFF(name, rh)
}

// parseHeader parses the header of the file name of the given size read
// through r, with the error a *FormatError.
func parseHeader(name string, r io.ReaderAt, size int64, ro riff.Options) (*riff.Header, error) {
	rh, err := riff.Parse(r, size, ro)
	if err != nil {
		return nil, fromRIFFError(name, err)
	}
	return rh, nil
}

// openParsed opens (and locks) name as openFile does and parses its
// header with the parser options ro: the part of opening that Open and
// Repair share. The file is closed on failure.
func openParsed(name string, mode Mode, ro riff.Options, lock bool) (*os.File, int64, *riff.Header, error) {
	osf, size, err := openFile(name, mode, lock)
	if err != nil {
		return nil, 0, nil, err
	}
	rh, err := parseHeader(name, osf, size, ro)
	if err != nil {
		closeFile(osf)
		return nil, 0, nil, err
	}
	return osf, size, rh, nil
}

// OpenRaw maps a headerless file of samples described by raw. It locks
// the file and refuses what is not a regular file as Open does.
func OpenRaw(name string, raw Raw, mode Mode, opts *Options) (*File, error) {
	opts = opts.orDefault()
	if err := raw.Format.Validate(); err != nil {
		return nil, err
	}
	if raw.Offset < 0 || raw.Trailer < 0 || raw.Frames < 0 {
		return nil, fmt.Errorf("%w: negative offset, trailer or frame count in Raw", ErrArgument)
	}
	osf, size, err := openFile(name, mode, !opts.NoLock)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*File, error) {
		closeFile(osf)
		return nil, err
	}
	fsz := int64(raw.Format.FrameSize())
	avail := size - raw.Offset - raw.Trailer
	if raw.Offset > size || avail < 0 {
		return fail(&FormatError{Name: name, Offset: raw.Offset, Err: ErrInvalid,
			Msg: fmt.Sprintf("offset %d and trailer %d leave no room in a file of %d bytes", raw.Offset, raw.Trailer, size)})
	}
	h := Header{Container: RawData, Format: raw.Format, DataOffset: raw.Offset, Frames: avail / fsz}
	switch {
	case raw.Frames > h.Frames:
		return fail(&FormatError{Name: name, Offset: raw.Offset, Err: ErrInvalid,
			Msg: fmt.Sprintf("%d frames asked for, but the file holds %d", raw.Frames, h.Frames)})
	case raw.Frames > 0:
		h.Frames = raw.Frames
	case avail%fsz != 0:
		w := Warning{Kind: WarnRaggedTail, Offset: raw.Offset + h.Frames*fsz,
			Msg: fmt.Sprintf("%d bytes after the last whole frame of %d bytes: ignored", avail%fsz, fsz)}
		if opts.Strict {
			return fail(&FormatError{Name: name, Offset: w.Offset, Msg: w.Msg, Err: w})
		}
		h.Warnings = append(h.Warnings, w)
	}
	return finishOpen(name, osf, size, mode, &h, opts)
}

// openFile opens name for mode (read-write for ReadWrite, read-only
// otherwise) and returns it with its size. Anything but a regular file is
// refused with ErrNotRegular, without waiting: a path seen to be special
// is not opened at all (opening a device can have effects, such as
// rewinding a tape), and the open itself does not wait for the other end
// of a named pipe put there meanwhile. If lock is set the file is locked
// for mode (lockFile): exclusively for ReadWrite, shared otherwise.
func openFile(name string, mode Mode, lock bool) (*os.File, int64, error) {
	flag := os.O_RDONLY
	switch mode {
	case ReadOnly, CopyOnWrite:
	case ReadWrite:
		flag = os.O_RDWR
	default:
		return nil, 0, fmt.Errorf("%w: open %s: mode %d", ErrArgument, name, mode)
	}
	if fi, err := os.Stat(name); err == nil && !fi.Mode().IsRegular() {
		return nil, 0, notRegular(name, fi.Mode())
	}
	osf, err := os.OpenFile(name, flag|openNonblock, 0)
	if err != nil {
		return nil, 0, err
	}
	fi, err := osf.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = notRegular(name, fi.Mode())
	}
	if err == nil {
		err = setBlocking(osf)
	}
	if err == nil && lock {
		err = lockFile(osf, mode == ReadWrite)
	}
	if err != nil {
		osf.Close()
		return nil, 0, err
	}
	return osf, fi.Size(), nil
}

// finishOpen maps the data range described by h and reports warnings.
func finishOpen(name string, osf *os.File, size int64, mode Mode, h *Header, opts *Options) (*File, error) {
	n, err := h.Format.dataBytes(h.Frames)
	if err == nil && (h.DataOffset < 0 || h.DataOffset > size || n > size-h.DataOffset) {
		err = &FormatError{Name: name, Offset: h.DataOffset, Err: ErrInvalid,
			Msg: fmt.Sprintf("%d audio bytes at offset %d do not fit in a file of %d bytes", n, h.DataOffset, size)}
	}
	if err != nil {
		closeFile(osf)
		return nil, err
	}
	f := &File{name: name, mode: mode, osf: osf, hdr: *h, size: size, sparse: opts.Sparse}
	if err := f.mapData(n); err != nil {
		closeFile(osf)
		return nil, err
	}
	if opts.Warn != nil {
		for _, w := range h.Warnings {
			opts.Warn(w)
		}
	}
	f.advice = opts.Advice
	if opts.Advice != AdviseNormal {
		f.Advise(opts.Advice, 0, f.hdr.Frames) // a hint only: its error does not matter
	}
	return f, nil
}

func (f *File) mapData(n int64) error {
	prot := mmap.ReadOnly
	switch f.mode {
	case ReadWrite:
		prot = mmap.ReadWrite
	case CopyOnWrite:
		prot = mmap.Copy
	}
	mp, err := mmap.Map(f.osf, f.hdr.DataOffset, n, prot)
	if err != nil {
		if errors.Is(err, mmap.ErrTooLarge) {
			return fmt.Errorf("%w: %s: %d bytes of audio at offset %d do not fit in one mapping in a %d-bit program",
				ErrTooLarge, f.name, n, f.hdr.DataOffset, strconv.IntSize)
		}
		return err
	}
	f.mp = mp
	f.data = mp.Bytes()
	return nil
}

// Name returns the file name given to Open, OpenRaw or Create.
func (f *File) Name() string { return f.name }

// Mode returns the mode the file was opened in (Create gives ReadWrite).
func (f *File) Mode() Mode { return f.mode }

// Format returns the format of the samples.
func (f *File) Format() Format { return f.hdr.Format }

// Frames returns the number of frames mapped.
func (f *File) Frames() int64 { return f.hdr.Frames }

// Header returns the parsed header. The caller must not modify it.
func (f *File) Header() *Header { return &f.hdr }

// Chunks returns every chunk of the file, in file order.
func (f *File) Chunks() []Chunk { return f.hdr.Chunks }

// Warnings returns the recoverable problems found while opening.
func (f *File) Warnings() []Warning { return f.hdr.Warnings }

// Bytes returns the mapped audio data: Frames()*Format().FrameSize() bytes
// starting at Header().DataOffset in the file. It is nil after Close.
func (f *File) Bytes() []byte { return f.data }

// ReadChunk returns a copy of the payload of c, which must be one of
// f.Chunks().
func (f *File) ReadChunk(c Chunk) ([]byte, error) {
	if f.closed {
		return nil, ErrClosed
	}
	if c.DataOffset < 0 || c.Size < 0 || c.DataOffset > f.size || c.Size > f.size-c.DataOffset {
		return nil, fmt.Errorf("%w: chunk %s at %d (%d bytes) is outside the file", ErrArgument, c.ID, c.DataOffset, c.Size)
	}
	b := make([]byte, c.Size)
	if _, err := f.osf.ReadAt(b, c.DataOffset); err != nil {
		return nil, fmt.Errorf("wavemap: %s: reading chunk %s: %w", f.name, c.ID, err)
	}
	return b, nil
}

// Advise gives the kernel a hint about the frames [from, to). It does
// nothing on Windows. DontNeed is ignored for copy-on-write files, where it
// would throw away private changes.
func (f *File) Advise(a Advice, from, to int64) error {
	if f.closed {
		return ErrClosed
	}
	ma, ok := a.mmap()
	if !ok {
		return fmt.Errorf("wavemap: advise %s: %v: %w", f.name, a, ErrArgument)
	}
	fsz := int64(f.hdr.Format.FrameSize())
	from = max(0, min(from, f.hdr.Frames))
	to = max(from, min(to, f.hdr.Frames))
	return f.mp.Advise(ma, from*fsz, (to-from)*fsz)
}

// Flush writes changes made through the views to stable storage (msync,
// and fsync for headers this process wrote). It does nothing for ReadOnly
// and CopyOnWrite files. It returns the I/O error the kernel reports, if
// any.
func (f *File) Flush() error {
	if f.closed {
		return ErrClosed
	}
	if f.mode != ReadWrite {
		return nil
	}
	if err := f.mp.Sync(); err != nil {
		return fmt.Errorf("wavemap: flush %s: %w", f.name, err)
	}
	if f.syncFile {
		if err := f.osf.Sync(); err != nil {
			return fmt.Errorf("wavemap: flush %s: %w", f.name, err)
		}
		f.syncFile = false
	}
	return nil
}

// Close unmaps the file, releases its lock and closes it. Every view
// obtained from f becomes invalid. Like os.File.Close it does not force
// changes to stable storage: call Flush first to do so and to learn of
// write-back errors. Closing a closed File returns ErrClosed.
//
// A File made by Create is different: Close commits it. It writes the
// samples and header to stable storage, then renames the file into place
// (see Create), and returns any error on the way; if it fails, the new
// file is removed and nothing changed at its name. Discard throws such a
// File away instead.
func (f *File) Close() error {
	if f.closed {
		return ErrClosed
	}
	if f.pending != nil {
		return f.commit()
	}
	f.closed = true
	f.data = nil
	err := f.mp.Unmap()
	if cerr := closeFile(f.osf); err == nil {
		err = cerr
	}
	return err
}
