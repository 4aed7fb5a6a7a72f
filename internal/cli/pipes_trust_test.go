//go:build unix

package cli

// Standard output as the commands' output, attacked: a reader that goes
// away, one that drains slowly, a full disk behind a redirection and a
// write error.

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wavemap/wavemap/internal/wavtest"
)

// stdoutCommands write a WAVE stream or raw bytes to standard output; IN
// is a WAVE file, and those with stdin read it on standard input.
var stdoutCommands = []struct {
	args  []string
	stdin bool
}{
	{args: []string{"convert", "--to", "f32", "IN", "-"}},
	{args: []string{"convert", "--to", "f32", "-", "-"}, stdin: true},
	{args: []string{"cut", "--from", "1", "IN", "-"}},
	{args: []string{"cut", "--from", "1", "-", "-"}, stdin: true},
	{args: []string{"raw", "--extract", "IN", "-"}},
	{args: []string{"raw", "--extract", "-", "-"}, stdin: true},
	{args: []string{"raw", "--type", "s16", "--channels", "2", "--rate", "48000", "IN", "-"}},
	{args: []string{"gen", "--seconds", "10", "-"}},
}

func withInput(args []string, in string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "IN" {
			a = in
		}
		out[i] = a
	}
	return out
}

// TestPipeReaderGoesAway: "wavemap convert ... - | head -c 1000". The
// reader closes the pipe after 1000 bytes, while the command has megabytes
// left to write. What is required: the command ends at once, killed by
// SIGPIPE, which is what sox and cat do in a pipeline (the shell reports
// 141, and set -o pipefail sees it), or exiting 1 with one line saying
// that standard output failed, as ffmpeg does; never exit 0 (the output
// is cut short), never a panic or a hang. Go's runtime raises SIGPIPE on
// a write to a closed pipe on standard output, so the first is what
// happens now.
func TestPipeReaderGoesAway(t *testing.T) {
	bin := wavemapBinary(t)
	in := filepath.Join(t.TempDir(), "in.wav")
	mustRun(t, "gen", "--seconds", "10", "--signal", "noise", in) // 1.9 MB: far more than a pipe holds
	for _, c := range stdoutCommands {
		args := withInput(c.args, in)
		cmd := exec.Command(bin, args...)
		if c.stdin {
			f, err := os.Open(in)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cmd.Stdin = f
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		r, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(r, make([]byte, 1000)); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		r.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err = <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Fatalf("%q still runs 20 s after its reader went away", args)
		}
		msg := stderr.String()
		var ee *exec.ExitError
		switch {
		case strings.Contains(msg, "panic") || strings.Contains(msg, "goroutine "):
			t.Errorf("%q: %s", args, msg)
		case err == nil:
			t.Errorf("%q exited 0 with its output cut short", args)
		case !errors.As(err, &ee):
			t.Errorf("%q: %v", args, err)
		case ee.Sys().(syscall.WaitStatus).Signaled():
			if s := ee.Sys().(syscall.WaitStatus).Signal(); s != syscall.SIGPIPE {
				t.Errorf("%q: killed by %v, not SIGPIPE", args, s)
			}
		case ee.ExitCode() != exitFailure || strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "standard output"):
			t.Errorf("%q: exit %d, stderr %q: want SIGPIPE, or 1 and one line about standard output", args, ee.ExitCode(), msg)
		}
	}
}

// TestPipeSlowReader reads cut's and convert's output to a pipe a little
// at a time, with pauses: the streams are complete, and their samples
// are those sox reads from the input.
func TestPipeSlowReader(t *testing.T) {
	bin := wavemapBinary(t)
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	in := filepath.Join(dir, "in.wav")
	mustRun(t, "gen", "--seconds", "4", "--rate", "48000", "--signal", "noise", in)
	for _, c := range []struct {
		args  []string
		stdin bool
		sox   []string // the same through sox, to raw f32
	}{
		{[]string{"cut", "--from", "1", "--to", "3", in, "-"}, false, []string{in, "-t", "f32", "-", "trim", "1", "2"}},
		{[]string{"convert", "--to", "f32", "-", "-"}, true, []string{in, "-t", "f32", "-"}},
	} {
		cmd := exec.Command(bin, c.args...)
		if c.stdin {
			f, err := os.Open(in)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cmd.Stdin = f
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		r, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		buf := make([]byte, 16<<10)
		for {
			n, err := r.Read(buf)
			got.Write(buf[:n])
			if err != nil {
				break
			}
			time.Sleep(time.Millisecond)
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("%q: %v\n%s", c.args, err, stderr.String())
		}
		stream := filepath.Join(dir, "stream.wav")
		if err := os.WriteFile(stream, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		sameBytes(t, strings.Join(c.args, " "), wavtest.Run(t, "sox", stream, "-t", "f32", "-"), wavtest.Run(t, "sox", c.sox...))
	}
}

// failingWriter takes n bytes, then fails every write with err.
type failingWriter struct {
	n   int
	err error
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) <= w.n {
		w.n -= len(p)
		return len(p), nil
	}
	k := w.n
	w.n = 0
	return k, w.err
}

// TestPipeStdoutErrors gives the commands that write to standard output
// one that fails: a writer that stops with EPIPE after 100 KB (what a
// process that ignores SIGPIPE, or a caller of Main, sees), and a file
// on a full 1 MiB disk (wavemap ... - > small/out.wav). Each command
// exits 1 with one line that says standard output failed and why, never
// blaming standard input.
func TestPipeStdoutErrors(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in.wav")
	mustRun(t, "gen", "--seconds", "10", "--signal", "noise", in)
	data, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	small := smallDisk(t, "1m")
	for _, c := range stdoutCommands {
		args := withInput(c.args, in)
		for _, stdout := range []string{"pipe", "full disk"} {
			var w io.Writer = &failingWriter{n: 100 << 10, err: syscall.EPIPE}
			want := syscall.EPIPE.Error()
			if stdout == "full disk" {
				f, err := os.Create(filepath.Join(small, "out.wav"))
				if err != nil {
					t.Fatal(err)
				}
				w, want = f, syscall.ENOSPC.Error()
				defer f.Close()
			}
			var stdin io.Reader = strings.NewReader("")
			if c.stdin {
				stdin = bytes.NewReader(data)
			}
			var errb bytes.Buffer
			code := Main(t.Context(), args, stdin, w, &errb)
			msg := errorMessage(errb.String())
			if code != exitFailure || strings.Contains(msg, "\n") || !strings.Contains(msg, "standard output") || !strings.Contains(msg, want) ||
				strings.Contains(msg, "standard input") {
				t.Errorf("%q to a %s: exit %d, stderr %q; want 1 and one line on standard output and %q", args, stdout, code, errb.String(), want)
			}
			os.Remove(filepath.Join(small, "out.wav"))
		}
	}
}
