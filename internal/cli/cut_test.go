package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

func TestCutSox(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.wav"), filepath.Join(dir, "out.wav")
	mustRun(t, "gen", "--signal", "noise", "--type", "s16", "--channels", "2", "--rate", "48000", "--frames", "48000", in)

	// 0.25 s to 0.75 s at 48 kHz is frames [12000, 36000).
	r := mustRun(t, "cut", "--json", "--from", "0.25", "--to", "00:00:00.750", in, out)
	if r.stderr != "" {
		t.Errorf("cut wrote %q on standard error (not a terminal: no progress bar)", r.stderr)
	}
	if j := outputJSONOf(t, r); j.Range.FromFrame != 12000 || j.Range.ToFrame != 36000 || j.Output.Frames != 24000 || j.Output.File != out {
		t.Errorf("cut --json: %+v", j)
	}
	want := wavtest.Run(t, "sox", in, "-t", "raw", "-", "trim", "12000s", "=36000s")
	got := wavtest.Run(t, "sox", out, "-t", "raw", "-")
	sameBytes(t, "cut 0.25..0.75 decoded by sox", got, want)
	if n := strings.TrimSpace(string(wavtest.Run(t, "sox", "--i", "-s", out))); n != "24000" {
		t.Errorf("soxi -s of the cut: %s, want 24000", n)
	}

	// Frame counts, and --to defaulting to the end.
	mustRun(t, "cut", "--from", "47990s", in, out)
	want = wavtest.Run(t, "sox", in, "-t", "raw", "-", "trim", "47990s")
	got = wavtest.Run(t, "sox", out, "-t", "raw", "-")
	sameBytes(t, "cut from frame 47990 decoded by sox", got, want)
	if len(got) != 10*4 {
		t.Errorf("cut from frame 47990: %d bytes, want 40", len(got))
	}
	if names := dirNames(t, dir); len(names) != 2 {
		t.Errorf("directory holds %q, want in.wav and out.wav only", names)
	}
}

// TestCutFFmpeg cuts an ffmpeg-made 24-bit file with a LIST chunk and a
// Wave64 file, and checks the samples against the library's reading of
// the input and the format against ffprobe.
func TestCutFFmpeg(t *testing.T) {
	wavtest.Need(t, "ffmpeg")
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.wav"), filepath.Join(dir, "out.wav")
	wavtest.Run(t, "ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "anoisesrc=d=0.5:r=44100:a=0.5",
		"-ac", "2", "-c:a", "pcm_s24le", "-metadata", "title=cut me", in)
	mustRun(t, "cut", "--from", "0:00.1", "--to", "22050s", in, out)

	src, err := wavemap.Open(in, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := wavemap.Open(out, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if dst.Format() != src.Format() {
		t.Errorf("format %v, input %v", dst.Format(), src.Format())
	}
	sameBytes(t, "cut 4410..22050 read back", dst.Bytes(), src.Bytes()[4410*6:22050*6])
	probe := string(wavtest.Run(t, "ffprobe", "-v", "error", "-show_entries", "stream=codec_name,channels,sample_rate,duration_ts",
		"-of", "default=nw=1", out))
	for _, w := range []string{"codec_name=pcm_s24le", "channels=2", "sample_rate=44100", "duration_ts=17640"} {
		if !strings.Contains(probe, w) {
			t.Errorf("ffprobe of the cut: %q lacks %s", probe, w)
		}
	}

	// A Wave64 input gives a Wave64 output (--container same).
	w64, w64cut := filepath.Join(dir, "in.w64"), filepath.Join(dir, "cut.w64")
	mustRun(t, "gen", "--type", "f32", "--channels", "1", "--rate", "8000", "--frames", "8000", "--container", "w64", w64)
	r := mustRun(t, "cut", "--json", "--from", "0.5", w64, w64cut)
	if j := outputJSONOf(t, r); j.Output.Format.Container != "W64" || j.Output.Frames != 4000 {
		t.Errorf("cut of a Wave64 file: %+v", j)
	}
	// sox's trim effect returns one frame too many on a Wave64 input
	// (sox 14.4.2), so the reference is the tail of its whole decode.
	want := wavtest.Run(t, "sox", w64, "-t", "raw", "-")
	if len(want) != 8000*4 {
		t.Fatalf("sox decodes the Wave64 input to %d bytes, want 32000", len(want))
	}
	got := wavtest.Run(t, "sox", w64cut, "-t", "raw", "-")
	sameBytes(t, "Wave64 cut decoded by sox", got, want[4000*4:])
}

func TestCutErrors(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.wav"), filepath.Join(dir, "out.wav")
	mustRun(t, "gen", "--frames", "1000", "--rate", "1000", in)
	before := digest(t, in)
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--from", "1001s", in, out}, 1, "past the end"},
		{[]string{"--from", "0.5", "--to", "0.5", in, out}, 1, "no frames"},
		{[]string{"--from", "0.6", "--to", "0.5", in, out}, 1, "no frames"},
		{[]string{"--from", "-1", in, out}, 2, "bad time"},
		{[]string{"--to", "1:2:3:4", in, out}, 2, "bad time"},
		{[]string{in}, 2, "input and an output"},
		{[]string{in, in}, 1, "same file"},
		{[]string{in, dir}, 1, "directory"},
		{[]string{"--container", "mp3", in, out}, 2, "container"},
	} {
		r := runCLI(t, append([]string{"cut"}, c.args...)...)
		if r.code != c.code || !strings.Contains(r.stderr, c.msg) || r.stdout != "" {
			t.Errorf("cut %q: exit %d, stderr %q, stdout %q; want exit %d and %q", c.args, r.code, r.stderr, r.stdout, c.code, c.msg)
		}
		if names := dirNames(t, dir); len(names) != 1 {
			t.Errorf("cut %q left %q behind", c.args, names)
		}
	}
	if digest(t, in) != before {
		t.Error("the input changed")
	}
	// --to past the end stops at the end, as sox's trim and ffmpeg's -to
	// do, with a warning; the range says so.
	r := runCLI(t, "cut", "--json", "--from", "0.5", "--to", "2:00", in, out)
	j := outputJSONOf(t, r)
	if r.code != 0 || !strings.Contains(r.stderr, "past the end") || !strings.Contains(r.stderr, "stopping at the end") ||
		j.Range == nil || !j.Range.Clamped || j.Range.FromFrame != 500 || j.Range.ToFrame != 1000 || j.Output.Frames != 500 {
		t.Errorf("cut --to past the end: exit %d, stderr %q, %+v", r.code, r.stderr, j.Range)
	}
	if r := runCLI(t, "cut", "-q", "--to", "2:00", in, out); r.code != 0 || r.stderr != "" {
		t.Errorf("cut -q --to past the end: exit %d, stderr %q (want the warning silenced)", r.code, r.stderr)
	}
	os.Remove(out)
	// An existing output is replaced only by a complete file: a failed
	// cut leaves it as it was.
	if err := os.WriteFile(out, []byte("keep me"), 0o666); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, "cut", "--from", "5", in, out); r.code != 1 {
		t.Errorf("cut from past the end over an existing file: exit %d", r.code)
	}
	if b, _ := os.ReadFile(out); string(b) != "keep me" {
		t.Errorf("a failed cut changed the existing output to %d bytes", len(b))
	}
}
