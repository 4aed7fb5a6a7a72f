package wavemap

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
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

// evict writes the file's pages back and asks the kernel to drop those
// of [off, off+n) (n 0: to the end) from the page cache; it reports whether the range [off, off+n) then
// reads as not cached (tmpfs and some file systems keep them).
func evict(t *testing.T, path string, off, n int64) bool {
	t.Helper()
	fh, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if err := fh.Sync(); err != nil {
		t.Fatal(err)
	}
	dropCache(fh, off, n)
	if n == 0 { // to the end, as for fadvise
		st, err := fh.Stat()
		if err != nil {
			t.Fatal(err)
		}
		n = st.Size() - off
	}
	cached, known := cachedRange(fh, off, n)
	return known && !cached
}

// cachedRange against the truth of the page cache as reads change it:
// a dropped file is not cached, a range read whole is, a range one page
// of which was dropped is not, and its neighbours still are.
func TestCachedRange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.bin")
	const size = 8 << 20
	if err := os.WriteFile(path, make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if _, known := cachedRange(fh, 0, size); !known {
		t.Skip("the kernel cannot tell what is cached (cachestat: Linux 6.5)")
	}
	if !evict(t, path, 0, size) {
		t.Skip("the file system keeps the pages cached")
	}
	if c, _ := cachedRange(fh, 0, size); c {
		t.Fatal("an evicted file reads as cached")
	}
	if c, _ := cachedRange(fh, 0, 0); !c {
		t.Error("an empty range reads as not cached")
	}
	buf := make([]byte, 3<<20)
	if _, err := fh.ReadAt(buf, 1<<20); err != nil { // bytes [1 MiB, 4 MiB)
		t.Fatal(err)
	}
	for _, r := range []struct {
		off, n int64
		want   bool
	}{
		{1 << 20, 3 << 20, true},
		{1<<20 + 5, 100, true},     // inside one page
		{1<<20 + 4095, 2, true},    // across two read pages
		{1<<20 - 1, 2, false},      // the page before was not read
		{4<<20 - 1, 2, false},      // nor the page after
		{0, size, false},           // the whole file
		{2 << 20, 1 << 20, true},   // inside the read range
		{5 << 20, 1 << 20, false},  // outside it
		{4<<20 - 100, 100, true},   // its last bytes
		{4<<20 - 100, 4097, false}, // and on into the next page
	} {
		if c, known := cachedRange(fh, r.off, r.n); c != r.want || !known {
			t.Errorf("cachedRange(%d, %d) = %v, %v; want %v", r.off, r.n, c, known, r.want)
		}
	}
	if !evict(t, path, 2<<20, 4096) {
		t.Fatal("one page could not be dropped")
	}
	if c, _ := cachedRange(fh, 1<<20, 3<<20); c {
		t.Error("a range with one dropped page reads as cached")
	}
	if c, _ := cachedRange(fh, 2<<20+4096, 1<<20); !c {
		t.Error("the pages after the dropped one read as not cached")
	}
	cachestatOff = true
	defer func() { cachestatOff = false }()
	if _, known := cachedRange(fh, 0, size); known {
		t.Error("with cachestatOff the range is still known")
	}
}

