package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// writeTestSignal creates path in format fm holding x (interleaved, in
// Convert's float scale).
func writeTestSignal(t *testing.T, path string, fm wavemap.Format, x []float64) string {
	t.Helper()
	f, err := wavemap.Create(path, fm, int64(len(x)/fm.Channels), nil)
	if err != nil {
		t.Fatal(err)
	}
	switch fm.Encoding {
	case wavemap.EncodingInt16:
		s, _ := wavemap.Samples[int16](f)
		wavemap.Convert(s, x)
	case wavemap.EncodingInt24:
		s, _ := wavemap.Samples[wavemap.Int24](f)
		wavemap.Convert(s, x)
	case wavemap.EncodingFloat32:
		s, _ := wavemap.Samples[float32](f)
		wavemap.Convert(s, x)
	default:
		t.Fatalf("writeTestSignal: encoding %v", fm.Encoding)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// tone returns seconds of a 1 kHz sine at peak level db dBFS in ch
// channels at rate, with 10 ms fades.
func tone(rate, ch int, seconds, db float64) []float64 {
	n := int(seconds * float64(rate))
	a := math.Pow(10, db/20)
	x := make([]float64, n*ch)
	for i := range n {
		g := min(1, float64(i)/float64(rate/100), float64(n-1-i)/float64(rate/100))
		v := g * a * math.Sin(2*math.Pi*1000*float64(i)/float64(rate))
		for c := range ch {
			x[i*ch+c] = v
		}
	}
	return x
}

type loudnessOut struct {
	File             string     `json:"file"`
	Format           formatJSON `json:"format"`
	Frames           int64      `json:"frames"`
	IntegratedLUFS   *float64   `json:"integrated_lufs"`
	RangeLU          *float64   `json:"range_lu"`
	MomentaryMaxLUFS *float64   `json:"momentary_max_lufs"`
	ShortTermMaxLUFS *float64   `json:"short_term_max_lufs"`
	SamplePeakDBFS   *float64   `json:"sample_peak_dbfs"`
	TruePeakDBTP     *float64   `json:"true_peak_dbtp"`
	Oversampling     int        `json:"true_peak_oversampling"`
	NonFinite        int64      `json:"non_finite_samples"`
	Channels         []struct {
		Channel        int      `json:"channel"`
		Speaker        string   `json:"speaker"`
		Weight         float64  `json:"weight"`
		IntegratedLUFS *float64 `json:"integrated_lufs"`
		TruePeakDBTP   *float64 `json:"true_peak_dbtp"`
	} `json:"channels"`
	Series *struct {
		StepSeconds float64    `json:"step_seconds"`
		Momentary   []*float64 `json:"momentary_lufs"`
		ShortTerm   []*float64 `json:"short_term_lufs"`
	} `json:"series"`
	Bext *bextOut `json:"bext_loudness"`
}

// bextOut is --write-bext's bext_loudness.
type bextOut struct {
	Version          int      `json:"version"`
	IntegratedLUFS   *float64 `json:"loudness_value_lufs"`
	RangeLU          *float64 `json:"loudness_range_lu"`
	TruePeakDBTP     *float64 `json:"max_true_peak_level_dbtp"`
	MomentaryMaxLUFS *float64 `json:"max_momentary_loudness_lufs"`
	ShortTermMaxLUFS *float64 `json:"max_short_term_loudness_lufs"`
}

// loudnessOf runs loudness --json on files and decodes its lines.
func runLoudnessJSON(t *testing.T, args ...string) []loudnessOut {
	t.Helper()
	r := mustRun(t, append([]string{"loudness", "--json"}, args...)...)
	var out []loudnessOut
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var l loudnessOut
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("loudness --json: %v\n%s", err, r.stdout)
		}
		out = append(out, l)
	}
	return out
}

func near(p *float64, want, tol float64) bool { return p != nil && math.Abs(*p-want) <= tol }

