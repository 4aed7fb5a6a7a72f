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

// TranscodeReader copies a stream into a Writer, converting its samples:
// here frames 1 to 3 of an s16 stream (stdin, say) become f32 (for
// stdout), with the metadata chunks before the audio kept. A range that
// runs past the end is clamped: the counts say how far the stream went.
func ExampleTranscodeReader() {
	var in bytes.Buffer
	w, _ := wavemap.NewWriter(&in, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 1, SampleRate: 8000}, nil)
	wavemap.WriteFrames(w, []int16{100, 16384, -32768, 32767, 7})
	w.Close()

	r, err := wavemap.NewReader(&in, nil)
	if err != nil {
		log.Fatal(err)
	}
	skipped, err := r.Skip(1)
	if err != nil {
		log.Fatal(err)
	}
	var out bytes.Buffer
	f := r.Format()
	f.Encoding = wavemap.EncodingFloat32
	cw, err := wavemap.NewWriter(&out, f, &wavemap.Options{Metadata: r.Metadata()})
	if err != nil {
		log.Fatal(err)
	}
	copied, clipped, err := wavemap.TranscodeReader(context.Background(), cw, r, 3, nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := cw.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("skipped", skipped, "copied", copied, "clipped", clipped)

	back, _ := wavemap.NewReader(&out, nil)
	y := make([]float32, 8)
	n, _ := wavemap.ReadFrames(back, y)
	fmt.Println(back.Format().Encoding, y[:n])
	// Output:
	// skipped 1 copied 3 clipped 0
	// f32 [0.5 -1 0.9999695]
}

// MeasureReader measures a stream (`ffmpeg -i in.flac -f wav - | ...`)
// as Measure measures a file, to the same bits.
func ExampleMeasureReader() {
	var in bytes.Buffer
	w, _ := wavemap.NewWriter(&in, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 8000}, nil)
	wavemap.WriteFrames(w, []int16{16384, 0, -16384, 32767, 16384, -32768, -16384, 0})
	w.Close()

	r, err := wavemap.NewReader(&in, nil)
	if err != nil {
		log.Fatal(err)
	}
	st, err := wavemap.MeasureReader(context.Background(), r, nil)
	if err != nil {
		log.Fatal(err)
	}
	for c, s := range st {
		fmt.Printf("channel %d: peak %.4f, RMS %.4f, DC %.4f, at full scale %d\n", c, s.Peak, s.RMS, s.DC, s.FullScale)
	}
	// Output:
	// channel 0: peak 0.5000, RMS 0.5000, DC 0.0000, at full scale 0
	// channel 1: peak 1.0000, RMS 0.7071, DC -0.0000, at full scale 2
}
