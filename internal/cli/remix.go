package cli

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/wavemap/wavemap"
)

// remixHelp explains the channel specifications of remix, which are
// sox's.
const remixHelp = `Each OUT-SPEC makes one output channel, as in sox's remix effect:
  OUT-SPEC = IN-SPEC{,IN-SPEC} | 0        (0: a silent channel)
  IN-SPEC  = [N][-[M]][VOL]                input channel N (from 1), or N to M
                                          (-M from 1, N- to the last channel)
  VOL      = vX  (a factor: v0.5, v-1)  |  pX  (X dB)  |  iX  (X dB, inverted)
A channel mixed from n input channels takes 1/n of each, unless the
OUT-SPEC gives a volume (then those without one take 1); --auto keeps 1/n
for them, --power makes it 1/sqrt(n), --manual never scales. Mixes are
computed in float64 and rounded to the output encoding, clipping counted.
An OUT-SPEC that starts with '-' (-2: channels 1 to 2) must follow --.`

// remixMode is sox's scaling of channels mixed without a volume.
type remixMode struct{ auto, manual, power bool }

// parseRemix reads sox remix out-specs (see remixHelp) for an input of n
// channels into weights: out[j][c] is the weight of input channel c
// (from 0) in output channel j. n < 0 checks the syntax only.
func parseRemix(specs []string, n int, mode remixMode) ([][]float64, error) {
	out := make([][]float64, 0, len(specs))
	for _, spec := range specs {
		row, err := parseOutSpec(spec, n, mode)
		if err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

// remixTerm is one input channel of an out-spec, with its volume (NaN
// when the spec gives none).
type remixTerm struct {
	ch  int
	vol float64
}

func parseOutSpec(spec string, n int, mode remixMode) ([]float64, error) {
	bad := func(why string, args ...any) error {
		return usagef("remix specification %q: %s (see 'wavemap remix -h')", spec, fmt.Sprintf(why, args...))
	}
	if spec == "0" {
		return make([]float64, max(n, 0)), nil
	}
	if spec == "" {
		return nil, bad("empty")
	}
	var terms []remixTerm
	volumes := false
	for part := range strings.SplitSeq(spec, ",") {
		if part == "" {
			return nil, bad("an empty channel between commas")
		}
		chans, vol, hasVol := part, "", false
		if i := strings.IndexAny(part, "vpi"); i >= 0 {
			chans, vol, hasVol = part[:i], part[i:], true
		}
		a, b, isRange := strings.Cut(chans, "-")
		lo, hi := 1, n
		var err error
		if a != "" {
			if lo, err = strconv.Atoi(a); err != nil || lo < 0 {
				return nil, bad("%q is not a channel number", a)
			}
			if lo == 0 {
				return nil, bad("channel 0 (silence) stands alone, as the whole specification")
			}
		}
		if !isRange {
			hi = lo
		} else if b != "" {
			if hi, err = strconv.Atoi(b); err != nil || hi < 1 {
				return nil, bad("%q is not a channel number", b)
			}
		}
		w := math.NaN()
		if hasVol {
			volumes = true
			x := 1.0
			if vol[0] != 'v' {
				x = 0 // dB
			}
			if len(vol) > 1 {
				if x, err = strconv.ParseFloat(vol[1:], 64); err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
					return nil, bad("volume %q is not a number", vol[1:])
				}
			}
			switch vol[0] {
			case 'v':
				w = x
			case 'p':
				w = math.Pow(10, x/20)
			case 'i':
				w = -math.Pow(10, x/20)
			}
		}
		if n < 0 {
			continue
		}
		if hi < lo {
			lo, hi = hi, lo
		}
		if hi > n {
			return nil, bad("channel %d asked for, but the input has %d channel(s)", hi, n)
		}
		for c := lo; c <= hi; c++ {
			terms = append(terms, remixTerm{c - 1, w})
		}
	}
	if n < 0 {
		return nil, nil
	}
	// The channels without a volume: sox's 1/n, unless a volume was given
	// (-a keeps it then; -m drops it always).
	def := 1.0
	if !mode.manual && (mode.auto || !volumes) {
		def = 1 / float64(len(terms))
		if mode.power {
			def = 1 / math.Sqrt(float64(len(terms)))
		}
	}
	row := make([]float64, n)
	for _, t := range terms {
		w := t.vol
		if math.IsNaN(w) {
			w = def
		}
		row[t.ch] += w
	}
	return row, nil
}

// remixSources describes the output channels of a mix in sox's manual
// notation ("1v0.5,2v0.5", "3", "0" for silence), for --json.
func remixSources(mix [][]float64) []string {
	out := make([]string, len(mix))
	for j, row := range mix {
		var parts []string
		for c, w := range row {
			switch {
			case w == 0:
			case w == 1:
				parts = append(parts, strconv.Itoa(c+1))
			default:
				parts = append(parts, fmt.Sprintf("%dv%s", c+1, strconv.FormatFloat(w, 'g', -1, 64)))
			}
		}
		if len(parts) == 0 {
			parts = []string{"0"}
		}
		out[j] = strings.Join(parts, ",")
	}
	return out
}

// cutSpecs splits args at the first "--": the flags and positional
// arguments before it, and the remix specifications after it (which may
// start with '-').
func cutSpecs(args []string) (before, after []string) {
	for i, a := range args {
		if a == "--" {
			return args[:i], args[i+1:]
		}
	}
	return args, nil
}

func runRemix(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "remix", "IN OUT OUT-SPEC... (or IN OUT -- OUT-SPEC...)")
	to := fs.String("to", "", "encoding to write: u8, s16, s24, s32, f32, f64, alaw, ulaw, or big-endian s16be ... f64be (default: the input's)")
	var mode remixMode
	fs.BoolVarP(&mode.auto, "auto", "a", false, "automatic: 1/n for the channels mixed without a volume even when the OUT-SPEC gives volumes (sox -a)")
	fs.BoolVarP(&mode.manual, "manual", "m", false, "manual: no automatic scaling, every channel at its volume or 1 (sox -m)")
	fs.BoolVarP(&mode.power, "power", "p", false, "power: 1/sqrt(n) instead of 1/n (sox -p)")
	maskFlag := fs.String("mask", "", "channel mask of the output: a number (0x3) or speaker positions (FL,FR); default: the positions of the channels taken alone, else sox's layout for the count")
	noMask := fs.Bool("no-mask", false, "write no channel mask")
	container := containerFlag(fs, "same")
	asJSON := &e.json
	quiet := quietFlag(fs)
	withExample(fs, e, "wavemap remix take-5.1.wav stereo.wav 1v0.7,3v0.5,5v0.5 2v0.7,3v0.5,6v0.5\n\n"+remixHelp)
	before, after := cutSpecs(args)
	pos, err := parse(fs, before)
	if err != nil {
		if strings.Contains(err.Error(), "provided but not defined: -") {
			return usagef("%v (%s)", err, "an OUT-SPEC that starts with '-' must follow --")
		}
		return err
	}
	pos = append(pos, after...)
	if len(pos) < 3 {
		return usagef("want an input file, an output file and one OUT-SPEC or more (see 'wavemap remix -h')")
	}
	if mode.auto && mode.manual {
		return usagef("-a (automatic) and -m (manual) contradict each other")
	}
	in, outName, specs := pos[0], pos[1], pos[2:]
	if _, err := parseRemix(specs, -1, mode); err != nil {
		return err
	}
	var mask uint32
	if *maskFlag != "" {
		if *noMask {
			return usagef("--mask and --no-mask contradict each other")
		}
		if mask, err = parseMask(*maskFlag); err != nil {
			return err
		}
		if n := bits.OnesCount32(mask); n > len(specs) {
			return usagef("--mask %s names %d speaker positions for %d output channels", *maskFlag, n, len(specs))
		}
	}
	var enc wavemap.Encoding
	if *to != "" {
		if enc, err = wavemap.ParseEncoding(*to); err != nil {
			return usageError{err.Error()}
		}
	}
	if err := refuseStdio(outName, in); err != nil {
		return err
	}
	src, err := openAudio(e, "remix", in, wavemap.ReadOnly)
	if err != nil {
		return err
	}
	defer src.Close()
	sf := src.Format()
	mix, err := parseRemix(specs, sf.Channels, mode)
	if err != nil {
		return err
	}
	if enc == 0 {
		enc = sf.Encoding
	}
	c, err := container.resolve(src)
	if err != nil {
		return err
	}
	switch {
	case c == wavemap.RIFX && container.same():
		c = wavemap.AutoContainer // big-endian samples make RIFX by themselves
	case c == wavemap.RIFX:
		enc = enc.WithOrder(true) // --container rifx: s16 means s16be
	}
	out, err := newOutputFile(e, "remix", outName, in)
	if err != nil {
		return err
	}
	p := e.progress(in, *quiet, src.Frames()*int64(sf.FrameSize()))
	r, err := wavemap.Remix(ctx, outName, src, mix, &wavemap.RemixOptions{
		PassOptions: wavemap.PassOptions{Progress: p.Frames(sf.FrameSize())},
		Encoding:    enc,
		ChannelMask: mask,
		NoMask:      *noMask,
		Output:      &wavemap.Options{Container: c, Perm: out.perm},
	})
	p.Done()
	if err != nil {
		return channelError([]*outputFile{out}, []string{in}, err)
	}
	o := r.Outputs[0]
	notes := metadataNotes(e, "remix", outName, *quiet, o.Notes)
	if *asJSON {
		out := channelOutputOf(o, remixSources(mix), notes)
		return printJSON(e, channelsJSON{head: headOf("remix", in, src), Clipped: &r.Clipped, Output: &out})
	}
	fmt.Fprintf(e.stdout, "%s -> %s: %d channels%s, %s, %d frames, %d samples clipped\n",
		in, outName, o.Format.Channels, maskText(o.Format.ChannelMask), o.Format.Encoding, o.Frames, r.Clipped)
	return nil
}
