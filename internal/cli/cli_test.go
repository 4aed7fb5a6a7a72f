package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/atomicfile"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// TestUsage checks the command list, help, unknown commands and every
// command's -h.
func TestUsage(t *testing.T) {
	r := runCLI(t)
	if r.code != exitUsage || r.stdout != "" || !strings.HasPrefix(r.stderr, "usage: wavemap <command>") {
		t.Errorf("no arguments: exit %d, stdout %q, stderr %q; want 2 and the usage on stderr", r.code, r.stdout, r.stderr)
	}
	var listed []string
	for _, line := range strings.Split(r.stderr, "\n") {
		if line == "Every command:" {
			break
		}
		if f := strings.Fields(line); strings.HasPrefix(line, "  ") && len(f) > 1 {
			listed = append(listed, f[0])
			if c := lookup(f[0]); c == nil || !strings.HasSuffix(line, c.summary) {
				t.Errorf("usage line %q is not a command and its summary", line)
			}
		}
	}
	if len(listed) != len(commands) || !slices.IsSorted(listed) {
		t.Errorf("usage lists %q: want all %d commands in alphabetical order", listed, len(commands))
	}
	for _, h := range []string{"help", "-h", "--help"} {
		if r2 := runCLI(t, h); r2.code != exitOK || r2.stdout != r.stderr || r2.stderr != "" {
			t.Errorf("%s: exit %d, stdout %q", h, r2.code, r2.stdout)
		}
	}
	r = runCLI(t, "transmogrify", "x.wav")
	if r.code != exitUsage || r.stdout != "" || r.stderr != "wavemap: unknown command \"transmogrify\"\nrun 'wavemap help' for the list of commands\n" {
		t.Errorf("unknown command: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	// Each command's help is checked by TestConventions.
}

// cancelled returns a context cancelled the way signal.NotifyContext
// cancels on SIGINT (the cause names the signal).
func cancelled() context.Context {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("interrupt signal received"))
	return ctx
}

// TestInterruptedInProcess runs every command under a cancelled context:
// each must stop through its error path with exit 130 and the interrupt
// message, create no file, leave no temporary file and change no input.
func TestInterruptedInProcess(t *testing.T) {
	dir := t.TempDir()
	in, fl, raw := filepath.Join(dir, "in.wav"), filepath.Join(dir, "f.wav"), filepath.Join(dir, "in.raw")
	mustRun(t, "gen", "--frames", "20000", in)
	mustRun(t, "gen", "--type", "f32", "--frames", "20000", fl)
	if err := os.WriteFile(raw, make([]byte, 4000), 0o666); err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(dir, "damaged.wav")
	if err := os.WriteFile(damaged, streamingWAV(), 0o666); err != nil {
		t.Fatal(err)
	}
	inputs := map[string]string{}
	for _, p := range []string{in, fl, raw, damaged} {
		inputs[p] = digest(t, p)
	}
	out := filepath.Join(dir, "out.wav")
	for _, args := range [][]string{
		{"gen", "--frames", "100000", out},
		{"gen", "--signal", "silence", "--frames", "100000", out},
		{"cut", "--from", "0.1", in, out},
		{"cat", in, in, out},
		{"raw", "--type", "s16", "--channels", "1", "--rate", "8000", raw, out},
		{"raw", "--extract", in, out},
		{"convert", "--to", "f32", in, out},
		{"plot", in, strings.TrimSuffix(out, ".wav") + ".png"},
		{"check", "--data", fl},
		{"check", in},
		{"stats", in},
		{"info", in},
		{"gain", "--db", "-6", in},
		{"normalize", fl},
		{"fix", damaged},
		{"tag", "--set", "title=x", in},
		{"markers", "--add", "0", in},
		{"meta", "export", in, out},
	} {
		r := runCLIContext(t, cancelled(), args...)
		want := "\nwavemap " + args[0] + ": interrupted (interrupt)" + interruptSuffix(args[0]) + "\n"
		if r.code != exitInterrupted || r.stdout != "" || r.stderr != want {
			t.Errorf("%q interrupted: exit %d, stdout %q, stderr %q; want 130 and %q", args, r.code, r.stdout, r.stderr, want)
		}
		if names := dirNames(t, dir); len(names) != len(inputs) {
			t.Errorf("%q interrupted: the directory holds %q", args, names)
		}
		for p, d := range inputs {
			if digest(t, p) != d {
				t.Errorf("%q interrupted: %s changed", args, p)
				inputs[p] = digest(t, p)
			}
		}
	}
}

// TestInterruptCause checks the reason in the interrupt message.
func TestInterruptCause(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	if got := interruptCause(ctx); got != "not cancelled" {
		t.Errorf("cause before cancel: %q", got)
	}
	cancel(errors.New("terminated signal received"))
	if got := interruptCause(ctx); got != "terminated" {
		t.Errorf("cause after SIGTERM: %q, want terminated", got)
	}
	ctx, stop := context.WithCancel(context.Background())
	stop()
	if got := interruptCause(ctx); got != "context canceled" {
		t.Errorf("cause of a plain cancel: %q", got)
	}
	// A deadline counts as an interruption too.
	ctx, stop = context.WithTimeout(context.Background(), time.Nanosecond)
	defer stop()
	<-ctx.Done()
	in := filepath.Join(t.TempDir(), "in.wav")
	mustRun(t, "gen", "--frames", "100", in)
	if r := runCLIContext(t, ctx, "stats", in); r.code != exitInterrupted || !strings.Contains(r.stderr, "interrupted (context deadline exceeded)") {
		t.Errorf("stats past its deadline: exit %d, stderr %q", r.code, r.stderr)
	}
}

// countdown is a context that reports cancellation from the n+1-th call
// of Err on, so that a test can cancel after a given number of blocks.
type countdown struct {
	context.Context
	n    atomic.Int64
	done chan struct{}
	once atomic.Bool
}

func cancelAfter(n int64) *countdown {
	c := &countdown{Context: context.Background(), done: make(chan struct{})}
	c.n.Store(n)
	return c
}

func (c *countdown) Err() error {
	if c.n.Add(-1) >= 0 {
		return nil
	}
	if c.once.CompareAndSwap(false, true) {
		close(c.done)
	}
	return context.Canceled
}

func (c *countdown) Done() <-chan struct{} { return c.done }

// TestCopyChunkedCancel stops a copy after its first chunk.
func TestCopyChunkedCancel(t *testing.T) {
	src := make([]byte, 3*copyChunk)
	for i := range src {
		src[i] = byte(i%251 + 1)
	}
	dst := make([]byte, len(src))
	err := copyChunked(cancelAfter(1), dst, src, nil, 0)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("copy cancelled after one chunk: %v", err)
	}
	if string(dst[:copyChunk]) != string(src[:copyChunk]) {
		t.Error("the first chunk was not copied")
	}
	if slices.ContainsFunc(dst[copyChunk:], func(b byte) bool { return b != 0 }) {
		t.Error("bytes past the first chunk were copied after the cancellation")
	}
	if err := copyChunked(context.Background(), dst, src, nil, 0); err != nil || string(dst) != string(src) {
		t.Errorf("full copy: %v", err)
	}
}

