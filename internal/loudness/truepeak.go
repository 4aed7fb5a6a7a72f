package loudness

import "math"

// True peak, after ITU-R BS.1770 Annex 2: the signal is oversampled by an
// interpolating low-pass filter and the largest magnitude of the
// oversampled signal is the true peak.
//
// # The filter
//
// Annex 2 gives, as an example, a 48-tap FIR interpolator for 4x
// oversampling: 4 phases of 12 taps, as a table of coefficients. This
// package keeps its size (12 input samples per interpolated value) but
// derives its own coefficients, for two reasons found by computing the
// Annex's table's response (TestAnnexFilter reproduces the figures):
//
//   - The Annex's 48-tap prototype is symmetric about its centre between
//     two taps, so its four phases interpolate at 1/8, 3/8, 5/8 and 7/8
//     of a sample from the input samples: none of them is the input
//     itself, and all four must be computed (48 products per sample).
//   - Its table is rounded to multiples of 2^-13 and its phases are not
//     normalised: their gains at 0 Hz are 1.0016 and 0.9730, and they
//     stay within 0.24 dB of the ideal fractional delay only up to
//     0.417 fs (20 kHz at 48 kHz). A tone at fs/4 can read 0.22 dB high
//     (EBU Tech 3341 allows +0.2).
//
// Here the interpolated values fall at the fractions d = p/L (p = 1 ...
// L-1) between x[i] and x[i+1], so that the remaining value, d = 0, is
// the input sample itself (the true peak is never below the sample peak)
// and only L-1 phases are computed: 36 products per sample at 4x, 12 at
// 2x. Each phase is a Kaiser-windowed sinc over the 12 input samples
// around it, x[i-5] ... x[i+6]:
//
//	y(i + d) = Σ_k c_d[k] x[i-5+k],  c_d[k] ∝ sinc(t) · kaiser(t/6),  t = k - 5 - d
//
// with a window of β = tpBeta over ±6 input samples, each phase scaled to
// a gain of exactly 1 at 0 Hz. This is the size libebur128 uses too (a
// 49-tap Hann-windowed sinc at 4x).
//
// Pass band: every phase matches the ideal fractional delay e^(-j2πfd)
// to within 0.01 dB in magnitude (a complex error below 0.12% of the
// signal) from 0 to 0.3 fs (14.4 kHz at 48 kHz), within 0.06 dB up to
// 0.35 fs; above, the response falls (1 dB down at 0.4 fs, 19.2 kHz at
// 48 kHz, 17.6 kHz at 44.1 kHz). TestInterpolatorPassband checks these
// figures.
//
// What the shorter filter changes is the reading of content above
// 0.35 fs. On the EBU's test signals (Tech 3341 cases 15 to 23, whose
// energy lies at fs/8 to fs/4) every reading is within 0.2 dB of the
// expected one (the worst, case 22, 0.196 dB low at 44.1 and 48 kHz);
// on the signals of the libebur128 cross-check it agrees with
// libebur128 within 0.07 dB. On full-band white noise, whose
// peaks owe much to the top of the band, the readings of interpolators
// differ by more than 1 dB: 30 s of uniform white noise of peak 0.3 at
// 48 kHz (one channel) reads -5.94 dBTP here, -5.89 through libebur128,
// -5.61 through the Annex's table and -4.62 through this package's
// previous filter (48 taps per phase, flat to 0.45 fs). No standard asks
// more of the meter there; LoudnessOptions cannot choose a longer filter.
//
// # The kernels
//
// The interpolator only needs the largest magnitude of the oversampled
// signal, never the signal itself: peak computes, for a run of intervals,
// every phase of every interval and keeps the running maximum. On amd64
// with AVX2 and FMA, kernels_amd64.s does 16 intervals at a time, all
// three phases at once (at 4x: 12 accumulators of 4 values, each input
// vector loaded once for the three phases), or 32 at a time at 2x; the
// intervals left over are done in Go with math.FMA in the kernel's order
// (tap 0 to 11, each product fused into the sum), so every value is the
// same to the bit whichever computed it, and a measurement does not
// depend on how its runs were cut. Elsewhere (other architectures, the
// purego tag, CPUs without FMA) the portable loop computes every value,
// unfused: within rounding of the kernel's (TestFIRKernel).

