package cli

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// infoJSONOf runs info --json on the files and decodes its lines.
func infoJSONOf(t *testing.T, files ...string) []infoJSON {
	t.Helper()
	r := mustRun(t, append([]string{"info", "--json"}, files...)...)
	var out []infoJSON
	for _, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		var j infoJSON
		if err := json.Unmarshal([]byte(line), &j); err != nil {
			t.Fatalf("info --json line %q: %v", line, err)
		}
		out = append(out, j)
	}
	if len(out) != len(files) {
		t.Fatalf("info --json printed %d lines for %d files:\n%s", len(out), len(files), r.stdout)
	}
	return out
}

// TestInfoTools compares info --json with sox, ffprobe and the files'
// bytes for files the tools made: a 6-channel 24-bit extensible file
// (channel mask), an ffmpeg file with INFO tags, and one written to a pipe
// (warnings).
func TestInfoTools(t *testing.T) {
	wavtest.Need(t, "sox")
	wavtest.Need(t, "ffprobe")
	dir := t.TempDir()
	six, tagged, piped := filepath.Join(dir, "six.wav"), filepath.Join(dir, "tagged.wav"), filepath.Join(dir, "piped.wav")
	wavtest.Run(t, "sox", "-r", "44100", "-c", "6", "-n", "-b", "24", six, "synth", "1234s", "sine", "300")
	wavtest.Run(t, "ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "sine=d=0.25:sample_rate=22050", "-c:a", "pcm_u8",
		"-metadata", "title=A Title", "-metadata", "artist=Some One", tagged)
	toolToFile(t, piped, "ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "sine=d=0.1", "-c:a", "pcm_f32le", "-f", "wav", "-")

	js := infoJSONOf(t, six, tagged, piped)
	for i, path := range []string{six, tagged, piped} {
		j := js[i]
		if j.File != path || j.Format.Container != "RIFF" {
			t.Errorf("%s: file %q container %q", path, j.File, j.Format.Container)
		}
		if want := ffprobeEntry(t, path, "channels"); strconv.Itoa(j.Format.Channels) != want {
			t.Errorf("%s: %d channels, ffprobe says %s", path, j.Format.Channels, want)
		}
		if want := ffprobeEntry(t, path, "sample_rate"); strconv.Itoa(j.Format.SampleRate) != want {
			t.Errorf("%s: rate %d, ffprobe says %s", path, j.Format.SampleRate, want)
		}
		if want := ffprobeEntry(t, path, "bits_per_sample"); strconv.Itoa(j.Format.Bits) != want {
			t.Errorf("%s: %d bits, ffprobe says %s", path, j.Format.Bits, want)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if path == piped {
			// sox believes the placeholder size: count the bytes after
			// the data chunk header instead.
			d := bytes.Index(b, []byte("data"))
			if want := int64(len(b)-d-8) / int64(j.Format.Channels*j.Format.Bits/8); j.Frames != want {
				t.Errorf("%s: %d frames, the file holds %d", path, j.Frames, want)
			}
		} else if want := strings.TrimSpace(string(wavtest.Run(t, "sox", "--i", "-s", path))); strconv.FormatInt(j.Frames, 10) != want {
			t.Errorf("%s: %d frames, soxi says %s", path, j.Frames, want)
		}
		// Every chunk id appears in the file at its offset.
		for _, c := range j.Chunks {
			if c.Offset < 0 || c.Offset+4 > int64(len(b)) || string(b[c.Offset:c.Offset+4]) != c.ID {
				t.Errorf("%s: chunk %q at %d is not in the file there", path, c.ID, c.Offset)
			}
		}
		if d := bytes.Index(b, []byte("data")); int64(d+8) != j.DataOffset {
			t.Errorf("%s: data at %d, the data chunk header is at %d", path, j.DataOffset, d)
		}
	}

	// Encodings and the extensible channel mask, read from the fmt chunk's
	// bytes (dwChannelMask is 20 bytes into an extensible fmt payload).
	if js[0].Format.Encoding != "s24" || js[1].Format.Encoding != "u8" || js[2].Format.Encoding != "f32" {
		t.Errorf("encodings %s, %s, %s; want s24, u8, f32", js[0].Format.Encoding, js[1].Format.Encoding, js[2].Format.Encoding)
	}
	b, _ := os.ReadFile(six)
	mask := binary.LittleEndian.Uint32(b[bytes.Index(b, []byte("fmt "))+8+20:])
	if mask == 0 || js[0].Format.ChannelMask != mask || !js[0].Format.Extensible || len(js[0].Format.Speakers) != 6 {
		t.Errorf("six.wav: mask %#x speakers %q; the file holds %#x", js[0].Format.ChannelMask, js[0].Format.Speakers, mask)
	}
	if math.Abs(float64(js[0].Duration)-1234.0/44100) > 1e-9 {
		t.Errorf("six.wav: duration %v, want %v", js[0].Duration, 1234.0/44100)
	}

	// Tags as ffmpeg was told, in the text output too.
	if js[1].Tags["INAM"] != "A Title" || js[1].Tags["IART"] != "Some One" {
		t.Errorf("tags %q", js[1].Tags)
	}
	text := mustRun(t, "info", six, tagged, piped).stdout
	for _, want := range []string{"mask 0x3f: FL FR FC LFE BL BR", "INAM   A Title", "IART   Some One",
		"warning: streaming-size at byte 4:", "\n\n" + tagged + "\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("info text output lacks %q:\n%s", want, text)
		}
	}

	// The pipe left placeholder sizes: warnings, at the RIFF size and the
	// data size fields.
	w := js[2].Warnings
	if len(w) != 2 || w[0].Kind != "streaming-size" || w[0].Offset != 4 || w[1].Offset != int64(dataSizeOffset(t, piped)) {
		t.Errorf("piped.wav warnings: %+v", w)
	}
	if len(js[0].Warnings) != 0 || len(js[1].Warnings) != 0 {
		t.Errorf("warnings for clean files: %+v %+v", js[0].Warnings, js[1].Warnings)
	}
}

// TestInfoContainers checks what gen and the library write: RF64, Wave64,
// valid bits, and a headerless file described by flags.
func TestInfoContainers(t *testing.T) {
	dir := t.TempDir()
	rf64, w64, vb := filepath.Join(dir, "a.rf64"), filepath.Join(dir, "b.w64"), filepath.Join(dir, "vb.wav")
	mustRun(t, "gen", "--container", "rf64", "--type", "alaw", "--channels", "1", "--rate", "8000", "--frames", "800", rf64)
	mustRun(t, "gen", "--container", "w64", "--type", "f64", "--channels", "2", "--rate", "96000", "--frames", "96", w64)
	f, err := wavemap.Create(vb, wavemap.Format{Encoding: wavemap.EncodingInt24, Channels: 2, SampleRate: 48000,
		ValidBits: 20, ChannelMask: 0x3}, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	js := infoJSONOf(t, rf64, w64, vb)
	if j := js[0]; j.Format.Container != "RF64" || j.Format.Encoding != "alaw" || j.Frames != 800 || j.Format.Bits != 8 {
		t.Errorf("RF64 file: %+v", j)
	}
	if j := js[1]; j.Format.Container != "W64" || j.Format.Encoding != "f64" || j.Format.Channels != 2 || j.Format.SampleRate != 96000 || j.Frames != 96 {
		t.Errorf("Wave64 file: %+v", j)
	}
	if j := js[2]; j.Format.Encoding != "s24" || j.Format.Bits != 24 || j.Format.ValidBits != 20 || j.Format.ChannelMask != 3 ||
		strings.Join(j.Format.Speakers, " ") != "FL FR" {
		t.Errorf("20-bit file: %+v", j)
	}
	wavtest.Need(t, "sox")
	if n := strings.TrimSpace(string(wavtest.Run(t, "sox", "--i", "-s", w64))); n != "96" {
		t.Errorf("soxi -s of the Wave64 file: %s", n)
	}
	if n := strings.TrimSpace(string(wavtest.Run(t, "sox", "--i", "-s", rf64))); n != "800" {
		t.Errorf("soxi -s of the RF64 file: %s", n)
	}

	// A headerless file: 1003 bytes of s16 stereo after a 2-byte offset
	// are 250 frames and a ragged byte.
	raw := filepath.Join(dir, "x.raw")
	if err := os.WriteFile(raw, make([]byte, 1003), 0o666); err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, "info", "--json", "--type", "s16", "--channels", "2", "--rate", "8000", "--offset", "2", raw)
	var j infoJSON
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
		t.Fatal(err)
	}
	if j.Format.Container != "raw" || j.Frames != 250 || j.DataOffset != 2 || len(j.Chunks) != 0 ||
		len(j.Warnings) != 1 || j.Warnings[0].Kind != "ragged-tail" {
		t.Errorf("raw file: %+v", j)
	}
	if r := runCLI(t, "info", "--type", "s16", raw); r.code != exitUsage {
		t.Errorf("info with --type alone: exit %d, want 2", r.code)
	}
}