// TestLoudnessCommand measures the EBU's -23 dBFS stereo tone, and a 5.1
// file with a mask, in JSON and as text.
func TestLoudnessCommand(t *testing.T) {
	dir := t.TempDir()
	st := writeTestSignal(t, filepath.Join(dir, "st.wav"), wavemap.Format{Encoding: wavemap.EncodingInt24, Channels: 2, SampleRate: 48000}, tone(48000, 2, 10, -23))
	x := tone(44100, 6, 5, -30)
	for i := 3; i < len(x); i += 6 {
		x[i] *= 10 // a loud LFE, which does not count
	}
	sur := writeTestSignal(t, filepath.Join(dir, "sur.wav"), wavemap.Format{Encoding: wavemap.EncodingFloat32, Channels: 6, SampleRate: 44100, ChannelMask: 0x60F}, x)
	out := runLoudnessJSON(t, st, sur)
	if len(out) != 2 {
		t.Fatalf("%d JSON lines for 2 files", len(out))
	}
	a := out[0]
	if a.File != st || a.Frames != 480000 || !near(a.IntegratedLUFS, -23, 0.05) || !near(a.MomentaryMaxLUFS, -23, 0.05) ||
		!near(a.ShortTermMaxLUFS, -23, 0.05) || !near(a.RangeLU, 0, 0.05) || !near(a.SamplePeakDBFS, -23, 0.01) ||
		!near(a.TruePeakDBTP, -23, 0.02) || a.Oversampling != 4 || len(a.Channels) != 2 || a.Channels[0].Weight != 1 || a.Series != nil {
		t.Errorf("stereo tone: %+v", a)
	}
	b := out[1]
	// Five channels at -30 dBFS: L R C at 1, SL SR at 1.41: the tone
	// reads -30 + 10·log10((3 + 2·1.41)/2) LUFS.
	want := -30 + 10*math.Log10((3+2*1.41)/2)
	if !near(b.IntegratedLUFS, want, 0.05) || len(b.Channels) != 6 || b.Channels[3].Speaker != "LFE" || b.Channels[3].Weight != 0 ||
		b.Channels[4].Speaker != "SL" || b.Channels[4].Weight != 1.41 || !near(b.Channels[3].IntegratedLUFS, -30-3.01+20, 0.05) {
		t.Errorf("5.1: I %v, want %.2f; %+v", *b.IntegratedLUFS, want, b)
	}
	r := mustRun(t, "loudness", st, sur)
	for _, s := range []string{st + ": s24 2ch 48000Hz, 480000 frames (0:00:10.000)", "integrated         -23.0 LUFS",
		"true peak         -23.00 dBTP (4x oversampling)", "4 SL", "3 LFE"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("text output lacks %q:\n%s", s, r.stdout)
		}
	}
}

