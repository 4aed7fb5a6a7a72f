//go:build amd64 && !goexperiment.simd && !purego

package wavemap

import (
	"math"

	"golang.org/x/sys/cpu"
)

// AVX2 kernels in Go assembly (kernels_amd64.s), for the default amd64
// build (without GOEXPERIMENT=simd, which has its own in
// kernels_simd.go, and without the purego tag, which keeps the scalar
// kernels only). They are used when the CPU and the OS support AVX2, and
// give exactly what the scalar kernels give: integer arithmetic
// throughout, sums and sums of squares modulo 2^64 as the scalar kernels
// take them. kernels_test.go and kernels_amd64_test.go check that.

var haveAVX2 = cpu.X86.HasAVX2

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

// s16Vector computes the statistics of an s16 run whose channel count
// divides 16 (1, 2, 4, 8, 16 channels): vector lane l then always holds
// channel l % ch. The last len(d)%32 samples go to the scalar kernel. It
// reports false, doing nothing, for other channel counts, for runs
// shorter than 32 samples, or without AVX2.
func s16Vector(d []int16, ch int, p []intPart) bool {
	if !haveAVX2 || ch <= 0 || 16%ch != 0 || len(d) < 32 {
		return false
	}
	n := len(d) &^ 31 // a multiple of 16, so of ch: whole frames
	var a s16Acc
	s16AccumAVX2(d[:n], &a)
	for l := range 16 {
		c := &p[l%ch]
		c.min = min(c.min, int32(a.mn[l]))
		c.max = max(c.max, int32(a.mx[l]))
	}
	for k := range 8 {
		p[s16ULane(k)%ch].sum += a.sum[k]
		p[s16VLane(k)%ch].sum += a.sum[8+k]
	}
	for j := range 4 {
		// The even lane's sum is the 64-bit lane's less the odd lane's
		// times 2^32, all modulo 2^64: exact since the true sum is below
		// 2^64 whenever the scalar kernel's is.
		odd := a.sqOdd[j]
		p[s16ULane(2*j)%ch].sq += a.sq[j] - odd<<32
		p[s16ULane(2*j+1)%ch].sq += odd
		odd = a.sqOdd[4+j]
		p[s16VLane(2*j)%ch].sq += a.sq[4+j] - odd<<32
		p[s16VLane(2*j+1)%ch].sq += odd
	}
	if n < len(d) {
		perChannel(d[n:], ch, 2, p, s16Lanes)
	}
	return true
}

// s16ULane and s16VLane give the vector lane (the channel, modulo ch)
// that 32-bit lane k of a VPMADDWD result over VPUNPCKLWD (u) or
// VPUNPCKHWD (v) of two vectors comes from: the unpacks work within each
// 128-bit half.
func s16ULane(k int) int { return k&3 + k>>2*8 }
func s16VLane(k int) int { return s16ULane(k) + 4 }

// s16GainAVX2 applies g to d, whose length must be a multiple of 8, in
// place unless dry, and returns the number of clipped samples: exactly
// what gainS16 does (see kernels_amd64.s). It needs AVX2.
//
//go:noescape
func s16GainAVX2(d []int16, gn *intGain, dry bool) int64

// s16GainVector is gainS16 with AVX2: it reports false, doing nothing,
// without AVX2.
func s16GainVector(d []int16, g *intGain, dry bool) (clipped int64, ok bool) {
	if !haveAVX2 {
		return 0, false
	}
	n := len(d) &^ 7
	if n > 0 {
		clipped = s16GainAVX2(d[:n], g, dry)
	}
	return clipped + gainS16(d[n:], g, dry), true
}

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

// s24Vector computes the statistics of a packed 24-bit run (d its bytes)
// whose channel count divides 8; the last samples, at least the final
// 4 bytes' worth, go to the scalar kernel. It reports false, doing
// nothing, for other channel counts, for runs shorter than 16 samples,
// or without AVX2.
func s24Vector(d []byte, ch int, p []intPart) bool {
	if !haveAVX2 || ch <= 0 || 8%ch != 0 || len(d) < 48 {
		return false
	}
	iters := (len(d) - 4) / 24
	var a s24Acc
	s24AccumAVX2(d, iters, &a)
	for l := range 8 {
		c := &p[l%ch]
		c.min = min(c.min, a.mn[l])
		c.max = max(c.max, a.mx[l])
		c.sum += a.sum[l]
	}
	for k := range 4 {
		p[2*k%ch].sq += a.sqEven[k]
		p[(2*k+1)%ch].sq += a.sqOdd[k]
	}
	// 8*iters samples are whole frames: the rest starts on a frame.
	perChannel(d[24*iters:], ch, 3, p, s24Lanes)
	return true
}

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

