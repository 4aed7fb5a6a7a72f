package wavemap

import (
	"errors"
	"fmt"
	"math"

	"github.com/wavemap/wavemap/internal/atomicfile"
	"github.com/wavemap/wavemap/internal/riff"
)

// Create makes a new WAVE file holding frames frames of silence in the
// given format and maps its samples read-write. Silence is all zero bytes,
// which Create does not write (the file system reads unwritten space as
// zeros), except for u8, A-law and mu-law, whose silent codes (128, 0xD5,
// 0xFF) Create writes out. Like Python's mode "w+", it replaces an existing
// file unless opts.NoClobber is set.
//
// The file is made under a temporary name in the same directory (for
// "take.wav", ".take.wav.wavemap-XXXXXXXX.partial") and takes its name
// only when Close commits it: Close writes the samples and the header to
// stable storage, renames the file over name and syncs the directory.
// Until then nothing changes at name: a file already there stays whole
// (and other Files mapping it keep their mapping of it), and a failed
// Create, a Discard, a failed Close or a killed process leaves it as it
// was, plus, in the last case, the recognisable partial file, which can
// be removed. Resize, Append and Flush work on the temporary file.
//
// What is at name is checked before anything is created: a FIFO, device,
// socket or directory there (after following symlinks) is refused with an
// error wrapping ErrArgument, and a read-only file with an error wrapping
// fs.ErrPermission. A symlink at name is replaced by the new file; the
// file it points to is not written. The new file gets the permission bits
// of the file it replaces, or else opts.Perm, or else 0666 minus the
// umask. Replacing a file needs disk space for both until Close.
//
// The disk space for the audio is reserved (on Linux; a full disk fails
// here with ErrNoSpace rather than as a SIGBUS while samples are written)
// unless opts.Sparse asks for a sparse file. The data starts at an offset
// that is a multiple of 16, so every typed view is naturally aligned.
//
// The container is plain RIFF with a JUNK chunk reserving room for an RF64
// ds64 chunk; when the data passes 4 GiB the file is written as RF64
// instead (opts.Container can force RIFF, RF64, BW64 or Wave64). A format
// of big-endian samples (s16be ... f64be) makes a RIFX file, and so does
// opts.Container RIFX, which then wants big-endian samples or u8, A-law
// or mu-law (any other encoding is refused with ErrArgument, naming the
// one to use, as is a big-endian encoding in another container). RIFX
// has no 64-bit variant: past 4 GiB it is refused with ErrSizeLimit.
//
// opts.Metadata gives the file other chunks (LIST, bext, iXML, cue ...),
// each written byte for byte in the order given: those without AfterData
// between fmt (and fact) and the data, followed by a JUNK chunk of at
// least 1 KiB that makes the data start at a multiple of 4096 (room for
// the chunks to grow in place later); those with AfterData after the
// audio and its pad byte, when Close commits the file (so Resize and
// Append work until then), with the container's sizes counting them. A
// Wave64 file gets the AfterData chunks before its data instead, after
// the others: libsndfile (sox) reads every byte that follows a Wave64 data
// chunk as audio. A chunk that frames the audio (fmt, fact, ds64, data,
// JUNK and the other padding chunks) is refused with ErrArgument: Create
// writes those itself.
func Create(name string, format Format, frames int64, opts *Options) (*File, error) {
	opts = opts.orDefault()
	if err := format.Validate(); err != nil {
		return nil, err
	}
	n, err := format.dataBytes(frames)
	if err != nil {
		return nil, err
	}
	spec, err := specFor(format, n, opts.Container)
	if err != nil {
		return nil, err
	}
	// Chunks after the data are written at Close: until then the data
	// chunk is the last, so that Resize and Append can move its end.
	// Wave64 readers (sox) take every byte after the data for audio, so
	// Wave64 gets them before it.
	spec, after, head, err := encodeWithMetadata(spec, opts.Metadata, spec.Container != riff.ContainerWave64)
	if err != nil {
		return nil, err
	}
	total := int64(len(head)) + n
	if spec.Container != riff.ContainerWave64 {
		// RIFF-style chunks of odd size are followed by a pad byte. Wave64
		// readers (sox, ffmpeg) take whatever follows the data as more
		// audio, so a Wave64 file ends right after it.
		total += n & 1
	}
	if total < n {
		return nil, fmt.Errorf("%w: %d bytes of audio", ErrSizeLimit, n)
	}
	if len(after) > 0 {
		tr, err := riff.Trailer(spec.Container, n, after)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrArgument, err)
		}
		if (opts.Container == RIFF || spec.Container == riff.ContainerRIFX) && int64(len(head))+n+int64(len(tr))-8 > math.MaxUint32-1 {
			return nil, fmt.Errorf("%w: %d bytes of audio and %d of chunks after it do not fit a RIFF file (use RF64 or AutoContainer)",
				ErrSizeLimit, n, len(tr))
		}
	} else if (opts.Container == RIFF || spec.Container == riff.ContainerRIFX) && total-8 > math.MaxUint32-1 {
		return nil, fmt.Errorf("%w: %d bytes of audio and a header of %d do not fit a RIFF file (use RF64 or AutoContainer)", ErrSizeLimit, n, len(head))
	}
	af, err := atomicfile.Create(name, &atomicfile.Options{Perm: opts.Perm, NoClobber: opts.NoClobber})
	if err != nil {
		if errors.As(err, new(*atomicfile.NotRegularError)) {
			return nil, fmt.Errorf("%w: create: %w", ErrArgument, err)
		}
		return nil, err
	}
	osf := af.File()
	f := &File{name: name, mode: ReadWrite, osf: osf, size: total, syncFile: true, sparse: opts.Sparse, pending: af, after: after}
	fail := func(err error) (*File, error) {
		f.discard()
		return nil, err
	}
	if _, err := osf.WriteAt(head, 0); err != nil {
		return fail(err)
	}
	if err := osf.Truncate(total); err != nil {
		return fail(err)
	}
	rh, err := riff.Parse(osf, total, riff.Options{})
	if err != nil { // cannot happen unless Encode and Parse disagree
		return fail(fmt.Errorf("wavemap: internal error: created header does not parse: %w", err))
	}
	h, err := headerFromRIFF(name, rh)
	if err != nil {
		return fail(err)
	}
	f.hdr = *h
	if err := f.mapData(n); err != nil {
		return fail(err)
	}
	if !opts.Sparse {
		if err := reserveAudio(osf, int64(len(head)), n); err != nil {
			return fail(fmt.Errorf("wavemap: create %s: %w", name, err))
		}
	}
	err = Guard(func() error {
		if !opts.noSilence {
			silence(f.data, format.Encoding, 0) // new file space reads as zeros
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}
	if opts.Advice != AdviseNormal {
		f.Advise(opts.Advice, 0, frames)
	}
	return f, nil
}

// commit finishes a File made by Create (Close): the samples are written
// back (msync) and unmapped, then the temporary file is synced, closed
// and renamed over the name. Unmapping first lets Windows rename it. If
// any step before the rename fails, the temporary file is removed and
// whatever was at the name is left as it was.
func (f *File) commit() error {
	af := f.pending
	f.pending = nil
	f.closed = true
	f.data = nil
	err := f.mp.Sync()
	if uerr := f.mp.Unmap(); err == nil {
		err = uerr
	}
	if err == nil && len(f.after) > 0 {
		err = f.writeAfter()
	}
	if err != nil {
		af.Abort()
		return fmt.Errorf("wavemap: close %s: %w (the new file was removed; nothing changed at %s)", f.name, err, f.name)
	}
	if err := af.Commit(); err != nil {
		return fmt.Errorf("wavemap: close %s: %w", f.name, err)
	}
	return nil
}

// writeAfter writes the chunks that follow the data of a File made by
// Create (Options.Metadata), after its audio and pad byte, and then the
// header's sizes, which count them: the RIFF size (ds64's too; a RIFF
// header that these chunks take past 4 GiB becomes RF64, as in Resize).
func (f *File) writeAfter() error {
	n, err := f.hdr.Format.dataBytes(f.hdr.Frames)
	if err != nil {
		return err
	}
	s := f.hdr.riffSizes()
	tr, err := riff.Trailer(s.Container, n, f.after)
	if err != nil {
		return err
	}
	end := f.hdr.DataOffset + n + int64(len(tr))
	_, fields, err := s.Fields(n, end)
	if err != nil {
		return fmt.Errorf("%w: the chunks after the audio take the file to %d bytes: %w", ErrSizeLimit, end, err)
	}
	if _, err := f.osf.WriteAt(tr, f.hdr.DataOffset+n); err != nil {
		return err
	}
	if err := writeFields(f.osf, fields); err != nil {
		return err
	}
	f.size = end
	return nil
}

// discard unmaps and removes the unfinished file of a File made by
// Create.
func (f *File) discard() error {
	af := f.pending
	f.pending = nil
	f.closed = true
	f.data = nil
	var err error
	if f.mp != nil {
		err = f.mp.Unmap()
	}
	if rerr := af.Abort(); err == nil {
		err = rerr
	}
	return err
}

// Discard closes a File made by Create without committing it: the
// temporary file is unmapped and removed, and nothing changes at the
// file's name. Every view obtained from f becomes invalid. For a File
// from Open or OpenRaw, Discard is Close (it removes nothing). Discard
// after Close returns ErrClosed, so it can be deferred right after
// Create, with Close on the path that succeeds.
func (f *File) Discard() error {
	if f.closed {
		return ErrClosed
	}
	if f.pending == nil {
		return f.Close()
	}
	return f.discard()
}

// silence makes d silence in encoding e: the silent code of u8, A-law
// and mu-law (0x80, 0xD5, 0xFF) in every byte, or zero bytes in the first
// dirty bytes for the other encodings, whose silence is zero (the rest of d
// must read as zeros already: new file space).
func silence(d []byte, e Encoding, dirty int64) {
	var b byte
	switch e {
	case EncodingUint8:
		b = 0x80
	case EncodingALaw:
		b = 0xD5
	case EncodingMuLaw:
		b = 0xFF
	default:
		clear(d[:dirty])
		return
	}
	fill(d, b)
}

// specFor describes the header Create writes for format and n data bytes.
func specFor(format Format, n int64, c Container) (riff.Spec, error) {
	s := riff.Spec{
		Channels:      format.Channels,
		SampleRate:    int64(format.SampleRate),
		BitsPerSample: format.Encoding.Bits(),
		ValidBits:     format.ValidBits,
		ChannelMask:   format.ChannelMask,
		DataSize:      n,
	}
	switch {
	case format.Encoding.IsFloat():
		s.Tag = riff.TagFloat
	case format.Encoding == EncodingALaw:
		s.Tag = riff.TagALaw
	case format.Encoding == EncodingMuLaw:
		s.Tag = riff.TagMuLaw
	default:
		s.Tag = riff.TagPCM
	}
	e := format.Encoding
	if c == AutoContainer && e.BigEndian() {
		c = RIFX
	}
	switch {
	case c == RIFX && e.Size() > 1 && !e.BigEndian():
		return s, fmt.Errorf("%w: a RIFX file holds big-endian samples: %s, not %s", ErrArgument, e.WithOrder(true), e)
	case c != RIFX && e.BigEndian():
		return s, fmt.Errorf("%w: big-endian %s samples need a RIFX container, not %s (%s is the little-endian encoding)", ErrArgument, e, c, e.WithOrder(false))
	}
	switch c {
	case AutoContainer:
		s.Container = riff.ContainerRIFF
	case RIFX:
		s.Container = riff.ContainerRIFX
		if n > math.MaxUint32-1024 {
			return s, fmt.Errorf("%w: %d bytes of audio do not fit a RIFX file (32-bit sizes, and no 64-bit variant)", ErrSizeLimit, n)
		}
	case RIFF:
		s.Container = riff.ContainerRIFF
		if n > math.MaxUint32-1024 {
			return s, fmt.Errorf("%w: %d bytes of audio do not fit a RIFF file (use RF64 or AutoContainer)", ErrSizeLimit, n)
		}
	case RF64:
		s.Container = riff.ContainerRF64
	case BW64:
		s.Container = riff.ContainerBW64
	case Wave64:
		s.Container = riff.ContainerWave64
	default:
		return s, fmt.Errorf("%w: cannot write a file in container %s", ErrArgument, c)
	}
	return s, nil
}

// CreateLike makes a new file with the format of src and the given number
// of frames (a negative count means as many as src has), as Create does:
// it takes its name at Close. The samples are not copied: see CopyTo for
// that. The new file gets src's metadata chunks (see File.Metadata),
// each on its side of the data, unless opts.Metadata says otherwise (a
// non-nil empty Metadata gives it none).
func CreateLike(name string, src *File, frames int64, opts *Options) (*File, error) {
	if frames < 0 {
		frames = src.Frames()
	}
	opts, err := src.withMetadata(opts)
	if err != nil {
		return nil, err
	}
	return Create(name, src.Format(), frames, opts)
}

// withMetadata returns opts with f's metadata chunks when opts.Metadata
// is nil (a copy: opts is not changed).
func (f *File) withMetadata(opts *Options) (*Options, error) {
	if opts != nil && opts.Metadata != nil {
		return opts, nil
	}
	m, err := f.Metadata()
	if err != nil {
		return nil, err
	}
	o := Options{}
	if opts != nil {
		o = *opts
	}
	o.Metadata = m
	return &o, nil
}

// CopyTo writes the frames [from, to) of f into a new file of the same
// format, created as Create does, and returns it mapped read-write; Close
// gives it its name. The file's metadata chunks (LIST, bext, iXML, cue
// ...) are copied byte for byte, each on its side of the data, unless
// opts.Metadata says otherwise (a non-nil empty Metadata copies none):
// positions in them (cue points, bext's time reference) are not moved to
// the range, see Metadata.Excerpt for that. name may be f's own name: f
// keeps mapping the old file, which the new one replaces at Close (except
// on Windows, where that Close fails while f is open).
func (f *File) CopyTo(name string, from, to int64, opts *Options) (*File, error) {
	if f.closed {
		return nil, ErrClosed
	}
	if from < 0 || to < from || to > f.hdr.Frames {
		return nil, fmt.Errorf("%w: frames [%d, %d) out of range [0, %d)", ErrArgument, from, to, f.hdr.Frames)
	}
	opts, err := f.withMetadata(opts)
	if err != nil {
		return nil, err
	}
	dst, err := Create(name, f.hdr.Format, to-from, opts)
	if err != nil {
		return nil, err
	}
	fsz := int64(f.hdr.Format.FrameSize())
	err = Guard(func() error {
		copy(dst.data, f.data[from*fsz:to*fsz])
		return nil
	})
	if err != nil {
		dst.Discard()
		return nil, err
	}
	return dst, nil
}

// CreateFrom makes a new file holding the samples of m, with the encoding
// of T and the given sample rate, as Create does, and returns it mapped
// read-write; Close gives it its name.
func CreateFrom[T Sample](name string, m Frames[T], sampleRate int, opts *Options) (*File, error) {
	format := Format{Encoding: encodingOf[T](), Channels: m.Channels, SampleRate: sampleRate}
	dst, err := Create(name, format, int64(m.Len()), opts)
	if err != nil {
		return nil, err
	}
	s, err := Samples[T](dst)
	if err == nil {
		err = Guard(func() error {
			copy(s, m.Data)
			return nil
		})
	}
	if err != nil {
		dst.Discard()
		return nil, err
	}
	return dst, nil
}

// fill sets every byte of d to b: it doubles a filled prefix with copy up
// to 64 KiB, then copies that cache-resident block along.
func fill(d []byte, b byte) {
	if len(d) == 0 {
		return
	}
	d[0] = b
	n := 1
	for ; n < len(d) && n < 64<<10; n *= 2 {
		copy(d[n:], d[:n])
	}
	for i := n; i < len(d); i += n {
		copy(d[i:], d[:n])
	}
}

// encodeWithMetadata encodes the header of spec with the chunks of m: those
// before the data in it (with the spare room Create leaves for later
// edits), and, when afterOK, those after the data returned apart, copied,
// for the caller to write when the audio is complete (otherwise they go
// before the data too).
func encodeWithMetadata(spec riff.Spec, m *Metadata, afterOK bool) (riff.Spec, []riff.RawChunk, []byte, error) {
	before, after, err := m.layout(afterOK)
	if err != nil {
		return spec, nil, nil, err
	}
	spec.Before, spec.Spare = before, m.spare()
	for i, c := range after { // kept until Close: the caller may change m meanwhile
		after[i].Data = append([]byte(nil), c.Data...)
	}
	head, err := riff.Encode(spec)
	if err != nil {
		return spec, nil, nil, encodeError(err)
	}
	return spec, after, head, nil
}

// encodeError is the error of a header that riff.Encode refuses: sizes
// that the container cannot hold wrap ErrSizeLimit, anything else
// ErrArgument.
func encodeError(err error) error {
	if errors.Is(err, riff.ErrTooBig) {
		return fmt.Errorf("%w: %w", ErrSizeLimit, err)
	}
	return fmt.Errorf("%w: %w", ErrArgument, err)
}
