package wavemap

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/wavemap/wavemap/internal/loudness"
)

// Loudness is the loudness of a file or stream, as ITU-R BS.1770-4 and
// EBU R 128 (with EBU Tech 3341 and 3342) define it: K-weighted mean
// squares, channel-weighted and summed, over windows of 400 ms (momentary,
// and the gating blocks of the integrated loudness, 75% overlap) and 3 s
// (short-term, taken every 100 ms), and the true peak of BS.1770 Annex 2.
//
// Levels are in LUFS (loudness units relative to full scale, = LKFS), a
// range in LU, peaks as fractions of full scale (1 is 0 dBFS; see the DB
// methods). A loudness that nothing defines (no block above the gates,
// a signal shorter than the window, silence) is -Inf.
type Loudness struct {
	// Integrated is the programme loudness of BS.1770: the gating blocks
	// (400 ms every 100 ms) above the absolute gate of -70 LUFS and above
	// the relative gate, 10 LU below the mean of those, averaged as
	// energies. A block is kept when it is strictly above both gates.
	// Frames after the last complete block count in no block (BS.1770
	// discards an incomplete block).
	Integrated float64
	// Range is the loudness range of EBU Tech 3342 (LRA, in LU): the
	// difference between the 95th and the 10th percentile of the
	// short-term values (3 s windows every 100 ms) at or above -70 LUFS
	// and at or above 20 LU below their mean. 0 when no short-term value
	// passes the gates (a signal shorter than 3 s).
	Range float64
	// MomentaryMax and ShortTermMax are the largest momentary (400 ms)
	// and short-term (3 s) loudness, over windows starting every 100 ms.
	MomentaryMax, ShortTermMax float64
	// SamplePeak and TruePeak are the largest SamplePeak and TruePeak
	// of the channels.
	SamplePeak, TruePeak float64
	// Oversampling is the true peak's oversampling factor (4 below
	// 96 kHz, 2 below 192 kHz, else 1, unless LoudnessOptions chose
	// another); 0 when the true peak was not measured.
	Oversampling int
	// Channels holds each channel's own measurement.
	Channels []ChannelLoudness
	// NonFinite is the number of NaN and infinite samples, all channels
	// together. Every measurement takes them as 0 (silence): see
	// MeasureLoudness.
	NonFinite int64
	// Frames and SampleRate are the length and rate of what was
	// measured; Hop is the number of frames in one 100 ms step (the
	// rate divided by 10, rounded to nearest).
	Frames     int64
	SampleRate int
	Hop        int
	// Momentary and ShortTerm are the momentary and short-term loudness
	// every 100 ms, when LoudnessOptions.Series asked for them (else
	// nil): Momentary[j] covers the frames [j·Hop, (j+4)·Hop), so the
	// first value is at 0.4 s, and ShortTerm[j] the frames
	// [j·Hop, (j+30)·Hop), the first at 3 s.
	Momentary, ShortTerm []float64
}

// ChannelLoudness is one channel's measurement. Its loudness values are
// those of the channel alone, as the only channel of a mono programme
// (with weight 1, whatever Weight says, so that an LFE channel gets
// values too): add 10·log10(Weight) for the channel's contribution to the
// programme's loudness.
type ChannelLoudness struct {
	// Weight is the channel's weight G_i in the programme's loudness
	// (see ChannelWeights).
	Weight                                        float64
	Integrated, Range, MomentaryMax, ShortTermMax float64
	// SamplePeak is the largest |sample|. TruePeak is the largest
	// magnitude of the signal oversampled by Loudness.Oversampling (at
	// least SamplePeak); NaN when the true peak was not measured.
	SamplePeak, TruePeak float64
	// NonFinite counts the channel's NaN and infinite samples.
	NonFinite int64
}

// SamplePeakDB returns SamplePeak in dBFS (-Inf for silence).
func (l *Loudness) SamplePeakDB() float64 { return 20 * math.Log10(l.SamplePeak) }

// TruePeakDB returns TruePeak in dBTP (-Inf for silence, NaN when not
// measured).
func (l *Loudness) TruePeakDB() float64 { return 20 * math.Log10(l.TruePeak) }

// SamplePeakDB returns SamplePeak in dBFS (-Inf for silence).
func (c ChannelLoudness) SamplePeakDB() float64 { return 20 * math.Log10(c.SamplePeak) }

