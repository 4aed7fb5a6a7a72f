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

// threadFaults returns the page faults (minor and major) the calling
// thread has taken so far (getrusage RUSAGE_THREAD); ok is false when
// they cannot be counted.
func threadFaults() (n int64, ok bool) {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_THREAD, &ru); err != nil {
		return 0, false
	}
	return int64(ru.Minflt) + int64(ru.Majflt), true
}
