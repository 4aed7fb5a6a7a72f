package wavemap_test

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// needLocks skips the test where the library takes no locks.
func needLocks(t testing.TB) {
	t.Helper()
	switch runtime.GOOS {
	case "darwin", "dragonfly", "freebsd", "linux", "netbsd", "openbsd", "solaris", "illumos", "windows", "android", "ios":
		return
	}
	t.Skipf("no file locks on %s: files open unlocked", runtime.GOOS)
}

// lockedFile writes a small s16 file whose RIFF size is one too large
// (so that Repair has something to change) and returns its path.
func lockedFile(t testing.TB) string {
	t.Helper()
	return wavtest.WriteTemp(t, wavtest.Wave("RIFF", int64(4+len(fmt16)+8+len(pcm)+1), fmt16, wavtest.Chunk("data", pcm)))
}

// mustOpen opens path or fails the test, closing the File at the end of
// the test if the test has not.
func mustOpen(t testing.TB, path string, mode wavemap.Mode, opts *wavemap.Options) *wavemap.File {
	t.Helper()
	f, err := wavemap.Open(path, mode, opts)
	if err != nil {
		t.Fatalf("Open %s %v: %v", path, mode, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// wantLocked fails unless err is the lock error about path, saying the
// holder has the file open for holder ("reading", "writing").
func wantLocked(t testing.TB, what string, err error, path, holder string) {
	t.Helper()
	switch {
	case err == nil:
		t.Errorf("%s: no error, want ErrLocked", what)
	case !errors.Is(err, wavemap.ErrLocked):
		t.Errorf("%s: %v, want ErrLocked", what, err)
	case !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "open for "+holder):
		t.Errorf("%s: %q does not name %s and say it is open for %s", what, err, path, holder)
	}
}

// openers are every way of opening a path that takes a lock, with the
// holder a conflicting opener's error must name.
var openers = []struct {
	name   string
	writes bool
	open   func(path string) (*wavemap.File, error)
}{
	{"Open r", false, func(p string) (*wavemap.File, error) { return wavemap.Open(p, wavemap.ReadOnly, nil) }},
	{"Open c", false, func(p string) (*wavemap.File, error) { return wavemap.Open(p, wavemap.CopyOnWrite, nil) }},
	{"Open r+", true, func(p string) (*wavemap.File, error) { return wavemap.Open(p, wavemap.ReadWrite, nil) }},
	{"OpenRaw r", false, func(p string) (*wavemap.File, error) { return wavemap.OpenRaw(p, rawS16, wavemap.ReadOnly, nil) }},
	{"OpenRaw r+", true, func(p string) (*wavemap.File, error) { return wavemap.OpenRaw(p, rawS16, wavemap.ReadWrite, nil) }},
}

// rawS16 maps a file as headerless mono s16.
var rawS16 = wavemap.Raw{Format: wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 1, SampleRate: 8000}}

// TestLockMatrix opens one file twice, in every pair of ways: two readers
// share it; a writer with anything else conflicts, whichever came first,
// and the second open fails at once with ErrLocked naming the file and
// what the first does, leaving the file unchanged.
func TestLockMatrix(t *testing.T) {
	needLocks(t)
	for _, first := range openers {
		for _, second := range openers {
			t.Run(first.name+" then "+second.name, func(t *testing.T) {
				path := lockedFile(t)
				before := wavtest.HashFile(t, path)
				f, err := first.open(path)
				if err != nil {
					t.Fatal(err)
				}
				g, err := second.open(path)
				if first.writes || second.writes {
					holder := "reading"
					if first.writes {
						holder = "writing"
					}
					wantLocked(t, "second open", err, path, holder)
					if g != nil {
						t.Error("a failed open returned a File")
						g.Close()
					}
				} else if err != nil {
					t.Errorf("two readers: %v", err)
				} else {
					g.Close()
				}
				if err := f.Close(); err != nil {
					t.Fatal(err)
				}
				if wavtest.HashFile(t, path) != before {
					t.Error("the file changed")
				}
				// Both closed: a writer gets the file.
				h, err := wavemap.Open(path, wavemap.ReadWrite, nil)
				if err != nil {
					t.Fatalf("after Close: %v", err)
				}
				h.Close()
			})
		}
	}
}

// TestLockWritesOfTheHolder checks that the holder of the lock still
// works normally: a second writer that failed leaves the first one's
// edits in place, and they are what the next open sees.
func TestLockWritesOfTheHolder(t *testing.T) {
	needLocks(t)
	path := lockedFile(t)
	f := mustOpen(t, path, wavemap.ReadWrite, nil)
	s, err := wavemap.Samples[int16](f)
	if err != nil {
		t.Fatal(err)
	}
	for i := range s {
		s[i] *= 10
	}
	if _, err := wavemap.Open(path, wavemap.ReadWrite, nil); !errors.Is(err, wavemap.ErrLocked) {
		t.Fatalf("second writer: %v, want ErrLocked", err)
	}
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	g := mustOpen(t, path, wavemap.ReadOnly, nil)
	got, _ := wavemap.Samples[int16](g)
	if want := []int16{10, -20, 30, -40, 50}; !slices.Equal(got, want) {
		t.Errorf("after the holder's edit: %v, want %v", got, want)
	}
}

// TestLockNoLock: with Options.NoLock on the second open, or on the
// first, both opens succeed.
func TestLockNoLock(t *testing.T) {
	needLocks(t)
	no := &wavemap.Options{NoLock: true}
	for _, c := range []struct {
		name          string
		first, second *wavemap.Options
	}{
		{"second", nil, no},
		{"first", no, nil},
		{"both", no, no},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := lockedFile(t)
			mustOpen(t, path, wavemap.ReadWrite, c.first)
			mustOpen(t, path, wavemap.ReadWrite, c.second)
			g, err := wavemap.OpenRaw(path, rawS16, wavemap.ReadWrite, no)
			if err != nil {
				t.Fatalf("OpenRaw with NoLock: %v", err)
			}
			g.Close()
		})
	}
}