// TestInfoSeveral checks the JSON Lines output with a file that fails in
// the middle.
func TestInfoSeveral(t *testing.T) {
	dir := t.TempDir()
	a, b, bad := filepath.Join(dir, "a.wav"), filepath.Join(dir, "b.wav"), filepath.Join(dir, "bad.wav")
	mustRun(t, "gen", "--frames", "10", a)
	mustRun(t, "gen", "--frames", "20", "--type", "u8", b)
	if err := os.WriteFile(bad, []byte("RIFF"), 0o666); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "info", "--json", a, bad, b)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if r.code != exitFailure || len(lines) != 3 || strings.Count(errorMessage(r.stderr)+"\n", "\n") != 1 || !strings.Contains(r.stderr, bad) {
		t.Fatalf("info --json a bad b: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	// The bad file has its line, an error object, in its place.
	var je errorJSON
	if err := json.Unmarshal([]byte(lines[1]), &je); err != nil || je.File != bad || je.Command != "info" ||
		!strings.Contains(je.Error.Message, "too few") {
		t.Errorf("error line %s: %+v %v", lines[1], je, err)
	}
	var ja, jb infoJSON
	if json.Unmarshal([]byte(lines[0]), &ja) != nil || json.Unmarshal([]byte(lines[2]), &jb) != nil {
		t.Fatalf("info --json lines:\n%s", r.stdout)
	}
	if ja.File != a || ja.Frames != 10 || jb.File != b || jb.Frames != 20 || jb.Format.Encoding != "u8" {
		t.Errorf("info --json: %+v\n%+v", ja, jb)
	}
	// The keys the issue names are all there.
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"command", "file", "format", "channels", "frames", "duration_seconds", "chunks", "warnings"} {
		if _, ok := m[k]; !ok {
			t.Errorf("info --json lacks the key %q", k)
		}
	}
	for _, k := range []string{"container", "encoding", "channels", "sample_rate_hz", "bits", "valid_bits", "frame_bytes"} {
		if _, ok := m["format"].(map[string]any)[k]; !ok {
			t.Errorf("info --json: its format lacks the key %q", k)
		}
	}
}

