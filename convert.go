package wavemap

import "math"

// Scaling selects how integer samples map onto floating-point values.
type Scaling uint8

// Scalings.
const (
	// PowerOfTwo maps an integer x of an n-bit container to x / 2^(n-1):
	// zero stays zero, the most negative value maps to -1 exactly and the
	// most positive to just under +1. u8 is first re-centred (x - 128);
	// A-law and mu-law decode to 16-bit values per G.711 and scale as s16.
	// It is the default, as in libsndfile: every integer width survives
	// int -> float64 -> int unchanged, and u8, s16 and s24 also survive
	// int -> float32 -> int.
	PowerOfTwo Scaling = iota
	// FullRange is the Python wavemap's convention: the integer range
	// [min, max] maps onto [-1, +1] exactly, y = (2x - (max+min)) / (max-min).
	// Digital silence then maps to a small non-zero value (1/65535 for s16).
	FullRange
)

// String returns "power-of-two" or "full-range".
func (s Scaling) String() string {
	if s == FullRange {
		return "full-range"
	}
	return "power-of-two"
}

// Convert converts the samples of src into dst, one for one, and returns
// the number converted (the shorter length, as copy does) and the number
// that had to be clipped. It uses PowerOfTwo scaling:
//
//   - int to float: x / 2^(bits-1), exact for float64, rounded to nearest
//     for float32 (exact for u8, s16 and s24).
//   - float to int: x * 2^(bits-1), rounded to nearest (ties to even),
//     clipped to the integer range; NaN becomes 0. Clipped and NaN samples
//     are counted. +1.0 is one step past the largest integer and counts as
//     clipped.
//   - int to int: a shift; narrowing rounds to nearest (ties to even) and
//     clips, giving exactly what int -> float64 -> int gives.
//   - float to float: a plain Go conversion, no clipping.
//   - A-law and mu-law: decoded to int16 per G.711 and treated as s16;
//     encoding rounds and clips to int16 first, then quantises per G.711.
//   - Big-endian samples (Int16BE ... Float64BE) convert exactly as their
//     little-endian encodings do: Int16BE to int16 is a byte swap, Int16BE
//     to float32 the same as int16 to float32.
//
// dst and src must not overlap unless they are the same slice with the
// same type (a copy, then).
func Convert[D, S Sample](dst []D, src []S) (n, clipped int) {
	return ConvertScaled(dst, src, PowerOfTwo)
}

// ConvertScaled is Convert with a choice of scaling. With FullRange,
// integer <-> integer conversions go through float64 with that mapping.
func ConvertScaled[D, S Sample](dst []D, src []S, sc Scaling) (n, clipped int) {
	n = min(len(dst), len(src))
	dst, src = dst[:n], src[:n]
	if encodingOf[D]() == encodingOf[S]() {
		copy(dst, any(src).([]D))
		return n, 0
	}
	if c, ok := convertByteOrder(dst, src, sc); ok {
		return n, c
	}
	if sc == PowerOfTwo {
		if c, ok := convertFast(any(dst), any(src)); ok {
			return n, c
		}
	}
	const block = 1024
	var buf [block]float64
	for i := 0; i < n; i += block {
		j := min(i+block, n)
		t := buf[:j-i]
		decode(t, src[i:j], sc)
		clipped += encode(dst[i:j], t, sc)
	}
	return n, clipped
}

// Gather converts the strided samples of src into the contiguous dst, as
// Convert does, and returns the number converted and clipped.
func Gather[D, S Sample](dst []D, src Channel[S]) (n, clipped int) {
	n = min(len(dst), src.Len())
	const block = 1024
	var tmp [block]S
	for i := 0; i < n; i += block {
		j := min(i+block, n)
		t := tmp[:j-i]
		for k := range t {
			t[k] = src.Data[(i+k)*src.Stride]
		}
		_, c := Convert(dst[i:j], t)
		clipped += c
	}
	return n, clipped
}

