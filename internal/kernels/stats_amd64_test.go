//go:build !purego && unix

package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Tests of the AVX2 statistics kernels against the scalar lane kernels:
// equal parts, bit for bit, over every length and start offset, past the
// assembly's flushes of its 32-bit sums, and against guard pages.

// checkVector runs a vector kernel and the scalar kernel it stands for
// over parts that all start at start, one per channel: when the vector
// kernel takes the case (as wantTake says it must) the parts must be
// equal, and when it declines it must leave them alone. what names the
// case in failures.
func checkVector[P any](t *testing.T, what string, ch int, start P, wantTake bool,
	scalar func([]P), vector func([]P) bool, same func(a, b *P) bool) {
	t.Helper()
	want := make([]P, ch)
	got := make([]P, ch)
	for c := range ch {
		want[c], got[c] = start, start
	}
	scalar(want)
	took := vector(got)
	if took != wantTake {
		t.Fatalf("%s: the vector kernel took it: %v, want %v", what, took, wantTake)
	}
	if !took {
		for c := range got {
			if !same(&got[c], &start) {
				t.Fatalf("%s: the vector kernel declined but changed ch %d: %+v", what, c, got[c])
			}
		}
		return
	}
	for c := range ch {
		if !same(&got[c], &want[c]) {
			t.Fatalf("%s, ch %d: %+v, scalar %+v", what, c, got[c], want[c])
		}
	}
}

func sameParts(a, b *IntPart) bool { return *a == *b }

// checkS16Vector compares s16Vector on d with the scalar kernel: equal
// parts when it takes the case, parts left alone when it does not.
func checkS16Vector(t *testing.T, what string, d []int16, ch int) {
	t.Helper()
	var fresh IntPart
	fresh.Reset()
	checkVector(t, fmt.Sprintf("%s: %d samples, %d ch", what, len(d), ch), ch, fresh,
		haveAVX2 && 16%ch == 0 && len(d) >= 32,
		func(p []IntPart) { perChannel(d, ch, 2, p, s16Lanes) },
		func(p []IntPart) bool { return s16Vector(d, ch, p) }, sameParts)
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
// that bring those sums closest to overflowing, and a full MaxRun of
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
			for _, samples := range []int{flush + 32, 3*flush + 77, MaxRun * ch} {
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
	b := guarded(t, 2*unix.Getpagesize())
	s := unsafe.Slice((*int16)(unsafe.Pointer(&b[0])), len(b)/2)
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
		start := IntPart{Min: -5000, Max: 5000, Sum: 1 << 40, Sq: 1<<63 + 12345, SqHi: 3}
		want := make([]IntPart, ch)
		got := make([]IntPart, ch)
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

// checkS24Vector compares s24Vector on the bytes d with the scalar
// kernel, starting both from the parts start.
func checkS24Vector(t *testing.T, what string, d []byte, ch int, start IntPart) {
	t.Helper()
	checkVector(t, fmt.Sprintf("%s: %d bytes, %d ch", what, len(d), ch), ch, start,
		haveAVX2 && 8%ch == 0 && len(d) >= 48,
		func(p []IntPart) { perChannel(d, ch, 3, p, s24Lanes) },
		func(p []IntPart) bool { return s24Vector(d, ch, p) }, sameParts)
}

var s24Patterns = map[string]func(rng *rand.Rand, i int) int32{
	"random": func(rng *rand.Rand, _ int) int32 { return int32(rng.Uint32()) >> 8 },
	"min":    func(*rand.Rand, int) int32 { return -1 << 23 },
	"max":    func(*rand.Rand, int) int32 { return 1<<23 - 1 },
	"split": func(_ *rand.Rand, i int) int32 {
		if i%2 == 0 {
			return -1 << 23
		}
		return 1<<23 - 1
	},
	"small": func(rng *rand.Rand, _ int) int32 { return int32(rng.IntN(7) - 3) },
}

func putS24(b []byte, i int, v int32) {
	b[3*i], b[3*i+1], b[3*i+2] = byte(v), byte(v>>8), byte(v>>16)
}

var vectorChannels = []int{1, 2, 3, 4, 6, 8}

// TestS24AVX2Short covers every length up to 100 frames at every start
// offset modulo 8 samples, from fresh parts and from parts that already
// hold something.
func TestS24AVX2Short(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(21, 22))
	var fresh IntPart
	fresh.Reset()
	used := IntPart{Min: -5000, Max: 5000, Sum: 1 << 40, Sq: 1<<63 + 12345, SqHi: 3}
	for name, gen := range s24Patterns {
		for _, ch := range vectorChannels {
			n := 100*ch + 8
			b := make([]byte, 3*n)
			for i := range n {
				putS24(b, i, gen(rng, i))
			}
			for off := range 8 {
				for frames := 0; frames <= 100 && off+frames*ch <= n; frames++ {
					d := b[3*off : 3*(off+frames*ch)]
					checkS24Vector(t, name, d, ch, fresh)
					checkS24Vector(t, name, d, ch, used)
				}
			}
		}
	}
}

// TestS24AVX2Long covers runs past the assembly's flush of its 32-bit
// sums (every 128 iterations of 8 samples) with the values that bring
// those sums closest to overflowing, and a full MaxRun of frames.
func TestS24AVX2Long(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(23, 24))
	var fresh IntPart
	fresh.Reset()
	for _, name := range []string{"random", "min", "max", "split"} {
		gen := s24Patterns[name]
		for _, ch := range vectorChannels {
			for _, samples := range []int{8*128 + 8, 8*128*3 + 77, MaxRun * ch} {
				n := samples / ch * ch
				b := make([]byte, 3*n)
				for i := range n {
					putS24(b, i, gen(rng, i))
				}
				checkS24Vector(t, name, b, ch, fresh)
			}
		}
	}
}

