package cli

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

type convertOut struct {
	File   string `json:"file"`
	Output struct {
		File   string     `json:"file"`
		Format formatJSON `json:"format"`
		Frames int64      `json:"frames"`
	} `json:"output"`
	Frames  int64 `json:"frames"`
	Clipped int64 `json:"clipped_samples"`
}

// expectConverted computes, from the source values x (ffmpeg's decode, in
// the power-of-two scale every tool here shares), what a file of
// encoding enc must decode to under the library's scaling rules, and how
// many samples clip.
func expectConverted(enc string, x []float64) (want []float64, clipped int64) {
	want = make([]float64, len(x))
	quant := func(v float64, bits int) float64 {
		scale := math.Ldexp(1, bits-1)
		r := math.RoundToEven(v * scale)
		if r > scale-1 || r < -scale {
			clipped++
			r = min(max(r, -scale), scale-1)
		}
		return r
	}
	for i, v := range x {
		switch enc {
		case "u8":
			want[i] = quant(v, 8) / 128
		case "s16":
			want[i] = quant(v, 16) / 32768
		case "s24":
			want[i] = quant(v, 24) / (1 << 23)
		case "s32":
			want[i] = quant(v, 32) / (1 << 31)
		case "f32":
			want[i] = float64(float32(v))
		case "f64":
			want[i] = v
		case "alaw":
			want[i] = float64(wavemap.ALawFrom(int16(quant(v, 16))).Int16()) / 32768
		case "ulaw":
			want[i] = float64(wavemap.MuLawFrom(int16(quant(v, 16))).Int16()) / 32768
		}
	}
	return want, clipped
}

var soxEncoding = map[string]string{
	"u8": "8-bit Unsigned Integer PCM", "s16": "16-bit Signed Integer PCM", "s24": "24-bit Signed Integer PCM",
	"s32": "32-bit Signed Integer PCM", "f32": "32-bit Floating Point PCM", "f64": "64-bit Floating Point PCM",
	"alaw": "8-bit A-law", "ulaw": "8-bit u-law",
}

// TestConvertDecodes converts files made by gen, sox and ffmpeg into every
// encoding and has sox decode the results, or ffmpeg where sox would clip
// or round (floats past full scale).
func TestConvertDecodes(t *testing.T) {
	wavtest.Need(t, "sox")
	wavtest.Need(t, "ffmpeg")
	dir := t.TempDir()
	gen := filepath.Join(dir, "gen-s16.wav")
	mustRun(t, "gen", "--type", "s16", "--signal", "noise", "--amp", "0.95", "--rate", "44100", "--frames", "3000", gen)
	soxFile := filepath.Join(dir, "sox-s24.wav")
	wavtest.Run(t, "sox", "-D", "-r", "22050", "-n", "-b", "24", "-c", "2", soxFile, "synth", "0.05", "sine", "300", "sine", "1700", "vol", "0.99")
	ffFile := filepath.Join(dir, "ff-f32.wav") // peaks at 1.5: clips into integers
	wavtest.Run(t, "ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=700:sample_rate=16000:duration=0.1",
		"-af", "volume=12", "-c:a", "pcm_f32le", "-y", ffFile)

	for _, src := range []string{gen, soxFile, ffFile} {
		_, channels, rate := soxInfo(t, src)
		pastFullScale := strings.Contains(src, "f32")
		decode := wavtest.SoxFloat64
		if pastFullScale {
			decode = wavtest.FFmpegFloat64
		}
		x := decode(t, src)
		if len(x) == 0 {
			t.Fatalf("%s decodes to nothing", src)
		}
		for _, enc := range []string{"u8", "s16", "s24", "s32", "f32", "f64", "alaw", "ulaw"} {
			out := filepath.Join(dir, strings.TrimSuffix(filepath.Base(src), ".wav")+"-to-"+enc+".wav")
			r := mustRun(t, "convert", "--json", "--to", enc, src, out)
			var c convertOut
			if err := json.Unmarshal([]byte(r.stdout), &c); err != nil {
				t.Fatalf("convert --json: %v\n%s", err, r.stdout)
			}
			e, ch, rt := soxInfo(t, out)
			if e != soxEncoding[enc] || ch != channels || rt != rate {
				t.Errorf("%s: sox sees %s %dch %dHz, want %s %dch %dHz", out, e, ch, rt, soxEncoding[enc], channels, rate)
			}
			var got []float64
			if pastFullScale && (enc == "f32" || enc == "f64") {
				got = wavtest.FFmpegFloat64(t, out)
			} else {
				got = wavtest.SoxFloat64(t, out)
			}
			want, clipped := expectConverted(enc, x)
			if len(got) != len(want) || c.Frames != int64(len(x)/channels) {
				t.Fatalf("%s: %d samples (%d frames reported), want %d", out, len(got), c.Frames, len(want))
			}
			if c.Clipped != clipped || c.Output.Format.Encoding != enc || c.File != src || c.Output.File != out || c.Output.Frames != c.Frames {
				t.Errorf("%s: %+v, want %d clipped", out, c, clipped)
			}
			if pastFullScale && enc != "f32" && enc != "f64" && clipped == 0 {
				t.Errorf("%s: the 1.5-peak source clipped nothing", out)
			}
			bad := 0
			for i := range want {
				if got[i] != want[i] && bad < 3 {
					bad++
					t.Errorf("%s sample %d: decodes to %v, want %v (source %v)", out, i, got[i], want[i], x[i])
				}
				// G.711 keeps about 4 bits below the leading one:
				// an error bound that does not trust the library's
				// encoder.
				if enc == "alaw" || enc == "ulaw" {
					v := min(max(x[i], -1), 1) * 32768
					if e := math.Abs(got[i]*32768 - v); e > math.Abs(v)/16+16 && bad < 3 {
						bad++
						t.Errorf("%s sample %d: G.711 error %.0f for %.0f", out, i, e, v)
					}
				}
			}
		}
	}
}

