package wavemap_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// refGain applies the documented Gain semantics to raw little-endian
// samples, one sample at a time, and returns the new bytes and the number
// of clipped samples.
func refGain(format wavemap.Format, d []byte, factor float64) ([]byte, int64) {
	enc := format.Encoding
	size := enc.Size()
	out := bytes.Clone(d)
	var clipped int64
	for i := 0; i < len(d)/size; i++ {
		o := out[i*size : (i+1)*size]
		switch enc {
		case wavemap.EncodingFloat32:
			y := float32(float64(floatRef(enc, d, i)) * factor)
			if math.Abs(float64(y)) > 1 {
				clipped++
			}
			putFloat(o, float64(y))
		case wavemap.EncodingFloat64:
			y := floatRef(enc, d, i) * factor
			if math.Abs(y) > 1 {
				clipped++
			}
			putFloat(o, y)
		case wavemap.EncodingALaw, wavemap.EncodingMuLaw:
			v := decodeRef(enc, d, i)
			r := math.RoundToEven(float64(v) * factor)
			if r > math.MaxInt16 || r < math.MinInt16 {
				clipped++
				r = max(math.MinInt16, min(math.MaxInt16, r))
			}
			if int64(r) != v { // an unchanged value keeps its code
				if enc == wavemap.EncodingALaw {
					o[0] = byte(wavemap.ALawFrom(int16(r)))
				} else {
					o[0] = byte(wavemap.MuLawFrom(int16(r)))
				}
			}
		default:
			bits := enc.Bits()
			vb := bits
			if format.ValidBits > 0 {
				vb = format.ValidBits
			}
			step := math.Ldexp(1, bits-vb)
			lo, hi := -math.Ldexp(1, vb-1), math.Ldexp(1, vb-1)-1
			r := math.RoundToEven(float64(float64(decodeRef(enc, d, i))*factor) / step)
			if r > hi || r < lo {
				clipped++
				r = max(lo, min(hi, r))
			}
			y := int64(r * step)
			if enc == wavemap.EncodingUint8 {
				y += 128
			}
			for k := range size {
				o[k] = byte(y >> (8 * k))
			}
		}
	}
	return out, clipped
}

func TestGainMatchesReference(t *testing.T) {
	factors := []float64{0.5, 2, -1, 1, 0.3, 1.7, 0, -0.71, 1e-3}
	for _, enc := range allEncodings {
		for _, ch := range []int{1, 2, 3} {
			frames := int64(2001)
			if ch == 2 && (enc == wavemap.EncodingInt16 || enc == wavemap.EncodingFloat32) {
				frames = 70001
			}
			format := wavemap.Format{Encoding: enc, Channels: ch, SampleRate: 8000}
			f, _ := randomFile(t, format, frames, uint64(ch)*7+uint64(enc))
			orig := bytes.Clone(f.Bytes())
			for _, factor := range factors {
				want, wantClipped := refGain(format, orig, factor)
				for _, o := range passOptions {
					copy(f.Bytes(), orig)
					n, err := wavemap.Gain(context.Background(), f, factor, o)
					what := fmt.Sprintf("%s %dch x%v %+v", enc, ch, factor, o)
					if err != nil {
						t.Fatalf("%s: %v", what, err)
					}
					if n != wantClipped {
						t.Errorf("%s: %d clipped, want %d", what, n, wantClipped)
					}
					if got := f.Bytes(); !bytes.Equal(got, want) {
						i := 0
						for got[i] == want[i] {
							i++
						}
						t.Errorf("%s: byte %d is %#x, want %#x", what, i, got[i], want[i])
					}
				}
			}
			f.Close()
		}
	}
}

// TestGainHalfS16 halves every s16 value and checks against the plain
// arithmetic: even values halve exactly, odd ones go to the even neighbour
// of the two nearest.
func TestGainHalfS16(t *testing.T) {
	path := filepath.Join(t.TempDir(), "all.wav")
	f, err := wavemap.Create(path, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 8000}, 1<<15, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, _ := wavemap.Samples[int16](f)
	for i := range s {
		s[i] = int16(i - 32768)
	}
	n, err := wavemap.Gain(context.Background(), f, 0.5, nil)
	if err != nil || n != 0 {
		t.Fatalf("x0.5: %d clipped, %v", n, err)
	}
	for i, y := range s {
		x := i - 32768
		want := x / 2
		if x%2 != 0 {
			lo := (x - 1) / 2
			if x < 0 {
				lo = (x - 1) / 2 // x odd and negative: (x-1)/2 is exact
			}
			want = lo
			if lo%2 != 0 {
				want = lo + 1
			}
		}
		if int(y) != want {
			t.Fatalf("%d x 0.5 = %d, want %d", x, y, want)
		}
	}
	// Doubling the halves again: everything from 16384 up and below
	// -16384 clips (in the original scale), after halving: from 8192 up
	// and below -8192, at 4 x gain.
	for i := range s {
		s[i] = int16(i - 32768)
	}
	n, err = wavemap.Gain(context.Background(), f, 2, &wavemap.PassOptions{Workers: 2, BlockFrames: 999})
	if err != nil || n != 32768 {
		t.Errorf("x2: %d clipped, want 32768 (%v)", n, err)
	}
	if s[0] != -32768 || s[65535] != 32767 || s[32768+100] != 200 || s[32768-16384] != -32768 || s[32768+16383] != 32766 {
		t.Errorf("x2: %d %d %d %d %d", s[0], s[65535], s[32768+100], s[32768-16384], s[32768+16383])
	}
}