// TestGenerateCancel stops gen's generation part-way: the error is the
// context's, and the frames past the point reached stay silent.
func TestGenerateCancel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.wav")
	f, err := wavemap.Create(path, wavemap.Format{Encoding: wavemap.EncodingFloat32, Channels: 1, SampleRate: 8000}, 64*genBlock, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := generate(cancelAfter(4), f, "sine", 100, 0.5); !errors.Is(err, context.Canceled) {
		t.Fatalf("generate: %v, want context.Canceled", err)
	}
	s, err := wavemap.Samples[float32](f)
	if err != nil {
		t.Fatal(err)
	}
	written := 0
	for b := 0; b < 64; b++ {
		if slices.ContainsFunc(s[b*genBlock:(b+1)*genBlock], func(v float32) bool { return v != 0 }) {
			written++
		}
	}
	if written == 0 || written > 4 {
		t.Errorf("%d of 64 blocks written after 4 checks of the context, want 1 to 4", written)
	}
}

// TestOutputFileErrors checks that errors about the temporary file name
// the output, wrap the original error and leave it as it was.
func TestOutputFileErrors(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "missing", "out.wav")
	var stderr strings.Builder
	o, err := newOutputFile(&env{stdout: io.Discard, stderr: &stderr}, "test", name)
	if err != nil {
		t.Fatal(err)
	}
	_, err = o.createPlain()
	var pe *fs.PathError
	switch {
	case err == nil:
		t.Fatal("created a file in a missing directory")
	case !errors.Is(err, fs.ErrNotExist):
		t.Errorf("%v: errors.Is(fs.ErrNotExist) is false", err)
	case !errors.As(err, &pe) || pe.Path != name:
		t.Errorf("%v: the wrapped *PathError was lost or does not name the output (%+v)", err, pe)
	case strings.Contains(err.Error(), atomicfile.Suffix) || !strings.Contains(err.Error(), name):
		t.Errorf("%q: should name %s, not the temporary file", err, name)
	}
	// An error about the temporary file names the output instead, and
	// wraps the original unchanged.
	tmp := filepath.Join(dir, "missing", ".out.wav"+atomicfile.Marker+"0123abcd"+atomicfile.Suffix)
	err = o.errorf(&fs.PathError{Op: "write", Path: tmp, Err: syscall.ENOSPC})
	if err.Error() != "write "+name+": "+syscall.ENOSPC.Error() || !errors.As(err, &pe) || pe.Path != tmp {
		t.Errorf("errorf of an error naming the temporary file: %q (%+v)", err, pe)
	}
	// An error that does not name the file gets the output's name in
	// front, once, and no library prefix.
	err = o.errorf(fmt.Errorf("wavemap: something: %w", wavemap.ErrNoSpace))
	if err.Error() != name+": something: "+wavemap.ErrNoSpace.Error() || !errors.Is(err, wavemap.ErrNoSpace) {
		t.Errorf("errorf: %q", err)
	}
	if again := fileError("other.wav", err); again != err {
		t.Errorf("fileError renamed an error already named: %q", again)
	}
	// A fault in an input's mapping (the input truncated while a command
	// copies it, as raw --extract does) is the input's error, said once.
	in := filepath.Join(dir, "in.wav")
	fault := &wavemap.FaultError{Addr: 0x1000, Name: in, Cause: "the file was truncated to 44 bytes while mapped (the fault is at byte 4096)"}
	err = o.errorf(fault)
	if msg := oneLine(err); strings.Contains(msg, name) || !strings.Contains(msg, in) || strings.Count(msg, "wavemap:") > 0 || !errors.Is(err, fault) {
		t.Errorf("errorf of a fault in the input: %q", msg)
	}
	if o.errorf(nil) != nil || fileError(name, nil) != nil {
		t.Error("a nil error became an error")
	}

	// The output's directory is a file, or cannot be written: every
	// command that creates a file fails naming it and leaves nothing.
	in = filepath.Join(dir, "in.wav")
	mustRun(t, "gen", "--frames", "1000", in)
	notDir := filepath.Join(dir, "file")
	if err := os.WriteFile(notDir, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	locked := filepath.Join(dir, "locked")
	unwritableDir(t, locked)
	for _, outDir := range []string{notDir, locked} {
		out := filepath.Join(outDir, "out.wav")
		for _, args := range [][]string{
			{"gen", "--frames", "10", out},
			{"cut", in, out},
			{"cat", in, out},
			{"convert", "--to", "s24", in, out},
			{"raw", "--extract", in, out},
			{"raw", "--type", "u8", "--channels", "1", "--rate", "8000", in, out},
			{"plot", in, strings.TrimSuffix(out, ".wav") + ".png"},
		} {
			r := runCLI(t, args...)
			named := args[len(args)-1]
			if r.code != exitFailure || r.stdout != "" || !strings.HasPrefix(r.stderr, "wavemap "+args[0]+": ") || !strings.Contains(r.stderr, named+": ") ||
				strings.Count(errorMessage(r.stderr)+"\n", "\n") != 1 || strings.Contains(r.stderr, atomicfile.Suffix) {
				t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 1 and one line naming %s", args, r.code, r.stdout, r.stderr, out)
			}
		}
	}
	if names := dirNames(t, locked); len(names) != 0 {
		t.Errorf("left in the unwritable directory: %q", names)
	}
}

