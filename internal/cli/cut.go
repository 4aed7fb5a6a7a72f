package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/wavemap/wavemap"
)

func init() {
	register("cut", "copy a time range of a WAVE file into a new file", runCut)
}

func runCut(e *env, args []string) error {
	fs := newFlags(e, "cut", "[--from T] [--to T] IN OUT")
	from := fs.String("from", "0", "start of the range: "+timeSpecHelp)
	to := fs.String("to", "", "end of the range, excluded (default: the end of IN)")
	container := containerFlag(fs, "same")
	asJSON := fs.Bool("json", false, "print a JSON object describing the output")
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
	src, err := wavemap.Open(in, wavemap.ReadOnly, inputOptions(e, "cut", in))
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
	switch {
	case a > src.Frames():
		return fmt.Errorf("%s: --from %s is past the end (%d frames)", in, formatFrames(a, rate), src.Frames())
	case b > src.Frames():
		return fmt.Errorf("%s: --to %s is past the end (%d frames)", in, formatFrames(b, rate), src.Frames())
	case b <= a:
		return fmt.Errorf("%s: --from %s and --to %s select no frames", in, formatFrames(a, rate), formatFrames(b, rate))
	}
	c, err := container.resolve(src)
	if err != nil {
		return err
	}
	out, err := newOutputFile(outName, in)
	if err != nil {
		return err
	}
	dst, err := out.create(src.Format(), b-a, c)
	if err != nil {
		return err
	}
	fsz := int64(src.Format().FrameSize())
	p := e.progress(in, *quiet, (b-a)*fsz)
	err = copyChunked(dst.Bytes(), src.Bytes()[a*fsz:b*fsz], p, 0)
	p.Done()
	if err != nil {
		out.abort(dst)
		return namedErr(in, err)
	}
	made := dst.Header().Container
	if err := out.commit(dst); err != nil {
		return err
	}
	if *asJSON {
		return printJSONLine(e, outputJSON{File: outName, Container: made.String(), Encoding: src.Format().Encoding.String(),
			Channels: src.Format().Channels, SampleRate: rate, Frames: b - a, From: a, To: b})
	}
	return nil
}

// inputOptions are the options for opening an input file: sequential
// read-ahead, and header warnings reported on standard error.
func inputOptions(e *env, cmd, name string) *wavemap.Options {
	return &wavemap.Options{
		Advice: wavemap.AdviseSequential,
		Warn: func(w wavemap.Warning) {
			fmt.Fprintf(e.stderr, "wavemap %s: %s: warning: %v\n", cmd, name, w)
		},
	}
}

// outputJSON is what cut, cat and raw print with --json.
type outputJSON struct {
	File       string   `json:"file"`
	Container  string   `json:"container"`
	Encoding   string   `json:"encoding"`
	Channels   int      `json:"channels"`
	SampleRate int      `json:"sample_rate"`
	Frames     int64    `json:"frames"`
	Bytes      int64    `json:"bytes,omitempty"` // raw --extract only
	From       int64    `json:"from"`
	To         int64    `json:"to"`
	Inputs     []string `json:"inputs,omitempty"` // cat only
}

// printJSONLine prints v as one line of JSON on standard output.
func printJSONLine(e *env, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "%s\n", b)
	return err
}

// containerChoice is the value of a --container flag that also accepts
// "same" (the input's container).
type containerChoice struct{ name *string }

func containerFlag(fs *flag.FlagSet, def string) containerChoice {
	help := "output container: auto, riff, rf64, bw64 or w64"
	if def == "same" {
		help = "output container: same (as the input), auto, riff, rf64, bw64 or w64"
	}
	return containerChoice{fs.String("container", def, help)}
}

// resolve returns the container to create. "same" keeps RF64, BW64 and
// Wave64, and lets everything else (RIFF, raw) be chosen by size.
func (c containerChoice) resolve(src *wavemap.File) (wavemap.Container, error) {
	if *c.name != "same" {
		return parseContainer(*c.name)
	}
	switch h := src.Header().Container; h {
	case wavemap.RF64, wavemap.BW64, wavemap.Wave64:
		return h, nil
	}
	return wavemap.AutoContainer, nil
}

