package wavemap

import (
	"fmt"
	"io/fs"
	"os"
)

// Advisory locks on open files. lockFile is the one entry point, in one
// file per platform family (lock_unix.go: flock(2); lock_windows.go:
// LockFileEx; lock_other.go: nothing), and closeFile releases what it took.

// lockedError is the error for a lock on name that another open holds:
// holder is what that open does with the file ("writing", "reading").
func lockedError(name, holder string) error {
	return fmt.Errorf("%w: %s is locked by another process or File (open for %s)", ErrLocked, name, holder)
}

// closeFile releases any lock held on osf and closes it. Closing releases
// the lock anyway; unlocking first makes the release immediate on Windows
// and independent of a mapping that may outlive the descriptor, so the
// unlock's own error does not matter.
func closeFile(osf *os.File) error {
	unlockFile(osf)
	return osf.Close()
}

// notRegular returns the error for a path that is not a regular file,
// saying what it is.
func notRegular(name string, m fs.FileMode) error {
	what := "an irregular file"
	switch {
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe"
	case m&fs.ModeCharDevice != 0:
		what = "a character device"
	case m&fs.ModeDevice != 0:
		what = "a block device"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	}
	return &fs.PathError{Op: "open", Path: name, Err: notRegularError{what}}
}

// notRegularError is the Err of the *fs.PathError for a path that is not
// a regular file: "not a regular file (a named pipe)", matching
// ErrNotRegular.
type notRegularError struct{ what string }

func (e notRegularError) Error() string        { return "not a regular file (" + e.what + ")" }
func (e notRegularError) Is(target error) bool { return target == ErrNotRegular }
