//go:build !unix

package wavemap

import "os"

// openNonblock is 0 where opening a file cannot wait for a pipe's other
// end (Windows opens a pipe at once or fails).
const openNonblock = 0

// setBlocking has nothing to undo here.
func setBlocking(*os.File) error { return nil }
