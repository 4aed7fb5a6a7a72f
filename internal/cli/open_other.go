//go:build !unix

package cli

// openNonblock is 0 where opening a file never waits for a pipe's other
// end.
const openNonblock = 0
