//go:build !linux && !windows

package atomicfile

// renameNoReplace renames from to to unless something exists at to,
// with a link and an unlink.
func renameNoReplace(from, to string) error { return linkNoReplace(from, to) }
