package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wavemap/wavemap/internal/wavtest"
)

// TestRawWrap wraps sox-made headerless samples, behind a 100-byte header
// and before a 6-byte trailer, and checks the WAVE file with ffprobe and
// sox.
func TestRawWrap(t *testing.T) {
	wavtest.Need(t, "sox")
	wavtest.Need(t, "ffprobe")
	wavtest.Need(t, "ffmpeg")
	dir := t.TempDir()
	samples := wavtest.Run(t, "sox", "-r", "44100", "-c", "2", "-n", "-b", "16", "-e", "signed-integer", "-t", "raw", "-",
		"synth", "3000s", "sine", "440", "sine", "660")
	if len(samples) != 3000*4 {
		t.Fatalf("sox made %d bytes, want 12000", len(samples))
	}
	in := filepath.Join(dir, "in.raw")
	head := []byte(strings.Repeat("H", 100))
	if err := os.WriteFile(in, append(append(head, samples...), "TRAILR"...), 0o666); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.wav")
	r := mustRun(t, "raw", "--json", "--type", "s16", "--channels", "2", "--rate", "44100", "--offset", "100", "--trailer", "6", in, out)
	if j := outputJSONOf(t, r); j.Output.Frames != 3000 || j.Output.Format.Container != "RIFF" || j.Output.Format.Encoding != "s16" {
		t.Errorf("raw --json: %+v", j)
	}
	probe := string(wavtest.Run(t, "ffprobe", "-v", "error", "-show_entries", "stream=codec_name,channels,sample_rate,duration_ts",
		"-of", "default=nw=1", out))
	for _, w := range []string{"codec_name=pcm_s16le", "channels=2", "sample_rate=44100", "duration_ts=3000"} {
		if !strings.Contains(probe, w) {
			t.Errorf("ffprobe of the wrapped file: %q lacks %s", probe, w)
		}
	}
	sameBytes(t, "wrapped samples decoded by sox", wavtest.Run(t, "sox", out, "-t", "raw", "-"), samples)

	// Without --trailer the 6 bytes are a ragged tail: a warning, and the
	// whole frames before it.
	r = mustRun(t, "raw", "--type", "s16", "--channels", "2", "--rate", "44100", "--offset", "100", in, out)
	if !strings.Contains(r.stderr, "warning") || !strings.Contains(r.stderr, in) {
		t.Errorf("ragged tail: stderr %q, want a warning naming the file", r.stderr)
	}
	sameBytes(t, "wrapped with a ragged tail", wavtest.Run(t, "sox", out, "-t", "raw", "-"), append(samples, "TRAI"...))

	// f32 mono into Wave64.
	fl := wavtest.Run(t, "sox", "-r", "8000", "-c", "1", "-n", "-b", "32", "-e", "floating-point", "-t", "raw", "-", "synth", "800s", "sine", "100")
	if err := os.WriteFile(in, fl, 0o666); err != nil {
		t.Fatal(err)
	}
	w64 := filepath.Join(dir, "out.w64")
	mustRun(t, "raw", "--type", "f32", "--channels", "1", "--rate", "8000", "--container", "w64", in, w64)
	// ffmpeg, not sox: sox passes float samples through a 32-bit integer
	// pipeline for Wave64 input and changes their low bits.
	sameBytes(t, "f32 Wave64 decoded by ffmpeg", wavtest.Run(t, "ffmpeg", "-loglevel", "error", "-i", w64, "-f", "f32le", "-"), fl)
	if enc := string(wavtest.Run(t, "sox", "--i", "-e", w64)); !strings.Contains(enc, "Floating Point") {
		t.Errorf("soxi -e of the Wave64 file: %q", enc)
	}
}

// TestRawExtract extracts the samples of ffmpeg and sox files and
// compares them with the tools' own raw output.
func TestRawExtract(t *testing.T) {
	wavtest.Need(t, "ffmpeg")
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	out := filepath.Join(dir, "out.raw")

	s24 := filepath.Join(dir, "s24.wav")
	wavtest.Run(t, "ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "anoisesrc=d=0.1:r=22050", "-ac", "3",
		"-c:a", "pcm_s24le", "-metadata", "artist=someone", s24)
	r := mustRun(t, "raw", "--json", "--extract", s24, out)
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	sameBytes(t, "s24 extract", got, wavtest.Run(t, "ffmpeg", "-loglevel", "error", "-i", s24, "-f", "s24le", "-"))
	if j := outputJSONOf(t, r); j.Output.Bytes != int64(len(got)) || j.Output.Format.Container != "raw" || j.Output.Format.Channels != 3 {
		t.Errorf("raw --extract --json: %+v (file of %d bytes)", j, len(got))
	}

	ulaw := filepath.Join(dir, "u.wav")
	wavtest.Run(t, "sox", "-r", "8000", "-c", "1", "-n", "-e", "u-law", ulaw, "synth", "801s", "sine", "300")
	mustRun(t, "raw", "--extract", ulaw, out)
	got, err = os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	sameBytes(t, "mu-law extract", got, wavtest.Run(t, "sox", ulaw, "-t", "ul", "-"))

	// Round trip: the extracted codes wrapped again give the same file
	// contents as the original, per sox.
	back := filepath.Join(dir, "back.wav")
	mustRun(t, "raw", "--type", "ulaw", "--channels", "1", "--rate", "8000", out, back)
	sameBytes(t, "mu-law round trip", wavtest.Run(t, "sox", back, "-t", "raw", "-e", "signed-integer", "-b", "16", "-"),
		wavtest.Run(t, "sox", ulaw, "-t", "raw", "-e", "signed-integer", "-b", "16", "-"))
}

func TestRawErrors(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.raw")
	if err := os.WriteFile(in, make([]byte, 400), 0o666); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.wav")
	before := digest(t, in)
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{in, out}, 2, "--type"},
		{[]string{"--type", "s16", "--rate", "8000", in, out}, 2, "--channels"},
		{[]string{"--type", "s12", "--channels", "1", "--rate", "8000", in, out}, 2, "s12"},
		{[]string{"--type", "s16", "--channels", "1", "--rate", "8000", "--offset", "-1", in, out}, 2, "negative"},
		{[]string{"--type", "s16", "--channels", "1", "--rate", "8000", "--offset", "500", in, out}, 1, in},
		{[]string{"--type", "s16", "--channels", "1", "--rate", "8000", "--frames", "201", in, out}, 1, in},
		{[]string{"--type", "s16", "--channels", "1", "--rate", "8000", in, in}, 1, "same file"},
		{[]string{"--extract", in, out}, 1, in}, // not a WAVE file
		{[]string{"--type", "s16", "--channels", "1", "--rate", "8000", in}, 2, "output"},
	} {
		r := runCLI(t, append([]string{"raw"}, c.args...)...)
		if r.code != c.code || r.stdout != "" || !strings.Contains(r.stderr, c.msg) {
			t.Errorf("raw %q: exit %d, stdout %q, stderr %q; want exit %d and %q", c.args, r.code, r.stdout, r.stderr, c.code, c.msg)
		}
		if n := dirNames(t, dir); len(n) != 1 {
			t.Errorf("raw %q left %q", c.args, n)
		}
	}
	if digest(t, in) != before {
		t.Error("the input changed")
	}
}
