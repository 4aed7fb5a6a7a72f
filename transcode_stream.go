package wavemap

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// transcodeStreamBlock is the number of samples TranscodeTo converts at a
// time (per buffer): about 2-8 MiB of output, split across the workers.
const transcodeStreamBlock = 1 << 20

// TranscodeTo converts every frame of src into w's encoding (same channel
// count) with Convert's PowerOfTwo scaling and writes them to w, returning
// the number of clipped samples. It does not close w.
//
// This is the fast way to make a converted copy of a mapped file: the
// output goes through write(2) rather than page faults on a fresh mapping,
// and the workers convert the next block while the previous one is being
// written. opts sets the workers and a Progress function (counting src's
// frames written); BlockFrames and DryRun are ignored.
//
// Unless Reserve was called on w already, TranscodeTo first reserves room
// for all of src's frames (see Writer.Reserve), so a disk too small for
// the output fails before any conversion.
func TranscodeTo(w *Writer, src *File, opts *PassOptions) (clipped int64, err error) {
	if w == nil || src == nil {
		return 0, fmt.Errorf("wavemap: TranscodeTo: nil argument: %w", ErrInvalid)
	}
	if w.Format().Channels != src.Format().Channels {
		return 0, fmt.Errorf("wavemap: TranscodeTo from %s: %d channels into %d: %w",
			src.Name(), src.Format().Channels, w.Format().Channels, ErrInvalid)
	}
	if w.res == nil {
		if err := w.Reserve(src.Frames()); err != nil {
			return 0, err
		}
	}
	switch src.Format().Encoding {
	case EncodingUint8:
		return transcodeToFrom[uint8](w, src, opts)
	case EncodingInt16:
		return transcodeToFrom[int16](w, src, opts)
	case EncodingInt24:
		return transcodeToFrom[Int24](w, src, opts)
	case EncodingInt32:
		return transcodeToFrom[int32](w, src, opts)
	case EncodingFloat32:
		return transcodeToFrom[float32](w, src, opts)
	case EncodingFloat64:
		return transcodeToFrom[float64](w, src, opts)
	case EncodingALaw:
		return transcodeToFrom[ALaw](w, src, opts)
	case EncodingMuLaw:
		return transcodeToFrom[MuLaw](w, src, opts)
	}
	return 0, fmt.Errorf("wavemap: TranscodeTo from %s: encoding %v: %w", src.Name(), src.Format().Encoding, ErrUnsupported)
}

func transcodeToFrom[S Sample](w *Writer, src *File, opts *PassOptions) (int64, error) {
	m, err := FramesOf[S](src)
	if err != nil {
		return 0, err
	}
	switch w.Format().Encoding {
	case EncodingUint8:
		return transcodeTo[uint8](w, src, m, opts)
	case EncodingInt16:
		return transcodeTo[int16](w, src, m, opts)
	case EncodingInt24:
		return transcodeTo[Int24](w, src, m, opts)
	case EncodingInt32:
		return transcodeTo[int32](w, src, m, opts)
	case EncodingFloat32:
		return transcodeTo[float32](w, src, m, opts)
	case EncodingFloat64:
		return transcodeTo[float64](w, src, m, opts)
	case EncodingALaw:
		return transcodeTo[ALaw](w, src, m, opts)
	case EncodingMuLaw:
		return transcodeTo[MuLaw](w, src, m, opts)
	}
	return 0, fmt.Errorf("wavemap: TranscodeTo: encoding %v: %w", w.Format().Encoding, ErrUnsupported)
}

// transcodeTo converts m block by block into two rotating buffers: while
// one is written by a writer goroutine, the workers fill the other.
func transcodeTo[D, S Sample](w *Writer, src *File, m Frames[S], opts *PassOptions) (int64, error) {
	ch := m.Channels
	frames := m.Len()
	block := max(1, transcodeStreamBlock/ch) // frames per buffer
	workers := opts.workers()
	if workers == 0 {
		workers = maxWorkers()
	}
	var progress func(done, total int64)
	if opts != nil {
		progress = opts.Progress
	}

	type filled struct {
		buf    []D
		frames int
	}
	full := make(chan filled, 1)
	free := make(chan []D, 2)
	free <- make([]D, block*ch)
	free <- make([]D, min(block, frames)*ch)
	writeErr := make(chan error, 1)
	var failed atomic.Bool
	go func() {
		var done int64
		var err error
		for f := range full {
			if err == nil {
				err = WriteFrames(w, f.buf[:f.frames*ch])
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
	var err error
	for start := 0; start < frames && !failed.Load(); start += block {
		adv.start(int64(start / block))
		n := min(block, frames-start)
		buf := <-free
		if cap(buf) < n*ch {
			buf = make([]D, n*ch)
		}
		buf = buf[:n*ch]
		part := m.Slice(start, start+n)
		sub := max(1, (n+workers-1)/workers)
		var mu sync.Mutex
		err = parallelBlocks(part, sub, workers, func(i int, b Frames[S]) error {
			_, c := ConvertScaled(buf[i*ch:i*ch+len(b.Data)], b.Data, PowerOfTwo)
			if c != 0 {
				mu.Lock()
				clipped += int64(c)
				mu.Unlock()
			}
			return nil
		})
		if err != nil {
			break
		}
		adv.done(int64(start / block))
		full <- filled{buf, n}
	}
	close(full)
	if werr := <-writeErr; err == nil {
		err = werr
	}
	return clipped, err
}
