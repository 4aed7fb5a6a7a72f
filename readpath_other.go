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