// guarded returns size bytes of memory with an inaccessible page right
// before and right after them.
func guarded(t *testing.T, size int) []byte {
	t.Helper()
	ps := unix.Getpagesize()
	pages := (size + ps - 1) / ps
	mem, err := unix.Mmap(-1, 0, (pages+2)*ps, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { unix.Munmap(mem) })
	if err := unix.Mprotect(mem[:ps], unix.PROT_NONE); err != nil {
		t.Skip(err)
	}
	if err := unix.Mprotect(mem[(pages+1)*ps:], unix.PROT_NONE); err != nil {
		t.Skip(err)
	}
	return mem[(pages+1)*ps-size : (pages+1)*ps]
}

// TestS24AVX2Bounds puts the samples right before an inaccessible page,
// and right after one: a read past either end of the slice faults.
func TestS24AVX2Bounds(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2")
	}
	b := guarded(t, 3*4096)
	rng := rand.New(rand.NewPCG(25, 26))
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	var fresh IntPart
	fresh.Reset()
	for _, ch := range vectorChannels {
		for _, n := range []int{16, 17, 23, 24, 25, 31, 32, 33, 100, 4096} {
			n = n / ch * ch
			checkS24Vector(t, "at end", b[len(b)-3*n:], ch, fresh)
			checkS24Vector(t, "at start", b[:3*n], ch, fresh)
		}
	}
}

// sameLanes reports whether two float lane states are equal bit for bit,
// except that any NaN equals any other (their payloads depend on operand
// order, and every NaN reads the same in the statistics).
func sameLanes(a, b *floatLanes) bool {
	for k := range 4 {
		for _, pair := range [][2]float64{{a.mn[k], b.mn[k]}, {a.mx[k], b.mx[k]}, {a.s[k], b.s[k]}, {a.q[k], b.q[k]}} {
			if math.IsNaN(pair[0]) && math.IsNaN(pair[1]) {
				continue
			}
			if math.Float64bits(pair[0]) != math.Float64bits(pair[1]) {
				return false
			}
		}
	}
	return true
}

