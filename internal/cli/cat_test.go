package cli

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wavemap/wavemap/internal/wavtest"
)

// TestCat joins a gen file, a sox file and an ffmpeg file (with a LIST
// chunk) and compares the result with sox's own concatenation.
func TestCat(t *testing.T) {
	wavtest.Need(t, "sox")
	wavtest.Need(t, "ffmpeg")
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a.wav"), filepath.Join(dir, "b.wav"), filepath.Join(dir, "c.wav")
	out := filepath.Join(dir, "out.wav")
	mustRun(t, "gen", "--signal", "noise", "--type", "s16", "--channels", "2", "--rate", "44100", "--frames", "1001", a)
	wavtest.Run(t, "sox", "-r", "44100", "-c", "2", "-n", "-b", "16", "-e", "signed-integer", b, "synth", "2205s", "sine", "300", "sine", "500")
	wavtest.Run(t, "ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "anoisesrc=d=0.02:r=44100", "-ac", "2",
		"-c:a", "pcm_s16le", "-metadata", "title=third", c)

	var total int64
	for _, in := range []string{a, b, c} {
		n, err := strconv.ParseInt(strings.TrimSpace(string(wavtest.Run(t, "sox", "--i", "-s", in))), 10, 64)
		if err != nil || n <= 0 {
			t.Fatalf("soxi -s %s: %d, %v", in, n, err)
		}
		total += n
	}
	r := mustRun(t, "cat", "--json", a, b, c, out)
	j := outputJSONOf(t, r)
	if o := j.Output; o.Frames != total || o.Format.Encoding != "s16" || o.Format.Channels != 2 || o.Format.SampleRate != 44100 || len(j.Inputs) != 3 || j.Inputs[2].File != c {
		t.Errorf("cat --json: %+v", j)
	}
	want := wavtest.Run(t, "sox", a, b, c, "-t", "raw", "-") // sox concatenates its inputs
	got := wavtest.Run(t, "sox", out, "-t", "raw", "-")
	sameBytes(t, "cat decoded by sox", got, want)
	if n := strings.TrimSpace(string(wavtest.Run(t, "sox", "--i", "-s", out))); n != strconv.FormatInt(total, 10) {
		t.Errorf("soxi -s of the joined file: %s, want %d", n, total)
	}

	// One input is a copy.
	one := filepath.Join(dir, "one.wav")
	mustRun(t, "cat", b, one)
	sameBytes(t, "cat of one file", wavtest.Run(t, "sox", one, "-t", "raw", "-"), wavtest.Run(t, "sox", b, "-t", "raw", "-"))
}

func TestCatErrors(t *testing.T) {
	dir := t.TempDir()
	a, b, out := filepath.Join(dir, "a.wav"), filepath.Join(dir, "b.wav"), filepath.Join(dir, "out.wav")
	mustRun(t, "gen", "--type", "s16", "--channels", "2", "--rate", "44100", "--frames", "100", a)
	hashA := digest(t, a)
	for _, c := range []struct {
		name  string
		gen   []string // how b is made
		args  []string
		code  int
		msgs  []string
		files int // entries expected in dir afterwards
	}{
		{"rate", []string{"--rate", "48000"}, []string{a, b, out}, 1, []string{b, "48000", "44100"}, 2},
		{"channels", []string{"--channels", "1"}, []string{a, b, out}, 1, []string{b, "1ch", "2ch"}, 2},
		{"encoding", []string{"--type", "s24"}, []string{a, b, out}, 1, []string{b, "s24", "s16"}, 2},
		{"output is an input", nil, []string{a, b, a}, 1, []string{"same file"}, 2},
		{"no output", nil, []string{a}, 2, []string{"output"}, 2},
	} {
		args := append([]string{"gen", "--type", "s16", "--channels", "2", "--rate", "44100", "--frames", "50"}, c.gen...)
		mustRun(t, append(args, b)...)
		r := runCLI(t, append([]string{"cat"}, c.args...)...)
		if r.code != c.code || r.stdout != "" {
			t.Errorf("%s: exit %d, stdout %q, want exit %d", c.name, r.code, r.stdout, c.code)
		}
		for _, m := range c.msgs {
			if !strings.Contains(r.stderr, m) {
				t.Errorf("%s: error %q lacks %q", c.name, r.stderr, m)
			}
		}
		if n := dirNames(t, dir); len(n) != c.files {
			t.Errorf("%s: directory holds %q", c.name, n)
		}
	}
	if digest(t, a) != hashA {
		t.Error("a failed cat changed an input")
	}
}
