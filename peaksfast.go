package wavemap

import (
	"math"
	"unsafe"

	"github.com/wavemap/wavemap/internal/kernels"
)

// The integer fast path of ComputePeaks. audiowaveform computes on 16-bit
// values (sf_readf_short): s16 as it is, s24 shifted right by 8, s32 by
// 16, u8 re-centred and shifted left by 8. Each of those maps is
// monotonic, so the minimum of the converted samples is the converted
// minimum: a pixel's range per channel comes straight from the min/max
// kernels over the mapped samples, with no decoding. The mono mixdown of
// s16 (the C integer average of the channels, truncated toward zero, also
// monotonic in the sum) is the range of the per-frame sums, divided once.
// Other cases (floats, whose NaN maps to 0 out of order, A-law, mu-law,
// big-endian, the mixdown of other widths) take the decoding path.

// peaksNoFast turns the fast path off, for the test that compares it
// with the decoding path.
var peaksNoFast = false

// peaksFast fills pk from f's samples when the encoding has a fast path,
// and reports whether it did (false: nothing was done).
func peaksFast(p *passRun, f *File, pk *Peaks, ch, out, spp int) (bool, error) {
	enc := f.Format().Encoding
	if peaksNoFast || out == 1 && ch > 1 && enc != EncodingInt16 {
		return false, nil
	}
	switch enc {
	case EncodingInt16:
		m, err := FramesOf[int16](f)
		if err != nil {
			return true, err
		}
		if out == 1 && ch > 1 {
			return true, peaksPass(p, f, m, pk, spp, func(d []int16, frames int, lo, hi []int) {
				mixRange16(d, ch, frames, lo, hi)
			})
		}
		return true, peaksPass(p, f, m, pk, spp, func(d []int16, frames int, lo, hi []int) {
			for c := range out {
				l, h := kernels.MinMaxS16(d, c, ch, frames)
				lo[c], hi[c] = int(l), int(h)
			}
		})
	case EncodingInt24:
		m, err := FramesOf[Int24](f)
		if err != nil {
			return true, err
		}
		return true, peaksPass(p, f, m, pk, spp, func(d []Int24, frames int, lo, hi []int) {
			b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(d))), 3*len(d))
			for c := range out {
				l, h := kernels.MinMaxS24(b, c, ch, frames)
				lo[c], hi[c] = int(l>>8), int(h>>8)
			}
		})
	case EncodingInt32:
		m, err := FramesOf[int32](f)
		if err != nil {
			return true, err
		}
		return true, peaksPass(p, f, m, pk, spp, func(d []int32, frames int, lo, hi []int) {
			for c := range out {
				l, h := kernels.MinMaxS32(d, c, ch, frames)
				lo[c], hi[c] = int(l>>16), int(h>>16)
			}
		})
	case EncodingUint8:
		m, err := FramesOf[uint8](f)
		if err != nil {
			return true, err
		}
		return true, peaksPass(p, f, m, pk, spp, func(d []uint8, frames int, lo, hi []int) {
			for c := range out {
				l, h := kernels.MinMaxU8(d, c, ch, frames)
				lo[c], hi[c] = int(l)*256, int(h)*256
			}
		})
	}
	return false, nil
}

// peaksPass runs one parallel pass over m in blocks of whole pixels;
// pixel gives the 16-bit range of each output channel of a pixel of
// frames frames starting at d.
func peaksPass[T Sample](p *passRun, f *File, m Frames[T], pk *Peaks, spp int, pixel func(d []T, frames int, lo, hi []int)) error {
	out := pk.Channels
	return filePass(p, f, m, func(start int, b Frames[T]) error {
		lo := make([]int, out)
		hi := make([]int, out)
		px := start / spp
		for at := 0; at < b.Len(); at += spp {
			frames := min(spp, b.Len()-at)
			pixel(b.Data[at*m.Channels:], frames, lo, hi)
			d := pk.Data[px*out*2:]
			for c := range lo {
				l, h := lo[c], hi[c]
				if pk.Bits == 8 {
					l, h = l/256, h/256 // C division: toward zero
				}
				d[2*c], d[2*c+1] = int16(l), int16(h)
			}
			px++
		}
		return nil
	})
}

// mixRange16 sets lo[0], hi[0] to the range of the mono mixdown of the
// frames frames of ch s16 channels at d: the C average of each frame,
// sum/ch truncated toward zero, taken once on the smallest and largest
// sum.
func mixRange16(d []int16, ch, frames int, lo, hi []int) {
	mn, mx := math.MaxInt, math.MinInt
	if ch == 2 {
		d = d[:2*frames]
		for i := 0; i+1 < len(d); i += 2 {
			s := int(d[i]) + int(d[i+1])
			mn, mx = min(mn, s), max(mx, s)
		}
	} else {
		for i := 0; i < frames; i++ {
			s := 0
			for _, v := range d[i*ch : i*ch+ch] {
				s += int(v)
			}
			mn, mx = min(mn, s), max(mx, s)
		}
	}
	lo[0], hi[0] = mn/ch, mx/ch
}
