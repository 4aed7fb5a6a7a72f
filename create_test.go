package wavemap_test

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// fillPattern writes a deterministic signal over the whole float range
// (including both extremes) into f, through float64 and Convert.
func fillPattern(t testing.TB, f *wavemap.File) []float64 {
	t.Helper()
	n := int(f.Frames()) * f.Format().Channels
	v := make([]float64, n)
	for k := range v {
		v[k] = math.Sin(float64(k)*0.37) * (1 - 1.0/(1+float64(k%5)))
	}
	if n > 2 {
		v[0], v[1] = -1, 0
	}
	switch f.Format().Encoding {
	case wavemap.EncodingUint8:
		fillFrom[uint8](t, f, v)
	case wavemap.EncodingInt16:
		fillFrom[int16](t, f, v)
	case wavemap.EncodingInt24:
		fillFrom[wavemap.Int24](t, f, v)
	case wavemap.EncodingInt32:
		fillFrom[int32](t, f, v)
	case wavemap.EncodingFloat32:
		fillFrom[float32](t, f, v)
	case wavemap.EncodingFloat64:
		fillFrom[float64](t, f, v)
	case wavemap.EncodingALaw:
		fillFrom[wavemap.ALaw](t, f, v)
	case wavemap.EncodingMuLaw:
		fillFrom[wavemap.MuLaw](t, f, v)
	}
	return asFloat64(t, f) // what the file now holds, after quantisation
}

func fillFrom[T wavemap.Sample](t testing.TB, f *wavemap.File, v []float64) {
	s, err := wavemap.Samples[T](f)
	if err != nil {
		t.Fatal(err)
	}
	wavemap.Convert(s, v)
}

// TestCreateReadBySox creates files in every encoding and checks that sox
// and ffmpeg decode the samples we wrote, and that the data is aligned.
func TestCreateReadBySox(t *testing.T) {
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	for _, e := range soxEncodings {
		for _, ch := range []int{1, 2, 6} {
			name := fmt.Sprintf("%s-%dch", e.enc, ch)
			t.Run(name, func(t *testing.T) {
				path := filepath.Join(dir, name+".wav")
				format := wavemap.Format{Encoding: e.enc, Channels: ch, SampleRate: 22050}
				f, err := wavemap.Create(path, format, 1001, nil)
				if err != nil {
					t.Fatal(err)
				}
				if off := f.Header().DataOffset; off%16 != 0 {
					t.Errorf("data starts at %d, not a multiple of 16", off)
				}
				want := fillPattern(t, f)
				if err := f.Flush(); err != nil {
					t.Fatal(err)
				}
				if err := f.Close(); err != nil {
					t.Fatal(err)
				}
				compare(t, name+" via sox", wavtest.SoxFloat64(t, path), want, e.tol)
				if e.enc != wavemap.EncodingUint8 || true {
					compare(t, name+" via ffmpeg", wavtest.FFmpegFloat64(t, path), want, 1.0/(1<<30))
				}
				info := string(wavtest.Run(t, "sox", "--i", path))
				if !strings.Contains(info, "22050") || !strings.Contains(info, "1001 samples") {
					t.Errorf("soxi disagrees on rate or length:\n%s", info)
				}
				// And it opens again with the same format, without warnings.
				g, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Strict: true})
				if err != nil {
					t.Fatal(err)
				}
				defer g.Close()
				if g.Format() != format || g.Frames() != 1001 {
					t.Errorf("reopened as %v, %d frames", g.Format(), g.Frames())
				}
			})
		}
	}
}

func TestCreateSilenceAndOddSize(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		enc  wavemap.Encoding
		byte byte
	}{{wavemap.EncodingUint8, 0x80}, {wavemap.EncodingALaw, 0xD5}, {wavemap.EncodingMuLaw, 0xFF}, {wavemap.EncodingInt16, 0}} {
		path := filepath.Join(dir, c.enc.String()+".wav")
		f, err := wavemap.Create(path, wavemap.Format{Encoding: c.enc, Channels: 1, SampleRate: 8000}, 333, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range f.Bytes() {
			if b != c.byte {
				t.Fatalf("%s: byte %d of new data is %#x, want silence %#x", c.enc, i, b, c.byte)
			}
		}
		off := f.Header().DataOffset
		f.Close()
		st, _ := os.Stat(path)
		want := off + 333*int64(c.enc.Size())
		want += want & 1 // odd data size gets its pad byte
		if st.Size() != want {
			t.Errorf("%s: file is %d bytes, want %d", c.enc, st.Size(), want)
		}
		if _, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Strict: true}); err != nil {
			t.Errorf("%s: %v", c.enc, err)
		}
	}
}

