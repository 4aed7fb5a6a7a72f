package wavemap

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// pageOut asks the kernel to reclaim the pages wholly inside d[off:off+n]
// (MADV_PAGEOUT, Linux 5.4): clean file pages are dropped, private copies
// kept (swapped if there is swap), so no change is ever lost. Older
// kernels refuse the advice; it is a hint, so that is ignored.
func pageOut(d []byte, off, n int64) {
	p := int64(os.Getpagesize())
	addr := int64(uintptr(unsafe.Pointer(unsafe.SliceData(d))))
	lo := (addr + off + p - 1) / p * p
	hi := (addr + off + n) / p * p
	if hi <= lo {
		return
	}
	unix.Madvise(d[lo-addr:hi-addr], unix.MADV_PAGEOUT)
}

// dropCache asks the kernel to drop the cached pages of the file range
// [off, off+n) (posix_fadvise DONTNEED): clean pages go at once, dirty
// ones are queued for write-back.
func dropCache(f *os.File, off, n int64) {
	unix.Fadvise(int(f.Fd()), off, n, unix.FADV_DONTNEED)
}

// physicalMemory returns the machine's memory in bytes, 0 if unknown.
func physicalMemory() int64 {
	var si unix.Sysinfo_t
	if err := unix.Sysinfo(&si); err != nil {
		return 0
	}
	return int64(si.Totalram) * int64(si.Unit)
}

// cachedRange reports whether the page cache holds every page of the
// file's bytes [off, off+n), asking the kernel (cachestat, Linux 6.5).
// known is false when the kernel cannot tell: before 6.5, or (from 6.14)
// for a file the caller could not open for writing and does not own.
func cachedRange(f *os.File, off, n int64) (cached, known bool) {
	if n <= 0 {
		return true, true
	}
	if cachestatOff {
		return false, false
	}
	p := int64(os.Getpagesize())
	lo, hi := off/p*p, (off+n+p-1)/p*p
	var st unix.Cachestat_t
	r := unix.CachestatRange{Off: uint64(lo), Len: uint64(hi - lo)}
	if err := unix.Cachestat(uint(f.Fd()), &r, &st, 0); err != nil {
		return false, false
	}
	return int64(st.Cache) >= (hi-lo)/p, true
}

// cachestatOff makes cachedRange answer "unknown", as a kernel without
// cachestat does. Tests set it.
var cachestatOff bool
