package kernels

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// naiveMinMax is the definition: the smallest and largest of the
// channel's elements, NaNs left out; the empty range when there are none.
func naiveMinMax(v []float64, first, stride, n int) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for j := range n {
		x := v[first+j*stride]
		if x < lo {
			lo = x
		}
		if x > hi {
			hi = x
		}
	}
	return lo, hi
}

// TestMinMaxKernels compares every kernel with naiveMinMax over random
// runs: every stride from 1 to 9, every start, lengths around the
// unrolling, runs that end their slice (the s24 kernel's bytewise last
// sample), and float runs with NaNs and infinities.
func TestMinMaxKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const size = 200
	s16 := make([]int16, size)
	s32 := make([]int32, size)
	u8 := make([]uint8, size)
	s24 := make([]byte, 3*size)
	f32 := make([]float32, size)
	f64 := make([]float64, size)
	var table [256]int16
	for i := range table {
		table[i] = int16(r.IntN(65536) - 32768)
	}
	dec := map[string][]float64{}
	for _, k := range []string{"s16", "s32", "u8", "s24", "f32", "f64", "table"} {
		dec[k] = make([]float64, size)
	}
	for round := range 20 {
		for i := range size {
			s16[i] = int16(r.IntN(65536) - 32768)
			s32[i] = int32(r.Uint32())
			u8[i] = uint8(r.IntN(256))
			v := int32(r.IntN(1<<24) - 1<<23)
			s24[3*i], s24[3*i+1], s24[3*i+2] = byte(v), byte(v>>8), byte(v>>16)
			x := r.NormFloat64()
			switch round % 4 { // NaNs of either sign, infinities, zeros of either sign
			case 1:
				if r.IntN(5) == 0 {
					x = math.NaN()
				}
			case 2:
				if r.IntN(5) == 0 {
					x = -math.NaN()
				} else if r.IntN(9) == 0 {
					x = math.Inf(1 - 2*r.IntN(2))
				}
			case 3:
				if r.IntN(3) == 0 {
					x = math.Copysign(0, -1)
				}
			}
			f32[i], f64[i] = float32(x), x
			dec["s16"][i], dec["s32"][i], dec["u8"][i] = float64(s16[i]), float64(s32[i]), float64(int(u8[i])-128)
			dec["s24"][i], dec["f32"][i], dec["f64"][i] = float64(v), float64(f32[i]), x
			dec["table"][i] = float64(table[u8[i]])
		}
		for stride := 1; stride <= 9; stride++ {
			for first := range stride {
				for _, n := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, (size - 1 - first) / stride, (size-1-first)/stride + 1} {
					if n > 0 && first+(n-1)*stride >= size {
						continue
					}
					check := func(name string, lo, hi float64) {
						t.Helper()
						wlo, whi := naiveMinMax(dec[name], first, stride, n)
						if lo != wlo || hi != whi {
							t.Fatalf("%s first %d stride %d n %d: [%v, %v], want [%v, %v]", name, first, stride, n, lo, hi, wlo, whi)
						}
					}
					lo16, hi16 := MinMaxS16(s16, first, stride, n)
					if n == 0 {
						if lo16 != math.MaxInt16 || hi16 != math.MinInt16 {
							t.Fatalf("empty s16 run: [%d, %d]", lo16, hi16)
						}
					} else {
						check("s16", float64(lo16), float64(hi16))
					}
					if n == 0 {
						continue
					}
					lo32, hi32 := MinMaxS32(s32, first, stride, n)
					check("s32", float64(lo32), float64(hi32))
					lo16, hi16 = MinMaxU8(u8, first, stride, n)
					check("u8", float64(lo16), float64(hi16))
					lo16, hi16 = MinMaxTable(u8, first, stride, n, &table)
					check("table", float64(lo16), float64(hi16))
					lo32, hi32 = MinMaxS24(s24, first, stride, n)
					check("s24", float64(lo32), float64(hi32))
					// A run ending its slice exactly.
					end := 3 * (first + (n-1)*stride + 1)
					lo32, hi32 = MinMaxS24(s24[:end], first, stride, n)
					check("s24", float64(lo32), float64(hi32))
					lf, hf := MinMaxF32(f32, first, stride, n)
					check("f32", float64(lf), float64(hf))
					ld, hd := MinMaxF64(f64, first, stride, n)
					check("f64", ld, hd)
				}
			}
		}
	}
}

