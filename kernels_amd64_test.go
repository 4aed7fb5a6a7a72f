//go:build amd64 && !goexperiment.simd && !purego && unix

package wavemap

import (
	"math/rand/v2"
	"testing"

	"golang.org/x/sys/unix"
)

// s16Scalar is the statistics of d by the scalar lane kernel alone.
func s16Scalar(d []int16, ch int) []intPart {
	p := make([]intPart, ch)
	for c := range p {
		p[c].reset()
	}
	perChannel(d, ch, 2, p, s16Lanes)
	return p
}

// checkS16Vector compares s16Vector on d with the scalar kernel: equal
// parts when it takes the case, parts left alone when it does not.
func checkS16Vector(t *testing.T, what string, d []int16, ch int) {
	t.Helper()
	want := s16Scalar(d, ch)
	got := make([]intPart, ch)
	for c := range got {
		got[c].reset()
	}
	took := s16Vector(d, ch, got)
	if wantTake := haveAVX2 && 16%ch == 0 && len(d) >= 32; took != wantTake {
		t.Fatalf("%s: %d samples, %d ch: s16Vector took it: %v, want %v", what, len(d), ch, took, wantTake)
	}
	if !took {
		for c := range got {
			var fresh intPart
			fresh.reset()
			if got[c] != fresh {
				t.Fatalf("%s: %d samples, %d ch: s16Vector declined but changed ch %d: %+v", what, len(d), ch, c, got[c])
			}
		}
		return
	}
	for c := range ch {
		if got[c] != want[c] {
			t.Fatalf("%s: %d samples, %d ch, ch %d: %+v, scalar %+v", what, len(d), ch, c, got[c], want[c])
		}
	}
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
	for name, gen := range s16Patterns {
		for _, ch := range s16Channels {
			for _, samples := range []int{flush, flush + 32, 2*flush - 32, 3*flush + 77, statChunk * ch} {
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
