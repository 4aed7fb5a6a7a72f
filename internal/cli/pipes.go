package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/wavemap/wavemap"
)

// Pipes. "-" as an input is standard input, read as a WAVE stream with
// wavemap.Reader (info, stats, check, loudness, convert, cut, raw); "-" as
// an output is standard output, written with wavemap.Writer (convert,
// cut, raw, gen). Memory stays bounded whatever the length: the streaming
// passes hold a few blocks. A stream is read once, so "-" may be given
// once; a stream written without its length (0xFFFFFFFF sizes, as ffmpeg
// and sox write to a pipe) is read to its end. When standard output
// carries audio, the command's summary goes to standard error and --json
// is refused (it would mix with the audio).

// stdinName is the name of standard input and output on the command line.
const stdinName = "-"

// streamBuffer is the read buffer put in front of standard input: the
// Reader reads in blocks of this order anyway, and a pipe gives at most
// 64 KiB a read.
const streamBuffer = 1 << 20

// oneStdin refuses "-" given more than once: standard input can be read
// once.
func oneStdin(names []string) error {
	n := 0
	for _, s := range names {
		if s == stdinName {
			n++
		}
	}
	if n > 1 {
		return usagef("standard input (-) is given %d times: it can be read once", n)
	}
	return nil
}

// withoutStdin returns names without "-".
func withoutStdin(names []string) []string {
	return slices.DeleteFunc(slices.Clone(names), func(s string) bool { return s == stdinName })
}

// openStream reads the header of the WAVE stream on standard input,
// reporting its warnings on standard error.
func openStream(e *env, cmd string) (*wavemap.Reader, error) {
	r, err := wavemap.NewReader(bufio.NewReaderSize(e.stdin, streamBuffer), &wavemap.Options{
		Warn: func(w wavemap.Warning) {
			fmt.Fprintf(e.stderr, "wavemap %s: -: warning: %v\n", cmd, w)
		},
	})
	if err != nil {
		return nil, fileError("standard input", err)
	}
	return r, nil
}

// streamHead is the head of an object about the stream r, of which
// frames frames were read.
func streamHead(cmd string, r *wavemap.Reader, frames int64) head {
	h := r.Header()
	fm := formatFromHeader(h, h.Format)
	return head{Command: cmd, File: stdinName, Format: &fm, Frames: frames, Duration: seconds(frames, h.Format.SampleRate)}
}

// sink is where a command writes a WAVE stream or plain bytes: a new file
// (made as every output is, through outputFile) or standard output.
type sink struct {
	name string
	o    *outputFile // nil for standard output
	w    io.Writer
}

// newSink prepares the output name ("-": standard output) of cmd, whose
// inputs are inputs ("-" among them is standard input).
func newSink(e *env, cmd, name string, inputs ...string) (*sink, error) {
	if name == stdinName {
		return &sink{name: name, w: e.stdout}, nil
	}
	o, err := newOutputFile(e, cmd, name, withoutStdin(inputs)...)
	if err != nil {
		return nil, err
	}
	f, err := o.createPlain()
	if err != nil {
		return nil, err
	}
	return &sink{name: name, o: o, w: f}, nil
}

// finish commits the output (err == nil) or removes it; for standard
// output it returns err as it is.
func (s *sink) finish(err error) error {
	if s.o != nil {
		return s.o.finish(err) // syncs, closes and renames the file, or removes it
	}
	return err
}

// outputError returns err, an error writing the sink, as an error about
// the output file or standard output.
func (s *sink) outputError(err error) error {
	if s.o != nil {
		return s.o.errorf(err)
	}
	return stdoutError(err)
}

// streamError returns err, the error of a pass that read the stream on
// standard input and wrote w into the sink, as an error about the side
// that failed: the output when w's writes failed (w keeps its first write
// error, and Flush returns it), standard input otherwise. It must be
// called before finish, which closes a file output.
func (s *sink) streamError(w *wavemap.Writer, err error) error {
	if w.Flush() != nil && !errors.Is(err, context.Canceled) {
		return s.outputError(err)
	}
	return fileError("standard input", err)
}

// writeErrors remembers the first error of the writes to w.
type writeErrors struct {
	w   io.Writer
	err error
}

func (r *writeErrors) Write(p []byte) (int, error) {
	n, err := r.w.Write(p)
	if err != nil && r.err == nil {
		r.err = err
	}
	return n, err
}

// summary is where the one-line summary of a command goes: standard
// output, unless it carries the audio.
func (s *sink) summary(e *env) io.Writer {
	if s.o == nil {
		return e.stderr
	}
	return e.stdout
}

