//go:build !purego && unix

package kernels

import (
	"math"
	"testing"
	"unsafe"
)

// TestS16ToF32AVX2 compares the AVX2 conversion with the scalar formula
// over all 65536 values, at every start offset modulo 16 and with every
// tail length, and against guard pages on either side.
func TestS16ToF32AVX2(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2")
	}
	all := make([]int16, 1<<16+32)
	for i := range all {
		all[i] = int16(i * 7919)
	}
	check := func(s []int16) {
		t.Helper()
		d := make([]float32, len(s)+1)
		d[len(s)] = 42
		S16ToF32(d[:len(s)], s)
		for i, v := range s {
			if want := float32(v) * (1.0 / 32768); math.Float32bits(d[i]) != math.Float32bits(want) {
				t.Fatalf("%d samples: d[%d] = %v for %d, want %v", len(s), i, d[i], v, want)
			}
		}
		if d[len(s)] != 42 {
			t.Fatalf("%d samples: wrote past the end", len(s))
		}
	}
	for off := range 16 {
		check(all[off : off+1<<16])
	}
	for n := range 100 {
		check(all[3 : 3+n])
	}
	b := guarded(t, 2*4096)
	g := unsafe.Slice((*int16)(unsafe.Pointer(&b[0])), 4096)
	for i := range g {
		g[i] = int16(i*31 - 5000)
	}
	for _, n := range []int{16, 17, 31, 32, 100, 4096} {
		check(g[len(g)-n:])
		check(g[:n])
	}
}
