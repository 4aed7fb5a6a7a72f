package wavemap_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

var allEncodings = []wavemap.Encoding{
	wavemap.EncodingUint8, wavemap.EncodingInt16, wavemap.EncodingInt24, wavemap.EncodingInt32,
	wavemap.EncodingFloat32, wavemap.EncodingFloat64, wavemap.EncodingALaw, wavemap.EncodingMuLaw,
}

// randomFile creates a file of the given format holding random samples:
// for integers, uniformly random codes with a sprinkling of the extreme
// codes; for floats, values in [-1.25, 1.25] with some exactly ±1.
func randomFile(t testing.TB, format wavemap.Format, frames int64, seed uint64) (*wavemap.File, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), fmt.Sprintf("%s-%dch-%d.wav", format.Encoding, format.Channels, seed))
	f, err := wavemap.Create(path, format, frames, nil)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 99))
	d := f.Bytes()
	for i := range d {
		d[i] = byte(rng.Uint32())
	}
	size := format.Encoding.Size()
	for i := 0; i+size <= len(d); i += size {
		switch format.Encoding {
		case wavemap.EncodingFloat32, wavemap.EncodingFloat64:
			v := rng.Float64()*2.5 - 1.25
			if rng.IntN(50) == 0 {
				v = float64(1 - 2*rng.IntN(2))
			}
			putFloat(d[i:i+size], v)
		default:
			if rng.IntN(40) == 0 { // an extreme code: all ones or all zeros after the sign
				for k := range size {
					d[i+k] = 0xFF
				}
				if rng.IntN(2) == 0 {
					for k := range size {
						d[i+k] = 0
					}
				}
				d[i+size-1] ^= 0x80 // most significant byte's top bit: max or min
				if format.Encoding == wavemap.EncodingUint8 {
					d[i] ^= 0x80 // u8 has no sign bit: back to 0 or 255
				}
			}
		}
	}
	return f, path
}

func putFloat(b []byte, v float64) {
	if len(b) == 4 {
		u := math.Float32bits(float32(v))
		b[0], b[1], b[2], b[3] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
		return
	}
	u := math.Float64bits(v)
	for k := range 8 {
		b[k] = byte(u >> (8 * k))
	}
}

// decodeRef decodes sample i of raw little-endian data to its integer
// value (u8 re-centred, G.711 decoded), written independently of the
// library's kernels.
func decodeRef(enc wavemap.Encoding, d []byte, i int) int64 {
	switch enc {
	case wavemap.EncodingUint8:
		return int64(d[i]) - 128
	case wavemap.EncodingInt16:
		return int64(int16(uint16(d[2*i]) | uint16(d[2*i+1])<<8))
	case wavemap.EncodingInt24:
		v := int64(d[3*i]) | int64(d[3*i+1])<<8 | int64(d[3*i+2])<<16
		if v >= 1<<23 {
			v -= 1 << 24
		}
		return v
	case wavemap.EncodingInt32:
		return int64(int32(uint32(d[4*i]) | uint32(d[4*i+1])<<8 | uint32(d[4*i+2])<<16 | uint32(d[4*i+3])<<24))
	case wavemap.EncodingALaw:
		return int64(wavemap.ALaw(d[i]).Int16())
	case wavemap.EncodingMuLaw:
		return int64(wavemap.MuLaw(d[i]).Int16())
	}
	panic("not an integer encoding")
}

func floatRef(enc wavemap.Encoding, d []byte, i int) float64 {
	if enc == wavemap.EncodingFloat32 {
		return float64(math.Float32frombits(uint32(d[4*i]) | uint32(d[4*i+1])<<8 | uint32(d[4*i+2])<<16 | uint32(d[4*i+3])<<24))
	}
	var u uint64
	for k := range 8 {
		u |= uint64(d[8*i+k]) << (8 * k)
	}
	return math.Float64frombits(u)
}