// TruePeakDB returns TruePeak in dBTP (-Inf for silence, NaN when not
// measured).
func (c ChannelLoudness) TruePeakDB() float64 { return 20 * math.Log10(c.TruePeak) }

// LoudnessOptions tune MeasureLoudness and ReadLoudness. A nil
// *LoudnessOptions means the defaults, and every field's zero value is
// its default.
type LoudnessOptions struct {
	// Workers is the number of goroutines of MeasureLoudness; 0 means
	// GOMAXPROCS. ReadLoudness reads its stream in order, on one.
	Workers int
	// Progress, if not nil, is called as the measurement goes with the
	// number of frames done and the total (-1 for a stream that does
	// not declare its length), as PassOptions.Progress is.
	Progress func(done, total int64)
	// Series keeps the momentary and short-term values every 100 ms in
	// Loudness.Momentary and Loudness.ShortTerm.
	Series bool
	// NoTruePeak skips the true peak, the costliest part of the
	// measurement: TruePeak fields are then NaN.
	NoTruePeak bool
	// Oversampling, when not 0, is the true peak's oversampling factor,
	// 1, 2 or 4, instead of the default for the rate (4 below 96 kHz, 2
	// below 192 kHz, else 1). A tone at a quarter of the rate, sampled
	// a quarter of a period off its peak, reads 0.69 dB low with 2, and
	// 3 dB low with 1.
	Oversampling int
	// Weights, when not nil, are the channel weights (one per channel,
	// each finite and not negative), instead of ChannelWeights of the
	// file's format.
	Weights []float64
}

// Speaker positions of the WAVE_FORMAT_EXTENSIBLE channel mask that
// BS.1770 weights apart.
const (
	speakerLFE         = 1 << 3  // SPEAKER_LOW_FREQUENCY
	speakerBackLeft    = 1 << 4  // SPEAKER_BACK_LEFT
	speakerBackRight   = 1 << 5  // SPEAKER_BACK_RIGHT
	speakerSideLeft    = 1 << 9  // SPEAKER_SIDE_LEFT
	speakerSideRight   = 1 << 10 // SPEAKER_SIDE_RIGHT
	surroundWeight     = 1.41    // BS.1770 Table 3: ~ +1.5 dB
	surroundPositions  = speakerBackLeft | speakerBackRight | speakerSideLeft | speakerSideRight
	minLoudnessRate    = 8000
	loudnessSegment    = 300 // hops (30 s) per parallel segment
	loudnessMinSegment = 50  // hops (5 s): the shortest segment of a short file
	loudnessWarmupHops = 5   // 0.5 s of warm-up before each segment
)

// ChannelWeights returns the weights G_i of BS.1770 (Table 3) for the
// channels of a file of format fm, from its WAVE_FORMAT_EXTENSIBLE
// channel mask: the channels take the mask's speaker positions in order,
// lowest bit first; the surrounds (side left and right, back left and
// right) weigh 1.41 (+1.5 dB), the LFE channel 0 (it is excluded, as
// BS.1770 and EBU Tech 3341 require), every other position 1, and so
// does a channel past the positions the mask lists.
//
// Without a mask (ChannelMask 0), 1 and 2 channels weigh 1 each; 5
// channels are taken as L R C Ls Rs (the order of EBU Tech 3341's 5.0
// test file) and 6 as L R C LFE Ls Rs (the order of the SMPTE/ITU 5.1
// layout and of WAVE files), so their last two weigh 1.41 and the 6th
// file's fourth 0; every other count weighs 1 everywhere (give such a
// file a mask, or LoudnessOptions.Weights, for surround weights).
func ChannelWeights(fm Format) []float64 {
	w := make([]float64, max(fm.Channels, 0))
	for i := range w {
		w[i] = 1
	}
	if fm.ChannelMask == 0 {
		switch fm.Channels {
		case 5:
			w[3], w[4] = surroundWeight, surroundWeight
		case 6:
			w[3], w[4], w[5] = 0, surroundWeight, surroundWeight
		}
		return w
	}
	c := 0
	for bit := uint32(1); bit != 0 && c < len(w); bit <<= 1 {
		if fm.ChannelMask&bit == 0 {
			continue
		}
		switch {
		case bit == speakerLFE:
			w[c] = 0
		case bit&surroundPositions != 0:
			w[c] = surroundWeight
		}
		c++
	}
	return w
}

