package wavemap

import "github.com/wavemap/wavemap/internal/kernels"

// Specialised kernels for the common PowerOfTwo conversions, in
// internal/kernels. Each must give exactly what the generic float64 path
// in convert.go gives; the tests compare the two on every input they can
// enumerate.

// convertFast dispatches once on the (dst, src) pair. It reports false
// when the pair has no kernel.
func convertFast(dst, src any) (clipped int, ok bool) {
	switch s := src.(type) {
	case []int16:
		switch d := dst.(type) {
		case []float32:
			kernels.S16ToF32(d, s)
		case []float64:
			kernels.S16ToF64(d, s)
		case []int32:
			kernels.S16ToS32(d, s)
		case []Int24:
			kernels.S16ToS24(sampleBytes(d), s)
		default:
			return 0, false
		}
	case []Int24:
		b := sampleBytes(s)
		switch d := dst.(type) {
		case []float32:
			kernels.S24ToF32(d, b)
		case []float64:
			kernels.S24ToF64(d, b)
		case []int32:
			kernels.S24ToS32(d, b)
		case []int16:
			return kernels.S24ToS16(d, b), true
		default:
			return 0, false
		}
	case []int32:
		switch d := dst.(type) {
		case []float32:
			kernels.S32ToF32(d, s)
		case []float64:
			kernels.S32ToF64(d, s)
		case []int16:
			return kernels.S32ToS16(d, s), true
		case []Int24:
			return kernels.S32ToS24(sampleBytes(d), s), true
		default:
			return 0, false
		}
	case []uint8:
		switch d := dst.(type) {
		case []float32:
			kernels.U8ToF32(d, s)
		case []int16:
			kernels.U8ToS16(d, s)
		default:
			return 0, false
		}
	case []float32:
		switch d := dst.(type) {
		case []float64:
			kernels.F32ToF64(d, s)
		case []int16:
			return kernels.F32ToS16(d, s), true
		default:
			return 0, false
		}
	case []float64:
		switch d := dst.(type) {
		case []float32:
			kernels.F64ToF32(d, s)
		default:
			return 0, false
		}
	default:
		return 0, false
	}
	return 0, true
}
