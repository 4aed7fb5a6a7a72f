package wavemap

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// allBytes is the length of the locked range, in each of its two 32-bit
// halves: the whole file, however large it grows.
const allBytes = ^uint32(0)

// lockFile takes a LockFileEx lock (LOCKFILE_FAIL_IMMEDIATELY) on the
// whole of osf, exclusive or shared, for as long as osf stays open (or
// until unlockFile). It returns an error wrapping ErrLocked if another
// handle holds a conflicting lock, in this process or another. A file
// system that has no locks (ERROR_NOT_SUPPORTED, ERROR_INVALID_FUNCTION)
// is used unlocked.
func lockFile(osf *os.File, exclusive bool) error {
	flags := uint32(windows.LOCKFILE_FAIL_IMMEDIATELY)
	if exclusive {
		flags |= windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	err := lockRange(osf, flags)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, windows.ERROR_LOCK_VIOLATION):
		// Say what the holder does: if a shared lock can be had, only
		// readers hold it. The probe's lock is dropped at once.
		holder := "writing"
		if exclusive && lockRange(osf, windows.LOCKFILE_FAIL_IMMEDIATELY) == nil {
			unlockFile(osf)
			holder = "reading"
		}
		return lockedError(osf.Name(), holder)
	case errors.Is(err, windows.ERROR_NOT_SUPPORTED), errors.Is(err, windows.ERROR_INVALID_FUNCTION):
		return nil
	}
	return &fs.PathError{Op: "LockFileEx", Path: osf.Name(), Err: err}
}

// unlockFile releases the lock lockFile took on osf, if any.
func unlockFile(osf *os.File) error {
	return withHandle(osf, func(h windows.Handle) error {
		return windows.UnlockFileEx(h, 0, allBytes, allBytes, new(windows.Overlapped))
	})
}

// lockRange locks the whole file with the LockFileEx flags given. The
// range starts at the Overlapped's offset, 0.
func lockRange(osf *os.File, flags uint32) error {
	return withHandle(osf, func(h windows.Handle) error {
		return windows.LockFileEx(h, flags, 0, allBytes, allBytes, new(windows.Overlapped))
	})
}

// withHandle runs fn on osf's handle.
func withHandle(osf *os.File, fn func(windows.Handle) error) error {
	rc, err := osf.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(h uintptr) { ferr = fn(windows.Handle(h)) }); err != nil {
		return err
	}
	return ferr
}
