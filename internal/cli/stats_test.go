package cli

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wavemap/wavemap/internal/wavtest"
)

type statsOut struct {
	File     string `json:"file"`
	Channels []struct {
		Channel  int      `json:"channel"`
		Peak     float64  `json:"peak"`
		PeakDBFS *float64 `json:"peak_dbfs"`
		RMS      float64  `json:"rms"`
		RMSDBFS  *float64 `json:"rms_dbfs"`
		DC       float64  `json:"dc"`
		Min, Max float64  `json:"-"`
		MinJ     *float64 `json:"min"`
		MaxJ     *float64 `json:"max"`
		Clipped  int64    `json:"full_scale_samples"`
		Samples  int64    `json:"samples"`
	} `json:"channels"`
}

func statsJSONOf(t *testing.T, path string) statsOut {
	t.Helper()
	r := mustRun(t, "stats", "--json", path)
	var s statsOut
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatalf("stats --json: %v\n%s", err, r.stdout)
	}
	for i := range s.Channels {
		c := &s.Channels[i]
		if c.MinJ == nil || c.MaxJ == nil {
			t.Fatalf("stats --json: channel %d without min/max: %s", c.Channel, r.stdout)
		}
		c.Min, c.Max = *c.MinJ, *c.MaxJ
	}
	return s
}

// TestStatsMatchesSox compares stats --json with sox's stats effect on
// files made by gen, sox and ffmpeg.
func TestStatsMatchesSox(t *testing.T) {
	wavtest.Need(t, "sox")
	wavtest.Need(t, "ffmpeg")
	dir := t.TempDir()
	gen := filepath.Join(dir, "gen.wav")
	mustRun(t, "gen", "--type", "s16", "--channels", "2", "--frames", "12000", "--amp", "0.7", gen)
	soxFile := filepath.Join(dir, "sox.wav")
	wavtest.Run(t, "sox", "-D", "-r", "44100", "-n", "-b", "24", "-c", "2", soxFile, "synth", "0.3", "sine", "300", "square", "100", "vol", "0.6", "dcshift", "0.1")
	ffFile := filepath.Join(dir, "ff.wav")
	wavtest.Run(t, "ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=500:sample_rate=22050:duration=0.2",
		"-af", "volume=4", "-c:a", "pcm_f32le", "-y", ffFile)
	for _, path := range []string{gen, soxFile, ffFile} {
		got := statsJSONOf(t, path)
		want := wavtest.SoxStats(t, path)
		if len(got.Channels) != len(want["Pk lev dB"]) || got.File != path {
			t.Fatalf("%s: %d channels, sox sees %d (file %q)", path, len(got.Channels), len(want["Pk lev dB"]), got.File)
		}
		for c, ch := range got.Channels {
			if ch.Channel != c {
				t.Errorf("%s: channel numbered %d, want %d", path, ch.Channel, c)
			}
			near := func(what string, have, want, tol float64) {
				if math.Abs(have-want) > tol {
					t.Errorf("%s channel %d %s: stats %.6f, sox %.6f", filepath.Base(path), c+1, what, have, want)
				}
			}
			near("peak dBFS", *ch.PeakDBFS, want["Pk lev dB"][c], 0.0051)
			near("RMS dBFS", *ch.RMSDBFS, want["RMS lev dB"][c], 0.0051)
			near("min", ch.Min, want["Min level"][c], 0.0000051)
			near("max", ch.Max, want["Max level"][c], 0.0000051)
			near("DC", ch.DC, want["DC offset"][c], 0.0000051)
			near("peak", ch.Peak, math.Max(-want["Min level"][c], want["Max level"][c]), 0.0000051)
		}
	}
}

// TestStatsClippedAndSilence checks the clipped count against a count of
// extreme values in sox's own decode, and silence's -inf dBFS.
func TestStatsClippedAndSilence(t *testing.T) {
	dir := t.TempDir()
	clip := filepath.Join(dir, "clip.wav")
	wavtest.Run(t, "sox", "-D", "-r", "8000", "-n", "-b", "16", "-c", "1", clip, "synth", "0.1", "sine", "300", "vol", "2")
	want := int64(0)
	for _, v := range decodeS16(t, clip) {
		if v == math.MaxInt16 || v == math.MinInt16 {
			want++
		}
	}
	got := statsJSONOf(t, clip)
	if want < 100 || got.Channels[0].Clipped != want || got.Channels[0].Samples != 800 {
		t.Errorf("clipped %d of %d samples, sox's decode has %d at full scale", got.Channels[0].Clipped, got.Channels[0].Samples, want)
	}

	silent := filepath.Join(dir, "silent.wav")
	mustRun(t, "gen", "--signal", "silence", "--channels", "1", "--frames", "100", silent)
	s := statsJSONOf(t, silent)
	if c := s.Channels[0]; c.PeakDBFS != nil || c.RMSDBFS != nil || c.Peak != 0 {
		t.Errorf("silence: %+v, want null dBFS", c)
	}
	r := mustRun(t, "stats", silent)
	if !strings.Contains(r.stdout, "-inf") || !strings.Contains(r.stdout, "channel") {
		t.Errorf("stats text for silence:\n%s", r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("stats wrote to stderr when not a terminal: %q", r.stderr)
	}
}

func TestStatsBadInput(t *testing.T) {
	for _, b := range badInputs(t) {
		checkRefused(t, b, "stats", "@")
		checkRefused(t, b, "stats", "--json", "@")
	}
	if r := runCLI(t, "stats"); r.code != 2 {
		t.Errorf("stats without a file: exit %d", r.code)
	}
	if r := runCLI(t, "stats", "-h"); r.code != 0 || !strings.Contains(r.stdout, "example") || r.stderr != "" {
		t.Errorf("stats -h: exit %d, %q", r.code, r.stderr)
	}
}
