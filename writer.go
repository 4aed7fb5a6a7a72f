package wavemap

import (
	"bufio"
	"fmt"
	"io"
	"math"

	"github.com/wavemap/wavemap/internal/riff"
)

// Writer writes a WAVE stream to an io.Writer, block by block, for
// destinations that cannot be mapped or whose length is not known in
// advance: standard output, pipes, sockets, or a file written as the audio
// arrives.
//
// NewWriter writes the header at once, with the sizes that mean "unknown"
// (0xFFFFFFFF, the streaming convention that ffmpeg, sox and libsndfile
// read to the end of the input). When the destination can seek (an
// *os.File on a regular file, or any io.WriteSeeker whose Seek works), Close
// goes back and writes the final sizes, switching the reserved JUNK chunk to
// an RF64 ds64 chunk if the audio passed 4 GiB; otherwise the placeholder
// sizes stay, whatever the length. So a process killed before Close leaves
// a file that those tools still read to its end.
//
// Writes are buffered (64 KiB); memory stays bounded whatever the stream's
// length. A Writer is not safe for concurrent use.
type Writer struct {
	dst    io.Writer
	bw     *bufio.Writer
	seeker io.WriteSeeker // non-nil when the sizes can be patched
	at     io.WriterAt    // preferred to seeker for patching, when present
	start  int64          // offset of the header in a seekable destination
	format Format
	spec   riff.Spec
	head   int64 // header length
	max    int64 // most audio bytes the container can hold
	n      int64 // audio bytes written
	err    error // sticky write error
	closed bool
	swap   []byte          // byte-order scratch for big-endian hosts
	res    *reservation    // set by Reserve
	after  []riff.RawChunk // Options.Metadata's chunks to write after the audio (seekable only)
	tail   int64           // bytes of those chunks, after even audio
}

// writerBuffer is the Writer's buffer size.
const writerBuffer = 64 << 10

// NewWriter writes the header of a WAVE file holding samples of the given
// format to w and returns a Writer for its audio. opts.Container selects the
// container as for Create: AutoContainer (the default) and RIFF write plain
// RIFF (with room reserved for a ds64 chunk: AutoContainer becomes RF64 on
// Close past 4 GiB when w can seek; RIFF refuses to grow past 4 GiB); RF64,
// BW64 and Wave64 force those layouts; RIFX (chosen by itself for a format
// of big-endian samples, s16be ... f64be) writes big-endian RIFF, which
// refuses to grow past 4 GiB. The other options are not used.
//
// NewWriter checks whether w can seek by asking it for its current offset
// (Seek(0, io.SeekCurrent)); the header is written there.
//
// opts.Metadata gives the stream other chunks, as for Create: those
// without AfterData go into the header, before the data (with a JUNK
// chunk of at least 1 KiB after them, the data then starting at a
// multiple of 4096 from the header's start). Those with AfterData follow
// the audio, written by Close, when w can seek and the container is not
// Wave64. A destination that cannot seek gets them in the header too,
// after the others: its sizes stay the streaming placeholders, and a
// reader of such a stream takes every byte after the data chunk's header
// for audio, so nothing can follow the audio.
func NewWriter(w io.Writer, format Format, opts *Options) (*Writer, error) {
	opts = opts.orDefault()
	if w == nil {
		return nil, fmt.Errorf("%w: nil io.Writer", ErrArgument)
	}
	if err := format.Validate(); err != nil {
		return nil, err
	}
	spec, err := specFor(format, -1, opts.Container)
	if err != nil {
		return nil, err
	}
	wr := &Writer{dst: w, format: format}
	if ws, ok := w.(io.WriteSeeker); ok {
		if off, err := ws.Seek(0, io.SeekCurrent); err == nil && off >= 0 {
			wr.seeker, wr.start = ws, off
			wr.at, _ = w.(io.WriterAt)
		}
	}
	// Chunks after the data need sizes that say where the audio ends:
	// a stream that cannot seek gets them before it, as Wave64 does.
	spec, after, head, err := encodeWithMetadata(spec, opts.Metadata, wr.seeker != nil && spec.Container != riff.ContainerWave64)
	if err != nil {
		return nil, err
	}
	wr.spec, wr.after, wr.head, wr.max = spec, after, int64(len(head)), 1<<62
	if len(after) > 0 {
		tr, err := riff.Trailer(spec.Container, 0, after)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrArgument, err)
		}
		wr.tail = int64(len(tr))
	}
	if opts.Container == RIFF || spec.Container == riff.ContainerRIFX {
		// The RIFF size counts the header, the pad byte and the chunks
		// after the audio, minus 8.
		wr.max = math.MaxUint32 - wr.head - wr.tail
	}
	wr.bw = bufio.NewWriterSize(w, writerBuffer)
	if _, err := wr.bw.Write(head); err != nil {
		return nil, err
	}
	return wr, nil
}

// Format returns the format of the samples.
func (w *Writer) Format() Format { return w.format }

// Frames returns the number of whole frames written so far.
func (w *Writer) Frames() int64 { return w.n / int64(w.format.FrameSize()) }

// Seekable reports whether Close will write the final sizes into the
// header, because the destination can seek.
func (w *Writer) Seekable() bool { return w.seeker != nil }

// Write writes raw audio bytes, in the file's byte order (little-endian,
// big-endian for the s16be ... encodings of RIFX). The bytes written by
// Close's time must make whole frames; Write itself may stop anywhere.
func (w *Writer) Write(p []byte) (int, error) {
	if err := w.check(len(p)); err != nil {
		return 0, err
	}
	return w.write(p)
}

