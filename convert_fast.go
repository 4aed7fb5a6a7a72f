package wavemap

import (
	"math"
	"unsafe"
)

// Specialised kernels for the common PowerOfTwo conversions. Each must
// give exactly what the generic float64 path in convert.go gives; the
// tests compare the two on every input they can enumerate.

// convertFast dispatches once on the (dst, src) pair. It reports false
// when the pair has no kernel.
func convertFast(dst, src any) (clipped int, ok bool) {
	switch s := src.(type) {
	case []int16:
		switch d := dst.(type) {
		case []float32:
			s16ToF32(d, s)
		case []float64:
			s16ToF64(d, s)
		case []int32:
			for i, v := range s {
				d[i] = int32(v) << 16
			}
		case []Int24:
			for i, v := range s {
				d[i] = Int24{0, byte(v), byte(v >> 8)}
			}
		default:
			return 0, false
		}
	case []Int24:
		switch d := dst.(type) {
		case []float32:
			s24ToF32(d, s)
		case []float64:
			for i, v := range s {
				d[i] = float64(v.Int32()) * (1.0 / (1 << 23))
			}
		case []int32:
			for i, v := range s {
				d[i] = v.Int32() << 8
			}
		case []int16:
			return s24ToS16(d, s), true
		default:
			return 0, false
		}
	case []int32:
		switch d := dst.(type) {
		case []float32:
			for i, v := range s {
				d[i] = float32(v) * (1.0 / (1 << 31))
			}
		case []float64:
			for i, v := range s {
				d[i] = float64(v) * (1.0 / (1 << 31))
			}
		case []int16:
			return s32ToS16(d, s), true
		case []Int24:
			return s32ToS24(d, s), true
		default:
			return 0, false
		}
	case []uint8:
		switch d := dst.(type) {
		case []float32:
			for i, v := range s {
				d[i] = float32(int32(v)-128) * (1.0 / 128)
			}
		case []int16:
			for i, v := range s {
				d[i] = int16(int32(v)-128) << 8
			}
		default:
			return 0, false
		}
	case []float32:
		switch d := dst.(type) {
		case []float64:
			for i, v := range s {
				d[i] = float64(v)
			}
		case []int16:
			return f32ToS16(d, s), true
		default:
			return 0, false
		}
	case []float64:
		switch d := dst.(type) {
		case []float32:
			for i, v := range s {
				d[i] = float32(v)
			}
		default:
			return 0, false
		}
	default:
		return 0, false
	}
	return 0, true
}

func s16ToF32(d []float32, s []int16) {
	d = d[:len(s)]
	const k = 1.0 / 32768
	i := s16ToF32Vector(d, s)
	for ; i+4 <= len(s); i += 4 {
		d[i] = float32(s[i]) * k
		d[i+1] = float32(s[i+1]) * k
		d[i+2] = float32(s[i+2]) * k
		d[i+3] = float32(s[i+3]) * k
	}
	for ; i < len(s); i++ {
		d[i] = float32(s[i]) * k
	}
}

func s16ToF64(d []float64, s []int16) {
	d = d[:len(s)]
	for i, v := range s {
		d[i] = float64(v) * (1.0 / 32768)
	}
}

// s24ToF32 loads each packed sample with one unaligned 4-byte read (the
// last sample, which may end the mapping, is read bytewise).
func s24ToF32(d []float32, s []Int24) {
	d = d[:len(s)]
	const k = 1.0 / (1 << 31)
	n := len(s) - 1
	if n > 0 {
		// Every 4-byte load below starts at 3*i for i < n, so it ends
		// inside s (at most at its last byte).
		base := unsafe.Pointer(&s[0])
		dd := d[:n]
		i := 0
		for ; i+4 <= n; i += 4 {
			o := uintptr(3 * i)
			w0, w1 := le32At(base, o), le32At(base, o+3)
			w2, w3 := le32At(base, o+6), le32At(base, o+9)
			dd[i] = float32(int32(w0<<8)) * k
			dd[i+1] = float32(int32(w1<<8)) * k
			dd[i+2] = float32(int32(w2<<8)) * k
			dd[i+3] = float32(int32(w3<<8)) * k
		}
		for ; i < n; i++ {
			dd[i] = float32(int32(le32At(base, uintptr(3*i))<<8)) * k
		}
	}
	if len(s) > 0 {
		d[n] = float32(s[n].Int32()) * (1.0 / (1 << 23))
	}
}

// roundShift returns x >> shift rounded to nearest, ties to even.
func roundShift(x int32, shift uint) int32 {
	q := x >> shift
	r := x & (1<<shift - 1)
	half := int32(1) << (shift - 1)
	if r > half || (r == half && q&1 == 1) {
		q++
	}
	return q
}

// clipTo saturates q at hi (rounding can only overshoot upwards).
func clipTo(q, hi int32, clipped *int) int32 {
	if q > hi {
		*clipped++
		return hi
	}
	return q
}

func s32ToS16(d []int16, s []int32) (clipped int) {
	d = d[:len(s)]
	for i, v := range s {
		d[i] = int16(clipTo(roundShift(v, 16), math.MaxInt16, &clipped))
	}
	return clipped
}

func s32ToS24(d []Int24, s []int32) (clipped int) {
	d = d[:len(s)]
	for i, v := range s {
		q := clipTo(roundShift(v, 8), MaxInt24, &clipped)
		d[i] = Int24{byte(q), byte(q >> 8), byte(q >> 16)}
	}
	return clipped
}

func s24ToS16(d []int16, s []Int24) (clipped int) {
	d = d[:len(s)]
	for i, v := range s {
		d[i] = int16(clipTo(roundShift(v.Int32(), 8), math.MaxInt16, &clipped))
	}
	return clipped
}

func f32ToS16(d []int16, s []float32) (clipped int) {
	d = d[:len(s)]
	for i, v := range s {
		r := math.RoundToEven(float64(v) * 32768)
		switch {
		case r > math.MaxInt16:
			r = math.MaxInt16
			clipped++
		case r < math.MinInt16:
			r = math.MinInt16
			clipped++
		case r != r:
			r = 0
			clipped++
		}
		d[i] = int16(r)
	}
	return clipped
}
