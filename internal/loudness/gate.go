package loudness

import (
	"math"
	"slices"
)

// Gating thresholds and window lengths.
const (
	// AbsoluteGate is BS.1770's absolute gate, in LUFS, for the
	// integrated loudness and (Tech 3342) the loudness range.
	AbsoluteGate = -70.0
	// RelativeGate is the integrated loudness's relative gate, in LU
	// below the loudness of the blocks above AbsoluteGate.
	RelativeGate = -10.0
	// RangeGate is the loudness range's relative gate (EBU Tech 3342).
	RangeGate = -20.0
	// BlockHops and ShortTermHops are the lengths of a gating block
	// (and momentary window, 400 ms) and of a short-term window (3 s),
	// in hops.
	BlockHops     = 4
	ShortTermHops = 30
)

// offset is the -0.691 of BS.1770's equation (2).
const offset = -0.691

// LUFS returns the loudness of a mean square (channel-weighted) e:
// -0.691 + 10·log10(e); -Inf for 0.
func LUFS(e float64) float64 { return offset + 10*math.Log10(e) }

// energyOf is the inverse of LUFS.
func energyOf(l float64) float64 { return math.Pow(10, (l-offset)/10) }

// Result is what the hop sums of a measurement give.
type Result struct {
	// Integrated is the gated loudness of BS.1770 (LUFS): the mean of the
	// gating blocks above AbsoluteGate and above the relative gate,
	// RelativeGate below the mean of the blocks above AbsoluteGate. A
	// block is gated out when it is not strictly above a gate, as
	// BS.1770 writes it (l_j > Γ). -Inf when no block passes the gates
	// (silence, or less than one block of signal).
	Integrated float64
	// Range is the loudness range of EBU Tech 3342 (LU): the spread
	// between the 10th and the 95th percentile of the short-term
	// loudness values taken every hop, of those at or above
	// AbsoluteGate and at or above RangeGate below their mean (Tech
	// 3342's MATLAB code uses >=). Percentiles are taken as that code
	// takes them: the value at index round((n-1)·p) of the n sorted
	// values. 0 when no short-term value passes the gates.
	Range float64
	// MomentaryMax and ShortTermMax are the largest momentary (400 ms)
	// and short-term (3 s) loudness values, ungated; -Inf when the
	// signal is shorter than one window, or silent.
	MomentaryMax, ShortTermMax float64
	// Momentary[j] is the loudness of the 400 ms window of hops j to
	// j+3 (so it ends after hop j+3), ShortTerm[j] that of the 3 s of
	// hops j to j+29; nil unless asked for.
	Momentary, ShortTerm []float64
}

// Compute returns the result of a measurement whose hop sums (each a sum
// of squares over hop frames) are sum(0) ... sum(hops-1). With series,
// the momentary and short-term values are kept.
func Compute(sum func(h int) float64, hops, hop int, series bool) Result {
	r := Result{Integrated: math.Inf(-1), MomentaryMax: math.Inf(-1), ShortTermMax: math.Inf(-1)}
	sums := make([]float64, hops)
	for h := range sums {
		sums[h] = sum(h)
	}
	block := windows(sums, BlockHops, hop)
	short := windows(sums, ShortTermHops, hop)
	r.Integrated = integrated(block)
	r.Range = loudnessRange(short)
	for _, e := range block {
		r.MomentaryMax = max(r.MomentaryMax, LUFS(e))
	}
	for _, e := range short {
		r.ShortTermMax = max(r.ShortTermMax, LUFS(e))
	}
	if series {
		r.Momentary = make([]float64, len(block))
		for j, e := range block {
			r.Momentary[j] = LUFS(e)
		}
		r.ShortTerm = make([]float64, len(short))
		for j, e := range short {
			r.ShortTerm[j] = LUFS(e)
		}
	}
	return r
}

// windows returns the mean squares of the windows of n consecutive hops
// of hop frames each, starting at every hop: len(sums)-n+1 of them (none
// if there are fewer than n hops). Each is added up afresh from its n
// sums, in order, so that its rounding depends on nothing else.
func windows(sums []float64, n, hop int) []float64 {
	if len(sums) < n {
		return nil
	}
	out := make([]float64, len(sums)-n+1)
	div := float64(n) * float64(hop)
	for j := range out {
		s := 0.0
		for _, v := range sums[j : j+n] {
			s += v
		}
		out[j] = s / div
	}
	return out
}

// integrated applies BS.1770's two gates to the gating blocks' mean
// squares and returns the gated loudness.
func integrated(block []float64) float64 {
	abs := energyOf(AbsoluteGate)
	var sum float64
	n := 0
	for _, e := range block {
		if e > abs {
			sum += e
			n++
		}
	}
	if n == 0 {
		return math.Inf(-1)
	}
	rel := energyOf(LUFS(sum/float64(n)) + RelativeGate)
	gate := max(abs, rel)
	sum, n = 0, 0
	for _, e := range block {
		if e > gate {
			sum += e
			n++
		}
	}
	if n == 0 { // cannot happen: the loudest block is above the mean
		return math.Inf(-1)
	}
	return LUFS(sum / float64(n))
}

// loudnessRange applies Tech 3342's gates to the short-term windows'
// mean squares and returns the spread of the percentiles.
func loudnessRange(short []float64) float64 {
	var l []float64
	var sum float64
	for _, e := range short {
		if v := LUFS(e); v >= AbsoluteGate {
			l = append(l, v)
			sum += e
		}
	}
	if len(l) == 0 {
		return 0
	}
	gate := LUFS(sum/float64(len(l))) + RangeGate
	kept := l[:0]
	for _, v := range l {
		if v >= gate {
			kept = append(kept, v)
		}
	}
	slices.Sort(kept)
	n := len(kept)
	lo := kept[int(math.Round(float64(n-1)*0.10))]
	hi := kept[int(math.Round(float64(n-1)*0.95))]
	return hi - lo
}

// RangeEvery is Result.Range computed from the short-term windows that
// start every stride hops only, the first at hop 0, instead of at every
// hop: libebur128 takes its short-term values for the range every second
// (stride 10), and the tests compare with it so.
func RangeEvery(sum func(h int) float64, hops, hop, stride int) float64 {
	sums := make([]float64, hops)
	for h := range sums {
		sums[h] = sum(h)
	}
	short := windows(sums, ShortTermHops, hop)
	kept := short[:0]
	for j := 0; j < len(short); j += stride {
		kept = append(kept, short[j])
	}
	return loudnessRange(kept)
}