// Scatter converts the contiguous samples of src into the strided dst, as
// Convert does, and returns the number converted and clipped.
func Scatter[D, S Sample](dst Channel[D], src []S) (n, clipped int) {
	n = min(dst.Len(), len(src))
	const block = 1024
	var tmp [block]D
	for i := 0; i < n; i += block {
		j := min(i+block, n)
		t := tmp[:j-i]
		_, c := Convert(t, src[i:j])
		clipped += c
		for k, v := range t {
			dst.Data[(i+k)*dst.Stride] = v
		}
	}
	return n, clipped
}

// Integer ranges used by the generic path, indexed by Encoding.
func intRange(e Encoding) (lo, hi float64) {
	switch e {
	case EncodingUint8:
		return 0, 255
	case EncodingInt24:
		return MinInt24, MaxInt24
	case EncodingInt32:
		return math.MinInt32, math.MaxInt32
	default: // s16, and A-law/mu-law via s16
		return math.MinInt16, math.MaxInt16
	}
}

// decode converts src to float64 values in dst (len(dst) == len(src)).
func decode[S Sample](dst []float64, src []S, sc Scaling) {
	switch s := any(src).(type) {
	case []float32:
		for i, v := range s {
			dst[i] = float64(v)
		}
		return
	case []float64:
		copy(dst, s)
		return
	}
	// Integers: first the raw integer value, then the scaling.
	switch s := any(src).(type) {
	case []uint8:
		for i, v := range s {
			dst[i] = float64(v)
		}
	case []int16:
		for i, v := range s {
			dst[i] = float64(v)
		}
	case []Int24:
		for i, v := range s {
			dst[i] = float64(v.Int32())
		}
	case []int32:
		for i, v := range s {
			dst[i] = float64(v)
		}
	case []ALaw:
		for i, v := range s {
			dst[i] = float64(alawDecode[v])
		}
	case []MuLaw:
		for i, v := range s {
			dst[i] = float64(mulawDecode[v])
		}
	}
	e := encodingOf[S]()
	lo, hi := intRange(e)
	if sc == FullRange {
		mid, half := (hi+lo)/2, (hi-lo)/2
		for i, v := range dst {
			dst[i] = (v - mid) / half
		}
		return
	}
	off, scale := 0.0, -1/lo // lo is -2^(bits-1)
	if e == EncodingUint8 {
		off, scale = 128, 1.0/128
	}
	for i, v := range dst {
		dst[i] = (v - off) * scale
	}
}

// toInt maps float64 values onto the integer range of e, rounding to
// nearest (ties to even) and clipping, in place; it returns the number
// clipped (NaN counts, and becomes 0 or silence).
func toInt(v []float64, e Encoding, sc Scaling) (clipped int) {
	lo, hi := intRange(e)
	mul, off := -lo, 0.0
	if e == EncodingUint8 {
		mul, off = 128, 128
	}
	if sc == FullRange {
		mul, off = (hi-lo)/2, (hi+lo)/2
	}
	for i, x := range v {
		r := math.RoundToEven(x*mul + off)
		switch {
		case r > hi:
			r = hi
			clipped++
		case r < lo:
			r = lo
			clipped++
		case r != r: // NaN
			r = math.RoundToEven(off)
			clipped++
		}
		v[i] = r
	}
	return clipped
}

// encode converts float64 values to dst, returning the number clipped. It
// may overwrite src.
func encode[D Sample](dst []D, src []float64, sc Scaling) (clipped int) {
	switch d := any(dst).(type) {
	case []float32:
		for i, v := range src {
			d[i] = float32(v)
		}
		return 0
	case []float64:
		copy(d, src)
		return 0
	}
	e := encodingOf[D]()
	if e == EncodingALaw || e == EncodingMuLaw {
		clipped = toInt(src, EncodingInt16, sc)
	} else {
		clipped = toInt(src, e, sc)
	}
	switch d := any(dst).(type) {
	case []uint8:
		for i, v := range src {
			d[i] = uint8(v)
		}
	case []int16:
		for i, v := range src {
			d[i] = int16(v)
		}
	case []Int24:
		for i, v := range src {
			d[i] = Int24From(int32(v))
		}
	case []int32:
		for i, v := range src {
			d[i] = int32(v)
		}
	case []ALaw:
		for i, v := range src {
			d[i] = alawEncode(int16(v))
		}
	case []MuLaw:
		for i, v := range src {
			d[i] = mulawEncode(int16(v))
		}
	}
	return clipped
}
