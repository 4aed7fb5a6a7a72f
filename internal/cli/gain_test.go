package cli

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wavemap/wavemap/internal/wavtest"
)

type gainOut struct {
	File       string   `json:"file"`
	Factor     float64  `json:"factor"`
	DB         *float64 `json:"gain_db"`
	Clipped    int64    `json:"clipped_samples"`
	DryRun     bool     `json:"dry_run"`
	PeakBefore *float64 `json:"peak_before_dbfs"`
	Target     *float64 `json:"target_dbfs"`
	Silent     bool     `json:"silent"`
}

func gainJSONOf(t *testing.T, args ...string) gainOut {
	t.Helper()
	r := mustRun(t, append(args, "--json")...)
	var g gainOut
	if err := json.Unmarshal([]byte(r.stdout), &g); err != nil {
		t.Fatalf("%q: %v\n%s", args, err, r.stdout)
	}
	return g
}

// TestGainDB checks gain --db -6 sample by sample against sox's and
// ffmpeg's decodes of the file before and after: every sample becomes
// x * 10^(-6/20) = x * 0.501187 (about half), rounded.
func TestGainDB(t *testing.T) {
	dir := t.TempDir()
	factor := math.Pow(10, -6.0/20)

	s16 := filepath.Join(dir, "s16.wav")
	mustRun(t, "gen", "--type", "s16", "--signal", "noise", "--amp", "0.95", "--frames", "3000", s16)
	before := decodeS16(t, s16)
	g := gainJSONOf(t, "gain", "--db", "-6", s16)
	after := decodeS16(t, s16)
	if g.Factor != factor || g.DB == nil || math.Abs(*g.DB+6) > 1e-12 || g.Clipped != 0 || g.File != s16 {
		t.Errorf("gain --json: %+v", g)
	}
	if len(after) != len(before) || len(before) != 6000 {
		t.Fatalf("%d samples before, %d after", len(before), len(after))
	}
	for i, x := range before {
		want := float64(x) * factor
		if d := math.Abs(float64(after[i]) - want); d > 0.5+1e-9 {
			t.Fatalf("s16 sample %d: %d -> %d, want %.3f (within rounding)", i, x, after[i], want)
		}
		if d := math.Abs(float64(after[i]) - float64(x)/2); d > 1+math.Abs(float64(x))*(factor-0.5) {
			t.Fatalf("s16 sample %d: %d -> %d is not about half", i, x, after[i])
		}
	}

	// A 24-bit file made by sox, read back at full precision.
	s24 := filepath.Join(dir, "s24.wav")
	wavtest.Run(t, "sox", "-D", "-r", "16000", "-n", "-b", "24", "-c", "2", s24, "synth", "0.1", "sine", "300", "sine", "700", "vol", "0.9")
	b24 := wavtest.SoxFloat64(t, s24)
	mustRun(t, "gain", "-q", "--db", "-6dB", s24)
	a24 := wavtest.SoxFloat64(t, s24)
	if len(b24) != 3200 || len(a24) != len(b24) {
		t.Fatalf("s24: %d samples before, %d after", len(b24), len(a24))
	}
	for i, x := range b24 {
		want := x * (1 << 23) * factor
		if d := math.Abs(a24[i]*(1<<23) - want); d > 0.5+1e-6 {
			t.Fatalf("s24 sample %d: %.0f -> %.0f, want %.3f", i, x*(1<<23), a24[i]*(1<<23), want)
		}
	}
}

