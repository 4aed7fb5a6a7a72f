package wavemap

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"unsafe"

	"github.com/wavemap/wavemap/internal/riff"
)

// Reader decodes a WAVE stream read through an io.Reader, for sources that
// cannot be mapped: standard input, pipes, sockets, HTTP bodies. It parses
// the header with the same code as Open, then hands out the audio block by
// block into buffers the caller owns (ReadFrames, ReadBlocks) or as raw
// bytes in the stream's byte order (Read).
//
// A Reader holds no buffer of its own beyond a few header bytes: audio goes
// straight from the source into the caller's slice, so memory stays bounded
// whatever the stream's length. It does not read ahead either: when the data
// chunk declares its size, nothing after the audio is read, so several WAVE
// files sent back to back on one stream can be read one after the other (the
// pad byte of odd-sized data is left unread). Wrap a slow source that is read
// in many small pieces in a bufio.Reader.
//
// A Reader is not safe for concurrent use.
type Reader struct {
	src    io.Reader // the audio: the header parse's leftover bytes, then the source
	hdr    Header
	warn   func(Warning)
	strict bool
	fsz    int64 // bytes per frame
	limit  int64 // audio bytes the data chunk declares; -1 if the stream runs to its end
	pos    int64 // audio bytes delivered so far
	err    error // sticky: the end of the audio or a read error
	meta   *Metadata
}

// NewReader reads the header of the WAVE stream r (RIFF, RIFX, RF64, BW64
// or Wave64) up to the start of the audio and returns a Reader for the
// audio.
// It reads the header sequentially, never seeking.
//
// Recoverable header problems are reported to opts.Warn and kept in
// Header().Warnings; with opts.Strict they are errors, as for Open.
// A stream written without knowing its length (sizes of 0xFFFFFFFF or 0, as
// ffmpeg and sox write to a pipe) is reported as a WarnStreamingSize warning,
// and its audio runs to the end of the stream; Header().Frames is then -1.
// Unrecoverable problems return a *FormatError wrapping a sentinel
// (ErrNotWAVE, ErrUnsupported ...), exactly as Open does. Only
// opts.Warn and opts.Strict are used.
func NewReader(r io.Reader, opts *Options) (*Reader, error) {
	opts = opts.orDefault()
	if r == nil {
		return nil, fmt.Errorf("%w: nil io.Reader", ErrArgument)
	}
	sa := &seqReaderAt{r: r}
	rh, err := riff.Parse(sa, -1, riff.Options{Stream: true, Strict: opts.Strict})
	if err != nil {
		return nil, fromRIFFError("", err)
	}
	h, err := headerFromRIFF("", rh)
	if err != nil {
		return nil, err
	}
	rd := &Reader{hdr: *h, warn: opts.Warn, strict: opts.Strict, fsz: int64(h.Format.FrameSize()), limit: rh.DataSize}
	rd.meta = streamMetadata(h, sa.head)
	if rh.DataSize < 0 {
		rd.hdr.Frames = -1
	}
	// The parse may have read a little past the start of the audio (one
	// byte, after a chunk that lacks its pad byte): serve that first.
	rest, err := sa.from(rh.DataOffset)
	if err != nil {
		return nil, &FormatError{Offset: rh.DataOffset, Chunk: FourCC(riff.IDData), Msg: err.Error(), Err: ErrInvalid}
	}
	rd.src = r
	if len(rest) > 0 {
		rd.src = io.MultiReader(bytes.NewReader(rest), r)
	}
	if opts.Warn != nil {
		for _, w := range rd.hdr.Warnings {
			opts.Warn(w)
		}
	}
	return rd, nil
}

// Header returns the parsed header. Chunks lists the chunks up to the data
// chunk only (a stream is not read beyond its audio); the data chunk's Size
// is -1 when the stream does not declare it. The caller must not modify it.
func (r *Reader) Header() *Header { return &r.hdr }

