package wavemap_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/wavemap/wavemap"
)

// BenchmarkSplit splits a 64 MiB file of 8 channels of s24 (7.1) into
// eight mono files, output commit (sync and rename) included; the bytes
// are the source's. BenchmarkRemix mixes the same file down to stereo
// s24. Run with -bench 'Split|Remix' -benchtime 10x (not in CI).
func BenchmarkSplit(b *testing.B) {
	src, dir := benchChannelsFile(b)
	names, err := wavemap.SplitNames(filepath.Join(dir, "out.wav"), src, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src.Bytes())))
	for b.Loop() {
		if _, err := wavemap.Split(context.Background(), src, names, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRemix(b *testing.B) {
	src, dir := benchChannelsFile(b)
	mix := [][]float64{
		{1, 0, 0.7071, 0, 0.5, 0, 0.5, 0},
		{0, 1, 0.7071, 0, 0, 0.5, 0, 0.5},
	}
	b.SetBytes(int64(len(src.Bytes())))
	for b.Loop() {
		if _, err := wavemap.Remix(context.Background(), filepath.Join(dir, "stereo.wav"), src, mix, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// benchChannelsFile makes the 64 MiB 7.1 s24 source of the channel
// benchmarks, opened read-only, and the directory for the outputs.
func benchChannelsFile(b *testing.B) (*wavemap.File, string) {
	b.Helper()
	dir := b.TempDir()
	path := filepath.Join(dir, "71.wav")
	const frames = 64 << 20 / 24
	f, err := wavemap.Create(path, wavemap.Format{Encoding: wavemap.EncodingInt24, Channels: 8, SampleRate: 48000, ChannelMask: 0x63F}, frames, nil)
	if err != nil {
		b.Fatal(err)
	}
	d := f.Bytes()
	for i := range d {
		d[i] = byte(i*131 + i>>9)
	}
	if err := f.Close(); err != nil {
		b.Fatal(fmt.Errorf("making the source: %w", err))
	}
	g, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { g.Close() })
	return g, dir
}
