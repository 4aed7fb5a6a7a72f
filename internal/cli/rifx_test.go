package cli

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wavemap/wavemap/internal/wavtest"
)

// Every command on RIFX (big-endian RIFF) files that sox -B writes.

// soxPair writes the same audio with sox as RIFX (be) and as RIFF (le):
// 0.3 s of stereo at 8 kHz in the encoding of args.
func soxPair(t *testing.T, dir, name string, args ...string) (be, le string) {
	t.Helper()
	be, le = filepath.Join(dir, name+"-be.wav"), filepath.Join(dir, name+"-le.wav")
	a := append([]string{"-V1", "-n", "-B", "-r", "8000", "-c", "2"}, args...)
	a = append(a, be, "synth", "0.3", "sine", "300", "sine", "1234", "gain", "-1")
	wavtest.Run(t, "sox", a...)
	wavtest.Run(t, "sox", "-V1", be, "-L", le)
	if b, _ := os.ReadFile(be); !bytes.HasPrefix(b, []byte("RIFX")) {
		t.Fatal("sox -B did not write RIFX")
	}
	return be, le
}

// jsonWithout decodes a JSON object and drops the given keys.
func jsonWithout(t *testing.T, s string, keys ...string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	for _, k := range keys {
		delete(m, k)
	}
	return m
}

