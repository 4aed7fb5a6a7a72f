package wavemap

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"testing"
)

// transcodeSource is the test signal: a ramp past full scale both ways
// (so that narrowing and float -> int clip), exact extremes and a NaN.
func transcodeSource(channels, frames int) []float64 {
	v := make([]float64, channels*frames)
	for i := range v {
		v[i] = -1.25 + 2.5*float64(i)/float64(len(v)-1)
	}
	v[1], v[2], v[3], v[4] = 1, -1, 0, math.NaN()
	v[5] = 0.99999
	return v
}

// codec is what the test needs of one sample type, without knowing it.
type codec struct {
	enc Encoding
	// make writes the test signal in this encoding to a new file and
	// returns it with the samples written.
	make func(t *testing.T, name string, channels int, v []float64) (*File, any)
	// check verifies dst (of this encoding) against Convert applied to the
	// source samples src, and returns Convert's clip count.
	check func(t *testing.T, dst *File, src any) int
	// toFloat decodes samples of this type (as make returned them) with
	// Convert.
	toFloat func(src any, dst []float64)
}

func codecFor[T Sample]() codec {
	return codec{
		enc: encodingOf[T](),
		make: func(t *testing.T, name string, channels int, v []float64) (*File, any) {
			s := make([]T, len(v))
			Convert(s, v)
			m, err := NewFrames(s, channels)
			if err != nil {
				t.Fatal(err)
			}
			f, err := CreateFrom(name, m, 8000, nil)
			if err != nil {
				t.Fatal(err)
			}
			return f, s
		},
		check: func(t *testing.T, dst *File, src any) int {
			t.Helper()
			got, err := Samples[T](dst)
			if err != nil {
				t.Fatal(err)
			}
			want := make([]T, len(got))
			var clipped int
			switch s := src.(type) {
			case []uint8:
				_, clipped = Convert(want, s)
			case []int16:
				_, clipped = Convert(want, s)
			case []Int24:
				_, clipped = Convert(want, s)
			case []int32:
				_, clipped = Convert(want, s)
			case []float32:
				_, clipped = Convert(want, s)
			case []float64:
				_, clipped = Convert(want, s)
			case []ALaw:
				_, clipped = Convert(want, s)
			case []MuLaw:
				_, clipped = Convert(want, s)
			default:
				t.Fatalf("source %T", src)
			}
			bad := 0
			for i := range want {
				if g, w := got[i], want[i]; g != w && (g == g || w == w) { // NaN matches NaN
					if bad++; bad <= 3 {
						t.Errorf("sample %d: Transcode gives %v, Convert %v", i, g, w)
					}
				}
			}
			return clipped
		},
		toFloat: func(src any, dst []float64) { Convert(dst, src.([]T)) },
	}
}

var allCodecs = []codec{
	codecFor[uint8](), codecFor[int16](), codecFor[Int24](), codecFor[int32](),
	codecFor[float32](), codecFor[float64](), codecFor[ALaw](), codecFor[MuLaw](),
}

func TestTranscodeAllPairs(t *testing.T) {
	const channels, frames = 3, 1001
	dir := t.TempDir()
	v := transcodeSource(channels, frames)
	for _, sc := range allCodecs {
		src, srcSamples := sc.make(t, filepath.Join(dir, "src-"+sc.enc.String()+".wav"), channels, v)
		for _, dc := range allCodecs {
			t.Run(sc.enc.String()+"-to-"+dc.enc.String(), func(t *testing.T) {
				fm := src.Format()
				fm.Encoding = dc.enc
				dst, err := Create(filepath.Join(dir, "dst.wav"), fm, src.Frames(), nil)
				if err != nil {
					t.Fatal(err)
				}
				defer dst.Close()
				var calls, last int64
				opts := &PassOptions{Workers: 3, BlockFrames: 97, Progress: func(done, total int64) {
					calls++
					if done <= last || total != frames {
						t.Errorf("progress %d/%d after %d", done, total, last)
					}
					last = done
				}}
				clipped, err := Transcode(context.Background(), dst, src, opts)
				if err != nil {
					t.Fatal(err)
				}
				want := dc.check(t, dst, srcSamples)
				if clipped != int64(want) {
					t.Errorf("clipped %d, Convert clips %d", clipped, want)
				}
				if last != frames || calls == 0 {
					t.Errorf("progress ended at %d after %d calls", last, calls)
				}
			})
		}
		src.Close()
	}
}