// Read-ahead is advised only where the page cache does not hold the
// file, on every read path: all of it for an evicted file, none of it
// when the file is cached, only the evicted half when half is, and all
// of it again where the kernel cannot tell. The statistics are the same
// every time.
func TestReadAheadSkipsCached(t *testing.T) {
	defer func(v func(off, n int64)) { readAheadSeen = v }(readAheadSeen)
	const frames = 6 << 20 // 24 MiB of s16 stereo
	path := filepath.Join(t.TempDir(), "r.wav")
	c, err := Create(path, Format{Encoding: EncodingInt16, Channels: 2, SampleRate: 48000}, frames, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := Samples[int16](c)
	for i := range s {
		s[i] = int16(i * 7)
	}
	dataOff := c.hdr.DataOffset
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	size := int64(frames) * 4
	var mu sync.Mutex
	var seen int64 // bytes advised
	var lowest int64 = -1
	readAheadSeen = func(off, n int64) {
		mu.Lock()
		defer mu.Unlock()
		seen += n
		if lowest < 0 || off < lowest {
			lowest = off
		}
	}
	var want []ChannelStats
	measure := func(rp readPath) int64 {
		t.Helper()
		seen, lowest = 0, -1
		f, err := Open(path, ReadOnly, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		restore := withKnobs(rp, gainPopulate, convertPair, 1<<20)
		got, err := Measure(context.Background(), f, &PassOptions{Workers: 2})
		restore()
		if err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = got
		} else if !sameStats(got, want) {
			t.Errorf("%v: statistics %+v, want %+v", rp, got, want)
		}
		return seen
	}
	for _, rp := range readPaths {
		if !evict(t, path, 0, 0) {
			t.Skip("the file system keeps the pages cached, or the kernel cannot tell (cachestat: Linux 6.5)")
		}
		if got := measure(rp); got < size {
			t.Errorf("%v, evicted file: %d bytes advised, want all %d", rp, got, size)
		}
		retryCached(t, func() string {
			readWhole(t, path)
			if got := measure(rp); got != 0 {
				return fmt.Sprintf("%v, cached file: %d bytes advised, want none", rp, got)
			}
			return ""
		})
		half := dataOff + size/2
		retryCached(t, func() string {
			readWhole(t, path)
			if !evict(t, path, half, 0) {
				t.Fatal("the second half could not be dropped")
			}
			got := measure(rp)
			if got < size/2-adviseStep || got > size/2+adviseStep || lowest < half-adviseStep {
				return fmt.Sprintf("%v, second half evicted: %d bytes advised from byte %d, want about %d from byte %d", rp, got, lowest, size/2, half)
			}
			return ""
		})
		cachestatOff = true
		got := measure(rp)
		cachestatOff = false
		if got < size {
			t.Errorf("%v, cachestat unknown: %d bytes advised, want all %d", rp, got, size)
		}
	}
}

// retryCached runs check, which caches a file and reports what a pass
// over it did wrong ("" for nothing), up to five times, until it reports
// nothing. The page cache is the machine's: other test binaries run
// beside this one, and this machine kind reclaims idle file pages, so a
// page a check cached can be gone before its pass gets there, and is then
// rightly read ahead. A check that fails every time is a failure.
func retryCached(t *testing.T, check func() string) {
	t.Helper()
	var msg string
	for try := 1; try <= 5; try++ {
		if msg = check(); msg == "" {
			return
		}
		t.Logf("try %d: %s", try, msg)
	}
	t.Error(msg)
}

// readWhole reads the file at path to its end, into the page cache.
func readWhole(t *testing.T, path string) {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if _, err := io.Copy(io.Discard, fh); err != nil {
		t.Fatal(err)
	}
}

// A pass over part of a file that drops the page cache behind it (a pass
// larger than half the memory; here cacheDropMin makes every pass one)
// drops the cache of the bytes it read, not of the bytes before them.
func TestPassDropsItsOwnCache(t *testing.T) {
	defer func(v int64) { cacheDropMin = v }(cacheDropMin)
	cacheDropMin = 1
	const frames = 4 << 20 // 16 MiB of s16 stereo
	path := filepath.Join(t.TempDir(), "d.wav")
	c, err := Create(path, Format{Encoding: EncodingInt16, Channels: 2, SampleRate: 48000}, frames, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if !evict(t, path, 0, 0) {
		t.Skip("the file system keeps the pages cached, or the kernel cannot tell (cachestat: Linux 6.5)")
	}
	f, err := Open(path, ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.osf.ReadAt(make([]byte, frames*4), f.hdr.DataOffset); err != nil {
		t.Fatal(err)
	}
	m, _ := FramesOf[int16](f)
	from := frames / 2
	err = filePass(newPassRun(context.Background(), &PassOptions{Workers: 2, BlockFrames: 1 << 16}), f, m.Slice(from, frames), func(int, Frames[int16]) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	half := f.hdr.DataOffset + int64(from)*4
	if cached, _ := cachedRange(f.osf, f.hdr.DataOffset, int64(from)*4-4096); !cached {
		t.Error("the cache of the bytes before the pass was dropped")
	}
	if cached, _ := cachedRange(f.osf, half+4096, int64(frames-from)*4-8192); cached {
		t.Error("the cache of the bytes of the pass was kept")
	}
}
