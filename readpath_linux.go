package wavemap

import (
	"os"

	"golang.org/x/sys/unix"
)

// File advice for the pread path (posix_fadvise).
const (
	adviceNormal     = unix.FADV_NORMAL
	adviceSequential = unix.FADV_SEQUENTIAL
	adviceWillNeed   = unix.FADV_WILLNEED
)

// fileAdvise gives the kernel advice a about the bytes [off, off+n) of
// f. It is a hint: errors are ignored.
func fileAdvise(f *os.File, off, n int64, a int) {
	unix.Fadvise(int(f.Fd()), off, n, a)
}
