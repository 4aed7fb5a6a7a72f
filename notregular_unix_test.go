//go:build unix

package wavemap_test

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/wavemap/wavemap"
	"golang.org/x/sys/unix"
)

// promptly is how long an open of a special file may take before the
// test calls it a hang.
const promptly = 5 * time.Second

// pathOpeners are the calls that take a path, as functions returning the
// error (a File opened by mistake is closed).
var pathOpeners = []struct {
	name string
	open func(path string) error
}{
	{"Open r", func(p string) error { return closed(wavemap.Open(p, wavemap.ReadOnly, nil)) }},
	{"Open c", func(p string) error { return closed(wavemap.Open(p, wavemap.CopyOnWrite, nil)) }},
	{"Open r+", func(p string) error { return closed(wavemap.Open(p, wavemap.ReadWrite, nil)) }},
	{"Open NoLock", func(p string) error { return closed(wavemap.Open(p, wavemap.ReadOnly, &wavemap.Options{NoLock: true})) }},
	{"OpenRaw r", func(p string) error { return closed(wavemap.OpenRaw(p, rawS16, wavemap.ReadOnly, nil)) }},
	{"OpenRaw r+", func(p string) error { return closed(wavemap.OpenRaw(p, rawS16, wavemap.ReadWrite, nil)) }},
	{"Repair dry run", func(p string) error { _, err := wavemap.Repair(p, &wavemap.RepairOptions{DryRun: true}); return err }},
	{"Repair", func(p string) error { _, err := wavemap.Repair(p, nil); return err }},
}

func closed(f *wavemap.File, err error) error {
	if f != nil {
		f.Close()
	}
	return err
}

// withinDeadline runs open(path) and fails the test if it has not
// returned after promptly. A hung open of the FIFO fifo is then released
// by opening the FIFO's other end, so the test ends either way.
func withinDeadline(t *testing.T, path, fifo string, open func(string) error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- open(path) }()
	select {
	case err := <-done:
		return err
	case <-time.After(promptly):
		for {
			// Open the other end until the hung call returns (a
			// reader that got this writer may wait for the next).
			if w, err := os.OpenFile(fifo, os.O_RDWR, 0); err == nil {
				w.Close()
			}
			select {
			case <-done:
				t.Fatalf("%s: blocked for more than %v", path, promptly)
				return nil
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
}

// wantNotRegular fails unless err is ErrNotRegular inside an
// *fs.PathError naming path.
func wantNotRegular(t *testing.T, what string, err error, path string) {
	t.Helper()
	var pe *fs.PathError
	switch {
	case !errors.Is(err, wavemap.ErrNotRegular):
		t.Errorf("%s: %v, want ErrNotRegular", what, err)
	case !errors.As(err, &pe) || pe.Path != path:
		t.Errorf("%s: %v is not an *fs.PathError about %s", what, err, path)
	}
}

// specialFiles makes the special files the tests open: a FIFO, a
// directory, a Unix socket, and a character device (a node of its own if
// this process may make one, else /dev/null).
func specialFiles(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"directory": filepath.Join(dir, "dir.wav"), "fifo": filepath.Join(dir, "fifo.wav")}
	if err := os.Mkdir(files["directory"], 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mkfifo(files["fifo"], 0o666); err != nil {
		t.Fatal(err)
	}
	// Socket paths are limited to about 100 bytes: use a short directory.
	if sdir, err := os.MkdirTemp("", "wm"); err == nil {
		t.Cleanup(func() { os.RemoveAll(sdir) })
		sock := filepath.Join(sdir, "s.wav")
		if l, err := net.Listen("unix", sock); err == nil {
			t.Cleanup(func() { l.Close() })
			files["socket"] = sock
		} else {
			t.Logf("no Unix socket: %v", err)
		}
	}
	files["device"] = "/dev/null"
	if runtime.GOOS == "linux" {
		// The same device as /dev/null (1, 3), made here: needs root.
		node := filepath.Join(dir, "null.wav")
		if err := unix.Mknod(node, unix.S_IFCHR|0o666, 1<<8|3); err == nil {
			files["device"] = node
		} else {
			t.Logf("mknod %s: %v: using /dev/null as the device", node, err)
		}
	}
	return files
}

// TestFIFONeverBlocks gives every path-taking call a named pipe (with no
// writer: a blocking open(2) would wait for ever), a directory, a socket
// and a device: each returns ErrNotRegular at once.
func TestFIFONeverBlocks(t *testing.T) {
	files := specialFiles(t)
	for kind, path := range files {
		for _, o := range pathOpeners {
			err := withinDeadline(t, path, files["fifo"], o.open)
			wantNotRegular(t, o.name+" of a "+kind, err, path)
		}
	}
	// Nothing was written into the FIFO: a non-blocking read finds it
	// empty with no writer (EOF), not holding header bytes.
	r, err := os.OpenFile(files["fifo"], os.O_RDONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if n, _ := r.Read(make([]byte, 16)); n != 0 {
		t.Errorf("%d bytes were written into the FIFO", n)
	}
}

// TestFIFOSwappedIn races a FIFO against the regular-file check: the
// path is replaced, again and again, by a regular file and by a FIFO
// (atomic renames), while it is opened. The check before opening cannot
// catch a FIFO that arrives after it, so the open itself must not block,
// and whatever was opened must be checked: every open either maps the
// WAVE file or fails with ErrNotRegular, within the deadline.
func TestFIFOSwappedIn(t *testing.T) {
	dir := t.TempDir()
	reg, fifo, path := filepath.Join(dir, "reg"), filepath.Join(dir, "fifo"), filepath.Join(dir, "x.wav")
	if err := os.WriteFile(reg, mustRead(t, lockedFile(t)), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mkfifo(fifo, 0o666); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	swapped := make(chan error, 1)
	stopSwaps := sync.OnceValue(func() error {
		close(stop)
		return <-swapped
	})
	t.Cleanup(func() { stopSwaps() })
	go func() {
		tmp := filepath.Join(dir, "tmp")
		for i := 0; ; i++ {
			select {
			case <-stop:
				swapped <- nil
				return
			default:
			}
			src := reg
			if i%2 == 1 {
				src = fifo
			}
			os.Remove(tmp)
			if err := os.Link(src, tmp); err != nil {
				swapped <- err
				return
			}
			if err := os.Rename(tmp, path); err != nil {
				swapped <- err
				return
			}
		}
	}()
	var opened, refused int
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) || opened == 0 || refused == 0 {
		if time.Since(deadline) > 10*time.Second {
			break
		}
		err := withinDeadline(t, path, fifo, func(p string) error { return closed(wavemap.Open(p, wavemap.ReadOnly, nil)) })
		switch {
		case err == nil:
			opened++
		case errors.Is(err, wavemap.ErrNotRegular):
			refused++
		case errors.Is(err, fs.ErrNotExist):
			// before the first rename
		default:
			t.Fatalf("open during the swaps: %v", err)
		}
	}
	if err := stopSwaps(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d opens mapped the file, %d refused the FIFO", opened, refused)
	if opened == 0 || refused == 0 {
		t.Errorf("the race never produced both outcomes (%d opened, %d refused)", opened, refused)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
