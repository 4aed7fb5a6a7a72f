package wavemap

import (
	"fmt"
	"runtime/debug"

	"github.com/wavemap/wavemap/internal/mmap"
)

// Guard runs fn and turns a memory fault inside it into a *FaultError
// instead of a crash. Faults happen when a mapped file is truncated by
// another process (SIGBUS on Unix) or when writing to a sparse file on a
// full disk. Guard covers the calling goroutine only: goroutines started
// inside fn need their own Guard.
func Guard(fn func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if fe, ok := r.(interface{ Addr() uintptr }); ok {
			e, _ := r.(error)
			err = faultError(fe.Addr(), e)
			return
		}
		panic(r)
	}()
	return fn()
}

// faultError describes a fault at addr from what the mapping registry
// knows of it.
func faultError(addr uintptr, e error) *FaultError {
	p := mmap.Locate(addr)
	fe := &FaultError{Addr: addr, Name: p.Name, Err: e}
	switch {
	case !p.Live && p.Name != "":
		fe.Cause = "a view used after Close or Resize"
	case !p.Live:
		fe.Cause = "outside every mapped file: a view used after Close or Resize, or memory that is not a file's"
	case p.FileSize >= 0 && p.Offset >= p.FileSize:
		fe.Cause = fmt.Sprintf("the file was truncated to %d bytes while mapped (the fault is at byte %d)", p.FileSize, p.Offset)
	case p.Prot == mmap.ReadOnly:
		fe.Cause = "a write to a view of a file opened ReadOnly (or an I/O error reading the file)"
	default:
		fe.Cause = "the disk is full (writing into a sparse part of the file) or could not be read or written"
	}
	return fe
}
