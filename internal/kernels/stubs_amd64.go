//go:build !purego

package kernels

import "golang.org/x/sys/cpu"

// Declarations of the AVX2 kernels of kernels_amd64.s, and the layouts of
// the accumulators they leave. vector_amd64.go turns those into parts.

// haveAVX2 reports whether the CPU and the OS support AVX2 (and with it
// POPCNT, which every AVX2 processor has, but it is checked too).
var haveAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasPOPCNT

// s16Acc is what s16AccumAVX2 leaves: the raw vector accumulators, which
// s16Vector folds into channels. Its layout is fixed by the assembly.
//
// With a and b two consecutive vectors of 16 samples, u and v the 32-bit
// VPMADDWD pair results over VPUNPCKLWD(a, b) and VPUNPCKHWD(a, b): 32-bit
// lane k of u combines lane s16ULane(k) of a and b, of v lane
// s16VLane(k).
type s16Acc struct {
	mn, mx [16]int16 // per vector lane: offsets 0 and 32
	// sum[k] is the sum over u's 32-bit lane k, sum[8+k] over v's lane k
	// (offset 64).
	sum [16]int64
	// sq[j] is the sum of u's squares taken as 64-bit lane j (32-bit
	// lanes 2j and 2j+1, the latter times 2^32), modulo 2^64; sq[4+j]
	// the same over v (offset 192). sqOdd[j] and sqOdd[4+j] are the sums
	// of the 32-bit lanes 2j+1 alone (offset 256).
	sq, sqOdd [8]uint64
}

// s16AccumAVX2 accumulates d, whose length must be a multiple of 32, 32
// samples at a time, into acc (entirely overwritten). It needs AVX2.
//
//go:noescape
func s16AccumAVX2(d []int16, acc *s16Acc)

// s16GainAVX2 applies g to d, whose length must be a multiple of 8, in
// place unless dry, and returns the number of clipped samples: exactly
// what gainS16 does (see kernels_amd64.s). It needs AVX2.
//
//go:noescape
func s16GainAVX2(d []int16, gn *IntGain, dry bool) int64

// s16GainF32AVX2 is s16GainAVX2 in float32 arithmetic, 16 samples at a
// time (len(d) a multiple of 16, below 2^31): see NewGainS16 for where
// that gives the same results. It needs AVX2.
//
//go:noescape
func s16GainF32AVX2(d []int16, gn *F32Gain, dry bool) int64

// s16ScaleF32AVX2 is s16GainF32AVX2 for a factor under which no s16
// sample clips (F32Gain.noClip), in place: no clamp, no count. len(d)
// must be a multiple of 16. It needs AVX2.
//
//go:noescape
func s16ScaleF32AVX2(d []int16, factor float32)

// s24Acc is what s24AccumAVX2 leaves, per dword lane l (sample l of
// every 8): its layout is fixed by the assembly.
type s24Acc struct {
	mn, mx [8]int32  // offsets 0 and 32
	sum    [8]int64  // offset 64
	sqEven [4]uint64 // offset 128: squares of lane 2k, modulo 2^64
	sqOdd  [4]uint64 // offset 160: squares of lane 2k+1
}

// s24AccumAVX2 accumulates iters groups of 8 packed samples (24 bytes)
// from the start of d into acc (entirely overwritten). It reads 28 bytes
// per group: 24*iters+4 must not pass len(d). It needs AVX2.
//
//go:noescape
func s24AccumAVX2(d []byte, iters int, acc *s24Acc)

// f32Acc is f32AccumAVX2's state: key minima and maxima per dword lane
// (written), and the float64 sums S0, S1 and squares Q0, Q1 (read and
// written). Its layout is fixed by the assembly.
type f32Acc struct {
	mn, mx [8]int32      // offsets 0 and 32
	s      [2][4]float64 // offset 64
	q      [2][4]float64 // offset 128
}

// f32AccumAVX2 accumulates d, whose length must be a multiple of 8, into
// acc, as one channel or as stereo frames (see kernels_amd64.s). It
// needs AVX2.
//
//go:noescape
func f32AccumAVX2(d []float32, stereo bool, acc *f32Acc)

// f32GainAVX2 applies factor to d, whose length must be a multiple of 8,
// in place unless dry, and returns the number of samples past ±1: exactly
// what gainF32 does (see kernels_amd64.s). It needs AVX2 and POPCNT.
//
//go:noescape
func f32GainAVX2(d []float32, factor float64, dry bool) int64

// s16ToF32AVX2 converts len(s) samples, a multiple of 16, into d (at least
// as long). It needs AVX2.
//
//go:noescape
func s16ToF32AVX2(d []float32, s []int16)
