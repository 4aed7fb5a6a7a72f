//go:build unix

package cli

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInterruptRemovesTemp interrupts a convert while it writes its
// temporary output: the process must exit 130 and leave no file behind.
func TestInterruptRemovesTemp(t *testing.T) {
	if testing.Short() {
		t.Skip("converts a 1 GiB file")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.wav")
	mustRun(t, "gen", "--signal", "silence", "--type", "s16", "--channels", "2", "--frames", "268435456", in) // 1 GiB, sparse
	out := filepath.Join(dir, "out.wav")
	cmd := exec.Command(bin, "convert", "-q", "--to", "f64", in, out)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the temporary file to appear, then interrupt.
	seen := false
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && !seen; {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			seen = seen || strings.HasSuffix(e.Name(), ".wavemap-tmp")
		}
		time.Sleep(time.Millisecond)
	}
	if !seen {
		cmd.Wait()
		t.Skip("convert finished before its temporary file was seen")
	}
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Skipf("convert finished before the signal: %v", err)
	}
	if ee.ExitCode() != 130 {
		t.Errorf("exit code %d after SIGINT, want 130", ee.ExitCode())
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "in.wav" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
