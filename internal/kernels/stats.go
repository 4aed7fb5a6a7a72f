package kernels

import (
	"encoding/binary"
	"math"
	"unsafe"
)

// Statistics kernels. Each Stats function reduces one run of interleaved
// samples (at most MaxRun frames) into one part per channel: the integer
// ones add to the parts they are given, which the caller resets first
// (IntPart.Reset), the float ones set them.
//
// The per-sample work is done by "lane" kernels that walk one channel
// (elements d[first], d[first+stride], ...) with several independent sets
// of accumulators, so that the additions, squares and comparisons of
// neighbouring samples do not wait on each other. Interleaved data is cut
// into sub-runs of about subRunBytes, and each sub-run is walked once per
// channel: the first walk brings it into the L1 cache, the others read it
// from there, and no modulo or per-sample channel bookkeeping is needed
// for any channel count.
//
// Element j of a channel always goes to float lane j%4 (sub-runs are
// multiples of 4 frames) and the lanes are folded in a fixed order at the
// end of the run, so float partial sums depend only on the run, not on
// how it was cut.

// MaxRun is the largest run, in frames, that the Stats functions take:
// up to it every integer partial sum fits its 64 bits (s24 squares are
// below 2^46).
const MaxRun = 1 << 16

// subRunBytes is the size of the sub-runs walked channel by channel.
const subRunBytes = 16 << 10

// IntPart is one channel's statistics over one run, in the decoded
// integer domain (u8 re-centred on 128, G.711 codes decoded). The sum of
// squares is Sq, with SqHi its high word (used by s32 only, whose squares
// take up to 62 bits).
type IntPart struct {
	Min, Max int32
	Sum      int64
	Sq, SqHi uint64
}

// Reset sets p to the part of an empty run.
func (p *IntPart) Reset() { *p = IntPart{Min: math.MaxInt32, Max: math.MinInt32} }

// FloatPart is one channel's statistics over one run of float samples:
// the sums are float64, added in the fixed order described above.
type FloatPart struct {
	Min, Max, Sum, Sq float64
}

// Reset sets p to the part of an empty run.
func (p *FloatPart) Reset() { *p = FloatPart{Min: math.Inf(1), Max: math.Inf(-1)} }

// StatsS16 adds the statistics of the s16 run d, ch channels
// interleaved, to p (one part per channel).
func StatsS16(d []int16, ch int, p []IntPart) {
	if !s16Vector(d, ch, p) {
		perChannel(d, ch, 2, p, s16Lanes)
	}
}

// StatsS24 is StatsS16 for packed little-endian 24-bit samples: d holds
// their bytes, 3 per sample.
func StatsS24(d []byte, ch int, p []IntPart) {
	if !s24Vector(d, ch, p) {
		perChannel(d, ch, 3, p, s24Lanes)
	}
}

// StatsS32 is StatsS16 for s32 samples.
func StatsS32(d []int32, ch int, p []IntPart) { perChannel(d, ch, 4, p, s32Lanes) }

// StatsU8 is StatsS16 for unsigned 8-bit samples, taken as x-128.
func StatsU8(d []uint8, ch int, p []IntPart) { perChannel(d, ch, 1, p, u8Lanes) }

// StatsTable is StatsS16 for 8-bit codes that decode through the table t
// (A-law, mu-law).
func StatsTable(d []uint8, ch int, p []IntPart, t *[256]int16) {
	perChannel(d, ch, 1, p, func(d []uint8, first, stride, n int, p *IntPart) {
		tableLanes(d, first, stride, n, p, t)
	})
}

// StatsF32 sets p (one part per channel) to the statistics of the
// float32 run d, ch channels interleaved.
func StatsF32(d []float32, ch int, p []FloatPart) {
	l := newFloatLanes(ch)
	if !f32Vector(d, ch, l) {
		perChannel(d, ch, 4, l, floatLanesOf[float32])
	}
	foldLanes(l, p)
}

// StatsF64 is StatsF32 for float64 samples.
func StatsF64(d []float64, ch int, p []FloatPart) {
	l := newFloatLanes(ch)
	perChannel(d, ch, 8, l, floatLanesOf[float64])
	foldLanes(l, p)
}

// perChannel runs the lane kernel k over every channel of the interleaved
// run d (size bytes per sample; for s24, d is the bytes and size 3).
func perChannel[E any, P any](d []E, ch, size int, p []P, k func(d []E, first, stride, n int, p *P)) {
	unit := 1
	if size == 3 {
		unit = 3 // d holds bytes: 3 per sample
	}
	n := len(d) / unit / ch
	if ch == 1 {
		k(d, 0, 1, n, &p[0])
		return
	}
	step := max(4, subRunBytes/(size*ch)&^3)
	for i := 0; i < n; i += step {
		m := min(step, n-i)
		for c := range ch {
			k(d, i*ch+c, ch, m, &p[c])
		}
	}
}