// Format returns the format of the samples.
func (r *Reader) Format() Format { return r.hdr.Format }

// Metadata returns the metadata chunks of the stream (see Metadata) that
// come before its audio, with their payloads, which NewReader kept while
// it read the header (the first 16 MiB of the stream at most: a chunk
// that ends past them is left out). A stream is not read beyond its
// audio, so the chunks after the data are not seen: a file read through
// Open has them all. The caller may change the result: each call returns
// a new copy.
func (r *Reader) Metadata() *Metadata { return r.meta.Clone() }

// streamMetadata returns the metadata chunks of h (the header of a
// stream, whose chunks stop at the data) whose payloads lie within head,
// the first bytes of the stream.
func streamMetadata(h *Header, head []byte) *Metadata {
	m := &Metadata{}
	for _, c := range h.Chunks {
		if framing(c.ID) || c.Size < 0 || c.DataOffset < 0 || c.DataOffset+c.Size > int64(len(head)) {
			continue
		}
		m.Chunks = append(m.Chunks, RawChunk{ID: c.ID, Data: head[c.DataOffset : c.DataOffset+c.Size : c.DataOffset+c.Size]})
	}
	return m
}

// Offset returns the number of whole frames delivered so far by
// ReadFrames, ReadBlocks and Read.
func (r *Reader) Offset() int64 { return r.pos / r.fsz }

// Read reads raw audio bytes, in the stream's byte order (big-endian for a
// RIFX stream's s16be ... samples), into p.
// It returns io.EOF at the end of the audio. Read may stop in the middle of a
// frame; ReadFrames and ReadBlocks can only follow it at a frame boundary.
func (r *Reader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if r.err != nil {
		return 0, r.err
	}
	want := int64(len(p))
	if r.limit >= 0 {
		want = min(want, r.limit-r.pos)
		if want == 0 {
			r.err = io.EOF
			return 0, r.err
		}
	}
	n, err := r.src.Read(p[:want])
	if n < 0 || int64(n) > want {
		r.err = fmt.Errorf("%w: the source returned %d bytes for a %d-byte read", ErrArgument, n, want)
		return 0, r.err
	}
	r.pos += int64(n)
	switch {
	case err == io.EOF:
		r.err = r.atEOF()
		if n > 0 {
			return n, nil
		}
		return 0, r.err
	case err != nil:
		r.err = err
	}
	return n, err
}

