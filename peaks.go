package wavemap

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Waveform data for web players (peaks.js, wavesurfer.js), in the format
// of BBC audiowaveform: for each pixel of SamplesPerPixel frames, the
// minimum and maximum sample of each channel (or of their mixdown).
//
// The values are those audiowaveform computes, so that its .dat and JSON
// files come out byte for byte: each sample is first made a 16-bit value
// as libsndfile's sf_readf_short delivers it (16-bit as it is, 8-bit
// unsigned as (v-128)<<8, 24-bit shifted right by 8, 32-bit by 16, float
// as x*32767 computed in float32 and truncated toward zero); the mixdown of several channels is
// their integer average, truncated toward zero; 8-bit output is each
// 16-bit value divided by 256, truncated toward zero; a last, partial pixel
// is written.

// PeaksOptions adjust ComputePeaks. A nil pointer means the defaults.
type PeaksOptions struct {
	// SamplesPerPixel is the number of frames each pixel covers
	// (audiowaveform's --zoom); 256 if zero.
	SamplesPerPixel int
	// PixelsPerSecond, if set, gives SamplesPerPixel as the sample rate
	// divided by it (truncated), as audiowaveform's --pixels-per-second.
	PixelsPerSecond int
	// Bits is the resolution of the output values: 8 or 16 (the default).
	Bits int
	// SplitChannels keeps the channels apart; otherwise they are mixed
	// down to one.
	SplitChannels bool
	// Workers is the number of goroutines; GOMAXPROCS if zero.
	Workers int
	// Progress, if set, is called as in PassOptions.
	Progress func(done, total int64)
}

// Peaks is waveform data: for each of Length pixels, for each of
// Channels channels, a minimum and a maximum, in Data in that order
// (pixel by pixel, channel by channel, min before max).
type Peaks struct {
	SampleRate      int
	SamplesPerPixel int
	Channels        int
	Bits            int // 8 or 16: the range of the values (int8 or int16)
	Length          int // pixels
	Data            []int16
}

