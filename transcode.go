package wavemap

import (
	"fmt"
	"sync/atomic"
)

// Transcode converts every frame of src into dst, which must have the same
// number of channels and frames but may have any encoding, with Convert's
// PowerOfTwo scaling. It works in parallel blocks over the two mappings
// (opts sets the workers, the block size and a Progress function, which
// counts src's frames) and returns the number of samples that had to be
// clipped. dst must be writable (Create or ReadWrite); opts.DryRun makes it
// count the clipped samples without writing dst.
func Transcode(dst, src *File, opts *PassOptions) (clipped int64, err error) {
	return TranscodeScaled(dst, src, PowerOfTwo, opts)
}

// TranscodeScaled is Transcode with a choice of scaling, as ConvertScaled.
func TranscodeScaled(dst, src *File, sc Scaling, opts *PassOptions) (clipped int64, err error) {
	if dst == nil || src == nil {
		return 0, fmt.Errorf("wavemap: Transcode: nil File: %w", ErrInvalid)
	}
	df, sf := dst.Format(), src.Format()
	if df.Channels != sf.Channels || dst.Frames() != src.Frames() {
		return 0, fmt.Errorf("wavemap: Transcode %s into %s: %d frames of %d channels into %d frames of %d channels: %w",
			src.Name(), dst.Name(), src.Frames(), sf.Channels, dst.Frames(), df.Channels, ErrInvalid)
	}
	if dst.Mode() == ReadOnly && (opts == nil || !opts.DryRun) {
		return 0, fmt.Errorf("wavemap: Transcode into %s: %w", dst.Name(), ErrReadOnly)
	}
	switch sf.Encoding {
	case EncodingUint8:
		return transcodeFrom[uint8](dst, src, sc, opts)
	case EncodingInt16:
		return transcodeFrom[int16](dst, src, sc, opts)
	case EncodingInt24:
		return transcodeFrom[Int24](dst, src, sc, opts)
	case EncodingInt32:
		return transcodeFrom[int32](dst, src, sc, opts)
	case EncodingFloat32:
		return transcodeFrom[float32](dst, src, sc, opts)
	case EncodingFloat64:
		return transcodeFrom[float64](dst, src, sc, opts)
	case EncodingALaw:
		return transcodeFrom[ALaw](dst, src, sc, opts)
	case EncodingMuLaw:
		return transcodeFrom[MuLaw](dst, src, sc, opts)
	}
	return 0, fmt.Errorf("wavemap: Transcode from %s: encoding %v: %w", src.Name(), sf.Encoding, ErrUnsupported)
}

// transcodeFrom picks the destination type for source type S.
func transcodeFrom[S Sample](dst, src *File, sc Scaling, opts *PassOptions) (int64, error) {
	m, err := FramesOf[S](src)
	if err != nil {
		return 0, err
	}
	switch dst.Format().Encoding {
	case EncodingUint8:
		return transcode[uint8](dst, src, m, sc, opts)
	case EncodingInt16:
		return transcode[int16](dst, src, m, sc, opts)
	case EncodingInt24:
		return transcode[Int24](dst, src, m, sc, opts)
	case EncodingInt32:
		return transcode[int32](dst, src, m, sc, opts)
	case EncodingFloat32:
		return transcode[float32](dst, src, m, sc, opts)
	case EncodingFloat64:
		return transcode[float64](dst, src, m, sc, opts)
	case EncodingALaw:
		return transcode[ALaw](dst, src, m, sc, opts)
	case EncodingMuLaw:
		return transcode[MuLaw](dst, src, m, sc, opts)
	}
	return 0, fmt.Errorf("wavemap: Transcode into %s: encoding %v: %w", dst.Name(), dst.Format().Encoding, ErrUnsupported)
}

// transcodeBuffer is the number of samples a dry run converts at a time.
const transcodeBuffer = 4096

func transcode[D, S Sample](dst, src *File, m Frames[S], sc Scaling, opts *PassOptions) (int64, error) {
	out, err := Samples[D](dst)
	if err != nil {
		return 0, err
	}
	dry := opts != nil && opts.DryRun
	ch := m.Channels
	var clipped atomic.Int64
	err = filePass(src, m, opts, func(start int, b Frames[S]) error {
		var c int
		if dry {
			var buf [transcodeBuffer]D
			for i := 0; i < len(b.Data); i += transcodeBuffer {
				j := min(i+transcodeBuffer, len(b.Data))
				_, k := ConvertScaled(buf[:j-i], b.Data[i:j], sc)
				c += k
			}
		} else {
			_, c = ConvertScaled(out[start*ch:start*ch+len(b.Data)], b.Data, sc)
		}
		if c != 0 {
			clipped.Add(int64(c))
		}
		return nil
	})
	return clipped.Load(), err
}
