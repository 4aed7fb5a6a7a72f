// Command memlimit measures two machine limits for the benchmark, in
// process, and prints one line "WHAT GB/s":
//
//	memlimit copy N    copy() N bytes between two pre-touched 256 MiB buffers
//	memlimit touch N   first write to N bytes of fresh memory (page faults and
//	                   zeroing: what writing a new output file costs at least)
//	memlimit newfile N PATH
//	                   write a new f32 stereo WAV file holding N bytes of audio
//	                   with plain sequential write(2) calls of 4 MiB from one
//	                   pre-filled buffer, no conversion: what a simple writer
//	                   of the convert job's output pays for the file alone
//	memlimit dirty N PATH
//	                   map the first N bytes of PATH shared and make every
//	                   page of them writable and dirty (MADV_POPULATE_WRITE,
//	                   2 MiB at a time, one goroutine per core over its own
//	                   part), changing no byte: what an in-place edit through
//	                   the mapping pays the kernel before it computes or
//	                   moves anything (Linux 5.14)
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"
)

const bufSize = 256 << 20

func main() {
	if len(os.Args) < 3 || (len(os.Args) != 3) != ((os.Args[1] == "newfile" || os.Args[1] == "dirty") && len(os.Args) == 4) {
		fmt.Fprintln(os.Stderr, "usage: memlimit copy|touch BYTES, memlimit newfile|dirty BYTES PATH")
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
	case "newfile", "dirty":
		job := map[string]func(string, int64) error{"newfile": newFile, "dirty": dirty}[os.Args[1]]
		start := time.Now()
		if err := job(os.Args[3], n); err != nil {
			fmt.Fprintln(os.Stderr, "memlimit:", err)
			os.Exit(1)
		}
		report(os.Args[1], n, time.Since(start))
	default:
		fmt.Fprintln(os.Stderr, "memlimit: unknown mode", os.Args[1])
		os.Exit(2)
	}
}

func report(what string, n int64, d time.Duration) {
	fmt.Printf("%s %.3f GB/s (%d bytes in %.3f s)\n", what, float64(n)/d.Seconds()/1e9, n, d.Seconds())
}

// newFile writes a 46-byte WAVE header for n bytes of float32 stereo audio
// at 48 kHz and then n bytes from a 4 MiB buffer of small float values.
func newFile(path string, n int64) error {
	if n > 1<<32-1-38 {
		return fmt.Errorf("%d bytes do not fit a plain RIFF file", n)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	h := make([]byte, 0, 46)
	h = append(h, "RIFF"...)
	h = binary.LittleEndian.AppendUint32(h, uint32(38+n))
	h = append(h, "WAVEfmt "...)
	h = binary.LittleEndian.AppendUint32(h, 18)
	h = binary.LittleEndian.AppendUint16(h, 3) // IEEE float
	h = binary.LittleEndian.AppendUint16(h, 2)
	h = binary.LittleEndian.AppendUint32(h, 48000)
	h = binary.LittleEndian.AppendUint32(h, 48000*8)
	h = binary.LittleEndian.AppendUint16(h, 8)
	h = binary.LittleEndian.AppendUint16(h, 32)
	h = binary.LittleEndian.AppendUint16(h, 0) // cbSize
	h = append(h, "data"...)
	h = binary.LittleEndian.AppendUint32(h, uint32(n))
	buf := make([]byte, 4<<20)
	for i := 0; i < len(buf); i += 4 {
		binary.LittleEndian.PutUint32(buf[i:], 0x3c000000+uint32(i>>2)&0xffff) // about 0.008
	}
	if _, err := f.Write(h); err != nil {
		f.Close()
		return err
	}
	for left := n; left > 0; {
		k := min(left, int64(len(buf)))
		if _, err := f.Write(buf[:k]); err != nil {
			f.Close()
			return err
		}
		left -= k
	}
	return f.Close()
}
