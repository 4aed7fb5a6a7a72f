//go:build !purego && unix

package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// Tests of the AVX2 gain kernels against the scalar ones.

// TestS16GainAVX2Layout checks the intGain field offsets the assembly
// reads.
func TestS16GainAVX2Layout(t *testing.T) {
	var g IntGain
	got := [5]uintptr{unsafe.Offsetof(g.factor), unsafe.Offsetof(g.inv), unsafe.Offsetof(g.shift), unsafe.Offsetof(g.lo), unsafe.Offsetof(g.hi)}
	if want := [5]uintptr{0, 8, 16, 24, 32}; got != want {
		t.Fatalf("IntGain offsets %v, kernels_amd64.s assumes %v", got, want)
	}
}

// TestS16GainAVX2 compares the AVX2 gain with the s16 table (which
// intGain.apply fills) over all 65536 values, for factors that round
// ties, clip at either end, underflow to subnormals and overflow to
// infinity, at 16 valid bits and fewer; in place and dry, at every start
// offset modulo 8 samples and with every tail length.
func TestS16GainAVX2(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2")
	}
	factors := []float64{1, -1, 0, math.Copysign(0, -1), 0.5, 2, -0.5, 1.5, 0.25, 0.1, 1.0 / 3, 3.7, -2.5,
		1.0000001, 0.9999999, 1 + 1.0/65536, 1.5 / 65536, 1e-5, 5e-324, 1e-310, 1e300, math.MaxFloat64, -math.MaxFloat64,
		math.Nextafter(0.5, 1), math.Nextafter(0.5, 0), 32767.0 / 32768, 32768.0 / 32767, 7}
	rng := rand.New(rand.NewPCG(13, 14))
	for range 20 {
		factors = append(factors, (rng.Float64()*2-1)*math.Exp2(float64(rng.IntN(12)-6)))
	}
	all := make([]int16, 1<<16+8)
	for i := range all {
		all[i] = int16(i)
	}
	for _, vb := range []int{0, 15, 12, 8, 2, 1} {
		for _, f := range factors {
			g := NewIntGain(f, 16, vb)
			table := newS16Table(&g)
			var wantClip int64
			for _, x := range all[:1<<16] {
				wantClip += int64(table[uint16(x)] >> 16)
			}
			for off := range 8 {
				d := append([]int16(nil), all...)[off : off+1<<16]
				dry := append([]int16(nil), d...)
				n, ok := s16GainVector(d, &g, false)
				if !ok {
					t.Fatal("declined")
				}
				nd, _ := s16GainVector(dry, &g, true)
				if n != wantClip || nd != wantClip {
					t.Errorf("factor %v, %d valid bits, offset %d: clipped %d, dry %d, table %d", f, vb, off, n, nd, wantClip)
				}
				for i, y := range d {
					x := int16(i + off)
					if want := int16(table[uint16(x)]); y != want {
						t.Fatalf("factor %v, %d valid bits: %d -> %d, table %d", f, vb, x, y, want)
					}
					if dry[i] != x {
						t.Fatalf("factor %v: dry run changed %d to %d", f, x, dry[i])
					}
				}
			}
			// Short slices: every tail length, and in place.
			for n := range 40 {
				d := append([]int16(nil), all[30000:30000+n]...)
				var want int64
				for _, x := range all[30000 : 30000+n] {
					want += int64(table[uint16(x)] >> 16)
				}
				if c, _ := s16GainVector(d, &g, false); c != want {
					t.Errorf("factor %v, %d samples: clipped %d, want %d", f, n, c, want)
				}
				for i, y := range d {
					if w := int16(table[uint16(all[30000+i])]); y != w {
						t.Fatalf("factor %v, %d samples: %d -> %d, table %d", f, n, all[30000+i], y, w)
					}
				}
			}
		}
	}
}

