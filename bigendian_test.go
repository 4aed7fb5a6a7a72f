package wavemap_test

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/wavemap/wavemap"
)

func TestBigEndianTypes(t *testing.T) {
	for _, v := range []int16{0, 1, -1, 0x1234, math.MaxInt16, math.MinInt16} {
		s := wavemap.Int16BEFrom(v)
		if s.Int16() != v || !bytes.Equal(s[:], binary.BigEndian.AppendUint16(nil, uint16(v))) {
			t.Errorf("Int16BE %d: %x, %d", v, s, s.Int16())
		}
		var z wavemap.Int16BE
		z.Set(v)
		if z != s {
			t.Errorf("Set(%d) = %x", v, z)
		}
	}
	for _, c := range []struct{ in, want int32 }{{0, 0}, {-1, -1}, {0x123456, 0x123456}, {wavemap.MaxInt24, wavemap.MaxInt24},
		{wavemap.MinInt24, wavemap.MinInt24}, {1 << 23, wavemap.MaxInt24}, {math.MinInt32, wavemap.MinInt24}} {
		s := wavemap.Int24BEFrom(c.in)
		le := wavemap.Int24From(c.in)
		if s.Int32() != c.want || s != (wavemap.Int24BE{le[2], le[1], le[0]}) {
			t.Errorf("Int24BE %d: %x, %d; want %d", c.in, s, s.Int32(), c.want)
		}
		var z wavemap.Int24BE
		z.Set(c.in)
		if z != s {
			t.Errorf("Set(%d) = %x", c.in, z)
		}
	}
	for _, v := range []int32{0, -1, 0x12345678, math.MaxInt32, math.MinInt32} {
		s := wavemap.Int32BEFrom(v)
		if s.Int32() != v || !bytes.Equal(s[:], binary.BigEndian.AppendUint32(nil, uint32(v))) {
			t.Errorf("Int32BE %d: %x", v, s)
		}
		var z wavemap.Int32BE
		z.Set(v)
		if z != s {
			t.Errorf("Set(%d) = %x", v, z)
		}
	}
	for _, v := range []float64{0, math.Copysign(0, -1), 0.5, -1, 1e-300, math.Inf(1), math.NaN(), math.MaxFloat64} {
		s := wavemap.Float64BEFrom(v)
		if math.Float64bits(s.Float64()) != math.Float64bits(v) || !bytes.Equal(s[:], binary.BigEndian.AppendUint64(nil, math.Float64bits(v))) {
			t.Errorf("Float64BE %v: %x", v, s)
		}
		f := float32(v)
		s32 := wavemap.Float32BEFrom(f)
		if math.Float32bits(s32.Float32()) != math.Float32bits(f) || !bytes.Equal(s32[:], binary.BigEndian.AppendUint32(nil, math.Float32bits(f))) {
			t.Errorf("Float32BE %v: %x", f, s32)
		}
		var z wavemap.Float64BE
		z.Set(v)
		var z32 wavemap.Float32BE
		z32.Set(f)
		if z != s || z32 != s32 {
			t.Errorf("Set(%v) = %x, %x", v, z, z32)
		}
	}
}

func TestBigEndianEncodings(t *testing.T) {
	for _, c := range []struct {
		le, be wavemap.Encoding
		name   string
	}{
		{wavemap.EncodingInt16, wavemap.EncodingInt16BE, "s16be"},
		{wavemap.EncodingInt24, wavemap.EncodingInt24BE, "s24be"},
		{wavemap.EncodingInt32, wavemap.EncodingInt32BE, "s32be"},
		{wavemap.EncodingFloat32, wavemap.EncodingFloat32BE, "f32be"},
		{wavemap.EncodingFloat64, wavemap.EncodingFloat64BE, "f64be"},
	} {
		be := c.be
		if be.String() != c.name || !be.BigEndian() || c.le.BigEndian() || be.Size() != c.le.Size() || be.IsFloat() != c.le.IsFloat() ||
			c.le.WithOrder(true) != be || be.WithOrder(false) != c.le || be.WithOrder(true) != be || c.le.WithOrder(false) != c.le {
			t.Errorf("%s: %s, big-endian %v, size %d, WithOrder %s/%s", c.le, be, be.BigEndian(), be.Size(), c.le.WithOrder(true), be.WithOrder(false))
		}
		if e, err := wavemap.ParseEncoding(c.name); err != nil || e != be {
			t.Errorf("ParseEncoding(%q) = %v, %v", c.name, e, err)
		}
		if err := (wavemap.Format{Encoding: be, Channels: 1, SampleRate: 8000}).Validate(); err != nil {
			t.Errorf("%s: %v", be, err)
		}
	}
	for _, e := range []wavemap.Encoding{wavemap.EncodingUint8, wavemap.EncodingALaw, wavemap.EncodingMuLaw} {
		if e.BigEndian() || e.WithOrder(true) != e || e.WithOrder(false) != e {
			t.Errorf("%s has a byte order", e)
		}
	}
}

