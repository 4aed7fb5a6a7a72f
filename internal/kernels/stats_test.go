package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// BenchmarkKernel times the statistics kernels alone on one core, over
// 1 MiB of in-memory samples (cache-resident: the pure compute rate).
func BenchmarkKernel(b *testing.B) {
	const size = 1 << 20
	rng := rand.New(rand.NewPCG(1, 1))
	raw := make([]int16, size/2)
	for i := range raw {
		raw[i] = int16(rng.Uint32())
	}
	bytes := unsafe.Slice((*byte)(unsafe.Pointer(&raw[0])), size)
	b.Run("copy", func(b *testing.B) {
		dst := make([]byte, size)
		cpuRate(b, size, func() { copy(dst, bytes) })
	})
	for _, ch := range []int{1, 2, 6} {
		s16 := raw[:len(raw)/ch*ch]
		b.Run(fmt.Sprintf("s16-%dch", ch), func(b *testing.B) {
			benchInt(b, s16, 2, ch, StatsS16)
		})
		s24 := bytes[:size/3/ch*ch*3]
		b.Run(fmt.Sprintf("s24-%dch", ch), func(b *testing.B) {
			benchInt(b, s24, 3, ch, StatsS24)
		})
		f32 := make([]float32, size/4/ch*ch)
		for i := range f32 {
			f32[i] = rng.Float32()*2 - 1
		}
		b.Run(fmt.Sprintf("f32-%dch", ch), func(b *testing.B) {
			benchFloat(b, f32, 4, ch, StatsF32)
		})
		f64 := make([]float64, size/8/ch*ch)
		for i := range f64 {
			f64[i] = rng.Float64()*2 - 1
		}
		b.Run(fmt.Sprintf("f64-%dch", ch), func(b *testing.B) {
			benchFloat(b, f64, 8, ch, StatsF64)
		})
	}
}

// benchInt runs the kernel k over d (size bytes per sample; for s24 d
// holds the bytes) in runs of MaxRun frames.
func benchInt[E any](b *testing.B, d []E, size, ch int, k func([]E, int, []IntPart)) {
	p := make([]IntPart, ch)
	unit := 1
	if size == 3 {
		unit = 3
	}
	cpuRate(b, int64(len(d)/unit*size), func() {
		for i := 0; i < len(d); i += MaxRun * ch * unit {
			for c := range p {
				p[c].Reset()
			}
			k(d[i:min(len(d), i+MaxRun*ch*unit)], ch, p)
		}
	})
}

func benchFloat[E any](b *testing.B, d []E, size, ch int, k func([]E, int, []FloatPart)) {
	p := make([]FloatPart, ch)
	cpuRate(b, int64(len(d)*size), func() {
		for i := 0; i < len(d); i += MaxRun * ch {
			for c := range p {
				p[c].Reset()
			}
			k(d[i:min(len(d), i+MaxRun*ch)], ch, p)
		}
	})
}

// TestKernelsAgree compares what StatsS16 computes (with the AVX2 kernel
// where the CPU has it) with the scalar lane kernel, on random data and
// on the extreme values that fill the vector kernel's 32-bit lanes, for
// every channel count the vector kernel takes and some it does not.
func TestKernelsAgree(t *testing.T) {
	t.Logf("AVX2 kernels: %v", haveAVX2)
	rng := rand.New(rand.NewPCG(3, 4))
	patterns := map[string]func(i int) int16{
		"random": func(int) int16 { return int16(rng.Uint32()) },
		"min":    func(int) int16 { return -32768 },
		"max":    func(int) int16 { return 32767 },
		"edges": func(i int) int16 {
			if i%3 == 0 {
				return 32767
			}
			return -32768
		},
	}
	for name, gen := range patterns {
		for _, ch := range []int{1, 2, 3, 4, 6, 8, 16} {
			for _, frames := range []int{1, 15, 33, 1000, MaxRun} {
				d := make([]int16, frames*ch)
				for i := range d {
					d[i] = gen(i)
				}
				want := make([]IntPart, ch)
				got := make([]IntPart, ch)
				for c := range ch {
					want[c].Reset()
					got[c].Reset()
				}
				perChannel(d, ch, 2, want, s16Lanes)
				StatsS16(d, ch, got)
				for c := range ch {
					if got[c] != want[c] {
						t.Errorf("%s, %d ch, %d frames, ch %d: %+v, scalar %+v", name, ch, frames, c, got[c], want[c])
					}
				}
			}
		}
	}
}
