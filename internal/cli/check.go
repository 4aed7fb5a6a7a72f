package cli

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/atomicfile"
)

// checkJSON is one line of check --json.
type checkJSON struct {
	Command string `json:"command"`
	File    string `json:"file"`
	OK      bool   `json:"ok"`
	// Error is set when the file could not be opened or read; the JSON
	// line is then an error object (errorJSON) instead.
	Error     string        `json:"-"`
	Warnings  []warningJSON `json:"warnings"`
	NonFinite *int64        `json:"non_finite_samples,omitempty"` // --data on float files: NaN and infinite samples
	// The journal of an interrupted gain or normalize lies beside the file.
	Interrupted string `json:"interrupted_edit,omitempty"`
	// UnfinishedOutputOf is set when the file is a partial file: the
	// output it was to become.
	UnfinishedOutputOf string `json:"unfinished_output_of,omitempty"`
	// InUse: that partial file is still being written by a running process.
	InUse bool `json:"in_use,omitempty"`
	// Leftovers are the partial files killed runs left for this file.
	Leftovers []leftoverJSON `json:"leftovers,omitempty"`
	// partialMsg is the text line for a partial file.
	partialMsg string
}

// leftoverJSON is a partial file left beside its output by a killed run.
type leftoverJSON struct {
	File     string `json:"file"`
	Bytes    int64  `json:"bytes"`
	Modified string `json:"modified"` // RFC 3339 time
	Removed  bool   `json:"removed"`  // by --clean
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
//
// Partial files, the temporary files a command writes its output to
// (".OUT.wavemap-XXXXXXXX.partial"), are not audio files even though
// their headers look complete: a killed command leaves one behind, partly
// silent. check FILE on a partial file reports it as the unfinished
// output of an interrupted run, and check OUT reports those left beside
// OUT; either fails the check. --clean removes them (not those a running
// command is still writing), and removed leftovers do not fail it.
func runCheck(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "check", "[--data] [--clean] FILE...")
	data := fs.Bool("data", false, "also read every sample: report unreadable data and NaN or infinite float samples")
	cleanUp := fs.Bool("clean", false, "remove the partial files that interrupted runs left (FILE itself, or beside it)")
	quiet := quietFlag(fs)
	jobs := fs.jobsFlag()
	withExample(fs, e, "wavemap check --data *.wav")
	files, err := parseFiles(fs, args, jobs)
	if err != nil {
		return err
	}
	// One file gets the progress bar of --data.
	quietScan := *quiet || len(files) > 1
	clean := true
	err = forEachFile(ctx, files, *jobs, func(ctx context.Context, name string) (checkJSON, error) {
		if name == stdinName {
			return checkStream(ctx, e, *data)
		}
		if p, ok := atomicfile.Lookup(name); ok {
			return checkPartial(p, *cleanUp), nil
		}
		j, err := checkFile(ctx, e, name, *data, quietScan)
		if err != nil {
			return j, err
		}
		j.Leftovers = leftovers(name, *cleanUp)
		for _, l := range j.Leftovers {
			j.OK = j.OK && l.Removed
		}
		return j, nil
	}, func(name string, j checkJSON, err error) error {
		if err != nil {
			return err // only a cancellation: every problem is in j
		}
		clean = clean && j.OK
		if j.Error != "" {
			fmt.Fprintf(e.errw, "wavemap check: %s\n", j.Error)
			if e.json {
				er := errorJSON{Command: "check", File: name}
				er.Error.Message = j.Error
				return printJSON(e, er)
			}
			return nil
		}
		if e.json {
			return printJSON(e, j)
		}
		printCheck(e, j)
		return nil
	})
	if err != nil {
		return err
	}
	if !clean {
		return errSilentFailure
	}
	return nil
}

