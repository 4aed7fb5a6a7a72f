package wavemap

import (
	"sync"
	"sync/atomic"
)

// PassOptions tune a whole-file pass such as Measure, Gain or Transcode.
// A nil *PassOptions means the defaults.
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
	// DryRun makes passes that would write (Gain) compute their result
	// without changing a sample.
	DryRun bool
}

func (o *PassOptions) workers() int {
	if o == nil || o.Workers <= 0 {
		return 0
	}
	return o.Workers
}

// filePass runs fn over m, a view of f's mapping, in parallel blocks,
// reporting progress. It is the one place whole-file passes go through, so
// kernel advice (read-ahead, releasing finished ranges) is given here: see
// passAdvisor. Resident memory stays bounded by the blocks in flight and
// a few MiB of slack, whatever the size of the file. f may be nil for a
// view that belongs to no File: the pass then runs without advice.
func filePass[T Sample](f *File, m Frames[T], opts *PassOptions, fn func(start int, b Frames[T]) error) error {
	return filePassMode(f, m, opts, false, fn)
}

// filePassMode is filePass for a pass that writes every sample of a
// ReadWrite file when writes is set: each block is then faulted in
// writable with one system call before fn runs.
func filePassMode[T Sample](f *File, m Frames[T], opts *PassOptions, writes bool, fn func(start int, b Frames[T]) error) error {
	var o PassOptions
	if opts != nil {
		o = *opts
	}
	workers := o.workers()
	if workers == 0 {
		workers = maxWorkers()
	}
	n := o.BlockFrames
	if n <= 0 {
		n = DefaultBlockFrames
	}
	adv := newPassAdvisor(f, m, n)
	if adv != nil && writes && f.mode == ReadWrite {
		adv.populate = true
	}
	defer adv.finish()
	var (
		done  atomic.Int64
		mu    sync.Mutex
		last  int64
		total = int64(m.Len())
	)
	return parallelBlocks(m, n, workers, func(start int, b Frames[T]) error {
		k := int64(start / n)
		adv.start(k)
		if err := fn(start, b); err != nil {
			return err
		}
		adv.done(k)
		if o.Progress == nil {
			return nil
		}
		d := done.Add(int64(b.Len()))
		mu.Lock()
		if d > last { // blocks finish out of order: report each count once, rising
			last = d
			o.Progress(d, total)
		}
		mu.Unlock()
		return nil
	})
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
// first frame. fn may read the
// block and, in ReadWrite and CopyOnWrite files, edit it in place. T must
// be the Go type of f's encoding; otherwise the error is a *TypeError.
//
// The first error returned by fn stops the pass and is returned; a memory
// fault (the file truncated by another process) becomes a *FaultError.
func Pass[T Sample](f *File, opts *PassOptions, fn func(start int, b Frames[T]) error) error {
	m, err := FramesOf[T](f)
	if err != nil {
		return err
	}
	return filePass(f, m, opts, fn)
}
