//go:build !amd64 || purego

package loudness

// Without assembly (other architectures, or amd64 with the purego tag)
// the portable kernels do all the work.

// kPacked is unused without the vector kernels.
type kPacked [16]float64

// fusedTails is false: without the vector kernels, every interpolated
// value is computed by phasePeakGo.
const fusedTails = false

func pairKernel(co *kCoeffs, st *[2]kState, x []float64, ch, c, n int) bool { return false }

func firKernel(ip *interpolator, x []float64, n int, cur *float64) int { return 0 }
