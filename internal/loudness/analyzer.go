package loudness

import (
	"fmt"
	"math"
)

// Hop returns the number of frames in one 100 ms step at the sample rate
// rate: rate/10 rounded to nearest (at least 1). Gating blocks are 4
// hops (400 ms "to the nearest sample" in BS.1770's words, up to the
// rounding of the hop), short-term windows 30 hops, and every block and
// window starts on a hop boundary.
func Hop(rate int) int { return max(1, (rate+5)/10) }

// Config describes the audio an Analyzer measures.
type Config struct {
	Rate     int       // sample rate in Hz
	Channels int       // samples per frame
	Weights  []float64 // BS.1770 channel weights G_i, one per channel
	// Oversampling is the true-peak oversampling factor (1, 2 or 4); 0
	// measures no true peak (Analyzer.TruePeak then stays 0).
	Oversampling int
}

// EmitFunc receives the sums of one complete hop: its index (hop h
// covers the frames [h·Hop, (h+1)·Hop)), the channel-weighted total
// Σ_i G_i Σ y_i² and each channel's Σ y_i², y being the K-weighted
// samples. ch is reused after the call returns.
type EmitFunc func(h int64, total float64, ch []float64)

// Analyzer measures one run of consecutive frames of a signal: the run
// [start, end) of a file cut into segments that are measured in
// parallel, or a whole stream. It K-weights every channel and reports the
// sums of squares of each complete hop (to an EmitFunc), and it keeps
// each channel's sample peak, true peak and count of non-finite samples.
//
// Frames go in, interleaved and decoded to float64, in the order of the
// signal: first, optionally, the frames right before start through Warm
// (the warm-up that brings the filters to the state a measurement from
// the very beginning would have), then the frames from start on through
// Feed, then, through Finish, the few frames after end that the true
// peak's interpolator looks ahead to. Non-finite samples (NaN, ±Inf) are
// measured as 0, everywhere, and counted.
type Analyzer struct {
	ch, hop int
	coef    kCoeffs
	st      []kState
	weights []float64
	emit    EmitFunc

	start, end int64 // the run; end < 0: until Finish
	pos        int64 // the next frame Feed expects
	fill       int   // frames of the current hop fed so far
	acc        []float64
	sums       []float64 // emit's ch

	ip     *interpolator
	bounds []uint64    // the interpolator's scratch
	buf    [][]float64 // per channel: samples from position tpNext-tpBefore on
	tpNext int64       // the first interval whose true peak is not taken yet
	work   []float64

	// SamplePeak, TruePeak and NonFinite are each channel's largest
	// |sample|, largest |interpolated sample| (at least SamplePeak; 0
	// without Oversampling) and number of non-finite samples, over the
	// frames of [start, end) fed so far. The true peak covers the values
	// between two frames of the run; Finish adds those between the last
	// frames and the frames after end.
	SamplePeak, TruePeak []float64
	NonFinite            []int64
}

// NewAnalyzer returns an Analyzer for the frames [start, end) (end < 0:
// up to Finish) of a signal described by cfg, reporting complete hops to
// emit. start must be a multiple of Hop(cfg.Rate), so that hops fall
// where a measurement of the whole signal puts them.
func NewAnalyzer(cfg Config, start, end int64, emit EmitFunc) (*Analyzer, error) {
	hop := Hop(cfg.Rate)
	switch {
	case cfg.Rate < 1 || cfg.Channels < 1 || len(cfg.Weights) != cfg.Channels:
		return nil, fmt.Errorf("loudness: bad config: rate %d, %d channels, %d weights", cfg.Rate, cfg.Channels, len(cfg.Weights))
	case start < 0 || start%int64(hop) != 0 || end >= 0 && end < start:
		return nil, fmt.Errorf("loudness: bad run [%d, %d) for hops of %d frames", start, end, hop)
	case cfg.Oversampling != 0 && cfg.Oversampling != 1 && cfg.Oversampling != 2 && cfg.Oversampling != 4:
		return nil, fmt.Errorf("loudness: oversampling by %d (want 1, 2 or 4)", cfg.Oversampling)
	}
	a := &Analyzer{
		ch: cfg.Channels, hop: hop, coef: newKCoeffs(float64(cfg.Rate)),
		st: make([]kState, cfg.Channels), weights: cfg.Weights, emit: emit,
		start: start, end: end, pos: start, tpNext: start,
		acc: make([]float64, cfg.Channels), sums: make([]float64, cfg.Channels),
		SamplePeak: make([]float64, cfg.Channels), TruePeak: make([]float64, cfg.Channels),
		NonFinite: make([]int64, cfg.Channels),
	}
	if cfg.Oversampling > 0 {
		a.ip = interpolatorFor(cfg.Oversampling)
		a.buf = make([][]float64, cfg.Channels)
		for c := range a.buf {
			// The samples before the signal's first are zeros.
			a.buf[c] = make([]float64, tpBefore, tpBefore+4096)
		}
	}
	return a, nil
}

// HopFrames is the length of a hop (Hop of the rate).
func (a *Analyzer) HopFrames() int { return a.hop }

// scan replaces the non-finite samples of the interleaved frames x with
// 0 and, with measure, counts them and takes the sample peaks.
func (a *Analyzer) scan(x []float64, measure bool) {
	for c := range a.ch {
		p := a.SamplePeak[c]
		var bad int64
		for j := c; j < len(x); j += a.ch {
			v := x[j]
			if v-v != 0 { // NaN or ±Inf
				x[j] = 0
				bad++
				continue
			}
			if v = math.Abs(v); v > p {
				p = v
			}
		}
		if measure {
			a.SamplePeak[c] = p
			a.NonFinite[c] += bad
		}
	}
}

