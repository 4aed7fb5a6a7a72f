package wavemap_test

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// asFloat64 returns every sample of f converted with PowerOfTwo scaling.
func asFloat64(t testing.TB, f *wavemap.File) []float64 {
	t.Helper()
	out := make([]float64, f.Frames()*int64(f.Format().Channels))
	var err error
	switch f.Format().Encoding {
	case wavemap.EncodingUint8:
		err = convertAll[uint8](f, out)
	case wavemap.EncodingInt16:
		err = convertAll[int16](f, out)
	case wavemap.EncodingInt24:
		err = convertAll[wavemap.Int24](f, out)
	case wavemap.EncodingInt32:
		err = convertAll[int32](f, out)
	case wavemap.EncodingFloat32:
		err = convertAll[float32](f, out)
	case wavemap.EncodingFloat64:
		err = convertAll[float64](f, out)
	case wavemap.EncodingALaw:
		err = convertAll[wavemap.ALaw](f, out)
	case wavemap.EncodingMuLaw:
		err = convertAll[wavemap.MuLaw](f, out)
	case wavemap.EncodingInt16BE:
		err = convertAll[wavemap.Int16BE](f, out)
	case wavemap.EncodingInt24BE:
		err = convertAll[wavemap.Int24BE](f, out)
	case wavemap.EncodingInt32BE:
		err = convertAll[wavemap.Int32BE](f, out)
	case wavemap.EncodingFloat32BE:
		err = convertAll[wavemap.Float32BE](f, out)
	case wavemap.EncodingFloat64BE:
		err = convertAll[wavemap.Float64BE](f, out)
	default:
		t.Fatalf("no test conversion for %s", f.Format().Encoding)
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func convertAll[T wavemap.Sample](f *wavemap.File, out []float64) error {
	s, err := wavemap.Samples[T](f)
	if err != nil {
		return err
	}
	wavemap.Convert(out, s)
	return nil
}

// compare fails the test at the first sample further than tol from want.
func compare(t testing.TB, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d samples, the reference tool decoded %d", what, len(got), len(want))
	}
	for i := range want {
		if d := math.Abs(got[i] - want[i]); d > tol || math.IsNaN(d) {
			t.Fatalf("%s: sample %d = %.12g, the reference tool says %.12g", what, i, got[i], want[i])
		}
	}
}

// soxEncodings are the sox arguments that make each encoding.
var soxEncodings = []struct {
	enc  wavemap.Encoding
	args []string
	tol  float64 // sox goes through 32-bit integers internally
}{
	{wavemap.EncodingUint8, []string{"-e", "unsigned-integer", "-b", "8"}, 0},
	{wavemap.EncodingInt16, []string{"-e", "signed-integer", "-b", "16"}, 0},
	{wavemap.EncodingInt24, []string{"-e", "signed-integer", "-b", "24"}, 0},
	{wavemap.EncodingInt32, []string{"-e", "signed-integer", "-b", "32"}, 0},
	{wavemap.EncodingFloat32, []string{"-e", "floating-point", "-b", "32"}, 1.0 / (1 << 30)},
	{wavemap.EncodingFloat64, []string{"-e", "floating-point", "-b", "64"}, 1.0 / (1 << 30)},
	{wavemap.EncodingALaw, []string{"-e", "a-law"}, 0},
	{wavemap.EncodingMuLaw, []string{"-e", "mu-law"}, 0},
}

// TestSoxFiles opens files written by sox in every encoding, mono, stereo
// and 6 channels, and compares every sample with sox's own decoding.
func TestSoxFiles(t *testing.T) {
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	for _, e := range soxEncodings {
		for _, ch := range []int{1, 2, 6} {
			name := fmt.Sprintf("%s-%dch", e.enc, ch)
			t.Run(name, func(t *testing.T) {
				path := filepath.Join(dir, name+".wav")
				args := []string{"-V1", "-n", "-r", "8000", "-c", fmt.Sprint(ch)}
				args = append(args, e.args...)
				args = append(args, path, "synth", "0.25", "sine", "300", "sine", "1234", "square", "50", "noise", "sine", "3000", "sawtooth", "77", "gain", "-0.5")
				wavtest.Run(t, "sox", args...)

				f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				fm := f.Format()
				if fm.Encoding != e.enc || fm.Channels != ch || fm.SampleRate != 8000 || f.Frames() != 2000 {
					t.Fatalf("format %v, %d frames; want %s %dch 8000Hz, 2000 frames", fm, f.Frames(), e.enc, ch)
				}
				if len(f.Warnings()) != 0 {
					t.Errorf("warnings on a clean sox file: %v", f.Warnings())
				}
				compare(t, name, asFloat64(t, f), wavtest.SoxFloat64(t, path), e.tol)
			})
		}
	}
}
