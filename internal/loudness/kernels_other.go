//go:build !amd64 || purego

package loudness

// Without assembly (other architectures, or amd64 with the purego tag)
// the scalar kernels do all the work.

// kPacked is unused without the vector kernels.
type kPacked [16]float64

func pairKernel(co *kCoeffs, st *[2]kState, x []float64, ch, c, n int) bool { return false }

func firKernel(c *[TruePeakTaps]float64, x []float64, n int, cur *float64) int { return 0 }
