package kernels

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestSwap compares each byte-order kernel with reversing every value by
// hand, for every length up to a few words and every offset, copying and
// in place.
func TestSwap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, k := range []struct {
		name string
		w    int
		fn   func(d, s []byte)
	}{{"Swap16", 2, Swap16}, {"Swap24", 3, Swap24}, {"Swap32", 4, Swap32}, {"Swap64", 8, Swap64}} {
		for n := 0; n < 100; n++ {
			for off := 0; off < 3; off++ {
				src := make([]byte, n+off)
				for i := range src {
					src[i] = byte(r.Uint32())
				}
				s := src[off:]
				want := make([]byte, len(s)/k.w*k.w)
				for i := 0; i < len(want); i += k.w {
					for j := 0; j < k.w; j++ {
						want[i+j] = s[i+k.w-1-j]
					}
				}
				got := make([]byte, len(s))
				k.fn(got, s)
				if !bytes.Equal(got[:len(want)], want) || bytes.ContainsFunc(got[len(want):], func(r rune) bool { return r != 0 }) {
					t.Fatalf("%s of %d bytes: got %x, want %x", k.name, len(s), got, want)
				}
				in := append([]byte(nil), s...)
				k.fn(in, in)
				if !bytes.Equal(in[:len(want)], want) || !bytes.Equal(in[len(want):], s[len(want):]) {
					t.Fatalf("%s in place of %d bytes: got %x, want %x", k.name, len(s), in, want)
				}
			}
		}
	}
}
