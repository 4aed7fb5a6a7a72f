package wavemap

import (
	"fmt"
	"os"
	"syscall"
)

// openDirect opens f's file again, write-only (and readable, for the
// first page) with O_DIRECT, through /proc/self/fd so that it is the same
// file whatever its name is now. File systems without O_DIRECT (tmpfs,
// some network ones) refuse it here.
func openDirect(f *os.File) (*os.File, error) {
	return os.OpenFile(fmt.Sprintf("/proc/self/fd/%d", f.Fd()), os.O_RDWR|syscall.O_DIRECT, 0)
}
