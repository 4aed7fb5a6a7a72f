package cli

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync/atomic"

	"github.com/wavemap/wavemap"
)

func init() {
	register("check", "check WAVE files for header defects (and with --data unreadable or non-finite samples)", runCheck)
}

// checkJSON is one line of check --json.
type checkJSON struct {
	File      string        `json:"file"`
	OK        bool          `json:"ok"`
	Error     string        `json:"error,omitempty"`
	Warnings  []warningJSON `json:"warnings"`
	NonFinite *int64        `json:"nonfinite,omitempty"` // --data on float files: NaN and infinite samples
}

// runCheck opens each file as the library does and lists what it had to
// work around. A file is clean when it opens without a warning (and, with
// --data, every sample can be read and float samples are finite). The
// exit code is 0 when every file is clean and 1 otherwise.
//
// The text output has one line per problem, "FILE: warning KIND at byte
// N: MESSAGE", or "FILE: ok"; files that cannot be opened at all are
// reported on standard error. --json prints one object per file, one per
// line, including those that cannot be opened (with an "error" key).
func runCheck(e *env, args []string) error {
	fs := newFlags(e, "check", "[--data] FILE...")
	asJSON := fs.Bool("json", false, "print one JSON object per file, one per line")
	data := fs.Bool("data", false, "also read every sample: report unreadable data and NaN or infinite float samples")
	quiet := quietFlag(fs)
	withExample(fs, e, "wavemap check --data *.wav")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("no files given")
	}
	clean := true
	for _, name := range files {
		j := checkFile(e, name, *data, *quiet)
		if j.OK {
			if !*asJSON {
				fmt.Fprintf(e.stdout, "%s: ok\n", name)
			}
		} else {
			clean = false
		}
		if j.Error != "" {
			fmt.Fprintf(e.stderr, "wavemap check: %s\n", j.Error)
		}
		if *asJSON {
			if err := printJSONLine(e, j); err != nil {
				return err
			}
			continue
		}
		for _, w := range j.Warnings {
			fmt.Fprintf(e.stdout, "%s: warning %s at byte %d: %s\n", name, w.Kind, w.Offset, w.Message)
		}
		if j.NonFinite != nil && *j.NonFinite > 0 {
			fmt.Fprintf(e.stdout, "%s: %d samples are NaN or infinite\n", name, *j.NonFinite)
		}
	}
	if !clean {
		return errSilentFailure
	}
	return nil
}

// checkFile checks one file.
func checkFile(e *env, name string, data, quiet bool) checkJSON {
	j := checkJSON{File: name, Warnings: []warningJSON{}}
	f, err := wavemap.Open(name, wavemap.ReadOnly, &wavemap.Options{Advice: wavemap.AdviseSequential})
	if err != nil {
		j.Error = oneLine(err)
		return j
	}
	defer f.Close()
	j.Warnings = describe(name, f).Warnings
	if data {
		n, err := scanData(e, f, quiet)
		if err != nil {
			j.Error = oneLine(namedErr(name, err))
		}
		if f.Format().Encoding.IsFloat() {
			j.NonFinite = &n
		}
	}
	j.OK = j.Error == "" && len(j.Warnings) == 0 && (j.NonFinite == nil || *j.NonFinite == 0)
	return j
}

// scanData reads every sample of f and returns the number of NaN and
// infinite samples (always 0 for integer encodings). A read error (a
// fault on the mapping) is returned.
func scanData(e *env, f *wavemap.File, quiet bool) (int64, error) {
	fsz := f.Format().FrameSize()
	p := e.progress(f.Name(), quiet, int64(len(f.Bytes())))
	defer p.Done()
	opts := &wavemap.PassOptions{Progress: p.Frames(fsz)}
	switch f.Format().Encoding {
	case wavemap.EncodingFloat32:
		return countNonFinite[float32](f, opts)
	case wavemap.EncodingFloat64:
		return countNonFinite[float64](f, opts)
	}
	// Integer samples are all valid: touch every page to prove the data
	// can be read.
	b := f.Bytes()
	var sink byte
	err := wavemap.Guard(func() error {
		for off := 0; off < len(b); off += copyChunk {
			end := min(off+copyChunk, len(b))
			for i := off; i < end; i += 512 {
				sink ^= b[i]
			}
			p.Update(int64(end))
		}
		return nil
	})
	runtime.KeepAlive(sink)
	return 0, err
}

// countNonFinite counts the NaN and infinite samples of a float file.
func countNonFinite[T float32 | float64](f *wavemap.File, opts *wavemap.PassOptions) (int64, error) {
	m, err := wavemap.FramesOf[T](f)
	if err != nil {
		return 0, err
	}
	var bad, done atomic.Int64
	total := int64(m.Len())
	err = wavemap.ParallelBlocks(context.TODO(), m, nil, func(_ int, b wavemap.Frames[T]) error {
		var n int64
		for _, v := range b.Data {
			x := float64(v)
			if math.IsNaN(x) || math.IsInf(x, 0) {
				n++
			}
		}
		bad.Add(n)
		if opts.Progress != nil {
			opts.Progress(done.Add(int64(b.Len())), total)
		}
		return nil
	})
	return bad.Load(), err
}