// checkF32Vector compares f32Vector on d with the scalar kernel, starting
// both from the lane state start.
func checkF32Vector(t *testing.T, what string, d []float32, ch int, start floatLanes) {
	t.Helper()
	checkVector(t, fmt.Sprintf("%s: %d samples, %d ch", what, len(d), ch), ch, start,
		haveAVX2 && (ch == 1 || ch == 2) && len(d) >= 8,
		func(l []floatLanes) { perChannel(d, ch, 4, l, floatLanesOf[float32]) },
		func(l []floatLanes) bool { return f32Vector(d, ch, l) }, sameLanes)
}

var f32Specials = []float32{0, float32(math.Copysign(0, -1)), 1, -1, 0.5, -0.5, float32(math.Inf(1)), float32(math.Inf(-1)),
	float32(math.NaN()), math.Float32frombits(0xffc00001), math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
	math.MaxFloat32, -math.MaxFloat32, 1e-40, -3e-39, 3.4e38, 0.1, -0.7}

var f32Patterns = map[string]func(rng *rand.Rand, i int) float32{
	"random": func(rng *rand.Rand, _ int) float32 { return float32(rng.NormFloat64() * 0.3) },
	"wide": func(rng *rand.Rand, _ int) float32 {
		return float32(rng.NormFloat64() * math.Exp2(float64(rng.IntN(200)-100)))
	},
	"special": func(rng *rand.Rand, _ int) float32 { return f32Specials[rng.IntN(len(f32Specials))] },
	"finite": func(rng *rand.Rand, _ int) float32 {
		for {
			if v := math.Float32frombits(rng.Uint32()); !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) {
				return v
			}
		}
	},
}

// TestF32AVX2Short covers every length up to 100 frames at every start
// offset modulo 8 samples, from fresh lanes and from lanes that already
// hold sums.
func TestF32AVX2Short(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(27, 28))
	var fresh floatLanes
	fresh.reset()
	used := floatLanes{mn: [4]float64{-0.25, -0.25, -0.25, -0.25}, mx: [4]float64{0.75, 0.75, 0.75, 0.75},
		s: [4]float64{1.5, -2.25, 1e10, 3e-5}, q: [4]float64{7, 1e-3, 12345.678, 0.1}}
	for name, gen := range f32Patterns {
		for _, ch := range []int{1, 2, 3} {
			n := 100*ch + 8
			d := make([]float32, n)
			for i := range d {
				d[i] = gen(rng, i)
			}
			for off := range 8 {
				for frames := 0; frames <= 100 && off+frames*ch <= n; frames++ {
					checkF32Vector(t, name, d[off:off+frames*ch], ch, fresh)
					checkF32Vector(t, name, d[off:off+frames*ch], ch, used)
				}
			}
		}
	}
}

// TestF32AVX2Long compares a full MaxRun of frames, and checks the
// bounds with guard pages on either side.
func TestF32AVX2Long(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(29, 30))
	var fresh floatLanes
	fresh.reset()
	for name, gen := range f32Patterns {
		for _, ch := range []int{1, 2} {
			d := make([]float32, MaxRun*ch)
			for i := range d {
				d[i] = gen(rng, i)
			}
			checkF32Vector(t, name, d, ch, fresh)
		}
	}
	b := guarded(t, 4*4096)
	g := unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), 4096)
	for i := range g {
		g[i] = float32(rng.NormFloat64())
	}
	for _, ch := range []int{1, 2} {
		for _, n := range []int{8, 9, 15, 16, 17, 100, 4096} {
			n = n / ch * ch
			checkF32Vector(t, "at end", g[len(g)-n:], ch, fresh)
			checkF32Vector(t, "at start", g[:n], ch, fresh)
		}
	}
}