// readFull fills p from the audio, as io.ReadFull does: it returns fewer
// bytes only with an error, which is io.EOF when no byte was read.
func (r *Reader) readFull(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		k, err := r.Read(p[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// atEOF decides what the end of the source means: the end of the audio, or
// (when the data chunk declared more) a truncated stream, which is a
// WarnDataSize warning, or an error in strict mode.
func (r *Reader) atEOF() error {
	if r.limit < 0 || r.pos >= r.limit {
		return io.EOF
	}
	w := Warning{Kind: WarnDataSize, Offset: r.hdr.DataOffset + r.pos, Chunk: FourCC(riff.IDData),
		Msg: fmt.Sprintf("data chunk declares %d bytes, the stream ended after %d", r.limit, r.pos)}
	if r.strict {
		return &FormatError{Offset: w.Offset, Chunk: w.Chunk, Msg: w.Msg, Err: w}
	}
	r.hdr.Warnings = append(r.hdr.Warnings, w)
	if r.warn != nil {
		r.warn(w)
	}
	return io.EOF
}

// ReadFrames reads whole frames into dst, len(dst)/Channels of them at
// most, and returns how many it read: samples dst[:n*Channels] are filled.
// T must be the Go type of the stream's encoding; otherwise the error is a
// *TypeError. ReadFrames waits for dst to be full and returns fewer frames
// only at the end of the audio. After the last frame it returns 0 and
// io.EOF; a stream that ends inside a frame returns its whole frames first,
// then io.ErrUnexpectedEOF. Other errors are the source's. A dst shorter than
// one frame returns io.ErrShortBuffer.
//
// Samples of int16, int32, float32 and float64 are delivered in the host's
// byte order: the bytes are converted on big-endian machines. Int24 and the
// big-endian types (Int16BE ...) are bytes in file order.
func ReadFrames[T Sample](r *Reader, dst []T) (n int, err error) {
	if err := checkType[T](r.hdr.Format.Encoding); err != nil {
		return 0, err
	}
	ch := r.hdr.Format.Channels
	frames := len(dst) / ch
	if frames == 0 {
		if len(dst) == 0 {
			return 0, nil
		}
		return 0, io.ErrShortBuffer
	}
	if r.err != nil {
		return 0, r.err
	}
	if r.pos%r.fsz != 0 {
		return 0, fmt.Errorf("%w: ReadFrames after a Read that stopped inside a frame (%d bytes into one)", ErrArgument, r.pos%r.fsz)
	}
	b := sampleBytes(dst[:frames*ch])
	got, err := r.readFull(b)
	whole := got / int(r.fsz)
	if !hostLittleEndian && hostOrder[T]() {
		swapToHost(b[:whole*int(r.fsz)], r.hdr.Format.Encoding.Size())
	}
	if got%int(r.fsz) != 0 {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
			r.err = err
		}
		if err != nil {
			r.err = err
		}
	}
	if whole > 0 {
		return whole, nil
	}
	return 0, err
}

// DefaultStreamBlock is the block size ReadBlocks uses when asked for 0
// frames.
const DefaultStreamBlock = 4096

// ReadBlocks returns an iterator over the audio in blocks of the given
// number of frames (DefaultStreamBlock if frames < 1); the last block may
// be shorter. T must be the Go type of the stream's encoding.
//
// Every block is a view of one buffer that the iterator allocates once and
// reuses: a block's samples are valid until the loop body returns, and must
// be copied to be kept. The iteration ends after the last block. If reading
// fails (a *TypeError, a truncated frame, a read error) the iterator yields
// an empty Frames and the error, once, and stops.
func ReadBlocks[T Sample](r *Reader, frames int) iter.Seq2[Frames[T], error] {
	return func(yield func(Frames[T], error) bool) {
		if err := checkType[T](r.hdr.Format.Encoding); err != nil {
			yield(Frames[T]{}, err)
			return
		}
		if frames < 1 {
			frames = DefaultStreamBlock
		}
		ch := r.hdr.Format.Channels
		if r.limit >= 0 {
			// A short stream needs no full-size buffer.
			frames = int(min(int64(frames), (r.limit-r.pos)/r.fsz+1))
		}
		buf := make([]T, frames*ch)
		for {
			n, err := ReadFrames(r, buf)
			if n > 0 {
				if !yield(Frames[T]{Data: buf[:n*ch], Channels: ch}, nil) {
					return
				}
				continue
			}
			if err != nil && err != io.EOF {
				yield(Frames[T]{}, err)
			}
			return
		}
	}
}

// sampleBytes views the samples of s as bytes, in the host's byte order.
func sampleBytes[T Sample](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var z T
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(z)))
}

// swapToHost reverses the bytes of each size-byte value in b: little-endian
// file order to big-endian host order, or back. 1-byte samples and packed
// Int24 (a byte array, little-endian in memory too) need no change.
func swapToHost(b []byte, size int) {
	switch size {
	case 2:
		for i := 0; i+1 < len(b); i += 2 {
			b[i], b[i+1] = b[i+1], b[i]
		}
	case 4:
		for i := 0; i+3 < len(b); i += 4 {
			b[i], b[i+1], b[i+2], b[i+3] = b[i+3], b[i+2], b[i+1], b[i]
		}
	case 8:
		for i := 0; i+7 < len(b); i += 8 {
			b[i], b[i+1], b[i+2], b[i+3], b[i+4], b[i+5], b[i+6], b[i+7] = b[i+7], b[i+6], b[i+5], b[i+4], b[i+3], b[i+2], b[i+1], b[i]
		}
	}
}

