package cli

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/wavemap/wavemap"
)

func runGen(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "gen", "OUT.wav|-")
	typ := fs.StringP("type", "t", "s16", "sample encoding: u8, s16, s24, s32, f32, f64, alaw, ulaw (s16be ... f64be: big-endian RIFX); any case, ffmpeg's names too")
	channels := fs.IntP("channels", "c", 2, "number of channels, 1 to 65535")
	rate := fs.IntP("rate", "r", 48000, "sample rate in Hz")
	secs := fs.Float64P("seconds", "d", 0, "length in seconds")
	frames := fs.Int64("frames", 0, "length in frames (instead of --seconds)")
	signal := fs.String("signal", "sine", "sine, noise or silence")
	freq := fs.Float64("freq", 440, "sine frequency in Hz (channel c, from 0, gets freq*(c+1)), up to half the rate")
	amp := fs.Float64("amp", 0.5, "peak amplitude, 0 to 1 (1: full scale)")
	container := fs.String("container", "auto", "auto, riff, rf64, bw64, w64 or rifx (big-endian)")
	withExample(fs, e, "wavemap gen --type s24 --channels 6 --rate 96000 --seconds 3600 big.wav")
	withExample(fs, e, "wavemap gen --seconds 10 - | ffmpeg -i - tone.flac")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want exactly one output file")
	}
	enc, err := wavemap.ParseEncoding(*typ)
	if err != nil {
		return usageError{err.Error()}
	}
	for _, err := range []error{
		intIn("channels", int64(*channels), 1, 65535),
		intIn("rate", int64(*rate), 1, math.MaxUint32),
		floatIn("seconds", *secs, 0, math.Inf(1)),
		intIn("frames", *frames, 0, math.MaxInt64),
		floatIn("amp", *amp, 0, 1),
	} {
		if err != nil {
			return err
		}
	}
	if *signal == "sine" {
		if err := floatIn("freq", *freq, 0, float64(*rate)/2); err != nil {
			return err
		}
	}
	n := *frames
	if n == 0 {
		n = int64(math.Round(*secs * float64(*rate)))
	}
	if n <= 0 || (*frames != 0 && *secs != 0) {
		return usagef("give a positive --seconds or --frames (not both)")
	}
	if *signal != "sine" && *signal != "noise" && *signal != "silence" {
		return usagef("unknown --signal %q (want sine, noise or silence)", *signal)
	}
	c, err := parseContainer(*container)
	if err != nil {
		return err
	}
	if c == wavemap.RIFX {
		enc = enc.WithOrder(true) // RIFX holds big-endian samples: s16 means s16be
	}
	format := wavemap.Format{Encoding: enc, Channels: *channels, SampleRate: *rate}
	name := pos[0]
	if name == "-" {
		if e.json {
			return usagef("--json prints on standard output, which carries the audio when OUT is -")
		}
		return genStream(ctx, e, format, n, c, *signal, *freq, *amp)
	}
	// Like the other commands that create a file, gen writes under a
	// temporary name and renames the file into place once it is
	// complete: an interrupted or failed gen leaves the old file (or
	// nothing) at the name.
	out, err := newOutputFile(e, "gen", name)
	if err != nil {
		return err
	}
	f, err := out.create(format, n, c, nil)
	if err != nil {
		return err
	}
	if *signal != "silence" {
		err = generate(ctx, f, *signal, *freq, *amp)
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		out.abort(f)
		return out.errorf(err)
	}
	made := fileOf(name, f)
	if err := out.commit(f); err != nil {
		return err
	}
	if e.json {
		return printJSON(e, madeJSON{head: head{Command: "gen", Frames: n, Duration: made.Duration}, Output: made, Notes: []string{}})
	}
	return nil
}

