package wavemap

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/wavemap/wavemap/internal/mmap"
)

// PassOptions tune a whole-file pass such as Measure, Gain or Transcode.
// A nil *PassOptions means the defaults, and every field's zero value is
// its default.
type PassOptions struct {
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// BlockFrames is the number of frames handed to a worker at a time;
	// 0 means DefaultBlockFrames.
	BlockFrames int
	// Progress, if not nil, is called after each block with the number of
	// frames finished so far and the total. Calls are serialised (never
	// concurrent) but come from worker goroutines.
	Progress func(done, total int64)
	// DryRun makes passes that would write (Gain, Transcode) compute
	// their result without changing a sample.
	DryRun bool
	// Scaling is the mapping between integer and float samples used by
	// the passes that convert (Transcode, TranscodeTo), as in
	// ConvertScaled; the default is PowerOfTwo.
	Scaling Scaling
	// Journal, if not empty, is the path of the journal that makes an
	// in-place Gain safe to interrupt and to finish by calling it again
	// (see Gain; JournalPath gives the conventional path). Other passes
	// ignore it, as does a dry run.
	Journal string
	// JournalNote is a short text (at most 256 bytes, such as the command
	// that asked for the edit) stored in a new journal for ReadJournal to
	// report.
	JournalNote string
	// Sync makes Gain flush the file (File.Flush) before it returns, and,
	// with a Journal, before it removes the journal: see Gain.
	Sync bool
}

// passRun is one call of a pass: its context and its options, with the
// defaults filled in.
type passRun struct {
	ctx  context.Context
	opts PassOptions
	// How the pass moves its bytes: the knobs of knobs.go, copied here
	// so that tests and benchmarks can set them per run.
	read readPath
	gain gainPath
	conv convertPath
}

// newPassRun returns the run for ctx (nil means context.Background) and
// opts (nil means the defaults).
func newPassRun(ctx context.Context, opts *PassOptions) *passRun {
	if ctx == nil {
		ctx = context.Background()
	}
	p := &passRun{ctx: ctx, read: knobRead, gain: knobGain, conv: knobConvert}
	if opts != nil {
		p.opts = *opts
	}
	if p.opts.Workers <= 0 {
		p.opts.Workers = maxWorkers()
	}
	if p.opts.BlockFrames <= 0 {
		p.opts.BlockFrames = DefaultBlockFrames
	}
	return p
}

// stopped returns nil while the run's context is live, and otherwise the
// error a pass returns when it is cancelled: it wraps ctx.Err() and says
// how far the pass got.
func (p *passRun) stopped(done, total int64) error {
	if err := p.ctx.Err(); err != nil {
		return fmt.Errorf("wavemap: pass stopped after %d of %d frames: %w", done, total, err)
	}
	return nil
}

// filePass runs fn over m, a view of f's mapping, in parallel blocks,
// reporting progress and stopping when the run's context is done. It is
// the one place whole-file passes go through, so kernel advice
// (read-ahead, releasing finished ranges) is given here: see passAdvisor.
// Resident memory stays bounded by the blocks in flight and a few MiB of
// slack, whatever the size of the file. f may be nil for a view that
// belongs to no File: the pass then runs without advice.
func filePass[T Sample](p *passRun, f *File, m Frames[T], fn func(start int, b Frames[T]) error) error {
	return filePassMode(p, f, m, false, fn)
}

// filePassMode is filePass for a pass that writes every sample of a
// ReadWrite file when writes is set: each block is then faulted in
// writable before fn runs, as the gain knob says (see gainPath). A
// read-only pass with the populate read path has each worker's next
// block faulted in ahead (see readPath).
func filePassMode[T Sample](p *passRun, f *File, m Frames[T], writes bool, fn func(start int, b Frames[T]) error) error {
	n := p.opts.BlockFrames
	adv := newPassAdvisor(f, m, n)
	var ahead func(k int)
	if adv != nil {
		switch {
		case writes && f.mode == ReadWrite && p.gain == gainPopulate:
			adv.populate = true
		case writes && f.mode == ReadWrite && p.gain == gainAhead:
			ahead = adv.populateBlock(mmap.PopulateWrite)
		case !writes && p.read == readPopulate:
			ahead = adv.populateBlock(mmap.PopulateRead)
		}
	}
	defer adv.finish()
	fn = progressed(p, int64(m.Len()), fn)
	return parallelBlocksAhead(p, m, ahead, func(start int, b Frames[T]) error {
		return adv.run(int64(start/n), func() error { return fn(start, b) })
	})
}

// progressed returns fn reporting to p's Progress after each block of a
// pass over total frames.
func progressed[T Sample](p *passRun, total int64, fn func(start int, b Frames[T]) error) func(start int, b Frames[T]) error {
	progress := p.opts.Progress
	if progress == nil {
		return fn
	}
	var (
		done atomic.Int64
		mu   sync.Mutex
		last int64
	)
	return func(start int, b Frames[T]) error {
		if err := fn(start, b); err != nil {
			return err
		}
		d := done.Add(int64(b.Len()))
		mu.Lock()
		if d > last { // blocks finish out of order: report each count once, rising
			last = d
			progress(d, total)
		}
		mu.Unlock()
		return nil
	}
}

// Pass calls fn on consecutive blocks of the frames of f, from several
// goroutines at once, as ParallelBlocks does (opts.Workers goroutines,
// GOMAXPROCS by default; blocks of opts.BlockFrames frames; progress
// reports), and keeps resident memory bounded whatever the size of f: the
// kernel is told (on Unix) to read ahead of the blocks being worked on and
// to take the finished ones out of the process, so that a pass over a file
// far larger than memory keeps a resident set of a few tens of MiB and
// leaves the rest of the system's page cache alone. ParallelBlocks, which
// knows no File, gives no such advice: pages it touched stay resident
// until the kernel reclaims them. start is the index in f of the block's
// first frame. fn may read the block and, in ReadWrite and CopyOnWrite
// files, edit it in place. T must be the Go type of f's encoding;
// otherwise the error is a *TypeError.
//
// The first error returned by fn stops the pass and is returned; a memory
// fault (the file truncated by another process) becomes a *FaultError.
// When ctx is done, no new block is started and the error returned wraps
// ctx.Err() (errors.Is(err, context.Canceled) ...).
func Pass[T Sample](ctx context.Context, f *File, opts *PassOptions, fn func(start int, b Frames[T]) error) error {
	m, err := FramesOf[T](f)
	if err != nil {
		return err
	}
	return filePass(newPassRun(ctx, opts), f, m, fn)
}
