//go:build !unix

package atomicfile

import "os"

// syncDir does nothing: directories cannot be opened for syncing here.
func syncDir(string) error { return nil }

// lock does nothing: partial files are not locked here.
func lock(*os.File) {}

// inUse is always false: without locks a running writer cannot be told
// from a leftover.
func inUse(string) bool { return false }

// canWrite leaves the decision to the permission bits.
func canWrite(string) bool { return true }
