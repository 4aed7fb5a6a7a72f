//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestSpecialInput gives every command that reads a file a named pipe
// with no writer (a blocking open(2) of it waits for ever: it hung all
// but gen before) and a character device: each must fail at once with
// exit 1 and a one-line message naming the input, write nothing into the
// pipe and leave no output behind.
func TestSpecialInput(t *testing.T) {
	for _, kind := range []string{"fifo", "device"} {
		for _, cmd := range badInputCommands {
			if cmd.noInput {
				continue
			}
			label := cmd.name
			if cmd.name == "raw" && !cmd.wantsWAVE {
				label = "raw-wrap"
			}
			t.Run(kind+"/"+label, func(t *testing.T) {
				dir := t.TempDir()
				in := filepath.Join(dir, "in.wav")
				fifo := ""
				switch kind {
				case "fifo":
					if err := unix.Mkfifo(in, 0o666); err != nil {
						t.Fatal(err)
					}
					fifo = in
				case "device":
					in = "/dev/null"
					if runtime.GOOS == "linux" {
						// /dev/null's numbers (1, 3), as a node of our
						// own where this process may make one.
						node := filepath.Join(dir, "in.wav")
						if err := unix.Mknod(node, unix.S_IFCHR|0o666, 1<<8|3); err == nil {
							in = node
						}
					}
				}
				entries := dirNames(t, dir)
				args := cmd.args(in, filepath.Join(dir, "out.wav"))
				r := runPromptly(t, fifo, args...)
				msg := errorMessage(r.stderr)
				switch {
				case r.code != exitFailure:
					t.Errorf("wavemap %q: exit %d, want 1 (stderr %q)", args, r.code, r.stderr)
				case msg == "" || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "wavemap "+cmd.name+": "):
					t.Errorf("wavemap %q: want a one-line error from %s, got %q", args, cmd.name, r.stderr)
				case !strings.Contains(msg, in) || !strings.Contains(msg, "not a regular file"):
					t.Errorf("wavemap %q: %q does not name %s and say it is not a regular file", args, msg, in)
				}
				if r.stdout != "" {
					t.Errorf("wavemap %q: printed %q on standard output", args, r.stdout)
				}
				if now := dirNames(t, dir); !slices.Equal(now, entries) {
					t.Errorf("wavemap %q: left %q in the directory, which held %q", args, now, entries)
				}
				if fifo != "" {
					// Nothing was written into the pipe.
					p, err := os.OpenFile(fifo, os.O_RDONLY|unix.O_NONBLOCK, 0)
					if err != nil {
						t.Fatal(err)
					}
					defer p.Close()
					if n, _ := p.Read(make([]byte, 16)); n != 0 {
						t.Errorf("wavemap %q wrote %d bytes into the FIFO", args, n)
					}
				}
			})
		}
	}
}

// runPromptly runs the command line in process and fails the test if it
// has not returned within 10 seconds. A command hung on the FIFO fifo is
// then released by opening the pipe's other end, again and again until
// it returns, so that the test ends either way.
func runPromptly(t *testing.T, fifo string, args ...string) result {
	t.Helper()
	done := make(chan result, 1)
	go func() { done <- runCLI(t, args...) }()
	select {
	case r := <-done:
		return r
	case <-time.After(10 * time.Second):
	}
	for fifo != "" {
		if p, err := os.OpenFile(fifo, os.O_RDWR, 0); err == nil {
			p.Close()
		}
		select {
		case <-done:
			t.Fatalf("wavemap %q: blocked on its input for more than 10 s", args)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("wavemap %q: blocked for more than 10 s", args)
	return result{}
}

// mkfifo makes a named pipe at path.
func mkfifo(path string) error { return unix.Mkfifo(path, 0o666) }
