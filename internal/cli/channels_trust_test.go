//go:build unix

package cli

// split, merge and remix attacked as the older commands are in
// output_test.go: hostile outputs (split's are named after its channels,
// so makingCommands cannot give them), an unwritable folder, a full disk
// and two runs writing the same outputs at once.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/wavemap/wavemap/internal/atomicfile"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// TestSplitHostileOutputs puts, at the second of split's output names,
// things it must not write: each is refused before anything is created
// (the first output does not appear), stays as it was, and the input is
// not changed by a byte. A symlink to a regular file is replaced by the
// new file, the file it points to untouched. Outputs that are the input
// (by name, hard link or symlink) are refused by split, merge and remix.
func TestSplitHostileOutputs(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.wav")
	mustRun(t, "gen", "--frames", "4000", "--rate", "8000", "--signal", "noise", in)
	inHash := wavtest.HashFile(t, in)
	fl, fr := filepath.Join(dir, "in.FL.wav"), filepath.Join(dir, "in.FR.wav")
	fifo := filepath.Join(dir, "fifo")
	if err := mkfifo(fifo); err != nil {
		t.Fatal(err)
	}
	readOnly := filepath.Join(dir, "ro.wav")
	mustRun(t, "gen", "--frames", "10", readOnly)
	os.Chmod(readOnly, 0o444)
	for _, c := range []struct {
		name string
		make func() error
		want string
	}{
		{"fifo", func() error { return mkfifo(fr) }, fr + " is a FIFO: wavemap writes regular files only"},
		{"link to a fifo", func() error { return os.Symlink(fifo, fr) }, fr + " is a FIFO: wavemap writes regular files only"},
		{"link to a device", func() error { return os.Symlink("/dev/null", fr) }, fr + " is a device: wavemap writes regular files only"},
		{"read-only", func() error { return os.Link(readOnly, fr) }, fr + " is read-only (-r--r--r--)"},
		{"link to the input", func() error { return os.Symlink("in.wav", fr) }, fr + ": output is the same file as input " + in},
		{"hard link to the input", func() error { return os.Link(in, fr) }, fr + ": output is the same file as input " + in},
	} {
		if err := c.make(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		before, names := stateAt(t, fr), dirNames(t, dir)
		args := []string{"split", in}
		oneLineError(t, args, runCLI(t, args...), exitFailure, c.want)
		if !stateAt(t, fr).same(before) {
			t.Errorf("%s: split changed it", c.name)
		}
		if now := dirNames(t, dir); !slices.Equal(now, names) {
			t.Errorf("%s: split left %q, the directory held %q", c.name, now, names)
		}
		os.Remove(fr)
	}
	// A symlink at an output name is replaced, never written through.
	real := filepath.Join(dir, "real.wav")
	mustRun(t, "gen", "--frames", "99", real)
	keep := stateAt(t, real)
	os.Symlink("real.wav", fl)
	os.Symlink("nowhere.wav", fr)
	mustRun(t, "split", in)
	for _, p := range []string{fl, fr} {
		if st, err := os.Lstat(p); err != nil || !st.Mode().IsRegular() {
			t.Errorf("%s is %v (%v), want the new file", p, st, err)
		}
	}
	if !stateAt(t, real).same(keep) {
		t.Error("split wrote through the symlink")
	}
	if _, err := os.Lstat(filepath.Join(dir, "nowhere.wav")); err == nil {
		t.Error("split created the dangling link's target")
	}
	// An output name that is the input's: split a.FL.wav a.wav would
	// write a.FL.wav and a.FR.wav.
	a := filepath.Join(dir, "a.FL.wav")
	mustRun(t, "cut", in, a)
	aHash := wavtest.HashFile(t, a)
	oneLineError(t, []string{"split"}, runCLI(t, "split", a, filepath.Join(dir, "a.wav")), exitFailure, "output is the same file as input")
	oneLineError(t, []string{"merge"}, runCLI(t, "merge", in, a, a), exitFailure, "output is the same file as input")
	oneLineError(t, []string{"merge"}, runCLI(t, "merge", a, in, dir+"/./in.wav"), exitFailure, "output is the same file as input")
	oneLineError(t, []string{"remix"}, runCLI(t, "remix", in, in, "2", "1"), exitFailure, "output is the same file as input")
	if wavtest.HashFile(t, a) != aHash || wavtest.HashFile(t, in) != inHash {
		t.Error("an input was changed")
	}
	if ps, _ := atomicfile.PartialsIn(dir); len(ps) != 0 {
		t.Errorf("partial files left: %+v", ps)
	}
}

// TestChannelCommandsUnwritableDir: split, merge and remix into a folder
// they may not write fail with exit 1 and one line naming the output (not
// a temporary file), and leave nothing there.
func TestChannelCommandsUnwritableDir(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.wav")
	mustRun(t, "gen", "--frames", "1000", in)
	locked := filepath.Join(dir, "locked")
	unwritableDir(t, locked)
	out := filepath.Join(locked, "out.wav")
	for _, c := range []struct {
		args  []string
		named string
	}{
		{[]string{"split", in, locked + "/"}, filepath.Join(locked, "in.FL.wav")},
		{[]string{"merge", in, in, out}, out},
		{[]string{"remix", in, out, "2", "1"}, out},
	} {
		r := runCLI(t, c.args...)
		oneLineError(t, c.args, r, exitFailure, c.named+": ")
		if strings.Contains(r.stderr, atomicfile.Suffix) {
			t.Errorf("%q names the temporary file: %q", c.args, r.stderr)
		}
	}
	if names := dirNames(t, locked); len(names) != 0 {
		t.Errorf("left in the unwritable folder: %q", names)
	}
}

// smallDisk mounts a tmpfs of the given size (such as "2m") on a new
// folder, or skips the test when that is not allowed (not root, not
// Linux).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs (%v: %s): not root?", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

// TestChannelCommandsFullDisk replaces existing outputs on a 2 MiB file
// system with room for one of split's two new outputs but not both, and
// for none of merge's and remix's: each command fails with exit 1 and one
// line saying there is no space and naming the output; every old output
// is intact, and no temporary file is left.
func TestChannelCommandsFullDisk(t *testing.T) {
	small := smallDisk(t, "2m")
	in := filepath.Join(t.TempDir(), "in.wav")
	mustRun(t, "gen", "--seconds", "5", "--channels", "2", "--rate", "48000", "--signal", "noise", in) // 2 x 480 KB
	base := filepath.Join(small, "take.wav")
	fl, fr, out := filepath.Join(small, "take.FL.wav"), filepath.Join(small, "take.FR.wav"), filepath.Join(small, "out.wav")
	for _, p := range []string{fl, fr, out} {
		mustRun(t, "gen", "--seconds", "1", "--channels", "1", "--rate", "48000", p) // 96 KB each
	}
	// What is left after the filler: about 700 KB, room for one 480 KB
	// output.
	filler := make([]byte, 2048<<10-3*96_080-700<<10)
	if err := os.WriteFile(filepath.Join(small, "filler"), filler, 0o644); err != nil {
		t.Fatal(err)
	}
	before := map[string]state{}
	for _, p := range []string{fl, fr, out} {
		before[p] = stateAt(t, p)
	}
	names := dirNames(t, small)
	for _, c := range []struct {
		args  []string
		named string
	}{
		{[]string{"split", in, base}, fr},
		{[]string{"merge", in, in, out}, out},
		{[]string{"remix", in, out, "1", "2", "1v0.5,2v0.5"}, out},
		{[]string{"remix", "--to", "f32", in, out, "1"}, out},
	} {
		oneLineError(t, c.args, runCLI(t, c.args...), exitFailure, "no space left on device")
		if r := runCLI(t, c.args...); !strings.Contains(r.stderr, c.named) {
			t.Errorf("%q: %q does not name %s", c.args, r.stderr, c.named)
		}
		for p, st := range before {
			if !stateAt(t, p).same(st) {
				t.Errorf("%q on a full disk changed %s", c.args, p)
			}
		}
		if now := dirNames(t, small); !slices.Equal(now, names) {
			t.Errorf("%q left %q, the disk held %q", c.args, now, names)
		}
	}
	// With the filler gone, split succeeds over the same outputs.
	os.Remove(filepath.Join(small, "filler"))
	mustRun(t, "split", in, base)
}

// TestChannelCommandsConcurrent runs two split processes (and two remix
// processes) at once, from different inputs, over the same output names:
// both succeed, and every output afterwards is, byte for byte, the one
// that one run or the other makes alone (each was opened by sox and
// ffprobe): nothing interleaved, nothing partial, no temporary file left.
func TestChannelCommandsConcurrent(t *testing.T) {
	bin := wavemapBinary(t)
	wavtest.Need(t, "sox")
	wavtest.Need(t, "ffprobe")
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.wav"), filepath.Join(dir, "b.wav")
	mustRun(t, "gen", "--seconds", "10", "--signal", "noise", a)
	mustRun(t, "gen", "--seconds", "10", "--signal", "sine", b)
	ops := []struct {
		args func(in, outDir string) []string
		outs []string
	}{
		{func(in, d string) []string { return []string{"split", "-q", in, filepath.Join(d, "x.wav")} }, []string{"x.FL.wav", "x.FR.wav"}},
		{func(in, d string) []string {
			return []string{"remix", "-q", in, filepath.Join(d, "r.wav"), "1v0.5,2v0.5", "2"}
		}, []string{"r.wav"}},
	}
	// What each run makes alone.
	want := map[string][]string{}
	for _, in := range []string{a, b} {
		ref := t.TempDir()
		for _, op := range ops {
			mustRun(t, op.args(in, ref)...)
			for _, o := range op.outs {
				p := filepath.Join(ref, o)
				wavtest.Run(t, "sox", "--i", p)
				if out := wavtest.Run(t, "ffprobe", "-v", "error", p); len(out) > 0 {
					t.Fatalf("ffprobe %s: %s", p, out)
				}
				want[o] = append(want[o], fmt.Sprintf("%x", wavtest.HashFile(t, p)))
			}
		}
	}
	rounds := 6
	if testing.Short() {
		rounds = 2
	}
	out := t.TempDir()
	for round := range rounds {
		for _, op := range ops {
			var wg sync.WaitGroup
			errs := make([]string, 2)
			for i, in := range []string{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if msg, err := exec.Command(bin, op.args(in, out)...).CombinedOutput(); err != nil {
						errs[i] = fmt.Sprintf("%v: %s", err, msg)
					}
				}()
			}
			wg.Wait()
			for i, e := range errs {
				if e != "" {
					t.Errorf("round %d: %q: %s", round, op.args([]string{a, b}[i], out), e)
				}
			}
			for _, o := range op.outs {
				if h := fmt.Sprintf("%x", wavtest.HashFile(t, filepath.Join(out, o))); !slices.Contains(want[o], h) {
					t.Errorf("round %d: %s is neither run's output", round, o)
				}
			}
		}
		if ps, _ := atomicfile.PartialsIn(out); len(ps) != 0 {
			t.Fatalf("round %d: partial files left: %+v", round, ps)
		}
	}
}