// s16Lanes accumulates d[first+j*stride] for j in [0, n), in two lanes
// (more lanes spill registers on amd64).
func s16Lanes(d []int16, first, stride, n int, p *IntPart) {
	if n <= 0 {
		return
	}
	_ = d[first+(n-1)*stride] // every element read lies inside d
	base := unsafe.Pointer(&d[first])
	step := uintptr(stride) * 2
	mn0, mn1 := int(p.Min), int(p.Min)
	mx0, mx1 := int(p.Max), int(p.Max)
	// Sums in 64 bits even where int has 32 (a run's sum of squares
	// passes 2^31); a square (at most 2^30) fits any int.
	var s0, s1 int64
	var q0, q1 uint64
	off := uintptr(0)
	for k := n >> 1; k > 0; k-- {
		v0 := int(*(*int16)(unsafe.Add(base, off)))
		v1 := int(*(*int16)(unsafe.Add(base, off+step)))
		mn0, mn1 = min(mn0, v0), min(mn1, v1)
		mx0, mx1 = max(mx0, v0), max(mx1, v1)
		s0 += int64(v0)
		s1 += int64(v1)
		q0 += uint64(v0 * v0)
		q1 += uint64(v1 * v1)
		off += 2 * step
	}
	if n&1 != 0 {
		v := int(d[first+(n-1)*stride])
		mn0, mx0 = min(mn0, v), max(mx0, v)
		s0 += int64(v)
		q0 += uint64(v * v)
	}
	p.Min = int32(min(mn0, mn1))
	p.Max = int32(max(mx0, mx1))
	p.Sum += s0 + s1
	p.Sq += q0 + q1
}

// s24 returns the packed little-endian 24-bit sample that b starts with,
// sign-extended.
func s24(b []byte) int32 {
	_ = b[2]
	return int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24) >> 8
}

// s24Lanes reads each packed sample with one 4-byte load (the sample and
// the next one's first byte), shifting the extra byte out; the very last
// sample of d, which may end the mapping, is read bytewise. d is bytes;
// first and stride count samples.
func s24Lanes(d []byte, first, stride, n int, p *IntPart) {
	if n <= 0 {
		return
	}
	last := first + (n-1)*stride
	if 3*last+3 == len(d) { // the last sample ends d: no fourth byte to load
		v := s24(d[3*last:])
		p.Min, p.Max = min(p.Min, v), max(p.Max, v)
		p.Sum += int64(v)
		p.Sq += uint64(int64(v) * int64(v))
		n--
		if n == 0 {
			return
		}
	}
	// Two lanes, not four: four spill registers on amd64. Every load below
	// reads 4 bytes at 3*index, inside d: the sample that ends d, if any,
	// was taken above.
	_ = d[3*(first+(n-1)*stride)+3]
	base := unsafe.Pointer(&d[3*first])
	step := uintptr(3 * stride)
	mn0, mn1 := p.Min, p.Min
	mx0, mx1 := p.Max, p.Max
	var s0, s1 int64
	var q0, q1 uint64
	off := uintptr(0)
	for k := n >> 1; k > 0; k-- {
		v0 := int32(le32At(base, off)<<8) >> 8
		v1 := int32(le32At(base, off+step)<<8) >> 8
		mn0, mn1 = min(mn0, v0), min(mn1, v1)
		mx0, mx1 = max(mx0, v0), max(mx1, v1)
		s0 += int64(v0)
		s1 += int64(v1)
		q0 += uint64(int64(v0) * int64(v0))
		q1 += uint64(int64(v1) * int64(v1))
		off += 2 * step
	}
	if n&1 != 0 {
		v := int32(le32At(base, off)<<8) >> 8
		mn0, mx0 = min(mn0, v), max(mx0, v)
		s0 += int64(v)
		q0 += uint64(int64(v) * int64(v))
	}
	p.Min = min(mn0, mn1)
	p.Max = max(mx0, mx1)
	p.Sum += s0 + s1
	p.Sq += q0 + q1
}

// le32At loads 4 little-endian bytes at base+off (one load on
// little-endian machines).
func le32At(base unsafe.Pointer, off uintptr) uint32 {
	return binary.LittleEndian.Uint32((*[4]byte)(unsafe.Add(base, off))[:])
}

// s32Lanes keeps the sum of squares in 128 bits (Sq, SqHi): one square
// takes up to 62 bits.
func s32Lanes(d []int32, first, stride, n int, p *IntPart) {
	q := *p
	for j := range n {
		v := d[first+j*stride]
		q.Min, q.Max = min(q.Min, v), max(q.Max, v)
		q.Sum += int64(v)
		s := uint64(int64(v) * int64(v))
		lo := q.Sq + s
		if lo < s {
			q.SqHi++
		}
		q.Sq = lo
	}
	*p = q
}

func u8Lanes(d []uint8, first, stride, n int, p *IntPart) {
	q := *p
	for j := range n {
		v := int32(d[first+j*stride]) - 128
		q.Min, q.Max = min(q.Min, v), max(q.Max, v)
		q.Sum += int64(v)
		q.Sq += uint64(v * v)
	}
	*p = q
}

