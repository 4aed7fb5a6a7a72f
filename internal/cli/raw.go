package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/wavemap/wavemap"
)

// rawFlags are the flags that describe a headerless input (raw, info).
type rawFlags struct {
	typ                     *string
	channels, rate          *int
	offset, trailer, frames *int64
}

func addRawFlags(fs *flagSet) *rawFlags {
	return &rawFlags{
		typ:      fs.String("type", "", "raw input: sample encoding (u8, s16, s24, s32, f32, f64, alaw, ulaw; s16be ... f64be for big-endian input, written as RIFX)"),
		channels: fs.Int("channels", 0, "raw input: number of channels"),
		rate:     fs.Int("rate", 0, "raw input: sample rate in Hz"),
		offset:   fs.Int64("offset", 0, "raw input: bytes to skip before the first sample"),
		trailer:  fs.Int64("trailer", 0, "raw input: bytes to leave after the last sample"),
		frames:   fs.Int64("frames", 0, "raw input: frames to use (0: all whole frames)"),
	}
}

// given reports whether any raw flag was set, that is whether the input
// is headerless.
func (r *rawFlags) given() bool {
	return *r.typ != "" || *r.channels != 0 || *r.rate != 0 || *r.offset != 0 || *r.trailer != 0 || *r.frames != 0
}

// spec returns the description of the raw input, or a usage error.
func (r *rawFlags) spec() (wavemap.Raw, error) {
	if *r.typ == "" || *r.channels == 0 || *r.rate == 0 {
		return wavemap.Raw{}, usagef("a raw input needs --type, --channels and --rate")
	}
	enc, err := wavemap.ParseEncoding(*r.typ)
	if err != nil {
		return wavemap.Raw{}, usageError{err.Error()}
	}
	raw := wavemap.Raw{
		Format: wavemap.Format{Encoding: enc, Channels: *r.channels, SampleRate: *r.rate},
		Offset: *r.offset, Trailer: *r.trailer, Frames: *r.frames,
	}
	if err := raw.Format.Validate(); err != nil {
		return wavemap.Raw{}, usageError{err.Error()}
	}
	if raw.Offset < 0 || raw.Trailer < 0 || raw.Frames < 0 {
		return wavemap.Raw{}, usagef("--offset, --trailer and --frames must not be negative")
	}
	return raw, nil
}

// open opens name read-only: as raw samples if raw flags were given, else
// as a WAVE file.
func (r *rawFlags) open(name string, opts *wavemap.Options) (*wavemap.File, error) {
	if !r.given() {
		return wavemap.Open(name, wavemap.ReadOnly, opts)
	}
	raw, err := r.spec()
	if err != nil {
		return nil, err
	}
	f, err := wavemap.OpenRaw(name, raw, wavemap.ReadOnly, opts)
	return f, fileError(name, err)
}

