//go:build unix

package cli

import "syscall"

// openNonblock makes an open(2) of a named pipe return at once instead of
// waiting for the other end.
const openNonblock = syscall.O_NONBLOCK
