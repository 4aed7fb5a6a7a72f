package loudness

import (
	"math"
	"math/rand/v2"
	"strconv"
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

// allPhasesGo is the reference for spanPeak: every phase of every
// interval of [from, to), by the portable kernel, or by phasePeakFused.
func allPhasesGo(ip *interpolator, x []float64, from, to int, cur float64, fused bool) float64 {
	for _, c := range ip.phases {
		if fused {
			cur = phasePeakFused(c, x, from, to, cur)
		} else {
			cur = phasePeakGo(c, x, from, to, cur)
		}
	}
	return cur
}

// TestFIRKernel compares spanPeak (the vector kernel where the CPU has
// one, then the intervals it leaves) with the Go kernels on random input,
// at both factors, for every length up to 200 intervals and some longer
// ones, at every start offset modulo the vector width (4 values), from a
// running maximum of 0 and from ones close to the answer. Where the
// kernel runs, it must give phasePeakFused's bits (spanPeak's leftovers
// are computed that way, so a measurement cannot depend on how its runs
// were cut); the portable kernel, whose sums are not fused, must agree to
// rounding. Many short random trials put the maximum in every lane and
// phase of a block in turn.
func TestFIRKernel(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	t.Logf("vector kernel: %v", fusedTails)
	for _, ip := range []*interpolator{interp2, interp4} {
		for n := 0; n < 1000; n = nextFIR(n) {
			for off := range 4 {
				trials := 1
				if n <= 64 {
					trials = 40
				}
				for range trials {
					buf := make([]float64, off+n+TruePeakTaps-1)
					x := buf[off:]
					for i := range x {
						x[i] = rng.NormFloat64()
					}
					exact := allPhasesGo(ip, x, tpBefore, tpBefore+n, 0, true)
					portable := allPhasesGo(ip, x, tpBefore, tpBefore+n, 0, false)
					if math.Abs(exact-portable) > 1e-14*max(1, exact) {
						t.Fatalf("factor %d, %d intervals: fused %.17g, portable %.17g", ip.factor, n, exact, portable)
					}
					for _, cur := range []float64{0, exact * (1 - 1e-9), exact, 100} {
						got := ip.spanPeak(x, tpBefore, tpBefore+n, cur)
						want := max(cur, exact)
						if !fusedTails {
							want = max(cur, portable)
						}
						if got != want {
							t.Fatalf("factor %d, %d intervals at offset %d, from %v: %.17g, Go %.17g", ip.factor, n, off, cur, got, want)
						}
					}
				}
			}
		}
	}
}

func nextFIR(n int) int {
	if n < 200 {
		return n + 1
	}
	return n*2 + 7
}

// TestFIRKernelSegments: however the intervals are cut into spans, the
// peak is the same to the bit.
func TestFIRKernelSegments(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	x := make([]float64, 5000)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	for _, ip := range []*interpolator{interp2, interp4} {
		to := len(x) - tpAfter
		whole := ip.spanPeak(x, tpBefore, to, 0)
		for _, cut := range []int{1, 7, 15, 16, 17, 31, 33, 100} {
			cur := 0.0
			for at := tpBefore; at < to; at += cut {
				cur = ip.spanPeak(x, at, min(to, at+cut), cur)
			}
			if cur != whole {
				t.Errorf("factor %d, spans of %d: %.17g, one span %.17g", ip.factor, cut, cur, whole)
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
				want := allPhasesGo(ip, x, tpBefore, tpBefore+n, cur, fusedTails)
				if got != want {
					t.Errorf("factor %d, %d intervals, from %v: %.17g, every value %.17g", ip.factor, n, cur, got, want)
				}
			}
		}
	}
}

// BenchmarkTruePeak times spanPeak over 4096 intervals of noise (one
// channel), per factor: the kernel and what it leaves.
func BenchmarkTruePeak(b *testing.B) {
	rng := rand.New(rand.NewPCG(11, 12))
	x := make([]float64, 4096+TruePeakTaps-1)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	for _, ip := range []*interpolator{interp4, interp2} {
		b.Run(strconv.Itoa(ip.factor)+"x", func(b *testing.B) {
			b.SetBytes(8 * 4096)
			for b.Loop() {
				ip.spanPeak(x, tpBefore, tpBefore+4096, 0)
			}
		})
	}
}
