//go:build unix

// Package crashtest kills file-making and editing operations at random
// moments and checks that nothing is lost: the output name holds the old
// file or the complete new one, no partial file is left unreported, every
// file left opens in wavemap, sox and ffprobe, and a rerun of an
// interrupted in-place edit gives the samples of an uninterrupted run.
//
// It runs the wavemap command (built once) and, for library calls, this
// test binary re-executed as a child. The kill times are drawn from a
// seeded generator (WAVEMAP_CRASH_SEED, default 1) over the length of an
// uninterrupted run, so a failure can be replayed; WAVEMAP_CRASH_KILLS
// sets the kills per operation (default 20). The test is skipped under
// -short.
package crashtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// childEnv names the library operation a re-executed test binary runs.
const childEnv = "WAVEMAP_CRASH_CHILD"

func TestMain(m *testing.M) {
	if op := os.Getenv(childEnv); op != "" {
		if err := runChild(op, os.Args[len(os.Args)-2:]); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runChild performs one library operation on the files in args.
func runChild(op string, args []string) error {
	ctx := context.Background()
	in, out := args[0], args[1]
	switch op {
	case "create": // a new file over an existing one, filled, committed by Close
		f, err := wavemap.Create(out, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}, 48000*120, nil)
		if err != nil {
			return err
		}
		s, _ := wavemap.Samples[int16](f)
		for i := range s {
			s[i] = int16(i * 31)
		}
		return f.Close()
	case "copyto":
		src, err := wavemap.Open(in, wavemap.ReadOnly, nil)
		if err != nil {
			return err
		}
		defer src.Close()
		dst, err := src.CopyTo(out, 0, src.Frames(), nil)
		if err != nil {
			return err
		}
		return dst.Close()
	case "transcodeto":
		src, err := wavemap.Open(in, wavemap.ReadOnly, nil)
		if err != nil {
			return err
		}
		defer src.Close()
		format := src.Format()
		format.Encoding = wavemap.EncodingFloat32
		f, err := wavemap.Create(out, format, src.Frames(), nil)
		if err != nil {
			return err
		}
		if _, err := wavemap.Transcode(ctx, f, src, nil); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	case "append": // grow in place, many small appends
		f, err := wavemap.Open(in, wavemap.ReadWrite, nil)
		if err != nil {
			return err
		}
		defer f.Close()
		block := make([]int16, 2*48000)
		for i := range block {
			block[i] = int16(i)
		}
		for range 100 {
			if err := wavemap.Append(f, wavemap.Frames[int16]{Data: block, Channels: 2}); err != nil {
				return err
			}
		}
		return f.Flush()
	case "tagwrite": // metadata that must move after the audio (see tagkill_test.go)
		return tagWrite(in)
	}
	return fmt.Errorf("unknown operation %q", op)
}

// op is one operation under test.
type op struct {
	name string
	// cmd returns the command to run on the files of dir: in is the
	// input, out the target.
	cmd func(bin, test, dir string) *exec.Cmd
	// inPlace: the operation edits its input; a rerun after a kill must
	// give the uninterrupted result. Otherwise it makes out, which must
	// hold the old file or the complete new one.
	inPlace bool
	// grows: an in-place operation that is not rerun (Append): the file
	// must only stay valid.
	grows bool
}

func ops() []op {
	cli := func(args ...string) func(bin, test, dir string) *exec.Cmd {
		return func(bin, _, dir string) *exec.Cmd {
			a := make([]string, len(args))
			for i, s := range args {
				a[i] = strings.NewReplacer("IN", filepath.Join(dir, "in.wav"), "OUT", filepath.Join(dir, "out.wav"),
					"RAW", filepath.Join(dir, "in.raw")).Replace(s)
			}
			return exec.Command(bin, a...)
		}
	}
	lib := func(name string) func(bin, test, dir string) *exec.Cmd {
		return func(_, test, dir string) *exec.Cmd {
			c := exec.Command(test, "-test.run=^$", filepath.Join(dir, "in.wav"), filepath.Join(dir, "out.wav"))
			c.Env = append(os.Environ(), childEnv+"="+name)
			return c
		}
	}
	return []op{
		{name: "gen", cmd: cli("gen", "--seconds", "120", "--signal", "noise", "OUT")},
		{name: "convert", cmd: cli("convert", "--to", "f32", "IN", "OUT")},
		// 92 MB of f64: past directMin, written with O_DIRECT (Linux).
		{name: "convert-direct", cmd: cli("convert", "--to", "f64", "IN", "OUT")},
		{name: "cut", cmd: cli("cut", "--from", "1", "--to", "100", "IN", "OUT")},
		{name: "cat", cmd: cli("cat", "IN", "IN", "OUT")},
		{name: "raw-wrap", cmd: cli("raw", "--type", "s16", "--channels", "2", "--rate", "48000", "RAW", "OUT")},
		{name: "gain", cmd: cli("gain", "--db", "-6", "IN"), inPlace: true},
		{name: "normalize", cmd: cli("normalize", "--peak", "-3dB", "IN"), inPlace: true},
		{name: "lib-create", cmd: lib("create")},
		{name: "lib-copyto", cmd: lib("copyto")},
		{name: "lib-transcode", cmd: lib("transcodeto")},
		{name: "lib-append", cmd: lib("append"), inPlace: true, grows: true},
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// setup writes the fixture files into dir: in.wav (120 s of s16 stereo
// noise), in.raw (its samples), and out.wav (an older, different file
// that a creating operation replaces).
func setup(t *testing.T, bin, dir string) {
	t.Helper()
	run(t, bin, "gen", "--seconds", "120", "--signal", "noise", filepath.Join(dir, "in.wav"))
	run(t, bin, "raw", "--extract", filepath.Join(dir, "in.wav"), filepath.Join(dir, "in.raw"))
	run(t, bin, "gen", "--seconds", "3", "--signal", "sine", filepath.Join(dir, "out.wav"))
}

func run(t *testing.T, bin string, args ...string) {
	t.Helper()
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", bin, args, err, out)
	}
}

func hash(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return "absent"
	}
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(b))
}

