package wavemap_test

import (
	"bytes"
	"fmt"
	"log"

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
