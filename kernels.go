package wavemap

import (
	"math"

	"github.com/wavemap/wavemap/internal/kernels"
)

// The statistics kernels live in internal/kernels, on plain slices:
// intKernel and floatKernel pick the one for the sample type. The caller
// resets the parts and keeps each run within statChunk frames.

// statChunk must not pass the longest run the kernels take.
var _ [kernels.MaxRun - statChunk]struct{}

// intKernel adds the statistics of the run to p, one part per channel.
func intKernel[T Sample](run []T, ch int, p []kernels.IntPart) {
	switch d := any(run).(type) {
	case []int16:
		kernels.StatsS16(d, ch, p)
	case []Int24:
		kernels.StatsS24(sampleBytes(d), ch, p)
	case []int32:
		kernels.StatsS32(d, ch, p)
	case []uint8:
		kernels.StatsU8(d, ch, p)
	case []ALaw:
		kernels.StatsTable(sampleBytes(d), ch, p, &alawDecode)
	case []MuLaw:
		kernels.StatsTable(sampleBytes(d), ch, p, &mulawDecode)
	}
}

// floatKernel sets p, one part per channel, to the statistics of the run.
func floatKernel[T Sample](run []T, ch int, p []kernels.FloatPart) {
	switch d := any(run).(type) {
	case []float32:
		kernels.StatsF32(d, ch, p)
	case []float64:
		kernels.StatsF64(d, ch, p)
	}
}

// decodeInt returns sample i of d in the decoded integer domain.
func decodeInt[T Sample](d []T, i int) int32 {
	switch s := any(d).(type) {
	case []int16:
		return int32(s[i])
	case []Int24:
		return s[i].Int32()
	case []int32:
		return s[i]
	case []uint8:
		return int32(s[i]) - 128
	case []ALaw:
		return int32(alawDecode[s[i]])
	case []MuLaw:
		return int32(mulawDecode[s[i]])
	}
	return 0
}

// countClippedInt counts the samples of channel c of run at or past the
// limits. It runs only on runs whose minimum or maximum reached a limit.
func countClippedInt[T Sample](run []T, ch, c int, lo, hi int32) (n int64) {
	for i := c; i < len(run); i += ch {
		if v := decodeInt(run, i); v <= lo || v >= hi {
			n++
		}
	}
	return n
}

// countClippedFloat counts the samples of channel c of run with |x| >= 1
// or NaN.
func countClippedFloat[T Sample](run []T, ch, c int) (n int64) {
	switch s := any(run).(type) {
	case []float32:
		for i := c; i < len(s); i += ch {
			if !(math.Abs(float64(s[i])) < 1) {
				n++
			}
		}
	case []float64:
		for i := c; i < len(s); i += ch {
			if !(math.Abs(s[i]) < 1) {
				n++
			}
		}
	}
	return n
}
