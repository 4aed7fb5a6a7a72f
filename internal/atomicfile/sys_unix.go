//go:build unix

package atomicfile

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// syncDir makes a rename in dir durable. File systems that cannot sync a
// directory (EINVAL, ENOTSUP) have nothing to make durable this way.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOTSUP) {
		err = nil
	}
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// lock takes an exclusive advisory lock on f for as long as it is open,
// so that inUse can tell it from a leftover. A file system without locks
// leaves it unlocked.
func lock(f *os.File) {
	unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
}

// inUse reports whether some process holds the lock of the partial file
// at path (it is still being written).
func inUse(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	return errors.Is(unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB), unix.EWOULDBLOCK)
}

// canWrite reports whether this process could open path for writing
// (root can write most files whatever their bits; not immutable ones).
func canWrite(path string) bool {
	return unix.Access(path, unix.W_OK) == nil
}
