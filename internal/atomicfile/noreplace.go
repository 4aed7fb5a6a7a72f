package atomicfile

import (
	"errors"
	"io/fs"
	"os"
)

// linkNoReplace gives from the name to unless something exists there, by
// linking (which fails on an existing name) and unlinking from. On a file
// system without hard links it checks and renames, and a file created in
// between those two steps is replaced: the one race left.
func linkNoReplace(from, to string) error {
	err := os.Link(from, to)
	if err == nil {
		os.Remove(from) // if this fails, Commit removes it
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return err
	}
	if _, lerr := os.Lstat(to); lerr == nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: fs.ErrExist}
	}
	return os.Rename(from, to)
}
