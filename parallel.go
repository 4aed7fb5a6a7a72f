package wavemap

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// DefaultBlockFrames is the block size of a pass when PassOptions give
// none: about 1 MiB of s16 stereo, large enough to amortise the
// scheduling and small enough to keep every core busy to the end.
const DefaultBlockFrames = 1 << 18

// ParallelBlocks calls fn on consecutive blocks of opts.BlockFrames
// frames of m (the last one may be shorter), from opts.Workers goroutines
// at once (the defaults: DefaultBlockFrames, GOMAXPROCS), reporting to
// opts.Progress. Each block is a zero-copy view: fn may read it and edit
// it in place. start is the index of the block's first frame in m, which
// lets fn store per-block results in a slice indexed by
// start/BlockFrames for an ordered reduction afterwards. Use Pass for the
// frames of a File: it also keeps resident memory bounded.
//
// Blocks are handed out in order, so the pass over a mapping is roughly
// sequential. The first error returned by fn stops the pass and is
// returned once running calls finish. A memory fault inside fn (the file
// was truncated under the mapping) becomes a *FaultError, in every
// goroutine, instead of a crash. When ctx is done, no new block is
// started and the error wraps ctx.Err().
func ParallelBlocks[T Sample](ctx context.Context, m Frames[T], opts *PassOptions, fn func(start int, b Frames[T]) error) error {
	return filePass(newPassRun(ctx, opts), nil, m, fn)
}

func maxWorkers() int { return runtime.GOMAXPROCS(0) }

// parallelBlocks runs fn over the blocks of m on p's workers, under
// Guard, checking p's context before each block.
func parallelBlocks[T Sample](p *passRun, m Frames[T], fn func(start int, b Frames[T]) error) error {
	n := p.opts.BlockFrames
	total := m.Len()
	blocks := (total + n - 1) / n
	workers := max(1, min(p.opts.Workers, blocks))
	var (
		next    atomic.Int64
		stop    atomic.Bool
		errOnce sync.Once
		first   error
		wg      sync.WaitGroup
	)
	work := func() error {
		for !stop.Load() {
			k := int(next.Add(1) - 1)
			if k >= blocks {
				return nil
			}
			start := k * n
			if err := p.stopped(int64(start), int64(total)); err != nil {
				return err
			}
			if err := fn(start, m.Slice(start, min(start+n, total))); err != nil {
				return err
			}
		}
		return nil
	}
	if workers == 1 {
		return Guard(work)
	}
	for range workers {
		wg.Go(func() {
			if err := Guard(work); err != nil {
				stop.Store(true)
				errOnce.Do(func() { first = err })
			}
		})
	}
	wg.Wait()
	return first
}
