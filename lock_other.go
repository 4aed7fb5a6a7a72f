//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || windows)

package wavemap

import "os"

// lockFile does nothing on this platform (AIX, z/OS, Plan 9, WebAssembly
// ...): files are opened without locks, as if Options.NoLock were set.
func lockFile(*os.File, bool) error { return nil }

// unlockFile does nothing on this platform.
func unlockFile(*os.File) error { return nil }
