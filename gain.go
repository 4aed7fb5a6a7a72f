package wavemap

import (
	"errors"
	"fmt"
	"math"
	"sync/atomic"

	"github.com/wavemap/wavemap/internal/kernels"
)

// Gain multiplies every sample of f by factor, in place, in one pass over
// the mapping on all cores (opts.Workers, opts.BlockFrames and
// opts.Progress apply; nil means the defaults), and returns the number of
// samples that had to be clipped.
//
// The result of each sample is defined exactly, so it is the same
// whatever the number of workers or the machine:
//
//   - Integers (s16, s24, s32): y = RoundToEven(float64(x) * factor),
//     the product taken in float64 and rounded to nearest, ties to even,
//     then clipped to the encoding's range; each clipped sample is
//     counted. With Format.ValidBits v below the container's c bits, the
//     result is rounded to the grid of the valid bits instead,
//     RoundToEven(float64(x)*factor / 2^(c-v)) * 2^(c-v), and clipped to
//     the largest value of v bits.
//   - u8: the same on x-128, with 128 added back.
//   - A-law and mu-law: each code is decoded to its 16-bit value per
//     G.711, scaled, rounded and clipped to the s16 range as above
//     (counted), then encoded again per G.711. A sample whose value does
//     not change keeps its code, so a factor of 1 changes nothing (not
//     even mu-law's negative zero).
//   - Floats (f32, f64): y = float32(float64(x) * factor) for f32 and
//     x * factor for f64. Floats are never clipped: values past full scale
//     are stored as they are, and the count returned is the number of
//     results with |y| > 1 (NaN samples stay NaN and are not counted).
//
// factor must be finite (negative values invert the polarity). f must be
// open ReadWrite (the changes land in the file: call f.Flush to force them
// to stable storage) or CopyOnWrite (they stay in this process's memory);
// a ReadOnly file gives ErrReadOnly. With opts.DryRun, Gain changes no
// sample and only counts what would be clipped; it then works on a
// ReadOnly file too. A memory fault (the file truncated by another
// process) is returned as a *FaultError; the samples before it may have
// been changed.
func Gain(f *File, factor float64, opts *PassOptions) (clipped int64, err error) {
	if f == nil {
		return 0, errors.New("wavemap: Gain of a nil *File")
	}
	if f.closed {
		return 0, ErrClosed
	}
	dry := opts != nil && opts.DryRun
	if f.mode == ReadOnly && !dry {
		return 0, fmt.Errorf("%w: gain on %s", ErrReadOnly, f.name)
	}
	if math.IsNaN(factor) || math.IsInf(factor, 0) {
		return 0, fmt.Errorf("wavemap: gain factor %v is not a finite number", factor)
	}
	format := f.Format()
	switch format.Encoding {
	case EncodingUint8:
		t := kernels.NewCodeGain(func(c uint8) int32 { return int32(c) - 128 },
			func(v int32) uint8 { return uint8(v + 128) }, kernels.NewIntGain(factor, 8, format.ValidBits))
		return gainFile(f, opts, func(d []uint8) int64 { return t.Apply(d, dry) })
	case EncodingALaw:
		t := kernels.NewCodeGain(func(c uint8) int32 { return int32(alawDecode[c]) },
			func(v int32) uint8 { return uint8(alawEncode(int16(v))) }, kernels.NewIntGain(factor, 16, 0))
		return gainFile(f, opts, func(d []ALaw) int64 { return t.Apply(sampleBytes(d), dry) })
	case EncodingMuLaw:
		t := kernels.NewCodeGain(func(c uint8) int32 { return int32(mulawDecode[c]) },
			func(v int32) uint8 { return uint8(mulawEncode(int16(v))) }, kernels.NewIntGain(factor, 16, 0))
		return gainFile(f, opts, func(d []MuLaw) int64 { return t.Apply(sampleBytes(d), dry) })
	case EncodingInt16:
		gain := kernels.NewGainS16(kernels.NewIntGain(factor, 16, format.ValidBits), f.Frames()*int64(format.Channels))
		return gainFile(f, opts, func(d []int16) int64 { return gain(d, dry) })
	case EncodingInt24:
		g := kernels.NewIntGain(factor, 24, format.ValidBits)
		return gainFile(f, opts, func(d []Int24) int64 { return kernels.GainS24(sampleBytes(d), &g, dry) })
	case EncodingInt32:
		g := kernels.NewIntGain(factor, 32, format.ValidBits)
		return gainFile(f, opts, func(d []int32) int64 { return kernels.GainS32(d, &g, dry) })
	case EncodingFloat32:
		return gainFile(f, opts, func(d []float32) int64 { return kernels.GainF32(d, factor, dry) })
	case EncodingFloat64:
		return gainFile(f, opts, func(d []float64) int64 { return kernels.GainF64(d, factor, dry) })
	}
	return 0, fmt.Errorf("%w: encoding %d", ErrUnsupported, format.Encoding)
}

// gainFile runs kernel over every block of f and adds up the clipped
// counts.
func gainFile[T Sample](f *File, opts *PassOptions, kernel func([]T) int64) (int64, error) {
	m, err := FramesOf[T](f)
	if err != nil {
		return 0, err
	}
	var clipped atomic.Int64
	writes := opts == nil || !opts.DryRun
	err = filePassMode(f, m, opts, writes, func(_ int, b Frames[T]) error {
		if n := kernel(b.Data); n != 0 {
			clipped.Add(n)
		}
		return nil
	})
	return clipped.Load(), err
}
