//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris

package wavemap

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// lockFile takes a non-blocking flock(2) lock on osf, exclusive or
// shared, for as long as osf stays open (or until unlockFile). It returns
// an error wrapping ErrLocked if another open file description holds a
// conflicting lock, in this process or another. A file system that has no
// locks (ENOLCK from an NFS mount without a lock manager, EOPNOTSUPP) is
// used unlocked.
func lockFile(osf *os.File, exclusive bool) error {
	how := unix.LOCK_SH
	if exclusive {
		how = unix.LOCK_EX
	}
	err := flock(osf, how|unix.LOCK_NB)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.EWOULDBLOCK):
		// Say what the holder does: if a shared lock can be had, only
		// readers hold it. The probe's lock is dropped at once.
		holder := "writing"
		if exclusive && flock(osf, unix.LOCK_SH|unix.LOCK_NB) == nil {
			flock(osf, unix.LOCK_UN)
			holder = "reading"
		}
		return lockedError(osf.Name(), holder)
	case errors.Is(err, unix.ENOLCK), errors.Is(err, unix.EOPNOTSUPP), errors.Is(err, unix.ENOTSUP), errors.Is(err, unix.ENOSYS):
		return nil
	}
	return &fs.PathError{Op: "flock", Path: osf.Name(), Err: err}
}

// unlockFile releases the lock lockFile took on osf, if any.
func unlockFile(osf *os.File) error {
	return flock(osf, unix.LOCK_UN)
}

// flock calls flock(2) on osf's descriptor, again if a signal
// interrupts it.
func flock(osf *os.File, how int) error {
	rc, err := osf.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	err = rc.Control(func(fd uintptr) {
		for {
			ferr = unix.Flock(int(fd), how)
			if ferr != unix.EINTR {
				return
			}
		}
	})
	if err != nil {
		return err
	}
	return ferr
}
