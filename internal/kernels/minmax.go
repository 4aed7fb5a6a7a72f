package kernels

import (
	"math"
	"unsafe"
)

// Minimum and maximum kernels, for waveform pyramids (wavemap.OpenPeaks).
// Each walks one channel of interleaved samples, the elements
// d[first+j*stride] for j in [0, n), and returns their smallest and
// largest value in the decoded integer domain (u8 re-centred on 128,
// G.711 codes through their table) or as floats. They keep two or four
// independent pairs of accumulators, so neighbouring comparisons do not
// wait on each other, and integer min and max compile to conditional
// moves. An empty run (n <= 0) returns the empty range: the type's
// largest value as the minimum and its smallest as the maximum (+Inf and
// -Inf for floats), which any min/max merge absorbs.

// MinMaxS16 returns the range of the s16 channel d[first+j*stride],
// j in [0, n).
func MinMaxS16(d []int16, first, stride, n int) (lo, hi int16) {
	if n <= 0 {
		return math.MaxInt16, math.MinInt16
	}
	_ = d[first+(n-1)*stride] // every element read lies inside d
	base := unsafe.Pointer(&d[first])
	step := uintptr(stride) * 2
	mn0, mn1, mn2, mn3 := int32(math.MaxInt16), int32(math.MaxInt16), int32(math.MaxInt16), int32(math.MaxInt16)
	mx0, mx1, mx2, mx3 := int32(math.MinInt16), int32(math.MinInt16), int32(math.MinInt16), int32(math.MinInt16)
	off := uintptr(0)
	for k := n >> 2; k > 0; k-- {
		v0 := int32(*(*int16)(unsafe.Add(base, off)))
		v1 := int32(*(*int16)(unsafe.Add(base, off+step)))
		v2 := int32(*(*int16)(unsafe.Add(base, off+2*step)))
		v3 := int32(*(*int16)(unsafe.Add(base, off+3*step)))
		mn0, mn1, mn2, mn3 = min(mn0, v0), min(mn1, v1), min(mn2, v2), min(mn3, v3)
		mx0, mx1, mx2, mx3 = max(mx0, v0), max(mx1, v1), max(mx2, v2), max(mx3, v3)
		off += 4 * step
	}
	for k := n & 3; k > 0; k-- {
		v := int32(*(*int16)(unsafe.Add(base, off)))
		mn0, mx0 = min(mn0, v), max(mx0, v)
		off += step
	}
	return int16(min(mn0, mn1, mn2, mn3)), int16(max(mx0, mx1, mx2, mx3))
}

// MinMaxS24 is MinMaxS16 for packed little-endian 24-bit samples: d holds
// their bytes, 3 per sample; first and stride count samples. Each sample
// is read with one 4-byte load (the sample and the next one's first
// byte), except the very last sample of d, which may end the mapping.
func MinMaxS24(d []byte, first, stride, n int) (lo, hi int32) {
	lo, hi = math.MaxInt32, math.MinInt32
	if n <= 0 {
		return lo, hi
	}
	last := first + (n-1)*stride
	if 3*last+3 == len(d) { // the last sample ends d: no fourth byte to load
		v := s24(d[3*last:])
		lo, hi = v, v
		n--
		if n == 0 {
			return lo, hi
		}
	}
	_ = d[3*(first+(n-1)*stride)+3]
	base := unsafe.Pointer(&d[3*first])
	step := uintptr(3 * stride)
	mn0, mn1 := lo, lo
	mx0, mx1 := hi, hi
	off := uintptr(0)
	for k := n >> 1; k > 0; k-- {
		v0 := int32(le32At(base, off)<<8) >> 8
		v1 := int32(le32At(base, off+step)<<8) >> 8
		mn0, mn1 = min(mn0, v0), min(mn1, v1)
		mx0, mx1 = max(mx0, v0), max(mx1, v1)
		off += 2 * step
	}
	if n&1 != 0 {
		v := int32(le32At(base, off)<<8) >> 8
		mn0, mx0 = min(mn0, v), max(mx0, v)
	}
	return min(mn0, mn1), max(mx0, mx1)
}