// TestGainFactorHalf checks --factor 0.5 exactly: integers round half to
// even, floats halve exactly.
func TestGainFactorHalf(t *testing.T) {
	dir := t.TempDir()
	s16 := filepath.Join(dir, "s16.wav")
	mustRun(t, "gen", "--type", "s16", "--channels", "1", "--signal", "noise", "--amp", "1", "--frames", "4000", s16)
	before := decodeS16(t, s16)
	mustRun(t, "gain", "--factor", "0.5", s16)
	after := decodeS16(t, s16)
	odd := 0
	for i, x := range before {
		if x%2 != 0 {
			odd++
		}
		if want := int16(math.RoundToEven(float64(x) / 2)); after[i] != want {
			t.Fatalf("sample %d: %d -> %d, want %d", i, x, after[i], want)
		}
	}
	if odd == 0 {
		t.Fatal("no odd samples: the rounding was not exercised")
	}

	// A float file made by sox, read with the library before and after.
	f32 := filepath.Join(dir, "f32.wav")
	wavtest.Run(t, "sox", "-r", "8000", "-n", "-e", "floating-point", "-b", "32", "-c", "1", f32, "synth", "0.25", "sine", "440", "vol", "0.9")
	fb := readFloat32(t, f32)
	mustRun(t, "gain", "--factor", "0.5", f32)
	fa := readFloat32(t, f32)
	if len(fb) != 2000 || len(fa) != len(fb) {
		t.Fatalf("f32: %d samples before, %d after", len(fb), len(fa))
	}
	if fb[5] == 0 {
		t.Fatal("the f32 test file is silent")
	}
	for i, x := range fb {
		if fa[i] != x/2 {
			t.Fatalf("f32 sample %d: %v -> %v, want %v", i, x, fa[i], x/2)
		}
	}
}

// TestGainClipping checks the clip count, the dry run and the clipped
// values.
func TestGainClipping(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "loud.wav")
	mustRun(t, "gen", "--type", "s16", "--signal", "noise", "--amp", "0.9", "--frames", "2000", path)
	before := decodeS16(t, path)
	want := int64(0)
	for _, x := range before {
		if y := math.RoundToEven(float64(x) * 2); y > math.MaxInt16 || y < math.MinInt16 {
			want++
		}
	}
	if want < 100 {
		t.Fatalf("only %d samples would clip", want)
	}
	hash := wavtest.HashFile(t, path)
	dry := gainJSONOf(t, "gain", "--dry-run", "--factor", "2", path)
	if wavtest.HashFile(t, path) != hash {
		t.Fatal("--dry-run changed the file")
	}
	if dry.Clipped != want || !dry.DryRun {
		t.Errorf("dry run: %+v, want %d clipped", dry, want)
	}
	r := mustRun(t, "gain", "--dry-run", "--factor", "2", path)
	if !strings.Contains(r.stdout, "would") || wavtest.HashFile(t, path) != hash {
		t.Errorf("dry run text: %q", r.stdout)
	}
	g := gainJSONOf(t, "gain", "--factor", "2", path)
	if g.Clipped != want || g.DryRun {
		t.Errorf("gain: %+v, want %d clipped", g, want)
	}
	after := decodeS16(t, path)
	for i, x := range before {
		y := min(max(math.RoundToEven(float64(x)*2), math.MinInt16), math.MaxInt16)
		if float64(after[i]) != y {
			t.Fatalf("sample %d: %d -> %d, want %v", i, x, after[i], y)
		}
	}
}

