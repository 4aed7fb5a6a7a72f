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
	fs := newFlags(e, "gen", "OUT.wav")
	typ := fs.String("type", "s16", "sample encoding: u8, s16, s24, s32, f32, f64, alaw, ulaw (s16be ... f64be: big-endian RIFX)")
	channels := fs.Int("channels", 2, "number of channels")
	rate := fs.Int("rate", 48000, "sample rate in Hz")
	seconds := fs.Float64("seconds", 0, "length in seconds")
	frames := fs.Int64("frames", 0, "length in frames (instead of --seconds)")
	signal := fs.String("signal", "sine", "sine, noise or silence")
	freq := fs.Float64("freq", 440, "sine frequency in Hz (channel c gets freq*(c+1))")
	amp := fs.Float64("amp", 0.5, "peak amplitude, 0 to 1")
	container := fs.String("container", "auto", "auto, riff, rf64, bw64, w64 or rifx (big-endian)")
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
	n := *frames
	if n == 0 {
		n = int64(math.Round(*seconds * float64(*rate)))
	}
	if n <= 0 || (*frames != 0 && *seconds != 0) {
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
	// Like the other commands that create a file, gen writes under a
	// temporary name and renames the file into place once it is
	// complete: an interrupted or failed gen leaves the old file (or
	// nothing) at the name.
	if err := refuseStdio(pos[0]); err != nil {
		return err
	}
	out, err := newOutputFile(e, "gen", pos[0])
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
	return out.commit(f)
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
		}
		if err := storeFloat(f, start*int64(ch), b); err != nil {
			return err
		}
	}
	return nil
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