// stdoutError names standard output in an error from writing to it.
func stdoutError(err error) error {
	return fmt.Errorf("writing to standard output: %w", err)
}

// statsStream measures the stream on standard input.
func statsStream(ctx context.Context, e *env) (statsJSON, error) {
	r, err := openStream(e, "stats")
	if err != nil {
		return statsJSON{}, err
	}
	st, err := wavemap.MeasureReader(ctx, r, nil)
	if err != nil {
		return statsJSON{}, fileError("standard input", err)
	}
	var frames int64
	if len(st) > 0 {
		frames = st[0].Samples
	}
	return statsRecord(streamHead("stats", r, frames), r.Format(), st), nil
}

// infoStream describes the stream on standard input: its header, and its
// length, read to its end when the header does not give it.
func infoStream(ctx context.Context, e *env) (infoJSON, error) {
	r, err := wavemap.NewReader(bufio.NewReaderSize(e.stdin, streamBuffer), nil)
	if err != nil {
		return infoJSON{}, fileError("standard input", err)
	}
	h := r.Header()
	frames := h.Frames
	if frames < 0 {
		n, err := copyCtx(ctx, io.Discard, r)
		if err != nil {
			return infoJSON{}, fileError("standard input", err)
		}
		frames = n / int64(h.Format.FrameSize())
	}
	j := describeHeader(streamHead("info", r, frames), h, frames*int64(h.Format.FrameSize()))
	j.Metadata = metadataOf(r.Metadata(), h.Format.SampleRate)
	return j, nil
}

// checkStream checks the stream on standard input: its header and, read
// to its end, its length; with data, the float samples too.
func checkStream(ctx context.Context, e *env, data bool) (checkJSON, error) {
	j := checkJSON{Command: "check", File: stdinName, Warnings: []warningJSON{}}
	r, err := wavemap.NewReader(bufio.NewReaderSize(e.stdin, streamBuffer), nil)
	if err != nil {
		j.Error = oneLine(fileError("standard input", err))
		return j, nil
	}
	var n int64
	switch enc := r.Format().Encoding; {
	case data && enc == wavemap.EncodingFloat32:
		err = wavemap.ReadPass(ctx, r, nil, func(_ int64, b wavemap.Frames[float32]) error {
			n += countNonFinite(b.Data)
			return nil
		})
		j.NonFinite = &n
	case data && enc == wavemap.EncodingFloat64:
		err = wavemap.ReadPass(ctx, r, nil, func(_ int64, b wavemap.Frames[float64]) error {
			n += countNonFinite(b.Data)
			return nil
		})
		j.NonFinite = &n
	default:
		_, err = copyCtx(ctx, io.Discard, r)
	}
	if err != nil {
		if ctx.Err() != nil {
			return j, err
		}
		j.Error = oneLine(fileError("standard input", err))
	}
	j.Warnings = warningsOf(r.Header()) // with those found at the end of the stream
	j.OK = j.Error == "" && len(j.Warnings) == 0 && (j.NonFinite == nil || *j.NonFinite == 0)
	return j, nil
}

// loudnessStream measures the loudness of the stream on standard input.
func loudnessStream(ctx context.Context, e *env, opts *wavemap.LoudnessOptions, series bool) (loudnessJSON, error) {
	r, err := openStream(e, "loudness")
	if err != nil {
		return loudnessJSON{}, err
	}
	l, err := wavemap.ReadLoudness(ctx, r, opts)
	if err != nil {
		return loudnessJSON{}, fileError("standard input", err)
	}
	return loudnessRecord(streamHead("loudness", r, l.Frames), r.Format(), l, series), nil
}

// copyCtx copies src to dst in blocks, stopping when ctx is done.
func copyCtx(ctx context.Context, dst io.Writer, src io.Reader) (int64, error) {
	buf := make([]byte, streamBuffer)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		k, err := src.Read(buf)
		if k > 0 {
			if _, werr := dst.Write(buf[:k]); werr != nil {
				return n, werr
			}
			n += int64(k)
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// streamOutputFormat is what the Writer of the container choice c and
// metadata m writes for a stream: the container of the input's header
// for "same".
func streamContainer(c containerChoice, h *wavemap.Header) (wavemap.Container, error) {
	if !c.same() {
		return parseContainer(*c.name)
	}
	switch h.Container {
	case wavemap.RF64, wavemap.BW64, wavemap.Wave64, wavemap.RIFX:
		return h.Container, nil
	}
	return wavemap.AutoContainer, nil
}