// TestNormalize checks the peak after normalize with sox.
func TestNormalize(t *testing.T) {
	dir := t.TempDir()
	s16 := filepath.Join(dir, "quiet.wav")
	mustRun(t, "gen", "--type", "s16", "--amp", "0.25", "--frames", "4800", s16)
	hash := wavtest.HashFile(t, s16)
	dry := gainJSONOf(t, "normalize", "--dry-run", "--peak", "-3dB", s16)
	if wavtest.HashFile(t, s16) != hash || !dry.DryRun || math.Abs(dry.Factor-math.Pow(10, -3.0/20)/0.25) > 1e-3 {
		t.Errorf("normalize --dry-run: %+v", dry)
	}
	g := gainJSONOf(t, "normalize", "--peak", "-3dB", s16)
	if g.Factor != dry.Factor {
		t.Errorf("factor %v after a dry run of %v", g.Factor, dry.Factor)
	}
	if g.PeakBefore == nil || math.Abs(*g.PeakBefore-20*math.Log10(0.25)) > 0.01 || g.Target == nil || *g.Target != -3 {
		t.Errorf("normalize --json: %+v", g)
	}
	st := wavtest.SoxStats(t, s16)
	for c, pk := range st["Pk lev dB"] {
		if math.Abs(pk+3) > 0.0051 {
			t.Errorf("channel %d peak after normalize: %.2f dBFS, want -3.00", c+1, pk)
		}
	}

	// A float file made by sox, to the default -1 dBFS.
	f32 := filepath.Join(dir, "f32.wav")
	wavtest.Run(t, "sox", "-r", "8000", "-n", "-e", "floating-point", "-b", "32", "-c", "1", f32, "synth", "0.2", "sine", "100", "vol", "0.1")
	r := mustRun(t, "normalize", f32)
	if !strings.Contains(r.stdout, "-1.00 dBFS") {
		t.Errorf("normalize: %q", r.stdout)
	}
	if pk := wavtest.SoxStats(t, f32)["Pk lev dB"]; len(pk) != 1 || math.Abs(pk[0]+1) > 0.0051 {
		t.Errorf("peak after normalize: %v dBFS, want -1.00", pk)
	}

	silent := filepath.Join(dir, "silent.wav")
	mustRun(t, "gen", "--signal", "silence", "--frames", "100", silent)
	hash = wavtest.HashFile(t, silent)
	if g := gainJSONOf(t, "normalize", silent); !g.Silent || g.Factor != 1 || wavtest.HashFile(t, silent) != hash {
		t.Errorf("normalize of silence: %+v", g)
	}
}

func TestGainBadInput(t *testing.T) {
	for _, b := range badInputs(t) {
		checkRefused(t, b, "gain", "--db", "-6", "@")
		checkRefused(t, b, "gain", "--dry-run", "--factor", "0.5", "@")
		checkRefused(t, b, "normalize", "@")
	}
	ro := filepath.Join(t.TempDir(), "readonly.wav")
	mustRun(t, "gen", "--frames", "1000", ro)
	if err := os.Chmod(ro, 0o444); err != nil {
		t.Fatal(err)
	}
	b := badInput{"read-only file", ro, true}
	checkRefused(t, b, "gain", "--db", "-6", "@")
	checkRefused(t, b, "normalize", "@")
	if r := runCLI(t, "gain", "--db", "-6", ro); !strings.Contains(r.stderr, "read-only") {
		t.Errorf("read-only file: %q", r.stderr)
	}
	// A dry run only reads, so it works on a read-only file.
	hash := wavtest.HashFile(t, ro)
	mustRun(t, "gain", "--dry-run", "--db", "-6", ro)
	if wavtest.HashFile(t, ro) != hash {
		t.Error("dry run changed a read-only file")
	}

	for _, args := range [][]string{
		{"gain", ro}, // neither --db nor --factor
		{"gain", "--db", "-6", "--factor", "0.5", ro}, // both
		{"gain", "--db", "loud", ro},                  // not a number
		{"gain", "--factor", "NaN", ro},               // not finite
		{"gain", "--db", "-6"},                        // no file
		{"normalize", "--peak", "-1dBish", ro},        // not a level
		{"normalize", ro, ro},                         // two files
	} {
		if r := runCLI(t, args...); r.code != 2 {
			t.Errorf("%q: exit %d, want 2 (%s)", args, r.code, r.stderr)
		}
	}
	for _, cmd := range []string{"gain", "normalize"} {
		if r := runCLI(t, cmd, "-h"); r.code != 0 || !strings.Contains(r.stdout, "example") {
			t.Errorf("%s -h: exit %d, %q", cmd, r.code, r.stderr)
		}
	}
}