func same(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if !bytes.Equal(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

// closeTo fails at the first sample further than tol from want.
func closeTo(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d samples, want %d", what, len(got), len(want))
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > tol {
			t.Fatalf("%s: sample %d = %v, want %v", what, i, got[i], want[i])
		}
	}
}

func TestRIFXInfoStatsCheckPlot(t *testing.T) {
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	for _, c := range []struct {
		name, enc string
		args      []string
	}{
		{"s16", "s16be", []string{"-e", "signed-integer", "-b", "16"}},
		{"s24", "s24be", []string{"-e", "signed-integer", "-b", "24"}},
		{"f32", "f32be", []string{"-e", "floating-point", "-b", "32"}},
		{"u8", "u8", []string{"-e", "unsigned-integer", "-b", "8"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			be, le := soxPair(t, dir, c.name, c.args...)
			hash := wavtest.HashFile(t, be)
			info := jsonWithout(t, mustRun(t, "info", "--json", be).stdout)
			if fm := info["format"].(map[string]any); fm["container"] != "RIFX" || fm["encoding"] != c.enc {
				t.Errorf("info: format %v", fm)
			}
			if txt := mustRun(t, "info", be).stdout; !strings.Contains(txt, "RIFX") || !strings.Contains(txt, c.enc) {
				t.Errorf("info text:\n%s", txt)
			}
			same(t, "stats RIFX vs RIFF", jsonWithout(t, mustRun(t, "stats", "--json", be).stdout, "file", "format"),
				jsonWithout(t, mustRun(t, "stats", "--json", le).stdout, "file", "format"))
			if r := runCLI(t, "check", "--data", be); r.code != 0 {
				t.Errorf("check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			// The same name in two folders, so that the titles agree.
			pb, pl := filepath.Join(dir, c.name+"-be.png"), filepath.Join(dir, c.name+"-le.png")
			for _, p := range [][2]string{{be, pb}, {le, pl}} {
				sub := t.TempDir()
				copyFile(t, filepath.Join(sub, "take.wav"), p[0])
				t.Chdir(sub)
				mustRun(t, "plot", "take.wav", p[1])
			}
			if a, b := wavtest.HashFile(t, pb), wavtest.HashFile(t, pl); a != b {
				t.Error("the plot of the RIFX file differs from that of the same audio in RIFF")
			}
			if wavtest.HashFile(t, be) != hash {
				t.Error("info, stats, check or plot changed the file")
			}
		})
	}
}

func TestRIFXGainNormalize(t *testing.T) {
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	be, _ := soxPair(t, dir, "g", "-e", "signed-integer", "-b", "16")
	ref := filepath.Join(dir, "ref.wav")
	wavtest.Run(t, "sox", "-V1", "-D", be, ref, "vol", "0.5")
	mustRun(t, "gain", "--factor", "0.5", "--no-journal", be)
	closeTo(t, "gain 0.5 vs sox vol 0.5", wavtest.SoxFloat64(t, be), wavtest.SoxFloat64(t, ref), 1.0/32768)
	if b, _ := os.ReadFile(be); !bytes.HasPrefix(b, []byte("RIFX")) {
		t.Error("gain changed the container")
	}
	mustRun(t, "normalize", "--peak", "-3", be)
	var st struct {
		Channels []struct {
			PeakDB float64 `json:"peak_dbfs"`
		} `json:"channels"`
	}
	if err := json.Unmarshal([]byte(mustRun(t, "stats", "--json", be).stdout), &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Channels) != 2 || math.Abs(max(st.Channels[0].PeakDB, st.Channels[1].PeakDB)+3) > 0.001 {
		t.Errorf("normalized to -3 dBFS: %+v", st)
	}
}

// TestRIFXConvertMetadata: the chunks of a RIFX file, whose fields are
// big-endian, are left out of a little-endian conversion, with a note,
// and kept in a RIFX one.
func TestRIFXConvertMetadata(t *testing.T) {
	dir := t.TempDir()
	be := filepath.Join(dir, "in.wav")
	info := wavtest.ChunkBE("LIST", wavtest.Cat([]byte("INFO"), wavtest.ChunkBE("ICMT", []byte("hello\x00"))))
	if err := os.WriteFile(be, wavtest.RIFX(wavtest.ChunkBE("fmt ", wavtest.FmtPCMBE(1, 1, 8000, 16, 2)), info, wavtest.ChunkBE("data", wavtest.S16BE(1, 2, 3))), 0o666); err != nil {
		t.Fatal(err)
	}
	if r := mustRun(t, "info", be); !strings.Contains(r.stdout, "hello") {
		t.Errorf("info does not show the RIFX INFO tag:\n%s", r.stdout)
	}
	out := filepath.Join(dir, "out.wav")
	r := mustRun(t, "convert", "--to", "s16", be, out)
	if !strings.Contains(r.stderr, "left out") {
		t.Errorf("no note on the chunks left out: %q", r.stderr)
	}
	if b, _ := os.ReadFile(out); bytes.Contains(b, []byte("hello")) {
		t.Error("the RIFX chunks went into the little-endian file")
	}
	mustRun(t, "convert", "--to", "f32be", be, out)
	if b, _ := os.ReadFile(out); !bytes.Contains(b, []byte("hello")) {
		t.Error("the chunks did not go into the RIFX file")
	}
}

func TestRIFXConvertCutCat(t *testing.T) {
	wavtest.Need(t, "sox")
	wavtest.Need(t, "ffmpeg")
	dir := t.TempDir()
	be, _ := soxPair(t, dir, "c", "-e", "signed-integer", "-b", "24")
	src := wavtest.SoxFloat64(t, be)

	// convert: to little-endian RIFF by default, --to keeps its meaning.
	out := filepath.Join(dir, "out.wav")
	mustRun(t, "convert", "--to", "s24", be, out)
	if b, _ := os.ReadFile(out); !bytes.HasPrefix(b, []byte("RIFF")) {
		t.Fatal("convert --to s24 of RIFX did not write RIFF")
	}
	closeTo(t, "convert --to s24, sox", wavtest.SoxFloat64(t, out), src, 0)
	closeTo(t, "convert --to s24, ffmpeg", wavtest.FFmpegFloat64(t, out), src, 0)
	mustRun(t, "convert", "--to", "f32", be, out)
	closeTo(t, "convert --to f32, ffmpeg", wavtest.FFmpegFloat64(t, out), src, 0)
	for _, args := range [][]string{{"--to", "s16be"}, {"--to", "s16", "--container", "rifx"}} {
		mustRun(t, append(append([]string{"convert"}, args...), be, out)...)
		info := jsonWithout(t, mustRun(t, "info", "--json", out).stdout)
		if info["format"].(map[string]any)["container"] != "RIFX" || info["format"].(map[string]any)["encoding"] != "s16be" {
			t.Errorf("convert %v: %v %v", args, info["format"].(map[string]any)["container"], info["format"].(map[string]any)["encoding"])
		}
		closeTo(t, "convert to s16be, sox", wavtest.SoxFloat64(t, out), src, 1.0/32768)
	}
	// A RIFX file back to RIFX: the same bytes.
	mustRun(t, "convert", "--to", "s24be", be, out)
	if !bytes.Equal(audioOf(t, out), audioOf(t, be)) {
		t.Error("convert --to s24be of an s24be file changed the audio")
	}
	// A little-endian encoding into an explicit RIFF: refused? No, converted.
	mustRun(t, "convert", "--to", "s24", "--container", "riff", be, out)

	// cut keeps RIFX and the bytes.
	cut := filepath.Join(dir, "cut.wav")
	mustRun(t, "cut", "--from", "800s", "--to", "1600s", be, cut)
	if info := jsonWithout(t, mustRun(t, "info", "--json", cut).stdout); info["format"].(map[string]any)["container"] != "RIFX" || info["format"].(map[string]any)["encoding"] != "s24be" {
		t.Errorf("cut: %v %v", info["format"].(map[string]any)["container"], info["format"].(map[string]any)["encoding"])
	}
	closeTo(t, "cut", wavtest.SoxFloat64(t, cut), src[800*2:1600*2], 0)

	// cat of two RIFX inputs.
	cat := filepath.Join(dir, "cat.wav")
	mustRun(t, "cat", be, cut, cat)
	closeTo(t, "cat", wavtest.SoxFloat64(t, cat), append(append([]float64(nil), src...), src[800*2:1600*2]...), 0)
	if info := jsonWithout(t, mustRun(t, "info", "--json", cat).stdout); info["format"].(map[string]any)["container"] != "RIFX" {
		t.Errorf("cat: %v", info["format"].(map[string]any)["container"])
	}
}

// audioOf returns the audio bytes of a file, as sox's raw output of its
// own byte order gives them.
func audioOf(t *testing.T, path string) []byte {
	t.Helper()
	raw := filepath.Join(t.TempDir(), "x.raw")
	mustRun(t, "raw", "--extract", path, raw)
	b, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRIFXFixRawGen(t *testing.T) {
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	be, _ := soxPair(t, dir, "f", "-e", "signed-integer", "-b", "16")
	src := wavtest.SoxFloat64(t, be)
	// raw --extract gives the big-endian bytes as they are.
	b, err := os.ReadFile(be)
	if err != nil {
		t.Fatal(err)
	}
	if got := audioOf(t, be); !bytes.Equal(got, b[len(b)-len(got):]) || len(got) != len(src)*2 {
		t.Errorf("raw --extract: %d bytes", len(got))
	}
	// fix: a data size of 0 and a wrong RIFX size (a killed recorder).
	i := bytes.Index(b, []byte("data"))
	copy(b[i+4:], wavtest.BE32(0))
	copy(b[4:], wavtest.BE32(100))
	if err := os.WriteFile(be, b, 0o666); err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, "fix", be)
	if !strings.Contains(r.stdout, "RIFX size") {
		t.Errorf("fix:\n%s", r.stdout)
	}
	if r := runCLI(t, "check", be); r.code != 0 {
		t.Errorf("check after fix: exit %d\n%s", r.code, r.stdout)
	}
	closeTo(t, "after fix", wavtest.SoxFloat64(t, be), src, 0)
	// raw wraps big-endian raw samples into RIFX.
	raw := filepath.Join(dir, "in.raw")
	if err := os.WriteFile(raw, audioOf(t, be), 0o666); err != nil {
		t.Fatal(err)
	}
	wrapped := filepath.Join(dir, "wrapped.wav")
	mustRun(t, "raw", "--type", "s16be", "--channels", "2", "--rate", "8000", raw, wrapped)
	closeTo(t, "raw --type s16be", wavtest.SoxFloat64(t, wrapped), src, 0)
	// gen writes RIFX on request.
	gen := filepath.Join(dir, "gen.wav")
	mustRun(t, "gen", "--type", "s24", "--container", "rifx", "--frames", "1000", gen)
	if info := jsonWithout(t, mustRun(t, "info", "--json", gen).stdout); info["format"].(map[string]any)["container"] != "RIFX" || info["format"].(map[string]any)["encoding"] != "s24be" {
		t.Errorf("gen: %v %v", info["format"].(map[string]any)["container"], info["format"].(map[string]any)["encoding"])
	}
	if n := len(wavtest.SoxFloat64(t, gen)); n != 2000 {
		t.Errorf("sox reads %d samples of the generated file", n)
	}
}
