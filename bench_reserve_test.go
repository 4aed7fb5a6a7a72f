package wavemap

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkTranscodeToFile measures TranscodeTo into a new file: a 256
// MiB s16 stereo file converted to a new 512 MiB f32 file, beside a plain
// write(2) of the same output bytes with no conversion ("floor").
// SetBytes counts the output. Each iteration writes a new file, which
// is removed (so the page cache it used is freed) before the next.
func BenchmarkTranscodeToFile(b *testing.B) {
	dir := b.TempDir()
	const frames = 64 << 20 // 256 MiB of s16 stereo
	src, err := Create(filepath.Join(dir, "src.wav"), Format{Encoding: EncodingInt16, Channels: 2, SampleRate: 48000}, frames, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	s, _ := Samples[int16](src)
	for i := range s {
		s[i] = int16(i * 7)
	}
	out := filepath.Join(dir, "out.wav")
	outBytes := int64(frames) * 2 * 4
	b.Run("transcode", func(b *testing.B) {
		b.SetBytes(outBytes)
		for b.Loop() {
			osf, err := os.Create(out)
			if err != nil {
				b.Fatal(err)
			}
			w, err := NewWriter(osf, Format{Encoding: EncodingFloat32, Channels: 2, SampleRate: 48000}, nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := TranscodeTo(context.Background(), w, src, nil); err != nil {
				b.Fatal(err)
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
			osf.Close()
			os.Remove(out)
		}
	})
	b.Run("floor", func(b *testing.B) {
		buf := make([]byte, 8<<20)
		b.SetBytes(outBytes)
		for b.Loop() {
			osf, err := os.Create(out)
			if err != nil {
				b.Fatal(err)
			}
			for n := int64(0); n < outBytes; n += int64(len(buf)) {
				if _, err := osf.Write(buf); err != nil {
					b.Fatal(err)
				}
			}
			osf.Close()
			os.Remove(out)
		}
	})
}
