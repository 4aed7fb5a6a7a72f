package wavemap

import (
	"context"
	"fmt"
	"io"
	"math"
	"sync"
)

// Passes over a Reader: the streaming counterparts of Pass, Measure and
// TranscodeTo. A stream cannot be split among workers the way a mapping
// can, so every one of them reads the stream in order on a goroutine of
// its own, one block ahead of the work, and works on the blocks as they
// come: memory holds a few blocks, whatever the stream's length.

// streamTranscodeBlock is the number of samples TranscodeReader reads
// and converts at a time (at most 2 MiB of f64 per buffer).
const streamTranscodeBlock = 1 << 18

// streamBlock is one block read by a streamPass: n frames at frame start
// of the pass, in buf, or the error that ended the reading.
type streamBlock[T Sample] struct {
	buf   []T
	start int64
	n     int
	err   error
}

// streamPass reads the audio of r from where it stands, in blocks of
// block frames (the last may be shorter: ReadFrames fills a buffer whole
// but at the end of the audio), at most limit frames (all of them when
// limit < 0), and calls fn on every block from workers goroutines
// (in order, on the calling goroutine, when workers is 1), with start
// the index of the block's first frame counted from where the pass
// began. The reading runs on a goroutine of its own, ahead of fn, with
// workers+1 buffers in all.
//
// Before every block the context is checked: a cancelled pass reads and
// works on no new block. A read error, after the whole frames before it
// have been through fn, ends the pass, as does the first error of fn.
// The reading goroutine has always ended when streamPass returns, so r
// may be used again; a Read in progress is not interrupted, though (a
// source that never answers keeps the pass waiting: close it).
//
// It returns the number of frames that fn finished on: all the frames
// read when err is nil.
func streamPass[T Sample](p *passRun, r *Reader, block int, limit int64, workers int, fn func(start int64, b Frames[T]) error) (int64, error) {
	if err := checkType[T](r.hdr.Format.Encoding); err != nil {
		return 0, err
	}
	ch := r.hdr.Format.Channels
	block = max(1, block)
	total := r.remaining()
	if limit >= 0 && (total < 0 || limit < total) {
		total = limit
	}
	if total >= 0 && total < int64(block) {
		block = int(max(1, total)) // a short stream needs no full-size buffer
	}
	workers = max(1, workers)

	free := make(chan []T, workers+1)
	for range workers + 1 {
		free <- make([]T, block*ch)
	}
	full := make(chan streamBlock[T], workers)
	stop := make(chan struct{})
	var cancelled bool // the reader stopped for the context (read after full is closed)
	go func() {
		defer close(full)
		var read int64
		for limit < 0 || read < limit {
			var buf []T
			select {
			case <-stop:
				return
			default:
			}
			select {
			case <-stop:
				return
			case buf = <-free:
			}
			if p.ctx.Err() != nil {
				cancelled = true
				return
			}
			want := block
			if limit >= 0 {
				want = int(min(int64(want), limit-read))
			}
			n, err := ReadFrames(r, buf[:want*ch])
			switch {
			case n > 0:
				full <- streamBlock[T]{buf: buf, start: read, n: n}
				read += int64(n)
			case err == io.EOF:
				return
			default:
				full <- streamBlock[T]{err: err}
				return
			}
		}
	}()

	var (
		mu       sync.Mutex
		first    error
		done     int64
		progress = p.opts.Progress
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		if first == nil {
			first = err
			close(stop)
		}
		mu.Unlock()
	}
	failed := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return first != nil
	}
	work := func() {
		for b := range full {
			if failed() {
				continue // drain, so that the reader can end
			}
			if b.err != nil {
				fail(b.err)
				continue
			}
			mu.Lock()
			d := done
			mu.Unlock()
			if err := streamStopped(p.ctx, d); err != nil {
				fail(err)
				continue
			}
			if err := fn(b.start, Frames[T]{Data: b.buf[:b.n*ch], Channels: ch}); err != nil {
				fail(err)
				continue
			}
			mu.Lock()
			done += int64(b.n)
			if progress != nil {
				progress(done, total)
			}
			mu.Unlock()
			free <- b.buf
		}
	}
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	if first == nil && cancelled {
		first = streamStopped(p.ctx, done)
	}
	return done, first
}

// streamStopped returns nil while ctx is live, and otherwise the error of
// a stream pass stopped by it, wrapping ctx.Err().
func streamStopped(ctx context.Context, done int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("wavemap: stream pass stopped after %d frames: %w", done, err)
	}
	return nil
}

// remaining returns the number of frames the stream declares after the
// frames read so far, or -1 when it does not declare its length.
func (r *Reader) remaining() int64 {
	if r.limit < 0 {
		return -1
	}
	return max(0, (r.limit-r.pos)/r.fsz)
}

