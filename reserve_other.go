//go:build !linux

package wavemap

import "os"

// canReserve is false outside Linux: Reserve only checks its argument.
const canReserve = false

// allocate is never called outside Linux.
func allocate(*os.File, int64, int64) error { return nil }

// appendOnly is never called outside Linux.
func appendOnly(*os.File) bool { return true }

// startWriteback does nothing outside Linux: the final sync writes all.
func startWriteback(*os.File, int64, int64) {}
