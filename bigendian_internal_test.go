package wavemap

import (
	"bytes"
	"slices"
	"testing"
)

// TestScrambleBytes: the word-order swap of a gain swaps every sample's
// bytes, keeps each sample within its 8 bytes (or in place in the tail),
// and undoes itself.
func TestScrambleBytes(t *testing.T) {
	for _, size := range []int{2, 3, 4, 8} {
		for n := 0; n <= 13; n++ {
			src := make([]byte, n*size)
			for i := range src {
				src[i] = byte(i*7 + 1)
			}
			got := make([]byte, len(src))
			scrambleBytes(got, src, size)
			want := make([]byte, len(src))
			swapBytes(want, src, size)
			for i := 0; i < len(src); i += 8 {
				g, w := got[i:min(i+8, len(src))], want[i:min(i+8, len(src))]
				gs, ws := splitSamples(g, size), splitSamples(w, size)
				slices.SortFunc(gs, bytes.Compare)
				slices.SortFunc(ws, bytes.Compare)
				if !slices.EqualFunc(gs, ws, bytes.Equal) {
					t.Fatalf("size %d, %d samples: %x, want the samples of %x", size, n, got, want)
				}
			}
			back := make([]byte, len(src))
			scrambleBytes(back, got, size)
			if !bytes.Equal(back, src) {
				t.Fatalf("size %d, %d samples: twice gives %x, not %x", size, n, back, src)
			}
		}
	}
}

func splitSamples(b []byte, size int) [][]byte {
	var out [][]byte
	for i := 0; i+size <= len(b); i += size {
		out = append(out, b[i:i+size])
	}
	return out
}

// TestFrameSwap: a measure's swap keeps every channel's samples in order
// (or, for one integer channel, the same samples), its channels reversed
// when it says so.
func TestFrameSwap(t *testing.T) {
	for _, size := range []int{2, 3, 4, 8} {
		for _, ch := range []int{1, 2, 3, 4} {
			for _, integer := range []bool{true, false} {
				const frames = 9
				src := make([]byte, frames*ch*size)
				for i := range src {
					src[i] = byte(i*13 + 5)
				}
				swap, rev := frameSwap(size, ch, integer)
				got := make([]byte, len(src))
				swap(got, src)
				want := make([]byte, len(src))
				swapBytes(want, src, size)
				for c := range ch {
					gc := c
					if rev {
						gc = ch - 1 - c
					}
					var g, w [][]byte
					for f := range frames {
						g = append(g, got[(f*ch+gc)*size:][:size])
						w = append(w, want[(f*ch+c)*size:][:size])
					}
					if ch == 1 && integer {
						slices.SortFunc(g, bytes.Compare)
						slices.SortFunc(w, bytes.Compare)
					}
					if !slices.EqualFunc(g, w, bytes.Equal) {
						t.Fatalf("size %d, %d channels, integer %v: channel %d is %x, want %x", size, ch, integer, c, g, w)
					}
				}
			}
		}
	}
}
