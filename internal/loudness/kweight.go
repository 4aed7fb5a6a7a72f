package loudness

import "math"

// Biquad is one second-order section of a recursive filter:
//
//	y[n] = B0 x[n] + B1 x[n-1] + B2 x[n-2] - A1 y[n-1] - A2 y[n-2]
//
// (a0 is 1), as ITU-R BS.1770 writes its pre-filter stages.
type Biquad struct {
	B0, B1, B2 float64
	A1, A2     float64
}

// The analog prototypes of the two K-weighting stages. BS.1770 gives the
// stages only as digital coefficients at 48 kHz (its Tables 1 and 2) and
// asks other sample rates for "the same frequency response"; these are
// the prototypes that the literature (and libebur128) fitted to those
// tables, from which every rate is derived by the bilinear transform.
// At 48 kHz the result matches the tables to about 1e-15.
const (
	// The pre-filter (the acoustic effect of the head) is a high shelf
	//
	//	H(s) = (Vh s² + Vb (w0/Q) s + w0²) / (s² + (w0/Q) s + w0²)
	//
	// with w0 = 2π shelfF0, Vh = 10^(shelfGainDB/20) the gain above
	// the shelf and Vb = Vh^shelfVbExp the gain in its middle.
	shelfF0     = 1681.974450955533 // Hz
	shelfGainDB = 3.999843853973347 // dB
	shelfQ      = 0.7071752369554196
	shelfVbExp  = 0.4996667741545416
	// The RLB weighting is a second-order high-pass
	//
	//	H(s) = g s² / (s² + (w0/Q) s + w0²)
	//
	// with w0 = 2π highPassF0. Table 2 leaves its numerator at
	// (1, -2, 1), which is the bilinear high-pass scaled by g =
	// 1 + K/Q + K² at 48 kHz (K below): a pass-band gain of about
	// +0.043 dB that the -0.691 dB of BS.1770's equation (2) absorbs.
	// The same g is kept at every rate, so that the pass band (and a
	// 997 Hz tone's reading) does not depend on the sample rate.
	highPassF0 = 38.13547087602444 // Hz
	highPassQ  = 0.5003270373238773
)

// KWeighting returns the two stages of BS.1770's K-weighting for the
// sample rate rate (in Hz): the pre-filter high shelf, then the RLB
// high-pass. They come from the analog prototypes by the bilinear
// transform, pre-warped at each stage's corner frequency: with
// K = tan(π f0 / rate), s = (1/K)(1 - z⁻¹)/(1 + z⁻¹) in the prototype
// normalised to w0 = 1. At 48 kHz they equal BS.1770's Tables 1 and 2
// to within 1e-15.
//
// The shelf's corner is at 1682 Hz, so at rates below about 3.4 kHz it
// lies above the Nyquist frequency, where the transform can no longer
// place it: KWeighting still returns stable sections (tan stays finite
// below 2·f0), but such rates are far outside what BS.1770 considers.
func KWeighting(rate float64) (shelf, highPass Biquad) {
	// Pre-filter.
	k := math.Tan(math.Pi * shelfF0 / rate)
	vh := math.Pow(10, shelfGainDB/20)
	vb := math.Pow(vh, shelfVbExp)
	d := 1 + k/shelfQ + k*k
	shelf = Biquad{
		B0: (vh + vb*k/shelfQ + k*k) / d,
		B1: 2 * (k*k - vh) / d,
		B2: (vh - vb*k/shelfQ + k*k) / d,
		A1: 2 * (k*k - 1) / d,
		A2: (1 - k/shelfQ + k*k) / d,
	}
	// RLB high-pass.
	k = math.Tan(math.Pi * highPassF0 / rate)
	d = 1 + k/highPassQ + k*k
	k48 := math.Tan(math.Pi * highPassF0 / 48000)
	g := (1 + k48/highPassQ + k48*k48) / d // exactly 1 at 48 kHz
	highPass = Biquad{
		B0: g,
		B1: -2 * g,
		B2: g,
		A1: 2 * (k*k - 1) / d,
		A2: (1 - k/highPassQ + k*k) / d,
	}
	return shelf, highPass
}

// Response returns the magnitude of b's frequency response at frequency
// f (Hz) for the sample rate rate.
func (b Biquad) Response(f, rate float64) float64 {
	w := 2 * math.Pi * f / rate
	c1, s1 := math.Cos(w), math.Sin(w)
	c2, s2 := math.Cos(2*w), math.Sin(2*w)
	nr := b.B0 + b.B1*c1 + b.B2*c2
	ni := -b.B1*s1 - b.B2*s2
	dr := 1 + b.A1*c1 + b.A2*c2
	di := -b.A1*s1 - b.A2*s2
	return math.Sqrt((nr*nr + ni*ni) / (dr*dr + di*di))
}