func runRaw(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "raw", "--type T --channels N --rate HZ [--offset N] IN OUT.wav | --extract IN.wav OUT.raw")
	extract := fs.Bool("extract", false, "write the samples of IN.wav, without a header, to OUT.raw")
	rf := addRawFlags(fs)
	container := containerFlag(fs, "auto")
	asJSON := &e.json
	quiet := quietFlag(fs)
	withExample(fs, e, "wavemap raw --type s16 --channels 2 --rate 48000 --offset 44 take.pcm take.wav")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("want an input and an output file")
	}
	in, outName := pos[0], pos[1]
	if outName == stdinName && *asJSON {
		return usagef("--json prints on standard output, which carries the audio when OUT is -")
	}
	if !*extract {
		if _, err := rf.spec(); err != nil {
			return err
		}
	}
	c, err := parseContainer(*container.name)
	if err != nil {
		return err
	}
	if in == stdinName || outName == stdinName {
		return rawStream(ctx, e, in, outName, *extract, rf, c)
	}
	src, err := rf.open(in, inputOptions(e, "raw", in))
	if err != nil {
		return err
	}
	defer src.Close()
	if !*extract && src.Frames() == 0 {
		// An empty WAVE file extracts to an empty file, but headerless
		// input without a frame is more likely a mistake than audio.
		return fmt.Errorf("%s: no whole frame of audio to wrap", in)
	}
	out, err := newOutputFile(e, "raw", outName, in)
	if err != nil {
		return err
	}
	fm := src.Format()
	data := src.Bytes()
	p := e.progress(in, *quiet, int64(len(data)))
	j := madeJSON{head: headOf("raw", in, src)}
	if *extract {
		j.Output = fileOf(outName, src)
		j.Output.Format = formatFromHeader(nil, fm)
		j.Output.Bytes = int64(len(data))
		err = extractTo(ctx, out, data, p)
	} else {
		var dst *wavemap.File
		m, notes := rawMetadata(in, src)
		j.Notes = notes
		dst, err = out.create(fm, src.Frames(), c, m)
		if err == nil {
			j.Output = fileOf(outName, dst)
			if err = copyChunked(ctx, dst.Bytes(), data, p, 0); err != nil {
				out.abort(dst)
				err = fileError(in, err)
			} else {
				err = out.commit(dst)
			}
		}
	}
	p.Done()
	if err != nil {
		return err
	}
	j.Notes = metadataNotes(e, "raw", outName, *quiet, j.Notes)
	if *asJSON {
		return printJSON(e, j)
	}
	fmt.Fprintf(e.stdout, "%s -> %s: %s %s, %d frames (%s)\n", in, outName, j.Output.Format.Container, fm, j.Output.Frames,
		clock(float64(j.Output.Duration)))
	return nil
}

// rawMetadata returns the metadata chunks to keep when the samples of
// src, opened as headerless, are wrapped in a WAVE header: none, unless
// the input is itself a WAVE file whose header the raw description skips
// exactly (its data starts at --offset and holds the frames taken, of the
// same size), as when a file with a wrong header is given the right
// format. The chunks are then kept as they are, with a note; when they
// cannot be, a note says why.
func rawMetadata(in string, src *wavemap.File) (*wavemap.Metadata, []string) {
	osf, err := os.Open(in)
	if err != nil {
		return nil, nil
	}
	defer osf.Close()
	st, err := osf.Stat()
	if err != nil {
		return nil, nil
	}
	h, err := wavemap.ReadHeader(osf, st.Size(), nil)
	if err != nil {
		return nil, nil // not a WAVE file: nothing to keep
	}
	m, err := wavemap.ReadMetadata(osf, h)
	if err != nil || len(m.Chunks) == 0 {
		return nil, nil
	}
	fm := src.Format()
	switch {
	case h.DataOffset != src.Header().DataOffset:
		return nil, []string{fmt.Sprintf("%d chunks of %s's WAVE header left out: its audio starts at byte %d, not at --offset %d",
			len(m.Chunks), in, h.DataOffset, src.Header().DataOffset)}
	case h.Format.FrameSize() != fm.FrameSize():
		return nil, []string{fmt.Sprintf("%d chunks of %s's WAVE header left out: its frames are of %d bytes, not %d (positions in them would be wrong)",
			len(m.Chunks), in, h.Format.FrameSize(), fm.FrameSize())}
	case src.Frames() > h.Frames:
		return nil, []string{fmt.Sprintf("%d chunks of %s's WAVE header left out: the %d frames taken run past its data chunk (%d frames; --trailer leaves the chunks after it out)",
			len(m.Chunks), in, src.Frames(), h.Frames)}
	}
	return m, []string{fmt.Sprintf("kept the %d chunks of %s's WAVE header", len(m.Chunks), in)}
}

// extractTo writes data, read from a mapping, to the output as plain
// bytes.
func extractTo(ctx context.Context, out *outputFile, data []byte, p *progress) error {
	f, err := out.createPlain()
	if err != nil {
		return err
	}
	err = wavemap.Guard(func() error {
		for off := 0; off < len(data); off += copyChunk {
			if err := ctx.Err(); err != nil {
				return err
			}
			end := min(off+copyChunk, len(data))
			if _, err := f.Write(data[off:end]); err != nil {
				return err
			}
			p.Update(int64(end))
		}
		return nil
	})
	return out.finish(err) // syncs, closes and renames the file, or removes it
}

