package wavemap

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkKernel times the statistics kernels alone on one core, over
// 1 MiB of in-memory samples (cache-resident: the pure compute rate).
func BenchmarkKernel(b *testing.B) {
	const size = 1 << 20
	rng := rand.New(rand.NewPCG(1, 1))
	raw := make([]byte, size)
	for i := range raw {
		raw[i] = byte(rng.Uint32())
	}
	b.Run("copy", func(b *testing.B) {
		dst := make([]byte, size)
		cpuRate(b, size, func() { copy(dst, raw) })
	})
	for _, ch := range []int{1, 2, 6} {
		s16, _ := castSlice[int16](raw)
		s16 = s16[:len(s16)/ch*ch]
		b.Run(fmt.Sprintf("s16-%dch", ch), func(b *testing.B) {
			benchIntKernel(b, s16, ch)
		})
		s24, _ := castSlice[Int24](raw)
		s24 = s24[:len(s24)/ch*ch]
		b.Run(fmt.Sprintf("s24-%dch", ch), func(b *testing.B) {
			benchIntKernel(b, s24, ch)
		})
		f32 := make([]float32, size/4/ch*ch)
		for i := range f32 {
			f32[i] = rng.Float32()*2 - 1
		}
		b.Run(fmt.Sprintf("f32-%dch", ch), func(b *testing.B) {
			p := make([]floatPart, ch)
			cpuRate(b, int64(4*len(f32)), func() {
				for i := 0; i < len(f32); i += statChunk * ch {
					for c := range p {
						p[c].reset()
					}
					floatKernel(f32[i:min(len(f32), i+statChunk*ch)], ch, p)
				}
			})
		})
	}
}

func benchIntKernel[T Sample](b *testing.B, d []T, ch int) {
	p := make([]intPart, ch)
	var z T
	cpuRate(b, int64(len(d))*int64(sizeOf(z)), func() {
		for i := 0; i < len(d); i += statChunk * ch {
			for c := range p {
				p[c].reset()
			}
			intKernel(d[i:min(len(d), i+statChunk*ch)], ch, p)
		}
	})
}

func sizeOf[T Sample](T) int { return encodingOf[T]().Size() }

// TestKernelsAgree compares the kernels intKernel dispatches to (AVX2 ones
// in a GOEXPERIMENT=simd build on an AVX2 machine) with the scalar lane
// kernels, on random data and on the extreme values that fill the vector
// kernels' 32-bit lanes, for every channel count the vector kernels take
// and some they do not.
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
			for _, frames := range []int{1, 15, 33, 1000, statChunk} {
				d := make([]int16, frames*ch)
				for i := range d {
					d[i] = gen(i)
				}
				want := make([]intPart, ch)
				got := make([]intPart, ch)
				for c := range ch {
					want[c].reset()
					got[c].reset()
				}
				perChannel(d, ch, 2, want, s16Lanes)
				intKernel(d, ch, got)
				for c := range ch {
					if got[c] != want[c] {
						t.Errorf("%s, %d ch, %d frames, ch %d: %+v, scalar %+v", name, ch, frames, c, got[c], want[c])
					}
				}
			}
		}
	}
}
