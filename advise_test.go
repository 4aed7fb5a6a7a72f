package wavemap

import (
	"cmp"
	"context"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestPassAdviceKeepsChanges runs passes in small blocks, so that the
// advisor releases pages many times over, and checks that no change is
// lost: private changes of a copy-on-write mapping made before the pass
// (page-out must keep them), in-place edits of a read-write pass (dontneed
// and the page-cache drop must write them back, not discard them).
func TestPassAdviceKeepsChanges(t *testing.T) {
	defer func(v int64) { cacheDropMin = v }(cacheDropMin)
	const frames = 3 << 20 // 12 MiB of s16 stereo: three release steps
	path := filepath.Join(t.TempDir(), "p.wav")
	f, err := Create(path, Format{Encoding: EncodingInt16, Channels: 2, SampleRate: 8000}, frames, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := Samples[int16](f)
	for i := range s {
		s[i] = int16(i)
	}
	f.Close()
	opts := &PassOptions{BlockFrames: 5000, Workers: 3}
	for _, drop := range []int64{0, 1} {
		cacheDropMin = drop // 1: drop the page cache behind the pass too

		c, err := Open(path, CopyOnWrite, nil)
		if err != nil {
			t.Fatal(err)
		}
		cs, _ := Samples[int16](c)
		for i := 0; i < len(cs); i += 999 {
			cs[i] = -7
		}
		for range 2 {
			err = Pass(context.Background(), c, opts, func(start int, b Frames[int16]) error {
				for j, v := range b.Data {
					i := 2*start + j
					want := int16(i)
					if drop == 1 { // the first read-write pass inverted the file
						want = ^want
					}
					if i%999 == 0 && v != -7 || i%999 != 0 && v != want {
						t.Errorf("copy-on-write pass: sample %d = %d", i, v)
						return errStop
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		c.Close()

		w, err := Open(path, ReadWrite, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := Pass(context.Background(), w, opts, func(_ int, b Frames[int16]) error {
			for j := range b.Data {
				b.Data[j] = ^b.Data[j]
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		off := w.Header().DataOffset
		w.Close()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2 * frames {
			want := int16(i)
			if drop == 0 {
				want = ^want
			}
			if v := int16(binary.LittleEndian.Uint16(b[off+2*int64(i):])); v != want {
				t.Fatalf("read-write pass (drop %d): sample %d of the file = %d, want %d", drop, i, v, want)
			}
		}
	}
}

type stopError struct{}

func (stopError) Error() string { return "stop" }

var errStop error = stopError{}

// TestFinishBlockSpans: whatever order the blocks finish in, finishBlock
// hands out every byte of the pass exactly once, in whole aligned spans
// (cut only at the pass's ends), and a span only once every block over
// it has finished.
func TestFinishBlockSpans(t *testing.T) {
	defer func(u int64) { dropUnit = u }(dropUnit)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct{ unit, addr, block, size int64 }{
		{4 << 20, 4096 + 44, 1 << 20, 64<<20 + 12345}, // blocks smaller than a span, the pass not aligned
		{2 << 20, 0, 16 << 20, 100 << 20},             // blocks larger than a span, aligned
		{4 << 20, 7, 3, 9 << 20},                      // tiny blocks
		{4 << 20, 4<<20 - 1, 5 << 20, 1},              // one byte
		{4 << 20, 123, 1 << 20, 3 << 20},              // the pass inside one span
	} {
		dropUnit = c.unit
		blocks := (c.size + c.block - 1) / c.block
		for _, workers := range []int64{1, 2, 7} {
			a := &passAdvisor{addr: c.addr, size: c.size, block: c.block, finished: map[int64]struct{}{}}
			// Blocks start in order and finish in any order among the
			// ones in flight (at most workers of them).
			var flight []int64
			next := int64(0)
			done := map[int64]bool{}
			covered := int64(0)
			var spans [][2]int64
			for next < blocks || len(flight) > 0 {
				for int64(len(flight)) < workers && next < blocks {
					flight = append(flight, next)
					next++
				}
				i := rng.IntN(len(flight))
				k := flight[i]
				flight = append(flight[:i], flight[i+1:]...)
				done[k] = true
				from, to := a.finishBlock(k)
				if from == to {
					continue
				}
				for b := from / c.block; b <= (to-1)/c.block; b++ {
					if !done[b] {
						t.Fatalf("%+v, %d workers: span [%d, %d) handed out before block %d finished", c, workers, from, to, b)
					}
				}
				if from != 0 && (c.addr+from)%c.unit != 0 || to != c.size && (c.addr+to)%c.unit != 0 {
					t.Fatalf("%+v: span [%d, %d) not aligned", c, from, to)
				}
				spans = append(spans, [2]int64{from, to})
				covered += to - from
			}
			slices.SortFunc(spans, func(x, y [2]int64) int { return cmp.Compare(x[0], y[0]) })
			end := int64(0)
			for _, s := range spans {
				if s[0] != end {
					t.Fatalf("%+v, %d workers: spans %v leave a gap or overlap at %d", c, workers, spans, end)
				}
				end = s[1]
			}
			if end != c.size || covered != c.size {
				t.Fatalf("%+v, %d workers: spans cover %d of %d bytes", c, workers, covered, c.size)
			}
		}
	}
}

// TestFinishBlockSpansStalled: with blocks of one byte and one worker
// stalled on an early block while the others finish the spans above it,
// finishBlock stays cheap (a check from the bottom of each span would
// make this quadratic: about 2^32 map lookups here), and the spans above
// the stalled block are handed out as they complete.
func TestFinishBlockSpansStalled(t *testing.T) {
	defer func(u int64) { dropUnit = u }(dropUnit)
	const span = 1 << 16
	dropUnit = span
	const size = 3 * span
	a := &passAdvisor{addr: 0, size: size, block: 1, finished: map[int64]struct{}{}}
	const stalled = 1000
	covered := int64(0)
	for k := int64(0); k < size; k++ {
		if k == stalled {
			continue
		}
		from, to := a.finishBlock(k)
		covered += to - from
	}
	if covered != size-span {
		t.Fatalf("with block %d still running, %d bytes handed out, want the %d above its span", stalled, covered, size-span)
	}
	if from, to := a.finishBlock(stalled); from != 0 || to != span {
		t.Fatalf("the stalled block completed [%d, %d), want its span [0, %d)", from, to, span)
	}
}