// ReadPass calls fn on consecutive blocks of the audio of r, from where r
// stands to the end of its audio: the streaming counterpart of Pass, for
// a check or a computation of your own over standard input or a pipe. T
// must be the Go type of the stream's encoding; otherwise the error is a
// *TypeError.
//
// Blocks hold opts.BlockFrames frames (DefaultBlockFrames by default;
// the last block may be shorter) and come in the order of the stream,
// one at a time, on the calling goroutine (opts.Workers is not used),
// while the next block is read on another goroutine. start is the index
// of the block's first frame, counted from where r stood. A block's
// samples are valid until fn returns: the buffers are reused, and must be
// copied to be kept. Memory holds two blocks, whatever the stream's
// length.
//
// opts.Progress is called after each block with the frames done and the
// total that the stream declares (-1 when it does not). The first error
// of fn stops the pass and is returned; so is a read error (such as
// io.ErrUnexpectedEOF for a stream that ends inside a frame, after fn
// has had the whole frames before it). When ctx is done, no new block is
// read and the error wraps ctx.Err(). A Read of the source already in
// progress is not interrupted: close the source to end one that may
// never return. After an error, r stands at an unspecified frame.
func ReadPass[T Sample](ctx context.Context, r *Reader, opts *PassOptions, fn func(start int64, b Frames[T]) error) error {
	if r == nil || fn == nil {
		return fmt.Errorf("wavemap: ReadPass: nil argument: %w", ErrArgument)
	}
	p := newPassRun(ctx, opts)
	_, err := streamPass(p, r, p.opts.BlockFrames, -1, 1, fn)
	return err
}

// MeasureReader is Measure over the audio of a stream, from where r
// stands to the end of its audio, in one pass in the order of the
// stream: the same statistics, equal to the bit to those Measure gives
// for a file holding the same audio and format (ValidBits included) with
// the same opts, for every encoding, big-endian ones too.
//
// The stream is read in blocks of opts.BlockFrames frames (as Measure
// cuts a file; DefaultBlockFrames by default) on a goroutine of its own,
// and opts.Workers goroutines (GOMAXPROCS by default) measure the blocks
// read, so memory holds Workers+1 blocks whatever the stream's length.
// opts.Progress is called after each block with the frames done and the
// total that the stream declares (-1 when it does not), from the
// measuring goroutines, one call at a time.
//
// A read error (such as io.ErrUnexpectedEOF for a stream that ends
// inside a frame) is returned with no statistics; a stream shorter than
// its header declares is measured as far as it goes, with a
// WarnDataSize warning (an error with Options.Strict), as NewReader
// documents. When ctx is done, no new block is read and the error wraps
// ctx.Err(); a Read of the source already in progress is not
// interrupted. After an error, r stands at an unspecified frame.
func MeasureReader(ctx context.Context, r *Reader, opts *PassOptions) ([]ChannelStats, error) {
	if r == nil {
		return nil, fmt.Errorf("wavemap: MeasureReader of a nil *Reader: %w", ErrArgument)
	}
	k, err := kindFor(r.Format().Encoding)
	if err != nil {
		return nil, fmt.Errorf("wavemap: MeasureReader: %w", err)
	}
	return k.measureReader(newPassRun(ctx, opts), r)
}

// measureReader is MeasureReader for streams of T.
func measureReader[T Sample](p *passRun, r *Reader) ([]ChannelStats, error) {
	fm := r.Format()
	ms := newMeasurer(Frames[T]{Channels: fm.Channels}, fm.ValidBits)
	_, err := streamPass(p, r, p.opts.BlockFrames, -1, p.opts.Workers, func(start int64, b Frames[T]) error {
		return ms.block(measureStart(start), b)
	})
	if err != nil {
		return nil, err
	}
	return ms.result(), nil
}

// measureStart returns the frame index a measurer is given for a block at
// frame start of a stream. The measurers use it only to place their runs
// at multiples of statChunk (or of a shorter run: see newSwapMeasurer),
// so it is start itself wherever it fits an int, as Measure has it; past
// that (on 32-bit machines, past 2^31 frames, which Measure cannot map)
// it is start reduced modulo a large power of two, a multiple of
// statChunk.
func measureStart(start int64) int {
	if start <= math.MaxInt {
		return int(start)
	}
	return int(start % (statChunk << 14))
}