// filter runs the K-weighting over the interleaved frames x, channel
// pairs at a time, and returns each channel's sum of squares in a.sums.
func (a *Analyzer) filter(x []float64) {
	n := len(x) / a.ch
	c := 0
	for ; c+1 < a.ch; c += 2 {
		a.sums[c], a.sums[c+1] = kweightPair(&a.coef, (*[2]kState)(a.st[c:c+2]), x, a.ch, c, n)
	}
	if c < a.ch { // the odd one out
		if cap(a.work) < n {
			a.work = make([]float64, n)
		}
		w := a.work[:n]
		for i, j := 0, c; i < n; i, j = i+1, j+a.ch {
			w[i] = x[j]
		}
		a.sums[c] = kweightSquares(&a.coef, &a.st[c], w)
	}
}

// keep appends each channel of the interleaved frames x to its true-peak
// buffer, and with history only keeps the last tpBefore samples.
func (a *Analyzer) keep(x []float64, history bool) {
	if a.buf == nil {
		return
	}
	for c := range a.ch {
		b := a.buf[c]
		for j := c; j < len(x); j += a.ch {
			b = append(b, x[j])
		}
		if history && len(b) > tpBefore {
			b = append(b[:0], b[len(b)-tpBefore:]...)
		}
		a.buf[c] = b
	}
}

// Warm runs the filters over x, the frames right before start (any
// number of them, in order, in one call or several, all before the first
// Feed): they bring the recursive filters to the state they would have
// after the whole signal before start, up to what is older than x, whose
// effect decays as e^(-t/4.2 ms) (the high-pass's double pole at
// 38 Hz); after 0.5 s it is below 1e-50 of the signal. The last frames
// also serve as the true peak's history. Nothing is measured. Warm may
// change x: its non-finite samples become 0.
func (a *Analyzer) Warm(x []float64) {
	if a.pos != a.start || a.fill != 0 {
		panic("loudness: Warm after Feed")
	}
	a.scan(x, false)
	hop := a.hop * a.ch
	for off := 0; off < len(x); off += hop {
		a.filter(x[off:min(len(x), off+hop)])
	}
	a.keep(x, true)
}

// Feed measures the next frames of the run, interleaved. For results
// that do not depend on how the frames are cut into calls, give it whole
// hops (but for the run's last frames). Feed may change x: its
// non-finite samples become 0.
func (a *Analyzer) Feed(x []float64) {
	n := len(x) / a.ch
	x = x[:n*a.ch]
	if a.end >= 0 && a.pos+int64(n) > a.end {
		panic("loudness: Feed past the end of the run")
	}
	a.scan(x, true)
	for off := 0; off < n; {
		take := min(n-off, a.hop-a.fill)
		a.filter(x[off*a.ch : (off+take)*a.ch])
		for c, s := range a.sums {
			a.acc[c] += s
		}
		off += take
		a.fill += take
		if a.fill == a.hop {
			h := (a.pos + int64(off)) / int64(a.hop)
			total := 0.0
			for c, s := range a.acc {
				total += a.weights[c] * s
				a.sums[c] = s
				a.acc[c] = 0
			}
			if a.emit != nil {
				a.emit(h-1, total, a.sums)
			}
			a.fill = 0
		}
	}
	a.keep(x, false)
	a.pos += int64(n)
	a.truePeak(a.pos - tpAfter)
}

// truePeak takes the true peak of the intervals from tpNext up to (not
// including) limit, and of the run's end at most, and drops the samples
// no longer needed.
func (a *Analyzer) truePeak(limit int64) {
	if a.buf == nil {
		return
	}
	if a.end >= 0 {
		limit = min(limit, a.end)
	}
	if limit <= a.tpNext {
		return
	}
	k := int(limit - a.tpNext)
	for c := range a.ch {
		b := a.buf[c]
		// b[j] is the sample at position tpNext - tpBefore + j, so
		// interval i's inputs start at b[i - tpNext].
		tp := max(a.TruePeak[c], a.SamplePeak[c])
		if a.ip != nil {
			tp = a.ip.peak(b, tpBefore, tpBefore+k, tp, &a.bounds)
		}
		a.TruePeak[c] = tp
		a.buf[c] = append(b[:0], b[k:]...)
	}
	a.tpNext = limit
}

// Finish ends the run: look holds the frames right after its end, at
// most TruePeakTaps/2 of them (fewer, or none, when the signal ends
// sooner), from which the true peak between the run's last frames is
// interpolated; the signal is taken as silent after them. The values
// between the signal's very last frame and the silence after it are not
// measured. A hop left incomplete is not reported.
func (a *Analyzer) Finish(look []float64) {
	if a.end < 0 {
		a.end = a.pos
	}
	if a.buf == nil {
		return
	}
	n := min(len(look)/a.ch, tpAfter)
	look = append([]float64(nil), look[:n*a.ch]...)
	a.scan(look, false)
	a.keep(look, false)
	for c := range a.ch {
		for range tpAfter - n {
			a.buf[c] = append(a.buf[c], 0)
		}
	}
	// The real samples end at a.pos + n: the last interval with a real
	// sample on both sides starts at a.pos + n - 2.
	a.truePeak(min(a.end, a.pos+int64(n)-1))
	for c := range a.ch {
		a.TruePeak[c] = max(a.TruePeak[c], a.SamplePeak[c])
	}
}