// TestLoudnessCommandEdges: silence and short files print nulls, --series
// its values, a file that cannot be read an error while the others are
// measured.
func TestLoudnessCommandEdges(t *testing.T) {
	dir := t.TempDir()
	fm := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}
	silent := writeTestSignal(t, filepath.Join(dir, "silent.wav"), fm, make([]float64, 2*48000*4))
	short := writeTestSignal(t, filepath.Join(dir, "short.wav"), fm, tone(48000, 2, 0.3, -10))
	empty := writeTestSignal(t, filepath.Join(dir, "empty.wav"), fm, nil)
	out := runLoudnessJSON(t, "--series", silent, short, empty)
	s := out[0]
	if s.IntegratedLUFS != nil || s.MomentaryMaxLUFS != nil || s.SamplePeakDBFS != nil || s.TruePeakDBTP != nil || !near(s.RangeLU, 0, 0) ||
		s.Series == nil || s.Series.StepSeconds != 0.1 || len(s.Series.Momentary) != 37 || s.Series.Momentary[0] != nil || len(s.Series.ShortTerm) != 11 {
		t.Errorf("silence: %+v", s)
	}
	s = out[1]
	if s.IntegratedLUFS != nil || s.ShortTermMaxLUFS != nil || !near(s.SamplePeakDBFS, -10, 0.01) || s.Series == nil || len(s.Series.Momentary) != 0 {
		t.Errorf("300 ms: %+v", s)
	}
	if s := out[2]; s.Frames != 0 || s.IntegratedLUFS != nil || s.SamplePeakDBFS != nil {
		t.Errorf("no frames: %+v", s)
	}
	r := mustRun(t, "loudness", silent)
	if !strings.Contains(r.stdout, "integrated          -inf LUFS") {
		t.Errorf("silence as text:\n%s", r.stdout)
	}
	// A missing file and a non-WAVE one fail; the good one is measured.
	junk := filepath.Join(dir, "junk.wav")
	if err := os.WriteFile(junk, []byte("not a wave file at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, "loudness", "--json", filepath.Join(dir, "missing.wav"), short, junk)
	if r.code != exitFailure || strings.Count(r.stdout, "\n") != 3 || strings.Count(r.stdout, `"error"`) != 2 || !strings.Contains(r.stdout, short) ||
		!strings.Contains(r.stderr, "missing.wav") || !strings.Contains(r.stderr, "junk.wav") {
		t.Errorf("bad inputs: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	// NaN samples are measured as silence, with a warning.
	x := tone(48000, 2, 2, -20)
	x[100] = math.NaN()
	nan := writeTestSignal(t, filepath.Join(dir, "nan.wav"), wavemap.Format{Encoding: wavemap.EncodingFloat32, Channels: 2, SampleRate: 48000}, x)
	r = mustRun(t, "loudness", "--json", nan)
	var l loudnessOut
	if err := json.Unmarshal([]byte(r.stdout), &l); err != nil || l.NonFinite != 1 || !near(l.IntegratedLUFS, -20, 0.1) ||
		!strings.Contains(r.stderr, "1 NaN or infinite samples, measured as silence") {
		t.Errorf("NaN: %v %+v, stderr %q", err, l, r.stderr)
	}
	// Usage.
	for _, args := range [][]string{{"loudness"}, {"loudness", "-", "-"}, {"loudness", "--bogus", short}} {
		if r := runCLI(t, args...); r.code != exitUsage {
			t.Errorf("%q: exit %d, want 2 (stderr %q)", args, r.code, r.stderr)
		}
	}
	if r := runCLIContext(t, cancelled(), "loudness", short); r.code != exitInterrupted || r.stdout != "" {
		t.Errorf("interrupted: exit %d, stdout %q", r.code, r.stdout)
	}
}

// programme returns seconds of a stereo signal with a loudness range:
// noise bursts of changing level under a tone, peaky enough for the
// true peak to matter.
func programme(rate int, seconds float64) []float64 {
	rng := rand.New(rand.NewPCG(1, 1))
	n := int(seconds * float64(rate))
	x := make([]float64, 2*n)
	y := 0.0
	for i := range n {
		t := float64(i) / float64(rate)
		lvl := math.Pow(10, (-20+8*math.Sin(2*math.Pi*t/5))/20)
		y = 0.7*y + 0.3*rng.NormFloat64()
		v := lvl * (0.5*math.Sin(2*math.Pi*440*t) + 0.3*y)
		x[2*i], x[2*i+1] = v, 0.8*v
	}
	return x
}

type lufsOut struct {
	gainOut
	TargetLUFS   float64  `json:"target_lufs"`
	Ceiling      *float64 `json:"true_peak_ceiling_dbtp"`
	MeasuredLUFS *float64 `json:"measured_lufs"`
	PeakBefore   *float64 `json:"true_peak_before_dbtp"`
	ExpectedLUFS *float64 `json:"expected_lufs"`
	ExpectedPeak *float64 `json:"expected_true_peak_dbtp"`
	Limited      bool     `json:"limited_by_true_peak"`
	Resumed      bool     `json:"resumed"`
	Metadata     []string `json:"metadata_notes"`
	Bext         *bextOut `json:"bext_loudness"`
}

func lufsJSONOf(t *testing.T, args ...string) lufsOut {
	t.Helper()
	r := mustRun(t, append(append([]string{"normalize"}, args...), "--json")...)
	var o lufsOut
	if err := json.Unmarshal([]byte(r.stdout), &o); err != nil {
		t.Fatalf("%q: %v\n%s", args, err, r.stdout)
	}
	return o
}

// TestNormalizeLUFS: normalize --lufs -23, then loudness reads -23; a
// ceiling limits the gain; dry runs, silence and NaN change nothing.
func TestNormalizeLUFS(t *testing.T) {
	dir := t.TempDir()
	for _, enc := range []wavemap.Encoding{wavemap.EncodingInt16, wavemap.EncodingInt24, wavemap.EncodingFloat32} {
		path := writeTestSignal(t, filepath.Join(dir, enc.String()+".wav"), wavemap.Format{Encoding: enc, Channels: 2, SampleRate: 44100}, programme(44100, 20))
		before := runLoudnessJSON(t, path)[0]
		o := lufsJSONOf(t, "--lufs", "-23", path)
		after := runLoudnessJSON(t, path)[0]
		if !near(after.IntegratedLUFS, -23, 0.1) || o.Limited || !near(o.MeasuredLUFS, *before.IntegratedLUFS, 1e-9) ||
			!near(o.ExpectedLUFS, -23, 1e-9) || !near(o.DB, -23-*before.IntegratedLUFS, 1e-9) || o.Ceiling == nil || *o.Ceiling != -1 {
			t.Errorf("%v: normalize --lufs -23: %+v; loudness after %.3f", enc, o, *after.IntegratedLUFS)
		}
		// To -10 LUFS the true peak would pass -1 dBTP: the ceiling
		// limits the gain, and the true peak ends at or below it.
		o = lufsJSONOf(t, "--lufs", "-10", "--true-peak", "-1", path)
		after = runLoudnessJSON(t, path)[0]
		if !o.Limited || !near(o.ExpectedPeak, -1, 0.01) || *after.TruePeakDBTP > -1 || !near(after.TruePeakDBTP, -1, 0.01) ||
			!near(after.IntegratedLUFS, *o.ExpectedLUFS, 0.1) || *o.ExpectedLUFS > -10 {
			t.Errorf("%v: normalize --lufs -10 --true-peak -1: %+v; after: I %.3f, TP %.4f", enc, o, *after.IntegratedLUFS, *after.TruePeakDBTP)
		}
	}
	// A dry run changes nothing; text says what it would do.
	path := writeTestSignal(t, filepath.Join(dir, "dry.wav"), wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}, programme(48000, 5))
	hash := wavtest.HashFile(t, path)
	r := mustRun(t, "normalize", "--lufs", "-16", "--true-peak", "none", "--dry-run", path)
	if wavtest.HashFile(t, path) != hash || !strings.Contains(r.stdout, "-> -16.00 LUFS (target -16.00)") || !strings.Contains(r.stdout, "no ceiling") ||
		!strings.Contains(r.stdout, "dry run: file unchanged") {
		t.Errorf("dry run: %q", r.stdout)
	}
	// Silence is left alone.
	silent := writeTestSignal(t, filepath.Join(dir, "silent.wav"), wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}, make([]float64, 96000))
	hash = wavtest.HashFile(t, silent)
	if o := lufsJSONOf(t, "--lufs", "-23", silent); !o.Silent || o.Factor != 1 || o.MeasuredLUFS != nil || wavtest.HashFile(t, silent) != hash {
		t.Errorf("silence: %+v", o)
	}
	// NaN samples: the loudness is not defined; nothing changes.
	x := programme(48000, 2)
	x[7] = math.NaN()
	nan := writeTestSignal(t, filepath.Join(dir, "nan.wav"), wavemap.Format{Encoding: wavemap.EncodingFloat32, Channels: 2, SampleRate: 48000}, x)
	hash = wavtest.HashFile(t, nan)
	if r := runCLI(t, "normalize", "--lufs", "-23", nan); r.code != exitFailure || !strings.Contains(r.stderr, "NaN") || wavtest.HashFile(t, nan) != hash {
		t.Errorf("NaN: exit %d, stderr %q", r.code, r.stderr)
	}
	// Usage errors.
	for _, args := range [][]string{
		{"normalize", "--lufs", "-23", "--peak", "-1", path},
		{"normalize", "--true-peak", "-1", path},
		{"normalize", "--lufs", "-23", "--true-peak", "loud", path},
		{"normalize", "--lufs", "soft", path},
		{"normalize", "--lufs", "-23", path, path},
	} {
		if r := runCLI(t, args...); r.code != exitUsage {
			t.Errorf("%q: exit %d, want 2 (stderr %q)", args, r.code, r.stderr)
		}
	}
}

// TestNormalizeLUFSKeepsChunks: the metadata chunks of the file survive
// normalize --lufs byte for byte (but for those the edit makes stale).
func TestNormalizeLUFSKeepsChunks(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "rich.wav")
	x := programme(48000, 2)
	s := make([]int16, len(x))
	wavemap.Convert(s, x)
	if err := os.WriteFile(in, wavtest.RichWAV(keepFmt, wavtest.S16(s...), wavtest.RichChunks()), 0o644); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	o := lufsJSONOf(t, "--lufs", "-30", "--no-journal", in)
	checkKept(t, in, wavtest.RichChunks(), nil)
	after, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) || bytes.Equal(after, before) || o.Factor >= 1 {
		t.Errorf("normalize --lufs -30 of the rich file: %+v, %d bytes -> %d", o, len(before), len(after))
	}
	if l := runLoudnessJSON(t, in)[0]; !near(l.IntegratedLUFS, -30, 0.1) {
		t.Errorf("loudness after: %v", *l.IntegratedLUFS)
	}
}

