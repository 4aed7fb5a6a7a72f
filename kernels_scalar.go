//go:build !(goexperiment.simd && amd64)

package wavemap

// Without GOEXPERIMENT=simd on amd64 there are no vector kernels: the
// scalar lane kernels of kernels.go do all the work.

// s16Vector reports false: no vector kernel in this build.
func s16Vector(d []int16, ch int, p []intPart) bool { return false }

// haveAVX2 is false: this build has no vector kernels.
const haveAVX2 = false