// printCheck prints the text lines of check for j.
func printCheck(e *env, j checkJSON) {
	name := j.File
	if j.UnfinishedOutputOf != "" {
		fmt.Fprintf(e.stdout, "%s: %s\n", name, j.partialMsg)
		return
	}
	if j.OK {
		fmt.Fprintf(e.stdout, "%s: ok\n", name)
	}
	for _, w := range j.Warnings {
		fmt.Fprintf(e.stdout, "%s: warning %s at byte %d: %s\n", name, w.Kind, w.Offset, w.Message)
	}
	if j.NonFinite != nil && *j.NonFinite > 0 {
		fmt.Fprintf(e.stdout, "%s: %d samples are NaN or infinite\n", name, *j.NonFinite)
	}
	for _, l := range j.Leftovers {
		if l.Removed {
			fmt.Fprintf(e.stdout, "%s: removed %s, the unfinished output of an interrupted run\n", name, l.File)
		} else {
			fmt.Fprintf(e.stdout, "%s: leftover %s is the unfinished output of an interrupted run (%d bytes, %s), not a usable file: it can be removed (--clean)\n",
				name, l.File, l.Bytes, l.Modified)
		}
	}
	if j.Interrupted != "" {
		fmt.Fprintf(e.stdout, "%s: %s\n", name, j.Interrupted)
	}
}

// checkPartial reports the partial file p, given to check by name, and
// removes it for --clean. The check passes only when p was removed.
func checkPartial(p atomicfile.Partial, cleanUp bool) checkJSON {
	j := checkJSON{Command: "check", File: p.Path, Warnings: []warningJSON{}, UnfinishedOutputOf: p.Target, InUse: p.InUse}
	var msg string
	switch {
	case p.InUse:
		msg = describePartial(p)
	case cleanUp:
		if err := atomicfile.RemovePartial(p.Path); err != nil {
			msg = "the unfinished output of an interrupted run, not removed: " + oneLine(err)
			break
		}
		j.OK = true
		msg = "removed: it was the unfinished output of an interrupted run (it was to become " + p.Target + ")"
	default:
		msg = describePartial(p)
	}
	j.partialMsg = msg
	return j
}

// describePartial says what the partial file p is (check and scan report
// it so).
func describePartial(p atomicfile.Partial) string {
	if p.InUse {
		return fmt.Sprintf("a partial file still being written by a running command (it becomes %s when complete)", p.Target)
	}
	return fmt.Sprintf("the unfinished output of an interrupted run (it was to become %s; %d bytes, %s), not a usable file: it can be removed (wavemap check --clean)",
		p.Target, p.Size, p.ModTime.Format(time.RFC3339))
}

// leftovers lists the partial files killed runs left for name (not those
// being written now), removing them if cleanUp.
func leftovers(name string, cleanUp bool) []leftoverJSON {
	ps, _ := atomicfile.Partials(name)
	var ls []leftoverJSON
	for _, p := range ps {
		if p.InUse {
			continue
		}
		l := leftoverJSON{File: p.Path, Bytes: p.Size, Modified: p.ModTime.Format(time.RFC3339)}
		if cleanUp {
			l.Removed = atomicfile.RemovePartial(p.Path) == nil
		}
		ls = append(ls, l)
	}
	return ls
}

// checkFile checks one file. The error is not nil only when ctx was
// cancelled: every problem with the file goes into the result.
func checkFile(ctx context.Context, e *env, name string, data, quiet bool) (checkJSON, error) {
	j := checkJSON{Command: "check", File: name, Warnings: []warningJSON{}, Interrupted: interruptedEdit(name)}
	f, err := wavemap.Open(name, wavemap.ReadOnly, &wavemap.Options{Advice: wavemap.AdviseSequential})
	if err != nil {
		j.Error = oneLine(err)
		return j, nil
	}
	defer f.Close()
	j.Warnings = headerDefects(f)
	if data {
		n, err := scanData(ctx, e, f, quiet)
		if err != nil && ctx.Err() != nil {
			return j, err
		}
		if err != nil {
			j.Error = oneLine(fileError(name, err))
		}
		if f.Format().Encoding.IsFloat() {
			j.NonFinite = &n
		}
	}
	j.OK = j.Error == "" && len(j.Warnings) == 0 && (j.NonFinite == nil || *j.NonFinite == 0) && j.Interrupted == ""
	return j, nil
}

// headerDefects lists what check finds wrong with the header of the open
// file f: the problems the library worked around when opening it (scan
// reports the same). An interrupted edit (interruptedEdit) is the other
// defect check finds without reading the samples.
func headerDefects(f *wavemap.File) []warningJSON { return warningsOf(f.Header()) }

