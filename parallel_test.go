package wavemap

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

func TestParallelBlocks(t *testing.T) {
	data := make([]int32, 2*1000003)
	for i := range data {
		data[i] = int32(i)
	}
	m, _ := NewFrames(data, 2)
	for _, workers := range []int{1, 2, 7} {
		for _, n := range []int{1000, 1 << 18, 5000000} {
			var frames atomic.Int64
			seen := make([]atomic.Int32, m.Len())
			err := ParallelBlocks(context.Background(), m, &PassOptions{BlockFrames: n, Workers: workers}, func(start int, b Frames[int32]) error {
				if b.Len() > n || (b.Len() < n && start+b.Len() != m.Len()) {
					t.Errorf("block at %d has %d frames", start, b.Len())
				}
				for i := range b.Len() {
					if b.At(i, 1) != int32(2*(start+i)+1) {
						t.Errorf("block at %d: frame %d holds %d", start, i, b.At(i, 1))
						return nil
					}
					seen[start+i].Add(1)
					b.Set(i, 0, -b.At(i, 0)) // in-place edit
				}
				frames.Add(int64(b.Len()))
				return nil
			})
			if err != nil || frames.Load() != int64(m.Len()) {
				t.Fatalf("workers %d, n %d: %v, %d frames", workers, n, err, frames.Load())
			}
			for i := range seen {
				if seen[i].Load() != 1 {
					t.Fatalf("frame %d visited %d times", i, seen[i].Load())
				}
			}
		}
	}
	// Each frame was negated 9 times: odd, so negated.
	if data[2] != -2 || data[3] != 3 {
		t.Errorf("in-place edits: %d %d", data[2], data[3])
	}
	stop := errors.New("stop")
	var calls atomic.Int32
	err := ParallelBlocks(context.Background(), m, &PassOptions{BlockFrames: 10, Workers: 2}, func(start int, b Frames[int32]) error {
		calls.Add(1)
		if start >= 1000 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls.Load() > 200 {
		t.Errorf("error stops the pass: %v after %d calls", err, calls.Load())
	}
	if err := ParallelBlocks(context.Background(), Frames[int32]{Channels: 2}, nil, func(int, Frames[int32]) error { return stop }); err != nil {
		t.Errorf("empty: %v", err)
	}
}

// A cancelled context stops a pass between blocks: no block starts after
// the cancel, the error wraps context.Canceled and says how far it got.
func TestParallelBlocksCancel(t *testing.T) {
	m, _ := NewFrames(make([]int16, 2*100000), 2)
	for _, workers := range []int{1, 2} {
		ctx, cancel := context.WithCancel(context.Background())
		var calls, late atomic.Int32
		var cancelled atomic.Bool
		err := ParallelBlocks(ctx, m, &PassOptions{BlockFrames: 1000, Workers: workers}, func(start int, b Frames[int16]) error {
			if cancelled.Load() {
				late.Add(1)
			}
			if calls.Add(1) == 10 {
				cancel()
				cancelled.Store(true)
			}
			return nil
		})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("workers %d: error %v, want context.Canceled", workers, err)
		}
		// Once cancel has returned, a block starts only in another
		// worker that had checked the context just before: one each.
		if n := late.Load(); n > int32(workers-1) || calls.Load() < 10 || calls.Load() == int32(m.Len()/1000) {
			t.Errorf("workers %d: %d blocks started after the cancel (%d in all)", workers, n, calls.Load())
		}
		done, cancel2 := context.WithCancel(context.Background())
		cancel2()
		calls.Store(0)
		err = ParallelBlocks(done, m, nil, func(int, Frames[int16]) error { calls.Add(1); return nil })
		if !errors.Is(err, context.Canceled) || calls.Load() != 0 {
			t.Errorf("workers %d: pass under a done context ran %d blocks: %v", workers, calls.Load(), err)
		}
	}
}