// loudnessConfig checks fm and opts and returns the analyzer's
// configuration.
func loudnessConfig(fm Format, opts *LoudnessOptions) (loudness.Config, error) {
	if fm.SampleRate < minLoudnessRate {
		return loudness.Config{}, fmt.Errorf("%w: loudness of a %d Hz signal: K-weighting is defined for rates of %d Hz and more",
			ErrUnsupported, fm.SampleRate, minLoudnessRate)
	}
	cfg := loudness.Config{Rate: fm.SampleRate, Channels: fm.Channels, Weights: ChannelWeights(fm),
		Oversampling: loudness.Oversampling(fm.SampleRate)}
	if opts.Weights != nil {
		if len(opts.Weights) != fm.Channels {
			return cfg, fmt.Errorf("%w: %d loudness weights for %d channels", ErrArgument, len(opts.Weights), fm.Channels)
		}
		for _, v := range opts.Weights {
			if !(v >= 0) || math.IsInf(v, 0) {
				return cfg, fmt.Errorf("%w: loudness weight %v (want finite, not negative)", ErrArgument, v)
			}
		}
		cfg.Weights = append([]float64(nil), opts.Weights...)
	}
	switch opts.Oversampling {
	case 0:
	case 1, 2, 4:
		cfg.Oversampling = opts.Oversampling
	default:
		return cfg, fmt.Errorf("%w: true-peak oversampling by %d (want 1, 2 or 4)", ErrArgument, opts.Oversampling)
	}
	if opts.NoTruePeak {
		cfg.Oversampling = 0
	}
	return cfg, nil
}

// MeasureLoudness measures the loudness of f (see Loudness): integrated
// loudness, loudness range, momentary and short-term maxima (and series,
// with opts.Series), sample and true peaks, for the programme and for each
// channel. The file is only read, so any Mode will do; every encoding is
// decoded straight from the mapping, as Convert scales it to float64.
// The sample rate must be at least 8 kHz (below, the K-weighting's
// 1.7 kHz shelf has no meaning; the error wraps ErrUnsupported).
//
// The pass runs on all cores, even for one or two channels: the file is
// cut into segments of 30 s (shorter, down to 5 s, when the file is too
// short to give each worker two), which the workers measure at once, each
// starting its recursive filters 0.5 s before its segment so that they
// reach the state a measurement from the start would have there (the
// K-weighting forgets its past as e^(-t/4.2 ms)), and each keeping the
// sums of its 100 ms hops. Since every window of BS.1770 and Tech 3342
// starts on a hop, the hop sums of the segments make the same
// measurement as one pass from the start: the results agree with a
// sequential measurement to far better than 1e-6 LU, whatever
// opts.Workers, and the peaks exactly.
//
// NaN and infinite samples (float files) are measured as 0, as if they
// were silence, in the loudness and in the peaks, and counted in
// NonFinite: a NaN would otherwise make the recursive filters NaN for
// the rest of the file. A file of 0 frames, or shorter than 400 ms,
// measures -Inf LUFS; the peaks still cover its samples. The true peak
// takes the signal as silent before the first frame and after the last,
// as a converter playing the file between silences would (a file that
// starts or ends abruptly rings there); the values between the last frame
// and that silence are not measured.
//
// Memory: 4·Channels+8 bytes per 100 ms of audio (12 MB for 10 hours of
// 5.1), and a few buffers per worker. A memory fault (the file truncated
// by another process) is returned as a *FaultError; when ctx is done the
// pass stops with an error wrapping ctx.Err().
func MeasureLoudness(ctx context.Context, f *File, opts *LoudnessOptions) (*Loudness, error) {
	seg := loudnessSegment
	if f != nil && !f.closed {
		// A file of less than a few segments per worker gets shorter
		// ones, down to 5 s, so that every worker has some.
		workers := maxWorkers()
		if opts != nil && opts.Workers > 0 {
			workers = opts.Workers
		}
		hops := f.Frames() / int64(loudness.Hop(max(1, f.Format().SampleRate)))
		seg = int(min(int64(loudnessSegment), max(loudnessMinSegment, (hops+2*int64(workers)-1)/(2*int64(workers)))))
	}
	return measureLoudness(ctx, f, opts, seg)
}

// measureLoudness is MeasureLoudness with segments of segHops hops (a
// huge value makes the measurement sequential, for the tests).
func measureLoudness(ctx context.Context, f *File, opts *LoudnessOptions, segHops int) (*Loudness, error) {
	if opts == nil {
		opts = &LoudnessOptions{}
	}
	m, n, err := meterFile(ctx, f, opts, segHops)
	if err != nil {
		return nil, err
	}
	return m.result(n, opts.Series), nil
}

