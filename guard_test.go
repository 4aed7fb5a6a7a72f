package wavemap_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
)

// guardFile makes a committed s16 mono file of n frames and returns its
// path.
func guardFile(t *testing.T, n int64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "g.wav")
	f, err := wavemap.Create(path, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 1, SampleRate: 8000}, n, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// A fault says whose mapping it hit and why: a write to a read-only view
// is not blamed on truncation, and a truncation names the new size.
func TestFaultCauses(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("faults on Windows are not SIGBUS/SIGSEGV of a file mapping")
	}
	path := guardFile(t, 100000)
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, _ := wavemap.Samples[int16](f)
	var fe *wavemap.FaultError
	err = wavemap.Guard(func() error { s[10] = 1; return nil })
	if !errors.As(err, &fe) || fe.Name != path || !strings.Contains(fe.Cause, "ReadOnly") {
		t.Errorf("write to a read-only view: %v", err)
	}
	if err := os.Truncate(path, 4096); err != nil {
		t.Fatal(err)
	}
	var x int16
	err = wavemap.Guard(func() error { x = s[90000]; return nil })
	if !errors.As(err, &fe) || fe.Name != path || !strings.Contains(fe.Cause, "truncated to 4096 bytes") {
		t.Errorf("read past a truncation: %v (%d)", err, x)
	}
}