// ComputePeaks computes the waveform data of f's frames, on all cores.
func ComputePeaks(ctx context.Context, f *File, opts *PeaksOptions) (*Peaks, error) {
	if f == nil {
		return nil, fmt.Errorf("wavemap: ComputePeaks of a nil *File: %w", ErrArgument)
	}
	if f.closed {
		return nil, ErrClosed
	}
	if opts == nil {
		opts = &PeaksOptions{}
	}
	fm := f.Format()
	spp := opts.SamplesPerPixel
	if opts.PixelsPerSecond > 0 {
		spp = fm.SampleRate / opts.PixelsPerSecond
	} else if opts.PixelsPerSecond < 0 {
		return nil, fmt.Errorf("%w: %d pixels per second", ErrArgument, opts.PixelsPerSecond)
	}
	if spp == 0 && opts.PixelsPerSecond == 0 {
		spp = 256
	}
	if spp < 1 {
		return nil, fmt.Errorf("%w: %d frames per pixel (at least 1; %d Hz at %d pixels per second gives none)", ErrArgument, spp, fm.SampleRate, opts.PixelsPerSecond)
	}
	bits := opts.Bits
	if bits == 0 {
		bits = 16
	}
	if bits != 8 && bits != 16 {
		return nil, fmt.Errorf("%w: %d-bit peaks (8 or 16)", ErrArgument, bits)
	}
	ch := fm.Channels
	out := 1
	if opts.SplitChannels {
		out = ch
	}
	n := f.Frames()
	pixels := (n + int64(spp) - 1) / int64(spp)
	if pixels*int64(out)*2 > math.MaxInt32 {
		return nil, fmt.Errorf("%w: %d pixels of %d channels: too many for one waveform (use a larger zoom)", ErrSizeLimit, pixels, out)
	}
	pk := &Peaks{SampleRate: fm.SampleRate, SamplesPerPixel: spp, Channels: out, Bits: bits, Length: int(pixels),
		Data: make([]int16, int(pixels)*out*2)}
	if n == 0 {
		return pk, nil
	}
	short, err := shortConverter(fm.Encoding)
	if err != nil {
		return nil, fmt.Errorf("wavemap: peaks of %s: %w", f.Name(), err)
	}
	// Blocks of whole pixels, so that no pixel spans two workers.
	per := max(1, (1<<16)/spp)
	p := newPassRun(ctx, &PassOptions{Workers: opts.Workers, BlockFrames: per * spp, Progress: opts.Progress})
	if done, err := peaksFast(p, f, pk, ch, out, spp); done {
		if err != nil {
			return nil, fmt.Errorf("wavemap: peaks of %s: %w", f.Name(), err)
		}
		return pk, nil
	}
	err = decodedPass(p, f, func(start int, b frameBlock) error {
		buf := make([]float64, min(b.Len(), 4096)*ch)
		lo := make([]int, out)
		hi := make([]int, out)
		px := start / spp
		for at := 0; at < b.Len(); at += spp {
			end := min(at+spp, b.Len())
			for c := range lo {
				lo[c], hi[c] = math.MaxInt, math.MinInt
			}
			for from := at; from < end; {
				to := min(end, from+len(buf)/ch)
				v := b.float64s(buf, from, to)
				for i := 0; i < len(v); i += ch {
					if out == 1 && ch > 1 {
						sum := 0
						for _, x := range v[i : i+ch] {
							sum += short(x)
						}
						s := sum / ch
						lo[0], hi[0] = min(lo[0], s), max(hi[0], s)
						continue
					}
					for c, x := range v[i : i+out] {
						s := short(x)
						lo[c], hi[c] = min(lo[c], s), max(hi[c], s)
					}
				}
				from = to
			}
			d := pk.Data[px*out*2:]
			for c := range lo {
				l, h := lo[c], hi[c]
				if bits == 8 {
					l, h = l/256, h/256
				}
				d[2*c], d[2*c+1] = int16(l), int16(h)
			}
			px++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("wavemap: peaks of %s: %w", f.Name(), err)
	}
	return pk, nil
}

// shortConverter returns how libsndfile's sf_readf_short turns a sample of
// encoding e, decoded to x as Convert does, into a 16-bit value.
func shortConverter(e Encoding) (func(x float64) int, error) {
	switch e {
	case EncodingUint8, EncodingInt16, EncodingALaw, EncodingMuLaw:
		// x = v/32768 exactly for 16-bit values (8-bit: (u-128)/128).
		return func(x float64) int { return int(x * 32768) }, nil
	case EncodingInt24:
		return func(x float64) int { return int(x*(1<<23)) >> 8 }, nil
	case EncodingInt32:
		return func(x float64) int { return int(x*(1<<31)) >> 16 }, nil
	case EncodingFloat32, EncodingFloat64:
		// audiowaveform reads floats (libsndfile gives a double file's
		// samples as float) and computes (short)(x * 32767) in float
		// arithmetic: the product is rounded to float32 before the cast
		// truncates it.
		return func(x float64) int {
			v := float32(x) * 32767
			switch {
			case v >= 32767:
				return 32767
			case v <= -32768:
				return -32768
			case v != v: // NaN
				return 0
			}
			return int(v)
		}, nil
	}
	return nil, fmt.Errorf("%w: encoding %v", ErrUnsupported, e)
}

// WriteDat writes p in audiowaveform's binary .dat format: version 1 for
// one channel, 2 otherwise; a little-endian header (version, flags: 1 for
// 8-bit values, sample rate, samples per pixel, length, and from version 2
// the channel count) and the values as int8 or int16.
func (p *Peaks) WriteDat(w io.Writer) error {
	le := binary.LittleEndian
	var h []byte
	version := uint32(1)
	if p.Channels != 1 {
		version = 2
	}
	flags := uint32(0)
	if p.Bits == 8 {
		flags = 1
	}
	h = le.AppendUint32(h, version)
	h = le.AppendUint32(h, flags)
	h = le.AppendUint32(h, uint32(p.SampleRate))
	h = le.AppendUint32(h, uint32(p.SamplesPerPixel))
	h = le.AppendUint32(h, uint32(p.Length))
	if version == 2 {
		h = le.AppendUint32(h, uint32(p.Channels))
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.Write(h)
	for _, v := range p.Data {
		if p.Bits == 8 {
			bw.WriteByte(byte(int8(v)))
		} else {
			bw.Write(le.AppendUint16(nil, uint16(v)))
		}
	}
	return bw.Flush()
}

// WriteJSON writes p in audiowaveform's JSON format: one line, version 2
// whatever the channel count.
func (p *Peaks) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintf(bw, `{"version":2,"channels":%d,"sample_rate":%d,"samples_per_pixel":%d,"bits":%d,"length":%d,"data":[`,
		p.Channels, p.SampleRate, p.SamplesPerPixel, p.Bits, p.Length)
	var num []byte
	for i, v := range p.Data {
		if i > 0 {
			bw.WriteByte(',')
		}
		num = strconv.AppendInt(num[:0], int64(v), 10)
		bw.Write(num)
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}
