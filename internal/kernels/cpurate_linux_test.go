//go:build linux

package kernels

import (
	"runtime"
	"syscall"
	"testing"
)

// cpuRate runs fn b.N times on a locked OS thread and reports MB/s per
// second of that thread's CPU time ("cpu-MB/s"), which other processes
// competing for the cores do not distort as they distort wall time.
func cpuRate(b *testing.B, bytes int64, fn func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.SetBytes(bytes)
	t0 := threadCPU()
	for b.Loop() {
		fn()
	}
	if cpu := threadCPU() - t0; cpu > 0 {
		b.ReportMetric(float64(bytes)*float64(b.N)/cpu/1e6, "cpu-MB/s")
	}
}

func threadCPU() float64 {
	var ru syscall.Rusage
	const rusageThread = 1
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
