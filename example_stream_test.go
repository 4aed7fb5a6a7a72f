package wavemap_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/wavemap/wavemap"
)

// A Writer writes a WAVE stream to any io.Writer. A bytes.Buffer cannot
// seek, so the header keeps the streaming sizes (0xFFFFFFFF) that mean
// "audio to the end of the input".
func ExampleNewWriter() {
	var out bytes.Buffer
	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}
	w, err := wavemap.NewWriter(&out, format, nil)
	if err != nil {
		log.Fatal(err)
	}
	block := make([]int16, 2*256) // 256 stereo frames
	for range 4 {
		for i := range 256 {
			block[2*i], block[2*i+1] = int16(i*100), int16(-i*100)
		}
		if err := wavemap.WriteFrames(w, block); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Close(); err != nil { // flushes; does not close out
		log.Fatal(err)
	}
	fmt.Println(w.Frames(), "frames; seekable:", w.Seekable())
	fmt.Printf("%s, RIFF size %#x\n", out.Bytes()[:4], out.Bytes()[4:8])
	// Output:
	// 1024 frames; seekable: false
	// RIFF, RIFF size 0xffffffff
}

// A Reader reads a WAVE stream from any io.Reader (standard input, a pipe,
// an HTTP body) block by block, into a buffer it reuses.
func ExampleNewReader() {
	// A stream, as a pipe would deliver it.
	var stream bytes.Buffer
	w, _ := wavemap.NewWriter(&stream, wavemap.Format{Encoding: wavemap.EncodingFloat32, Channels: 1, SampleRate: 8000}, nil)
	wavemap.WriteFrames(w, []float32{0.5, -0.25, 1, 0, 0.125})
	w.Close()

	r, err := wavemap.NewReader(&stream, &wavemap.Options{
		Warn: func(w wavemap.Warning) { fmt.Println("warning:", w.Kind) },
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Format(), "frames:", r.Header().Frames) // -1: unknown until the end
	for block, err := range wavemap.ReadBlocks[float32](r, 2) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(block.Data)
	}
	fmt.Println(r.Offset(), "frames read")
	// Output:
	// warning: streaming-size
	// f32 1ch 8000Hz frames: -1
	// [0.5 -0.25]
	// [1 0]
	// [0.125]
	// 5 frames read
}

// TranscodeTo writes a converted copy of a mapped file through a Writer.
// On a regular file it first reserves the whole output (Writer.Reserve),
// so a disk too small fails before any conversion, and Close writes the
// final sizes.
func ExampleTranscodeTo() {
	dir, err := os.MkdirTemp("", "wavemap-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	src, err := wavemap.Create(filepath.Join(dir, "in.wav"),
		wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 1, SampleRate: 8000}, 4, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer src.Close()
	s, _ := wavemap.Samples[int16](src)
	copy(s, []int16{0, 16384, -32768, 32767})

	out, err := os.Create(filepath.Join(dir, "out.wav"))
	if err != nil {
		log.Fatal(err)
	}
	defer out.Close()
	f := src.Format()
	f.Encoding = wavemap.EncodingFloat32
	w, err := wavemap.NewWriter(out, f, nil)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := wavemap.TranscodeTo(context.Background(), w, src, nil); err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	g, err := wavemap.Open(out.Name(), wavemap.ReadOnly, &wavemap.Options{Strict: true})
	if err != nil {
		log.Fatal(err)
	}
	defer g.Close()
	y, _ := wavemap.Samples[float32](g)
	fmt.Println(g.Format().Encoding, y)
	// Output:
	// f32 [0 0.5 -1 0.9999695]
}