func TestGainModes(t *testing.T) {
	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 8000}
	f, path := randomFile(t, format, 70000, 3) // 140000 samples: Gain's table path
	_, wantClipped := refGain(format, f.Bytes(), 3)
	if wantClipped == 0 {
		t.Fatal("test data does not clip at x3")
	}
	f.Close()
	before := wavtest.HashFile(t, path)

	// DryRun counts and changes nothing, in every mode.
	for _, mode := range []wavemap.Mode{wavemap.ReadWrite, wavemap.CopyOnWrite, wavemap.ReadOnly} {
		g, err := wavemap.Open(path, mode, nil)
		if err != nil {
			t.Fatal(err)
		}
		mem := sha256.Sum256(g.Bytes())
		n, err := wavemap.Gain(context.Background(), g, 3, &wavemap.PassOptions{DryRun: true, Workers: 3, BlockFrames: 100})
		if err != nil || n != wantClipped {
			t.Errorf("%s dry run: %d clipped, want %d (%v)", mode, n, wantClipped, err)
		}
		if sha256.Sum256(g.Bytes()) != mem {
			t.Errorf("%s dry run changed the mapping", mode)
		}
		g.Flush()
		g.Close()
		if wavtest.HashFile(t, path) != before {
			t.Fatalf("%s dry run changed the file", mode)
		}
	}

	// ReadOnly refuses and changes nothing.
	g, _ := wavemap.Open(path, wavemap.ReadOnly, nil)
	if n, err := wavemap.Gain(context.Background(), g, 0.5, nil); !errors.Is(err, wavemap.ErrReadOnly) || n != 0 {
		t.Errorf("read-only: %d, %v", n, err)
	}
	g.Close()
	if wavtest.HashFile(t, path) != before {
		t.Fatal("read-only Gain changed the file")
	}

	// CopyOnWrite changes the view, not the file.
	g, _ = wavemap.Open(path, wavemap.CopyOnWrite, nil)
	want, _ := refGain(format, g.Bytes(), 0.5)
	if _, err := wavemap.Gain(context.Background(), g, 0.5, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g.Bytes(), want) {
		t.Error("copy-on-write view does not hold the result")
	}
	g.Flush()
	g.Close()
	if wavtest.HashFile(t, path) != before {
		t.Fatal("copy-on-write Gain changed the file")
	}

	// ReadWrite lands in the file.
	g, _ = wavemap.Open(path, wavemap.ReadWrite, nil)
	if n, err := wavemap.Gain(context.Background(), g, 3, nil); err != nil || n != wantClipped {
		t.Errorf("read-write: %d clipped, want %d (%v)", n, wantClipped, err)
	}
	if err := g.Flush(); err != nil {
		t.Fatal(err)
	}
	want = bytes.Clone(g.Bytes())
	g.Close()
	g, _ = wavemap.Open(path, wavemap.ReadOnly, nil)
	if !bytes.Equal(g.Bytes(), want) {
		t.Error("read-write Gain did not reach the file")
	}

	// Bad factors and closed files.
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, err := wavemap.Gain(context.Background(), g, bad, &wavemap.PassOptions{DryRun: true}); err == nil {
			t.Errorf("factor %v accepted", bad)
		}
	}
	g.Close()
	if _, err := wavemap.Gain(context.Background(), g, 1, nil); !errors.Is(err, wavemap.ErrClosed) {
		t.Errorf("closed: %v", err)
	}
}

// TestGainG711Identity: a factor of 1 keeps every A-law and mu-law code,
// including mu-law's second zero.
func TestGainG711Identity(t *testing.T) {
	for _, enc := range []wavemap.Encoding{wavemap.EncodingALaw, wavemap.EncodingMuLaw} {
		f, err := wavemap.Create(filepath.Join(t.TempDir(), "g.wav"), wavemap.Format{Encoding: enc, Channels: 1, SampleRate: 8000}, 256, nil)
		if err != nil {
			t.Fatal(err)
		}
		d := f.Bytes()
		for i := range d {
			d[i] = byte(i)
		}
		if n, err := wavemap.Gain(context.Background(), f, 1, nil); err != nil || n != 0 {
			t.Errorf("%s: %d, %v", enc, n, err)
		}
		for i := range d {
			if d[i] != byte(i) {
				t.Errorf("%s: code %#x became %#x", enc, i, d[i])
			}
		}
		f.Close()
	}
}

// TestGainValidBits: 12-bit audio in 16-bit containers stays on the
// 12-bit grid and clips at its largest value.
func TestGainValidBits(t *testing.T) {
	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 1, SampleRate: 8000, ValidBits: 12}
	f, err := wavemap.Create(filepath.Join(t.TempDir(), "v12.wav"), format, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, _ := wavemap.Samples[int16](f)
	copy(s, []int16{0x10, 0x30, 0x4000, -0x4000})
	n, err := wavemap.Gain(context.Background(), f, 2.5, nil)
	// 0x10 is 1 step: 2.5 -> 2 steps; 0x30 is 3: 7.5 -> 8; 0x400 steps
	// clip at 0x7FF; -0x400 x 2.5 clips at -0x800.
	if err != nil || n != 2 || s[0] != 0x20 || s[1] != 0x80 || s[2] != 0x7FF0 || s[3] != -0x8000 {
		t.Errorf("%d clipped (%v): %#x", n, err, s)
	}
}
