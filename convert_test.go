package wavemap

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/wavemap/wavemap/internal/kernels"
)

// generic runs the float64 path that every fast kernel must agree with.
func generic[D, S Sample](src []S, sc Scaling) ([]D, int) {
	dst := make([]D, len(src))
	buf := make([]float64, len(src))
	decode(buf, src, sc)
	c := encode(dst, buf, sc)
	return dst, c
}

func allInt16() []int16 {
	s := make([]int16, 0, 65536)
	for v := math.MinInt16; v <= math.MaxInt16; v++ {
		s = append(s, int16(v))
	}
	return s
}

func someInt24(r *rand.Rand) []Int24 {
	var s []Int24
	for _, v := range []int32{MinInt24, MinInt24 + 1, -129, -128, -127, -1, 0, 1, 127, 128, 129, MaxInt24 - 1, MaxInt24} {
		s = append(s, Int24From(v))
	}
	for range 1 << 16 {
		s = append(s, Int24From(r.Int32N(1<<24)-1<<23))
	}
	return s
}

func someInt32(r *rand.Rand) []int32 {
	s := []int32{math.MinInt32, math.MinInt32 + 1, -1 << 16, -1<<16 + 1<<15, 1 << 15, 3 << 15, 5 << 7, -1, 0, 1, math.MaxInt32 - 1<<15, math.MaxInt32 - 1<<15 + 1, math.MaxInt32}
	for range 1 << 16 {
		s = append(s, int32(r.Uint32()))
	}
	return s
}

func someFloat32(r *rand.Rand) []float32 {
	s := []float32{0, -0, 1, -1, 0.5, -0.5, 1.5, -1.5, 2, -2, 1e30, -1e30,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()),
		0.5 / 32768, 1.5 / 32768, 2.5 / 32768, -0.5 / 32768, -2.5 / 32768,
		32767.5 / 32768, -32768.5 / 32768, math.SmallestNonzeroFloat32}
	for range 1 << 16 {
		s = append(s, float32(r.Float64()*2.2-1.1))
	}
	return s
}

func sameSamples[T Sample](t *testing.T, name string, got, want []T) {
	t.Helper()
	for i := range want {
		g, w := any(got[i]), any(want[i])
		if g != g && w != w { // both NaN
			continue
		}
		if g != w {
			t.Fatalf("%s: sample %d: fast kernel gives %v, generic path %v", name, i, g, w)
		}
	}
}

func checkFast[D, S Sample](t *testing.T, name string, src []S) {
	t.Helper()
	dst := make([]D, len(src))
	n, c := Convert(dst, src)
	want, wc := generic[D](src, PowerOfTwo)
	if n != len(src) || c != wc {
		t.Fatalf("%s: n=%d clipped=%d, generic path clipped %d", name, n, c, wc)
	}
	sameSamples(t, name, dst, want)
}

func TestFastKernelsMatchGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	s16, s24, s32, f32 := allInt16(), someInt24(r), someInt32(r), someFloat32(r)
	u8 := make([]uint8, 256)
	for i := range u8 {
		u8[i] = uint8(i)
	}
	f64 := make([]float64, len(f32))
	for i, v := range f32 {
		f64[i] = float64(v) * (1 + 1e-12)
	}
	checkFast[float32](t, "s16->f32", s16)
	checkFast[float64](t, "s16->f64", s16)
	checkFast[int32](t, "s16->s32", s16)
	checkFast[Int24](t, "s16->s24", s16)
	checkFast[float32](t, "s24->f32", s24)
	checkFast[float64](t, "s24->f64", s24)
	checkFast[int32](t, "s24->s32", s24)
	checkFast[int16](t, "s24->s16", s24)
	checkFast[float32](t, "s32->f32", s32)
	checkFast[float64](t, "s32->f64", s32)
	checkFast[int16](t, "s32->s16", s32)
	checkFast[Int24](t, "s32->s24", s32)
	checkFast[float32](t, "u8->f32", u8)
	checkFast[int16](t, "u8->s16", u8)
	checkFast[float64](t, "f32->f64", f32)
	checkFast[int16](t, "f32->s16", f32)
	checkFast[float32](t, "f64->f32", f64)
}

