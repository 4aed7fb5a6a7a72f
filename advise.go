package wavemap

import (
	"sync"
	"unsafe"

	"github.com/wavemap/wavemap/internal/mmap"
)

// Kernel advice for whole-file passes. A pass over a mapping larger than
// memory must not keep what it has finished with: pages of a file mapping
// that were touched stay in the process's resident set (RSS) until the
// kernel reclaims them, and a 50 GiB pass would grow RSS to whatever the
// machine holds, pushing everything else out first. filePass therefore
// tells the kernel, as the pass moves on:
//
//   - sequential, for the range of the pass: aggressive read-ahead, and
//     pages that are not promoted to the active list;
//   - willneed, a window ahead of the blocks being worked on: the reads
//     are under way before the workers get there;
//   - dontneed, behind the lowest block not yet finished: the pages leave
//     the process (RSS stays bounded by the blocks in flight, whatever the
//     file size) but stay in the page cache, dirty ones included, so a
//     warm second pass is still fast. Copy-on-write mappings cannot be
//     given dontneed, which would throw away private changes; on Linux
//     their finished ranges are paged out instead (MADV_PAGEOUT), which
//     drops the clean file pages and keeps (or swaps) private copies;
//   - and, for passes larger than half the machine's memory, the page
//     cache behind the pass is dropped too (posix_fadvise DONTNEED; for a
//     read-write file this also starts writing the dirty pages back), so
//     that the pass does not evict the rest of the system's cache.
//
// Advice is only a hint: it costs a system call per few MiB and changes no
// byte. It is given on Unix only.
const (
	adviseStep  = 4 << 20  // bytes released or read ahead at a time
	adviseAhead = 16 << 20 // bytes of read-ahead beyond the blocks started
)

// cacheDropMin is the size of a pass from which the page cache behind it
// is dropped; 0 means half the physical memory. Tests change it.
var cacheDropMin int64

// passAdvisor gives kernel advice for one pass over the bytes [base,
// base+size) of a File's mapping, in blocks of block bytes handed out in
// order.
type passAdvisor struct {
	f          *File
	base, size int64
	block      int64
	dropCache  bool
	mu         sync.Mutex
	low        int64              // first block not yet finished
	finished   map[int64]struct{} // finished blocks above low: at most one per worker
	released   int64              // bytes from base released so far
	readAhead  int64              // bytes from base advised willneed so far
	populate   bool               // fault each block in writable as it starts
}

// newPassAdvisor returns an advisor for a pass over m in blocks of
// blockFrames frames, or nil when m is not a view of f's mapping or there
// is nothing to advise.
func newPassAdvisor[T Sample](f *File, m Frames[T], blockFrames int) *passAdvisor {
	if f == nil || f.closed || f.mp == nil || len(m.Data) == 0 || len(f.data) == 0 {
		return nil
	}
	var z T
	start := uintptr(unsafe.Pointer(unsafe.SliceData(m.Data)))
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(f.data)))
	size := int64(len(m.Data)) * int64(unsafe.Sizeof(z))
	if start < lo || int64(start-lo) > int64(len(f.data))-size {
		return nil // not a view of this mapping
	}
	a := &passAdvisor{
		f:        f,
		base:     int64(start - lo),
		size:     size,
		block:    int64(blockFrames) * int64(m.Channels) * int64(unsafe.Sizeof(z)),
		finished: make(map[int64]struct{}),
	}
	limit := cacheDropMin
	if limit <= 0 {
		limit = physicalMemory() / 2
	}
	a.dropCache = limit > 0 && size >= limit
	f.mp.Advise(mmap.Sequential, a.base, a.size)
	a.ahead(0)
	return a
}

// ahead advises willneed up to adviseAhead bytes past end, the end of the
// blocks started so far, in steps of adviseStep.
func (a *passAdvisor) ahead(end int64) {
	want := min(end+adviseAhead, a.size)
	for a.readAhead < want {
		n := min(int64(adviseStep), a.size-a.readAhead)
		off := a.base + a.readAhead
		a.f.mp.Advise(mmap.WillNeed, off, n)
		a.readAhead += n
	}
}

// start is called as the block k begins.
func (a *passAdvisor) start(k int64) {
	if a == nil {
		return
	}
	end := min((k+1)*a.block, a.size)
	a.mu.Lock()
	if end+adviseAhead-adviseStep > a.readAhead { // a step at a time
		a.ahead(end)
	}
	a.mu.Unlock()
	if a.populate {
		// A pass that writes every page would take a write fault per
		// page (4 KiB); one madvise makes the whole block writable.
		off := k * a.block
		a.f.mp.Advise(mmap.PopulateWrite, a.base+off, min(a.block, a.size-off))
	}
}

// done is called when block k is finished; it releases what lies behind
// the lowest unfinished block once a step's worth has accumulated.
func (a *passAdvisor) done(k int64) {
	if a == nil {
		return
	}
	// The block itself goes at once (whole pages only): a worker that
	// stalls must not hold back the release of what the others finish.
	off := k * a.block
	a.drop(a.base+off, min(a.block, a.size-off))
	a.mu.Lock()
	defer a.mu.Unlock()
	a.finished[k] = struct{}{}
	for {
		if _, ok := a.finished[a.low]; !ok {
			break
		}
		delete(a.finished, a.low)
		a.low++
	}
	if behind := min(a.low*a.block, a.size); behind-a.released >= adviseStep {
		a.release(behind)
	}
}

// release gives up the bytes [released, end) of the pass: the pages the
// blocks shared with their neighbours, and any the kernel kept the first
// time, and, if asked, the page cache.
func (a *passAdvisor) release(end int64) {
	if end <= a.released {
		return
	}
	off, n := a.base+a.released, end-a.released
	a.drop(off, n)
	if a.dropCache {
		dropCache(a.f.osf, a.f.hdr.DataOffset+off, n)
	}
	a.released = end
}

// drop takes the whole pages of the mapping's bytes [off, off+n) out of
// the process: dontneed, or page-out for copy-on-write mappings.
func (a *passAdvisor) drop(off, n int64) {
	if a.f.mode == CopyOnWrite {
		pageOut(a.f.data, off, n)
	} else {
		a.f.mp.Advise(mmap.DontNeed, off, n)
	}
}

// finish releases the finished blocks not yet released (all of them,
// after a complete pass) and puts the range back to the advice the file
// was opened with.
func (a *passAdvisor) finish() {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.release(min(a.low*a.block, a.size))
	adv, ok := a.f.advice.mmap()
	if !ok {
		adv = mmap.Normal
	}
	a.f.mp.Advise(adv, a.base, a.size)
}
