package cli

import (
	"context"
	"fmt"

	"github.com/wavemap/wavemap"
)

func runCut(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "cut", "[--from T] [--to T] IN OUT")
	from := fs.String("from", "0", "start of the range: "+timeSpecHelp)
	to := fs.String("to", "", "end of the range, excluded (default: the end of IN)")
	container := containerFlag(fs, "same")
	asJSON := &e.json
	quiet := quietFlag(fs)
	withExample(fs, e, "wavemap cut --from 1:30 --to 2:00.5 take.wav part.wav")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("want an input and an output file")
	}
	// Check the syntax before touching a file: a bad time is a usage error.
	for _, t := range []string{*from, *to} {
		if _, err := parseTimeSpec(t, 1); t != "" && err != nil {
			return usageError{err.Error()}
		}
	}
	in, outName := pos[0], pos[1]
	if err := refuseStdio(outName, in); err != nil {
		return err
	}
	src, err := openAudio(e, "cut", in, wavemap.ReadOnly)
	if err != nil {
		return err
	}
	defer src.Close()
	rate := src.Format().SampleRate
	a, err := parseTimeSpec(*from, rate)
	if err != nil {
		return err
	}
	b := src.Frames()
	if *to != "" {
		if b, err = parseTimeSpec(*to, rate); err != nil {
			return err
		}
	}
	clamped := false
	if b > src.Frames() {
		// As sox's trim and ffmpeg's -to do: stop at the end.
		fmt.Fprintf(e.stderr, "wavemap cut: %s: warning: --to %s is past the end (%s): stopping at the end\n",
			in, formatFrames(b, rate), formatFrames(src.Frames(), rate))
		b, clamped = src.Frames(), true
	}
	switch {
	case a > src.Frames():
		return fmt.Errorf("%s: --from %s is past the end (%s): nothing to cut", in, formatFrames(a, rate), formatFrames(src.Frames(), rate))
	case b < a, b == a && src.Frames() > 0:
		// An empty range of an empty file is the whole file: it makes an
		// empty copy.
		return fmt.Errorf("%s: --from %s and --to %s select no frames", in, formatFrames(a, rate), formatFrames(b, rate))
	}
	c, err := container.resolve(src)
	if err != nil {
		return err
	}
	m, err := inputMetadata(src)
	if err != nil {
		return err
	}
	// The chunks are kept, their positions moved to the range (cue
	// points outside it dropped, bext's time reference advanced).
	var notes []string
	if src.Header().Container == wavemap.RIFX {
		// The codecs read chunk fields little-endian: a RIFX file's are
		// copied as they are.
		notes = rifxChunksNote(m)
	} else {
		m, notes = m.Excerpt(a, b, rate)
	}
	out, err := newOutputFile(e, "cut", outName, in)
	if err != nil {
		return err
	}
	dst, err := out.create(src.Format(), b-a, c, m)
	if err != nil {
		return err
	}
	fsz := int64(src.Format().FrameSize())
	p := e.progress(in, *quiet, (b-a)*fsz)
	err = copyChunked(ctx, dst.Bytes(), src.Bytes()[a*fsz:b*fsz], p, 0)
	p.Done()
	if err != nil {
		out.abort(dst)
		return fileError(in, err)
	}
	made := fileOf(outName, dst)
	if err := out.commit(dst); err != nil {
		return err
	}
	notes = metadataNotes(e, "cut", outName, *quiet, notes)
	r := rangeOf(a, b, rate, clamped)
	j := madeJSON{head: headOf("cut", in, src), Range: &r, Output: made, Notes: notes}
	if *asJSON {
		return printJSON(e, j)
	}
	fmt.Fprintf(e.stdout, "%s -> %s: %s to %s, %d frames (%s)\n", in, outName, clock(float64(r.FromSeconds)),
		clock(float64(r.ToSeconds)), made.Frames, clock(float64(made.Duration)))
	return nil
}
