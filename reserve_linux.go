package wavemap

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// canReserve reports whether Reserve preallocates.
const canReserve = true

// allocate claims the disk blocks of [off, off+n) of f and extends the
// file over them (fallocate mode 0). A full disk or quota gives an error
// wrapping ErrNoSpace; a file system without preallocation any other
// error.
func allocate(f *os.File, off, n int64) error {
	conn, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := conn.Control(func(fd uintptr) {
		for {
			ferr = unix.Fallocate(int(fd), 0, off, n)
			if ferr != unix.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	if errors.Is(ferr, unix.ENOSPC) || errors.Is(ferr, unix.EDQUOT) || errors.Is(ferr, unix.EFBIG) {
		return noSpaceError{ferr}
	}
	return ferr
}

// noSpaceError is a system error that also matches ErrNoSpace.
type noSpaceError struct{ err error }

func (e noSpaceError) Error() string        { return e.err.Error() }
func (e noSpaceError) Unwrap() error        { return e.err }
func (e noSpaceError) Is(target error) bool { return target == ErrNoSpace }

// appendOnly reports whether f was opened with O_APPEND, where every write
// goes to the end of the file whatever its offset: extending such a file
// ahead of the writes would put the audio after the reserved space.
func appendOnly(f *os.File) bool {
	conn, err := f.SyscallConn()
	if err != nil {
		return true
	}
	flags := 0
	if err := conn.Control(func(fd uintptr) { flags, err = unix.FcntlInt(fd, unix.F_GETFL, 0) }); err != nil || flags < 0 {
		return true
	}
	return flags&unix.O_APPEND != 0
}

// startWriteback starts writing the dirty pages of [off, off+n) of f to
// disk without waiting for them (sync_file_range SYNC_FILE_RANGE_WRITE).
func startWriteback(f *os.File, off, n int64) {
	if conn, err := f.SyscallConn(); err == nil {
		conn.Control(func(fd uintptr) { unix.SyncFileRange(int(fd), off, n, unix.SYNC_FILE_RANGE_WRITE) })
	}
}
