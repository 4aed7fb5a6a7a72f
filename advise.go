package wavemap

import (
	"os"
	"sync"
	"sync/atomic"
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
//     are under way before the workers get there. A step of the window
//     that the page cache already holds whole is not advised: for cached
//     pages willneed reads nothing, yet the kernel looks up every page
//     of the step, which cost a third of the time of a statistics pass
//     over a cached file (BENCHMARKS.md, section 8). Whether a step is
//     cached is asked of the kernel (cachestat, Linux 6.5; see
//     cachedRange), and where it cannot tell, every step is advised;
//   - dontneed, for each span of dropUnit bytes (aligned on the address,
//     so on the 2 MiB of a huge page) once every block over it is
//     finished: the pages leave the process (RSS stays bounded by the
//     blocks in flight and a span on either side, whatever the file size)
//     but stay in the page cache, dirty ones included, so a warm second
//     pass is still fast. Copy-on-write mappings cannot be
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
//
// Why spans and not blocks: each dontneed of a multi-threaded process
// interrupts the other cores to flush their TLBs (an exit to the host on
// a virtual machine), and one that ends inside a huge-page mapping of the
// page cache (a 2 MiB folio mapped by one page-table entry) first splits
// it into 512 small ones. Releasing whole aligned spans keeps the mapping
// huge and makes one flush per span: the statistics pass over a cached
// 2 GB file took a fifth less time than with a release per 1 MiB block
// (BENCHMARKS.md, section 8).
const (
	adviseStep  = 4 << 20  // bytes read ahead, or dropped from the page cache, at a time
	adviseAhead = 16 << 20 // bytes of read-ahead beyond the blocks started
)

// dropUnit is the span, aligned on the address, that the pass's pages
// leave the process in: a multiple of the huge-page size (2 MiB on
// x86-64 and arm64). Tests change it.
var dropUnit int64 = 4 << 20

// cacheDropMin is the size of a pass from which the page cache behind it
// is dropped; 0 means half the physical memory. Tests change it.
var cacheDropMin int64

// passAdvisor gives kernel advice for one pass over the bytes [base,
// base+size) of a File's mapping, in blocks of block bytes handed out in
// order.
type passAdvisor struct {
	f          *File
	base, size int64
	addr       int64 // the address of byte base of the mapping: where the spans of dropUnit fall
	block      int64
	dropCache  bool
	mu         sync.Mutex
	low        int64              // first block not yet finished
	finished   map[int64]struct{} // finished blocks above low: about one per worker
	released   int64              // bytes from base dropped from the page cache so far (dropCache)
	readAhead  int64              // bytes from base up to which willneed has been considered
	populate   bool               // fault each block in writable as it starts
	blind      atomic.Bool        // the kernel cannot say what is cached: advise every step
}

// readAheadSeen, when a test sets it, is told the file bytes [off,
// off+n) of each step of read-ahead that is advised, on either read path.
var readAheadSeen func(off, n int64)

// adviseUncached calls advise(off, n) for each step of adviseStep bytes
// of the bytes [from, to) of a pass (offsets from its first byte, which
// is at fileBase in osf) that the page cache does not hold whole. Once
// the kernel cannot tell (see cachedRange), blind is set and every step
// is advised. It makes system calls: callers do not hold their locks.
func adviseUncached(osf *os.File, fileBase, from, to int64, blind *atomic.Bool, advise func(off, n int64)) {
	for off := from; off < to; off += adviseStep {
		n := min(int64(adviseStep), to-off)
		if !blind.Load() {
			cached, known := cachedRange(osf, fileBase+off, n)
			if !known {
				blind.Store(true)
			} else if cached {
				continue
			}
		}
		advise(off, n)
		if readAheadSeen != nil {
			readAheadSeen(fileBase+off, n)
		}
	}
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
		addr:     int64(start),
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
	a.ahead(a.claim(0))
	return a
}

// claim returns the bytes [from, to) of the pass that read-ahead should
// consider now that the blocks started so far end at end: up to
// adviseAhead bytes past end, a step at a time. Each byte is claimed
// once. a.mu must be held.
func (a *passAdvisor) claim(end int64) (from, to int64) {
	if end+adviseAhead-adviseStep <= a.readAhead {
		return 0, 0
	}
	from, to = a.readAhead, max(a.readAhead, min(end+adviseAhead, a.size))
	a.readAhead = to
	return from, to
}

// ahead advises willneed over the bytes [from, to) of the pass, in steps
// of adviseStep, leaving out the steps the page cache holds whole.
func (a *passAdvisor) ahead(from, to int64) {
	adviseUncached(a.f.osf, a.f.hdr.DataOffset+a.base, from, to, &a.blind, func(off, n int64) {
		a.f.mp.Advise(mmap.WillNeed, a.base+off, n)
	})
}

// run runs fn as block k of the pass: the advice for its start before,
// and, if fn succeeds, the release of what its end completes after. a
// may be nil (no advice).
func (a *passAdvisor) run(k int64, fn func() error) error {
	a.start(k)
	if err := fn(); err != nil {
		return err
	}
	a.done(k)
	return nil
}

// start is called as the block k begins.
func (a *passAdvisor) start(k int64) {
	if a == nil {
		return
	}
	end := min((k+1)*a.block, a.size)
	a.mu.Lock()
	from, to := a.claim(end)
	a.mu.Unlock()
	a.ahead(from, to)
	if a.populate {
		// A pass that writes every page would take a write fault per
		// page (4 KiB); one madvise makes the whole block writable.
		off := k * a.block
		a.f.mp.Advise(mmap.PopulateWrite, a.base+off, min(a.block, a.size-off))
	}
}

// done is called when block k is finished: the spans of dropUnit that
// it completes leave the process, and, with dropCache, the page cache
// behind the lowest unfinished block goes too once a step's worth has
// accumulated.
func (a *passAdvisor) done(k int64) {
	if a == nil {
		return
	}
	a.mu.Lock()
	from, to := a.finishBlock(k)
	if behind := min(a.low*a.block, a.size); a.dropCache && behind-a.released >= adviseStep {
		a.release(behind)
	}
	a.mu.Unlock()
	if from < to {
		a.drop(a.base+from, to-from)
	}
}

// finishBlock records that block k is finished and returns the bytes
// [from, to) of the pass that it completes: the spans of dropUnit over
// the block whose every block is now finished (the ones inside the block
// always are; the two at its ends when their other blocks are done too).
// Each byte of the pass is returned once, when the last block over its
// span finishes. a.mu must be held.
func (a *passAdvisor) finishBlock(k int64) (from, to int64) {
	a.finished[k] = struct{}{}
	for {
		if _, ok := a.finished[a.low]; !ok {
			break
		}
		delete(a.finished, a.low)
		a.low++
	}
	lo, hi := k*a.block, min((k+1)*a.block, a.size)
	for u := (a.addr + lo) / dropUnit; u <= (a.addr+hi-1)/dropUnit; u++ {
		ulo, uhi := max(u*dropUnit-a.addr, 0), min((u+1)*dropUnit-a.addr, a.size)
		if a.finishedRange(ulo, uhi) {
			if from == to {
				from = ulo
			}
			to = uhi
		}
	}
	return from, to
}

// finishedRange reports whether every block over the bytes [lo, hi) of
// the pass is finished. a.mu must be held.
func (a *passAdvisor) finishedRange(lo, hi int64) bool {
	first, last := max(lo/a.block, a.low), (hi-1)/a.block
	if last < first {
		return true // all below low
	}
	if last-first+1 > int64(len(a.finished)) {
		return false
	}
	// From the top: blocks finish roughly in order, so while a span is
	// being worked on its last block is the one missing, and the check
	// costs one lookup (from the bottom, a span of many small blocks
	// would cost as many lookups as it had blocks finished, at every
	// block that finishes).
	for j := last; j >= first; j-- {
		if _, ok := a.finished[j]; !ok {
			return false
		}
	}
	return true
}

// release drops the page cache of the bytes [released, end) of the pass
// (dropCache).
func (a *passAdvisor) release(end int64) {
	if end <= a.released {
		return
	}
	dropCache(a.f.osf, a.f.hdr.DataOffset+a.base+a.released, end-a.released)
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

// finish drops the page cache behind the pass not yet dropped (with
// dropCache) and puts the range back to the advice the file was opened
// with. After a complete pass every span has left the process already;
// after one that stopped, the spans of the unfinished blocks stay until
// the kernel reclaims them or the file is closed.
func (a *passAdvisor) finish() {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.dropCache {
		a.release(min(a.low*a.block, a.size))
	}
	adv, ok := a.f.advice.mmap()
	if !ok {
		adv = mmap.Normal
	}
	a.f.mp.Advise(adv, a.base, a.size)
}
