package wavemap

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// sameLoudness reports the largest difference between two measurements'
// loudness values (LU), and whether their peaks and counts are equal.
func sameLoudness(t *testing.T, what string, got, want *Loudness, tol float64) {
	t.Helper()
	worst := 0.0
	cmp := func(name string, g, w float64) {
		if math.IsInf(g, -1) && math.IsInf(w, -1) {
			return
		}
		d := math.Abs(g - w)
		if !(d <= tol) {
			t.Errorf("%s: %s %.12g, want %.12g", what, name, g, w)
		}
		worst = max(worst, d)
	}
	cmp("integrated", got.Integrated, want.Integrated)
	cmp("range", got.Range, want.Range)
	cmp("momentary max", got.MomentaryMax, want.MomentaryMax)
	cmp("short-term max", got.ShortTermMax, want.ShortTermMax)
	if len(got.Momentary) != len(want.Momentary) || len(got.ShortTerm) != len(want.ShortTerm) {
		t.Fatalf("%s: series of %d and %d values, want %d and %d", what, len(got.Momentary), len(got.ShortTerm), len(want.Momentary), len(want.ShortTerm))
	}
	for j := range got.Momentary {
		cmp("momentary", got.Momentary[j], want.Momentary[j])
	}
	for j := range got.ShortTerm {
		cmp("short-term", got.ShortTerm[j], want.ShortTerm[j])
	}
	for c := range got.Channels {
		g, w := got.Channels[c], want.Channels[c]
		cmp("channel integrated", g.Integrated, w.Integrated)
		cmp("channel range", g.Range, w.Range)
		cmp("channel momentary max", g.MomentaryMax, w.MomentaryMax)
		cmp("channel short-term max", g.ShortTermMax, w.ShortTermMax)
		if g.SamplePeak != w.SamplePeak || !(g.TruePeak == w.TruePeak || math.IsNaN(g.TruePeak) && math.IsNaN(w.TruePeak)) ||
			g.NonFinite != w.NonFinite || g.Weight != w.Weight {
			t.Errorf("%s: channel %d %+v, want %+v", what, c, g, w)
		}
	}
	if got.Frames != want.Frames || got.Oversampling != want.Oversampling || got.NonFinite != want.NonFinite {
		t.Errorf("%s: frames %d, oversampling %d, non-finite %d; want %d, %d, %d", what,
			got.Frames, got.Oversampling, got.NonFinite, want.Frames, want.Oversampling, want.NonFinite)
	}
	t.Logf("%s: largest difference %.3g LU", what, worst)
}

// TestLoudnessParallelMatchesSequential measures programme-like signals
// (stereo and 5.1, s24 and f32) cut into segments measured at once with
// warmed-up filters, and in one sequential pass from the start: the
// results agree to 1e-6 LU, and the peaks exactly.
func TestLoudnessParallelMatchesSequential(t *testing.T) {
	for _, c := range []struct {
		fm      Format
		seconds float64
	}{
		{Format{Encoding: EncodingInt24, Channels: 2, SampleRate: 48000}, 100},
		{Format{Encoding: EncodingFloat32, Channels: 6, SampleRate: 44100, ChannelMask: 0x3F}, 40},
	} {
		x := musicLike(c.fm.SampleRate, c.fm.Channels, c.seconds, 3)
		path := writeSignal(t, filepath.Join(t.TempDir(), "m.wav"), c.fm, x)
		f, err := Open(path, ReadOnly, nil)
		if err != nil {
			t.Fatal(err)
		}
		opts := &LoudnessOptions{Series: true}
		seq, err := measureLoudness(t.Context(), f, &LoudnessOptions{Series: true, Workers: 1}, math.MaxInt32)
		if err != nil {
			t.Fatal(err)
		}
		if seq.Range < 3 || seq.Integrated < -40 {
			t.Fatalf("%v: the test signal is not programme-like: I %.1f, LRA %.1f", c.fm, seq.Integrated, seq.Range)
		}
		for _, w := range []int{1, 2, 3} {
			opts.Workers = w
			par, err := MeasureLoudness(t.Context(), f, opts)
			if err != nil {
				t.Fatal(err)
			}
			sameLoudness(t, c.fm.String()+" in segments", par, seq, 1e-6)
		}
		// Short segments: every boundary is close to the next.
		par, err := measureLoudness(t.Context(), f, &LoudnessOptions{Series: true, Workers: 2}, 7)
		if err != nil {
			t.Fatal(err)
		}
		sameLoudness(t, c.fm.String()+" in segments of 0.7 s", par, seq, 1e-6)
		f.Close()
	}
}

