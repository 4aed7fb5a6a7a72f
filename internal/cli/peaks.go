package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/wavemap/wavemap"
)

// peaksMaxChannels is the most channels peaks.js draws.
const peaksMaxChannels = 24

// peaksJSON is what peaks prints with --json: the input, and the
// waveform data written.
type peaksJSON struct {
	head
	Output peaksOutJSON `json:"output"`
}

type peaksOutJSON struct {
	File            string `json:"file"`
	Format          string `json:"data_format"` // dat or json
	Channels        int    `json:"waveform_channels"`
	SamplesPerPixel int    `json:"frames_per_pixel"`
	Bits            int    `json:"bits"`
	Pixels          int    `json:"pixels"`
	Bytes           int64  `json:"bytes"`
}

func runPeaks(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "peaks", "IN OUT.dat|OUT.json")
	zoom := fs.IntP("zoom", "z", 0, "frames per pixel (default 256)")
	pps := fs.Int("pixels-per-second", 0, "pixels per second of audio, instead of --zoom")
	bits := fs.IntP("bits", "b", 16, "bits per value: 8 or 16")
	split := fs.Bool("split-channels", false, "one waveform per channel (default: all channels mixed down to one)")
	start := fs.StringP("start", "s", "", "accepted as audiowaveform accepts it: its --start moves a rendered image only; the data covers the whole file")
	end := fs.StringP("end", "e", "", "as audiowaveform: not with --zoom or --pixels-per-second; the data covers the whole file")
	outFormat := fs.String("output-format", "", "dat or json (default: from OUT's extension)")
	precision := fs.String("precision", "", "full: minima and maxima in the source's own resolution (int16 for 8- and 16-bit files, int32 for 24- and 32-bit, floats for float; JSON output only, one channel or --split-channels): a wavemap extension")
	asJSON := &e.json
	quiet := quietFlag(fs)
	withExample(fs, e, "wavemap peaks -z 256 -b 8 take.wav take.dat")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("want an input file and an output file (.dat or .json)")
	}
	name, out := pos[0], pos[1]
	format := strings.ToLower(*outFormat)
	if format == "" {
		switch {
		case strings.HasSuffix(strings.ToLower(out), ".dat"):
			format = "dat"
		case strings.HasSuffix(strings.ToLower(out), ".json"):
			format = "json"
		default:
			return usagef("cannot tell the output format from %q: name it .dat or .json, or give --output-format", out)
		}
	}
	if format != "dat" && format != "json" {
		return usagef("--output-format %q: dat or json", *outFormat)
	}
	if *bits != 8 && *bits != 16 {
		return usagef("--bits %d: 8 or 16", *bits)
	}
	if *zoom < 0 || *pps < 0 {
		return usagef("--zoom and --pixels-per-second must be positive")
	}
	if *zoom > 0 && *pps > 0 {
		return usagef("give --zoom or --pixels-per-second, not both")
	}
	if *end != "" && (*zoom > 0 || *pps > 0) {
		return usagef("--end cannot be given with --zoom or --pixels-per-second (as in audiowaveform)")
	}
	switch *precision {
	case "", "16", "8":
	case "full":
		if format != "json" {
			return usagef("--precision full writes JSON only: the .dat format holds 8- and 16-bit values (name the output .json)")
		}
	default:
		return usagef("--precision %q: full, or none (audiowaveform's --bits)", *precision)
	}
	if *start != "" || *end != "" {
		if !*quiet {
			fmt.Fprintf(e.stderr, "wavemap peaks: note: --start and --end do not change waveform data (as in audiowaveform, where they place a rendered image): the data covers the whole file\n")
		}
	}
	f, err := openAudio(e, "peaks", name, wavemap.ReadOnly)
	if err != nil {
		return err
	}
	defer f.Close()
	fm := f.Format()
	if *split && fm.Channels > peaksMaxChannels && !*quiet {
		fmt.Fprintf(e.stderr, "wavemap peaks: %s: warning: %d channels; peaks.js draws at most %d\n", name, fm.Channels, peaksMaxChannels)
	}
	if *precision == "full" && fm.Channels > 1 && !*split {
		return usagef("--precision full needs --split-channels for a file of %d channels: a mixdown is not in the source's resolution", fm.Channels)
	}
	o, err := newOutputFile(e, "peaks", out, name)
	if err != nil {
		return err
	}
	p := e.progress(name, *quiet, f.Frames()*int64(fm.FrameSize()))
	if *precision == "full" {
		return writeFullPeaks(ctx, e, f, o, name, out, *zoom, *pps, *asJSON, p)
	}
	pk, err := wavemap.ComputePeaks(ctx, f, &wavemap.PeaksOptions{SamplesPerPixel: *zoom, PixelsPerSecond: *pps, Bits: *bits,
		SplitChannels: *split, Progress: p.Frames(fm.FrameSize())})
	p.Done()
	if err != nil {
		return fileError(name, err)
	}
	w, err := o.createPlain()
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	write := pk.WriteDat
	if format == "json" {
		write = pk.WriteJSON
	}
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err := o.finish(err); err != nil {
		return err
	}
	j := peaksJSON{head: headOf("peaks", name, f), Output: peaksOutJSON{File: out, Format: format, Channels: pk.Channels,
		SamplesPerPixel: pk.SamplesPerPixel, Bits: pk.Bits, Pixels: pk.Length}}
	if st, err := os.Stat(out); err == nil {
		j.Output.Bytes = st.Size()
	}
	if *asJSON {
		return printJSON(e, j)
	}
	fmt.Fprintf(e.stdout, "%s -> %s: %d pixels of %d frames, %d channel(s), %d-bit\n", name, out, pk.Length, pk.SamplesPerPixel, pk.Channels, pk.Bits)
	return nil
}
