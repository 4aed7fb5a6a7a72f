//go:build !amd64 || (purego && !goexperiment.simd)

package wavemap

// Without vector kernels (other architectures, or amd64 with the purego
// tag and without GOEXPERIMENT=simd) the scalar lane kernels of
// kernels.go do all the work.

// s16Vector reports false: no vector kernel in this build.
func s16Vector(d []int16, ch int, p []intPart) bool { return false }

// haveAVX2 is false: this build has no vector kernels.
const haveAVX2 = false

// s16GainVector reports false: no vector kernel in this build.
func s16GainVector(d []int16, g *intGain, dry bool) (int64, bool) { return 0, false }

// s24Vector reports false: no vector kernel in this build.
func s24Vector(d []byte, ch int, p []intPart) bool { return false }

// f32Vector reports false: no vector kernel in this build.
func f32Vector(d []float32, ch int, l []floatLanes) bool { return false }

// f32GainVector reports false: no vector kernel in this build.
func f32GainVector(d []float32, factor float64, dry bool) (int64, bool) { return 0, false }

// s16ToF32Vector converts nothing: no vector kernel in this build.
func s16ToF32Vector(d []float32, s []int16) int { return 0 }
