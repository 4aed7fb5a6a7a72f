//go:build !linux

package kernels

import "testing"

// cpuRate is plain wall-clock benchmarking where thread CPU time is not
// available.
func cpuRate(b *testing.B, bytes int64, fn func()) {
	b.SetBytes(bytes)
	for b.Loop() {
		fn()
	}
}
