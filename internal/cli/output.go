package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/atomicfile"
)

// outputFile is a file a command makes. Every command makes its files
// the same way, through internal/atomicfile (directly, or through
// wavemap.Create): the new file is written under a temporary name beside
// the output, ".OUT.wavemap-XXXXXXXX.partial", and renamed over the output
// when complete, so a command that fails or is interrupted leaves the old
// output (or none) and removes its temporary file; one that is killed
// leaves the temporary file, which the next run reports.
type outputFile struct {
	name string
	perm fs.FileMode      // the input's bits, for an output that replaces no file
	af   *atomicfile.File // createPlain's file
	tmp  atomicfile.Names // matches the names of this output's temporary files
}

// refuseStdio refuses "-" among the inputs and the output: pipes are not
// supported yet, and "-" must not become a file of that name.
func refuseStdio(output string, inputs ...string) error {
	for _, in := range inputs {
		if in == "-" {
			return usagef("reading from standard input (-) is not supported yet: give a file name")
		}
	}
	if output == "-" {
		return usagef("writing to standard output (-) is not supported yet: give a file name")
	}
	return nil
}

// newOutputFile prepares to write name for the command cmd. It refuses,
// before anything is created or removed, an output that is not a regular
// file (a FIFO, a device, a directory: wavemap writes regular files
// only), a read-only file and any of the inputs (writing over a file
// being read would destroy it). It reports on standard error the
// temporary files that killed runs left for this output. The new file
// gets the permission bits of the file it replaces or, if there is none,
// of the first input.
func newOutputFile(e *env, cmd, name string, inputs ...string) (*outputFile, error) {
	o := &outputFile{name: name, tmp: atomicfile.NamePattern(name)}
	if err := refuseStdio(name, inputs...); err != nil {
		return nil, err
	}
	if err := atomicfile.Check(name, nil); err != nil {
		return nil, o.errorf(err)
	}
	if st, err := os.Stat(name); err == nil {
		for _, in := range inputs {
			if ist, err := os.Stat(in); err == nil && os.SameFile(st, ist) {
				return nil, fmt.Errorf("%s: output is the same file as input %s", name, in)
			}
		}
	}
	if len(inputs) > 0 {
		if st, err := os.Stat(inputs[0]); err == nil && st.Mode().IsRegular() {
			o.perm = st.Mode().Perm()
		}
	}
	ps, _ := atomicfile.Partials(name)
	for _, p := range ps {
		if !p.InUse {
			fmt.Fprintf(e.stderr, "wavemap %s: note: %s\n", cmd, leftoverNote(p))
		}
	}
	return o, nil
}

// leftoverNote describes a partial file left by a killed run.
func leftoverNote(p atomicfile.Partial) string {
	return fmt.Sprintf("%s is the unfinished output of an interrupted run (%d bytes, %s), not a usable file: it can be removed (wavemap check --clean %s)",
		p.Path, p.Size, p.ModTime.Format("2006-01-02 15:04:05"), p.Target)
}

// create makes the output WAVE file, with the metadata chunks of m
// (none if m is nil), which commit gives its name.
func (o *outputFile) create(fm wavemap.Format, frames int64, c wavemap.Container, m *wavemap.Metadata) (*wavemap.File, error) {
	if m == nil {
		m = &wavemap.Metadata{}
	}
	f, err := wavemap.Create(o.name, fm, frames, &wavemap.Options{Container: c, Perm: o.perm, Metadata: m})
	if err != nil {
		return nil, o.errorf(err)
	}
	return f, nil
}

// createPlain makes the temporary file for bytes that are not written
// through a mapping (a PNG, raw samples, a WAVE stream); finish gives it
// its name.
func (o *outputFile) createPlain() (*os.File, error) {
	af, err := atomicfile.Create(o.name, &atomicfile.Options{Perm: o.perm})
	if err != nil {
		return nil, o.errorf(err)
	}
	o.af = af
	return af.File(), nil
}

// errorf returns err as an error about the output: its message names the
// output, never the temporary file, and it wraps err unchanged, so that
// errors.Is (fs.ErrNotExist, wavemap.ErrNoSpace ...) still sees it.
func (o *outputFile) errorf(err error) error {
	if err == nil {
		return nil
	}
	var nr *atomicfile.NotRegularError
	var ro *atomicfile.ReadOnlyError
	var fe *wavemap.FaultError
	switch {
	case errors.As(err, &fe) && fe.Name != "" && !o.tmp.MatchString(fe.Name) && fe.Name != o.name:
		// A fault in an input's mapping (truncated while read) is the
		// input's error, not the output's.
		return fileError(fe.Name, err)
	case errors.As(err, &nr):
		return &namedError{fmt.Sprintf("%s is %s: wavemap writes regular files only", o.name, atomicfile.Kind(nr.Mode)), err}
	case errors.As(err, &ro):
		return &namedError{fmt.Sprintf("%s is read-only (%v): wavemap does not replace read-only files (remove it, or make it writable, first)", o.name, ro.Perm), err}
	}
	msg := strings.TrimPrefix(o.tmp.ReplaceAllLiteralString(err.Error(), o.name), "wavemap: ")
	if !strings.Contains(msg, o.name) {
		msg = o.name + ": " + msg
	}
	return &namedError{msg, err}
}