// TestNormalizeLUFSJournal: the journal note of normalize --lufs names
// the edit, and a rerun command is suggested for it.
func TestNormalizeLUFSJournal(t *testing.T) {
	lt := &loudnessTarget{lufs: dbValue{v: -23, set: true}, ceiling: ceilingValue{v: -1}}
	note := lufsNote(lt)
	if note != "normalize --lufs -23 --true-peak -1" {
		t.Errorf("note %q", note)
	}
	i := &wavemap.JournalInfo{Op: "gain", Factor: 2, Note: note}
	if d := describeEdit(i); d != "normalize to -23 LUFS (gain of 6.021 dB)" {
		t.Errorf("describeEdit: %q", d)
	}
	if h := rerunHint(i, "a.wav", ""); h != "rerun 'wavemap normalize --lufs -23 --true-peak -1 a.wav' to finish it" {
		t.Errorf("rerunHint: %q", h)
	}
	lt.ceiling.none = true
	if note := lufsNote(lt); note != "normalize --lufs -23 --true-peak none" {
		t.Errorf("note without ceiling %q", note)
	}
}

// decodedDigest is a digest of the audio of path, wherever it lies: the
// SHA-256 of the data chunk's bytes as wavemap maps them, and ffmpeg's
// MD5 of the samples it decodes when ffmpeg is installed. With
// audioDigest (which has the data chunk's offset too), it shows that an
// edit left the audio as it was.
func decodedDigest(t *testing.T, path string) string {
	t.Helper()
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(f.Bytes())
	f.Close()
	d := hex.EncodeToString(sum[:])
	if wavtest.Have(t, "ffmpeg") {
		d += " " + strings.TrimSpace(string(wavtest.Run(t, "ffmpeg", "-nostdin", "-v", "error", "-i", path, "-map", "0:a", "-f", "md5", "-")))
	}
	return d
}

