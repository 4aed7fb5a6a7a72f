//go:build unix

package cli

// End-to-end tests of the built binary, for what only a process shows:
// the exit codes a shell sees and the handling of signals. Every other
// test runs the command in process (runCLI).

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wavemap/wavemap/internal/atomicfile"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// TestBinaryExitCodes runs the binary from a shell: success, a missing
// file, an unknown command and a usage error, as $? reports them.
func TestBinaryExitCodes(t *testing.T) {
	bin := wavemapBinary(t)
	wavtest.Need(t, "sh")
	dir := t.TempDir()
	out, missing := filepath.Join(dir, "g.wav"), filepath.Join(dir, "missing.wav")
	script := `
"$0" gen --frames 100 "$1"; echo "gen=$?"
"$0" info "$2" 2>"$3/info.err"; echo "missing=$?"
"$0" nosuchcommand 2>/dev/null; echo "unknown=$?"
"$0" cut "$1" 2>/dev/null; echo "usage=$?"
"$0" help >/dev/null; echo "help=$?"
`
	cmd := exec.Command("sh", "-c", script, bin, out, missing, dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("sh: %v\n%s", err, stderr.String())
	}
	if want := "gen=0\nmissing=1\nunknown=2\nusage=2\nhelp=0\n"; string(got) != want {
		t.Errorf("exit codes seen by the shell:\n%s\nwant\n%s", got, want)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("gen made no file: %v", err)
	}
	msg, err := os.ReadFile(filepath.Join(dir, "info.err"))
	if err != nil || !strings.HasPrefix(string(msg), "wavemap info: ") || !strings.Contains(string(msg), missing) ||
		bytes.Count(msg, []byte("\n")) != 1 {
		t.Errorf("info of a missing file: stderr %q (%v), want one line naming %s", msg, err, missing)
	}
}

// interruptWhenWriting starts the binary with args, waits until a
// temporary output file appears in dir, sends SIGINT and waits for the
// process to end. It returns the exit code, the standard error and how
// long the process took to stop after the signal. The work asked for must
// take seconds, so that it cannot finish before the signal: a command
// that exits 0 ignored the signal.
func interruptWhenWriting(t *testing.T, dir string, args ...string) (code int, stderr string, stop time.Duration) {
	t.Helper()
	cmd := exec.Command(wavemapBinary(t), args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	seen := false
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && !seen; {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			seen = seen || strings.HasSuffix(e.Name(), atomicfile.Suffix)
		}
		time.Sleep(time.Millisecond)
	}
	if !seen {
		err := cmd.Wait()
		t.Fatalf("%s made no temporary file in 20 s (%v): %s", args[0], err, errb.String())
	}
	// Let it get into the pass over the samples.
	time.Sleep(100 * time.Millisecond)
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	stop = time.Since(sent)
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("%s after SIGINT: %v, want exit code 130; stderr %q", args[0], err, errb.String())
	}
	return ee.ExitCode(), errb.String(), stop
}

// checkInterrupted checks what an interrupted command must leave: exit
// 130, the message, and no file in dir but the ones in keep.
func checkInterrupted(t *testing.T, dir, cmd string, code int, stderr string, keep ...string) {
	t.Helper()
	if code != exitInterrupted {
		t.Errorf("exit code %d after SIGINT, want 130", code)
	}
	if want := "\nwavemap " + cmd + ": interrupted (interrupt)" + interruptSuffix(cmd) + "\n"; stderr != want {
		t.Errorf("stderr after SIGINT: %q, want %q", stderr, want)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !contains(keep, e.Name()) {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// maxStop is the longest an interrupted command may take to exit: a
// block of work and the cleanup, with room for a loaded machine.
const maxStop = 3 * time.Second

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestInterruptConvert interrupts a convert while it writes its
// temporary output: the process must stop within a moment (the
// conversion checks for cancellation every block; finishing it takes
// over ten seconds here), exit 130 and leave no file behind.
func TestInterruptConvert(t *testing.T) {
	if testing.Short() {
		t.Skip("converts a 1 GiB file")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.wav")
	mustRun(t, "gen", "--signal", "silence", "--type", "s16", "--channels", "2", "--frames", "268435456", in) // 1 GiB
	out := filepath.Join(dir, "out.wav")
	code, stderr, stop := interruptWhenWriting(t, dir, "convert", "-q", "--to", "f64", in, out)
	checkInterrupted(t, dir, "convert", code, stderr, "in.wav")
	if stop > maxStop {
		t.Errorf("convert took %v to stop after SIGINT", stop)
	}
}

// TestInterruptGen interrupts a gen of 2 GiB: it must stop within a
// moment (the generation checks for cancellation every block), exit 130
// and leave no file behind.
func TestInterruptGen(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a 2 GiB file")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "out.wav")
	code, stderr, stop := interruptWhenWriting(t, dir, "gen", "--type", "f32", "--channels", "2", "--frames", "268435456", out)
	checkInterrupted(t, dir, "gen", code, stderr)
	if stop > maxStop {
		t.Errorf("gen took %v to stop after SIGINT", stop)
	}
}
