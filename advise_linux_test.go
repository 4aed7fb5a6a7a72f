package wavemap

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"
)

// vmFlags returns the VmFlags line of /proc/self/smaps for the mapping
// that holds address p.
func vmFlags(t *testing.T, p uintptr) string {
	t.Helper()
	fh, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no smaps: %v", err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	inside := false
	for sc.Scan() {
		line := sc.Text()
		var lo, hi uintptr
		if n, _ := fmt.Sscanf(line, "%x-%x ", &lo, &hi); n == 2 && strings.Contains(line, " ") && !strings.HasSuffix(strings.Fields(line)[0], ":") {
			inside = lo <= p && p < hi
			continue
		}
		if inside && strings.HasPrefix(line, "VmFlags:") {
			return line
		}
	}
	t.Fatalf("no mapping holds %#x", p)
	return ""
}

// A pass gives its own advice while it runs, then puts back the advice
// the file was opened with (rr: MADV_RANDOM in smaps), not "normal".
func TestPassRestoresOpenAdvice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.wav")
	c, err := Create(path, Format{Encoding: EncodingInt16, Channels: 2, SampleRate: 48000}, 1<<20, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	f, err := Open(path, ReadOnly, &Options{Advice: AdviseRandom})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	addr := uintptr(unsafe.Pointer(&f.Bytes()[len(f.Bytes())/2]))
	if fl := vmFlags(t, addr); !strings.Contains(fl, " rr") {
		t.Fatalf("after Open with AdviseRandom: %s", fl)
	}
	if _, err := Measure(context.Background(), f, nil); err != nil {
		t.Fatal(err)
	}
	if fl := vmFlags(t, addr); !strings.Contains(fl, " rr") || strings.Contains(fl, " sr") {
		t.Errorf("after a pass: %s, want the random advice back", fl)
	}
	if err := f.Advise(Advice(200), 0, 1); err == nil {
		t.Errorf("Advise(Advice(200)) gave no error")
	}
}
