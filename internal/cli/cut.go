package cli

import (
	"context"
	"fmt"
	"io"
	"math"

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
	if outName == stdinName && *asJSON {
		return usagef("--json prints on standard output, which carries the audio when OUT is -")
	}
	if in == stdinName {
		return cutStream(ctx, e, *from, *to, outName, container)
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
	fsz := int64(src.Format().FrameSize())
	rng := rangeOf(a, b, rate, clamped)
	if outName == stdinName {
		// To standard output: the range through a Writer.
		w, err := wavemap.NewWriter(e.stdout, src.Format(), &wavemap.Options{Container: c, Metadata: m})
		if err == nil {
			err = writeChunked(ctx, w, src.Bytes()[a*fsz:b*fsz])
		}
		if err == nil {
			err = w.Close()
		}
		if err != nil {
			return stdoutError(fileError(in, err))
		}
		metadataNotes(e, "cut", outName, *quiet, notes)
		fmt.Fprintf(e.stderr, "%s -> -: %s to %s, %d frames\n", in, clock(float64(rng.FromSeconds)), clock(float64(rng.ToSeconds)), b-a)
		return nil
	}
	out, err := newOutputFile(e, "cut", outName, in)
	if err != nil {
		return err
	}
	dst, err := out.create(src.Format(), b-a, c, m)
	if err != nil {
		return err
	}
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
	j := madeJSON{head: headOf("cut", in, src), Range: &rng, Output: made, Notes: notes}
	if *asJSON {
		return printJSON(e, j)
	}
	fmt.Fprintf(e.stdout, "%s -> %s: %s to %s, %d frames (%s)\n", in, outName, clock(float64(rng.FromSeconds)),
		clock(float64(rng.ToSeconds)), made.Frames, clock(float64(made.Duration)))
	return nil
}

// writeChunked writes data, read from a mapping, to w in blocks, under
// wavemap.Guard (a fault on the mapping is an error) and stopping when
// ctx is done.
func writeChunked(ctx context.Context, w io.Writer, data []byte) error {
	return wavemap.Guard(func() error {
		for off := 0; off < len(data); off += copyChunk {
			if err := ctx.Err(); err != nil {
				return err
			}
			if _, err := w.Write(data[off:min(off+copyChunk, len(data))]); err != nil {
				return err
			}
		}
		return nil
	})
}

// cutStream copies the range [from, to) of the WAVE stream on standard
// input to outName (a file, or "-"): the frames before it are read and
// dropped, and a range past the end stops at the end, with a warning.
func cutStream(ctx context.Context, e *env, from, to, outName string, container containerChoice) error {
	r, err := openStream(e, "cut")
	if err != nil {
		return err
	}
	h := r.Header()
	rate := h.Format.SampleRate
	a, err := parseTimeSpec(from, rate)
	if err != nil {
		return err
	}
	b := int64(-1) // to the end
	if to != "" {
		if b, err = parseTimeSpec(to, rate); err != nil {
			return err
		}
		if b <= a {
			return fmt.Errorf("-: --from %s and --to %s select no frames", formatFrames(a, rate), formatFrames(b, rate))
		}
	}
	skipped, err := r.Skip(a)
	if err != nil {
		return fileError("standard input", err)
	}
	if skipped < a {
		return fmt.Errorf("-: --from %s is past the end (%s): nothing to cut", formatFrames(a, rate), formatFrames(skipped, rate))
	}
	c, err := streamContainer(container, h)
	if err != nil {
		return err
	}
	// The metadata before the audio is all a stream gives before its
	// audio; positions in it move to the range.
	m := r.Metadata()
	var notes []string
	end := b
	if end < 0 {
		end = math.MaxInt64
		if h.Frames >= 0 {
			end = h.Frames
		}
	}
	if h.Container == wavemap.RIFX {
		notes = rifxChunksNote(m)
	} else {
		m, notes = m.Excerpt(a, end, rate)
	}
	s, err := newSink(e, "cut", outName, stdinName)
	if err != nil {
		return err
	}
	w, err := wavemap.NewWriter(s.w, h.Format, &wavemap.Options{Container: c, Metadata: m})
	if err != nil {
		return s.finish(err)
	}
	n := int64(-1)
	if b >= 0 {
		n = b - a
	}
	copied, _, err := wavemap.TranscodeReader(ctx, w, r, n, nil)
	if err != nil {
		err = s.streamError(w, err)
		s.finish(err) // removes the temporary file
		return err
	}
	if err := s.finish(w.Close()); err != nil {
		if s.o == nil {
			return stdoutError(err)
		}
		return err
	}
	clamped := n >= 0 && copied < n
	if clamped {
		fmt.Fprintf(e.stderr, "wavemap cut: -: warning: --to %s is past the end (%s): stopping at the end\n",
			formatFrames(b, rate), formatFrames(a+copied, rate))
	}
	notes = metadataNotes(e, "cut", outName, e.quiet, notes)
	rng := rangeOf(a, a+copied, rate, clamped)
	made, err := describeOutput(outName, h.Format, &wavemap.Options{Container: c}, copied)
	if err != nil {
		return err
	}
	j := madeJSON{head: streamHead("cut", r, a+copied), Range: &rng, Output: made, Notes: notes}
	if e.json {
		return printJSON(e, j)
	}
	fmt.Fprintf(s.summary(e), "- -> %s: %s to %s, %d frames\n", outName, clock(float64(rng.FromSeconds)), clock(float64(rng.ToSeconds)), copied)
	return nil
}
