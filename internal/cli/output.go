package cli

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/wavemap/wavemap"
)

// outputFile is an output being written. It is created under a temporary
// name in the same directory and renamed into place by commit, so a
// command that fails or is interrupted leaves no partial file behind, and
// an existing file of the final name is untouched until the new one is
// complete.
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

// errorf returns err as an error about the output: its message names the
// output, never the temporary file, and it wraps err unchanged, so that
// errors.Is (fs.ErrNotExist, wavemap.ErrNoSpace ...) still sees it.
func (o *outputFile) errorf(err error) error {
	if err == nil {
		return nil
	}
	msg := strings.TrimPrefix(strings.ReplaceAll(err.Error(), o.tmp, o.name), "wavemap: ")
	if !strings.Contains(msg, o.name) {
		msg = o.name + ": " + msg
	}
	return &namedError{msg, err}
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
	}
	return 0, usagef("unknown container %q (want auto, riff, rf64, bw64 or w64)", s)
}