// commit closes f, which gives the new file its name (see wavemap.Create:
// the samples and the header reach the disk first).
func (o *outputFile) commit(f *wavemap.File) error {
	return o.errorf(f.Close())
}

// finish gives createPlain's file its name if err is nil, and removes it
// otherwise.
func (o *outputFile) finish(err error) error {
	if err == nil {
		err = o.af.Commit()
	} else {
		o.af.Abort()
	}
	return o.errorf(err)
}

// abort removes the unfinished output f; nothing changes at the output's
// name.
func (o *outputFile) abort(f *wavemap.File) {
	if f != nil {
		f.Discard()
	}
}

// copyChunk is how many bytes copyChunked moves between progress updates
// and checks for cancellation.
const copyChunk = 8 << 20

// copyChunked copies src into dst (which must be as long) a chunk at a
// time, reporting base plus the bytes done to p, and turns a memory fault
// (a file truncated under its mapping) into an error. It stops with
// ctx.Err() when ctx is cancelled.
func copyChunked(ctx context.Context, dst, src []byte, p *progress, base int64) error {
	return wavemap.Guard(func() error {
		for off := 0; off < len(src); off += copyChunk {
			if err := ctx.Err(); err != nil {
				return err
			}
			end := min(off+copyChunk, len(src))
			copy(dst[off:end], src[off:end])
			p.Update(base + int64(end))
		}
		return nil
	})
}

// containerChoice is the value of a --container flag that also accepts
// "same" (the input's container).
type containerChoice struct{ name *string }

func containerFlag(fs *flagSet, def string) containerChoice {
	help := "output container: auto, riff, rf64, bw64, w64 or rifx"
	if def == "same" {
		help = "output container: same (as the input), auto, riff, rf64, bw64, w64 or rifx"
	}
	return containerChoice{fs.String("container", def, help)}
}

// resolve returns the container to create. "same" keeps RF64, BW64,
// Wave64 and RIFX, and lets everything else (RIFF, raw) be chosen by
// size.
func (c containerChoice) resolve(src *wavemap.File) (wavemap.Container, error) {
	if !c.same() {
		return parseContainer(*c.name)
	}
	switch h := src.Header().Container; h {
	case wavemap.RF64, wavemap.BW64, wavemap.Wave64, wavemap.RIFX:
		return h, nil
	}
	return wavemap.AutoContainer, nil
}

// same reports whether the flag asks for the input's container.
func (c containerChoice) same() bool { return *c.name == "same" }

// parseContainer reads the name of an output container.
func parseContainer(s string) (wavemap.Container, error) {
	switch s {
	case "auto", "":
		return wavemap.AutoContainer, nil
	case "riff", "RIFF", "wav":
		return wavemap.RIFF, nil
	case "rf64", "RF64":
		return wavemap.RF64, nil
	case "bw64", "BW64":
		return wavemap.BW64, nil
	case "w64", "W64", "wave64":
		return wavemap.Wave64, nil
	case "rifx", "RIFX":
		return wavemap.RIFX, nil
	}
	return 0, usagef("unknown container %q (want auto, riff, rf64, bw64, w64 or rifx)", s)
}

// metadataNotes prints the notes on an output's (or an edited file's)
// metadata chunks on standard error, one line each ("wavemap CMD: NAME:
// metadata: NOTE"), unless quiet, and returns them for --json, never nil
// (an empty array).
func metadataNotes(e *env, cmd, name string, quiet bool, notes []string) []string {
	if !quiet {
		for _, n := range notes {
			fmt.Fprintf(e.stderr, "wavemap %s: %s: metadata: %s\n", cmd, name, n)
		}
	}
	if notes == nil {
		return []string{}
	}
	return notes
}

// inputMetadata reads the metadata chunks of an input, as an error about
// that input.
func inputMetadata(f *wavemap.File) (*wavemap.Metadata, error) {
	m, err := f.Metadata()
	if err != nil {
		return nil, fileError(f.Name(), err)
	}
	return m, nil
}

// rifxChunksNote says, for the metadata m of a RIFX input, that its
// chunks are copied as they are: wavemap reads chunk fields (cue points,
// bext's time reference ...) little-endian, so it leaves the big-endian
// ones of RIFX alone. Nil when m holds no chunk.
func rifxChunksNote(m *wavemap.Metadata) []string {
	if m == nil || len(m.Chunks) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("the %d chunk(s) of a big-endian RIFX input are copied as they are: positions in them are not moved", len(m.Chunks))}
}
