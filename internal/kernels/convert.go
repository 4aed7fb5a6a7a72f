package kernels

import (
	"math"
	"unsafe"
)

// Conversion kernels for the common pairs of wavemap.Convert's
// PowerOfTwo scaling. Each converts all of s into d (at least as long)
// and gives exactly what Convert's generic float64 path gives; the
// narrowing ones return the number of samples clipped. Packed 24-bit
// samples are passed as their bytes, 3 per sample.

// S16ToF32 converts s16 to float32: x / 2^15.
func S16ToF32(d []float32, s []int16) {
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

// S16ToF64 converts s16 to float64: x / 2^15.
func S16ToF64(d []float64, s []int16) {
	d = d[:len(s)]
	for i, v := range s {
		d[i] = float64(v) * (1.0 / 32768)
	}
}

// S16ToS32 widens s16 to s32: x * 2^16.
func S16ToS32(d []int32, s []int16) {
	d = d[:len(s)]
	for i, v := range s {
		d[i] = int32(v) << 16
	}
}

// S16ToS24 widens s16 to packed 24-bit: x * 2^8.
func S16ToS24(d []byte, s []int16) {
	d = d[:3*len(s)]
	for i, v := range s {
		o := d[3*i : 3*i+3 : 3*i+3]
		o[0], o[1], o[2] = 0, byte(v), byte(v>>8)
	}
}

// S24ToF32 converts packed 24-bit to float32: x / 2^23. It loads each
// sample with one unaligned 4-byte read (the last sample, which may end
// the mapping, is read bytewise).
func S24ToF32(d []float32, s []byte) {
	m := len(s) / 3
	d = d[:m]
	const k = 1.0 / (1 << 31)
	n := m - 1
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
	if m > 0 {
		d[n] = float32(s24(s[3*n:])) * (1.0 / (1 << 23))
	}
}

// S24ToF64 converts packed 24-bit to float64: x / 2^23.
func S24ToF64(d []float64, s []byte) {
	d = d[:len(s)/3]
	for i := range d {
		d[i] = float64(s24(s[3*i:])) * (1.0 / (1 << 23))
	}
}

// S24ToS32 widens packed 24-bit to s32: x * 2^8.
func S24ToS32(d []int32, s []byte) {
	d = d[:len(s)/3]
	for i := range d {
		d[i] = s24(s[3*i:]) << 8
	}
}

// S24ToS16 narrows packed 24-bit to s16: x / 2^8, rounded to nearest
// (ties to even) and clipped.
func S24ToS16(d []int16, s []byte) (clipped int) {
	d = d[:len(s)/3]
	for i := range d {
		d[i] = int16(clipTo(roundShift(s24(s[3*i:]), 8), math.MaxInt16, &clipped))
	}
	return clipped
}

// S32ToF32 converts s32 to float32: x / 2^31, rounded to nearest.
func S32ToF32(d []float32, s []int32) {
	d = d[:len(s)]
	for i, v := range s {
		d[i] = float32(v) * (1.0 / (1 << 31))
	}
}

// S32ToF64 converts s32 to float64: x / 2^31.
func S32ToF64(d []float64, s []int32) {
	d = d[:len(s)]
	for i, v := range s {
		d[i] = float64(v) * (1.0 / (1 << 31))
	}
}

// S32ToS16 narrows s32 to s16: x / 2^16, rounded to nearest (ties to
// even) and clipped.
func S32ToS16(d []int16, s []int32) (clipped int) {
	d = d[:len(s)]
	for i, v := range s {
		d[i] = int16(clipTo(roundShift(v, 16), math.MaxInt16, &clipped))
	}
	return clipped
}

// S32ToS24 narrows s32 to packed 24-bit: x / 2^8, rounded to nearest
// (ties to even) and clipped.
func S32ToS24(d []byte, s []int32) (clipped int) {
	d = d[:3*len(s)]
	for i, v := range s {
		q := clipTo(roundShift(v, 8), 1<<23-1, &clipped)
		o := d[3*i : 3*i+3 : 3*i+3]
		o[0], o[1], o[2] = byte(q), byte(q>>8), byte(q>>16)
	}
	return clipped
}

// U8ToF32 converts unsigned 8-bit to float32: (x-128) / 2^7.
func U8ToF32(d []float32, s []uint8) {
	d = d[:len(s)]
	for i, v := range s {
		d[i] = float32(int32(v)-128) * (1.0 / 128)
	}
}

// U8ToS16 widens unsigned 8-bit to s16: (x-128) * 2^8.
func U8ToS16(d []int16, s []uint8) {
	d = d[:len(s)]
	for i, v := range s {
		d[i] = int16(int32(v)-128) << 8
	}
}

// F32ToF64 widens float32 to float64 (exact).
func F32ToF64(d []float64, s []float32) {
	d = d[:len(s)]
	for i, v := range s {
		d[i] = float64(v)
	}
}

// F32ToS16 converts float32 to s16: x * 2^15, rounded to nearest (ties
// to even) and clipped; NaN becomes 0 and counts as clipped.
func F32ToS16(d []int16, s []float32) (clipped int) {
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

// F64ToF32 narrows float64 to float32 (Go's conversion, rounded to
// nearest).
func F64ToF32(d []float32, s []float64) {
	d = d[:len(s)]
	for i, v := range s {
		d[i] = float32(v)
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
