//go:build !purego

package loudness

import "golang.org/x/sys/cpu"

// The vector kernels of kernels_amd64.s: the K-weighting of a pair of
// channels with AVX (two lanes of the 128-bit registers, the same
// operations in the same order as the scalar kernel: bit for bit the same
// result), and the true-peak interpolator's dot products with AVX2 and FMA
// (32 interpolated values at a time; fused, so they may differ from the
// scalar kernel's in the last bits).

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

// firAbsMaxAVX2 returns the larger of cur and the largest |Σ_k c[k]·x[i+k]|
// for i in [0, n), n a multiple of 32 (x must hold n+47 values). It needs
// AVX2 and FMA.
//
//go:noescape
func firAbsMaxAVX2(c *[TruePeakTaps]float64, x *float64, n int, cur float64) float64

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

// firKernel computes the first n - n%32 values of firAbsMax with the
// vector kernel, if the CPU has one, and returns how many it did.
func firKernel(c *[TruePeakTaps]float64, x []float64, n int, cur *float64) int {
	if !haveAVX2FMA || n < 32 {
		return 0
	}
	m := n &^ 31
	_ = x[m+TruePeakTaps-2] // the last value read
	*cur = firAbsMaxAVX2(c, &x[0], m, *cur)
	return m
}
