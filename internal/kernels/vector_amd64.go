//go:build !purego

package kernels

import "math"

// The Go half of the AVX2 kernels: each calls its assembly over the
// longest prefix the assembly takes, folds the vector accumulators into
// per-channel parts, and leaves the rest to the scalar kernel. The
// results are those of the scalar kernels bit for bit: integer arithmetic
// throughout (sums and sums of squares modulo 2^64 as the scalar kernels
// take them), and float sums in the scalar kernels' lane order. Each
// reports false, doing nothing, without AVX2 or for a case it does not
// take.

// s16Vector computes the statistics of an s16 run whose channel count
// divides 16 (1, 2, 4, 8, 16 channels): vector lane l then always holds
// channel l % ch. The last len(d)%32 samples go to the scalar kernel. It
// reports false, doing nothing, for other channel counts, for runs
// shorter than 32 samples, or without AVX2.
func s16Vector(d []int16, ch int, p []IntPart) bool {
	if !haveAVX2 || ch <= 0 || 16%ch != 0 || len(d) < 32 {
		return false
	}
	n := len(d) &^ 31 // a multiple of 16, so of ch: whole frames
	var a s16Acc
	s16AccumAVX2(d[:n], &a)
	for l := range 16 {
		c := &p[l%ch]
		c.Min = min(c.Min, int32(a.mn[l]))
		c.Max = max(c.Max, int32(a.mx[l]))
	}
	for k := range 8 {
		p[s16ULane(k)%ch].Sum += a.sum[k]
		p[s16VLane(k)%ch].Sum += a.sum[8+k]
	}
	for j := range 4 {
		// The even lane's sum is the 64-bit lane's less the odd lane's
		// times 2^32, all modulo 2^64: exact since the true sum is below
		// 2^64 whenever the scalar kernel's is.
		odd := a.sqOdd[j]
		p[s16ULane(2*j)%ch].Sq += a.sq[j] - odd<<32
		p[s16ULane(2*j+1)%ch].Sq += odd
		odd = a.sqOdd[4+j]
		p[s16VLane(2*j)%ch].Sq += a.sq[4+j] - odd<<32
		p[s16VLane(2*j+1)%ch].Sq += odd
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

// s16GainVector is gainS16 with AVX2: it reports false, doing nothing,
// without AVX2.
func s16GainVector(d []int16, g *IntGain, dry bool) (clipped int64, ok bool) {
	if !haveAVX2 {
		return 0, false
	}
	n := len(d) &^ 7
	if n > 0 {
		clipped = s16GainAVX2(d[:n], g, dry)
	}
	return clipped + gainS16(d[n:], g, dry), true
}

// s16GainF32Vector is F32Gain.apply with AVX2: it reports false, doing
// nothing, without AVX2.
func s16GainF32Vector(d []int16, g *F32Gain, dry bool) (clipped int64, ok bool) {
	if !haveAVX2 {
		return 0, false
	}
	if g.noClip {
		// No input clips: a dry run has nothing to count, and the
		// kernel needs no clamp.
		if dry {
			return 0, true
		}
		n := len(d) &^ 15
		s16ScaleF32AVX2(d[:n], g.factor)
		d = d[n:]
	}
	const most = 1 << 30 // samples per call: the clip counts are 32-bit
	for len(d) >= 16 {
		n := min(len(d), most) &^ 15
		clipped += s16GainF32AVX2(d[:n], g, dry)
		d = d[n:]
	}
	return clipped + gainS16(d, &g.g, dry), true // the same results, as NewF32Gain checked
}

// s24Vector computes the statistics of a packed 24-bit run (d its bytes)
// whose channel count divides 8; the last samples, at least the final
// 4 bytes' worth, go to the scalar kernel. It reports false, doing
// nothing, for other channel counts, for runs shorter than 16 samples,
// or without AVX2.
func s24Vector(d []byte, ch int, p []IntPart) bool {
	if !haveAVX2 || ch <= 0 || 8%ch != 0 || len(d) < 48 {
		return false
	}
	iters := (len(d) - 4) / 24
	var a s24Acc
	s24AccumAVX2(d, iters, &a)
	for l := range 8 {
		c := &p[l%ch]
		c.Min = min(c.Min, a.mn[l])
		c.Max = max(c.Max, a.mx[l])
		c.Sum += a.sum[l]
	}
	for k := range 4 {
		p[2*k%ch].Sq += a.sqEven[k]
		p[(2*k+1)%ch].Sq += a.sqOdd[k]
	}
	// 8*iters samples are whole frames: the rest starts on a frame.
	perChannel(d[24*iters:], ch, 3, p, s24Lanes)
	return true
}

// f32Vector is floatLanesOf[float32] over every channel of a mono or stereo run, with
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
		perChannel(d[n:], ch, 4, l, floatLanesOf[float32])
	}
	return true
}

// key32 and unkey32 are the ordering keys of stats.go on float32 bits,
// as the float32 assembly takes them.
func key32(b uint32) int32 { return int32(b ^ uint32(int32(b)>>31)&0x7FFFFFFF) }

func unkey32(k int32) float64 { return float64(math.Float32frombits(uint32(k ^ k>>31&0x7FFFFFFF))) }

// f32GainVector is gainF32 with AVX2: it reports false, doing nothing,
// without AVX2.
func f32GainVector(d []float32, factor float64, dry bool) (clipped int64, ok bool) {
	if !haveAVX2 {
		return 0, false
	}
	n := len(d) &^ 7
	if n > 0 {
		clipped = f32GainAVX2(d[:n], factor, dry)
	}
	return clipped + gainF32(d[n:], factor, dry), true
}

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
