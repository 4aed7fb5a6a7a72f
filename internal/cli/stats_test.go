package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// run runs an external tool and returns its standard output, failing the
// test if it fails.
func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	needTool(t, name)
	cmd := exec.Command(name, args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, errb.String())
	}
	return out
}

// soxStats runs sox's stats effect on path and returns its table: row
// name -> values, one per channel (without the Overall column).
func soxStats(t *testing.T, path string) map[string][]float64 {
	t.Helper()
	needTool(t, "sox")
	cmd := exec.Command("sox", path, "-n", "stats")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("sox stats %s: %v\n%s", path, err, errb.String())
	}
	rows := map[string][]float64{}
	multi := false
	for _, line := range strings.Split(errb.String(), "\n") {
		if strings.Contains(line, "Overall") {
			multi = true
			continue
		}
		name, rest, ok := strings.Cut(line, "  ") // names have single spaces
		if !ok || strings.HasPrefix(line, "sox") {
			continue
		}
		fields := strings.Fields(rest)
		if multi && len(fields) > 1 {
			fields = fields[1:]
		}
		var vals []float64
		for _, f := range fields {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				vals = nil
				break
			}
			vals = append(vals, v)
		}
		if vals != nil {
			rows[name] = vals
		}
	}
	return rows
}

// decodeS16 has sox decode path to signed 16-bit samples (no dither), an
// independent reading of the file's values.
func decodeS16(t *testing.T, path string) []int16 {
	t.Helper()
	b := run(t, "sox", "-D", path, "-t", "raw", "-e", "signed", "-b", "16", "-L", "-")
	s := make([]int16, len(b)/2)
	for i := range s {
		s[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return s
}

// decodeSoxF64 has sox decode path to float64 samples, interleaved. sox
// works in 32-bit integers: exact for integer and G.711 files, but floats
// are clipped to full scale and rounded to 32 bits.
func decodeSoxF64(t *testing.T, path string) []float64 {
	t.Helper()
	b := run(t, "sox", "-D", path, "-t", "raw", "-e", "floating-point", "-b", "64", "-L", "-")
	s := make([]float64, len(b)/8)
	for i := range s {
		s[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return s
}

// decodeF64 has ffmpeg decode path to float64 samples, interleaved.
// ffmpeg does not clip floats past full scale, which sox does.
func decodeF64(t *testing.T, path string) []float64 {
	t.Helper()
	b := run(t, "ffmpeg", "-hide_banner", "-loglevel", "error", "-i", path, "-f", "f64le", "-c:a", "pcm_f64le", "-")
	s := make([]float64, len(b)/8)
	for i := range s {
		s[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return s
}

func hashFile(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// badInput is one input that every command must refuse.
type badInput struct {
	what, path string
	exists     bool // a file whose bytes must not change
}

// badInputs makes the inputs every file-reading command must refuse with
// a one-line error naming the file.
func badInputs(t *testing.T) []badInput {
	t.Helper()
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	if err := os.Mkdir(p("dir.wav"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) {
		if err := os.WriteFile(p(name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("empty.wav", nil)
	write("text.wav", []byte("this is not audio at all, just a line of text\n"))
	full := pcmHeader(1, 1, 8000, 16, 100)
	write("truncated.wav", full[:30])
	write("adpcm.wav", pcmHeader(2, 1, 8000, 4, 256))
	return []badInput{
		{"missing file", p("missing.wav"), false},
		{"directory", p("dir.wav"), false},
		{"empty file", p("empty.wav"), true},
		{"text file", p("text.wav"), true},
		{"truncated header", p("truncated.wav"), true},
		{"ADPCM codec", p("adpcm.wav"), true},
	}
}

// pcmHeader builds a RIFF WAVE file by hand (no library code) with the
// given format tag and dataBytes zero bytes of data.
func pcmHeader(tag, channels, rate, bits, dataBytes int) []byte {
	le := binary.LittleEndian
	align := max(1, channels*bits/8)
	fmtc := le.AppendUint16(nil, uint16(tag))
	fmtc = le.AppendUint16(fmtc, uint16(channels))
	fmtc = le.AppendUint32(fmtc, uint32(rate))
	fmtc = le.AppendUint32(fmtc, uint32(rate*align))
	fmtc = le.AppendUint16(fmtc, uint16(align))
	fmtc = le.AppendUint16(fmtc, uint16(bits))
	if tag == 2 { // ADPCM: cbSize and a coefficient block
		fmtc = le.AppendUint16(fmtc, 32)
		fmtc = append(fmtc, make([]byte, 32)...)
	}
	body := []byte("WAVEfmt ")
	body = le.AppendUint32(body, uint32(len(fmtc)))
	body = append(body, fmtc...)
	body = append(body, "data"...)
	body = le.AppendUint32(body, uint32(dataBytes))
	body = append(body, make([]byte, dataBytes)...)
	out := le.AppendUint32([]byte("RIFF"), uint32(len(body)))
	return append(out, body...)
}

// checkRefused runs args (with the bad input's path in place of "@") and
// checks for exit 1, a one-line message naming the file, and an input
// left as it was.
func checkRefused(t *testing.T, b badInput, args ...string) {
	t.Helper()
	var before [32]byte
	if b.exists {
		before = hashFile(t, b.path)
	}
	full := make([]string, len(args))
	for i, a := range args {
		full[i] = strings.ReplaceAll(a, "@", b.path)
	}
	r := wavemapCmd(t, full...)
	msg := strings.TrimSuffix(r.stderr, "\n")
	switch {
	case r.code != 1:
		t.Errorf("%s: %q exit %d, want 1 (stderr %q)", b.what, full, r.code, r.stderr)
	case msg == "" || strings.Contains(msg, "\n"):
		t.Errorf("%s: want a one-line error, got %q", b.what, r.stderr)
	case !strings.Contains(msg, b.path):
		t.Errorf("%s: error %q does not name %s", b.what, msg, b.path)
	case !strings.HasPrefix(msg, "wavemap "+args[0]+": "):
		t.Errorf("%s: error %q does not name the command", b.what, msg)
	}
	if b.exists && hashFile(t, b.path) != before {
		t.Errorf("%s: %q changed the input", b.what, full)
	}
}

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
		Clipped  int64    `json:"clipped"`
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
	needTool(t, "sox")
	needTool(t, "ffmpeg")
	dir := t.TempDir()
	gen := filepath.Join(dir, "gen.wav")
	mustRun(t, "gen", "--type", "s16", "--channels", "2", "--frames", "12000", "--amp", "0.7", gen)
	soxFile := filepath.Join(dir, "sox.wav")
	run(t, "sox", "-D", "-r", "44100", "-n", "-b", "24", "-c", "2", soxFile, "synth", "0.3", "sine", "300", "square", "100", "vol", "0.6", "dcshift", "0.1")
	ffFile := filepath.Join(dir, "ff.wav")
	run(t, "ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=500:sample_rate=22050:duration=0.2",
		"-af", "volume=4", "-c:a", "pcm_f32le", "-y", ffFile)
	for _, path := range []string{gen, soxFile, ffFile} {
		got := statsJSONOf(t, path)
		want := soxStats(t, path)
		if len(got.Channels) != len(want["Pk lev dB"]) || got.File != path {
			t.Fatalf("%s: %d channels, sox sees %d (file %q)", path, len(got.Channels), len(want["Pk lev dB"]), got.File)
		}
		for c, ch := range got.Channels {
			if ch.Channel != c+1 {
				t.Errorf("%s: channel numbered %d, want %d", path, ch.Channel, c+1)
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
	run(t, "sox", "-D", "-r", "8000", "-n", "-b", "16", "-c", "1", clip, "synth", "0.1", "sine", "300", "vol", "2")
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
	if r := wavemapCmd(t, "stats"); r.code != 2 {
		t.Errorf("stats without a file: exit %d", r.code)
	}
	if r := wavemapCmd(t, "stats", "-h"); r.code != 0 || !strings.Contains(r.stderr, "example:") {
		t.Errorf("stats -h: exit %d, %q", r.code, r.stderr)
	}
}