// TestMinMaxRuns compares the MinMaxRuns kernels (AVX2 where the shape
// allows it) with the lane kernels run by run: channel counts 1 to 9,
// runs that the vector halves take and ones they do not, a shorter last
// run, and float runs with NaNs.
func TestMinMaxRuns(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, ch := range []int{1, 2, 3, 4, 5, 8, 9} {
		for _, run := range []int{16, 17, 32, 64, 256} {
			for _, frames := range []int{0, 1, run - 1, run, 3*run + 5, 200 * run, 200*run + 1} {
				n := frames * ch
				s16 := make([]int16, n)
				s24 := make([]byte, 3*n)
				f32 := make([]float32, n)
				for i := range n {
					s16[i] = int16(r.IntN(65536) - 32768)
					v := int32(r.IntN(1<<24) - 1<<23)
					s24[3*i], s24[3*i+1], s24[3*i+2] = byte(v), byte(v>>8), byte(v>>16)
					f32[i] = float32(r.NormFloat64())
					if r.IntN(3000) == 0 {
						f32[i] = float32(math.NaN())
					}
				}
				runs := (frames + run - 1) / run
				// The pairs go at run 3 of the arrays, after room for others.
				const at = 3
				pairs := func() ([][]int16, [][]int32, [][]int32, [][]float32) {
					a, b, c, d := make([][]int16, ch), make([][]int32, ch), make([][]int32, ch), make([][]float32, ch)
					for i := range ch {
						a[i], b[i], c[i], d[i] = make([]int16, 2*(at+runs)), make([]int32, 2*(at+runs)), make([]int32, 2*(at+runs)), make([]float32, 2*(at+runs))
					}
					return a, b, c, d
				}
				p16, p24, p24b, pf := pairs()
				MinMaxRunsS16(s16, ch, run, p16, at)
				MinMaxRunsS24(s24, ch, run, p24, at)
				// With room to read past the end, as in a mapping.
				MinMaxRunsS24(append(slices.Clone(s24), 1, 2, 3, 4)[:len(s24)], ch, run, p24b, at)
				for c := range ch {
					if !slices.Equal(p24[c], p24b[c]) {
						t.Fatalf("s24 %d ch, run %d, %d frames: differs with spare capacity", ch, run, frames)
					}
				}
				MinMaxRunsF32(f32, ch, run, pf, at)
				for c := range ch {
					for i := range 2 * at {
						if p16[c][i] != 0 || p24[c][i] != 0 || pf[c][i] != 0 {
							t.Fatalf("%d ch, run %d, %d frames: channel %d: element %d before the first run written", ch, run, frames, c, i)
						}
					}
				}
				for k := range runs {
					m := min(run, frames-k*run)
					for c := range ch {
						i := 2 * (at + k)
						first := k*run*ch + c
						if l, h := MinMaxS16(s16, first, ch, m); l != p16[c][i] || h != p16[c][i+1] {
							t.Fatalf("s16 %d ch, run %d, %d frames: run %d channel %d: [%d, %d], want [%d, %d]", ch, run, frames, k, c, p16[c][i], p16[c][i+1], l, h)
						}
						if l, h := MinMaxS24(s24, first, ch, m); l != p24[c][i] || h != p24[c][i+1] {
							t.Fatalf("s24 %d ch, run %d, %d frames: run %d channel %d: [%d, %d], want [%d, %d]", ch, run, frames, k, c, p24[c][i], p24[c][i+1], l, h)
						}
						if l, h := MinMaxF32(f32, first, ch, m); l != pf[c][i] || h != pf[c][i+1] {
							t.Fatalf("f32 %d ch, run %d, %d frames: run %d channel %d: [%v, %v], want [%v, %v]", ch, run, frames, k, c, pf[c][i], pf[c][i+1], l, h)
						}
					}
				}
			}
		}
	}
}