// meterFile measures f into a loudnessMeter and returns it with the
// number of frames.
func meterFile(ctx context.Context, f *File, opts *LoudnessOptions, segHops int) (*loudnessMeter, int64, error) {
	if f == nil {
		return nil, 0, fmt.Errorf("wavemap: MeasureLoudness of a nil *File: %w", ErrArgument)
	}
	if f.closed {
		return nil, 0, ErrClosed
	}
	fm := f.Format()
	cfg, err := loudnessConfig(fm, opts)
	if err != nil {
		return nil, 0, fmt.Errorf("wavemap: MeasureLoudness of %s: %w", f.Name(), err)
	}
	k, err := kindFor(fm.Encoding)
	if err != nil {
		return nil, 0, fmt.Errorf("wavemap: MeasureLoudness of %s: %w", f.Name(), err)
	}
	all, err := k.block(f)
	if err != nil {
		return nil, 0, err
	}
	ch := fm.Channels
	hop := loudness.Hop(fm.SampleRate)
	n := int64(all.Len())
	seg := int(min(int64(segHops)*int64(hop), max(n, 1)))
	p := newPassRun(ctx, &PassOptions{Workers: opts.Workers, BlockFrames: seg, Progress: opts.Progress})
	m := newLoudnessMeter(cfg, n/int64(hop))
	chunk := loudnessChunk(hop)
	warm := loudnessWarmupHops * hop
	err = decodedPass(p, f, func(start int, b frameBlock) error {
		end := start + b.Len()
		a, err := loudness.NewAnalyzer(cfg, int64(start), int64(end), m.emit)
		if err != nil {
			return err
		}
		buf := make([]float64, chunk*ch)
		for at := max(0, start-warm); at < start; at += chunk {
			a.Warm(all.float64s(buf, at, min(start, at+chunk)))
		}
		for at := 0; at < b.Len(); at += chunk {
			a.Feed(b.float64s(buf, at, min(b.Len(), at+chunk)))
		}
		a.Finish(all.float64s(buf, end, int(min(n, int64(end)+loudness.TruePeakTaps/2))))
		m.peaks(a)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return m, n, nil
}

// loudnessChunk is the number of frames decoded at a time: whole hops,
// about 4096 frames.
func loudnessChunk(hop int) int { return max(1, 4096/hop) * hop }

// loudnessMeter collects the hop sums and peaks of the analyzers of one
// measurement.
type loudnessMeter struct {
	cfg    loudness.Config
	hop    int
	totals []float64 // per hop: the channel-weighted sum
	sums   []float32 // per hop and channel: hop h, channel c at h*ch+c
	grow   bool      // a stream: hops are appended

	mu         sync.Mutex
	sample, tp []float64
	nonFinite  []int64
}

// newLoudnessMeter returns the meter of a measurement of hops complete
// hops, or of a stream of unknown length when hops < 0.
func newLoudnessMeter(cfg loudness.Config, hops int64) *loudnessMeter {
	m := &loudnessMeter{cfg: cfg, hop: loudness.Hop(cfg.Rate),
		sample: make([]float64, cfg.Channels), tp: make([]float64, cfg.Channels), nonFinite: make([]int64, cfg.Channels)}
	if hops < 0 {
		m.grow = true
	} else {
		m.totals = make([]float64, hops)
		m.sums = make([]float32, hops*int64(cfg.Channels))
	}
	return m
}

// emit stores the sums of hop h. Analyzers of different segments call
// it at once, for different hops.
func (m *loudnessMeter) emit(h int64, total float64, ch []float64) {
	if m.grow {
		m.totals = append(m.totals, total)
		for _, s := range ch {
			m.sums = append(m.sums, float32(s))
		}
		return
	}
	m.totals[h] = total
	row := m.sums[h*int64(len(ch)):]
	for c, s := range ch {
		row[c] = float32(s)
	}
}

// peaks merges the peaks and counts of a finished analyzer.
func (m *loudnessMeter) peaks(a *loudness.Analyzer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for c := range m.sample {
		m.sample[c] = max(m.sample[c], a.SamplePeak[c])
		m.tp[c] = max(m.tp[c], a.TruePeak[c])
		m.nonFinite[c] += a.NonFinite[c]
	}
}

// result computes the measurement of frames frames from the hop sums.
func (m *loudnessMeter) result(frames int64, series bool) *Loudness {
	ch := m.cfg.Channels
	hops := len(m.totals)
	l := &Loudness{Frames: frames, SampleRate: m.cfg.Rate, Hop: m.hop, Oversampling: m.cfg.Oversampling,
		Channels: make([]ChannelLoudness, ch)}
	r := loudness.Compute(func(h int) float64 { return m.totals[h] }, hops, m.hop, series)
	l.Integrated, l.Range, l.MomentaryMax, l.ShortTermMax = r.Integrated, r.Range, r.MomentaryMax, r.ShortTermMax
	l.Momentary, l.ShortTerm = r.Momentary, r.ShortTerm
	for c := range l.Channels {
		r := loudness.Compute(func(h int) float64 { return float64(m.sums[h*ch+c]) }, hops, m.hop, false)
		cl := ChannelLoudness{Weight: m.cfg.Weights[c], Integrated: r.Integrated, Range: r.Range,
			MomentaryMax: r.MomentaryMax, ShortTermMax: r.ShortTermMax,
			SamplePeak: m.sample[c], TruePeak: m.tp[c], NonFinite: m.nonFinite[c]}
		if m.cfg.Oversampling == 0 {
			cl.TruePeak = math.NaN()
		}
		l.Channels[c] = cl
		l.SamplePeak = max(l.SamplePeak, cl.SamplePeak)
		l.TruePeak = max(l.TruePeak, cl.TruePeak)
		l.NonFinite += cl.NonFinite
	}
	if m.cfg.Oversampling == 0 {
		l.TruePeak = math.NaN()
	}
	return l
}

// streamDecoder is implemented by every kindOf[T] (below): it reads a
// Reader's frames decoded, for ReadLoudness. It is asserted on the kind
// that kindFor returns rather than being part of kind, as this file's
// addition to the dispatch.
type streamDecoder interface {
	readDecoded(ctx context.Context, r *Reader, frames int, fn func(b frameBlock) error) error
}

var _ streamDecoder = kindOf[int16]{}

// readDecoded calls fn on the frames of r, frames at a time (the last
// block may be shorter), until the end of the audio.
func (kindOf[T]) readDecoded(ctx context.Context, r *Reader, frames int, fn func(b frameBlock) error) error {
	for b, err := range ReadBlocks[T](r, frames) {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("wavemap: loudness stopped after %d frames: %w", r.Offset(), err)
		}
		if err := fn(typedBlock[T]{b}); err != nil {
			return err
		}
	}
	return nil
}

// ReadLoudness is MeasureLoudness over the audio of a stream, from where
// r stands to the end of its audio: the same measurement, made in one
// pass in the order of the stream (on one goroutine; opts.Workers is
// ignored), with memory bounded by 4·Channels+8 bytes per 100 ms and one
// buffer of a few thousand frames.
func ReadLoudness(ctx context.Context, r *Reader, opts *LoudnessOptions) (*Loudness, error) {
	if r == nil {
		return nil, fmt.Errorf("wavemap: ReadLoudness of a nil *Reader: %w", ErrArgument)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if opts == nil {
		opts = &LoudnessOptions{}
	}
	fm := r.Format()
	cfg, err := loudnessConfig(fm, opts)
	if err != nil {
		return nil, fmt.Errorf("wavemap: ReadLoudness: %w", err)
	}
	k, err := kindFor(fm.Encoding)
	if err != nil {
		return nil, fmt.Errorf("wavemap: ReadLoudness: %w", err)
	}
	sd, ok := k.(streamDecoder)
	if !ok {
		return nil, fmt.Errorf("wavemap: ReadLoudness: %w: encoding %v", ErrUnsupported, fm.Encoding)
	}
	m := newLoudnessMeter(cfg, -1)
	a, err := loudness.NewAnalyzer(cfg, 0, -1, m.emit)
	if err != nil {
		return nil, err
	}
	chunk := loudnessChunk(m.hop)
	buf := make([]float64, chunk*fm.Channels)
	var frames int64
	total := r.Header().Frames
	err = sd.readDecoded(ctx, r, chunk, func(b frameBlock) error {
		a.Feed(b.float64s(buf, 0, b.Len()))
		frames += int64(b.Len())
		if opts.Progress != nil {
			opts.Progress(frames, total)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	a.Finish(nil)
	m.peaks(a)
	return m.result(frames, opts.Series), nil
}