// scanData reads every sample of f in one wavemap.Pass (which keeps the
// resident memory bounded however large f is) and returns the number of
// NaN and infinite samples (always 0 for integer encodings). A read error
// (a fault on the mapping) is returned, as is ctx.Err() if ctx is
// cancelled.
func scanData(ctx context.Context, e *env, f *wavemap.File, quiet bool) (int64, error) {
	p := e.progress(f.Name(), quiet, int64(len(f.Bytes())))
	defer p.Done()
	opts := &wavemap.PassOptions{Progress: p.Frames(f.Format().FrameSize())}
	switch f.Format().Encoding {
	case wavemap.EncodingFloat32:
		return scanPass(ctx, f, opts, countNonFinite[float32])
	case wavemap.EncodingFloat64:
		return scanPass(ctx, f, opts, countNonFinite[float64])
	case wavemap.EncodingUint8:
		return scanPass(ctx, f, opts, touch[uint8])
	case wavemap.EncodingInt16:
		return scanPass(ctx, f, opts, touch[int16])
	case wavemap.EncodingInt24:
		return scanPass(ctx, f, opts, touch[wavemap.Int24])
	case wavemap.EncodingInt32:
		return scanPass(ctx, f, opts, touch[int32])
	case wavemap.EncodingALaw:
		return scanPass(ctx, f, opts, touch[wavemap.ALaw])
	case wavemap.EncodingMuLaw:
		return scanPass(ctx, f, opts, touch[wavemap.MuLaw])
	case wavemap.EncodingInt16BE:
		return scanPass(ctx, f, opts, touch[wavemap.Int16BE])
	case wavemap.EncodingInt24BE:
		return scanPass(ctx, f, opts, touch[wavemap.Int24BE])
	case wavemap.EncodingInt32BE:
		return scanPass(ctx, f, opts, touch[wavemap.Int32BE])
	case wavemap.EncodingFloat32BE:
		return scanPass(ctx, f, opts, countNonFiniteF32BE)
	case wavemap.EncodingFloat64BE:
		return scanPass(ctx, f, opts, countNonFiniteF64BE)
	}
	return 0, fmt.Errorf("unknown encoding %v", f.Format().Encoding)
}

// scanPass runs count over every block of f and returns the sum of its
// results. A cancelled ctx stops the pass between blocks.
func scanPass[T wavemap.Sample](ctx context.Context, f *wavemap.File, opts *wavemap.PassOptions, count func([]T) int64) (int64, error) {
	var n atomic.Int64
	err := wavemap.Pass(ctx, f, opts, func(_ int, b wavemap.Frames[T]) error {
		n.Add(count(b.Data))
		return nil
	})
	return n.Load(), err
}

// countNonFinite counts the NaN and infinite samples in d.
func countNonFinite[T float32 | float64](d []T) int64 {
	var n int64
	for _, v := range d {
		x := float64(v)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			n++
		}
	}
	return n
}

// countNonFiniteF32BE and countNonFiniteF64BE count the NaN and
// infinite samples in big-endian d.
func countNonFiniteF32BE(d []wavemap.Float32BE) int64 {
	var n int64
	for _, v := range d {
		if x := float64(v.Float32()); math.IsNaN(x) || math.IsInf(x, 0) {
			n++
		}
	}
	return n
}

func countNonFiniteF64BE(d []wavemap.Float64BE) int64 {
	var n int64
	for _, v := range d {
		if x := v.Float64(); math.IsNaN(x) || math.IsInf(x, 0) {
			n++
		}
	}
	return n
}

// touch reads a byte in every 512 of d, which proves that every page can
// be read (a fault becomes an error in the pass); integer samples are all
// valid, so it counts nothing.
func touch[T wavemap.Sample](d []T) int64 {
	if len(d) == 0 {
		return 0
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&d[0])), len(d)*int(unsafe.Sizeof(d[0])))
	var sink byte
	for i := 0; i < len(b); i += 512 {
		sink ^= b[i]
	}
	runtime.KeepAlive(sink)
	return 0
}
