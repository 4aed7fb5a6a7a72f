package cli

import (
	"fmt"
	"os"

	"github.com/wavemap/wavemap"
)

// Helpers of the commands that change their input in place: gain,
// normalize and fix.

// refuseReadOnly returns an error naming name if the file has no write
// permission at all. Such a file is refused even where the operating
// system would allow the write (as for root), so that a read-only file is
// never changed.
func refuseReadOnly(name string) error {
	if st, err := os.Stat(name); err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o222 == 0 {
		return fileError(name, fmt.Errorf("file is read-only (mode %#o); nothing changed", st.Mode().Perm()))
	}
	return nil
}

// openForEdit opens name read-write for an in-place edit, or read-only for
// a dry run; a read-only file is refused (see refuseReadOnly).
func openForEdit(e *env, cmd, name string, dry bool) (*wavemap.File, error) {
	if dry {
		return openAudio(e, cmd, name, wavemap.ReadOnly)
	}
	if err := refuseReadOnly(name); err != nil {
		return nil, err
	}
	return openAudio(e, cmd, name, wavemap.ReadWrite)
}

// syncFlag adds --sync, which makes an in-place edit wait until the
// changed pages are on stable storage (msync + fsync) and report write-back
// errors (wavemap.PassOptions.Sync), before its journal is removed. Without
// it, as with cp, sox or ffmpeg, the kernel writes them back in its own
// time: the file is valid either way, since only samples change.
func syncFlag(fs *flagSet) *bool {
	return fs.Bool("sync", false, "wait until the changes are on disk (msync + fsync) before exiting")
}

// finishEdit closes f after an edit that returned err and returns the
// first error.
func finishEdit(f *wavemap.File, err error) error {
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
