//go:build goexperiment.simd && amd64

package wavemap

import (
	"simd/archsimd"
	"unsafe"
)

// AVX2 kernels, built with GOEXPERIMENT=simd on amd64 and used when the
// CPU has AVX2. They give exactly what the scalar kernels give (integer
// arithmetic throughout); kernels_test.go checks that.

var haveAVX2 = archsimd.X86.AVX2()

// s16FlushIters bounds the 32-sample iterations between flushes of the
// 32-bit sum lanes: each lane gains at most 2*32768 per iteration, so
// 2^14 iterations stay below 2^31.
const s16FlushIters = 1 << 14

// s16Vector computes the statistics of an s16 run whose channel count
// divides 16 (1, 2, 4, 8, 16 channels), 32 samples at a time. Vector lane
// l then always holds channel l % ch. For sums, the samples of two
// vectors 16 apart (the same channel) are interleaved so that VPMADDWD's
// pairs belong to one channel: with ones it gives pair sums, with itself
// pair sums of squares (at most 2^31, so taken as uint32 and widened to
// 64 bits at once, with VPMOVZXDQ: a shift by a count held in a register
// was four times slower here). It reports false, doing nothing, for other channel
// counts or without AVX2.
func s16Vector(d []int16, ch int, p []intPart) bool {
	if !haveAVX2 || 16%ch != 0 || len(d) < 32 {
		return false
	}
	var (
		mnA, mnB = archsimd.BroadcastInt16x16(32767), archsimd.BroadcastInt16x16(32767)
		mxA, mxB = archsimd.BroadcastInt16x16(-32768), archsimd.BroadcastInt16x16(-32768)
		ones     = archsimd.BroadcastInt16x16(1)
		// Squares from the low and high 32-bit lanes 0-3 and 4-7 of u's
		// and v's madd results, widened to 64 bits.
		sqUL, sqUH, sqVL, sqVH archsimd.Uint64x4
		sums                   [8]int64
		tmp                    [8]int32
	)
	n := len(d) &^ 31
	for i := 0; i < n; {
		var sumU, sumV archsimd.Int32x8
		end := min(n, i+32*s16FlushIters)
		for ; i < end; i += 32 {
			a := archsimd.LoadInt16x16((*[16]int16)(unsafe.Pointer(&d[i])))
			b := archsimd.LoadInt16x16((*[16]int16)(unsafe.Pointer(&d[i+16])))
			mnA, mnB = mnA.Min(a), mnB.Min(b)
			mxA, mxB = mxA.Max(a), mxB.Max(b)
			u := a.InterleaveLoGrouped(b)
			v := a.InterleaveHiGrouped(b)
			sumU = sumU.Add(u.DotProductPairs(ones))
			sumV = sumV.Add(v.DotProductPairs(ones))
			qu := u.DotProductPairs(u).AsUint32x8()
			qv := v.DotProductPairs(v).AsUint32x8()
			sqUL, sqUH = sqUL.Add(qu.GetLo().ExtendToUint64()), sqUH.Add(qu.GetHi().ExtendToUint64())
			sqVL, sqVH = sqVL.Add(qv.GetLo().ExtendToUint64()), sqVH.Add(qv.GetHi().ExtendToUint64())
		}
		// 32-bit lane k of sumU holds a-lanes uLane(k), of sumV vLane(k).
		sumU.Store(&tmp)
		for k, s := range tmp {
			sums[k] += int64(s)
		}
		sumV.Store(&tmp)
		for k, s := range tmp {
			p[vLane(k)%ch].sum += int64(s)
		}
	}
	for k, s := range sums {
		p[uLane(k)%ch].sum += s
	}
	var mn, mx [16]int16
	mnA.Min(mnB).Store(&mn)
	mxA.Max(mxB).Store(&mx)
	var q [4][4]uint64
	sqUL.Store(&q[0])
	sqUH.Store(&q[1])
	sqVL.Store(&q[2])
	sqVH.Store(&q[3])
	// VZEROUPPER: leaving the upper halves of the YMM registers dirty makes
	// the scalar SSE code that runs next on this thread (Go's float
	// arithmetic) several times slower.
	archsimd.ClearAVXUpperBits()
	for l := range 16 {
		c := &p[l%ch]
		c.min = min(c.min, int32(mn[l]))
		c.max = max(c.max, int32(mx[l]))
	}
	// 64-bit lane j of q[0] (u, low) holds 32-bit lane j of the madd
	// results over u, of q[1] (u, high) lane 4+j; q[2] and q[3] likewise
	// over v.
	for j := range 4 {
		addSq(&p[uLane(j)%ch], q[0][j])
		addSq(&p[uLane(4+j)%ch], q[1][j])
		addSq(&p[vLane(j)%ch], q[2][j])
		addSq(&p[vLane(4+j)%ch], q[3][j])
	}
	if n < len(d) {
		perChannel(d[n:], ch, 2, p, s16Lanes)
	}
	return true
}

// uLane and vLane give the a-vector lane (the channel, modulo ch) that
// 32-bit lane k of a VPMADDWD result over InterleaveLo (u) or
// InterleaveHi (v) of two vectors comes from.
func uLane(k int) int { return k&3 + k>>2*8 }
func vLane(k int) int { return uLane(k) + 4 }

func addSq(p *intPart, s uint64) {
	lo := p.sq + s
	if lo < s {
		p.sqHi++
	}
	p.sq = lo
}

// s16GainVector reports false: this build has no vector gain kernel (the
// amd64 assembly one is used in the default build).
func s16GainVector(d []int16, g *intGain, dry bool) (int64, bool) { return 0, false }

// s24Vector reports false: the packed 24-bit kernel is assembly, in the
// default amd64 build only.
func s24Vector(d []byte, ch int, p []intPart) bool { return false }

// f32Vector reports false: the float32 kernel is assembly, in the
// default amd64 build only.
func f32Vector(d []float32, ch int, l []floatLanes) bool { return false }

// f32GainVector reports false: the float32 gain kernel is assembly, in
// the default amd64 build only.
func f32GainVector(d []float32, factor float64, dry bool) (int64, bool) { return 0, false }

// s16ToF32Vector converts nothing: the s16 -> f32 kernel is assembly, in
// the default amd64 build only.
func s16ToF32Vector(d []float32, s []int16) int { return 0 }
