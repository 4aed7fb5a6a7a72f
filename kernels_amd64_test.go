//go:build amd64 && !goexperiment.simd && !purego && unix

package wavemap

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// checkS16Vector compares s16Vector on d with the scalar kernel: equal
// parts when it takes the case, parts left alone when it does not.
func checkS16Vector(t *testing.T, what string, d []int16, ch int) {
	t.Helper()
	var fresh intPart
	fresh.reset()
	checkVector(t, fmt.Sprintf("%s: %d samples, %d ch", what, len(d), ch), ch, fresh,
		haveAVX2 && 16%ch == 0 && len(d) >= 32,
		func(p []intPart) { perChannel(d, ch, 2, p, s16Lanes) },
		func(p []intPart) bool { return s16Vector(d, ch, p) }, sameParts)
}

var s16Patterns = map[string]func(rng *rand.Rand, i int) int16{
	"random": func(rng *rand.Rand, _ int) int16 { return int16(rng.Uint32()) },
	"min":    func(*rand.Rand, int) int16 { return -32768 },
	"max":    func(*rand.Rand, int) int16 { return 32767 },
	"edges": func(_ *rand.Rand, i int) int16 {
		if i%3 == 0 {
			return 32767
		}
		return -32768
	},
	// Each channel on one side: sums that only grow in one direction
	// per lane, squares at 2^30 each.
	"split": func(_ *rand.Rand, i int) int16 {
		if i%2 == 0 {
			return -32768
		}
		return 32767
	},
	"small": func(rng *rand.Rand, _ int) int16 { return int16(rng.IntN(7) - 3) },
}

var s16Channels = []int{1, 2, 3, 4, 5, 6, 8, 16}

// TestS16AVX2Short covers every length from 0 to 200 frames, at every
// start offset modulo 16 samples (so unaligned loads and every tail).
func TestS16AVX2Short(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for name, gen := range s16Patterns {
		for _, ch := range s16Channels {
			buf := make([]int16, 200*ch+16)
			for i := range buf {
				buf[i] = gen(rng, i)
			}
			for off := range 16 {
				for frames := 0; frames <= 200 && off+frames*ch <= len(buf); frames++ {
					checkS16Vector(t, name, buf[off:off+frames*ch], ch)
				}
			}
		}
	}
}

// TestS16AVX2Long covers runs past the assembly's flush of its 32-bit
// sums (every 2^14 iterations of 32 samples), with the extreme values
// that bring those sums closest to overflowing, and a full statChunk of
// frames for every channel count.
func TestS16AVX2Long(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	const flush = 32 << 14
	for _, name := range []string{"random", "min", "max", "split"} {
		gen := s16Patterns[name]
		for _, ch := range s16Channels {
			for _, samples := range []int{flush + 32, 3*flush + 77, statChunk * ch} {
				d := make([]int16, samples/ch*ch)
				for i := range d {
					d[i] = gen(rng, i)
				}
				checkS16Vector(t, name, d, ch)
			}
		}
	}
}

// TestS16AVX2Bounds puts the samples right before an inaccessible page,
// and right after one: a read past either end of the slice faults.
func TestS16AVX2Bounds(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2")
	}
	ps := unix.Getpagesize()
	mem, err := unix.Mmap(-1, 0, 4*ps, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		t.Skip(err)
	}
	defer unix.Munmap(mem)
	if err := unix.Mprotect(mem[:ps], unix.PROT_NONE); err != nil {
		t.Skip(err)
	}
	if err := unix.Mprotect(mem[3*ps:], unix.PROT_NONE); err != nil {
		t.Skip(err)
	}
	s, err := castSlice[int16](mem[ps : 3*ps])
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for i := range s {
		s[i] = int16(rng.Uint32())
	}
	for _, ch := range s16Channels {
		for _, n := range []int{32, 33, 63, 64, 96, 100, len(s) / ch * ch} {
			n = n / ch * ch
			checkS16Vector(t, "at end", s[len(s)-n:], ch)
			checkS16Vector(t, "at start", s[:n], ch)
		}
	}
}

// TestS16AVX2Parts checks that s16Vector adds to the parts it is given,
// as the scalar kernel does, rather than overwriting them.
func TestS16AVX2Parts(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	d := make([]int16, 4096)
	for i := range d {
		d[i] = int16(rng.IntN(2001) - 1000)
	}
	for _, ch := range []int{1, 2, 4, 8, 16} {
		start := intPart{min: -5000, max: 5000, sum: 1 << 40, sq: 1<<63 + 12345, sqHi: 3}
		want := make([]intPart, ch)
		got := make([]intPart, ch)
		for c := range ch {
			want[c], got[c] = start, start
		}
		perChannel(d, ch, 2, want, s16Lanes)
		if !s16Vector(d, ch, got) {
			t.Fatalf("%d ch: declined", ch)
		}
		for c := range ch {
			if got[c] != want[c] {
				t.Errorf("%d ch, ch %d: %+v, scalar %+v", ch, c, got[c], want[c])
			}
		}
	}
}

// TestS16GainAVX2Layout checks the intGain field offsets the assembly
// reads.
func TestS16GainAVX2Layout(t *testing.T) {
	var g intGain
	got := [5]uintptr{unsafe.Offsetof(g.factor), unsafe.Offsetof(g.inv), unsafe.Offsetof(g.shift), unsafe.Offsetof(g.lo), unsafe.Offsetof(g.hi)}
	if want := [5]uintptr{0, 8, 16, 24, 32}; got != want {
		t.Fatalf("intGain offsets %v, kernels_amd64.s assumes %v", got, want)
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
			g := newIntGain(f, 16, vb)
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

// BenchmarkS16Gain compares the AVX2 gain with the table lookup, on one
// core over 1 MiB of samples, x0.5 and x2 in turn.
func BenchmarkS16Gain(b *testing.B) {
	rng := rand.New(rand.NewPCG(15, 16))
	d := make([]int16, 1<<19)
	for i := range d {
		d[i] = int16(rng.IntN(40000) - 20000)
	}
	half, double := newIntGain(0.5, 16, 0), newIntGain(2, 16, 0)
	b.Run("table", func(b *testing.B) {
		th, td := newS16Table(&half), newS16Table(&double)
		cpuRate(b, 2*int64(len(d)), func() { th.apply(d, false); td.apply(d, false) })
	})
	b.Run("avx2", func(b *testing.B) {
		if !haveAVX2 {
			b.Skip("no AVX2")
		}
		cpuRate(b, 2*int64(len(d)), func() { s16GainVector(d, &half, false); s16GainVector(d, &double, false) })
	})
}
