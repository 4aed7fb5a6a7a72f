package serve

import (
	"os"

	"golang.org/x/sys/unix"
)

// dropPageCache asks the kernel to drop the cached pages of the file at
// path (posix_fadvise DONTNEED); pages still mapped by a process stay.
func dropPageCache(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}
