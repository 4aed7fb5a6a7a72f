package wavemap

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// Benchmarks of the paths of knobs.go, each beside its yardstick in the
// same run (MB/s of the input's audio bytes):
//
//	go test -run XXX -bench 'MeasurePath|GainPath|ConvertPath' -count 5 .
//	WAVEMAP_BENCH_BIG=1 go test -run XXX -bench ... -count 5 -timeout 60m .
//
// The files are stereo and page-cached: 64 MiB of s16 by default, 1977 MiB
// (the s16 file of bench/run.sh; s24 and f32 of the same frames) with
// WAVEMAP_BENCH_BIG=1. Only the ratios within one run mean anything.

// benchPathFrames returns the frames of the benchmark files.
func benchPathFrames() int64 {
	if os.Getenv("WAVEMAP_BENCH_BIG") == "1" {
		return 1977 << 20 / 4
	}
	return 64 << 20 / 4
}

// benchPathDir is the folder of the benchmark files: WAVEMAP_BENCH_DIR
// when set (the files are then kept for the next run, and a run does not
// measure the writeback of files it has just made), else a temporary one.
func benchPathDir(b *testing.B) string {
	if d := os.Getenv("WAVEMAP_BENCH_DIR"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			b.Fatal(err)
		}
		return d
	}
	return b.TempDir()
}