// TruePeakTaps is the number of input samples that each interpolated
// value is computed from.
const TruePeakTaps = 12

// The values between x[i] and x[i+1] are computed from x[i-tpBefore] to
// x[i+tpAfter].
const (
	tpBefore = TruePeakTaps/2 - 1 // 5
	tpAfter  = TruePeakTaps / 2   // 6
)

// tpBeta is the Kaiser window's β: the trade between the accuracy up to
// 0.3 fs and the width of the band, chosen for the figures above.
const tpBeta = 6.0

// Oversampling returns the oversampling factor of the true-peak meter at
// the sample rate rate: 4 below 96 kHz, 2 below 192 kHz and 1 (the true
// peak is the sample peak) from 192 kHz on, as BS.1770 Annex 2 suggests
// ("for an incoming signal at 96 kHz sample rate a 2× over-sampling
// would be sufficient") and libebur128 does. The EBU's true-peak test
// signals, taken at 96 kHz as what they are (the same tones and bursts in
// Hz as at 48 kHz), all read within the tolerance of EBU Tech 3341 with
// 2x: see TESTING.md.
func Oversampling(rate int) int {
	switch {
	case rate < 96000:
		return 4
	case rate < 192000:
		return 2
	}
	return 1
}

// interpolator is the polyphase filter for one oversampling factor.
type interpolator struct {
	factor int
	// phases[p-1] are the taps of the values at fraction p/factor.
	phases []*[TruePeakTaps]float64
	// packed holds the taps for the kernels: tap k of phase p at
	// packed[4k+p] at 4x (packed[4k+3] is 0), at packed[k] at 2x.
	packed []float64
	// l1 is the largest sum of |c| over the phases: no interpolated
	// value exceeds l1 times the largest |x| under the filter.
	l1 float64
}

var (
	interp2 = newInterpolator(2)
	interp4 = newInterpolator(4)
)

// interpolatorFor returns the interpolator of factor (2 or 4); nil for 1.
func interpolatorFor(factor int) *interpolator {
	switch factor {
	case 2:
		return interp2
	case 4:
		return interp4
	}
	return nil
}

func newInterpolator(factor int) *interpolator {
	ip := &interpolator{factor: factor}
	for p := 1; p < factor; p++ {
		c := PhaseTaps(float64(p) / float64(factor))
		ip.phases = append(ip.phases, c)
		s := 0.0
		for _, v := range c {
			s += math.Abs(v)
		}
		ip.l1 = max(ip.l1, s)
	}
	switch factor {
	case 4:
		ip.packed = make([]float64, 4*TruePeakTaps)
		for p, c := range ip.phases {
			for k, v := range c {
				ip.packed[4*k+p] = v
			}
		}
	case 2:
		ip.packed = append([]float64(nil), ip.phases[0][:]...)
	}
	return ip
}

// PhaseTaps returns the taps of the interpolator's phase at fraction d
// (0 < d < 1) of the way from x[i] to x[i+1]: tap k multiplies
// x[i-5+k].
func PhaseTaps(d float64) *[TruePeakTaps]float64 {
	var c [TruePeakTaps]float64
	half := float64(TruePeakTaps / 2)
	sum := 0.0
	for k := range c {
		t := float64(k-tpBefore) - d
		u := t / half
		w := 0.0
		if math.Abs(u) < 1 {
			w = besselI0(tpBeta*math.Sqrt(1-u*u)) / besselI0(tpBeta)
		}
		c[k] = sinc(t) * w
		sum += c[k]
	}
	for k := range c {
		c[k] /= sum
	}
	return &c
}

func sinc(t float64) float64 {
	if t == 0 {
		return 1
	}
	return math.Sin(math.Pi*t) / (math.Pi * t)
}

// besselI0 is the modified Bessel function of the first kind, order 0,
// by its power series (which converges fast for the arguments of a
// Kaiser window).
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; k < 500; k++ {
		term *= x / (2 * float64(k))
		t2 := term * term
		sum += t2
		if t2 < 1e-17*sum {
			break
		}
	}
	return sum
}

// tpRun is the number of intervals over which peak bounds the
// interpolated values at once, to skip runs that cannot raise the peak.
// The filter reaches tpBefore samples before a run and tpAfter after it,
// both less than tpRun: a run's inputs lie in three consecutive blocks of
// tpRun samples.
const tpRun = 32