func TestCreateOptions(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.wav")
	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 1, SampleRate: 8000}
	f, err := wavemap.Create(path, format, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := wavemap.Create(path, format, 10, &wavemap.Options{NoClobber: true}); !errors.Is(err, fs.ErrExist) {
		t.Errorf("NoClobber on an existing file: %v", err)
	}
	// Overwriting is the default.
	f, err = wavemap.Create(path, format, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.Frames() != 0 || len(f.Bytes()) != 0 {
		t.Errorf("empty file: %d frames", f.Frames())
	}
	f.Close()
	for _, bad := range []wavemap.Format{
		{Encoding: 0, Channels: 1, SampleRate: 8000},
		{Encoding: wavemap.EncodingInt16, Channels: 0, SampleRate: 8000},
		{Encoding: wavemap.EncodingInt16, Channels: 1, SampleRate: 0},
		{Encoding: wavemap.EncodingInt16, Channels: 1, SampleRate: 8000, ValidBits: 17},
		{Encoding: wavemap.EncodingFloat32, Channels: 1, SampleRate: 8000, ValidBits: 20},
	} {
		if _, err := wavemap.Create(filepath.Join(dir, "bad.wav"), bad, 1, nil); !errors.Is(err, wavemap.ErrArgument) {
			t.Errorf("Create(%+v): %v, want ErrArgument", bad, err)
		}
	}
	if _, err := wavemap.Create(filepath.Join(dir, "neg.wav"), format, -1, nil); err == nil {
		t.Error("negative frame count accepted")
	}
	if _, err := wavemap.Create(filepath.Join(dir, "huge.wav"), format, math.MaxInt64/2+1, nil); !errors.Is(err, wavemap.ErrSizeLimit) {
		t.Errorf("overflowing size: %v", err)
	}
}

// TestCreateValidBitsAndMask writes 20-bit audio in 24-bit containers with
// a channel mask (WAVE_FORMAT_EXTENSIBLE) and reads it back.
func TestCreateValidBitsAndMask(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.wav")
	format := wavemap.Format{Encoding: wavemap.EncodingInt24, Channels: 2, SampleRate: 96000, ValidBits: 20, ChannelMask: 3}
	f, err := wavemap.Create(path, format, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := wavemap.Samples[wavemap.Int24](f)
	for i := range s {
		s[i] = wavemap.Int24From(int32(i*997-100000) << 4) // 20-bit values, low nibble zero
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	g, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if g.Format() != format || !g.Header().Extensible {
		t.Errorf("reopened as %+v (extensible %v)", g.Format(), g.Header().Extensible)
	}
	// sox refuses valid bits below the container size, so ffmpeg is the
	// independent reader here.
	got := wavtest.FFmpegFloat64(t, path)
	if len(got) != len(s) {
		t.Fatalf("ffmpeg decoded %d samples, want %d", len(got), len(s))
	}
	for i, v := range got {
		if want := float64(int32(i*997-100000)<<4) / (1 << 23); v != want {
			t.Fatalf("ffmpeg sample %d = %v, want %v", i, v, want)
		}
	}
	probe := string(wavtest.Run(t, "ffprobe", "-v", "error", "-show_streams", path))
	if !strings.Contains(probe, "sample_rate=96000") || !strings.Contains(probe, "channel_layout=stereo") {
		t.Errorf("ffprobe: %s", probe)
	}
}

func TestCopyToAndCreateFrom(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.wav")
	makeS16(t, src, 500)
	f, err := wavemap.Open(src, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := f.CopyTo(filepath.Join(dir, "part.wav"), 100, 200, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := wavemap.Samples[int16](g)
	if len(s) != 200 || s[0] != int16(200*7-1000) || s[199] != int16(399*7-1000) {
		t.Errorf("CopyTo: %d samples, first %d", len(s), s[0])
	}
	g.Close()
	m, _ := wavemap.FramesOf[int16](f)
	h, err := wavemap.CreateFrom(filepath.Join(dir, "from.wav"), m.Slice(10, 20), 8000, nil)
	if err != nil {
		t.Fatal(err)
	}
	hs, _ := wavemap.FramesOf[int16](h)
	if hs.Len() != 10 || hs.At(0, 1) != m.At(10, 1) {
		t.Error("CreateFrom copied the wrong frames")
	}
	h.Close()
	l, err := wavemap.CreateLike(filepath.Join(dir, "like.wav"), f, -1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l.Frames() != 500 || l.Format() != f.Format() {
		t.Error("CreateLike")
	}
	l.Close()
}
