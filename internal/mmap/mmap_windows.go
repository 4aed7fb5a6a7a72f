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

// Granularity returns the alignment Map rounds offsets down to: the 64 KiB
// allocation granularity.
func Granularity() int { return allocationGranularity }

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
	windows.CloseHandle(h) // the view keeps the mapping object alive
	if err != nil {
		return nil, 0, os.NewSyscallError("MapViewOfFile", err)
	}
	// addr is memory outside the Go heap; reinterpreting the uintptr's
	// storage avoids vet's uintptr-to-pointer check, which cannot know that.
	p := *(*unsafe.Pointer)(unsafe.Pointer(&addr))
	return unsafe.Slice((*byte)(p), n), addr, nil
}

func syncRange(m *Mapping, lo, hi int) error {
	if err := windows.FlushViewOfFile(m.addr+uintptr(lo), uintptr(hi-lo)); err != nil {
		return os.NewSyscallError("FlushViewOfFile", err)
	}
	if err := windows.FlushFileBuffers(windows.Handle(m.f.Fd())); err != nil {
		return os.NewSyscallError("FlushFileBuffers", err)
	}
	return nil
}

func advise(m *Mapping, lo, hi int, a Advice) error { return nil }

func unmap(m *Mapping) error {
	if err := windows.UnmapViewOfFile(m.addr); err != nil {
		return os.NewSyscallError("UnmapViewOfFile", err)
	}
	return nil
}