// benchPathFile makes a stereo file of enc in dir (a white noise at half
// scale, written through the mapping) unless it is there, and returns its
// path.
func benchPathFile(b *testing.B, dir string, enc Encoding) string {
	b.Helper()
	path := filepath.Join(dir, enc.String()+".wav")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	f, err := Create(path, Format{Encoding: enc, Channels: 2, SampleRate: 48000}, benchPathFrames(), nil)
	if err != nil {
		b.Fatal(err)
	}
	src := make([]float64, 1<<16)
	x := uint64(1)
	for i := range src {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		src[i] = (float64(x>>11)/(1<<53) - 0.5)
	}
	d := f.Bytes()
	size := enc.Size()
	chunk := len(src) * size
	conv, err := converterTo[float64](enc, PowerOfTwo)
	if err != nil {
		b.Fatal(err)
	}
	for off := 0; off < len(d); off += chunk {
		end := min(len(d), off+chunk)
		if _, err := conv(d[off:end], src[:(end-off)/size]); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// benchPathOpen opens path in mode after reading it once (page-cached).
func benchPathOpen(b *testing.B, path string, mode Mode) *File {
	b.Helper()
	if _, err := os.ReadFile(path); err != nil {
		b.Fatal(err)
	}
	f, err := Open(path, mode, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	return f
}

// readHalves reads the bytes [off, off+n) of path with ReadAt into
// buffers of bs bytes, from readers goroutines over equal parts: cat
// (one reader) and two dd bs=4M over the two halves, in process.
func readHalves(b *testing.B, fd *os.File, off, n int64, readers, bs int) {
	var wg sync.WaitGroup
	part := (n + int64(readers) - 1) / int64(readers)
	for r := range readers {
		wg.Go(func() {
			buf := make([]byte, bs)
			for at := off + int64(r)*part; at < min(off+n, off+int64(r+1)*part); at += int64(bs) {
				m := min(int64(bs), off+n-at)
				if _, err := fd.ReadAt(buf[:m], at); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkMeasurePath(b *testing.B) {
	dir := benchPathDir(b)
	for _, enc := range []Encoding{EncodingInt16, EncodingInt24, EncodingFloat32} {
		b.Run(enc.String(), func(b *testing.B) {
			f := benchPathOpen(b, benchPathFile(b, dir, enc), ReadOnly)
			b.SetBytes(int64(len(f.Bytes())))
			for _, rp := range readPaths {
				b.Run(rp.String(), func(b *testing.B) {
					defer withKnobs(rp, knobGain, knobConvert, readBuffer)()
					for b.Loop() {
						if _, err := Measure(context.Background(), f, nil); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			for _, y := range []struct {
				name        string
				readers, bs int
			}{{"cat", 1, 128 << 10}, {"dd2", 2, 4 << 20}} {
				b.Run(y.name, func(b *testing.B) {
					for b.Loop() {
						readHalves(b, f.osf, f.hdr.DataOffset, int64(len(f.Bytes())), y.readers, y.bs)
					}
				})
			}
		})
	}
}

func BenchmarkGainPath(b *testing.B) {
	dir := benchPathDir(b)
	path := benchPathFile(b, dir, EncodingInt16)
	f := benchPathOpen(b, path, ReadWrite)
	b.SetBytes(int64(len(f.Bytes())))
	for _, journal := range []bool{false, true} {
		name := "plain"
		if journal {
			name = "journal"
		}
		b.Run(name, func(b *testing.B) {
			for _, g := range gainPaths {
				b.Run(g.String(), func(b *testing.B) {
					defer withKnobs(knobRead, g, knobConvert, readBuffer)()
					opts := &PassOptions{}
					if journal {
						opts.Journal = JournalPath(path)
					}
					factor := 0.5
					for b.Loop() {
						if _, err := Gain(context.Background(), f, factor, opts); err != nil {
							b.Fatal(err)
						}
						factor = 2.5 - factor // 0.5, 2, 0.5 ...: the samples stay in range
					}
				})
			}
		})
	}
}

func BenchmarkConvertPath(b *testing.B) {
	dir := benchPathDir(b)
	src := benchPathOpen(b, benchPathFile(b, dir, EncodingInt16), ReadOnly)
	b.SetBytes(int64(len(src.Bytes())))
	out := filepath.Join(dir, "out.wav")
	fm := src.Format()
	fm.Encoding = EncodingFloat32
	convert := func(b *testing.B) {
		o, err := os.Create(out)
		if err != nil {
			b.Fatal(err)
		}
		w, err := NewWriter(o, fm, nil)
		if err == nil {
			_, err = TranscodeTo(context.Background(), w, src, nil)
		}
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		o.Close()
		os.Remove(out)
		if err != nil {
			b.Fatal(err)
		}
	}
	for _, cp := range convertPaths {
		for _, rp := range readPaths {
			b.Run(fmt.Sprintf("%v/%v", cp, rp), func(b *testing.B) {
				defer withKnobs(rp, knobGain, cp, readBuffer)()
				for b.Loop() {
					convert(b)
				}
			})
		}
	}
	// The floor: the same output bytes written with write(2) from one
	// buffer, no conversion.
	b.Run("write-floor", func(b *testing.B) {
		buf := make([]byte, 1<<20)
		n := int64(len(src.Bytes())) * 2
		for b.Loop() {
			o, err := os.Create(out)
			if err != nil {
				b.Fatal(err)
			}
			for left := n; left > 0; left -= int64(len(buf)) {
				if _, err := o.Write(buf[:min(left, int64(len(buf)))]); err != nil {
					b.Fatal(err)
				}
			}
			o.Close()
			os.Remove(out)
		}
	})
}

// BenchmarkPeakIndexBuild builds the min/max pyramid of OpenPeaks (in
// memory, no cache file) beside the statistics pass over the same file in
// the same run: issue #17 asks for the pyramid at the pass's speed.
func BenchmarkPeakIndexBuild(b *testing.B) {
	dir := benchPathDir(b)
	for _, enc := range []Encoding{EncodingInt16, EncodingInt24, EncodingFloat32} {
		b.Run(enc.String(), func(b *testing.B) {
			f := benchPathOpen(b, benchPathFile(b, dir, enc), ReadOnly)
			b.SetBytes(int64(len(f.Bytes())))
			b.Run("pyramid", func(b *testing.B) {
				for b.Loop() {
					x, err := OpenPeaks(context.Background(), f, &PeakIndexOptions{NoCache: true})
					if err != nil {
						b.Fatal(err)
					}
					x.Close()
				}
			})
			b.Run("stats", func(b *testing.B) {
				for b.Loop() {
					if _, err := Measure(context.Background(), f, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