// refStats is the obviously-correct reference: one loop over every
// sample with exact rational sums.
func refStats(format wavemap.Format, d []byte) []wavemap.ChannelStats {
	enc, ch := format.Encoding, format.Channels
	n := len(d) / enc.Size()
	out := make([]wavemap.ChannelStats, ch)
	for c := range ch {
		sum, sq := new(big.Rat), new(big.Rat)
		s := &out[c]
		s.Min, s.Max = math.Inf(1), math.Inf(-1)
		var lo, hi float64
		scale := 1.0
		if !enc.IsFloat() {
			bits := enc.Bits()
			if enc == wavemap.EncodingALaw || enc == wavemap.EncodingMuLaw {
				bits = 16
				lo, hi = math.Inf(1), math.Inf(-1)
				for code := range 256 {
					v := decodeRef(enc, []byte{byte(code)}, 0)
					lo, hi = min(lo, float64(v)), max(hi, float64(v))
				}
			} else {
				lo = -math.Ldexp(1, bits-1)
				hi = math.Ldexp(1, bits-1) - 1
				if vb := format.ValidBits; vb > 0 && vb < bits {
					hi = (math.Ldexp(1, vb-1) - 1) * math.Ldexp(1, bits-vb)
				}
			}
			scale = math.Ldexp(1, bits-1)
		}
		for i := c; i < n; i += ch {
			s.Samples++
			var x float64
			if enc.IsFloat() {
				x = floatRef(enc, d, i)
				if !(math.Abs(x) < 1) {
					s.FullScale++
				}
				sum.Add(sum, new(big.Rat).SetFloat64(x))
				sq.Add(sq, new(big.Rat).SetFloat64(x*x))
			} else {
				v := decodeRef(enc, d, i)
				x = float64(v)
				if x <= lo || x >= hi {
					s.FullScale++
				}
				sum.Add(sum, new(big.Rat).SetInt64(v))
				sq.Add(sq, new(big.Rat).SetInt(new(big.Int).Mul(big.NewInt(v), big.NewInt(v))))
			}
			s.Min, s.Max = min(s.Min, x/scale), max(s.Max, x/scale)
		}
		if s.Samples == 0 {
			*s = wavemap.ChannelStats{}
			continue
		}
		cnt := new(big.Rat).SetInt64(s.Samples)
		dc, _ := sum.Quo(sum, cnt).Float64()
		ms, _ := sq.Quo(sq, cnt).Float64()
		s.DC = dc / scale
		s.RMS = math.Sqrt(ms) / scale
		s.Peak = max(math.Abs(s.Min), math.Abs(s.Max))
	}
	return out
}

// sameStats compares got with want: exactly for integer encodings (both
// round exact sums once), within a relative 1e-9 for floats (whose sums
// are rounded in float64 runs).
func sameStats(t *testing.T, what string, enc wavemap.Encoding, got, want []wavemap.ChannelStats) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d channels, want %d", what, len(got), len(want))
	}
	for c := range got {
		g, w := got[c], want[c]
		if g.Min != w.Min || g.Max != w.Max || g.Peak != w.Peak || g.FullScale != w.FullScale || g.Samples != w.Samples {
			t.Errorf("%s ch %d:\n got %+v\nwant %+v", what, c, g, w)
			continue
		}
		tol := 0.0
		if enc.IsFloat() {
			tol = 1e-9
		}
		if math.Abs(g.DC-w.DC) > tol*w.RMS || math.Abs(g.RMS-w.RMS) > tol*w.RMS {
			t.Errorf("%s ch %d: DC %v RMS %v, want %v %v", what, c, g.DC, g.RMS, w.DC, w.RMS)
		}
	}
}

var passOptions = []*wavemap.PassOptions{
	nil,
	{Workers: 1, BlockFrames: 7},
	{Workers: 3, BlockFrames: 1001},
	{Workers: 2, BlockFrames: 65536},
}