// kState is the memory of one channel's K-weighting filter, in direct
// form I: the last two inputs, the last two outputs of the shelf (the
// high-pass's inputs) and the last two outputs of the high-pass.
type kState struct {
	x1, x2, y1, y2, z1, z2 float64
	// even, odd are the partial sums a vector kernel leaves (see
	// kweightPair); the scalar kernels keep theirs in locals.
	even, odd float64
}

// sum returns the partial sums a vector kernel left, and clears them.
func (k *kState) sum() float64 {
	s := k.even + k.odd
	k.even, k.odd = 0, 0
	return s
}

// kCoeffs are the two stages of K-weighting, flattened for the kernel.
type kCoeffs struct {
	sb0, sb1, sb2, sa1, sa2 float64 // shelf
	hg, ha1, ha2            float64 // high-pass: numerator hg·(1, -2, 1)
	packed                  kPacked // the same, each twice, for the vector kernel
}

func newKCoeffs(rate float64) kCoeffs {
	s, h := KWeighting(rate)
	c := kCoeffs{sb0: s.B0, sb1: s.B1, sb2: s.B2, sa1: s.A1, sa2: s.A2, hg: h.B0, ha1: h.A1, ha2: h.A2}
	for i, v := range []float64{c.sb0, c.sb1, c.sb2, c.sa1, c.sa2, c.hg, c.ha1, c.ha2} {
		c.packed[2*i], c.packed[2*i+1] = v, v
	}
	return c
}

// The K-weighting kernels. Every one computes, for each channel, exactly
// the same operations in the same order: the direct form I recursions
//
//	y = ((((sb0·x + sb1·x1) + sb2·x2) - sa1·y1) - sa2·y2)
//	z = ((hg·((y - 2·y1) + y2) - ha1·z1) - ha2·z2)
//
// and the sum of z² in two partial sums, one for the even frames of the
// call and one for the odd ones. The products are converted to float64
// explicitly, which the Go specification says prevents their fusion with
// the additions (as GOAMD64=v3 would otherwise allow), so that the scalar
// kernels, the vector ones and every build give the same bits, whether
// a channel is filtered alone or in a pair.

// kweightSquares filters x through K-weighting, continuing from st (which
// it updates), and returns the sum of the squares of the output. The
// sum's rounding depends on where x starts (see above): callers hand it
// whole hops.
func kweightSquares(c *kCoeffs, st *kState, x []float64) float64 {
	x1, x2, y1, y2, z1, z2 := st.x1, st.x2, st.y1, st.y2, st.z1, st.z2
	sb0, sb1, sb2, sa1, sa2 := c.sb0, c.sb1, c.sb2, c.sa1, c.sa2
	hg, ha1, ha2 := c.hg, c.ha1, c.ha2
	var s [2]float64
	for i, a := range x {
		y := float64(sb0*a) + float64(sb1*x1) + float64(sb2*x2) - float64(sa1*y1) - float64(sa2*y2)
		z := float64(hg*(y-2*y1+y2)) - float64(ha1*z1) - float64(ha2*z2)
		s[i&1] += float64(z * z)
		x2, x1 = x1, a
		y2, y1 = y1, y
		z2, z1 = z1, z
	}
	*st = kState{x1: x1, x2: x2, y1: y1, y2: y2, z1: z1, z2: z2}
	return s[0] + s[1]
}

// kweightPair is kweightSquares for the two channels c and c+1 of the n
// interleaved frames of ch channels in x, in place of a gather: it
// returns both sums.
func kweightPair(co *kCoeffs, st *[2]kState, x []float64, ch, c, n int) (float64, float64) {
	if n == 0 {
		return 0, 0
	}
	if pairKernel(co, st, x, ch, c, n) {
		return st[0].sum(), st[1].sum()
	}
	return kweightPairGo(co, st, x, ch, c, n)
}

// kweightPairGo is kweightPair's scalar kernel.
func kweightPairGo(co *kCoeffs, st *[2]kState, x []float64, ch, c, n int) (float64, float64) {
	var s0, s1 float64
	for lane := range 2 {
		k := &st[lane]
		x1, x2, y1, y2, z1, z2 := k.x1, k.x2, k.y1, k.y2, k.z1, k.z2
		var s [2]float64
		for i, j := 0, c+lane; i < n; i, j = i+1, j+ch {
			a := x[j]
			y := float64(co.sb0*a) + float64(co.sb1*x1) + float64(co.sb2*x2) - float64(co.sa1*y1) - float64(co.sa2*y2)
			z := float64(co.hg*(y-2*y1+y2)) - float64(co.ha1*z1) - float64(co.ha2*z2)
			s[i&1] += float64(z * z)
			x2, x1 = x1, a
			y2, y1 = y1, y
			z2, z1 = z1, z
		}
		*k = kState{x1: x1, x2: x2, y1: y1, y2: y2, z1: z1, z2: z2}
		if lane == 0 {
			s0 = s[0] + s[1]
		} else {
			s1 = s[0] + s[1]
		}
	}
	return s0, s1
}
