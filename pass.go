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
// kernel advice (read-ahead, releasing finished ranges) belongs here.
func filePass[T Sample](f *File, m Frames[T], opts *PassOptions, fn func(start int, b Frames[T]) error) error {
	var o PassOptions
	if opts != nil {
		o = *opts
	}
	workers := o.workers()
	if workers == 0 {
		workers = maxWorkers()
	}
	if o.Progress == nil {
		return parallelBlocks(m, o.BlockFrames, workers, fn)
	}
	var (
		done  atomic.Int64
		mu    sync.Mutex
		last  int64
		total = int64(m.Len())
	)
	return parallelBlocks(m, o.BlockFrames, workers, func(start int, b Frames[T]) error {
		if err := fn(start, b); err != nil {
			return err
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
