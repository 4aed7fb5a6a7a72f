//go:build amd64 && !goexperiment.simd && !purego

package wavemap

import "golang.org/x/sys/cpu"

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
