//go:build wavemap_debug && unix

package wavemap_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
)

// In a wavemap_debug build a view used after Close faults every time
// (the range is poisoned, not released) and the fault says so.
func TestStaleViewFaults(t *testing.T) {
	path := guardFile(t, 100000)
	f, err := wavemap.Open(path, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := wavemap.Samples[int16](f)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	var fe *wavemap.FaultError
	var sink int16
	for _, op := range []func(){func() { sink = s[5] }, func() { s[50000] = 7 }} {
		err := wavemap.Guard(func() error { op(); return nil })
		if !errors.As(err, &fe) || fe.Name != path || !strings.Contains(fe.Cause, "after Close") {
			t.Errorf("use after Close: %v (%d)", err, sink)
		}
	}
}