// everyEncoding lists every encoding, little- and big-endian.
var everyEncoding = []wavemap.Encoding{
	wavemap.EncodingUint8, wavemap.EncodingInt16, wavemap.EncodingInt24, wavemap.EncodingInt32, wavemap.EncodingFloat32,
	wavemap.EncodingFloat64, wavemap.EncodingALaw, wavemap.EncodingMuLaw,
	wavemap.EncodingInt16BE, wavemap.EncodingInt24BE, wavemap.EncodingInt32BE, wavemap.EncodingFloat32BE, wavemap.EncodingFloat64BE,
}

// view returns b as a []T (b must be aligned: see alignedBytes).
func view[T wavemap.Sample](b []byte) []T {
	var z T
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/int(unsafe.Sizeof(z)))
}

// alignedBytes returns n zero bytes aligned for any sample type.
func alignedBytes(n int) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(make([]uint64, n/8+1)))), n)
}

func convertAs[D, S wavemap.Sample](dst, src []byte) int {
	_, c := wavemap.Convert(view[D](dst), view[S](src))
	return c
}

// converterFrom returns a function converting the samples of src, of
// encoding S, into dst, of encoding d.
func converterFrom[S wavemap.Sample]() func(d wavemap.Encoding, dst, src []byte) int {
	return func(d wavemap.Encoding, dst, src []byte) int {
		switch d {
		case wavemap.EncodingUint8:
			return convertAs[uint8, S](dst, src)
		case wavemap.EncodingInt16:
			return convertAs[int16, S](dst, src)
		case wavemap.EncodingInt24:
			return convertAs[wavemap.Int24, S](dst, src)
		case wavemap.EncodingInt32:
			return convertAs[int32, S](dst, src)
		case wavemap.EncodingFloat32:
			return convertAs[float32, S](dst, src)
		case wavemap.EncodingFloat64:
			return convertAs[float64, S](dst, src)
		case wavemap.EncodingALaw:
			return convertAs[wavemap.ALaw, S](dst, src)
		case wavemap.EncodingMuLaw:
			return convertAs[wavemap.MuLaw, S](dst, src)
		case wavemap.EncodingInt16BE:
			return convertAs[wavemap.Int16BE, S](dst, src)
		case wavemap.EncodingInt24BE:
			return convertAs[wavemap.Int24BE, S](dst, src)
		case wavemap.EncodingInt32BE:
			return convertAs[wavemap.Int32BE, S](dst, src)
		case wavemap.EncodingFloat32BE:
			return convertAs[wavemap.Float32BE, S](dst, src)
		case wavemap.EncodingFloat64BE:
			return convertAs[wavemap.Float64BE, S](dst, src)
		}
		panic(d)
	}
}

