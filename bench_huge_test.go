package wavemap

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
)

// passBenchBytes is the size of the file the pass benchmarks scan: larger
// than the CPU caches by far, small enough to create quickly.
const passBenchBytes = 256 << 20

// passBenchFile creates a file of real (non-sparse) s16 stereo samples,
// written back to the disk so that its pages can be dropped from the
// page cache, and returns its path.
func passBenchFile(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "pass.wav")
	f, err := Create(path, Format{Encoding: EncodingInt16, Channels: 2, SampleRate: 48000}, passBenchBytes/4, nil)
	if err != nil {
		b.Fatal(err)
	}
	s, _ := Samples[int16](f)
	for i := range s {
		s[i] = int16(i*7 + i>>11)
	}
	if err := f.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return path
}

// sumPass is the read pass the benchmarks time: a sum of every sample.
func sumPass(f *File, opts *PassOptions) (int64, error) {
	sums := make([]int64, (f.Frames()+DefaultBlockFrames-1)/DefaultBlockFrames)
	err := Pass(context.Background(), f, opts, func(start int, b Frames[int16]) error {
		var s int64
		for _, v := range b.Data {
			s += int64(v)
		}
		sums[start/DefaultBlockFrames] = s
		return nil
	})
	var t int64
	for _, s := range sums {
		t += s
	}
	return t, err
}

// BenchmarkPassSequential times a read pass (Pass, GOMAXPROCS workers)
// over a 256 MiB file whose pages are in the page cache (warm) or were
// dropped from it before each pass (cold: posix_fadvise DONTNEED, Linux
// only), so that the pass reads the disk with the kernel's read-ahead and
// the advisor's willneed window.
func BenchmarkPassSequential(b *testing.B) {
	path := passBenchFile(b)
	for _, cold := range []bool{false, true} {
		name := "warm"
		if cold {
			name = "cold"
		}
		b.Run(name, func(b *testing.B) {
			f, err := Open(path, ReadOnly, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			if cold && runtime.GOOS != "linux" {
				b.Skip("dropping the page cache needs posix_fadvise (Linux)")
			}
			if _, err := sumPass(f, nil); err != nil { // warm up (or check)
				b.Fatal(err)
			}
			b.SetBytes(int64(len(f.Bytes())))
			b.ResetTimer()
			for b.Loop() {
				if cold {
					b.StopTimer()
					dropCache(f.osf, 0, f.size)
					b.StartTimer()
				}
				if _, err := sumPass(f, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPassInPlace times an in-place edit (a gain of 0.5 with
// rounding, through float64) of a warm 256 MiB read-write file with 1
// worker and with GOMAXPROCS workers: the ratio is what ParallelBlocks and
// Pass gain from the cores.
func BenchmarkPassInPlace(b *testing.B) {
	path := passBenchFile(b)
	f, err := Open(path, ReadWrite, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	gain := func(_ int, blk Frames[int16]) error {
		for i, v := range blk.Data {
			x := float64(v) * 0.5
			if x < 0 {
				x -= 0.5
			} else {
				x += 0.5
			}
			blk.Data[i] = int16(x)
		}
		return nil
	}
	for _, w := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			b.SetBytes(int64(len(f.Bytes())))
			opts := &PassOptions{Workers: w}
			for b.Loop() {
				if err := Pass(context.Background(), f, opts, gain); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPassNoAdvice is BenchmarkPassInPlace and the warm read pass
// through ParallelBlocks, which gives no advice: pages stay mapped from
// one pass to the next. The difference is the price of bounded RSS.
func BenchmarkPassNoAdvice(b *testing.B) {
	path := passBenchFile(b)
	f, err := Open(path, ReadWrite, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	m, _ := FramesOf[int16](f)
	b.Run("read", func(b *testing.B) {
		b.SetBytes(int64(len(f.Bytes())))
		for b.Loop() {
			ParallelBlocks(context.Background(), m, nil, func(_ int, blk Frames[int16]) error {
				var s int64
				for _, v := range blk.Data {
					s += int64(v)
				}
				_ = s
				return nil
			})
		}
	})
	for _, w := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("inplace-workers=%d", w), func(b *testing.B) {
			b.SetBytes(int64(len(f.Bytes())))
			for b.Loop() {
				ParallelBlocks(context.Background(), m, &PassOptions{Workers: w}, func(_ int, blk Frames[int16]) error {
					for i, v := range blk.Data {
						blk.Data[i] = v ^ 1
					}
					return nil
				})
			}
		})
	}
}

// BenchmarkPassFreshMapping times what a command does: open a warm file,
// make one read pass, close it; through Pass (advice) and through
// ParallelBlocks (none). Both fault every page in once.
func BenchmarkPassFreshMapping(b *testing.B) {
	path := passBenchFile(b)
	sum := func(_ int, blk Frames[int16]) error {
		var s int64
		for _, v := range blk.Data {
			s += int64(v)
		}
		_ = s
		return nil
	}
	for _, advice := range []bool{true, false} {
		b.Run(fmt.Sprintf("advice=%v", advice), func(b *testing.B) {
			b.SetBytes(passBenchBytes)
			for b.Loop() {
				f, err := Open(path, ReadOnly, nil)
				if err != nil {
					b.Fatal(err)
				}
				if advice {
					err = Pass(context.Background(), f, nil, sum)
				} else {
					m, _ := FramesOf[int16](f)
					err = ParallelBlocks(context.Background(), m, nil, sum)
				}
				f.Close()
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