// samplesHash hashes a file's decoded audio (so that header details that
// may differ between runs, such as a journal or padding, do not count).
func samplesHash(t *testing.T, path string) string {
	t.Helper()
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	return fmt.Sprintf("%x", sha256.Sum256(f.Bytes()))
}

// fixture copies the pristine files of src into a new directory.
func fixture(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"in.wav", "in.raw", "out.wav"} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// buildTools skips the test without go, sox or ffprobe, and builds the
// wavemap command into a temporary folder, returning its path.
func buildTools(t *testing.T) string {
	t.Helper()
	goTool := wavtest.Need(t, "go")
	wavtest.Need(t, "sox")
	wavtest.Need(t, "ffprobe")
	bin := filepath.Join(t.TempDir(), "wavemap")
	if out, err := exec.Command(goTool, "build", "-o", bin, "github.com/wavemap/wavemap/cmd/wavemap").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func TestKillAnywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test runs hundreds of processes: skipped under -short")
	}
	bin := buildTools(t)
	test, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	pristine := t.TempDir()
	setup(t, bin, pristine)
	seed := uint64(envInt("WAVEMAP_CRASH_SEED", 1))
	kills := envInt("WAVEMAP_CRASH_KILLS", 20)
	for _, o := range ops() {
		t.Run(o.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, uint64(len(o.name))))
			// The uninterrupted run: its duration bounds the kill times,
			// its result is what a completed run must give.
			ref := fixture(t, pristine)
			oldOut := hash(t, filepath.Join(ref, "out.wav"))
			start := time.Now()
			if out, err := o.cmd(bin, test, ref).CombinedOutput(); err != nil {
				t.Fatalf("uninterrupted run: %v\n%s", err, out)
			}
			took := time.Since(start)
			target := "out.wav"
			if o.inPlace {
				target = "in.wav"
			}
			newOut := hash(t, filepath.Join(ref, target))
			var refSamples string
			if o.inPlace && !o.grows {
				refSamples = samplesHash(t, filepath.Join(ref, target))
			}
			var landed, finished, afterDone int
			for k := range kills {
				dir := fixture(t, pristine)
				delay := time.Duration(rng.Int64N(int64(took) + int64(took)/5 + 1))
				cmd := o.cmd(bin, test, dir)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				time.Sleep(delay)
				cmd.Process.Signal(syscall.SIGKILL)
				err := cmd.Wait()
				if err == nil {
					finished++
				} else {
					landed++
				}
				what := fmt.Sprintf("kill %d after %v (seed %d)", k, delay, seed)
				// An interrupted in-place edit may leave a journal for its
				// rerun: leftovers are checked after the rerun there.
				check(t, bin, dir, what, !o.inPlace || o.grows)
				got := hash(t, filepath.Join(dir, target))
				switch {
				case o.grows:
				case o.inPlace && err == nil:
					// The run finished before the kill: nothing to rerun.
					if got != newOut {
						t.Errorf("%s: the run finished, but its result differs from the reference run's", what)
					}
				case o.inPlace && got == newOut && !exists(wavemap.JournalPath(filepath.Join(dir, target))):
					// The kill came after the edit was complete and its
					// journal removed (the process was on its way out): a
					// rerun would edit again, and nothing in the file can
					// tell this apart from success, which it is.
					afterDone++
				case o.inPlace:
					// Rerun to the end: exactly the uninterrupted result.
					if out, err := o.cmd(bin, test, dir).CombinedOutput(); err != nil {
						t.Errorf("%s: rerun failed: %v\n%s", what, err, out)
						continue
					}
					check(t, bin, dir, what+", rerun", true)
					if s := samplesHash(t, filepath.Join(dir, target)); s != refSamples {
						t.Errorf("%s: the rerun's samples differ from an uninterrupted run's", what)
					}
				case got != oldOut && got != newOut:
					t.Errorf("%s: %s is neither the old file nor the complete new one", what, target)
				}
			}
			t.Logf("%d kills: %d landed during the run (%d of them after an in-place edit was complete), %d after it finished (run takes %v)",
				kills, landed, afterDone, finished, took)
		})
	}
}