func TestConvertKnownValues(t *testing.T) {
	f := make([]float32, 4)
	Convert(f, []int16{-32768, 16384, 0, 32767})
	if f[0] != -1 || f[1] != 0.5 || f[2] != 0 || f[3] != 32767.0/32768 {
		t.Errorf("s16->f32 = %v", f)
	}
	s := make([]int16, 7)
	n, c := Convert(s, []float32{1, -1, 0.5 / 32768, 1.5 / 32768, -2.5 / 32768, float32(math.NaN()), 0.25})
	if n != 7 || c != 2 {
		t.Errorf("f32->s16 n=%d clipped=%d, want 7 and 2 (1.0 and NaN)", n, c)
	}
	if want := []int16{32767, -32768, 0, 2, -2, 0, 8192}; !equal(s, want) {
		t.Errorf("f32->s16 = %v, want %v", s, want)
	}
	u := make([]uint8, 3)
	Convert(u, []float64{0, -1, 0.5})
	if u[0] != 128 || u[1] != 0 || u[2] != 192 {
		t.Errorf("f64->u8 = %v", u)
	}
	w := make([]float64, 3)
	Convert(w, []uint8{128, 0, 255})
	if w[0] != 0 || w[1] != -1 || w[2] != 127.0/128 {
		t.Errorf("u8->f64 = %v", w)
	}
	i24 := make([]Int24, 3)
	Convert(i24, []int32{0x7FFFFFFF, -0x80000000, 0x180})
	if i24[0].Int32() != MaxInt24 || i24[1].Int32() != MinInt24 || i24[2].Int32() != 2 {
		t.Errorf("s32->s24 = %d %d %d", i24[0].Int32(), i24[1].Int32(), i24[2].Int32())
	}
	// Copy for equal types, shorter length wins.
	d := make([]int16, 2)
	if n, c := Convert(d, []int16{5, 6, 7}); n != 2 || c != 0 || d[1] != 6 {
		t.Errorf("s16->s16 copy: n=%d c=%d d=%v", n, c, d)
	}
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// roundTrip converts src to F and back and reports the first difference.
func roundTrip[F, I Sample](t *testing.T, name string, src []I) {
	t.Helper()
	mid := make([]F, len(src))
	back := make([]I, len(src))
	Convert(mid, src)
	if _, c := Convert(back, mid); c != 0 {
		t.Errorf("%s: %d samples clipped on the way back", name, c)
	}
	for i := range src {
		if back[i] != src[i] {
			t.Fatalf("%s: sample %d: %v came back as %v", name, i, src[i], back[i])
		}
	}
}

func TestLosslessRoundTrips(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	u8 := make([]uint8, 256)
	for i := range u8 {
		u8[i] = uint8(i)
	}
	s16, s24, s32 := allInt16(), someInt24(r), someInt32(r)
	roundTrip[float32](t, "u8 via f32", u8)
	roundTrip[float64](t, "u8 via f64", u8)
	roundTrip[float32](t, "s16 via f32", s16)
	roundTrip[float64](t, "s16 via f64", s16)
	roundTrip[float32](t, "s24 via f32", s24)
	roundTrip[float64](t, "s24 via f64", s24)
	roundTrip[float64](t, "s32 via f64", s32)
	roundTrip[int32](t, "s16 via s32", s16)
	roundTrip[Int24](t, "s16 via s24", s16)
	roundTrip[int32](t, "s24 via s32", s24)
	roundTrip[int16](t, "u8 via s16", u8)
	// Full-range scaling round-trips too.
	mid := make([]float64, len(s16))
	back := make([]int16, len(s16))
	ConvertScaled(mid, s16, FullRange)
	ConvertScaled(back, mid, FullRange)
	if !equal(back, s16) {
		t.Error("s16 via f64 with FullRange is not lossless")
	}
	if mid[0] != -1 || mid[len(mid)-1] != 1 || mid[32768] != 1.0/65535 {
		t.Errorf("FullRange s16: -32768->%v 32767->%v 0->%v", mid[0], mid[len(mid)-1], mid[32768])
	}
}

func TestIntNarrowingMatchesFloatPath(t *testing.T) {
	// Every s32 -> s16 result must equal s32 -> f64 -> s16.
	r := rand.New(rand.NewPCG(5, 6))
	s32 := someInt32(r)
	a := make([]int16, len(s32))
	ca := kernels.S32ToS16(a, s32)
	f := make([]float64, len(s32))
	Convert(f, s32)
	b := make([]int16, len(s32))
	_, cb := Convert(b, f)
	if ca != cb || !equal(a, b) {
		t.Fatalf("s32->s16 direct (clipped %d) differs from the float64 path (clipped %d)", ca, cb)
	}
}

func TestG711(t *testing.T) {
	// Values from the segment tables of ITU-T G.711.
	for _, c := range []struct {
		code uint8
		v    int16
	}{{0xD5, 8}, {0x55, -8}, {0xAA, 32256}, {0x2A, -32256}, {0xD4, 24}} {
		if got := ALaw(c.code).Int16(); got != c.v {
			t.Errorf("A-law %#02x = %d, want %d", c.code, got, c.v)
		}
	}
	for _, c := range []struct {
		code uint8
		v    int16
	}{{0xFF, 0}, {0x7F, 0}, {0x80, 32124}, {0x00, -32124}, {0xFE, 8}, {0x7E, -8}, {0xEF, 132}} {
		if got := MuLaw(c.code).Int16(); got != c.v {
			t.Errorf("mu-law %#02x = %d, want %d", c.code, got, c.v)
		}
	}
	// Encoding a decoded value gives back a code with the same value, and
	// decoded values are monotonic in the linear input.
	for i := range 256 {
		a := ALaw(i)
		if ALawFrom(a.Int16()).Int16() != a.Int16() {
			t.Errorf("A-law %#02x does not survive decode/encode", i)
		}
		u := MuLaw(i)
		if MuLawFrom(u.Int16()).Int16() != u.Int16() {
			t.Errorf("mu-law %#02x does not survive decode/encode", i)
		}
	}
	prevA, prevU := int16(math.MinInt16), int16(math.MinInt16)
	for v := math.MinInt16; v <= math.MaxInt16; v++ {
		a, u := ALawFrom(int16(v)).Int16(), MuLawFrom(int16(v)).Int16()
		if a < prevA || u < prevU {
			t.Fatalf("G.711 encoding not monotonic at %d", v)
		}
		prevA, prevU = a, u
	}
	if ALawFrom(0).Int16() != 8 || MuLawFrom(0) != 0xFF {
		t.Errorf("silence: A-law %d, mu-law code %#02x", ALawFrom(0).Int16(), MuLawFrom(0))
	}
}

func TestInt24(t *testing.T) {
	for _, v := range []int32{0, 1, -1, MaxInt24, MinInt24, 0x123456, -0x123456} {
		if got := Int24From(v).Int32(); got != v {
			t.Errorf("Int24From(%d).Int32() = %d", v, got)
		}
	}
	if Int24From(1<<30).Int32() != MaxInt24 || Int24From(-1<<30).Int32() != MinInt24 {
		t.Error("Int24From does not clip")
	}
	if (Int24From(0x123456) != Int24{0x56, 0x34, 0x12}) {
		t.Error("Int24 is not little-endian")
	}
	var s Int24
	s.Set(-2)
	if (s != Int24{0xFE, 0xFF, 0xFF}) {
		t.Errorf("Set(-2) = % x", s)
	}
}