func TestMeasureMatchesReference(t *testing.T) {
	for _, enc := range allEncodings {
		for _, ch := range []int{1, 2, 3, 6} {
			frames := int64(3001)
			if ch == 2 && (enc == wavemap.EncodingInt16 || enc == wavemap.EncodingFloat32) {
				frames = 150001 // crosses the kernels' 65536-frame runs
			}
			format := wavemap.Format{Encoding: enc, Channels: ch, SampleRate: 8000}
			f, _ := randomFile(t, format, frames, uint64(ch)*31+uint64(enc))
			want := refStats(format, f.Bytes())
			for _, o := range passOptions {
				got, err := wavemap.Measure(context.Background(), f, o)
				if err != nil {
					t.Fatal(err)
				}
				sameStats(t, fmt.Sprintf("%s %dch %+v", enc, ch, o), enc, got, want)
			}
			f.Close()
		}
	}
}

func TestMeasureValidBits(t *testing.T) {
	// 12-bit audio in 16-bit containers: the largest code is 0x7FF0.
	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 1, SampleRate: 8000, ValidBits: 12}
	f, err := wavemap.Create(filepath.Join(t.TempDir(), "v12.wav"), format, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, _ := wavemap.Samples[int16](f)
	copy(s, []int16{0x7FF0, 0x7FE0, -0x8000, 0x10, 0x7FF0})
	st, err := wavemap.Measure(context.Background(), f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st[0].FullScale != 3 {
		t.Errorf("clipped %d, want 3", st[0].FullScale)
	}
	sameStats(t, "valid bits", format.Encoding, st, refStats(format, f.Bytes()))
}

func TestMeasureFrames(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]int16, 3*1234)
	for i := range data {
		data[i] = int16(rng.Uint32())
	}
	data[5] = math.MaxInt16
	m, _ := wavemap.NewFrames(data, 3)
	raw := make([]byte, 2*len(data))
	for i, v := range data {
		raw[2*i], raw[2*i+1] = byte(v), byte(uint16(v)>>8)
	}
	want := refStats(wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 3}, raw)
	var calls, last int64
	got, err := wavemap.MeasureFrames(context.Background(), m, &wavemap.PassOptions{Workers: 3, BlockFrames: 100, Progress: func(done, total int64) {
		calls++
		if done <= last || total != 1234 {
			t.Errorf("progress %d/%d after %d", done, total, last)
		}
		last = done
	}})
	if err != nil {
		t.Fatal(err)
	}
	sameStats(t, "MeasureFrames", wavemap.EncodingInt16, got, want)
	if calls == 0 || last != 1234 {
		t.Errorf("progress: %d calls, last %d", calls, last)
	}
	if _, err := wavemap.MeasureFrames(context.Background(), wavemap.Frames[int16]{Data: data[:7], Channels: 2}, nil); !errors.Is(err, wavemap.ErrArgument) {
		t.Errorf("ragged frames: %v", err)
	}
	// Empty: zero samples, zero stats, -Inf dB.
	st, err := wavemap.MeasureFrames(context.Background(), wavemap.Frames[float32]{Channels: 2}, nil)
	if err != nil || len(st) != 2 || st[1] != (wavemap.ChannelStats{}) || !math.IsInf(st[0].PeakDB(), -1) || !math.IsInf(st[0].RMSDB(), -1) {
		t.Errorf("empty: %+v %v", st, err)
	}
}