// bextChunkOf reads the bext chunk of path with wavemap.
func bextChunkOf(t *testing.T, path string) *wavemap.Bext {
	t.Helper()
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := f.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	b, ok, err := m.Bext()
	if !ok || err != nil {
		t.Fatalf("%s: bext chunk: %v, %v", path, ok, err)
	}
	return b
}

// measuredBext is the bext that SetLoudness makes of a measurement of
// path now, by the library, over b.
func measuredBext(t *testing.T, path string, b wavemap.Bext) wavemap.Bext {
	t.Helper()
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := wavemap.MeasureLoudness(context.Background(), f, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.SetLoudness(l)
	return b
}

// checkBextTools compares the loudness fields of b with what mediainfo
// reads in path (it shows them; ffprobe does not, so ffprobe only has to
// read the chunk's time reference).
func checkBextTools(t *testing.T, path string, b *wavemap.Bext, timeRef string) {
	t.Helper()
	if wavtest.Have(t, "mediainfo") {
		mi := mediaInfo(t, path)
		for _, c := range []struct {
			key string
			v   int16
		}{
			{"LoudnessValue", b.LoudnessValue}, {"LoudnessRange", b.LoudnessRange}, {"MaxTruePeakLevel", b.MaxTruePeakLevel},
			{"MaxMomentaryLoudness", b.MaxMomentaryLoudness}, {"MaxShortTermLoudness", b.MaxShortTermLoudness},
		} {
			if want := fmt.Sprintf("%.2f", float64(c.v)/100); mi["Audio"][c.key] != want {
				t.Errorf("%s: mediainfo %s = %q, want %q", path, c.key, mi["Audio"][c.key], want)
			}
		}
		if v := mi["General"]["bext_Version"]; v != "2" {
			t.Errorf("%s: mediainfo bext_Version = %q, want 2", path, v)
		}
	}
	if wavtest.Have(t, "ffprobe") {
		if tags := wavtest.FFprobeTags(t, path); tags["time_reference"] != timeRef {
			t.Errorf("%s: ffprobe time_reference %q, want %q (tags %v)", path, tags["time_reference"], timeRef, tags)
		}
	}
}

// TestLoudnessWriteBext: loudness --write-bext adds a version-2 bext
// chunk to a file that has none, and upgrades the version-1 chunk of a
// file with rich metadata, every other field and chunk as it was; the
// values are the measurement's, read back by wavemap and mediainfo; the
// audio is untouched.
func TestLoudnessWriteBext(t *testing.T) {
	dir := t.TempDir()
	plain := writeTestSignal(t, filepath.Join(dir, "plain.wav"), wavemap.Format{Encoding: wavemap.EncodingInt24, Channels: 2, SampleRate: 48000}, programme(48000, 6))
	digest := audioDigest(t, plain) + " " + decodedDigest(t, plain)
	out := runLoudnessJSON(t, "--write-bext", plain)[0]
	b := bextChunkOf(t, plain)
	if want := measuredBext(t, plain, wavemap.Bext{}); !reflect.DeepEqual(*b, want) || b.Version != 2 {
		t.Errorf("plain file: bext %+v, want %+v", *b, want)
	}
	if out.Bext == nil || !near(out.Bext.IntegratedLUFS, float64(b.LoudnessValue)/100, 0) ||
		!near(out.Bext.IntegratedLUFS, *out.IntegratedLUFS, 0.005) || !near(out.Bext.TruePeakDBTP, *out.TruePeakDBTP, 0.005) ||
		!near(out.Bext.RangeLU, *out.RangeLU, 0.005) || !near(out.Bext.MomentaryMaxLUFS, *out.MomentaryMaxLUFS, 0.005) ||
		!near(out.Bext.ShortTermMaxLUFS, *out.ShortTermMaxLUFS, 0.005) {
		t.Errorf("plain file: --json bext_loudness %+v for %+v", out.Bext, out)
	}
	if d := audioDigest(t, plain) + " " + decodedDigest(t, plain); d != digest {
		t.Errorf("plain file: audio changed by --write-bext: %s -> %s", digest, d)
	}
	checkBextTools(t, plain, b, "0")

	rich := filepath.Join(dir, "rich.wav")
	x := programme(48000, 4)
	s := make([]int16, len(x))
	wavemap.Convert(s, x)
	if err := os.WriteFile(rich, wavtest.RichWAV(keepFmt, wavtest.S16(s...), wavtest.RichChunks()), 0o644); err != nil {
		t.Fatal(err)
	}
	digest = audioDigest(t, rich) + " " + decodedDigest(t, rich)
	old := bextChunkOf(t, rich)
	r := mustRun(t, "loudness", "--write-bext", rich)
	b = bextChunkOf(t, rich)
	if want := measuredBext(t, rich, *old); !reflect.DeepEqual(*b, want) || old.Version != 1 || b.Version != 2 || !bytes.Equal(b.Description, old.Description) {
		t.Errorf("rich file: bext %+v, want %+v", *b, want)
	}
	if !strings.Contains(r.stderr, "wrote the loudness into the bext chunk (version 1 -> 2)") {
		t.Errorf("rich file: stderr %q", r.stderr)
	}
	// The bext chunk may move after the audio (WriteMetadata needs room
	// to write it anew first); every other chunk stays where it was.
	var got, want []wavtest.MetaChunk
	for _, c := range wavtest.WalkChunks(t, rich).Chunks {
		if c.ID == "bext" {
			if !bytes.Equal(c.Data, b.Encode()) {
				t.Errorf("rich file: bext chunk % x, want % x", c.Data, b.Encode())
			}
			continue
		}
		got = append(got, c)
	}
	for _, c := range wavtest.RichChunks() {
		if c.ID != "bext" {
			want = append(want, c)
		}
	}
	wavtest.SameChunks(t, rich, got, want)
	if d := audioDigest(t, rich) + " " + decodedDigest(t, rich); d != digest {
		t.Errorf("rich file: audio changed by --write-bext: %s -> %s", digest, d)
	}
	checkBextTools(t, rich, b, "48000")

	// A file that cannot be written is refused, and the others are
	// still measured.
	ro := writeTestSignal(t, filepath.Join(dir, "ro.wav"), wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}, programme(48000, 1))
	if err := os.Chmod(ro, 0o444); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, "loudness", "--write-bext", ro, plain); r.code != exitFailure || !strings.Contains(r.stderr, "read-only") ||
		!strings.Contains(r.stdout, "plain.wav") {
		t.Errorf("read-only file: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestNormalizeLUFSWriteBext: normalize --lufs -23 --write-bext writes
// the loudness of the normalized file (measured again: the same values as
// a measurement after the command), replacing the stale values of an
// earlier --write-bext; mediainfo reads them; the audio is what normalize
// without --write-bext makes of it.
func TestNormalizeLUFSWriteBext(t *testing.T) {
	dir := t.TempDir()
	fm := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 44100}
	path := writeTestSignal(t, filepath.Join(dir, "n.wav"), fm, programme(44100, 8))
	twin := writeTestSignal(t, filepath.Join(dir, "twin.wav"), fm, programme(44100, 8))
	mustRun(t, "loudness", "--write-bext", path) // values that normalize makes stale
	o := lufsJSONOf(t, "--lufs", "-23", "--write-bext", path)
	lufsJSONOf(t, "--lufs", "-23", twin)
	b := bextChunkOf(t, path)
	if want := measuredBext(t, path, wavemap.Bext{}); !reflect.DeepEqual(*b, want) {
		t.Errorf("bext %+v, a measurement now gives %+v", *b, want)
	}
	if math.Abs(float64(b.LoudnessValue)+2300) > 10 || o.Bext == nil || !near(o.Bext.IntegratedLUFS, float64(b.LoudnessValue)/100, 0) ||
		!slices.ContainsFunc(o.Metadata, func(s string) bool { return strings.HasPrefix(s, "wrote the loudness into the bext chunk") }) {
		t.Errorf("normalize --write-bext: %+v, bext %+v", o, *b)
	}
	if decodedDigest(t, path) != decodedDigest(t, twin) {
		t.Error("the audio after normalize --write-bext differs from that after normalize")
	}
	checkBextTools(t, path, b, "0")

	// A dry run writes nothing; --write-bext needs --lufs.
	hash := wavtest.HashFile(t, path)
	mustRun(t, "normalize", "--lufs", "-16", "--write-bext", "--dry-run", path)
	if wavtest.HashFile(t, path) != hash {
		t.Error("normalize --dry-run --write-bext changed the file")
	}
	if r := runCLI(t, "normalize", "--peak", "-1", "--write-bext", path); r.code != exitUsage {
		t.Errorf("--write-bext without --lufs: exit %d, stderr %q", r.code, r.stderr)
	}
}
