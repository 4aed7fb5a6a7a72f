package wavemap

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// synthStream is a WAVE stream made on the fly: a header, then audio
// bytes repeating pattern, audio bytes of them in all.
type synthStream struct {
	head    []byte
	pattern []byte
	off     int
	left    int64
}

func (s *synthStream) Read(p []byte) (int, error) {
	if len(s.head) > 0 {
		n := copy(p, s.head)
		s.head = s.head[n:]
		return n, nil
	}
	if s.left == 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), s.left)]
	n := 0
	for n < len(p) {
		k := copy(p[n:], s.pattern[s.off:])
		s.off = (s.off + k) % len(s.pattern)
		n += k
	}
	s.left -= int64(n)
	return n, nil
}

// heapWatch samples the heap in use, at most every 20 ms.
type heapWatch struct {
	base, peak uint64
	alloc      uint64 // TotalAlloc at the start
	last       time.Time
}

func newHeapWatch() *heapWatch {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return &heapWatch{base: m.HeapInuse, peak: m.HeapInuse, alloc: m.TotalAlloc}
}

func (h *heapWatch) sample(force bool) {
	if !force && time.Since(h.last) < 20*time.Millisecond {
		return
	}
	h.last = time.Now()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	h.peak = max(h.peak, m.HeapInuse)
}

// allocated returns the bytes allocated since the start.
func (h *heapWatch) allocated() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc - h.alloc
}

// TestStreamHuge pushes a 4 GiB stream of s16 stereo (streaming sizes,
// generated as it is read: nothing on disk, nothing held) through
// MeasureReader and through TranscodeReader into an f32 Writer on
// io.Discard, and checks that the heap stays small (the peak of the heap
// in use, and all the bytes allocated during the pass, under 32 MiB) and
// that the statistics are those of the repeated pattern, exactly.
func TestStreamHuge(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped with -short: streams 4 GiB twice")
	}
	size := int64(4 << 30)
	if raceEnabled {
		size = 1 << 30 // the race detector slows the copies down
	}
	fm := Format{Encoding: EncodingInt16, Channels: 2, SampleRate: 48000}
	var hb bytes.Buffer
	w, err := NewWriter(&hb, fm, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// A pattern of 1 MiB (size is a multiple of it). No code is at full
	// scale: the runs that reach it are counted sample by sample, at a
	// small fraction of the kernels' speed, which this test is not about.
	pattern := make([]int16, 1<<19)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range pattern {
		pattern[i] = int16(rng.IntN(65534) - 32767)
	}
	unit, err := MeasureFrames(context.Background(), Frames[int16]{Data: pattern, Channels: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	repeats := size / int64(len(pattern)*2)
	newStream := func() *Reader {
		r, err := NewReader(&synthStream{head: bytes.Clone(hb.Bytes()), pattern: sampleBytes(pattern), left: size}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	const limit = 32 << 20

	start := time.Now()
	h := newHeapWatch()
	o := &PassOptions{Progress: func(int64, int64) { h.sample(false) }}
	st, err := MeasureReader(context.Background(), newStream(), o)
	if err != nil {
		t.Fatal(err)
	}
	h.sample(true)
	alloc := h.allocated()
	t.Logf("MeasureReader of %d MiB: %v, heap in use +%.1f MiB at its peak, %.1f MiB allocated",
		size>>20, time.Since(start).Round(time.Millisecond), float64(h.peak-h.base)/(1<<20), float64(alloc)/(1<<20))
	if h.peak-h.base > limit || alloc > limit {
		t.Errorf("MeasureReader: heap in use grew by %d MiB, %d MiB allocated; want < %d MiB", (h.peak-h.base)>>20, alloc>>20, limit>>20)
	}
	for c := range st {
		want := unit[c]
		want.Samples *= repeats
		want.FullScale *= repeats
		if st[c] != want {
			t.Errorf("channel %d: %+v, want %+v", c, st[c], want)
		}
	}

	start = time.Now()
	h = newHeapWatch()
	out, err := NewWriter(io.Discard, Format{Encoding: EncodingFloat32, Channels: 2, SampleRate: 48000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	copied, clipped, err := TranscodeReader(context.Background(), out, newStream(), -1, o)
	if err == nil {
		err = out.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	h.sample(true)
	alloc = h.allocated()
	t.Logf("TranscodeReader of %d MiB to f32: %v, heap in use +%.1f MiB at its peak, %.1f MiB allocated",
		size>>20, time.Since(start).Round(time.Millisecond), float64(h.peak-h.base)/(1<<20), float64(alloc)/(1<<20))
	if copied != size/4 || clipped != 0 || out.Frames() != copied {
		t.Errorf("copied %d frames (the Writer has %d), clipped %d; want %d, 0", copied, out.Frames(), clipped, size/4)
	}
	if h.peak-h.base > limit || alloc > limit {
		t.Errorf("TranscodeReader: heap in use grew by %d MiB, %d MiB allocated; want < %d MiB", (h.peak-h.base)>>20, alloc>>20, limit>>20)
	}
}