func (w *Writer) write(p []byte) (int, error) {
	n, err := w.bw.Write(p)
	w.n += int64(n)
	if err != nil {
		w.err = err
	}
	if w.res != nil {
		w.res.wrote(w.start + w.head + w.n - int64(w.bw.Buffered()))
	}
	return n, err
}

// check refuses writes after Close or an error, and writes past the
// container's limit.
func (w *Writer) check(n int) error {
	switch {
	case w.closed:
		return ErrClosed
	case w.err != nil:
		return w.err
	case int64(n) > w.max-w.n:
		return fmt.Errorf("%w: %d more bytes of audio after %d do not fit a %s file", ErrSizeLimit, n, w.n, w.spec.Container)
	}
	return nil
}

// WriteFrames writes the interleaved samples of src, which must be whole
// frames (len(src) a multiple of Channels). T must be the Go type of the
// Writer's encoding; otherwise the error is a *TypeError. Samples of int16,
// int32, float32 and float64 are taken in the host's byte order and
// written little-endian; the other types are bytes in file order.
func WriteFrames[T Sample](w *Writer, src []T) error {
	if err := checkType[T](w.format.Encoding); err != nil {
		return err
	}
	if len(src)%w.format.Channels != 0 {
		return fmt.Errorf("%w: %d samples do not make whole frames of %d channels", ErrArgument, len(src), w.format.Channels)
	}
	b := sampleBytes(src)
	size := w.format.Encoding.Size()
	if hostLittleEndian || !hostOrder[T]() {
		_, err := w.Write(b)
		return err
	}
	if err := w.check(len(b)); err != nil {
		return err
	}
	if w.swap == nil {
		w.swap = make([]byte, writerBuffer)
	}
	for len(b) > 0 {
		k := copy(w.swap, b)
		swapToHost(w.swap[:k], size)
		if _, err := w.Write(w.swap[:k]); err != nil {
			return err
		}
		b = b[k:]
	}
	return nil
}

// Flush writes the buffered audio to the destination, so that a reader at
// the other end of a pipe gets it now.
func (w *Writer) Flush() error {
	if w.closed {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		w.err = err
	}
	return w.err
}

// Close finishes the file: it flushes the buffer and, when the destination
// can seek, writes the pad byte that follows odd-sized audio (not in
// Wave64) and the chunks of Options.Metadata that go after the audio,
// writes the final sizes into the header and leaves the destination's
// offset at the end of the file. A stream of unknown length
// gets no pad byte, since its readers would take it for audio. It does not close the destination. If the
// bytes written do not make whole frames, the file is finished all the same
// (readers ignore the ragged tail) and Close reports it with an error
// wrapping ErrArgument. Closing a closed Writer returns ErrClosed.
func (w *Writer) Close() error {
	if w.closed {
		return ErrClosed
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	// A reader of a stream of unknown length (ffmpeg, sox) takes every
	// byte to the end for audio: the pad byte is written only when the
	// sizes will say where the audio ends.
	end := w.start + w.head + w.n
	switch {
	case len(w.after) > 0:
		// Only a destination that can seek has chunks after the audio.
		tr, err := riff.Trailer(w.spec.Container, w.n, w.after)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrArgument, err)
		}
		if _, err := w.bw.Write(tr); err != nil {
			return err
		}
		end += int64(len(tr))
	case w.n&1 == 1 && w.seeker != nil && w.spec.Container != riff.ContainerWave64:
		if err := w.bw.WriteByte(0); err != nil {
			return err
		}
		end++
	}
	if err := w.bw.Flush(); err != nil {
		return err
	}
	if w.seeker != nil {
		if err := w.patch(); err != nil {
			return err
		}
	}
	if w.res != nil {
		if err := w.res.finish(end); err != nil {
			return err
		}
	}
	if tail := w.n % int64(w.format.FrameSize()); tail != 0 {
		return fmt.Errorf("%w: %d audio bytes written, not a whole number of %d-byte frames (%d bytes over)", ErrArgument, w.n, w.format.FrameSize(), tail)
	}
	return nil
}

// patch rewrites the header with the final sizes. Encode gives a header of
// the same length for every size, so the audio does not move.
func (w *Writer) patch() error {
	spec := w.spec
	spec.DataSize, spec.After = w.n, w.after
	head, err := riff.Encode(spec)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if int64(len(head)) != w.head {
		return fmt.Errorf("wavemap: internal error: final header of %d bytes, %d reserved", len(head), w.head)
	}
	if w.at != nil {
		if _, err := w.at.WriteAt(head, w.start); err != nil {
			return fmt.Errorf("wavemap: writing the final header: %w", err)
		}
		return nil
	}
	end, err := w.seeker.Seek(0, io.SeekCurrent)
	if err != nil {
		return fmt.Errorf("wavemap: writing the final header: %w", err)
	}
	if _, err := w.seeker.Seek(w.start, io.SeekStart); err != nil {
		return fmt.Errorf("wavemap: writing the final header: %w", err)
	}
	if _, err := w.seeker.Write(head); err != nil {
		return fmt.Errorf("wavemap: writing the final header: %w", err)
	}
	if _, err := w.seeker.Seek(end, io.SeekStart); err != nil {
		return fmt.Errorf("wavemap: writing the final header: %w", err)
	}
	return nil
}
