package cli

import (
	"context"
	"fmt"
	"math"

	"github.com/wavemap/wavemap"
)

func runCat(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "cat", "IN... OUT")
	container := containerFlag(fs, "same")
	asJSON := &e.json
	quiet := quietFlag(fs)
	withExample(fs, e, "wavemap cat part1.wav part2.wav part3.wav whole.wav")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return usagef("want one or more input files and an output file")
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
	var frames, bytes int64
	for _, in := range ins {
		f, err := openAudio(e, "cat", in, wavemap.ReadOnly)
		if err != nil {
			return err
		}
		srcs = append(srcs, f)
		if a, b := srcs[0].Format(), f.Format(); !sameAudio(a, b) {
			return fmt.Errorf("%s: format %s differs from %s in %s", in, formatDetail(b), formatDetail(a), ins[0])
		} else if a != b {
			fmt.Fprintf(e.stderr, "wavemap cat: %s: note: format %s joined to %s: the same samples, the output has the first file's header\n",
				in, formatDetail(b), formatDetail(a))
		}
		if f.Frames() > math.MaxInt64-frames {
			return fmt.Errorf("%s: the inputs hold too many frames together", in)
		}
		frames += f.Frames()
		bytes += int64(len(f.Bytes()))
	}
	c, err := container.resolve(srcs[0])
	if err != nil {
		return err
	}
	// The first input's chunks are kept, with the cue points of the
	// others added at the frames where their audio lands.
	m, err := inputMetadata(srcs[0])
	if err != nil {
		return err
	}
	var notes []string
	offset := srcs[0].Frames()
	for _, f := range srcs[1:] {
		mi, err := inputMetadata(f)
		if err != nil {
			return err
		}
		if f.Header().Container == wavemap.RIFX || srcs[0].Header().Container == wavemap.RIFX {
			if len(mi.Chunks) > 0 { // big-endian fields: not read
				notes = append(notes, fmt.Sprintf("the cue points of %s are not added: wavemap does not read the chunks of big-endian RIFX files", f.Name()))
			}
		} else {
			notes = append(notes, m.AppendCues(mi, offset)...)
		}
		offset += f.Frames()
	}
	out, err := newOutputFile(e, "cat", outName, ins...)
	if err != nil {
		return err
	}
	dst, err := out.create(srcs[0].Format(), frames, c, m)
	if err != nil {
		return err
	}
	p := e.progress(outName, *quiet, bytes)
	data := dst.Bytes()
	var at int64
	for i, f := range srcs {
		b := f.Bytes()
		if err = copyChunked(ctx, data[at:at+int64(len(b))], b, p, at); err != nil {
			err = fileError(ins[i], err)
			break
		}
		at += int64(len(b))
	}
	p.Done()
	if err != nil {
		out.abort(dst)
		return err
	}
	made := fileOf(outName, dst)
	if err := out.commit(dst); err != nil {
		return err
	}
	notes = metadataNotes(e, "cat", outName, *quiet, notes)
	j := madeJSON{head: head{Command: "cat", Frames: frames, Duration: made.Duration}, Output: made, Notes: notes}
	for i, f := range srcs {
		j.Inputs = append(j.Inputs, fileOf(ins[i], f))
	}
	if *asJSON {
		return printJSON(e, j)
	}
	fmt.Fprintf(e.stdout, "%d files -> %s: %d frames (%s)\n", len(ins), outName, frames, clock(float64(made.Duration)))
	return nil
}

// sameAudio reports whether files of formats a and b can be joined: the
// same encoding, channels, rate and valid bits, and channel masks that
// agree or of which one is not given (0: a plain PCM header, which sox
// and ffmpeg join to an EXTENSIBLE one of the same layout).
func sameAudio(a, b wavemap.Format) bool {
	if a.Encoding != b.Encoding || a.Channels != b.Channels || a.SampleRate != b.SampleRate || a.Bits() != b.Bits() {
		return false
	}
	return a.ChannelMask == b.ChannelMask || a.ChannelMask == 0 || b.ChannelMask == 0
}

// formatDetail describes a format with the fields Format.String leaves
// out when they are set.
func formatDetail(fm wavemap.Format) string {
	s := fm.String()
	if fm.ValidBits != 0 {
		s += fmt.Sprintf(" (%d valid bits)", fm.ValidBits)
	}
	if fm.ChannelMask != 0 {
		s += fmt.Sprintf(" (channel mask %#x)", fm.ChannelMask)
	}
	return s
}
