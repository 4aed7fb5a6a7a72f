package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/wavemap/wavemap"
)

// fullChunk is how many pixels of each channel writeFullPeaks asks the
// pyramid for at a time.
const fullChunk = 1 << 16

// writeFullPeaks writes 'wavemap peaks --precision full': audiowaveform's
// JSON layout (pixels of zoom frames from frame 0, the last one partial;
// every channel, pixel by pixel, min before max) with each value in the
// source's own resolution: integers as stored (u8 less 128, A-law and
// mu-law decoded to 16 bits) with "bits" 8, 16, 24 or 32, floats as they
// are with "bits" 32 or 64, and "precision": "full". The values come from
// a min/max pyramid built in memory (one parallel pass) and are written a
// block of pixels at a time.
func writeFullPeaks(ctx context.Context, e *env, f *wavemap.File, o *outputFile, name, out string, zoom, pps int, asJSON bool, p *progress) error {
	fm := f.Format()
	spp := zoom
	if pps > 0 {
		spp = fm.SampleRate / pps
	} else if spp == 0 {
		spp = 256
	}
	if spp < 1 {
		return usagef("%d Hz at %d pixels per second gives no frames per pixel", fm.SampleRate, pps)
	}
	idx, err := wavemap.OpenPeaks(ctx, f, &wavemap.PeakIndexOptions{NoCache: true, Progress: p.Frames(fm.FrameSize())})
	p.Done()
	if err != nil {
		return fileError(name, err)
	}
	defer idx.Close()
	bits, float := 0, fm.Encoding.IsFloat()
	switch fm.Encoding {
	case wavemap.EncodingUint8:
		bits = 8
	case wavemap.EncodingInt16, wavemap.EncodingALaw, wavemap.EncodingMuLaw:
		bits = 16
	case wavemap.EncodingInt24:
		bits = 24
	default:
		bits = fm.Encoding.Bits() // s32, f32, f64
	}
	scale := float64(int64(1) << (bits - 1))
	n := f.Frames()
	pixels := (n + int64(spp) - 1) / int64(spp)
	w, err := o.createPlain()
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	err = func() error {
		fmt.Fprintf(bw, `{"version":2,"channels":%d,"sample_rate":%d,"samples_per_pixel":%d,"bits":%d,"precision":"full","length":%d,"data":[`,
			fm.Channels, fm.SampleRate, spp, bits, pixels)
		cols := make([][]wavemap.MinMax, fm.Channels)
		var num []byte
		first := true
		put := func(v float64) {
			if !first {
				bw.WriteByte(',')
			}
			first = false
			switch {
			case !float:
				num = strconv.AppendInt(num[:0], int64(v*scale), 10)
			case bits == 32:
				num = strconv.AppendFloat(num[:0], v, 'g', -1, 32)
			default:
				num = strconv.AppendFloat(num[:0], v, 'g', -1, 64)
			}
			bw.Write(num)
		}
		for k := int64(0); k < pixels; k += fullChunk {
			if err := ctx.Err(); err != nil {
				return err
			}
			m := int(min(fullChunk, pixels-k))
			for c := range cols {
				var err error
				if cols[c], err = idx.Pixels(k*int64(spp), spp, m, c); err != nil {
					return fileError(name, err)
				}
			}
			for i := range m {
				for c := range cols {
					put(cols[c][i].Min)
					put(cols[c][i].Max)
				}
			}
		}
		bw.WriteString("]}\n")
		return bw.Flush()
	}()
	if err := o.finish(err); err != nil {
		return err
	}
	if asJSON {
		j := peaksJSON{head: headOf("peaks", name, f), Output: peaksOutJSON{File: out, Format: "json", Channels: fm.Channels,
			SamplesPerPixel: spp, Bits: bits, Pixels: int(pixels)}}
		if st, err := os.Stat(out); err == nil {
			j.Output.Bytes = st.Size()
		}
		return printJSON(e, j)
	}
	fmt.Fprintf(e.stdout, "%s -> %s: %d pixels of %d frames, %d channel(s), full precision (%d-bit%s)\n", name, out, pixels, spp, fm.Channels, bits, map[bool]string{true: " float"}[float])
	return nil
}