var converters = map[wavemap.Encoding]func(d wavemap.Encoding, dst, src []byte) int{
	wavemap.EncodingUint8:     converterFrom[uint8](),
	wavemap.EncodingInt16:     converterFrom[int16](),
	wavemap.EncodingInt24:     converterFrom[wavemap.Int24](),
	wavemap.EncodingInt32:     converterFrom[int32](),
	wavemap.EncodingFloat32:   converterFrom[float32](),
	wavemap.EncodingFloat64:   converterFrom[float64](),
	wavemap.EncodingALaw:      converterFrom[wavemap.ALaw](),
	wavemap.EncodingMuLaw:     converterFrom[wavemap.MuLaw](),
	wavemap.EncodingInt16BE:   converterFrom[wavemap.Int16BE](),
	wavemap.EncodingInt24BE:   converterFrom[wavemap.Int24BE](),
	wavemap.EncodingInt32BE:   converterFrom[wavemap.Int32BE](),
	wavemap.EncodingFloat32BE: converterFrom[wavemap.Float32BE](),
	wavemap.EncodingFloat64BE: converterFrom[wavemap.Float64BE](),
}

// reversed returns b with the bytes of every size-byte value reversed
// (b itself, copied, for size 1).
func reversed(b []byte, size int) []byte {
	out := alignedBytes(len(b))
	for i := 0; i+size <= len(b); i += size {
		for j := 0; j < size; j++ {
			out[i+j] = b[i+size-1-j]
		}
	}
	return out
}

// TestConvertBigEndian converts between every pair of encodings with a
// big-endian side: the result is, byte for byte once swapped, what the
// same conversion between the little-endian encodings gives, with the
// same clipped count, for lengths across the block size.
func TestConvertBigEndian(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const n = 2500
	for _, s := range everyEncoding {
		// The samples of s's little-endian twin: random bytes for
		// integers, random values (with extremes, NaN and Inf) for floats.
		sl := s.WithOrder(false)
		src := alignedBytes(n * sl.Size())
		for i := range src {
			src[i] = byte(r.Uint32())
		}
		switch sl {
		case wavemap.EncodingFloat32:
			v := view[float32](src)
			for i := range v {
				v[i] = float32(3*r.Float64() - 1.5)
			}
			v[0], v[1], v[2] = float32(math.NaN()), float32(math.Inf(-1)), 1
		case wavemap.EncodingFloat64:
			v := view[float64](src)
			for i := range v {
				v[i] = 3*r.Float64() - 1.5
			}
			v[0], v[1], v[2] = math.NaN(), math.Inf(1), -1
		}
		for _, d := range everyEncoding {
			if !s.BigEndian() && !d.BigEndian() {
				continue
			}
			dl := d.WithOrder(false)
			want := alignedBytes(n * dl.Size())
			wantClipped := converters[sl](dl, want, src)
			in := src
			if s.BigEndian() {
				in = reversed(src, s.Size())
			}
			for _, k := range []int{n, 1, 1023, 1025} {
				got := alignedBytes(k * d.Size())
				clipped := converters[s](d, got, in[:k*s.Size()])
				w := want[:k*dl.Size()]
				if d.BigEndian() {
					w = reversed(w, d.Size())
				}
				if !bytes.Equal(got, w) {
					t.Fatalf("%s -> %s, %d samples: results differ from %s -> %s", s, d, k, sl, dl)
				}
				if k == n && clipped != wantClipped {
					t.Errorf("%s -> %s: %d clipped, %s -> %s clips %d", s, d, clipped, sl, dl, wantClipped)
				}
			}
		}
	}
}

// TestMeasureFramesBigEndian measures in-memory big-endian frames as the
// same little-endian frames measure.
func TestMeasureFramesBigEndian(t *testing.T) {
	le := make([]int32, 3*70000)
	be := make([]wavemap.Int32BE, len(le))
	r := rand.New(rand.NewPCG(5, 6))
	for i := range le {
		le[i] = int32(r.Uint32())
		be[i] = wavemap.Int32BEFrom(le[i])
	}
	le[5], be[5] = math.MinInt32, wavemap.Int32BEFrom(math.MinInt32)
	want, err := wavemap.MeasureFrames(t.Context(), wavemap.Frames[int32]{Data: le, Channels: 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := wavemap.MeasureFrames(t.Context(), wavemap.Frames[wavemap.Int32BE]{Data: be, Channels: 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for c := range want {
		if got[c] != want[c] {
			t.Errorf("channel %d: %+v, little-endian %+v", c, got[c], want[c])
		}
	}
}
