package wavemap

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wavemap/wavemap/internal/wavtest"
)

// ffmpegEBUR128 runs ffmpeg's ebur128 filter (with peak=true) on path and
// returns the integrated loudness, the loudness range and the true peak
// (dBTP) of its summary, which it prints to one decimal.
func ffmpegEBUR128(t *testing.T, path string) (i, lra, tp float64) {
	t.Helper()
	out := wavtest.RunStderr(t, "ffmpeg", "-hide_banner", "-nostats", "-i", path, "-af", "ebur128=peak=true", "-f", "null", "-")
	at := bytes.LastIndex(out, []byte("Summary:"))
	if at < 0 {
		t.Fatalf("no summary in ffmpeg's output:\n%s", out)
	}
	found := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(out[at:]))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "I:", "LRA:", "Peak:":
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				t.Fatalf("ffmpeg summary line %q: %v", sc.Text(), err)
			}
			found[f[0]] = v
		}
	}
	if len(found) != 3 {
		t.Fatalf("ffmpeg summary without I, LRA and Peak:\n%s", out[at:])
	}
	return found["I:"], found["LRA:"], found["Peak:"]
}

// TestLoudnessFFmpeg compares MeasureLoudness with ffmpeg's ebur128
// filter on noise and programme-like signals at 48 kHz (the one rate the
// filter measures without resampling), stereo s24 and 5.1 f32: the
// integrated loudness within 0.1 LU, the loudness range within 0.2 LU,
// the true peak within 0.2 dB. ffmpeg prints one decimal: 0.05 of each
// tolerance is its rounding. Its loudness range takes the percentiles
// from a histogram, counting up to 0.1·n+0.5 values from below and down
// to 0.95·n+0.5 from above, where Tech 3342's MATLAB code takes the
// values at round((n-1)·p): on the programme-like signal, whose
// short-term loudness has a sharp edge near the 95th percentile, that
// alone moves the range by 0.16 LU. Its true peak comes from resampling
// to 192 kHz with swresample, not from a BS.1770 interpolator.
func TestLoudnessFFmpeg(t *testing.T) {
	wavtest.Need(t, "ffmpeg")
	const rate = 48000
	for _, c := range []struct {
		name string
		fm   Format
		x    []float64
	}{
		{"noise", Format{Encoding: EncodingInt24, Channels: 2, SampleRate: rate}, bandLimit(noise(rate, 2, 30, 0.1, 21), 2, rate)},
		{"white noise", Format{Encoding: EncodingInt24, Channels: 2, SampleRate: rate}, noise(rate, 2, 30, 0.05, 22)},
		{"music", Format{Encoding: EncodingInt24, Channels: 2, SampleRate: rate}, musicLike(rate, 2, 40, 23)},
		{"music 5.1", Format{Encoding: EncodingFloat32, Channels: 6, SampleRate: rate, ChannelMask: 0x60F}, musicLike(rate, 6, 30, 24)},
	} {
		path := writeSignal(t, filepath.Join(t.TempDir(), "x.wav"), c.fm, c.x)
		f, err := Open(path, ReadOnly, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := MeasureLoudness(t.Context(), f, nil)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		i, lra, tp := ffmpegEBUR128(t, path)
		var errs []error
		check := func(what string, g, w, tol float64) float64 {
			if !(math.Abs(g-w) <= tol) {
				errs = append(errs, fmt.Errorf("%s %.3f, ffmpeg %.1f", what, g, w))
			}
			return g - w
		}
		di := check("I", got.Integrated, i, 0.1)
		dl := check("LRA", got.Range, lra, 0.2)
		dt := check("true peak", got.TruePeakDB(), tp, 0.2)
		if err := joinErrs(errs); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		t.Logf("%-11s: I %.3f (%+.3f), LRA %.3f (%+.3f), TP %.3f dBTP (%+.3f)", c.name, got.Integrated, di, got.Range, dl, got.TruePeakDB(), dt)
	}
}