func TestTranscodeClipsFloatToInt(t *testing.T) {
	// An independent count: every sample of the ramp outside [-1, 1) and
	// the NaN clip when written as s16.
	const channels, frames = 2, 500
	v := transcodeSource(channels, frames)
	want := 0
	for _, x := range v {
		if !(x >= -1 && x*32768 <= 32767.5) {
			want++
		}
	}
	dir := t.TempDir()
	src, _ := codecFor[float64]().make(t, filepath.Join(dir, "f.wav"), channels, v)
	defer src.Close()
	dst, err := Create(filepath.Join(dir, "s.wav"), Format{Encoding: EncodingInt16, Channels: channels, SampleRate: 8000}, frames, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	got, err := Transcode(context.Background(), dst, src, nil)
	if err != nil || got != int64(want) || want == 0 {
		t.Errorf("clipped %d, %v; want %d", got, err, want)
	}
	s, _ := Samples[int16](dst)
	if s[0] != math.MinInt16 || s[len(s)-1] != math.MaxInt16 || s[1] != math.MaxInt16 || s[3] != 0 {
		t.Errorf("ends %d %d, 1.0 -> %d, 0 -> %d", s[0], s[len(s)-1], s[1], s[3])
	}
}

func TestTranscodeDryRunAndErrors(t *testing.T) {
	dir := t.TempDir()
	v := transcodeSource(1, 300)
	src, _ := codecFor[float32]().make(t, filepath.Join(dir, "f.wav"), 1, v)
	defer src.Close()
	fm := Format{Encoding: EncodingUint8, Channels: 1, SampleRate: 8000}
	dst, err := Create(filepath.Join(dir, "u.wav"), fm, 300, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	dry, err := Transcode(context.Background(), dst, src, &PassOptions{DryRun: true, BlockFrames: 50})
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range dst.Bytes() {
		if b != 128 {
			t.Fatalf("dry run wrote byte %d = %d", i, b)
		}
	}
	real, err := Transcode(context.Background(), dst, src, nil)
	if err != nil || real != dry || real == 0 {
		t.Errorf("dry run counted %d clips, real run %d (%v)", dry, real, err)
	}

	short, err := Create(filepath.Join(dir, "short.wav"), fm, 299, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer short.Close()
	if _, err := Transcode(context.Background(), short, src, nil); !errors.Is(err, ErrArgument) {
		t.Errorf("frame count mismatch: %v", err)
	}
	stereo, err := Create(filepath.Join(dir, "stereo.wav"), Format{Encoding: EncodingUint8, Channels: 2, SampleRate: 8000}, 300, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stereo.Close()
	if _, err := Transcode(context.Background(), stereo, src, nil); !errors.Is(err, ErrArgument) {
		t.Errorf("channel mismatch: %v", err)
	}
	// A read-only destination: a file made and closed (committed) first,
	// since a created file has no name until Close.
	made, err := Create(filepath.Join(dir, "ro.wav"), fm, 300, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := made.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(filepath.Join(dir, "ro.wav"), ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := Transcode(context.Background(), ro, src, nil); !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only destination: %v", err)
	}
	if _, err := Transcode(context.Background(), nil, src, nil); err == nil {
		t.Error("nil destination accepted")
	}
	closed, _ := codecFor[int16]().make(t, filepath.Join(dir, "c.wav"), 1, v)
	closed.Close()
	if _, err := Transcode(context.Background(), dst, closed, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("closed source: %v", err)
	}
}