func TestConvertBadInput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.wav")
	// An existing output stays as it was when convert fails, and no
	// temporary file is left behind.
	if err := os.WriteFile(out, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, b := range badInputs(t) {
		checkRefused(t, b, "convert", "--to", "f32", "@", out)
		if got, err := os.ReadFile(out); err != nil || string(got) != "precious" {
			t.Errorf("%s: the existing output became %q (%v)", b.what, got, err)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("temporary files left behind: %q", left)
	}
	os.Remove(out)
	in := filepath.Join(dir, "in.wav")
	mustRun(t, "gen", "--frames", "1000", in)
	hash := wavtest.HashFile(t, in)
	// The output is the input under another name: refused, input intact.
	checkRefused(t, badInput{"output is the input", in, true}, "convert", "--to", "f32", in, filepath.Join(dir, ".", "in.wav"))
	// An output that cannot be created: named in the error.
	checkRefused(t, badInput{"output in a missing directory", filepath.Join(dir, "no", "such", "out.wav"), false},
		"convert", "--to", "f32", in, "@")
	for _, args := range [][]string{
		{"convert", "--to", "s12", in, out},
		{"convert", in, out},
		{"convert", "--to", "f32", in},
		{"convert", "--to", "f32", "--container", "mp3", in, out},
		{"convert", "--to", "f32", "--rate-keep=false", in, out},
	} {
		if r := runCLI(t, args...); r.code != 2 {
			t.Errorf("%q: exit %d, want 2 (%s)", args, r.code, r.stderr)
		}
	}
	if wavtest.HashFile(t, in) != hash {
		t.Error("the input changed")
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("usage errors left %s behind", out)
	}
	// The rate is kept; encoding names are case-insensitive and take
	// ffmpeg's spellings.
	mustRun(t, "convert", "--to", "PCM_U8", in, out)
	if r := mustRun(t, "info", "--json", out); !strings.Contains(r.stdout, `"sample_rate_hz":48000`) || !strings.Contains(r.stdout, `"encoding":"u8"`) {
		t.Errorf("info after convert: %s", r.stdout)
	}
	if r := runCLI(t, "convert", "-h"); r.code != 0 || !strings.Contains(r.stdout, "example") {
		t.Errorf("convert -h: exit %d, %q", r.code, r.stderr)
	}
}

// TestConvertDiskFull checks that a conversion too large for the disk
// fails at once with a message naming the output and the lack of space,
// exit 1, and leaves nothing on the small file system; the same for gen,
// cut and cat.
func TestConvertDiskFull(t *testing.T) {
	small := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", small).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs (%v: %s): not root?", err, bytes.TrimSpace(out))
	}
	defer exec.Command("umount", small).Run()
	in := filepath.Join(t.TempDir(), "in.wav")
	mustRun(t, "gen", "--seconds", "20", in) // 3.8 MB of s16, 7.7 MB as f32
	out := filepath.Join(small, "out.wav")
	r := runCLI(t, "convert", "-q", "--to", "f32", in, out)
	if r.code != 1 || !strings.Contains(r.stderr, "no space") || !strings.Contains(r.stderr, "out.wav") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	// gen, cut and cat (Create) too: an error, not a SIGBUS while writing
	// the samples.
	for _, args := range [][]string{
		{"gen", "--seconds", "60", filepath.Join(small, "gen.wav")},
		{"cut", in, filepath.Join(small, "cut.wav")},
		{"cat", in, in, filepath.Join(small, "cat.wav")},
	} {
		r = runCLI(t, args...)
		if out := filepath.Base(args[len(args)-1]); r.code != 1 || !strings.Contains(r.stderr, "no space") || !strings.Contains(r.stderr, out) {
			t.Errorf("%s on a full disk: exit %d, stderr %q", args[0], r.code, r.stderr)
		}
	}
	if left, _ := os.ReadDir(small); len(left) != 0 {
		t.Errorf("left on the full disk: %v", left)
	}
}
