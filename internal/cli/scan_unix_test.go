//go:build unix

package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestScanUnreadableDir: a folder the scan may not read gives an error
// record (and a line on standard error) in its place, the walk goes on,
// and the exit code is 1. Run as root, the test runs the built command as
// nobody, for whom permissions hold.
func TestScanUnreadableDir(t *testing.T) {
	root := t.TempDir()
	_, b := scanGenerate(1)
	for _, rel := range []string{"a/x.wav", "locked/y.wav", "z.wav"} {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	locked := filepath.Join(root, "locked")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(locked, 0o755) })

	var r result
	if os.Geteuid() != 0 {
		r = runCLI(t, "scan", root)
	} else {
		binDir := t.TempDir()
		for _, leaf := range []string{root, binDir} {
			for d := leaf; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
				if err := os.Chmod(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
		}
		exe, err := os.ReadFile(wavemapBinary(t))
		if err != nil {
			t.Fatal(err)
		}
		bin := filepath.Join(binDir, "wavemap")
		if err := os.WriteFile(bin, exe, 0o755); err != nil {
			t.Fatal(err)
		}
		c := exec.Command(bin, "scan", root)
		c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		var stdout, stderr strings.Builder
		c.Stdout, c.Stderr = &stdout, &stderr
		err = c.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			r.code = ee.ExitCode()
		} else if err != nil {
			t.Skipf("cannot run as nobody: %v", err)
		}
		r.stdout, r.stderr = stdout.String(), stderr.String()
	}
	recs := parseScan(t, r.stdout)
	if r.code != exitFailure || len(recs) != 3 {
		t.Fatalf("exit %d, %d records, want 1 and 3\nstdout %s\nstderr %s", r.code, len(recs), r.stdout, r.stderr)
	}
	want := []string{filepath.Join(root, "a", "x.wav"), locked, filepath.Join(root, "z.wav")}
	for i, rec := range recs {
		if rec.File != want[i] || (rec.Error != nil) != (i == 1) {
			t.Errorf("record %d: %s, error %v; want %s", i, rec.File, rec.Error, want[i])
		}
	}
	if !strings.Contains(recs[1].Error.Message, "permission denied") ||
		!strings.Contains(r.stderr, "wavemap scan: open "+locked+": permission denied\n") {
		t.Errorf("error %q, stderr %q", recs[1].Error.Message, r.stderr)
	}
}