// MinMaxS32 is MinMaxS16 for s32 samples.
func MinMaxS32(d []int32, first, stride, n int) (lo, hi int32) {
	if n <= 0 {
		return math.MaxInt32, math.MinInt32
	}
	_ = d[first+(n-1)*stride]
	base := unsafe.Pointer(&d[first])
	step := uintptr(stride) * 4
	mn0, mn1 := int32(math.MaxInt32), int32(math.MaxInt32)
	mx0, mx1 := int32(math.MinInt32), int32(math.MinInt32)
	off := uintptr(0)
	for k := n >> 1; k > 0; k-- {
		v0 := *(*int32)(unsafe.Add(base, off))
		v1 := *(*int32)(unsafe.Add(base, off+step))
		mn0, mn1 = min(mn0, v0), min(mn1, v1)
		mx0, mx1 = max(mx0, v0), max(mx1, v1)
		off += 2 * step
	}
	if n&1 != 0 {
		v := *(*int32)(unsafe.Add(base, off))
		mn0, mx0 = min(mn0, v), max(mx0, v)
	}
	return min(mn0, mn1), max(mx0, mx1)
}

// MinMaxU8 is MinMaxS16 for unsigned 8-bit samples, taken as x-128.
func MinMaxU8(d []uint8, first, stride, n int) (lo, hi int16) {
	if n <= 0 {
		return math.MaxInt16, math.MinInt16
	}
	_ = d[first+(n-1)*stride]
	mn0, mn1 := uint8(255), uint8(255)
	mx0, mx1 := uint8(0), uint8(0)
	i := first
	for k := n >> 1; k > 0; k-- {
		v0, v1 := d[i], d[i+stride]
		mn0, mn1 = min(mn0, v0), min(mn1, v1)
		mx0, mx1 = max(mx0, v0), max(mx1, v1)
		i += 2 * stride
	}
	if n&1 != 0 {
		mn0, mx0 = min(mn0, d[i]), max(mx0, d[i])
	}
	return int16(min(mn0, mn1)) - 128, int16(max(mx0, mx1)) - 128
}

// MinMaxTable is MinMaxS16 for 8-bit codes that decode through the table
// t (A-law, mu-law).
func MinMaxTable(d []uint8, first, stride, n int, t *[256]int16) (lo, hi int16) {
	if n <= 0 {
		return math.MaxInt16, math.MinInt16
	}
	_ = d[first+(n-1)*stride]
	mn0, mn1 := int16(math.MaxInt16), int16(math.MaxInt16)
	mx0, mx1 := int16(math.MinInt16), int16(math.MinInt16)
	i := first
	for k := n >> 1; k > 0; k-- {
		v0, v1 := t[d[i]], t[d[i+stride]]
		mn0, mn1 = min(mn0, v0), min(mn1, v1)
		mx0, mx1 = max(mx0, v0), max(mx1, v1)
		i += 2 * stride
	}
	if n&1 != 0 {
		v := t[d[i]]
		mn0, mx0 = min(mn0, v), max(mx0, v)
	}
	return min(mn0, mn1), max(mx0, mx1)
}

// Float minima and maxima are taken on the integer ordering keys of the
// values (see key64; fkey32 is its float32 form), which compile to conditional moves. NaNs are left
// out: their keys lie beyond those of the infinities, so a run whose key
// range leaves [key(-Inf), key(+Inf)] held a NaN and is walked again,
// skipping NaNs, by a plain loop. A run of nothing but NaNs has the empty
// range.

func fkey32(b uint32) int32 { return int32(b ^ uint32(int32(b)>>31)&0x7FFFFFFF) }

func unfkey32(k int32) float32 { return math.Float32frombits(uint32(k ^ k>>31&0x7FFFFFFF)) }

var (
	keyInf32    = fkey32(math.Float32bits(float32(math.Inf(1))))
	keyNegInf32 = fkey32(math.Float32bits(float32(math.Inf(-1))))
	keyInf64    = key64(math.Float64bits(math.Inf(1)))
	keyNegInf64 = key64(math.Float64bits(math.Inf(-1)))
)

// MinMaxF32 returns the range of the float32 channel d[first+j*stride],
// j in [0, n), leaving NaNs out.
func MinMaxF32(d []float32, first, stride, n int) (lo, hi float32) {
	if n <= 0 {
		return float32(math.Inf(1)), float32(math.Inf(-1))
	}
	_ = d[first+(n-1)*stride]
	base := unsafe.Pointer(&d[first])
	step := uintptr(stride) * 4
	mn0, mn1 := keyInf32, keyInf32
	mx0, mx1 := keyNegInf32, keyNegInf32
	off := uintptr(0)
	for k := n >> 1; k > 0; k-- {
		v0 := fkey32(*(*uint32)(unsafe.Add(base, off)))
		v1 := fkey32(*(*uint32)(unsafe.Add(base, off+step)))
		mn0, mn1 = min(mn0, v0), min(mn1, v1)
		mx0, mx1 = max(mx0, v0), max(mx1, v1)
		off += 2 * step
	}
	if n&1 != 0 {
		v := fkey32(*(*uint32)(unsafe.Add(base, off)))
		mn0, mx0 = min(mn0, v), max(mx0, v)
	}
	mn, mx := min(mn0, mn1), max(mx0, mx1)
	if mn < keyNegInf32 || mx > keyInf32 {
		return minMaxFloatSlow(d, first, stride, n)
	}
	return unfkey32(mn), unfkey32(mx)
}