// seqReaderAt presents a forward-only io.Reader as the io.ReaderAt that
// riff.Parse wants in stream mode. Parse reads forward, asking for exactly
// the bytes it needs; reads that skip ahead discard the bytes in between
// (a chunk of no interest), and the last bytes read are kept so that a read
// may step back a little (Parse looks one byte back after an odd-sized chunk
// without its pad byte).
type seqReaderAt struct {
	r    io.Reader
	pos  int64  // bytes consumed from r
	tail []byte // the last bytes consumed: [pos-len(tail), pos)
	err  error  // the error that ended r
	// head holds the first bytes consumed, [0, len(head)), up to
	// streamMetadataBudget of them: the payloads of the chunks before
	// the audio, for Reader.Metadata.
	head []byte
}

// streamMetadataBudget bounds the header bytes a Reader keeps for
// Metadata: chunks that end past it are left out.
const streamMetadataBudget = 16 << 20

// keepTail bounds the bytes kept for reads that step back.
const keepTail = 64 << 10

var errBackward = errors.New("wavemap: stream header read out of order")

// ReadAt implements io.ReaderAt for offsets at or after pos-len(tail).
func (s *seqReaderAt) ReadAt(p []byte, off int64) (int, error) {
	start := s.pos - int64(len(s.tail))
	if off < start {
		return 0, errBackward
	}
	n := 0
	if off < s.pos {
		n = copy(p, s.tail[off-start:])
	}
	if n == len(p) {
		return n, nil
	}
	if s.err != nil {
		return n, s.err
	}
	if gap := off + int64(n) - s.pos; gap > 0 {
		if err := s.skip(gap); err != nil {
			return n, err
		}
	}
	k, err := io.ReadFull(s.r, p[n:])
	s.remember(p[n : n+k])
	if err != nil {
		if err == io.ErrUnexpectedEOF {
			err = io.EOF
		}
		s.err = err
	}
	return n + k, err
}

// skip consumes n bytes, keeping the last of them in the tail.
func (s *seqReaderAt) skip(n int64) error {
	var buf [4096]byte
	for n > 0 {
		k, err := io.ReadFull(s.r, buf[:min(n, int64(len(buf)))])
		s.remember(buf[:k])
		n -= int64(k)
		if err != nil {
			if err == io.ErrUnexpectedEOF {
				err = io.EOF
			}
			s.err = err
			return err
		}
	}
	return nil
}

// remember appends b to the tail, keeping at most keepTail bytes, and to
// head while it is below streamMetadataBudget.
func (s *seqReaderAt) remember(b []byte) {
	if s.pos == int64(len(s.head)) && len(s.head) < streamMetadataBudget {
		s.head = append(s.head, b[:min(len(b), streamMetadataBudget-len(s.head))]...)
	}
	s.pos += int64(len(b))
	if len(b) >= keepTail {
		s.tail = append(s.tail[:0], b[len(b)-keepTail:]...)
		return
	}
	if over := len(s.tail) + len(b) - keepTail; over > 0 {
		s.tail = append(s.tail[:0], s.tail[over:]...)
	}
	s.tail = append(s.tail, b...)
}

// from returns the bytes already consumed from offset off on.
func (s *seqReaderAt) from(off int64) ([]byte, error) {
	start := s.pos - int64(len(s.tail))
	switch {
	case off >= s.pos:
		if off > s.pos {
			// The parse stopped before the audio: skip to it.
			if err := s.skip(off - s.pos); err != nil {
				return nil, fmt.Errorf("skipping to the audio at byte %d: %w", off, err)
			}
		}
		return nil, nil
	case off < start:
		return nil, errBackward
	}
	return s.tail[off-start:], nil
}
