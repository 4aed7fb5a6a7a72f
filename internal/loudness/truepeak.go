package loudness

import "math"

// True peak, after ITU-R BS.1770 Annex 2: the signal is oversampled by an
// interpolating low-pass filter and the largest magnitude of the
// oversampled signal is the true peak. Annex 2 gives an example filter
// (48 taps in all, 4 phases of 12); this package designs its own, longer
// one.
//
// The interpolator is a polyphase windowed sinc. Oversampling by L puts
// L-1 values between two input samples x[i] and x[i+1], at the fractions
// d = p/L (p = 1 ... L-1); each is computed from the TruePeakTaps input
// samples around it, x[i-23] ... x[i+24]:
//
//	y(i + d) = Σ_k c_d[k] x[i-23+k],  c_d[k] ∝ sinc(t) · kaiser(t/24),  t = k - 23 - d
//
// with a Kaiser window of β = tpBeta over ±24 input samples, and each
// phase scaled to a gain of exactly 1 at 0 Hz. The phase at d = 0 would
// be a unit impulse (the sinc's zeros fall on the other samples), so the
// input samples themselves are the remaining oversampled values: the
// true peak is never below the sample peak.
//
// Pass band: every phase matches the ideal fractional delay e^(-j2πfd)
// to within 0.005 dB in magnitude (the complex error, measured at every
// frequency, stays below 0.06% of the signal) from 0 to 0.45 times the
// sample rate: 19.8 kHz at 44.1 kHz, 21.6 kHz at 48 kHz. Above 0.45 fs
// the error grows, to 6 dB at fs/2 (where a tone's samples may miss its
// peak by any amount anyway). TestInterpolatorPassband checks these
// figures.

// TruePeakTaps is the number of input samples that each interpolated
// value is computed from.
const TruePeakTaps = 48

// The values between x[i] and x[i+1] are computed from x[i-tpBefore] to
// x[i+tpAfter].
const (
	tpBefore = TruePeakTaps/2 - 1 // 23
	tpAfter  = TruePeakTaps / 2   // 24
)

// tpBeta is the Kaiser window's β: the trade between the accuracy close
// to 0.45 fs and the accuracy elsewhere that gives the figures above.
const tpBeta = 7.0

// Oversampling returns the oversampling factor of the true-peak meter at
// the sample rate rate: 4 below 96 kHz, 2 below 192 kHz and 1 (the true
// peak is the sample peak) from 192 kHz on, as BS.1770 Annex 2 suggests
// ("for an incoming signal at 96 kHz sample rate a 2× over-sampling
// would be sufficient") and libebur128 does.
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
	return ip
}

// PhaseTaps returns the taps of the interpolator's phase at fraction d
// (0 < d < 1) of the way from x[i] to x[i+1]: tap k multiplies
// x[i-23+k].
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

// peak returns the larger of cur and the largest magnitude of the values
// interpolated between x[i] and x[i+1] for i in [from, to) (x[i-23:i+25]
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
	for k, r := 0, from; r < to; k, r = k+1, r+tpRun {
		m := max(blocks[k], blocks[k+1], blocks[k+2])
		if math.Float64frombits(m)*ip.l1 <= cur {
			continue
		}
		e := min(r+tpRun, to)
		for _, c := range ip.phases {
			cur = phasePeak(c, x, r, e, cur)
		}
	}
	return cur
}

// phasePeak returns the larger of cur and the magnitudes of the phase c
// at the intervals [from, to) of x.
func phasePeak(c *[TruePeakTaps]float64, x []float64, from, to int, cur float64) float64 {
	from += firKernel(c, x[from-tpBefore:], to-from, &cur)
	return phasePeakGo(c, x, from, to, cur)
}

// phasePeakGo is phasePeak's scalar kernel.
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