// MinMaxF64 is MinMaxF32 for float64 samples.
func MinMaxF64(d []float64, first, stride, n int) (lo, hi float64) {
	if n <= 0 {
		return math.Inf(1), math.Inf(-1)
	}
	_ = d[first+(n-1)*stride]
	base := unsafe.Pointer(&d[first])
	step := uintptr(stride) * 8
	mn0, mn1 := keyInf64, keyInf64
	mx0, mx1 := keyNegInf64, keyNegInf64
	off := uintptr(0)
	for k := n >> 1; k > 0; k-- {
		v0 := key64(*(*uint64)(unsafe.Add(base, off)))
		v1 := key64(*(*uint64)(unsafe.Add(base, off+step)))
		mn0, mn1 = min(mn0, v0), min(mn1, v1)
		mx0, mx1 = max(mx0, v0), max(mx1, v1)
		off += 2 * step
	}
	if n&1 != 0 {
		v := key64(*(*uint64)(unsafe.Add(base, off)))
		mn0, mx0 = min(mn0, v), max(mx0, v)
	}
	mn, mx := min(mn0, mn1), max(mx0, mx1)
	if mn < keyNegInf64 || mx > keyInf64 {
		return minMaxFloatSlow(d, first, stride, n)
	}
	return unkey64(mn), unkey64(mx)
}

// minMaxFloatSlow is the NaN-skipping walk of a run that holds a NaN.
func minMaxFloatSlow[F float32 | float64](d []F, first, stride, n int) (lo, hi F) {
	lo, hi = F(math.Inf(1)), F(math.Inf(-1))
	for j := range n {
		v := d[first+j*stride]
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	return lo, hi
}

// MinMaxRunsS16 sets out[c][2*(at+r)] and out[c][2*(at+r)+1] to the
// smallest and the largest sample of channel c over run r of d: d holds
// frames of ch interleaved samples, cut into runs of run frames (the last
// one may be shorter), and out holds one array of (min, max) pairs per
// channel, as a min/max pyramid keeps them. With AVX2, runs whose channel
// count divides 8 are walked 16 samples at a time, all channels at once.
func MinMaxRunsS16(d []int16, ch, run int, out [][]int16, at int) {
	done := s16RunsVector(d, ch, run, out, at)
	runsScalar(d, ch, run, 1, done, out, at, MinMaxS16)
}

// MinMaxRunsS24 is MinMaxRunsS16 for packed 24-bit samples: d holds their
// bytes, 3 per sample. The vector kernel reads each sample as 4 bytes, so
// it may read up to 4 bytes past len(d) when cap(d) holds them (a slice
// of a mapping does): the last run is otherwise left to the lane kernel.
func MinMaxRunsS24(d []byte, ch, run int, out [][]int32, at int) {
	done := s24RunsVector(d, ch, run, out, at)
	runsScalar(d, ch, run, 3, done, out, at, MinMaxS24)
}

// MinMaxRunsF32 is MinMaxRunsS16 for float32 samples, NaNs left out.
func MinMaxRunsF32(d []float32, ch, run int, out [][]float32, at int) {
	done := f32RunsVector(d, ch, run, out, at)
	runsScalar(d, ch, run, 1, done, out, at, MinMaxF32)
}

// runsScalar does the runs of a MinMaxRuns kernel from run number from
// on with the lane kernel k (unit elements of d per sample).
func runsScalar[E, V any](d []E, ch, run, unit, from int, out [][]V, at int, k func(d []E, first, stride, n int) (V, V)) {
	frames := len(d) / unit / ch
	for r := from; r*run < frames; r++ {
		n := min(run, frames-r*run)
		for c := range ch {
			out[c][2*(at+r)], out[c][2*(at+r)+1] = k(d, r*run*ch+c, ch, n)
		}
	}
}