// rawStream is raw with standard input or output ("-") on either side:
// --extract copies the audio of a WAVE stream (or file) as it is; a wrap
// reads headerless samples (after --offset; --frames limits them; the
// end of a stream cannot be known beforehand, so --trailer is refused)
// and writes them through a Writer.
func rawStream(ctx context.Context, e *env, in, outName string, extract bool, rf *rawFlags, c wavemap.Container) error {
	var src io.Reader = bufio.NewReaderSize(e.stdin, streamBuffer)
	var f *wavemap.File
	if in != stdinName {
		var err error
		if f, err = rf.open(in, inputOptions(e, "raw", in)); err != nil {
			return err
		}
		defer f.Close()
	}
	s, err := newSink(e, "raw", outName, in)
	if err != nil {
		return err
	}
	var n int64
	if extract {
		out := &writeErrors{w: s.w}
		switch {
		case f != nil:
			err = writeChunked(ctx, out, f.Bytes())
			n = int64(len(f.Bytes()))
		default:
			var r *wavemap.Reader
			if r, err = openStream(e, "raw"); err == nil {
				n, err = copyCtx(ctx, out, r)
			}
		}
		if out.err != nil {
			err = s.outputError(err)
		}
		if err = s.finish(err); err != nil {
			return err
		}
		fmt.Fprintf(s.summary(e), "%s -> %s: %d bytes of samples\n", in, outName, n)
		return nil
	}
	raw, _ := rf.spec() // checked by runRaw
	fm := raw.Format
	w, err := wavemap.NewWriter(s.w, fm, &wavemap.Options{Container: c})
	if err != nil {
		return s.finish(err)
	}
	switch {
	case f != nil:
		err = writeChunked(ctx, w, f.Bytes())
		n = f.Frames()
	case raw.Trailer != 0:
		err = usagef("--trailer needs the end of the input: not standard input (-)")
	default:
		if _, err = io.CopyN(io.Discard, src, raw.Offset); err == io.EOF {
			err = fmt.Errorf("-: --offset %d is past the end of the input", raw.Offset)
		}
		if err == nil {
			fsz := int64(fm.FrameSize())
			if raw.Frames > 0 {
				src = io.LimitReader(src, raw.Frames*fsz)
			}
			var bytes int64
			bytes, err = copyCtx(ctx, &wholeFrames{w: w, size: int(fsz)}, src)
			n = bytes / fsz
		}
	}
	if err != nil && w.Flush() != nil {
		err = s.outputError(err)
	}
	if err == nil {
		if err = w.Close(); err != nil {
			err = s.outputError(err)
		}
	}
	if err = s.finish(err); err != nil {
		return err
	}
	fmt.Fprintf(s.summary(e), "%s -> %s: %s, %d frames\n", in, outName, fm, n)
	return nil
}

// wholeFrames passes whole frames of size bytes to w, holding back a
// partial frame until the rest comes (one left at the end is dropped, as
// a wrapped file drops it).
type wholeFrames struct {
	w    io.Writer
	size int
	part []byte
}

func (f *wholeFrames) Write(p []byte) (int, error) {
	n := len(p)
	if len(f.part) > 0 {
		k := min(f.size-len(f.part), len(p))
		f.part = append(f.part, p[:k]...)
		p = p[k:]
		if len(f.part) < f.size {
			return n, nil
		}
		if _, err := f.w.Write(f.part); err != nil {
			return 0, err
		}
		f.part = f.part[:0]
	}
	whole := len(p) - len(p)%f.size
	if whole > 0 {
		if _, err := f.w.Write(p[:whole]); err != nil {
			return 0, err
		}
	}
	f.part = append(f.part, p[whole:]...)
	return n, nil
}