// tpSpan is the longest span of intervals that peak hands to spanPeak at
// once.
const tpSpan = 32 * tpRun

// peak returns the larger of cur and the largest magnitude of the values
// interpolated between x[i] and x[i+1] for i in [from, to) (x[i-5:i+7]
// must be inside x for every such i). Runs of intervals whose filter
// inputs are too small to exceed cur (their largest |x| times l1 is at
// most cur) are skipped: the result is what computing every value gives
// (to the last bit, but for a value within rounding of that bound).
// scratch is reused between calls.
func (ip *interpolator) peak(x []float64, from, to int, cur float64, scratch *[]uint64) float64 {
	if to <= from {
		return cur
	}
	// blocks[j] is the largest |x| (as its bits, which order the same
	// way for values that are not negative) over the samples
	// [base + j·tpRun, base + (j+1)·tpRun) of x.
	base, end := from-tpBefore, to+tpAfter
	nb := (end - base + tpRun - 1) / tpRun
	if cap(*scratch) < nb+2 {
		*scratch = make([]uint64, nb+2)
	}
	blocks := (*scratch)[:nb+2]
	for j := range nb {
		var m uint64
		for _, v := range x[base+j*tpRun : min(end, base+(j+1)*tpRun)] {
			if u := math.Float64bits(v) &^ (1 << 63); u > m {
				m = u
			}
		}
		blocks[j] = m
	}
	blocks[nb], blocks[nb+1] = 0, 0
	// Consecutive runs that must be computed are computed together, in
	// one span, so that the kernel gets long stretches.
	// A span is cut after tpSpan intervals all the same, so that the
	// bound of the runs after it is checked against a recent peak.
	span := from
	for k, r := 0, from; r < to; k, r = k+1, r+tpRun {
		e := min(r+tpRun, to)
		m := max(blocks[k], blocks[k+1], blocks[k+2])
		switch {
		case math.Float64frombits(m)*ip.l1 <= cur:
			cur = ip.spanPeak(x, span, r, cur)
			span = e
		case e-span >= tpSpan:
			cur = ip.spanPeak(x, span, e, cur)
			span = e
		}
	}
	return ip.spanPeak(x, span, to, cur)
}

// spanPeak returns the larger of cur and the magnitudes of every phase
// at the intervals [from, to) of x: the kernel's share, then the rest.
func (ip *interpolator) spanPeak(x []float64, from, to int, cur float64) float64 {
	if to <= from {
		return cur
	}
	from += firKernel(ip, x[from-tpBefore:], to-from, &cur)
	for _, c := range ip.phases {
		if fusedTails {
			cur = phasePeakFused(c, x, from, to, cur)
		} else {
			cur = phasePeakGo(c, x, from, to, cur)
		}
	}
	return cur
}

// phasePeakGo is the portable kernel: the larger of cur and the
// magnitudes of the phase c at the intervals [from, to) of x, with four
// partial sums.
func phasePeakGo(c *[TruePeakTaps]float64, x []float64, from, to int, cur float64) float64 {
	for i := from; i < to; i++ {
		w := (*[TruePeakTaps]float64)(x[i-tpBefore : i+tpAfter+1])
		var a0, a1, a2, a3 float64
		for k := 0; k < TruePeakTaps; k += 4 {
			a0 += c[k] * w[k]
			a1 += c[k+1] * w[k+1]
			a2 += c[k+2] * w[k+2]
			a3 += c[k+3] * w[k+3]
		}
		y := math.Abs((a0 + a1) + (a2 + a3))
		if y > cur {
			cur = y
		}
	}
	return cur
}

// phasePeakFused is phasePeakGo computed as the vector kernels compute
// each value: one sum, from tap 0 to the last, each product fused into
// it (math.FMA), so that it gives the kernels' bits.
func phasePeakFused(c *[TruePeakTaps]float64, x []float64, from, to int, cur float64) float64 {
	for i := from; i < to; i++ {
		w := (*[TruePeakTaps]float64)(x[i-tpBefore : i+tpAfter+1])
		a := 0.0
		for k := range TruePeakTaps {
			a = math.FMA(c[k], w[k], a)
		}
		if y := math.Abs(a); y > cur {
			cur = y
		}
	}
	return cur
}