// unwritableDir makes an empty directory at path that this process
// cannot create files in: mode 0555, and for root (who ignores the mode)
// chattr +i. It skips the test if neither works.
func unwritableDir(t *testing.T, path string) {
	t.Helper()
	if err := os.Mkdir(path, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(path, 0o755) })
	canCreate := func() bool {
		f, err := os.CreateTemp(path, "probe")
		if err != nil {
			return false
		}
		f.Close()
		os.Remove(f.Name())
		return true
	}
	if !canCreate() {
		return
	}
	makeImmutable(t, path)
	if canCreate() {
		t.Skip("cannot make a directory unwritable for this user")
	}
}

// TestCheckDataEncodings reads every sample of a file of each encoding:
// all clean, and the NaN count of a float64 file.
func TestCheckDataEncodings(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, enc := range []string{"u8", "s16", "s24", "s32", "f32", "f64", "alaw", "ulaw"} {
		p := filepath.Join(dir, enc+".wav")
		mustRun(t, "gen", "--type", enc, "--channels", "3", "--frames", "70000", p)
		files = append(files, p)
	}
	r := runCLI(t, append([]string{"check", "--data"}, files...)...)
	want := ""
	for _, p := range files {
		want += p + ": ok\n"
	}
	if r.code != exitOK || r.stdout != want || r.stderr != "" {
		t.Errorf("check --data: exit %d, stdout %q, stderr %q; want %q", r.code, r.stdout, r.stderr, want)
	}
	f64 := files[5]
	f, err := wavemap.Open(f64, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := wavemap.Samples[float64](f)
	if err != nil {
		t.Fatal(err)
	}
	s[0], s[len(s)-1] = math.NaN(), math.Inf(-1)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, "check", "--data", f64)
	if r.code != exitFailure || r.stdout != f64+": 2 samples are NaN or infinite\n" {
		t.Errorf("check --data of f64 with a NaN and an -Inf: exit %d, stdout %q", r.code, r.stdout)
	}
}