// outputFile is an output being written. It is created under a temporary
// name in the same directory and renamed into place by commit, so a
// command that fails leaves no partial file behind, and an existing file
// of the final name is untouched until the new one is complete.
type outputFile struct {
	name, tmp string
}

// newOutputFile prepares to write name. It refuses a directory and any of
// the inputs (writing over a file being read would destroy it).
func newOutputFile(name string, inputs ...string) (*outputFile, error) {
	if st, err := os.Stat(name); err == nil {
		if st.IsDir() {
			return nil, fmt.Errorf("%s: output is a directory", name)
		}
		for _, in := range inputs {
			if ist, err := os.Stat(in); err == nil && os.SameFile(st, ist) {
				return nil, fmt.Errorf("%s: output is the same file as input %s", name, in)
			}
		}
	}
	dir, base := filepath.Split(name)
	tmp := filepath.Join(dir, fmt.Sprintf(".%s.%016x.wavemap-tmp", base, rand.Uint64()))
	addTemp(tmp)
	return &outputFile{name: name, tmp: tmp}, nil
}

// create makes the temporary WAVE file.
func (o *outputFile) create(fm wavemap.Format, frames int64, c wavemap.Container) (*wavemap.File, error) {
	f, err := wavemap.Create(o.tmp, fm, frames, &wavemap.Options{Container: c, NoClobber: true})
	if err != nil {
		return nil, o.errorf(err)
	}
	return f, nil
}

// createPlain makes the temporary file for bytes that are not a WAVE file.
func (o *outputFile) createPlain() (*os.File, error) {
	f, err := os.OpenFile(o.tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return nil, o.errorf(err)
	}
	return f, nil
}

// errorf rewrites an error about the temporary file to name the output.
func (o *outputFile) errorf(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == o.tmp {
		pe.Path = o.name
	}
	msg := strings.ReplaceAll(err.Error(), o.tmp, o.name)
	if !strings.Contains(msg, o.name) {
		return fmt.Errorf("%s: %w", o.name, err)
	}
	if msg != err.Error() {
		return fmt.Errorf("%s", msg)
	}
	return err
}

// commit closes f, the temporary file, and renames it into place. Like
// cp, sox and ffmpeg it leaves the write-back to the kernel rather than
// waiting for the disk (the header was final before the first sample, so
// the file is valid at every moment); a disk that fills up while the
// samples are copied shows as a fault, which copyChunked reports.
func (o *outputFile) commit(f *wavemap.File) error {
	return o.finish(f.Close())
}

// finish renames the closed temporary file into place if err is nil, and
// removes it otherwise.
func (o *outputFile) finish(err error) error {
	defer dropTemp(o.tmp)
	if err == nil {
		err = os.Rename(o.tmp, o.name)
	}
	if err != nil {
		os.Remove(o.tmp)
		return o.errorf(err)
	}
	return nil
}

// abort closes and removes the temporary file.
func (o *outputFile) abort(f *wavemap.File) {
	if f != nil {
		f.Close()
	}
	os.Remove(o.tmp)
	dropTemp(o.tmp)
}

// copyChunk is how many bytes copyChunked moves between progress updates.
const copyChunk = 8 << 20

// copyChunked copies src into dst (which must be as long) a chunk at a
// time, reporting base plus the bytes done to p, and turns a memory fault
// (a file truncated under its mapping) into an error.
func copyChunked(dst, src []byte, p *progress, base int64) error {
	return wavemap.Guard(func() error {
		for off := 0; off < len(src); off += copyChunk {
			end := min(off+copyChunk, len(src))
			copy(dst[off:end], src[off:end])
			p.Update(base + int64(end))
		}
		return nil
	})
}

// namedErr makes sure err names the file.
func namedErr(name string, err error) error {
	if err == nil || strings.Contains(err.Error(), name) {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}
