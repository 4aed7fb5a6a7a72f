// Command memlimit measures two machine limits for the benchmark, in
// process, and prints one line "WHAT GB/s":
//
//	memlimit copy N    copy() N bytes between two pre-touched 256 MiB buffers
//	memlimit touch N   first write to N bytes of fresh memory (page faults and
//	                   zeroing: what writing a new output file costs at least)
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"
)

const bufSize = 256 << 20

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: memlimit copy|touch BYTES")
		os.Exit(2)
	}
	n, err := strconv.ParseInt(os.Args[2], 10, 64)
	if err != nil || n <= 0 {
		fmt.Fprintln(os.Stderr, "memlimit: bad byte count", os.Args[2])
		os.Exit(2)
	}
	switch os.Args[1] {
	case "copy":
		src, dst := make([]byte, bufSize), make([]byte, bufSize)
		for i := range src {
			src[i] = byte(i)
		}
		copy(dst, src) // touch dst's pages before timing
		start := time.Now()
		for left := n; left > 0; left -= bufSize {
			copy(dst[:min(left, bufSize)], src)
		}
		report("copy", n, time.Since(start))
	case "touch":
		// The fresh buffers are filled by copy() from a pre-touched
		// source, as an output file's new pages are filled. Every buffer
		// stays reachable so that the runtime cannot hand back
		// already-faulted memory for the next one.
		src := make([]byte, bufSize)
		for i := range src {
			src[i] = byte(i)
		}
		start := time.Now()
		var keep [][]byte
		for left := n; left > 0; left -= bufSize {
			b := make([]byte, min(left, bufSize))
			copy(b, src)
			keep = append(keep, b)
		}
		report("touch", n, time.Since(start))
		runtime.KeepAlive(keep)
	default:
		fmt.Fprintln(os.Stderr, "memlimit: unknown mode", os.Args[1])
		os.Exit(2)
	}
}

func report(what string, n int64, d time.Duration) {
	fmt.Printf("%s %.3f GB/s (%d bytes in %.3f s)\n", what, float64(n)/d.Seconds()/1e9, n, d.Seconds())
}
