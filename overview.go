package wavemap

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"sync"
)

// MinMax is the range of one channel's samples over a stretch of frames,
// in Convert's float scale (PowerOfTwo: full scale is [-1, 1)).
type MinMax struct {
	Min, Max float64
}

// Overview reduces f to columns stretches of frames and returns, for each
// channel c and column k, the smallest and largest sample of channel c
// over that stretch as result[c][k]: what a waveform display draws, one
// vertical line per pixel column. It reads the file once, in parallel
// blocks over the mapping (opts.Workers, opts.BlockFrames and
// opts.Progress apply; nil means the defaults); any Mode will do.
//
// Column k covers the frames [k*n/columns, (k+1)*n/columns) of the n
// frames, rounded down. When the file has fewer frames than columns, a
// column that covers no frame shows the frame at its start, so every
// column has a value; an empty file gives zeros. NaN samples are ignored
// (a column of nothing but NaNs reads as zero).
//
// Samples are scaled as Convert scales them to float64: integers x of a
// b-bit container as x / 2^(b-1) (u8 re-centred on 128), A-law and mu-law
// decoded per G.711 and scaled as s16, floats as they are.
func Overview(ctx context.Context, f *File, columns int, opts *PassOptions) ([][]MinMax, error) {
	if f == nil {
		return nil, fmt.Errorf("wavemap: Overview of a nil *File: %w", ErrArgument)
	}
	return OverviewRange(ctx, f, 0, f.Frames(), columns, opts)
}

// OverviewRange is Overview of the frames [from, to) of f only: a window
// of a long file drawn at full resolution, without reading the rest.
// Column k covers the frames from + [k*n/columns, (k+1)*n/columns) of the
// n = to-from frames, with the same rules as Overview; opts.Progress
// counts the window's frames. It needs 0 <= from <= to <= f.Frames();
// otherwise the error wraps ErrArgument.
func OverviewRange(ctx context.Context, f *File, from, to int64, columns int, opts *PassOptions) ([][]MinMax, error) {
	if f == nil {
		return nil, fmt.Errorf("wavemap: OverviewRange of a nil *File: %w", ErrArgument)
	}
	if columns < 1 {
		return nil, fmt.Errorf("wavemap: Overview of %s into %d columns: want at least one: %w", f.Name(), columns, ErrArgument)
	}
	if f.closed {
		return nil, ErrClosed
	}
	if from < 0 || from > to || to > f.Frames() {
		return nil, fmt.Errorf("wavemap: Overview of %s: frames [%d, %d) are not within the file's %d: %w",
			f.Name(), from, to, f.Frames(), ErrArgument)
	}
	k, err := kindFor(f.Format().Encoding)
	if err != nil {
		return nil, fmt.Errorf("wavemap: Overview of %s: %w", f.Name(), err)
	}
	all, err := k.block(f)
	if err != nil {
		return nil, err
	}
	// The frames are those of the mapping, so [from, to) fits in an int.
	return overview(newPassRun(ctx, opts), f, all, int(from), int(to), columns)
}

// mulDiv returns a*b/c rounded down, without overflow, for results that
// fit in 64 bits (c > 0).
func mulDiv(a, b, c uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	q, _ := bits.Div64(hi, lo, c)
	return q
}

// overviewBuffer is the number of frames decoded to float64 at a time.
const overviewBuffer = 1024

// overview reduces the frames [from, to) of all, f's frames, to columns.
func overview(p *passRun, f *File, all frameBlock, from, to, columns int) ([][]MinMax, error) {
	ch := all.channels()
	n := uint64(to - from)
	cols := uint64(columns)
	out := make([][]MinMax, ch)
	for c := range out {
		out[c] = make([]MinMax, columns)
		if n == 0 {
			continue
		}
		for k := range out[c] {
			out[c][k] = MinMax{math.Inf(1), math.Inf(-1)}
		}
	}
	if n == 0 {
		return out, nil
	}
	// Frame numbers below count from from. bound(k) is the first frame of
	// column k.
	bound := func(k uint64) uint64 { return mulDiv(k, n, cols) }
	// column(i) is the column holding frame i: the largest k with
	// bound(k) <= i, that is ceil((i+1)*cols/n) - 1.
	column := func(i uint64) uint64 {
		hi, lo := bits.Mul64(i+1, cols)
		lo, carry := bits.Add64(lo, n-1, 0)
		q, _ := bits.Div64(hi+carry, lo, n)
		return q - 1
	}
	var mu sync.Mutex
	err := decodedRange(p, f, from, to, func(start int, b frameBlock) error {
		first, end := uint64(start), uint64(start+b.Len())
		k0 := column(first)
		k1 := column(end - 1)
		local := make([]MinMax, int(k1-k0+1)*ch)
		for i := range local {
			local[i] = MinMax{math.Inf(1), math.Inf(-1)}
		}
		buf := make([]float64, overviewBuffer*ch)
		for k, at := k0, first; at < end; k++ {
			stop := min(end, bound(k+1))
			acc := local[int(k-k0)*ch : int(k-k0+1)*ch]
			for at < stop {
				take := min(stop-at, overviewBuffer)
				from := int(at - first)
				v := b.float64s(buf, from, from+int(take))
				for i := 0; i < len(v); i += ch {
					for c, x := range v[i : i+ch] {
						a := &acc[c]
						if x < a.Min {
							a.Min = x
						}
						if x > a.Max {
							a.Max = x
						}
					}
				}
				at += take
			}
		}
		mu.Lock()
		for j, a := range local {
			o := &out[j%ch][int(k0)+j/ch]
			o.Min, o.Max = math.Min(o.Min, a.Min), math.Max(o.Max, a.Max)
		}
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Columns with no frame of their own (fewer frames than columns) show
	// the frame at their start.
	frame := make([]float64, ch)
	err = Guard(func() error { // these reads of the mapping are guarded too
		for k := range cols {
			lo := bound(k)
			if bound(k+1) > lo || lo >= n {
				continue
			}
			all.float64s(frame, from+int(lo), from+int(lo)+1)
			for c, x := range frame {
				out[c][k] = MinMax{x, x}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for c := range out {
		for k, a := range out[c] {
			if !(a.Min <= a.Max) { // nothing but NaNs
				out[c][k] = MinMax{}
			}
		}
	}
	return out, nil
}
