package wavemap_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/wavemap/wavemap"
)

// tempPath returns a path in a fresh temporary directory.
func tempPath(name string) (string, func()) {
	dir, err := os.MkdirTemp("", "wavemap-example")
	if err != nil {
		log.Fatal(err)
	}
	return filepath.Join(dir, name), func() { os.RemoveAll(dir) }
}

// Create a new file and write samples straight into the mapping.
func ExampleCreate() {
	path, cleanup := tempPath("tone.wav")
	defer cleanup()

	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}
	f, err := wavemap.Create(path, format, 48000, nil) // one second
	if err != nil {
		log.Fatal(err)
	}
	m, err := wavemap.FramesOf[int16](f)
	if err != nil {
		log.Fatal(err)
	}
	for i := range m.Len() {
		m.Set(i, 0, int16(i%100*100)) // left: a sawtooth
		m.Set(i, 1, -1000)            // right: a constant
	}
	if err := f.Flush(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(f.Format(), f.Frames(), "frames, data at byte", f.Header().DataOffset)
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	// Output: s16 2ch 48000Hz 48000 frames, data at byte 80
}

// Open a file read-write and halve every sample in place, as Python's
// wavemap(path, "r+") //= 2 does.
func ExampleOpen() {
	path, cleanup := tempPath("x.wav")
	defer cleanup()
	f, _ := wavemap.Create(path, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 1, SampleRate: 8000}, 4, nil)
	s, _ := wavemap.Samples[int16](f)
	copy(s, []int16{1000, -2000, 3000, -4000})
	f.Close()

	f, err := wavemap.Open(path, wavemap.ReadWrite, nil)
	if err != nil {
		log.Fatal(err)
	}
	s, err = wavemap.Samples[int16](f)
	if err != nil {
		log.Fatal(err)
	}
	for i := range s {
		s[i] /= 2
	}
	if err := f.Flush(); err != nil {
		log.Fatal(err)
	}
	f.Close()

	f, _ = wavemap.Open(path, wavemap.ReadOnly, nil)
	defer f.Close()
	s, _ = wavemap.Samples[int16](f)
	fmt.Println(s)
	// Output: [500 -1000 1500 -2000]
}

// A typed view must match the file's encoding: a mismatch is an error,
// never a silent reinterpretation.
func ExampleSamples_typeMismatch() {
	path, cleanup := tempPath("x.wav")
	defer cleanup()
	f, _ := wavemap.Create(path, wavemap.Format{Encoding: wavemap.EncodingInt24, Channels: 1, SampleRate: 8000}, 3, nil)
	defer f.Close()

	if _, err := wavemap.Samples[int32](f); err != nil {
		fmt.Println(err)
	}
	s, _ := wavemap.Samples[wavemap.Int24](f) // packed 24-bit, mapped as is
	s[1] = wavemap.Int24From(-5)
	fmt.Println(s[1].Int32(), len(f.Bytes()), "bytes")
	// Output:
	// wavemap: file holds s24 samples (Go type wavemap.Int24), not int32
	// -5 9 bytes
}

// Convert between sample types with documented scaling.
func ExampleConvert() {
	ints := []int16{-32768, -16384, 0, 16384, 32767}
	floats := make([]float32, len(ints))
	wavemap.Convert(floats, ints)
	fmt.Println(floats)

	back := make([]int16, 3)
	n, clipped := wavemap.Convert(back, []float64{0.5, 1.0, -2})
	fmt.Println(back, n, "converted,", clipped, "clipped")
	// Output:
	// [-1 -0.5 0 0.5 0.9999695]
	// [16384 32767 -32768] 3 converted, 2 clipped
}

// Iterate over a long file in blocks of frames without copying, and read
// one channel through a strided view.
func ExampleFrames_Blocks() {
	path, cleanup := tempPath("x.wav")
	defer cleanup()
	f, _ := wavemap.Create(path, wavemap.Format{Encoding: wavemap.EncodingFloat32, Channels: 2, SampleRate: 8000}, 10, nil)
	defer f.Close()
	m, _ := wavemap.FramesOf[float32](f)
	for i := range m.Len() {
		m.Set(i, 0, float32(i))
		m.Set(i, 1, -float32(i))
	}

	for start, block := range m.Blocks(4) {
		right := block.Channel(1)
		fmt.Println(start, block.Len(), right.AppendTo(nil))
	}
	// Output:
	// 0 4 [-0 -1 -2 -3]
	// 4 4 [-4 -5 -6 -7]
	// 8 2 [-8 -9]
}

// Map a headerless file of 16-bit stereo samples after a 4-byte preamble.
func ExampleOpenRaw() {
	path, cleanup := tempPath("x.raw")
	defer cleanup()
	os.WriteFile(path, []byte{'h', 'e', 'a', 'd', 1, 0, 2, 0, 3, 0, 4, 0, 0xff}, 0o644)

	raw := wavemap.Raw{
		Format: wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 44100},
		Offset: 4,
	}
	f, err := wavemap.OpenRaw(path, raw, wavemap.ReadOnly, &wavemap.Options{
		Warn: func(w wavemap.Warning) { fmt.Println("warning:", w) },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	m, _ := wavemap.FramesOf[int16](f)
	fmt.Println(m.Len(), "frames:", m.Frame(0), m.Frame(1))
	// Output:
	// warning: at byte 12: 1 bytes after the last whole frame of 4 bytes: ignored
	// 2 frames: [1 2] [3 4]
}

// Setting a title and a Broadcast Wave description in place: the audio is
// not touched, whatever the size of the file.
func ExampleWriteMetadata() {
	dir, _ := os.MkdirTemp("", "wavemap")
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "take.wav")
	f, _ := wavemap.Create(name, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}, 48000, nil)
	f.Close()

	f, err := wavemap.Open(name, wavemap.ReadOnly, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, _ := f.Metadata()
	f.Close()
	m.SetInfoValue("INAM", "Take 7")
	m.SetBext(&wavemap.Bext{Description: wavemap.TextOf("scene 12, boom"), Version: 2,
		LoudnessValue: wavemap.LoudnessNotSet, LoudnessRange: wavemap.LoudnessNotSet, MaxTruePeakLevel: wavemap.LoudnessNotSet,
		MaxMomentaryLoudness: wavemap.LoudnessNotSet, MaxShortTermLoudness: wavemap.LoudnessNotSet})
	rep, err := wavemap.WriteMetadata(name, m, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("changed:", rep.Changed, "- audio rewritten: no; bytes written under 2 KiB:", rep.Written < 2048)

	f, _ = wavemap.Open(name, wavemap.ReadOnly, nil)
	defer f.Close()
	m, _ = f.Metadata()
	title, _ := m.InfoValue("INAM")
	b, _, _ := m.Bext()
	fmt.Println(title, "/", b.Description)
	// Output:
	// changed: true - audio rewritten: no; bytes written under 2 KiB: true
	// Take 7 / scene 12, boom
}
