// Command newfile measures what writing a new file costs on this machine,
// three ways, and prints one line "MODE SECONDS GB/s":
//
//	newfile write BYTES PATH      plain sequential write(2) calls of 4 MiB
//	newfile fallocate BYTES PATH  the same after fallocate of the whole file
//	newfile reserve BYTES PATH    a wavemap.Writer (f32 stereo) after
//	                              Writer.Reserve: fallocate, and page-cache
//	                              helpers when the writes turn out slow
//
// newfile.sh runs the modes in random order with an idle time before each
// run, so that the freed memory of the previous run has (or has not) gone
// back to the host on a virtual machine with free page reporting.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
	"unsafe"

	"github.com/wavemap/wavemap"
	"golang.org/x/sys/unix"
)

const block = 4 << 20

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: newfile write|fallocate|reserve BYTES PATH")
		os.Exit(2)
	}
	mode, path := os.Args[1], os.Args[3]
	n, err := strconv.ParseInt(os.Args[2], 10, 64)
	if err != nil || n <= 0 || n%block != 0 {
		fmt.Fprintln(os.Stderr, "newfile: BYTES must be a positive multiple of 4 MiB")
		os.Exit(2)
	}
	buf := make([]float32, block/4)
	for i := range buf {
		buf[i] = float32(i%1000) / 4000
	}
	raw := unsafe.Slice((*byte)(unsafe.Pointer(&buf[0])), block)
	os.Remove(path)
	f, err := os.Create(path)
	if err != nil {
		fail(err)
	}
	start := time.Now()
	switch mode {
	case "write", "fallocate":
		if mode == "fallocate" {
			if err := unix.Fallocate(int(f.Fd()), 0, 0, n); err != nil {
				fail(err)
			}
		}
		for left := n; left > 0; left -= block {
			if _, err := f.Write(raw); err != nil {
				fail(err)
			}
		}
	case "reserve":
		w, err := wavemap.NewWriter(f, wavemap.Format{Encoding: wavemap.EncodingFloat32, Channels: 2, SampleRate: 48000}, nil)
		if err != nil {
			fail(err)
		}
		if err := w.Reserve(n / 8); err != nil {
			fail(err)
		}
		for left := n; left > 0; left -= block {
			if err := wavemap.WriteFrames(w, buf); err != nil {
				fail(err)
			}
		}
		if err := w.Close(); err != nil {
			fail(err)
		}
	default:
		fmt.Fprintln(os.Stderr, "newfile: unknown mode", mode)
		os.Exit(2)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
	d := time.Since(start).Seconds()
	fmt.Printf("%s %.3f %.2f\n", mode, d, float64(n)/d/1e9)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "newfile:", err)
	os.Exit(1)
}
