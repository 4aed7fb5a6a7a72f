//go:build wavemap_debug && unix

package mmap

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// poisonUnmapped is set in builds with the wavemap_debug tag: Unmap then
// replaces the mapping with an inaccessible anonymous one instead of
// releasing the address range, so that a view used after Close or Resize
// faults every time instead of reading whatever is mapped there next. The
// address space is never given back: for tests only.
const poisonUnmapped = true

// poison maps PROT_NONE anonymous memory over whole, in place.
func poison(whole []byte) error {
	_, err := unix.MmapPtr(-1, 0, unsafe.Pointer(unsafe.SliceData(whole)), uintptr(len(whole)),
		unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_FIXED)
	return err
}
