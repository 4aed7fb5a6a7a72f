//go:build !purego

package loudness

import "golang.org/x/sys/cpu"

// The vector kernels of kernels_amd64.s: the K-weighting of a pair of
// channels with AVX (two lanes of the 128-bit registers, the same
// operations in the same order as the scalar kernel: bit for bit the same
// result), and the true-peak interpolator's largest magnitude with AVX2
// and FMA (16 intervals, three phases, at a time at 4x; 32 intervals at
// 2x; fused, so they may differ from the portable kernel's in the last
// bits, but not from phasePeakFused's).

var (
	haveAVX     = cpu.X86.HasAVX
	haveAVX2FMA = cpu.X86.HasAVX && cpu.X86.HasAVX2 && cpu.X86.HasFMA
)

// kPacked holds each K-weighting coefficient twice, for the two lanes:
// sb0 sb0 sb1 sb1 ... ha2 ha2.
type kPacked [16]float64

// kweightPairAVX runs the K-weighting over n frames of two interleaved
// channels: the lanes are at x[0], x[1], then stride bytes further for
// each frame. st holds the two channels' states (kState, 64 bytes each);
// the sums of the squares of the even and odd frames are added to their
// even and odd fields. It needs AVX.
//
//go:noescape
func kweightPairAVX(k *kPacked, st *[2]kState, x *float64, n, stride int)

// firMax3AVX2 returns the larger of cur and the largest magnitude of
// the three phases interpolated at the intervals [0, n) of x, n a
// multiple of 16: the value of phase p at interval i is
// Σ_k c[4k+p]·x[i+k] over taps taps, summed from tap 0 on with each
// product fused in (x must hold n+taps-1 values). It needs AVX2 and FMA.
//
//go:noescape
func firMax3AVX2(c *float64, taps int, x *float64, n int, cur float64) float64

// firMax1AVX2 is firMax3AVX2 for one phase, Σ_k c[k]·x[i+k], n a
// multiple of 32 and taps a multiple of 4.
//
//go:noescape
func firMax1AVX2(c *float64, taps int, x *float64, n int, cur float64) float64

// pairKernel runs kweightPair's vector kernel if the CPU has one, and
// reports whether it did (the sums are then in st's even and odd fields).
func pairKernel(co *kCoeffs, st *[2]kState, x []float64, ch, c, n int) bool {
	if !haveAVX {
		return false
	}
	_ = x[(n-1)*ch+c+1] // the last value read
	kweightPairAVX(&co.packed, st, &x[c], n, 8*ch)
	return true
}

// fusedTails makes spanPeak compute the values the kernel leaves with
// phasePeakFused, which gives the kernel's bits, whenever the kernel
// runs.
var fusedTails = haveAVX2FMA

// firKernel computes the first values of spanPeak (all the phases of
// the intervals [0, m) of x, shifted by tpBefore) with the vector kernel,
// if the CPU has one, and returns m: n rounded down to a multiple of 16
// at 4x and of 32 at 2x, or 0.
func firKernel(ip *interpolator, x []float64, n int, cur *float64) int {
	if !haveAVX2FMA {
		return 0
	}
	switch ip.factor {
	case 4:
		m := n &^ 15
		if m == 0 {
			return 0
		}
		_ = x[m+TruePeakTaps-2] // the last value read
		*cur = firMax3AVX2(&ip.packed[0], TruePeakTaps, &x[0], m, *cur)
		return m
	case 2:
		m := n &^ 31
		if m == 0 {
			return 0
		}
		_ = x[m+TruePeakTaps-2]
		*cur = firMax1AVX2(&ip.packed[0], TruePeakTaps, &x[0], m, *cur)
		return m
	}
	return 0
}