// f32Vector is f32Lanes over every channel of a mono or stereo run, with
// the same sums in the same order. It reports false, doing nothing, for
// other channel counts, for runs shorter than 8 samples, or without
// AVX2.
func f32Vector(d []float32, ch int, l []floatLanes) bool {
	if !haveAVX2 || (ch != 1 && ch != 2) || len(d) < 8 {
		return false
	}
	n := len(d) &^ 7 // a multiple of 4 frames: lanes stay in step
	var a f32Acc
	// lane[c][k] locates lane k of channel c in S (or Q): vector, element.
	type loc struct{ v, e int }
	var lane [2][4]loc
	if ch == 1 {
		lane[0] = [4]loc{{0, 0}, {0, 1}, {0, 2}, {0, 3}}
	} else {
		lane[0] = [4]loc{{0, 0}, {0, 2}, {1, 0}, {1, 2}}
		lane[1] = [4]loc{{0, 1}, {0, 3}, {1, 1}, {1, 3}}
	}
	for c := range ch {
		for k, at := range lane[c] {
			a.s[at.v][at.e] = l[c].s[k]
			a.q[at.v][at.e] = l[c].q[k]
		}
	}
	f32AccumAVX2(d[:n], ch == 2, &a)
	for c := range ch {
		for k, at := range lane[c] {
			l[c].s[k] = a.s[at.v][at.e]
			l[c].q[k] = a.q[at.v][at.e]
		}
		mn := key32(math.Float32bits(float32(min(l[c].mn[0], l[c].mn[1], l[c].mn[2], l[c].mn[3]))))
		mx := key32(math.Float32bits(float32(max(l[c].mx[0], l[c].mx[1], l[c].mx[2], l[c].mx[3]))))
		for j := c; j < 8; j += ch {
			mn, mx = min(mn, a.mn[j]), max(mx, a.mx[j])
		}
		lo, hi := unkey32(mn), unkey32(mx)
		l[c].mn = [4]float64{lo, lo, lo, lo}
		l[c].mx = [4]float64{hi, hi, hi, hi}
	}
	if n < len(d) {
		perChannel(d[n:], ch, 4, l, f32Lanes)
	}
	return true
}

// f32GainAVX2 applies factor to d, whose length must be a multiple of 8,
// in place unless dry, and returns the number of samples past ±1: exactly
// what gainF32 does (see kernels_amd64.s). It needs AVX2 (and POPCNT,
// which every AVX2 processor has).
//
//go:noescape
func f32GainAVX2(d []float32, factor float64, dry bool) int64

// f32GainVector is gainF32 with AVX2: it reports false, doing nothing,
// without AVX2.
func f32GainVector(d []float32, factor float64, dry bool) (clipped int64, ok bool) {
	if !haveAVX2 || !cpu.X86.HasPOPCNT {
		return 0, false
	}
	n := len(d) &^ 7
	if n > 0 {
		clipped = f32GainAVX2(d[:n], factor, dry)
	}
	return clipped + gainF32(d[n:], factor, dry), true
}

// s16ToF32AVX2 converts len(s) samples, a multiple of 16, into d (at least
// as long). It needs AVX2.
//
//go:noescape
func s16ToF32AVX2(d []float32, s []int16)

// s16ToF32Vector converts the longest prefix of s that the AVX2 kernel
// takes (a multiple of 16 samples) into d and returns its length: 0
// without AVX2.
func s16ToF32Vector(d []float32, s []int16) int {
	n := len(s) &^ 15
	if !haveAVX2 || n == 0 {
		return 0
	}
	s16ToF32AVX2(d[:n], s[:n])
	return n
}