// check asserts the state of dir after a kill: every WAVE file opens in
// wavemap, sox and ffprobe, and, with leftovers, every file other than
// the fixtures is reported by wavemap check as unfinished (and is then
// removed).
func check(t *testing.T, bin, dir, what string, leftovers bool) {
	t.Helper()
	known := []string{"in.wav", "in.raw", "out.wav"}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !leftovers {
			break
		}
		path := filepath.Join(dir, e.Name())
		if slices.Contains(known, e.Name()) {
			continue
		}
		out, err := exec.Command(bin, "check", path).CombinedOutput()
		if err == nil {
			t.Errorf("%s: %s is left behind and check says nothing of it:\n%s", what, e.Name(), out)
		}
		os.Remove(path)
	}
	for _, name := range []string{"in.wav", "out.wav"} {
		path := filepath.Join(dir, name)
		if _, err := os.Stat(path); os.IsNotExist(err) {
			continue
		}
		f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
		if err != nil {
			t.Errorf("%s: wavemap cannot open %s: %v", what, name, err)
			continue
		}
		f.Close()
		if out, err := exec.Command("sox", "--i", path).CombinedOutput(); err != nil {
			t.Errorf("%s: sox cannot open %s: %v\n%s", what, name, err, out)
		}
		if out, err := exec.Command("ffprobe", "-v", "error", path).CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("%s: ffprobe on %s: %v\n%s", what, name, err, out)
		}
	}
}
