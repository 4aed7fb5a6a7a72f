package wavemap

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// DefaultBlockFrames is the block size ParallelBlocks uses when asked for
// 0 frames: about 1 MiB of s16 stereo, large enough to amortise the
// scheduling and small enough to keep every core busy to the end.
const DefaultBlockFrames = 1 << 18

// ParallelBlocks calls fn on consecutive blocks of n frames of m (the last
// one may be shorter), from GOMAXPROCS goroutines at once; n <= 0 means
// DefaultBlockFrames. Each block is a zero-copy view: fn may read it and
// edit it in place. start is the index of the block's first frame in m,
// which lets fn store per-block results in a slice indexed by
// start/n for an ordered reduction afterwards.
//
// Blocks are handed out in file order, so the pass over a mapping is
// roughly sequential. The first error returned by fn stops the pass and is
// returned once running calls finish. A memory fault inside fn (the file
// was truncated under the mapping) becomes a *FaultError, in every
// goroutine, instead of a crash.
func ParallelBlocks[T Sample](m Frames[T], n int, fn func(start int, b Frames[T]) error) error {
	return parallelBlocks(m, n, maxWorkers(), fn)
}

func maxWorkers() int { return runtime.GOMAXPROCS(0) }

func parallelBlocks[T Sample](m Frames[T], n, workers int, fn func(start int, b Frames[T]) error) error {
	if n <= 0 {
		n = DefaultBlockFrames
	}
	total := m.Len()
	blocks := (total + n - 1) / n
	workers = max(1, min(workers, blocks))
	if workers == 1 {
		return Guard(func() error {
			for start, b := range m.Blocks(n) {
				if err := fn(start, b); err != nil {
					return err
				}
			}
			return nil
		})
	}
	var (
		next    atomic.Int64
		stop    atomic.Bool
		errOnce sync.Once
		first   error
		wg      sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			err := Guard(func() error {
				for !stop.Load() {
					k := int(next.Add(1) - 1)
					if k >= blocks {
						return nil
					}
					start := k * n
					if err := fn(start, m.Slice(start, min(start+n, total))); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				stop.Store(true)
				errOnce.Do(func() { first = err })
			}
		})
	}
	wg.Wait()
	return first
}
