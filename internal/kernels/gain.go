package kernels

import "math"

// Gain kernels: each applies a gain to a slice of samples in place, unless
// dry, and returns the number of samples clipped (for floats, the number
// of results past ±1). wavemap.Gain documents the arithmetic.

// IntGain holds what the integer gain kernels need: the factor, the step
// of the valid-bits grid (2^shift) and the clipping range in grid units.
// The AVX2 kernel reads its fields at fixed offsets (see
// kernels_amd64.s).
type IntGain struct {
	factor float64
	inv    float64 // 2^-shift
	shift  uint
	lo, hi float64
}

// NewIntGain returns the gain by factor of samples in a container of
// bits bits, validBits of them meaningful (0 for all).
func NewIntGain(factor float64, bits, validBits int) IntGain {
	v := bits
	if validBits > 0 && validBits < bits {
		v = validBits
	}
	s := uint(bits - v)
	return IntGain{
		factor: factor,
		inv:    1 / float64(uint64(1)<<s),
		shift:  s,
		lo:     -float64(uint64(1) << (v - 1)),
		hi:     float64(uint64(1)<<(v-1)) - 1,
	}
}

// Apply returns the gained value of x and whether it was clipped.
func (g *IntGain) Apply(x int32) (int32, bool) {
	r := math.RoundToEven(float64(float64(x)*g.factor) * g.inv)
	switch {
	case r > g.hi:
		return int32(g.hi) << g.shift, true
	case r < g.lo:
		return int32(g.lo) << g.shift, true
	}
	return int32(r) << g.shift, false
}

// CodeGain is the gain of an 8-bit encoding as a table over its 256
// codes.
type CodeGain struct {
	out  [256]uint8
	clip [256]uint8
}

// NewCodeGain tabulates g over the codes that dec decodes and enc
// encodes. A code whose value does not change keeps its code.
func NewCodeGain(dec func(uint8) int32, enc func(int32) uint8, g IntGain) *CodeGain {
	t := new(CodeGain)
	for c := range 256 {
		x := dec(uint8(c))
		v, clipped := g.Apply(x)
		t.out[c] = uint8(c)
		if v != x {
			t.out[c] = enc(v)
		}
		if clipped {
			t.clip[c] = 1
		}
	}
	return t
}

// Apply applies the gain to the codes d.
func (t *CodeGain) Apply(d []uint8, dry bool) (n int64) {
	for i, c := range d {
		n += int64(t.clip[c])
		if !dry {
			d[i] = t.out[c]
		}
	}
	return n
}

// NewGainS16 returns the s16 gain kernel for g in a pass over the given
// number of samples: the AVX2 kernel where the CPU has one; otherwise a
// table of all 65536 results when the pass is long enough to pay for it
// (from s16TableMin samples), else the direct computation. All three give
// the same results.
func NewGainS16(g IntGain, samples int64) func(d []int16, dry bool) (clipped int64) {
	if haveAVX2 && samples >= s16F32Min {
		if f, ok := NewF32Gain(g); ok { // twice as many samples per instruction
			return func(d []int16, dry bool) int64 {
				n, _ := s16GainF32Vector(d, f, dry)
				return n
			}
		}
	}
	if haveAVX2 { // exactly what the table gives, over twice as fast
		return func(d []int16, dry bool) int64 {
			n, _ := s16GainVector(d, &g, dry)
			return n
		}
	}
	if samples < s16TableMin {
		return func(d []int16, dry bool) int64 { return gainS16(d, &g, dry) }
	}
	t := newS16Table(&g)
	return t.apply
}

// s16F32Min is the number of samples from which NewGainS16 checks
// whether float32 arithmetic gives the same results (a check over all
// 65536 inputs, about a third of a millisecond).
const s16F32Min = 1 << 20

// F32Gain is an IntGain of s16 samples done in float32: the sample times
// the factor rounded to float32, rounded to the nearest whole number
// (ties to even) and clamped. For most factors that is not what Apply
// computes in float64 for every sample; NewF32Gain says where it is.
type F32Gain struct {
	factor, lo, hi float32 // the layout s16GainF32AVX2 reads
	g              IntGain // the same gain in float64, for the samples after the last 16
	// noClip is set when no s16 input clips (NewF32Gain saw them all):
	// the kernel then needs neither the clamp nor the count.
	noClip bool
}