// TestLockReleased: a lock is released by Close, by every failed open
// (whatever step failed after the lock was taken), and a Close of a File
// opened with NoLock does not release another File's lock.
func TestLockReleased(t *testing.T) {
	needLocks(t)
	path := lockedFile(t)
	for range 3 {
		f, err := wavemap.Open(path, wavemap.ReadWrite, nil)
		if err != nil {
			t.Fatalf("open after Close: %v", err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// Failures after the lock: a strict parse (the RIFF size is wrong),
	// a raw frame count larger than the file, a raw offset past the end.
	if _, err := wavemap.Open(path, wavemap.ReadWrite, &wavemap.Options{Strict: true}); err == nil || errors.Is(err, wavemap.ErrLocked) {
		t.Fatalf("strict open of a damaged file: %v, want a format error", err)
	}
	if _, err := wavemap.OpenRaw(path, wavemap.Raw{Format: rawS16.Format, Frames: 1 << 20}, wavemap.ReadWrite, nil); err == nil {
		t.Fatal("OpenRaw of too many frames succeeded")
	}
	if _, err := wavemap.OpenRaw(path, wavemap.Raw{Format: rawS16.Format, Offset: 1 << 20}, wavemap.ReadOnly, nil); err == nil {
		t.Fatal("OpenRaw past the end succeeded")
	}
	if _, err := wavemap.Repair(path, &wavemap.RepairOptions{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	f := mustOpen(t, path, wavemap.ReadWrite, nil)

	// An unlocked File closing must not drop f's lock.
	g, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{NoLock: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = wavemap.Open(path, wavemap.ReadOnly, nil)
	wantLocked(t, "reader after an unlocked File closed", err, path, "writing")
	f.Close()
}

// TestLockRepair: Repair that writes needs the file to itself, a dry run
// shares it with readers; a refused Repair changes no byte.
func TestLockRepair(t *testing.T) {
	needLocks(t)
	path := lockedFile(t)
	before := wavtest.HashFile(t, path)

	w := mustOpen(t, path, wavemap.ReadWrite, nil)
	_, err := wavemap.Repair(path, nil)
	wantLocked(t, "Repair while a writer has the file", err, path, "writing")
	_, err = wavemap.Repair(path, &wavemap.RepairOptions{DryRun: true})
	wantLocked(t, "dry-run Repair while a writer has the file", err, path, "writing")
	w.Close()
	if wavtest.HashFile(t, path) != before {
		t.Fatal("a refused Repair changed the file")
	}

	r := mustOpen(t, path, wavemap.ReadOnly, nil)
	_, err = wavemap.Repair(path, nil)
	wantLocked(t, "Repair while a reader has the file", err, path, "reading")
	if fixes, err := wavemap.Repair(path, &wavemap.RepairOptions{DryRun: true}); err != nil || len(fixes) != 1 {
		t.Errorf("dry-run Repair beside a reader: %v, %v; want one fix", fixes, err)
	}
	if wavtest.HashFile(t, path) != before {
		t.Fatal("a refused Repair changed the file")
	}
	// NoLock: the caller coordinates, Repair writes.
	if fixes, err := wavemap.Repair(path, &wavemap.RepairOptions{NoLock: true}); err != nil || len(fixes) != 1 {
		t.Errorf("Repair with NoLock: %v, %v; want one fix", fixes, err)
	}
	r.Close()
	// Repair released its lock: a writer gets the file.
	mustOpen(t, path, wavemap.ReadWrite, nil).Close()
}

// The other process of TestLockOtherProcess is this test binary run
// again with lockChildEnv set to "MODE PATH": it opens PATH in MODE
// ("r", "r+"), prints "locked", and holds the file until its standard
// input closes.
const lockChildEnv = "WAVEMAP_LOCK_CHILD"

// TestLockOtherProcess: a lock held by another process stops Open and
// Repair as one held in this process does, and its end (the process
// exits) frees the file.
func TestLockOtherProcess(t *testing.T) {
	if v := os.Getenv(lockChildEnv); v != "" {
		lockChild(v)
		return
	}
	needLocks(t)
	for _, c := range []struct {
		mode    string
		holder  string
		refused []wavemap.Mode
		allowed []wavemap.Mode
	}{
		{"r+", "writing", []wavemap.Mode{wavemap.ReadOnly, wavemap.CopyOnWrite, wavemap.ReadWrite}, nil},
		{"r", "reading", []wavemap.Mode{wavemap.ReadWrite}, []wavemap.Mode{wavemap.ReadOnly, wavemap.CopyOnWrite}},
	} {
		t.Run(c.mode, func(t *testing.T) {
			path := lockedFile(t)
			before := wavtest.HashFile(t, path)
			done := holdInChild(t, c.mode, path)
			for _, m := range c.refused {
				_, err := wavemap.Open(path, m, nil)
				wantLocked(t, fmt.Sprintf("Open %v", m), err, path, c.holder)
			}
			for _, m := range c.allowed {
				mustOpen(t, path, m, nil).Close()
			}
			_, err := wavemap.Repair(path, nil)
			wantLocked(t, "Repair", err, path, c.holder)
			done()
			if wavtest.HashFile(t, path) != before {
				t.Fatal("the file changed")
			}
			mustOpen(t, path, wavemap.ReadWrite, nil).Close()
		})
	}
}

// holdInChild starts a process that holds path open in mode, waits until
// it has the lock, and returns a function that ends it.
func holdInChild(t *testing.T, mode, path string) (done func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockOtherProcess$")
	cmd.Env = append(os.Environ(), lockChildEnv+"="+mode+" "+path)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ended := false
	done = func() {
		if ended {
			return
		}
		ended = true
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("lock holder: %v", err)
		}
	}
	t.Cleanup(done)
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "locked" {
		done()
		t.Fatalf("lock holder said %q (%v), want \"locked\"", line, err)
	}
	return done
}

// lockChild is the other process: see lockChildEnv.
func lockChild(v string) {
	mode, path, _ := strings.Cut(v, " ")
	m, err := wavemap.ParseMode(mode)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	f, err := wavemap.Open(path, m, nil)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	fmt.Println("locked")
	bufio.NewReader(os.Stdin).ReadString('\n') // until the parent closes it
	f.Close()
	os.Exit(0)
}

// TestLockFlockTool: a lock taken by flock(1), the shell's tool, stops
// Open; the library's locks are the ones scripts take.
func TestLockFlockTool(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("flock(1) is the util-linux tool")
	}
	if _, err := exec.LookPath("flock"); err != nil {
		t.Skip("flock(1) (util-linux) is not installed")
	}
	for _, c := range []struct {
		flag, holder string
		refused      []wavemap.Mode
	}{
		{"-x", "writing", []wavemap.Mode{wavemap.ReadOnly, wavemap.ReadWrite}},
		{"-s", "reading", []wavemap.Mode{wavemap.ReadWrite}},
	} {
		t.Run(c.flag, func(t *testing.T) {
			path := lockedFile(t)
			// flock prints once it holds the lock, then waits for its
			// standard input to close.
			cmd := exec.Command("flock", c.flag, path, "sh", "-c", "echo locked; exec cat >/dev/null")
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Wait()
			defer stdin.Close()
			if line, err := bufio.NewReader(stdout).ReadString('\n'); strings.TrimSpace(line) != "locked" {
				t.Fatalf("flock said %q (%v)", line, err)
			}
			for _, m := range c.refused {
				_, err := wavemap.Open(path, m, nil)
				wantLocked(t, fmt.Sprintf("Open %v beside flock %s", m, c.flag), err, path, c.holder)
			}
			stdin.Close()
			if err := cmd.Wait(); err != nil {
				t.Fatalf("flock: %v", err)
			}
			mustOpen(t, path, wavemap.ReadWrite, nil).Close()
		})
	}
}

// TestLockFollowsTheFile: the lock is on the file, not its name: a File
// whose path was renamed still holds it under the new name.
func TestLockFollowsTheFile(t *testing.T) {
	needLocks(t)
	if runtime.GOOS == "windows" {
		t.Skip("an open file cannot be renamed on Windows")
	}
	path := lockedFile(t)
	f := mustOpen(t, path, wavemap.ReadWrite, nil)
	moved := filepath.Join(filepath.Dir(path), "moved.wav")
	if err := os.Rename(path, moved); err != nil {
		t.Fatal(err)
	}
	_, err := wavemap.Open(moved, wavemap.ReadOnly, nil)
	wantLocked(t, "Open of the renamed file", err, moved, "writing")
	f.Close()
}
