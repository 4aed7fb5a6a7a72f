package wavemap

import (
	"context"
	"fmt"
	"sync/atomic"
)

// transcodeStreamBlock is the number of samples TranscodeTo converts at a
// time (per buffer): about 2-8 MiB of output, split across the workers.
// Tests change it.
var transcodeStreamBlock = 1 << 20

// TranscodeTo converts every frame of src into w's encoding (same channel
// count) with Convert's rules and opts.Scaling (PowerOfTwo by default) and
// writes them to w, returning the number of clipped samples. It does not
// close w.
//
// This is the fast way to make a converted copy of a mapped file: the
// output goes through write(2) rather than page faults on a fresh mapping,
// and the workers convert the next block while the previous one is being
// written. On Linux, an output of 64 MiB or more into a regular file
// that Reserve could claim is written with O_DIRECT, from the converted
// buffers to the disk without a copy in the page cache (see directio.go):
// the sync that makes it durable then has nothing left to write, and the
// page cache keeps what it held. (The output is then not in the page
// cache for whoever reads it next.) opts sets the workers and a Progress
// function (counting src's frames written); BlockFrames and DryRun are
// ignored. When ctx is done,
// no further block is written and the error wraps ctx.Err(); w then holds
// a prefix of the converted frames (close it and remove what it wrote).
//
// Only samples are written: w's metadata chunks are those given to
// NewWriter in Options.Metadata (src.Metadata() to keep src's).
//
// Unless Reserve was called on w already, TranscodeTo first reserves room
// for all of src's frames (see Writer.Reserve), so a disk too small for
// the output fails before any conversion.
func TranscodeTo(ctx context.Context, w *Writer, src *File, opts *PassOptions) (clipped int64, err error) {
	if w == nil || src == nil {
		return 0, fmt.Errorf("wavemap: TranscodeTo: nil argument: %w", ErrArgument)
	}
	if src.closed {
		return 0, ErrClosed
	}
	if w.Format().Channels != src.Format().Channels {
		return 0, fmt.Errorf("wavemap: TranscodeTo from %s: %d channels into %d: %w",
			src.Name(), src.Format().Channels, w.Format().Channels, ErrArgument)
	}
	k, err := kindFor(src.Format().Encoding)
	if err != nil {
		return 0, fmt.Errorf("wavemap: TranscodeTo from %s: %w", src.Name(), err)
	}
	if w.res == nil {
		if err := w.Reserve(src.Frames()); err != nil {
			return 0, err
		}
	}
	return k.transcodeTo(newPassRun(ctx, opts), w, src)
}

// transcodeTo converts the frames of src, of type S, block by block into
// two rotating buffers: while one is written by a writer goroutine, the
// workers fill the other.
func transcodeTo[S Sample](p *passRun, w *Writer, src *File) (int64, error) {
	m, err := FramesOf[S](src)
	if err != nil {
		return 0, err
	}
	conv, err := converterTo[S](w.Format().Encoding, p.opts.Scaling)
	if err != nil {
		return 0, fmt.Errorf("wavemap: TranscodeTo: %w", err)
	}
	if p.conv == convertRing {
		return transcodeRing(p, w, src, m, conv)
	}
	ch := m.Channels
	frames := m.Len()
	block := max(1, transcodeStreamBlock/ch) // frames per buffer
	fsz := w.Format().FrameSize()
	workers := p.opts.Workers
	progress := p.opts.Progress
	// Buffers of float64s: aligned for every sample type.
	newBuf := func(frames int) []byte {
		return sampleBytes(make([]float64, (frames*fsz+7)/8))[:frames*fsz]
	}

	// The direct path (see directio.go and transcode_direct.go).
	if p.conv == convertDirect {
		if d := w.startDirect(int64(frames) * int64(fsz)); d != nil {
			return transcodeDirect(p, w, d, m, src, conv)
		}
	}

	type filled struct {
		buf    []byte
		frames int
	}
	full := make(chan filled, 1)
	free := make(chan []byte, 2)
	free <- newBuf(block)
	free <- newBuf(min(block, frames))
	writeErr := make(chan error, 1)
	var failed atomic.Bool
	go func() {
		var done int64
		var err error
		for f := range full {
			if err == nil {
				_, err = w.Write(f.buf[:f.frames*fsz])
				failed.Store(err != nil)
				done += int64(f.frames)
				if err == nil && progress != nil {
					progress(done, int64(frames))
				}
			}
			free <- f.buf
		}
		writeErr <- err
	}()

	// The source gets the same kernel advice as a Pass: read ahead, and
	// finished blocks released, so resident memory stays bounded.
	adv := newPassAdvisor(src, m, block)
	defer adv.finish()
	var clipped int64
	for start := 0; start < frames && !failed.Load(); start += block {
		if err = p.stopped(int64(start), int64(frames)); err != nil {
			break
		}
		adv.start(int64(start / block))
		n := min(block, frames-start)
		raw := <-free
		if len(raw) < n*fsz {
			raw = newBuf(n)
		}
		var c int64
		c, err = convertBlock(workers, m.Slice(start, start+n), raw[:n*fsz], fsz, conv)
		clipped += c
		if err != nil {
			free <- raw
			break
		}
		adv.done(int64(start / block))
		full <- filled{raw, n}
	}
	close(full)
	if werr := <-writeErr; err == nil {
		err = werr
	}
	return clipped, err
}
