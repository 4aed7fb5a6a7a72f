//go:build !amd64 || purego

package kernels

// Without assembly the MinMaxRuns kernels walk every run with the scalar
// kernels: the vector halves do nothing.

func s16RunsVector(d []int16, ch, run int, out [][]int16, at int) int     { return 0 }
func s24RunsVector(d []byte, ch, run int, out [][]int32, at int) int      { return 0 }
func f32RunsVector(d []float32, ch, run int, out [][]float32, at int) int { return 0 }
