package wavemap

import "runtime/debug"

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
			err = &FaultError{Addr: fe.Addr(), Err: e}
			return
		}
		panic(r)
	}()
	return fn()
}
