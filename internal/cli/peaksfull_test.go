package cli

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
)

// fullPeaksJSON is what 'peaks --precision full' writes.
type fullPeaksJSON struct {
	Version, Channels, Bits, Length int
	SampleRate                      int `json:"sample_rate"`
	SamplesPerPixel                 int `json:"samples_per_pixel"`
	Precision                       string
	Data                            []float64
}

// TestPeaksFullPrecision: --precision full gives each pixel's minimum and
// maximum in the source's own resolution (24-bit integers, floats), equal
// to the samples'; for a 16-bit file the values are audiowaveform's.
func TestPeaksFullPrecision(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		typ   string
		ch    int
		bits  int
		float bool
	}{{"s24", 2, 24, false}, {"f32", 1, 32, true}, {"s16", 3, 16, false}, {"s32", 1, 32, false}, {"u8", 1, 8, false}} {
		in := filepath.Join(dir, tc.typ+".wav")
		mustRun(t, "gen", "--seconds", "3", "--rate", "8000", "--channels", itoa(int64(tc.ch)), "--type", tc.typ, "--signal", "noise", in)
		out := filepath.Join(dir, tc.typ+".json")
		args := []string{"peaks", "-q", "--precision", "full", "-z", "100", in, out}
		if tc.ch > 1 {
			args = append(args, "--split-channels")
		}
		mustRun(t, args...)
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		var got fullPeaksJSON
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%s: %v", tc.typ, err)
		}
		if got.Version != 2 || got.Channels != tc.ch || got.Bits != tc.bits || got.Precision != "full" || got.Length != 240 || got.SamplesPerPixel != 100 || len(got.Data) != 2*240*tc.ch {
			t.Fatalf("%s: version %d, %d channels, %d bits, %q, %d pixels of %d, %d values", tc.typ, got.Version, got.Channels, got.Bits, got.Precision, got.Length, got.SamplesPerPixel, len(got.Data))
		}
		f, err := wavemap.Open(in, wavemap.ReadOnly, nil)
		if err != nil {
			t.Fatal(err)
		}
		v := decodeAll(t, f)
		f.Close()
		scale := 1.0
		if !tc.float {
			scale = math.Ldexp(1, tc.bits-1)
		}
		for k := range 240 {
			for c := range tc.ch {
				lo, hi := math.Inf(1), math.Inf(-1)
				for i := k * 100; i < (k+1)*100; i++ {
					lo, hi = min(lo, v[i*tc.ch+c]*scale), max(hi, v[i*tc.ch+c]*scale)
				}
				if !tc.float {
					lo, hi = math.Round(lo), math.Round(hi)
				} else {
					lo, hi = float64(float32(lo)), float64(float32(hi))
				}
				g := slices.Clone(got.Data[(k*tc.ch+c)*2 : (k*tc.ch+c)*2+2])
				if tc.float { // written as the shortest float32 text
					g[0], g[1] = float64(float32(g[0])), float64(float32(g[1]))
				}
				if g[0] != lo || g[1] != hi {
					t.Fatalf("%s: pixel %d channel %d: [%v, %v], want [%v, %v]", tc.typ, k, c, g[0], g[1], lo, hi)
				}
			}
		}
		if tc.typ == "s16" { // the same numbers as audiowaveform's
			std := filepath.Join(dir, "std.json")
			mustRun(t, "peaks", "-q", "-z", "100", "--split-channels", in, std)
			var j struct{ Data []float64 }
			b, _ := os.ReadFile(std)
			json.Unmarshal(b, &j)
			if !slices.Equal(j.Data, got.Data) {
				t.Errorf("s16 full precision differs from the 16-bit data")
			}
		}
	}
	in := filepath.Join(dir, "s24.wav")
	for _, args := range [][]string{
		{"--precision", "full", in, filepath.Join(dir, "a.dat")},
		{"--precision", "full", in, filepath.Join(dir, "a.json")}, // two channels, no --split-channels
		{"--precision", "half", "--split-channels", in, filepath.Join(dir, "a.json")},
	} {
		if r := runCLI(t, append([]string{"peaks"}, args...)...); r.code != exitUsage || !strings.Contains(r.stderr, "precision") {
			t.Errorf("peaks %q: exit %d %s", args, r.code, r.stderr)
		}
	}
}

// TestPeaksManyChannels: any channel count is taken; above 24 (peaks.js's
// most) a warning says so.
func TestPeaksManyChannels(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "many.wav")
	mustRun(t, "gen", "--seconds", "1", "--rate", "8000", "--channels", "30", in)
	out := filepath.Join(dir, "many.dat")
	r := mustRun(t, "peaks", "-z", "80", "--split-channels", in, out)
	if !strings.Contains(r.stderr, "30 channels; peaks.js draws at most 24") {
		t.Errorf("no warning: %s", r.stderr)
	}
	b, _ := os.ReadFile(out)
	if len(b) < 24 || binary.LittleEndian.Uint32(b) != 2 || binary.LittleEndian.Uint32(b[20:]) != 30 || len(b) != 24+100*30*2*2 {
		t.Errorf(".dat of 30 channels: %d bytes", len(b))
	}
}

// decodeAll returns f's samples decoded by Convert.
func decodeAll(t *testing.T, f *wavemap.File) []float64 {
	t.Helper()
	var v []float64
	var err error
	dec := func(n int) { v = make([]float64, n) }
	switch f.Format().Encoding {
	case wavemap.EncodingUint8:
		var s []uint8
		if s, err = wavemap.Samples[uint8](f); err == nil {
			dec(len(s))
			wavemap.Convert(v, s)
		}
	case wavemap.EncodingInt16:
		var s []int16
		if s, err = wavemap.Samples[int16](f); err == nil {
			dec(len(s))
			wavemap.Convert(v, s)
		}
	case wavemap.EncodingInt24:
		var s []wavemap.Int24
		if s, err = wavemap.Samples[wavemap.Int24](f); err == nil {
			dec(len(s))
			wavemap.Convert(v, s)
		}
	case wavemap.EncodingInt32:
		var s []int32
		if s, err = wavemap.Samples[int32](f); err == nil {
			dec(len(s))
			wavemap.Convert(v, s)
		}
	case wavemap.EncodingFloat32:
		var s []float32
		if s, err = wavemap.Samples[float32](f); err == nil {
			dec(len(s))
			wavemap.Convert(v, s)
		}
	default:
		t.Fatalf("decodeAll: %v", f.Format().Encoding)
	}
	if err != nil {
		t.Fatal(err)
	}
	return v
}
