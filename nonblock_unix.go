//go:build unix

package wavemap

import (
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// openNonblock is added to the open(2) flags so that opening a named pipe
// returns at once instead of waiting for the other end: the file is
// refused after fstat, and a regular file is made blocking again by
// setBlocking.
const openNonblock = unix.O_NONBLOCK

// setBlocking clears O_NONBLOCK on osf (fcntl F_SETFL).
func setBlocking(osf *os.File) error {
	rc, err := osf.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = unix.SetNonblock(int(fd), false) }); err != nil {
		return err
	}
	if serr != nil {
		return &fs.PathError{Op: "fcntl", Path: osf.Name(), Err: serr}
	}
	return nil
}
