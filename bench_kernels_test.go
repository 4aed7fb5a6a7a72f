package wavemap_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/wavemap/wavemap"
)

// Whole-file passes over a page-cached 256 MiB stereo file, with a copy()
// of the same number of bytes measured in the same run as the yardstick:
// compare the MB/s of each case with copy's.
//
//	go test -run '^$' -bench 'Measure|Gain' -count 3

const passBytes = 256 << 20

// passFile creates a stereo file of about passBytes of audio in the given
// encoding, fills it with a loud pattern that never clips (so the
// clip-counting paths do not run), and reopens it in mode.
func passFile(b *testing.B, enc wavemap.Encoding, mode wavemap.Mode) *wavemap.File {
	b.Helper()
	path := filepath.Join(b.TempDir(), enc.String()+".wav")
	format := wavemap.Format{Encoding: enc, Channels: 2, SampleRate: 48000}
	frames := int64(passBytes / format.FrameSize())
	f, err := wavemap.Create(path, format, frames, nil)
	if err != nil {
		b.Fatal(err)
	}
	x := uint32(1)
	next := func() float64 { // xorshift noise in [-0.9, 0.9)
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		return (float64(x)/(1<<32) - 0.5) * 1.8
	}
	switch enc {
	case wavemap.EncodingInt16:
		s, _ := wavemap.Samples[int16](f)
		for i := range s {
			s[i] = int16(next() * 32768)
		}
	case wavemap.EncodingInt24:
		s, _ := wavemap.Samples[wavemap.Int24](f)
		for i := range s {
			s[i] = wavemap.Int24From(int32(next() * (1 << 23)))
		}
	case wavemap.EncodingFloat32:
		s, _ := wavemap.Samples[float32](f)
		for i := range s {
			s[i] = float32(next())
		}
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	g, err := wavemap.Open(path, mode, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { g.Close() })
	return g
}

// benchCopy is the yardstick: copy() of passBytes between two buffers.
func benchCopy(b *testing.B) {
	src := make([]byte, passBytes)
	dst := make([]byte, passBytes)
	for i := range src {
		src[i] = byte(i)
	}
	b.SetBytes(passBytes)
	for b.Loop() {
		copy(dst, src)
	}
}

var statsSink []wavemap.ChannelStats

func BenchmarkMeasure(b *testing.B) {
	b.Run(fmt.Sprintf("copy-%dMiB", passBytes>>20), benchCopy)
	for _, enc := range []wavemap.Encoding{wavemap.EncodingInt16, wavemap.EncodingInt24, wavemap.EncodingFloat32} {
		b.Run(enc.String(), func(b *testing.B) {
			f := passFile(b, enc, wavemap.ReadOnly)
			b.SetBytes(int64(len(f.Bytes())))
			for b.Loop() {
				st, err := wavemap.Measure(context.Background(), f, nil)
				if err != nil {
					b.Fatal(err)
				}
				statsSink = st
			}
		})
	}
}

// BenchmarkGain alternates x0.5 and x2 in place on a read-write mapping,
// so the samples keep their spread from one iteration to the next.
func BenchmarkGain(b *testing.B) {
	b.Run(fmt.Sprintf("copy-%dMiB", passBytes>>20), benchCopy)
	for _, enc := range []wavemap.Encoding{wavemap.EncodingInt16, wavemap.EncodingFloat32} {
		b.Run(enc.String(), func(b *testing.B) {
			f := passFile(b, enc, wavemap.ReadWrite)
			b.SetBytes(int64(len(f.Bytes())))
			factor := 0.5
			for b.Loop() {
				if _, err := wavemap.Gain(context.Background(), f, factor, nil); err != nil {
					b.Fatal(err)
				}
				factor = 1 / factor
			}
		})
	}
}