// TestGenInfo is the smallest end-to-end check: gen makes a file that
// info describes and sox agrees with.
func TestGenInfo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.wav")
	mustRun(t, "gen", "--type", "s24", "--channels", "3", "--rate", "44100", "--frames", "1000", path)
	r := mustRun(t, "info", "--json", path)
	var info struct {
		Format struct {
			Encoding   string `json:"encoding"`
			Channels   int    `json:"channels"`
			SampleRate int    `json:"sample_rate_hz"`
		} `json:"format"`
		Frames int64 `json:"frames"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &info); err != nil {
		t.Fatalf("info --json: %v\n%s", err, r.stdout)
	}
	if info.Format.Encoding != "s24" || info.Format.Channels != 3 || info.Format.SampleRate != 44100 || info.Frames != 1000 {
		t.Errorf("info --json: %+v", info)
	}
	wavtest.Need(t, "sox")
	if out := bytes.TrimSpace(wavtest.Run(t, "sox", "--i", "-s", path)); string(out) != "1000" {
		t.Errorf("soxi -s: %q", out)
	}
	if r := runCLI(t, "info", filepath.Join(t.TempDir(), "missing.wav")); r.code != 1 || r.stderr == "" {
		t.Errorf("missing file: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := runCLI(t, "nosuchcommand"); r.code != 2 {
		t.Errorf("unknown command: exit %d", r.code)
	}
}
