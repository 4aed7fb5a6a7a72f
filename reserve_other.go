//go:build !linux

package wavemap

import "os"

// canReserve and canPrefetch are false outside Linux: Reserve only
// checks its argument.
const (
	canReserve  = false
	canPrefetch = false
)

// allocate is never called outside Linux.
func allocate(*os.File, int64, int64) error { return nil }

// populate is never called outside Linux.
func populate(uintptr, int64, int64) bool { return false }

// appendOnly is never called outside Linux.
func appendOnly(*os.File) bool { return true }