// NewF32Gain returns g in float32 and true when the float32 result,
// value and clipping, equals g.Apply's for each of the 65536 s16 inputs
// (it checks them all): factors whose significand has at most 8 bits
// (0.5, 2, 0.75, ...) always do, as the product is then exact in both,
// and many others do too.
func NewF32Gain(g IntGain) (*F32Gain, bool) {
	f := float32(g.factor)
	if g.shift != 0 || g.lo != -32768 || g.hi != 32767 || math.IsInf(float64(f), 0) || f != f {
		return nil, false
	}
	fg := &F32Gain{factor: f, lo: -32768, hi: 32767, g: g}
	clips := false
	for x := math.MinInt16; x <= math.MaxInt16; x++ {
		want, wantClip := g.Apply(int32(x))
		got, gotClip := fg.apply(int16(x))
		if int32(got) != want || gotClip != wantClip {
			return nil, false
		}
		clips = clips || gotClip
	}
	fg.noClip = !clips
	return fg, true
}

// apply is what s16GainF32AVX2 does to one sample.
func (g *F32Gain) apply(x int16) (int16, bool) {
	p := float32(float32(x) * g.factor)
	r := float32(math.RoundToEven(float64(p))) // p is a float32: exact
	switch {
	case r > g.hi:
		return int16(g.hi), true
	case r < g.lo:
		return int16(g.lo), true
	}
	return int16(r), false
}

// s16TableMin is the number of samples from which the s16 gain computes
// the result of all 65536 values once, in a table, and then only looks
// samples up: building the table costs as much as about this many direct
// computations.
const s16TableMin = 1 << 17

// s16Table maps each s16 value (as uint16) to its gained value in the low
// 16 bits, with bit 16 set when it was clipped.
type s16Table [1 << 16]uint32

func newS16Table(g *IntGain) *s16Table {
	t := new(s16Table)
	for x := range t {
		y, clipped := g.Apply(int32(int16(x)))
		t[x] = uint32(uint16(y))
		if clipped {
			t[x] |= 1 << 16
		}
	}
	return t
}

func (t *s16Table) apply(d []int16, dry bool) int64 {
	var n0, n1 uint
	if dry {
		for _, x := range d {
			n0 += uint(t[uint16(x)] >> 16)
		}
		return int64(n0)
	}
	i := 0
	for ; i+2 <= len(d); i += 2 {
		e0, e1 := t[uint16(d[i])], t[uint16(d[i+1])]
		d[i], d[i+1] = int16(e0), int16(e1)
		n0 += uint(e0 >> 16)
		n1 += uint(e1 >> 16)
	}
	if i < len(d) {
		e := t[uint16(d[i])]
		d[i] = int16(e)
		n0 += uint(e >> 16)
	}
	return int64(n0) + int64(n1)
}

func gainS16(d []int16, g *IntGain, dry bool) (n int64) {
	for i, x := range d {
		y, c := g.Apply(int32(x))
		if c {
			n++
		}
		if !dry {
			d[i] = int16(y)
		}
	}
	return n
}

// GainS24 applies g to the packed 24-bit samples whose bytes are d.
func GainS24(d []byte, g *IntGain, dry bool) (n int64) {
	for i := 0; i+3 <= len(d); i += 3 {
		s := d[i : i+3 : i+3]
		y, c := g.Apply(s24(s))
		if c {
			n++
		}
		if !dry {
			s[0], s[1], s[2] = byte(y), byte(y>>8), byte(y>>16)
		}
	}
	return n
}

// GainS32 applies g to the s32 samples d.
func GainS32(d []int32, g *IntGain, dry bool) (n int64) {
	for i, x := range d {
		y, c := g.Apply(x)
		if c {
			n++
		}
		if !dry {
			d[i] = y
		}
	}
	return n
}

// GainF32 multiplies the float32 samples d by factor, in float64, and
// counts the results past ±1.
func GainF32(d []float32, factor float64, dry bool) int64 {
	if n, ok := f32GainVector(d, factor, dry); ok {
		return n
	}
	return gainF32(d, factor, dry)
}

func gainF32(d []float32, factor float64, dry bool) (n int64) {
	for i, x := range d {
		y := float32(float64(x) * factor)
		if y > 1 || y < -1 {
			n++
		}
		if !dry {
			d[i] = y
		}
	}
	return n
}

// GainF64 is GainF32 for float64 samples.
func GainF64(d []float64, factor float64, dry bool) (n int64) {
	for i, x := range d {
		y := x * factor
		if y > 1 || y < -1 {
			n++
		}
		if !dry {
			d[i] = y
		}
	}
	return n
}