func tableLanes(d []uint8, first, stride, n int, p *IntPart, t *[256]int16) {
	q := *p
	for j := range n {
		v := int32(t[d[first+j*stride]])
		q.Min, q.Max = min(q.Min, v), max(q.Max, v)
		q.Sum += int64(v)
		q.Sq += uint64(v * v)
	}
	*p = q
}

// floatLanes is the running state of one channel in a float run: four
// lanes of minimum, maximum, sum and sum of squares.
type floatLanes struct {
	mn, mx, s, q [4]float64
}

func (l *floatLanes) reset() {
	for k := range 4 {
		l.mn[k], l.mx[k] = math.Inf(1), math.Inf(-1)
	}
}

// newFloatLanes returns the reset lanes of ch channels.
func newFloatLanes(ch int) []floatLanes {
	l := make([]floatLanes, ch)
	for c := range l {
		l[c].reset()
	}
	return l
}

// fold combines the lanes in a fixed order.
func (l *floatLanes) fold(p *FloatPart) {
	p.Min = min(l.mn[0], l.mn[1], l.mn[2], l.mn[3])
	p.Max = max(l.mx[0], l.mx[1], l.mx[2], l.mx[3])
	p.Sum = (l.s[0] + l.s[1]) + (l.s[2] + l.s[3])
	p.Sq = (l.q[0] + l.q[1]) + (l.q[2] + l.q[3])
}

// foldLanes folds the lanes of every channel into p.
func foldLanes(l []floatLanes, p []FloatPart) {
	for c := range l {
		l[c].fold(&p[c])
	}
}

// Float minima and maxima are taken on integer keys: the bits of a float
// with the magnitude bits flipped when the sign is set order exactly as
// the float values do (-0 just below +0; NaNs beyond the infinities, which
// does not matter: a NaN makes the statistics NaN anyway). Integer min and
// max compile to conditional moves, where float comparisons become
// branches that cost several times the whole loop.

func key64(b uint64) int64 { return int64(b ^ uint64(int64(b)>>63)&0x7FFFFFFFFFFFFFFF) }

func unkey64(k int64) float64 { return math.Float64frombits(uint64(k ^ k>>63&0x7FFFFFFFFFFFFFFF)) }

// floatLanesOf accumulates channel elements d[first+j*stride], j in
// [0, n), for float32 and float64 alike: sums and sums of squares in
// float64, element j in lane j%4, minima and maxima on the keys of the
// float64 values (a float32 widens exactly, and in order). The float64
// conversions around the squares keep the compiler from fusing them with
// the sums (it may, for GOAMD64=v3): the AVX2 kernel rounds the product
// and the sum separately, and both must agree to the bit.
func floatLanesOf[F float32 | float64](d []F, first, stride, n int, l *floatLanes) {
	if n <= 0 {
		return
	}
	_ = d[first+(n-1)*stride]
	base := unsafe.Pointer(&d[first])
	step := uintptr(stride) * unsafe.Sizeof(d[0])
	mn0 := key64(math.Float64bits(min(l.mn[0], l.mn[1], l.mn[2], l.mn[3])))
	mx0 := key64(math.Float64bits(max(l.mx[0], l.mx[1], l.mx[2], l.mx[3])))
	mn1, mx1 := mn0, mx0
	s0, s1, s2, s3 := l.s[0], l.s[1], l.s[2], l.s[3]
	q0, q1, q2, q3 := l.q[0], l.q[1], l.q[2], l.q[3]
	off := uintptr(0)
	for k := n >> 2; k > 0; k-- {
		v0 := float64(*(*F)(unsafe.Add(base, off)))
		v1 := float64(*(*F)(unsafe.Add(base, off+step)))
		v2 := float64(*(*F)(unsafe.Add(base, off+2*step)))
		v3 := float64(*(*F)(unsafe.Add(base, off+3*step)))
		k0, k1 := key64(math.Float64bits(v0)), key64(math.Float64bits(v1))
		k2, k3 := key64(math.Float64bits(v2)), key64(math.Float64bits(v3))
		mn0, mn1 = min(mn0, k0, k2), min(mn1, k1, k3)
		mx0, mx1 = max(mx0, k0, k2), max(mx1, k1, k3)
		s0 += v0
		s1 += v1
		s2 += v2
		s3 += v3
		q0 += float64(v0 * v0)
		q1 += float64(v1 * v1)
		q2 += float64(v2 * v2)
		q3 += float64(v3 * v3)
		off += 4 * step
	}
	for k := n &^ 3; k < n; k++ {
		v := float64(d[first+k*stride])
		key := key64(math.Float64bits(v))
		mn0, mx0 = min(mn0, key), max(mx0, key)
		s0 += v
		q0 += float64(v * v)
	}
	lo, hi := unkey64(min(mn0, mn1)), unkey64(max(mx0, mx1))
	l.mn = [4]float64{lo, lo, lo, lo}
	l.mx = [4]float64{hi, hi, hi, hi}
	l.s = [4]float64{s0, s1, s2, s3}
	l.q = [4]float64{q0, q1, q2, q3}
}
