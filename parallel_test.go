package wavemap

import (
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
			err := parallelBlocks(m, n, workers, func(start int, b Frames[int32]) error {
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
	err := parallelBlocks(m, 10, 2, func(start int, b Frames[int32]) error {
		calls.Add(1)
		if start >= 1000 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls.Load() > 200 {
		t.Errorf("error stops the pass: %v after %d calls", err, calls.Load())
	}
	if err := ParallelBlocks(Frames[int32]{Channels: 2}, 0, func(int, Frames[int32]) error { return stop }); err != nil {
		t.Errorf("empty: %v", err)
	}
}
