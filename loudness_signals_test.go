package wavemap

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// Test signals for the loudness tests, and a writer of any encoding.

// writeSignal creates path with format fm holding the interleaved samples
// x (in Convert's float scale; integer encodings are rounded and
// clipped).
func writeSignal(t testing.TB, path string, fm Format, x []float64) string {
	t.Helper()
	f, err := Create(path, fm, int64(len(x)/fm.Channels), nil)
	if err != nil {
		t.Fatal(err)
	}
	conv, err := converterTo[float64](fm.Encoding, PowerOfTwo)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conv(f.Bytes(), x); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// measureSignal writes x to a file of fm in a temporary directory and
// measures it.
func measureSignal(t testing.TB, fm Format, x []float64, opts *LoudnessOptions) *Loudness {
	t.Helper()
	path := writeSignal(t, filepath.Join(t.TempDir(), "x.wav"), fm, x)
	f, err := Open(path, ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := MeasureLoudness(t.Context(), f, opts)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// dbfs returns the amplitude of a level in dBFS.
func dbfs(db float64) float64 { return math.Pow(10, db/20) }

// toneSteps returns a 1 kHz sine of continuous phase, the same in each
// of ch channels, whose level steps through segments of (duration in
// seconds, peak level in dBFS); durations are rounded to whole frames.
func toneSteps(rate, ch int, steps ...[2]float64) []float64 {
	var x []float64
	i := 0
	for _, s := range steps {
		n := int(math.Round(s[0] * float64(rate)))
		a := dbfs(s[1])
		for range n {
			v := a * math.Sin(2*math.Pi*1000*float64(i)/float64(rate))
			for range ch {
				x = append(x, v)
			}
			i++
		}
	}
	return x
}

// fade applies a raised-cosine fade of n frames at both ends of the
// interleaved x.
func fade(x []float64, ch, n int) {
	frames := len(x) / ch
	for i := range min(n, frames) {
		g := 0.5 * (1 - math.Cos(math.Pi*float64(i)/float64(n)))
		for c := range ch {
			x[i*ch+c] *= g
			x[(frames-1-i)*ch+c] *= g
		}
	}
}

// musicLike returns seconds of a signal of ch channels that behaves
// like programme material: notes of a few harmonics with attack and
// decay at changing pitches and levels, a quieter noise bed, a phrase
// structure that makes the level move by some 15 dB, and different
// mixes per channel.
func musicLike(rate, ch int, seconds float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	n := int(seconds * float64(rate))
	x := make([]float64, n*ch)
	fr := float64(rate)
	// Notes.
	for start := 0.0; start < seconds; {
		dur := 0.15 + rng.Float64()*0.8
		f0 := 80 * math.Pow(2, rng.Float64()*5)
		phrase := 0.5 + 0.5*math.Sin(2*math.Pi*start/20) // slow level changes
		amp := 0.25 * phrase * (0.3 + rng.Float64())
		pan := rng.Float64()
		i0 := int(start * fr)
		i1 := min(n, i0+int((dur+0.5)*fr))
		for i := i0; i < i1; i++ {
			t := float64(i-i0) / fr
			env := math.Min(1, t/0.01) * math.Exp(-t*3/dur)
			v := 0.0
			for h := 1; h <= 5; h++ {
				v += math.Sin(2*math.Pi*f0*float64(h)*t) / float64(h*h)
			}
			v *= amp * env
			for c := range ch {
				g := pan
				if c%2 == 1 {
					g = 1 - pan
				}
				x[i*ch+c] += v * (0.4 + g)
			}
		}
		start += dur * (0.5 + rng.Float64())
	}
	// Noise bed, lowpassed a little, at about -40 dBFS.
	for c := range ch {
		y := 0.0
		for i := range n {
			y = 0.8*y + 0.2*rng.NormFloat64()
			x[i*ch+c] += 0.01 * y
		}
	}
	fade(x, ch, rate/100)
	return x
}

// noise returns seconds of ch channels of independent Gaussian noise of
// RMS level rms (before clipping to ±1) whose amplitude swings by 20 dB
// over periods of some seconds.
func noise(rate, ch int, seconds, rms float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 7))
	n := int(seconds * float64(rate))
	x := make([]float64, n*ch)
	for i := range n {
		env := math.Pow(10, (-10+10*math.Sin(2*math.Pi*float64(i)/float64(rate)/7))/20)
		for c := range ch {
			x[i*ch+c] = max(-1, min(1, rms*env*rng.NormFloat64()))
		}
	}
	fade(x, ch, rate/100)
	return x
}

// bandLimit low-passes the interleaved x (ch channels at rate) at
// 16 kHz, 24 dB per octave (two Butterworth sections), as most recorded
// material is: full-band white noise at 88.2 kHz and more would make the
// true peak depend on how interpolators treat the top octave.
func bandLimit(x []float64, ch, rate int) []float64 {
	w := 2 * math.Pi * 16000 / float64(rate)
	alpha := math.Sin(w) / (2 * math.Sqrt2 / 2 * 2) // Q = 1/sqrt(2)
	cw := math.Cos(w)
	a0 := 1 + alpha
	b0, b1, b2 := (1-cw)/2/a0, (1-cw)/a0, (1-cw)/2/a0
	a1, a2 := -2*cw/a0, (1-alpha)/a0
	for range 2 {
		for c := range ch {
			var x1, x2, y1, y2 float64
			for i := c; i < len(x); i += ch {
				v := x[i]
				y := b0*v + b1*x1 + b2*x2 - a1*y1 - a2*y2
				x2, x1, y2, y1 = x1, v, y1, y
				x[i] = y
			}
		}
	}
	return x
}

// steps returns ch channels of band-limited noise in steady steps of
// 8 s whose levels (RMS -20, -26, -32, -24, -30 dBFS) change abruptly: a
// signal whose short-term loudness has the same distribution whether it
// is taken every 100 ms or every second.
func steps(rate, ch int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 9))
	n := 40 * rate
	x := make([]float64, n*ch)
	for i := range n {
		lvl := []float64{-20, -26, -32, -24, -30}[i/(8*rate)]
		for c := range ch {
			x[i*ch+c] = dbfs(lvl) * rng.NormFloat64()
		}
	}
	return bandLimit(x, ch, rate)
}
