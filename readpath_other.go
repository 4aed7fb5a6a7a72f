//go:build !linux

package wavemap

import "os"

// File advice for the pread path: none outside Linux.
const (
	adviceNormal = iota
	adviceSequential
	adviceWillNeed
)

func fileAdvise(*os.File, int64, int64, int) {}

// threadFaults cannot count a thread's page faults outside Linux: the
// readAuto path reads through the mapping there.
func threadFaults() (int64, bool) { return 0, false }