func TestMeasureSpecialValues(t *testing.T) {
	nan := math.NaN()
	data := []float64{0.5, nan, -0.25, math.Inf(1), 0.5, -2, 0.25, 1}
	m, _ := wavemap.NewFrames(data, 2)
	st, err := wavemap.MeasureFrames(context.Background(), m, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Channel 0: 0.5 -0.25 0.5 0.25: mean 0.25, mean square 0.15625.
	want0 := wavemap.ChannelStats{Min: -0.25, Max: 0.5, Peak: 0.5, RMS: math.Sqrt(0.15625), DC: 0.25, Samples: 4}
	if st[0] != want0 {
		t.Errorf("channel 0: %+v, want %+v", st[0], want0)
	}
	// Channel 1: NaN +Inf -2 1: NaN everywhere, all 4 clipped.
	if s := st[1]; !math.IsNaN(s.Min) || !math.IsNaN(s.Max) || !math.IsNaN(s.RMS) || !math.IsNaN(s.DC) || !math.IsNaN(s.Peak) || s.FullScale != 4 {
		t.Errorf("channel 1: %+v", s)
	}
	m32, _ := wavemap.NewFrames([]float32{math.MaxFloat32, float32(math.Inf(-1))}, 1)
	st, _ = wavemap.MeasureFrames(context.Background(), m32, nil)
	if s := st[0]; s.Max != math.MaxFloat32 || !math.IsInf(s.Min, -1) || !math.IsInf(s.Peak, 1) || !math.IsInf(s.DC, -1) || !math.IsInf(s.RMS, 1) || s.FullScale != 2 {
		t.Errorf("infinities: %+v", s)
	}
	// dB of a full-scale square wave and of half scale.
	sq := wavemap.ChannelStats{Peak: 1, RMS: 0.5}
	if sq.PeakDB() != 0 || math.Abs(sq.RMSDB()-(-6.0206)) > 1e-4 {
		t.Errorf("dB: %v %v", sq.PeakDB(), sq.RMSDB())
	}
}

// TestMeasureReproducible checks that float results do not depend on the
// number of workers, nor on block sizes that are multiples of 65536.
func TestMeasureReproducible(t *testing.T) {
	format := wavemap.Format{Encoding: wavemap.EncodingFloat32, Channels: 2, SampleRate: 8000}
	f, _ := randomFile(t, format, 300000, 7)
	defer f.Close()
	first, err := wavemap.Measure(context.Background(), f, &wavemap.PassOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []*wavemap.PassOptions{nil, {Workers: 2, BlockFrames: 65536}, {Workers: 3, BlockFrames: 3 << 16}} {
		got, _ := wavemap.Measure(context.Background(), f, o)
		for c := range got {
			if got[c] != first[c] {
				t.Errorf("%+v ch %d: %+v, first run %+v", o, c, got[c], first[c])
			}
		}
	}
}

func TestMeasureClosed(t *testing.T) {
	f, _ := randomFile(t, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 1, SampleRate: 8000}, 10, 1)
	f.Close()
	if _, err := wavemap.Measure(context.Background(), f, nil); !errors.Is(err, wavemap.ErrClosed) {
		t.Errorf("closed: %v", err)
	}
}

func TestMeasureAgainstSox(t *testing.T) {
	for _, enc := range []wavemap.Encoding{wavemap.EncodingInt16, wavemap.EncodingInt24} {
		format := wavemap.Format{Encoding: enc, Channels: 2, SampleRate: 48000}
		f, path := randomFile(t, format, 48000, 5)
		// Quieten channel 1 (v / 8, by shifting its bytes) so that the
		// channels differ.
		d, size := f.Bytes(), enc.Size()
		for i := size; i < len(d); i += 2 * size {
			v := decodeRef(enc, d[i:i+size], 0) >> 3
			for k := range size {
				d[i+k] = byte(v >> (8 * k))
			}
		}
		if err := f.Flush(); err != nil {
			t.Fatal(err)
		}
		st, err := wavemap.Measure(context.Background(), f, nil)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		rows := wavtest.SoxStats(t, path)
		for c := range 2 {
			for name, ours := range map[string]float64{
				"Pk lev dB": st[c].PeakDB(), "RMS lev dB": st[c].RMSDB(),
				"Min level": st[c].Min, "Max level": st[c].Max, "DC offset": st[c].DC,
			} {
				if len(rows[name]) != 2 {
					t.Fatalf("sox stats: row %q: %v", name, rows[name])
				}
				tol := 0.006 // sox prints dB with 2 decimals
				if !strings.Contains(name, "dB") {
					tol = 6e-6 // and levels with 6
				}
				if d := math.Abs(rows[name][c] - ours); d > tol {
					t.Errorf("%s ch %d %s: sox %v, Measure %v", enc, c, name, rows[name][c], ours)
				}
			}
		}
	}
}
