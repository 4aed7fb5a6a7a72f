package wavemap_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/wavemap/wavemap"
)

// Benchmarks report MB/s of audio data (b.SetBytes). BenchmarkCopy is the
// yardstick: a plain copy() of the same number of bytes between two
// in-memory buffers, run in the same set so ratios survive noisy machines.
// BENCHMARKS.md records the ratios.

const benchFrames = 32 << 20 // 32 Mi frames of mono: 64 MiB of s16, 96 MiB of s24

// benchFile creates (once per benchmark) a file filled with a pattern and
// reopens it in the given mode, so its pages are in the page cache.
func benchFile(b *testing.B, enc wavemap.Encoding, mode wavemap.Mode) *wavemap.File {
	b.Helper()
	path := filepath.Join(b.TempDir(), enc.String()+".wav")
	f, err := wavemap.Create(path, wavemap.Format{Encoding: enc, Channels: 1, SampleRate: 48000}, benchFrames, nil)
	if err != nil {
		b.Fatal(err)
	}
	d := f.Bytes()
	for i := range d {
		d[i] = byte(i*131 + i>>9)
	}
	f.Close()
	g, err := wavemap.Open(path, mode, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { g.Close() })
	return g
}

func BenchmarkCopy(b *testing.B) {
	for _, size := range []int{2 * benchFrames, 3 * benchFrames} {
		b.Run(fmt.Sprintf("%dMiB", size>>20), func(b *testing.B) {
			src := make([]byte, size)
			dst := make([]byte, size)
			for i := range src {
				src[i] = byte(i)
			}
			b.SetBytes(int64(size))
			for b.Loop() {
				copy(dst, src)
			}
		})
	}
}

// BenchmarkOpen shows that Open costs a header parse, whatever the size.
func BenchmarkOpen(b *testing.B) {
	for _, size := range []int64{1 << 20, 1 << 30, 8 << 30} {
		b.Run(fmt.Sprintf("%dMiB", size>>20), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "sparse.wav")
			f, err := wavemap.Create(path, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}, size/4, &wavemap.Options{Sparse: true})
			if err != nil {
				b.Fatal(err)
			}
			f.Close()
			for b.Loop() {
				f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
				if err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
		})
	}
}

func sumInt16(s []int16) int64 {
	var a0, a1, a2, a3 int64
	i := 0
	for ; i+4 <= len(s); i += 4 {
		a0 += int64(s[i])
		a1 += int64(s[i+1])
		a2 += int64(s[i+2])
		a3 += int64(s[i+3])
	}
	for ; i < len(s); i++ {
		a0 += int64(s[i])
	}
	return a0 + a1 + a2 + a3
}

var sink int64

// BenchmarkReadPass sums every sample of a page-cached mapped file.
func BenchmarkReadPass(b *testing.B) {
	b.Run("s16", func(b *testing.B) {
		f := benchFile(b, wavemap.EncodingInt16, wavemap.ReadOnly)
		s, _ := wavemap.Samples[int16](f)
		b.SetBytes(int64(len(f.Bytes())))
		for b.Loop() {
			sink += sumInt16(s)
		}
	})
	b.Run("s16-parallel", func(b *testing.B) {
		f := benchFile(b, wavemap.EncodingInt16, wavemap.ReadOnly)
		m, _ := wavemap.FramesOf[int16](f)
		b.SetBytes(int64(len(f.Bytes())))
		for b.Loop() {
			var total atomic.Int64
			wavemap.ParallelBlocks(context.Background(), m, nil, func(_ int, blk wavemap.Frames[int16]) error {
				total.Add(sumInt16(blk.Data))
				return nil
			})
			sink += total.Load()
		}
	})
	b.Run("s24", func(b *testing.B) {
		f := benchFile(b, wavemap.EncodingInt24, wavemap.ReadOnly)
		s, _ := wavemap.Samples[wavemap.Int24](f)
		b.SetBytes(int64(len(f.Bytes())))
		for b.Loop() {
			var a0, a1 int64
			i := 0
			for ; i+2 <= len(s); i += 2 {
				a0 += int64(s[i].Int32())
				a1 += int64(s[i+1].Int32())
			}
			for ; i < len(s); i++ {
				a0 += int64(s[i].Int32())
			}
			sink += a0 + a1
		}
	})
}

// BenchmarkGainInPlace halves every sample of a read-write mapping.
func BenchmarkGainInPlace(b *testing.B) {
	f := benchFile(b, wavemap.EncodingInt16, wavemap.ReadWrite)
	s, _ := wavemap.Samples[int16](f)
	b.SetBytes(int64(len(f.Bytes())))
	for b.Loop() {
		for i := range s {
			s[i] >>= 1
		}
	}
}

// BenchmarkConvert converts a mapped file into a float32 buffer in memory
// (SetBytes counts the input bytes).
func BenchmarkConvert(b *testing.B) {
	b.Run("s16-f32", func(b *testing.B) {
		f := benchFile(b, wavemap.EncodingInt16, wavemap.ReadOnly)
		s, _ := wavemap.Samples[int16](f)
		dst := make([]float32, len(s))
		b.SetBytes(int64(len(f.Bytes())))
		for b.Loop() {
			wavemap.Convert(dst, s)
		}
	})
	b.Run("s24-f32", func(b *testing.B) {
		f := benchFile(b, wavemap.EncodingInt24, wavemap.ReadOnly)
		s, _ := wavemap.Samples[wavemap.Int24](f)
		dst := make([]float32, len(s))
		b.SetBytes(int64(len(f.Bytes())))
		for b.Loop() {
			wavemap.Convert(dst, s)
		}
	})
	// The same conversions split over all cores, as Transcode runs them.
	for _, enc := range []wavemap.Encoding{wavemap.EncodingInt16, wavemap.EncodingInt24} {
		b.Run(enc.String()+"-f32-parallel", func(b *testing.B) {
			f := benchFile(b, enc, wavemap.ReadOnly)
			dst := make([]float32, f.Frames())
			b.SetBytes(int64(len(f.Bytes())))
			for b.Loop() {
				switch enc {
				case wavemap.EncodingInt16:
					m, _ := wavemap.FramesOf[int16](f)
					wavemap.ParallelBlocks(context.Background(), m, nil, func(start int, blk wavemap.Frames[int16]) error {
						wavemap.Convert(dst[start:start+blk.Len()], blk.Data)
						return nil
					})
				case wavemap.EncodingInt24:
					m, _ := wavemap.FramesOf[wavemap.Int24](f)
					wavemap.ParallelBlocks(context.Background(), m, nil, func(start int, blk wavemap.Frames[wavemap.Int24]) error {
						wavemap.Convert(dst[start:start+blk.Len()], blk.Data)
						return nil
					})
				}
			}
		})
	}
	b.Run("f32-s16", func(b *testing.B) {
		f := benchFile(b, wavemap.EncodingFloat32, wavemap.ReadOnly)
		s, _ := wavemap.Samples[float32](f)
		dst := make([]int16, len(s))
		b.SetBytes(int64(len(f.Bytes())))
		for b.Loop() {
			wavemap.Convert(dst, s)
		}
	})
}
