package wavemap

import (
	"context"
	"fmt"
	"sync/atomic"
)

// Transcode converts every frame of src into dst, which must have the same
// number of channels and frames but may have any encoding, with Convert's
// rules and opts.Scaling (PowerOfTwo by default; see ConvertScaled). It
// works in parallel blocks over the two mappings (opts sets the workers,
// the block size and a Progress function, which counts src's frames) and
// returns the number of samples that had to be clipped. dst must be
// writable (Create or ReadWrite); opts.DryRun makes it count the clipped
// samples without writing dst. When ctx is done the pass stops with an
// error wrapping ctx.Err(), and dst holds the frames converted so far.
//
// Only samples are written: dst's metadata chunks are those it was
// created with (CreateLike copies src's; see Options.Metadata).
func Transcode(ctx context.Context, dst, src *File, opts *PassOptions) (clipped int64, err error) {
	if dst == nil || src == nil {
		return 0, fmt.Errorf("wavemap: Transcode: nil File: %w", ErrArgument)
	}
	if dst.closed || src.closed {
		return 0, ErrClosed
	}
	df, sf := dst.Format(), src.Format()
	if df.Channels != sf.Channels || dst.Frames() != src.Frames() {
		return 0, fmt.Errorf("wavemap: Transcode %s into %s: %d frames of %d channels into %d frames of %d channels: %w",
			src.Name(), dst.Name(), src.Frames(), sf.Channels, dst.Frames(), df.Channels, ErrArgument)
	}
	p := newPassRun(ctx, opts)
	if dst.Mode() == ReadOnly && !p.opts.DryRun {
		return 0, fmt.Errorf("wavemap: Transcode into %s: %w", dst.Name(), ErrReadOnly)
	}
	k, err := kindFor(sf.Encoding)
	if err != nil {
		return 0, fmt.Errorf("wavemap: Transcode from %s: %w", src.Name(), err)
	}
	return k.transcode(p, dst, src)
}

// transcodeBuffer is the number of samples a dry run converts at a time.
const transcodeBuffer = 4096

// transcode is Transcode for sources of type S.
func transcode[S Sample](p *passRun, dst, src *File) (int64, error) {
	m, err := FramesOf[S](src)
	if err != nil {
		return 0, err
	}
	df := dst.Format()
	conv, err := converterTo[S](df.Encoding, p.opts.Scaling)
	if err != nil {
		return 0, fmt.Errorf("wavemap: Transcode into %s: %w", dst.Name(), err)
	}
	out := dst.data
	size := df.Encoding.Size()
	if p.opts.DryRun {
		size = 0 // no output: convert into a scratch buffer
	} else if len(out) < len(m.Data)*size {
		return 0, fmt.Errorf("wavemap: Transcode into %s: %d bytes mapped for %d samples: %w", dst.Name(), len(out), len(m.Data), ErrArgument)
	}
	ch := m.Channels
	var clipped atomic.Int64
	err = filePass(p, src, m, func(start int, b Frames[S]) error {
		var c int
		if size == 0 {
			// float64s: aligned for every sample type.
			buf := sampleBytes(make([]float64, transcodeBuffer))
			bs := df.Encoding.Size()
			for i := 0; i < len(b.Data); i += transcodeBuffer {
				j := min(i+transcodeBuffer, len(b.Data))
				k, err := conv(buf[:(j-i)*bs], b.Data[i:j])
				if err != nil {
					return err
				}
				c += k
			}
		} else {
			from := start * ch * size
			k, err := conv(out[from:from+len(b.Data)*size], b.Data)
			if err != nil {
				return err
			}
			c = k
		}
		if c != 0 {
			clipped.Add(int64(c))
		}
		return nil
	})
	return clipped.Load(), err
}
