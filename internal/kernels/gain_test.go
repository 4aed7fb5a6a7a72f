package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGainS16Kernels checks that the kernels NewGainS16 chooses from (the
// AVX2 one where the CPU has it, the table for long passes, the direct
// computation for short ones) agree on all 65536 values, in place and
// dry.
func TestGainS16Kernels(t *testing.T) {
	all := make([]int16, 1<<16)
	for i := range all {
		all[i] = int16(i)
	}
	for _, vb := range []int{0, 12} {
		for _, f := range []float64{1, -1, 0.5, 1.0 / 3, 2.5, 1e-5, math.MaxFloat64} {
			g := NewIntGain(f, 16, vb)
			want := append([]int16(nil), all...)
			wantClip := gainS16(want, &g, false)
			for _, samples := range []int64{1, s16TableMin} {
				gain := NewGainS16(g, samples)
				got := append([]int16(nil), all...)
				dry := append([]int16(nil), all...)
				if n, nd := gain(got, false), gain(dry, true); n != wantClip || nd != wantClip {
					t.Errorf("factor %v, %d valid bits, %d samples: clipped %d, dry %d, direct %d", f, vb, samples, n, nd, wantClip)
				}
				for i := range all {
					if got[i] != want[i] || dry[i] != all[i] {
						t.Fatalf("factor %v, %d valid bits, %d samples: %d -> %d (dry %d), direct %d",
							f, vb, samples, all[i], got[i], dry[i], want[i])
					}
				}
			}
		}
	}
}

// BenchmarkS16Gain compares the AVX2 gain with the table lookup, on one
// core over 1 MiB of samples, x0.5 and x2 in turn.
func BenchmarkS16Gain(b *testing.B) {
	rng := rand.New(rand.NewPCG(15, 16))
	d := make([]int16, 1<<19)
	for i := range d {
		d[i] = int16(rng.IntN(40000) - 20000)
	}
	half, double := NewIntGain(0.5, 16, 0), NewIntGain(2, 16, 0)
	b.Run("table", func(b *testing.B) {
		th, td := newS16Table(&half), newS16Table(&double)
		cpuRate(b, 2*int64(len(d)), func() { th.apply(d, false); td.apply(d, false) })
	})
	b.Run("avx2", func(b *testing.B) {
		if !haveAVX2 {
			b.Skip("no AVX2")
		}
		cpuRate(b, 2*int64(len(d)), func() { s16GainVector(d, &half, false); s16GainVector(d, &double, false) })
	})
}