// TranscodeReader converts frames of the stream r into w's encoding (same
// channel count), with Convert's rules and opts.Scaling (PowerOfTwo by
// default), as Transcode and TranscodeTo do, and writes them to w: the
// next frames frames of r, or all of them to the end of its audio when
// frames < 0. It returns the number of frames copied and of samples
// clipped. It does not close w.
//
// The audio ending before frames is no error: copied is then less than
// frames (so a command can stop at the end with a warning, as sox and
// ffmpeg do). To copy a range, Skip to its start first:
//
//	skipped, err := r.Skip(from) // skipped < from: the stream ended first
//	...
//	copied, clipped, err := wavemap.TranscodeReader(ctx, w, r, n, nil)
//
// The stream is read on a goroutine of its own, one block (a quarter
// million samples) ahead of the conversion, which runs on opts.Workers
// goroutines (GOMAXPROCS by default), and blocks are written in order;
// memory holds three blocks, whatever the stream's length. opts.Progress
// is called after each block is written with the frames copied and the
// frames to copy (-1 when the stream does not declare its length).
// BlockFrames and DryRun are not used.
//
// A read error (such as io.ErrUnexpectedEOF for a stream that ends inside
// a frame) or a write error ends the copy with copied counting the frames
// written before it. When ctx is done, no further block is read or
// written and the error wraps ctx.Err(); w then holds the first copied
// frames.
//
// Only samples are written: w's metadata chunks are those given to
// NewWriter in Options.Metadata (r.Metadata() to keep the chunks of r
// before its audio). TranscodeReader does not call w.Reserve, since the
// length a stream declares is a claim: call it first when it is trusted.
func TranscodeReader(ctx context.Context, w *Writer, r *Reader, frames int64, opts *PassOptions) (copied, clipped int64, err error) {
	if w == nil || r == nil {
		return 0, 0, fmt.Errorf("wavemap: TranscodeReader: nil argument: %w", ErrArgument)
	}
	if w.Format().Channels != r.Format().Channels {
		return 0, 0, fmt.Errorf("wavemap: TranscodeReader: %d channels into %d: %w",
			r.Format().Channels, w.Format().Channels, ErrArgument)
	}
	k, err := kindFor(r.Format().Encoding)
	if err != nil {
		return 0, 0, fmt.Errorf("wavemap: TranscodeReader: %w", err)
	}
	return k.transcodeReader(newPassRun(ctx, opts), w, r, frames)
}

// transcodeReader is TranscodeReader for streams of S.
func transcodeReader[S Sample](p *passRun, w *Writer, r *Reader, frames int64) (copied, clipped int64, err error) {
	de := w.Format().Encoding
	ch := r.Format().Channels
	fsz := w.Format().FrameSize()
	block := max(1, streamTranscodeBlock/ch)
	workers := p.opts.Workers
	if de == r.Format().Encoding && (hostLittleEndian || !hostOrder[S]()) {
		// The same encoding: the samples read are the bytes to write.
		copied, err = streamPass(p, r, block, frames, 1, func(_ int64, b Frames[S]) error {
			_, err := w.Write(sampleBytes(b.Data))
			return err
		})
		return copied, 0, err
	}
	// Samples in the CPU's byte order must be written little-endian: on
	// a big-endian CPU they are converted to the big-endian type of the
	// same encoding, whose bytes are then reversed.
	ce, swap := de, 0
	if !hostLittleEndian && !de.BigEndian() && de.Size() > 1 && de != EncodingInt24 {
		ce, swap = de.WithOrder(true), de.Size()
	}
	conv, err := converterTo[S](ce, p.opts.Scaling)
	if err != nil {
		return 0, 0, fmt.Errorf("wavemap: TranscodeReader: %w", err)
	}
	out := sampleBytes(make([]float64, (block*fsz+7)/8)) // aligned for every sample type
	var mu sync.Mutex
	copied, err = streamPass(p, r, block, frames, 1, func(_ int64, b Frames[S]) error {
		n := b.Len()
		buf := out[:n*fsz]
		sub := &passRun{ctx: context.Background(), opts: PassOptions{Workers: workers, BlockFrames: max(1, (n+workers-1)/workers)}}
		err := parallelBlocks(sub, b, func(i int, part Frames[S]) error {
			c, err := conv(buf[i*fsz:(i+part.Len())*fsz], part.Data)
			if c != 0 {
				mu.Lock()
				clipped += int64(c)
				mu.Unlock()
			}
			return err
		})
		if err != nil {
			return err
		}
		if swap != 0 {
			swapToHost(buf, swap)
		}
		_, err = w.Write(buf)
		return err
	})
	return copied, clipped, err
}

// Skip reads and discards the next frames frames of the audio and
// returns how many it discarded: fewer only when the audio ends first,
// which is no error (it is the caller's to clamp a range, with a
// warning if it likes). A stream that ends inside a frame returns the
// whole frames and io.ErrUnexpectedEOF; other errors are the source's.
// Skip reads the stream: it takes as long as reading the frames would.
// Like ReadFrames, it can only follow a Read at a frame boundary.
func (r *Reader) Skip(frames int64) (int64, error) {
	if frames < 0 || frames > math.MaxInt64/r.fsz {
		return 0, fmt.Errorf("%w: Skip of %d frames", ErrArgument, frames)
	}
	if r.pos%r.fsz != 0 {
		return 0, fmt.Errorf("%w: Skip after a Read that stopped inside a frame (%d bytes into one)", ErrArgument, r.pos%r.fsz)
	}
	if frames == 0 {
		return 0, nil
	}
	n, err := io.CopyN(io.Discard, r, frames*r.fsz)
	whole := n / r.fsz
	switch {
	case n%r.fsz != 0:
		return whole, io.ErrUnexpectedEOF
	case err == io.EOF:
		return whole, nil
	}
	return whole, err
}

func (kindOf[T]) measureReader(p *passRun, r *Reader) ([]ChannelStats, error) {
	return measureReader[T](p, r)
}

func (kindOf[T]) transcodeReader(p *passRun, w *Writer, r *Reader, frames int64) (int64, int64, error) {
	return transcodeReader[T](p, w, r, frames)
}