// TestJSONFloat round-trips the numbers JSON cannot hold.
func TestJSONFloat(t *testing.T) {
	for _, c := range []struct {
		v    float64
		json string
		text string
	}{{1.5, "1.5", "1.50"}, {math.Inf(-1), "null", "-inf"}, {math.Inf(1), "null", "inf"}, {math.NaN(), "null", "nan"}} {
		b, err := jsonFloat(c.v).MarshalJSON()
		if err != nil || string(b) != c.json {
			t.Errorf("%v: JSON %s, %v; want %s", c.v, b, err, c.json)
		}
		var back jsonFloat
		if err := back.UnmarshalJSON(b); err != nil || (c.json == "null") != math.IsNaN(float64(back)) ||
			(c.json != "null" && float64(back) != c.v) {
			t.Errorf("%s read back as %v, %v", b, back, err)
		}
		if got := num(jsonFloat(c.v), 2); got != c.text {
			t.Errorf("num(%v) = %q, want %q", c.v, got, c.text)
		}
	}
	var x jsonFloat
	if x.UnmarshalJSON([]byte(`"1"`)) == nil {
		t.Error("a string read as a number")
	}
}

// TestScanDataCancel stops check --data's pass over the samples after
// its first block.
func TestScanDataCancel(t *testing.T) {
	for _, enc := range []string{"f32", "s16"} {
		path := filepath.Join(t.TempDir(), "f.wav")
		mustRun(t, "gen", "--type", enc, "--channels", "1", "--frames", fmt.Sprint(4*wavemap.DefaultBlockFrames), path)
		f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
		if err != nil {
			t.Fatal(err)
		}
		e := &env{stdout: new(strings.Builder), stderr: new(strings.Builder)}
		if _, err := scanData(cancelAfter(1), e, f, true); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: scan cancelled after a block: %v, want context.Canceled", enc, err)
		}
		if n, err := scanData(context.Background(), e, f, true); n != 0 || err != nil {
			t.Errorf("%s: scan: %d, %v", enc, n, err)
		}
		f.Close()
	}
}

