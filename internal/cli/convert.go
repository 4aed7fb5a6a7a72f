package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/wavemap/wavemap"
)

type convertJSON struct {
	File    string `json:"file"`
	Output  string `json:"output"`
	From    string `json:"from"`
	To      string `json:"to"`
	Frames  int64  `json:"frames"`
	Clipped int64  `json:"clipped"`
	// Metadata holds the notes on the metadata chunks carried over.
	Metadata []string `json:"metadata"`
}

func runConvert(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "convert", "IN OUT")
	to := fs.String("to", "", "encoding to write: u8, s16, s24, s32, f32, f64, alaw or ulaw, or big-endian s16be, s24be, s32be, f32be or f64be (RIFX) (required)")
	rateKeep := fs.Bool("rate-keep", true, "keep the sample rate (the only behaviour: convert never resamples)")
	container := containerFlag(fs, "same")
	asJSON := &e.json
	quiet := quietFlag(fs)
	withExample(fs, e, "wavemap convert --to f32 take.wav take-f32.wav")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("want an input and an output file")
	}
	if !*rateKeep {
		return usagef("--rate-keep=false: convert never resamples, the sample rate is always kept")
	}
	if *to == "" {
		return usagef("--to is required (u8, s16, s24, s32, f32, f64, alaw or ulaw)")
	}
	enc, err := wavemap.ParseEncoding(*to)
	if err != nil {
		return usageError{err.Error()}
	}
	in, out := pos[0], pos[1]
	if err := refuseStdio(out, in); err != nil {
		return err
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
	// The output is written under a temporary name and renamed into
	// place when complete (see outputFile).
	o, err := newOutputFile(e, "convert", out, in)
	if err != nil {
		return err
	}
	sf := src.Format()
	df := sf
	df.Encoding = enc
	df.ValidBits = convertedValidBits(sf, enc)
	// The output is written with write(2) rather than through a fresh
	// mapping: page faults on new pages cost more than the conversion.
	osf, err := o.createPlain()
	if err != nil {
		return err
	}
	w, err := wavemap.NewWriter(osf, df, &wavemap.Options{Container: c, Metadata: m})
	if err != nil {
		return o.finish(err)
	}
	p := e.progress(in, *quiet, src.Frames()*int64(sf.FrameSize()))
	clipped, err := wavemap.TranscodeTo(ctx, w, src, &wavemap.PassOptions{Progress: p.Frames(sf.FrameSize())})
	p.Done()
	if err != nil {
		o.finish(err) // removes the temporary file
		if errors.Is(err, wavemap.ErrNoSpace) {
			return o.errorf(err) // about the output, named as cut and cat name it
		}
		return fileError(in, err)
	}
	if err := o.finish(w.Close()); err != nil { // syncs, closes and renames the file
		return err
	}
	notes = metadataNotes(e, "convert", out, *quiet, notes)
	j := convertJSON{File: in, Output: out, From: sf.Encoding.String(), To: enc.String(), Frames: src.Frames(), Clipped: clipped, Metadata: notes}
	if *asJSON {
		return printJSON(e, j)
	}
	fmt.Fprintf(e.stdout, "%s -> %s: %s to %s, %d frames, %d samples clipped\n", in, out, j.From, j.To, j.Frames, clipped)
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
