// Command wmfirst is the smallest wavemap program for the benchmark's "open"
// job: open a file, map it, print its format and first sample. It is the Go
// counterpart of the Python peers' few-line scripts, without the CLI's
// chunk listing.
package main

import (
	"fmt"
	"os"

	"github.com/wavemap/wavemap"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: wmfirst FILE")
		os.Exit(2)
	}
	f, err := wavemap.Open(os.Args[1], wavemap.ReadOnly, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wmfirst:", err)
		os.Exit(1)
	}
	defer f.Close()
	var first any
	switch f.Format().Encoding {
	case wavemap.EncodingInt16:
		first = firstOf[int16](f)
	case wavemap.EncodingInt24:
		first = firstOf[wavemap.Int24](f).Int32()
	case wavemap.EncodingInt32:
		first = firstOf[int32](f)
	case wavemap.EncodingFloat32:
		first = firstOf[float32](f)
	case wavemap.EncodingFloat64:
		first = firstOf[float64](f)
	case wavemap.EncodingUint8:
		first = firstOf[uint8](f)
	default:
		first = f.Bytes()[0]
	}
	fmt.Printf("%v %s %d frames; first sample %v\n", f.Header().Container, f.Format(), f.Frames(), first)
}

func firstOf[T wavemap.Sample](f *wavemap.File) T {
	s, err := wavemap.Samples[T](f)
	if err != nil || len(s) == 0 {
		fmt.Fprintln(os.Stderr, "wmfirst: no samples:", err)
		os.Exit(1)
	}
	return s[0]
}
