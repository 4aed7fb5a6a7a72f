//go:build !linux

package wavemap

import "os"

// pageOut does nothing outside Linux, which alone can page out a range
// of a copy-on-write mapping without losing private changes.
func pageOut([]byte, int64, int64) {}

// dropCache does nothing outside Linux.
func dropCache(*os.File, int64, int64) {}

// physicalMemory returns 0 (unknown) outside Linux: the page cache is
// then never dropped behind a pass.
func physicalMemory() int64 { return 0 }

// cachedRange answers "unknown" outside Linux: every step of a pass's
// read-ahead is advised.
func cachedRange(*os.File, int64, int64) (cached, known bool) { return false, false }
