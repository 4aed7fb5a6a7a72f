package wavemap

import (
	"context"
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
// been changed. opts.Sync flushes f before Gain returns.
//
// An edit cut short (the process killed, the context cancelled, a fault)
// leaves some blocks changed and others not, and calling Gain again would
// change the first ones twice. With opts.Journal set to a path (such as
// JournalPath(f.Name())), Gain can be called again to finish it exactly:
// before the first sample changes, it writes a journal there (the factor,
// the file's identity, the block size), and as it goes it records which
// blocks are done and keeps the original bytes of the few KiB each worker
// is changing. A later Gain with the same Journal and factor on the same
// file puts back what was half changed, changes what was not (in blocks of
// the size the journal records, with at most as many workers as the first
// call), and returns the clipped count of the whole edit: f ends up
// exactly as after one uninterrupted call, whatever the moment of the
// interruption, and even if that call is interrupted too. The journal is
// removed when the edit is complete (a process killed just after that
// cannot be told from one that finished: its edit is complete). It costs a
// copy of the audio through the CPU's cache, a journal of 12 KiB per
// worker plus 8 bytes per block, and one fsync when it is made. A journal
// that records another factor, another file (or this one changed since),
// that is damaged, or that survived a restart of the system (whose page
// cache it relied on) makes Gain refuse before anything changes, with an
// error wrapping ErrInterrupted; ReadJournal says what it records. Against
// power loss, the journal is on disk before any sample changes, so an
// interrupted edit is always noticed; with opts.Sync, f is flushed before
// the journal is removed, so that a power loss at any moment leaves either
// the finished edit or the journal. A journal needs a ReadWrite file.
func Gain(ctx context.Context, f *File, factor float64, opts *PassOptions) (clipped int64, err error) {
	if f == nil {
		return 0, fmt.Errorf("wavemap: Gain of a nil *File: %w", ErrArgument)
	}
	if f.closed {
		return 0, ErrClosed
	}
	p := newPassRun(ctx, opts)
	if f.mode == ReadOnly && !p.opts.DryRun {
		return 0, fmt.Errorf("%w: gain on %s", ErrReadOnly, f.name)
	}
	if math.IsNaN(factor) || math.IsInf(factor, 0) {
		return 0, fmt.Errorf("wavemap: gain factor %v is not a finite number: %w", factor, ErrArgument)
	}
	k, err := kindFor(f.Format().Encoding)
	if err != nil {
		return 0, err
	}
	clipped, err = k.gain(p, f, factor)
	if err == nil && p.opts.Sync && !p.opts.DryRun && p.opts.Journal == "" { // a journal flushes before it goes
		err = f.Flush()
	}
	return clipped, err
}

// gainFile runs the gain kernel of T over every block of f and adds up
// the clipped counts.
func gainFile[T Sample](p *passRun, f *File, factor float64) (int64, error) {
	m, err := FramesOf[T](f)
	if err != nil {
		return 0, err
	}
	kernel := gainKernel[T](f.Format(), factor, p.opts.DryRun, int64(len(m.Data)))
	if p.opts.Journal != "" && !p.opts.DryRun {
		return journaledGain(p, f, m, factor, kernel)
	}
	if p.gain == gainPwrite && !p.opts.DryRun {
		if n, ok, err := pwriteGain(p, f, m, kernel); ok {
			return n, err
		}
	}
	var clipped atomic.Int64
	count := func(_ int, b Frames[T]) error {
		if n := kernel(b.Data); n != 0 {
			clipped.Add(n)
		}
		return nil
	}
	if p.opts.DryRun {
		err = readPass(p, f, m, 1, count) // a dry run only reads: the read path applies
	} else {
		err = filePassMode(p, f, m, true, count)
	}
	return clipped.Load(), err
}

// gainKernel returns the in-place gain kernel for samples of type T in a
// file of the given format (samples is the file's sample count, which
// decides whether a lookup table pays for itself).
func gainKernel[T Sample](format Format, factor float64, dry bool, samples int64) func([]T) int64 {
	if k, ok := swappedGain[T](format, factor, dry, samples); ok {
		return k
	}
	var k any
	switch any(*new(T)).(type) {
	case uint8:
		t := kernels.NewCodeGain(func(c uint8) int32 { return int32(c) - 128 },
			func(v int32) uint8 { return uint8(v + 128) }, kernels.NewIntGain(factor, 8, format.ValidBits))
		k = func(d []uint8) int64 { return t.Apply(d, dry) }
	case ALaw:
		t := kernels.NewCodeGain(func(c uint8) int32 { return int32(alawDecode[c]) },
			func(v int32) uint8 { return uint8(alawEncode(int16(v))) }, kernels.NewIntGain(factor, 16, 0))
		k = func(d []ALaw) int64 { return t.Apply(sampleBytes(d), dry) }
	case MuLaw:
		t := kernels.NewCodeGain(func(c uint8) int32 { return int32(mulawDecode[c]) },
			func(v int32) uint8 { return uint8(mulawEncode(int16(v))) }, kernels.NewIntGain(factor, 16, 0))
		k = func(d []MuLaw) int64 { return t.Apply(sampleBytes(d), dry) }
	case int16:
		gain := kernels.NewGainS16(kernels.NewIntGain(factor, 16, format.ValidBits), samples)
		k = func(d []int16) int64 { return gain(d, dry) }
	case Int24:
		g := kernels.NewIntGain(factor, 24, format.ValidBits)
		k = func(d []Int24) int64 { return kernels.GainS24(sampleBytes(d), &g, dry) }
	case int32:
		g := kernels.NewIntGain(factor, 32, format.ValidBits)
		k = func(d []int32) int64 { return kernels.GainS32(d, &g, dry) }
	case float32:
		k = func(d []float32) int64 { return kernels.GainF32(d, factor, dry) }
	case float64:
		k = func(d []float64) int64 { return kernels.GainF64(d, factor, dry) }
	}
	return k.(func([]T) int64)
}