// TestGainInterruptedMidPass interrupts gain part-way: exit 130 with the
// interrupt message, and the file stays a valid WAVE file of the same
// size whose first blocks have the new gain and whose last ones do not
// (the README's "valid but partly edited").
func TestGainInterruptedMidPass(t *testing.T) {
	const blocks = 16
	path := filepath.Join(t.TempDir(), "g.wav")
	mustRun(t, "gen", "--type", "s16", "--channels", "1", "--signal", "noise", "--frames", fmt.Sprint(blocks*wavemap.DefaultBlockFrames), path)
	before := readS16(t, path)
	r := runCLIContext(t, cancelAfter(2), "gain", "--factor", "0.5", path)
	if r.code != exitInterrupted || r.stdout != "" || !strings.Contains(r.stderr, "wavemap gain: interrupted") {
		t.Fatalf("gain interrupted: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	after := readS16(t, path)
	if len(after) != len(before) {
		t.Fatalf("%d samples after the interrupted gain, %d before", len(after), len(before))
	}
	changed := 0
	for b := range blocks {
		lo, hi := b*wavemap.DefaultBlockFrames, (b+1)*wavemap.DefaultBlockFrames
		if !slices.Equal(before[lo:hi], after[lo:hi]) {
			changed++
		}
	}
	if changed == 0 || changed == blocks {
		t.Errorf("%d of %d blocks changed by an interrupted gain, want some but not all", changed, blocks)
	}
}

// interruptSuffix is what the interrupt message adds for cmd: what its
// unfinished output became (nothing for commands that make none).
func interruptSuffix(cmd string) string {
	if lookup(cmd).makes == makesFiles {
		return "; the unfinished output was removed, nothing changed at its name"
	}
	return ""
}

// A header whose sample rate opens but cannot be written back (4294967295
// Hz: the byte rate passes 32 bits) makes convert fail with one line that
// names the output, says "wavemap" once and leaves nothing behind.
func TestConvertUnwritableRate(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "rate.wav"), filepath.Join(dir, "out.wav")
	fmtChunk := wavtest.Cat(wavtest.LE16(1), wavtest.LE16(1), wavtest.LE32(4294967295), wavtest.LE32(4294967294), wavtest.LE16(2), wavtest.LE16(16))
	if err := os.WriteFile(in, wavtest.RIFF(wavtest.Chunk("fmt ", fmtChunk), wavtest.Chunk("data", wavtest.S16(1, 2, 3, 4))), 0o666); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "convert", "--to", "f32", in, out)
	lines := strings.Split(errorMessage(r.stderr), "\n")
	last := lines[len(lines)-1]
	if r.code != exitFailure || !strings.HasPrefix(last, "wavemap convert: ") || strings.Count(last, "wavemap") != 1 || !strings.Contains(last, out) {
		t.Errorf("convert of a 4294967295 Hz file: exit %d, stderr %q", r.code, r.stderr)
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Errorf("convert left %q", names)
	}
}