// genStream writes the signal to standard output as a WAVE stream.
func genStream(ctx context.Context, e *env, fm wavemap.Format, n int64, c wavemap.Container, signal string, freq, amp float64) error {
	w, err := wavemap.NewWriter(e.stdout, fm, &wavemap.Options{Container: c})
	if err != nil {
		return err
	}
	ch := int64(fm.Channels)
	buf := make([]float64, genBlock*ch)
	for start := int64(0); start < n; start += genBlock {
		if err := ctx.Err(); err != nil {
			return err
		}
		b := buf[:min(genBlock, n-start)*ch]
		fillSignal(b, fm, start, signal, freq, amp)
		if err := writeFloat(w, fm.Encoding, b); err != nil {
			return fmt.Errorf("writing to standard output: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("writing to standard output: %w", err)
	}
	return nil
}

// writeFloat converts v to the encoding and writes it to w.
func writeFloat(w *wavemap.Writer, enc wavemap.Encoding, v []float64) error {
	switch enc {
	case wavemap.EncodingUint8:
		return writeAs[uint8](w, v)
	case wavemap.EncodingInt16:
		return writeAs[int16](w, v)
	case wavemap.EncodingInt24:
		return writeAs[wavemap.Int24](w, v)
	case wavemap.EncodingInt32:
		return writeAs[int32](w, v)
	case wavemap.EncodingFloat32:
		return writeAs[float32](w, v)
	case wavemap.EncodingFloat64:
		return writeAs[float64](w, v)
	case wavemap.EncodingALaw:
		return writeAs[wavemap.ALaw](w, v)
	case wavemap.EncodingMuLaw:
		return writeAs[wavemap.MuLaw](w, v)
	case wavemap.EncodingInt16BE:
		return writeAs[wavemap.Int16BE](w, v)
	case wavemap.EncodingInt24BE:
		return writeAs[wavemap.Int24BE](w, v)
	case wavemap.EncodingInt32BE:
		return writeAs[wavemap.Int32BE](w, v)
	case wavemap.EncodingFloat32BE:
		return writeAs[wavemap.Float32BE](w, v)
	case wavemap.EncodingFloat64BE:
		return writeAs[wavemap.Float64BE](w, v)
	}
	return fmt.Errorf("unknown encoding %v", enc)
}

func writeAs[T wavemap.Sample](w *wavemap.Writer, v []float64) error {
	s := make([]T, len(v))
	wavemap.Convert(s, v)
	return wavemap.WriteFrames(w, s)
}

// generate fills f with the signal, splitting the frames over all cores.
// It stops with ctx.Err() when ctx is cancelled.
func generate(ctx context.Context, f *wavemap.File, signal string, freq, amp float64) error {
	fm := f.Format()
	total := f.Frames()
	workers := int64(runtime.GOMAXPROCS(0))
	per := (total + workers - 1) / workers
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		from, to := w*per, min((w+1)*per, total)
		if from >= to {
			break
		}
		wg.Go(func() {
			errs[w] = wavemap.Guard(func() error {
				return genRange(ctx, f, fm, from, to, signal, freq, amp)
			})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

const genBlock = 4096

func genRange(ctx context.Context, f *wavemap.File, fm wavemap.Format, from, to int64, signal string, freq, amp float64) error {
	ch := fm.Channels
	buf := make([]float64, genBlock*ch)
	for start := from; start < to; start += genBlock {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := int(min(genBlock, to-start))
		b := buf[:n*ch]
		fillSignal(b, fm, start, signal, freq, amp)
		if err := storeFloat(f, start*int64(ch), b); err != nil {
			return err
		}
	}
	return nil
}

// fillSignal fills b, frames from start on of a file of format fm, with
// the signal: the same values whichever block size or worker makes them.
func fillSignal(b []float64, fm wavemap.Format, start int64, signal string, freq, amp float64) {
	ch := fm.Channels
	n := len(b) / ch
	switch signal {
	case "sine":
		for c := range ch {
			// Rotate a phasor: exact start phase per block, then a
			// recurrence that stays accurate over one block.
			w := 2 * math.Pi * freq * float64(c+1) / float64(fm.SampleRate)
			s0, c0 := math.Sincos(math.Mod(w*float64(start), 2*math.Pi))
			sd, cd := math.Sincos(w)
			for i := range n {
				b[i*ch+c] = amp * s0
				s0, c0 = s0*cd+c0*sd, c0*cd-s0*sd
			}
		}
	case "noise":
		r := rand.New(rand.NewPCG(uint64(start), 0x9e3779b97f4a7c15))
		for i := range b {
			b[i] = amp * (2*r.Float64() - 1)
		}
	default:
		clear(b)
	}
}

// storeFloat converts v into f's samples starting at sample index at.
func storeFloat(f *wavemap.File, at int64, v []float64) error {
	switch f.Format().Encoding {
	case wavemap.EncodingUint8:
		return store[uint8](f, at, v)
	case wavemap.EncodingInt16:
		return store[int16](f, at, v)
	case wavemap.EncodingInt24:
		return store[wavemap.Int24](f, at, v)
	case wavemap.EncodingInt32:
		return store[int32](f, at, v)
	case wavemap.EncodingFloat32:
		return store[float32](f, at, v)
	case wavemap.EncodingFloat64:
		return store[float64](f, at, v)
	case wavemap.EncodingALaw:
		return store[wavemap.ALaw](f, at, v)
	case wavemap.EncodingMuLaw:
		return store[wavemap.MuLaw](f, at, v)
	case wavemap.EncodingInt16BE:
		return store[wavemap.Int16BE](f, at, v)
	case wavemap.EncodingInt24BE:
		return store[wavemap.Int24BE](f, at, v)
	case wavemap.EncodingInt32BE:
		return store[wavemap.Int32BE](f, at, v)
	case wavemap.EncodingFloat32BE:
		return store[wavemap.Float32BE](f, at, v)
	case wavemap.EncodingFloat64BE:
		return store[wavemap.Float64BE](f, at, v)
	}
	return fmt.Errorf("unknown encoding %v", f.Format().Encoding)
}

func store[T wavemap.Sample](f *wavemap.File, at int64, v []float64) error {
	s, err := wavemap.Samples[T](f)
	if err != nil {
		return err
	}
	wavemap.Convert(s[at:at+int64(len(v))], v)
	return nil
}
