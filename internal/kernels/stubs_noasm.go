//go:build !amd64 || purego

package kernels

// Without assembly (other architectures, or amd64 with the purego tag)
// the scalar kernels do all the work: every vector kernel declines.

// haveAVX2 is false: this build has no vector kernels.
const haveAVX2 = false

func s16Vector(d []int16, ch int, p []IntPart) bool { return false }

func s24Vector(d []byte, ch int, p []IntPart) bool { return false }

func f32Vector(d []float32, ch int, l []floatLanes) bool { return false }

func s16GainVector(d []int16, g *IntGain, dry bool) (int64, bool) { return 0, false }

func s16GainF32Vector(d []int16, g *F32Gain, dry bool) (int64, bool) { return 0, false }

func f32GainVector(d []float32, factor float64, dry bool) (int64, bool) { return 0, false }

func s16ToF32Vector(d []float32, s []int16) int { return 0 }
