package loudness

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestKweightPairKernel compares kweightPair (the vector kernel where
// the CPU has it) with the scalar kernel, and both with kweightSquares
// on each channel alone: the same bits, for every length up to 70 frames
// and some longer ones, at every channel pair of 2, 3 and 6 channels,
// from fresh and from used states.
func TestKweightPairKernel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	co := newKCoeffs(44100)
	for _, ch := range []int{2, 3, 6} {
		for n := 0; n < 1100; n = next(n) {
			x := make([]float64, n*ch)
			for i := range x {
				x[i] = rng.NormFloat64() * 0.3
			}
			for c := 0; c+1 < ch; c++ {
				var a, b [2]kState
				var alone [2]kState
				for r := range 2 { // twice: the second time from used states
					s0, s1 := kweightPair(&co, &a, x, ch, c, n)
					g0, g1 := kweightPairGo(&co, &b, x, ch, c, n)
					var w [2]float64
					for lane := range 2 {
						col := make([]float64, n)
						for i := range col {
							col[i] = x[i*ch+c+lane]
						}
						w[lane] = kweightSquares(&co, &alone[lane], col)
					}
					if s0 != g0 || s1 != g1 || s0 != w[0] || s1 != w[1] || a != b || a[0] != alone[0] || a[1] != alone[1] {
						t.Fatalf("%d channels, pair %d, %d frames, round %d: sums %v %v, scalar %v %v, alone %v; states %+v, %+v, %+v",
							ch, c, n, r, s0, s1, g0, g1, w, a, b, alone)
					}
				}
			}
		}
	}
}

func next(n int) int {
	if n < 70 {
		return n + 1
	}
	return n*3 + 1
}

// TestFIRKernel compares the interpolator's vector kernel with the
// scalar one (the vector kernel fuses its products and sums: the values
// may differ in the last bits).
func TestFIRKernel(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	c := interp4.phases[1]
	for n := 0; n < 300; n = next(n) {
		x := make([]float64, n+TruePeakTaps)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		for _, cur := range []float64{0, 1, 100} {
			got := phasePeak(c, x, tpBefore, tpBefore+n, cur)
			want := phasePeakGo(c, x, tpBefore, tpBefore+n, cur)
			if math.Abs(got-want) > 1e-14*want {
				t.Fatalf("%d values from %v: %.17g, scalar %.17g", n, cur, got, want)
			}
		}
	}
}

// TestPeakSkips: skipping the runs that cannot raise the peak gives the
// peak of every value, on a signal whose level jumps by 40 dB in places.
func TestPeakSkips(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, ip := range []*interpolator{interp2, interp4} {
		for _, n := range []int{1, 31, 32, 33, 100, 1000, 5000} {
			x := make([]float64, n+TruePeakTaps)
			for i := range x {
				g := 0.01
				if (i/300)%3 == 1 {
					g = 1
				}
				x[i] = g * rng.NormFloat64()
			}
			for _, cur := range []float64{0, 0.5, 3} {
				var scratch []uint64
				got := ip.peak(x, tpBefore, tpBefore+n, cur, &scratch)
				want := cur
				for _, c := range ip.phases {
					want = max(want, phasePeakGo(c, x, tpBefore, tpBefore+n, cur))
				}
				if math.Abs(got-want) > 1e-14*want {
					t.Errorf("factor %d, %d intervals, from %v: %.17g, every value %.17g", ip.factor, n, cur, got, want)
				}
			}
		}
	}
}
