package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/wavemap/wavemap"
)

func runConvert(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "convert", "IN OUT")
	to := fs.StringP("to", "t", "", "encoding to write (required): u8, s16, s24, s32, f32, f64, alaw, ulaw, or big-endian s16be ... f64be (RIFX); any case, and ffmpeg's names (pcm_s16le, f32le, float, double ...)")
	container := containerFlag(fs, "same")
	asJSON := &e.json
	quiet := quietFlag(fs)
	withExample(fs, e, "wavemap convert --to f32 take.wav take-f32.wav")
	withExample(fs, e, "wavemap convert --to f32 take.wav - | ffmpeg -i - take.flac")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("want an input and an output file")
	}
	if *to == "" {
		return usagef("--to is required (u8, s16, s24, s32, f32, f64, alaw or ulaw)")
	}
	enc, err := wavemap.ParseEncoding(*to)
	if err != nil {
		return usageError{err.Error()}
	}
	in, out := pos[0], pos[1]
	if out == stdinName && *asJSON {
		return usagef("--json prints on standard output, which carries the audio when OUT is -")
	}
	if in == stdinName {
		return convertStream(ctx, e, out, enc, container)
	}
	src, err := openAudio(e, "convert", in, wavemap.ReadOnly)
	if err != nil {
		return err
	}
	defer src.Close()
	c, err := container.resolve(src)
	if err != nil {
		return err
	}
	switch {
	case c == wavemap.RIFX && container.same():
		// A RIFX input converts to little-endian RIFF unless --to asks
		// for big-endian samples (which make RIFX by themselves).
		c = wavemap.AutoContainer
	case c == wavemap.RIFX:
		enc = enc.WithOrder(true) // --container rifx: s16 means s16be
	}
	// The chunks are kept; those that describe the samples as they were
	// (an MD5 of the audio, a levl peak envelope, bext loudness) are
	// removed or cleared.
	m, err := inputMetadata(src)
	if err != nil {
		return err
	}
	notes := m.AudioChanged()
	if src.Header().Container == wavemap.RIFX && !enc.BigEndian() && c != wavemap.RIFX && len(m.Chunks) > 0 {
		// The fields of a RIFX file's chunks (cue points, bext's time
		// reference ...) are big-endian: they would be wrong in a
		// little-endian file.
		notes = append(notes, fmt.Sprintf("%d metadata chunk(s) of the big-endian RIFX input left out: their fields would be wrong in a little-endian file", len(m.Chunks)))
		m = &wavemap.Metadata{}
	}
	sf := src.Format()
	df := sf
	df.Encoding = enc
	df.ValidBits = convertedValidBits(sf, enc)
	var (
		o   *outputFile
		dst io.Writer = e.stdout
	)
	if out != "-" {
		// The output is written under a temporary name and renamed into
		// place when complete (see outputFile).
		if o, err = newOutputFile(e, "convert", out, in); err != nil {
			return err
		}
		// The output is written with write(2) rather than through a
		// fresh mapping: page faults on new pages cost more than the
		// conversion.
		osf, err := o.createPlain()
		if err != nil {
			return err
		}
		dst = osf
	}
	finish := func(err error) error {
		if o != nil {
			return o.finish(err) // syncs, closes and renames the file, or removes it
		}
		return err
	}
	w, err := wavemap.NewWriter(dst, df, &wavemap.Options{Container: c, Metadata: m})
	if err != nil {
		return finish(err)
	}
	p := e.progress(in, *quiet, src.Frames()*int64(sf.FrameSize()))
	clipped, err := wavemap.TranscodeTo(ctx, w, src, &wavemap.PassOptions{Progress: p.Frames(sf.FrameSize())})
	p.Done()
	if err != nil {
		finish(err) // removes the temporary file
		if o != nil && errors.Is(err, wavemap.ErrNoSpace) {
			return o.errorf(err) // about the output, named as cut and cat name it
		}
		if out == "-" && !errors.Is(err, ctx.Err()) {
			return fmt.Errorf("writing to standard output: %w", err)
		}
		return fileError(in, err)
	}
	if err := finish(w.Close()); err != nil {
		return err
	}
	notes = metadataNotes(e, "convert", out, *quiet, notes)
	made, err := describeOutput(out, df, &wavemap.Options{Container: c}, src.Frames())
	if err != nil {
		return err
	}
	j := madeJSON{head: headOf("convert", in, src), Clipped: &clipped, Notes: notes, Output: made}
	if *asJSON {
		return printJSON(e, j)
	}
	summary := e.stdout
	if out == "-" {
		summary = e.stderr // standard output carries the audio
	}
	fmt.Fprintf(summary, "%s -> %s: %s to %s, %d frames, %d samples clipped\n", in, out, sf.Encoding, enc, src.Frames(), clipped)
	return nil
}

// convertStream converts the WAVE stream on standard input, block by
// block, to out (a file, or "-").
func convertStream(ctx context.Context, e *env, out string, enc wavemap.Encoding, container containerChoice) error {
	r, err := openStream(e, "convert")
	if err != nil {
		return err
	}
	h := r.Header()
	c, err := streamContainer(container, h)
	if err != nil {
		return err
	}
	switch {
	case c == wavemap.RIFX && container.same():
		c = wavemap.AutoContainer
	case c == wavemap.RIFX:
		enc = enc.WithOrder(true)
	}
	m := r.Metadata()
	notes := m.AudioChanged()
	if h.Container == wavemap.RIFX && !enc.BigEndian() && c != wavemap.RIFX && len(m.Chunks) > 0 {
		notes = append(notes, fmt.Sprintf("%d metadata chunk(s) of the big-endian RIFX input left out: their fields would be wrong in a little-endian file", len(m.Chunks)))
		m = &wavemap.Metadata{}
	}
	sf := r.Format()
	df := sf
	df.Encoding = enc
	df.ValidBits = convertedValidBits(sf, enc)
	s, err := newSink(e, "convert", out, stdinName)
	if err != nil {
		return err
	}
	w, err := wavemap.NewWriter(s.w, df, &wavemap.Options{Container: c, Metadata: m})
	if err != nil {
		return s.finish(err)
	}
	copied, clipped, err := wavemap.TranscodeReader(ctx, w, r, -1, nil)
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
	notes = metadataNotes(e, "convert", out, e.quiet, notes)
	made, err := describeOutput(out, df, &wavemap.Options{Container: c}, copied)
	if err != nil {
		return err
	}
	j := madeJSON{head: streamHead("convert", r, copied), Clipped: &clipped, Notes: notes, Output: made}
	if e.json {
		return printJSON(e, j)
	}
	fmt.Fprintf(s.summary(e), "- -> %s: %s to %s, %d frames, %d samples clipped\n", out, sf.Encoding, enc, copied, clipped)
	return nil
}

// convertedValidBits is the ValidBits of a file converted from sf to enc:
// integer samples keep their meaningful bits when the new container is at
// least as wide (the values move up with the container, so the low bits
// stay zero); otherwise the whole container counts.
func convertedValidBits(sf wavemap.Format, enc wavemap.Encoding) int {
	v := sf.ValidBits
	if v == 0 || sf.Encoding.IsFloat() || enc.IsFloat() || enc == wavemap.EncodingALaw || enc == wavemap.EncodingMuLaw ||
		v >= enc.Bits() {
		return 0
	}
	return v
}
