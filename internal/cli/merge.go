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

// parseMask reads a channel mask: a number (0x3f, 63) or speaker
// positions as info prints them (FL,FR,FC,LFE,BL,BR), in any order.
func parseMask(s string) (uint32, error) {
	if v, err := strconv.ParseUint(s, 0, 32); err == nil {
		if v == 0 {
			return 0, usagef("--mask 0: use --no-mask for a file without a channel mask")
		}
		return uint32(v), nil
	}
	var mask uint32
	for name := range strings.SplitSeq(s, ",") {
		bit := -1
		for b, p := range speakerPositions {
			if strings.EqualFold(p, strings.TrimSpace(name)) {
				bit = b
			}
		}
		if bit < 0 {
			return 0, usagef("--mask %s: %q is neither a number nor a speaker position (%s)", s, name, strings.Join(speakerPositions[:], " "))
		}
		if mask&(1<<bit) != 0 {
			return 0, usagef("--mask %s names %s twice", s, name)
		}
		mask |= 1 << bit
	}
	return mask, nil
}

func runMerge(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "merge", "IN... OUT")
	maskFlag := fs.String("mask", "", "channel mask of the output: a number (0x3f) or speaker positions (FL,FR,FC,LFE,BL,BR); default: the inputs' positions, else sox's layout for the count")
	noMask := fs.Bool("no-mask", false, "write no channel mask")
	pad := fs.Bool("pad", false, "pad shorter inputs with silence at their end to the longest (default: inputs of different lengths are refused)")
	container := containerFlag(fs, "same")
	asJSON := &e.json
	quiet := quietFlag(fs)
	withExample(fs, e, "wavemap merge take.FL.wav take.FR.wav take.FC.wav take.LFE.wav take.BL.wav take.BR.wav take-5.1.wav")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return usagef("want one or more input files and an output file")
	}
	var mask uint32
	if *maskFlag != "" {
		if *noMask {
			return usagef("--mask and --no-mask contradict each other")
		}
		if mask, err = parseMask(*maskFlag); err != nil {
			return err
		}
	}
	ins, outName := pos[:len(pos)-1], pos[len(pos)-1]
	if err := refuseStdio(outName, ins...); err != nil {
		return err
	}
	srcs := make([]*wavemap.File, 0, len(ins))
	defer func() {
		for _, f := range srcs {
			f.Close()
		}
	}()
	channels := 0
	var bytes int64
	var sources []string
	for _, in := range ins {
		f, err := openAudio(e, "merge", in, wavemap.ReadOnly)
		if err != nil {
			return err
		}
		srcs = append(srcs, f)
		a, b := srcs[0].Format(), f.Format()
		switch {
		case a.Encoding != b.Encoding:
			return fmt.Errorf("%s: %s samples, but %s holds %s (wavemap convert makes them the same)", in, b.Encoding, ins[0], a.Encoding)
		case a.SampleRate != b.SampleRate:
			return fmt.Errorf("%s: %d Hz, but %s runs at %d Hz", in, b.SampleRate, ins[0], a.SampleRate)
		case f.Frames() != srcs[0].Frames() && !*pad:
			return fmt.Errorf("%s: %d frames, but %s holds %d (--pad pads the shorter inputs with silence)", in, f.Frames(), ins[0], srcs[0].Frames())
		}
		channels += b.Channels
		if channels > math.MaxUint16 {
			return fmt.Errorf("%s: the inputs hold more than %d channels together", in, math.MaxUint16)
		}
		for c := range b.Channels {
			sources = append(sources, fmt.Sprintf("%s:%d", in, c))
		}
		bytes += int64(len(f.Bytes()))
	}
	if n := bits.OnesCount32(mask); n > channels {
		return usagef("--mask %s names %d speaker positions for %d channels", *maskFlag, n, channels)
	}
	c, err := container.resolve(srcs[0])
	if err != nil {
		return err
	}
	out, err := newOutputFile(e, "merge", outName, ins...)
	if err != nil {
		return err
	}
	p := e.progress(outName, *quiet, bytes)
	frames := int64(0)
	for _, f := range srcs {
		frames = max(frames, f.Frames())
	}
	r, err := wavemap.Merge(ctx, outName, srcs, &wavemap.MergeOptions{
		PassOptions: wavemap.PassOptions{Progress: func(done, _ int64) {
			if frames > 0 {
				p.Update(int64(float64(bytes) * float64(done) / float64(frames)))
			}
		}},
		ChannelMask: mask,
		NoMask:      *noMask,
		Pad:         *pad,
		Output:      &wavemap.Options{Container: c, Perm: out.perm},
	})
	p.Done()
	if err != nil {
		return channelError([]*outputFile{out}, ins, err)
	}
	o := r.Outputs[0]
	notes := metadataNotes(e, "merge", outName, *quiet, o.Notes)
	if *asJSON {
		out := channelOutputOf(o, sources, notes)
		j := channelsJSON{head: head{Command: "merge", Frames: o.Frames, Duration: out.Duration}, Output: &out}
		for i, f := range srcs {
			j.Inputs = append(j.Inputs, fileOf(ins[i], f))
		}
		return printJSON(e, j)
	}
	fmt.Fprintf(e.stdout, "%s -> %s: %d channels%s, %d frames\n", strings.Join(ins, " "), outName, o.Format.Channels, maskText(o.Format.ChannelMask), o.Frames)
	return nil
}

// maskText describes a channel mask for the text output: " (mask 0x3f:
// FL FR FC LFE BL BR)", or "" for none.
func maskText(m uint32) string {
	if m == 0 {
		return ""
	}
	return fmt.Sprintf(" (mask %#x: %s)", m, strings.Join(speakerNames(m), " "))
}