// TestF32GainAVX2 compares the AVX2 float32 gain with gainF32 for factors
// that round, overflow to infinity, underflow to subnormals and zero, on
// random, wide and special samples, at every start offset modulo 8 and
// every tail length, in place and dry: the same samples bit for bit (any
// NaN for any NaN) and the same count.
func TestF32GainAVX2(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2")
	}
	factors := []float64{1, -1, 0, 0.5, 2, 1.0 / 3, 0.1, 1.0000001, 0.9999999, 3.7, -2.5, 1e-40, 1e-300, 1e300,
		math.MaxFloat64, math.Inf(1), math.NaN(), math.Nextafter(1, 2), math.Nextafter(1, 0)}
	rng := rand.New(rand.NewPCG(31, 32))
	for range 10 {
		factors = append(factors, (rng.Float64()*4-2)*math.Exp2(float64(rng.IntN(40)-20)))
	}
	same := func(a, b float32) bool {
		return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
	}
	for name, gen := range f32Patterns {
		src := make([]float32, 200)
		for i := range src {
			src[i] = gen(rng, i)
		}
		for _, g := range factors {
			for off := range 8 {
				for n := 0; off+n <= len(src); n += 1 + n/8 {
					for _, dry := range []bool{false, true} {
						want := append([]float32(nil), src[off:off+n]...)
						got := append([]float32(nil), src[off:off+n]...)
						wn := gainF32(want, g, dry)
						gn, ok := f32GainVector(got, g, dry)
						if !ok {
							t.Fatal("f32GainVector declined with AVX2")
						}
						if gn != wn {
							t.Fatalf("%s, factor %v, %d samples, dry %v: %d counted, gainF32 %d", name, g, n, dry, gn, wn)
						}
						for i := range got {
							if !same(got[i], want[i]) {
								t.Fatalf("%s, factor %v, %d samples, dry %v: sample %d: %v (%#x), gainF32 %v (%#x)",
									name, g, n, dry, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
							}
						}
					}
				}
			}
		}
	}
}

// TestS16GainF32Layout checks the F32Gain field offsets the assembly
// reads.
func TestS16GainF32Layout(t *testing.T) {
	var g F32Gain
	got := [3]uintptr{unsafe.Offsetof(g.factor), unsafe.Offsetof(g.lo), unsafe.Offsetof(g.hi)}
	if want := [3]uintptr{0, 4, 8}; got != want {
		t.Fatalf("F32Gain offsets %v, kernels_amd64.s assumes %v", got, want)
	}
}

// TestS16GainF32: for every factor NewF32Gain accepts, the float32
// kernel gives exactly what IntGain.Apply gives (the s16 table), value
// and clip count, over all 65536 values in place and dry, at every start
// offset modulo 16 samples and with every tail length; factors with
// short significands are always accepted, and factors whose float32
// product rounds differently for some sample are refused.
func TestS16GainF32(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2")
	}
	short := []float64{1, -1, 0, 0.5, 2, -0.5, 1.5, 0.25, 3, 0.75, -2.5, 7, 255.0 / 256, 1.0 / 1024, 65536, -32768}
	factors := append([]float64{0.1, 1.0 / 3, 0.501187233627272, 1.0000001, 32767.0 / 32768, 32768.0 / 32767,
		math.Nextafter(0.5, 1), 1e-5, 1e300, math.MaxFloat64, 5e-324}, short...)
	rng := rand.New(rand.NewPCG(15, 16))
	for range 40 {
		factors = append(factors, (rng.Float64()*2-1)*math.Exp2(float64(rng.IntN(12)-6)))
	}
	all := make([]int16, 1<<16+16)
	for i := range all {
		all[i] = int16(i)
	}
	accepted, refused := 0, 0
	for i, f := range factors {
		g := NewIntGain(f, 16, 0)
		fg, ok := NewF32Gain(g)
		if !ok {
			if i >= len(factors)-40-len(short) && i < len(factors)-40 {
				t.Errorf("factor %v (a short significand) refused", f)
			}
			refused++
			continue
		}
		accepted++
		table := newS16Table(&g)
		var wantClip int64
		for _, x := range all[:1<<16] {
			wantClip += int64(table[uint16(x)] >> 16)
		}
		if fg.noClip != (wantClip == 0) {
			t.Fatalf("factor %v: noClip %v with %d of the 65536 inputs clipping", f, fg.noClip, wantClip)
		}
		for off := range 16 {
			d := append([]int16(nil), all...)[off : off+1<<16]
			dry := append([]int16(nil), d...)
			n, ok := s16GainF32Vector(d, fg, false)
			if !ok {
				t.Fatal("declined")
			}
			nd, _ := s16GainF32Vector(dry, fg, true)
			if n != wantClip || nd != wantClip {
				t.Fatalf("factor %v offset %d: %d clipped (dry %d), want %d", f, off, n, nd, wantClip)
			}
			for j, y := range d {
				x := all[off+j]
				if want := int16(table[uint16(x)]); y != want {
					t.Fatalf("factor %v offset %d: %d -> %d, want %d", f, off, x, y, want)
				}
				if dry[j] != x {
					t.Fatalf("factor %v: the dry run changed sample %d", f, j)
				}
			}
		}
		for n := range 40 { // every tail length, through the scalar end
			d := append([]int16(nil), all[30000:30000+n]...)
			s16GainF32Vector(d, fg, false)
			for j, y := range d {
				if want := int16(table[uint16(all[30000+j])]); y != want {
					t.Fatalf("factor %v, %d samples: sample %d is %d, want %d", f, n, j, y, want)
				}
			}
		}
	}
	if refused == 0 {
		t.Error("every factor accepted: the check refuses nothing")
	}
	t.Logf("%d factors accepted, %d refused", accepted, refused)
}