// TestLoudnessReader measures the same file mapped and streamed.
func TestLoudnessReader(t *testing.T) {
	fm := Format{Encoding: EncodingInt16, Channels: 2, SampleRate: 48000}
	path := writeSignal(t, filepath.Join(t.TempDir(), "m.wav"), fm, musicLike(48000, 2, 20, 5))
	f, err := Open(path, ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want, err := MeasureLoudness(t.Context(), f, &LoudnessOptions{Series: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(bytes.NewReader(b), nil)
	if err != nil {
		t.Fatal(err)
	}
	var last, total int64
	got, err := ReadLoudness(t.Context(), r, &LoudnessOptions{Series: true, Progress: func(d, n int64) { last, total = d, n }})
	if err != nil {
		t.Fatal(err)
	}
	sameLoudness(t, "stream", got, want, 1e-6)
	if last != f.Frames() || total != f.Frames() {
		t.Errorf("progress ended at %d of %d, want %d of %d", last, total, f.Frames(), f.Frames())
	}
}

// TestLoudnessEdges covers what has no or little loudness.
func TestLoudnessEdges(t *testing.T) {
	inf := math.Inf(-1)
	stereo48 := Format{Encoding: EncodingInt16, Channels: 2, SampleRate: 48000}
	t.Run("no frames", func(t *testing.T) {
		l := measureSignal(t, stereo48, nil, &LoudnessOptions{Series: true})
		if l.Integrated != inf || l.MomentaryMax != inf || l.ShortTermMax != inf || l.Range != 0 ||
			l.SamplePeak != 0 || l.TruePeak != 0 || l.Frames != 0 || len(l.Momentary) != 0 || len(l.Channels) != 2 {
			t.Errorf("%+v", l)
		}
	})
	t.Run("shorter than a block", func(t *testing.T) {
		// 390 ms at -10 dBFS: no 400 ms block, but peaks.
		x := toneSteps(48000, 2, [2]float64{0.39, -10})
		l := measureSignal(t, stereo48, x, nil)
		if l.Integrated != inf || l.MomentaryMax != inf || l.ShortTermMax != inf || l.Range != 0 {
			t.Errorf("390 ms: I %v, M max %v, S max %v, LRA %v", l.Integrated, l.MomentaryMax, l.ShortTermMax, l.Range)
		}
		if math.Abs(l.SamplePeakDB()+10) > 0.01 || math.Abs(l.TruePeakDB()+10) > 0.05 {
			t.Errorf("390 ms at -10 dBFS: sample peak %.3f dBFS, true peak %.3f dBTP", l.SamplePeakDB(), l.TruePeakDB())
		}
		// 400 ms: one block, momentary but no short-term value.
		x = toneSteps(48000, 2, [2]float64{0.4, -10})
		l = measureSignal(t, stereo48, x, &LoudnessOptions{Series: true})
		if math.Abs(l.Integrated+10) > 0.05 || len(l.Momentary) != 1 || l.ShortTermMax != inf || len(l.ShortTerm) != 0 {
			t.Errorf("400 ms: I %v, %d momentary values, S max %v", l.Integrated, len(l.Momentary), l.ShortTermMax)
		}
	})
	t.Run("silence", func(t *testing.T) {
		l := measureSignal(t, stereo48, make([]float64, 2*48000*5), &LoudnessOptions{Series: true})
		if l.Integrated != inf || l.MomentaryMax != inf || l.Range != 0 || l.SamplePeak != 0 || l.TruePeak != 0 ||
			l.TruePeakDB() != inf || len(l.Momentary) != 47 || l.Momentary[0] != inf {
			t.Errorf("%+v", l)
		}
	})
	t.Run("below the absolute gate", func(t *testing.T) {
		// -75 LUFS: a loudness, but no gated block.
		l := measureSignal(t, Format{Encoding: EncodingFloat32, Channels: 2, SampleRate: 48000},
			toneSteps(48000, 2, [2]float64{5, -75}), nil)
		if l.Integrated != inf || math.Abs(l.MomentaryMax+75) > 0.05 {
			t.Errorf("-75 dBFS: I %v, M max %v", l.Integrated, l.MomentaryMax)
		}
	})
	t.Run("one channel of many", func(t *testing.T) {
		// 5.1 with only the centre at -20 dBFS: the programme is the
		// centre's loudness; the silent channels read -Inf.
		x := surround(48000, []float64{inf, inf, -20, inf, inf, inf})
		l := measureSignal(t, Format{Encoding: EncodingInt24, Channels: 6, SampleRate: 48000, ChannelMask: 0x60F}, x, nil)
		want := l.Channels[2].Integrated
		if math.Abs(want-(-20-3.01)) > 0.05 || math.Abs(l.Integrated-want) > 1e-6 { // channel sums are kept as float32
			t.Errorf("centre alone: I %.4f, centre %.4f, want %.2f", l.Integrated, want, -23.01)
		}
		for c, cl := range l.Channels {
			if c != 2 && (cl.Integrated != inf || cl.SamplePeak != 0 || cl.TruePeak != 0) {
				t.Errorf("silent channel %d: %+v", c, cl)
			}
		}
		// Only the LFE: it weighs 0, so the programme is silent, but
		// the LFE channel has its own values.
		x = surround(48000, []float64{inf, inf, inf, -20, inf, inf})
		l = measureSignal(t, Format{Encoding: EncodingInt24, Channels: 6, SampleRate: 48000, ChannelMask: 0x60F}, x, nil)
		if l.Integrated != inf || l.Channels[3].Weight != 0 || math.Abs(l.Channels[3].Integrated+23.01) > 0.05 {
			t.Errorf("LFE alone: I %v, LFE %+v", l.Integrated, l.Channels[3])
		}
	})
	t.Run("mono", func(t *testing.T) {
		// A mono 1 kHz sine at -20 dBFS is one front channel: -23.01
		// LUFS, 3 dB below the same tone in stereo.
		l := measureSignal(t, Format{Encoding: EncodingInt16, Channels: 1, SampleRate: 44100}, toneSteps(44100, 1, [2]float64{10, -20}), nil)
		if math.Abs(l.Integrated+23.01) > 0.05 || len(l.Channels) != 1 || math.Abs(l.Channels[0].Integrated-l.Integrated) > 1e-6 {
			t.Errorf("mono: %+v", l)
		}
	})
	t.Run("NaN", func(t *testing.T) {
		// NaN and infinite samples in a float file are measured as
		// silence and counted: the result is that of the file with
		// zeros in their place.
		fm := Format{Encoding: EncodingFloat32, Channels: 2, SampleRate: 48000}
		x := toneSteps(48000, 2, [2]float64{10, -20})
		y := append([]float64(nil), x...)
		for _, i := range []int{1000, 1001, 2*48000*3 + 1, 2*48000*7 + 500} {
			x[i] = math.NaN()
			y[i] = 0
		}
		x[2*48000*5] = math.Inf(1)
		y[2*48000*5] = 0
		got := measureSignal(t, fm, x, &LoudnessOptions{Series: true})
		want := measureSignal(t, fm, y, &LoudnessOptions{Series: true})
		if got.NonFinite != 5 || got.Channels[0].NonFinite != 3 || got.Channels[1].NonFinite != 2 {
			t.Errorf("non-finite counts: %d (%d, %d), want 5 (3, 2)", got.NonFinite, got.Channels[0].NonFinite, got.Channels[1].NonFinite)
		}
		got.NonFinite, got.Channels[0].NonFinite, got.Channels[1].NonFinite = 0, 0, 0
		sameLoudness(t, "NaN as zeros", got, want, 0)
	})
	t.Run("rates", func(t *testing.T) {
		// A stereo -23 dBFS tone reads -23 LUFS at every rate the
		// libebur128 comparison does not cover too.
		for _, rate := range []int{8000, 11025, 22050, 32000, 192000, 384000} {
			l := measureSignal(t, Format{Encoding: EncodingFloat32, Channels: 2, SampleRate: rate}, toneSteps(rate, 2, [2]float64{5, -23}), nil)
			tol := 0.05
			if rate < 32000 {
				tol = 0.25 // see TestKWeightingRates
			}
			if math.Abs(l.Integrated+23) > tol {
				t.Errorf("%d Hz: I %.4f", rate, l.Integrated)
			}
			if want := map[bool]int{true: 1, false: 4}[rate >= 192000]; l.Oversampling != want {
				t.Errorf("%d Hz: oversampling %d, want %d", rate, l.Oversampling, want)
			}
		}
	})
	t.Run("errors", func(t *testing.T) {
		fm := Format{Encoding: EncodingInt16, Channels: 2, SampleRate: 4000}
		path := writeSignal(t, filepath.Join(t.TempDir(), "low.wav"), fm, make([]float64, 800))
		f, err := Open(path, ReadOnly, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := MeasureLoudness(t.Context(), f, nil); !errors.Is(err, ErrUnsupported) {
			t.Errorf("4 kHz: %v, want ErrUnsupported", err)
		}
		path = writeSignal(t, filepath.Join(t.TempDir(), "ok.wav"), stereo48, make([]float64, 800))
		g, err := Open(path, ReadOnly, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range []*LoudnessOptions{{Weights: []float64{1}}, {Weights: []float64{1, math.NaN()}}, {Weights: []float64{1, -1}}, {Oversampling: 3}} {
			if _, err := MeasureLoudness(t.Context(), g, o); !errors.Is(err, ErrArgument) {
				t.Errorf("%+v: %v, want ErrArgument", o, err)
			}
		}
		g.Close()
		if _, err := MeasureLoudness(t.Context(), g, nil); !errors.Is(err, ErrClosed) {
			t.Errorf("closed: %v", err)
		}
		if _, err := MeasureLoudness(t.Context(), nil, nil); !errors.Is(err, ErrArgument) {
			t.Errorf("nil: %v", err)
		}
	})
}

// TestChannelWeights checks the weights from masks and the defaults.
func TestChannelWeights(t *testing.T) {
	for _, c := range []struct {
		ch   int
		mask uint32
		want []float64
	}{
		{1, 0, []float64{1}},
		{2, 0, []float64{1, 1}},
		{3, 0, []float64{1, 1, 1}},
		{5, 0, []float64{1, 1, 1, 1.41, 1.41}},
		{6, 0, []float64{1, 1, 1, 0, 1.41, 1.41}},
		{8, 0, []float64{1, 1, 1, 1, 1, 1, 1, 1}},
		{6, 0x3F, []float64{1, 1, 1, 0, 1.41, 1.41}},              // 5.1 (back)
		{6, 0x60F, []float64{1, 1, 1, 0, 1.41, 1.41}},             // 5.1 (side)
		{8, 0x63F, []float64{1, 1, 1, 0, 1.41, 1.41, 1.41, 1.41}}, // 7.1
		{4, 0x33, []float64{1, 1, 1.41, 1.41}},                    // quad
		{3, 0x7, []float64{1, 1, 1}},
		{4, 0x7, []float64{1, 1, 1, 1}}, // a channel past the mask
		{2, 0x8 | 0x100, []float64{0, 1}},
		{1, 0x4, []float64{1}},
	} {
		got := ChannelWeights(Format{Channels: c.ch, ChannelMask: c.mask})
		if len(got) != len(c.want) {
			t.Errorf("%d channels, mask %#x: %v, want %v", c.ch, c.mask, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%d channels, mask %#x: %v, want %v", c.ch, c.mask, got, c.want)
				break
			}
		}
	}
}

// TestLoudnessCancel: a cancelled context stops the pass.
func TestLoudnessCancel(t *testing.T) {
	fm := Format{Encoding: EncodingInt16, Channels: 2, SampleRate: 48000}
	path := writeSignal(t, filepath.Join(t.TempDir(), "m.wav"), fm, make([]float64, 2*48000*70))
	f, err := Open(path, ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := MeasureLoudness(ctx, f, nil); !errors.Is(err, ctx.Err()) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestLoudnessEncodings measures one signal stored in every encoding:
// each reads what the f64 file reads, within its quantisation (8-bit
// codes: 0.1 LU and 0.5 dB of peak; the others 0.01 LU and 0.01 dB).
func TestLoudnessEncodings(t *testing.T) {
	x := musicLike(44100, 2, 8, 31)
	for i := range x {
		x[i] *= 0.9 // clear of full scale, where the encodings clip differently
	}
	want := measureSignal(t, Format{Encoding: EncodingFloat64, Channels: 2, SampleRate: 44100}, x, nil)
	for _, enc := range []Encoding{EncodingUint8, EncodingInt16, EncodingInt24, EncodingInt32, EncodingFloat32, EncodingALaw, EncodingMuLaw} {
		got := measureSignal(t, Format{Encoding: enc, Channels: 2, SampleRate: 44100}, x, nil)
		tol, ptol := 0.01, 0.01
		if enc.Size() == 1 {
			tol, ptol = 0.1, 0.5
		}
		if math.Abs(got.Integrated-want.Integrated) > tol || math.Abs(got.Range-want.Range) > 10*tol ||
			math.Abs(got.MomentaryMax-want.MomentaryMax) > tol || math.Abs(got.TruePeakDB()-want.TruePeakDB()) > ptol {
			t.Errorf("%v: I %.4f, LRA %.4f, M max %.4f, TP %.3f; f64: %.4f, %.4f, %.4f, %.3f", enc,
				got.Integrated, got.Range, got.MomentaryMax, got.TruePeakDB(), want.Integrated, want.Range, want.MomentaryMax, want.TruePeakDB())
		}
	}
}
