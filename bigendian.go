package wavemap

import (
	"math"
	"slices"
	"sync"
	"unsafe"

	"github.com/wavemap/wavemap/internal/kernels"
)

// Big-endian samples, as RIFX files (big-endian RIFF, written by old Mac
// and SGI tools and by sox -B) store them. Each storage type is the bytes
// of one sample in file order, so that a slice of it can be mapped over
// the file on any CPU; its methods convert on the way in and out, as
// Int24's do. Every pass (Measure, Gain, Transcode, Overview ...) and
// Convert take them: they swap the bytes into the native type in blocks
// and run its kernels. u8, A-law and mu-law samples are one byte and
// have no byte order: a RIFX file of them uses uint8, ALaw and MuLaw.

// Int16BE is one big-endian signed 16-bit sample (s16be), as stored in a
// RIFX file.
type Int16BE [2]byte

// Int24BE is one packed big-endian signed 24-bit sample (s24be).
type Int24BE [3]byte

// Int32BE is one big-endian signed 32-bit sample (s32be).
type Int32BE [4]byte

// Float32BE is one big-endian IEEE 754 single-precision sample (f32be).
type Float32BE [4]byte

// Float64BE is one big-endian IEEE 754 double-precision sample (f64be).
type Float64BE [8]byte

// Int16 returns the sample's value.
func (s Int16BE) Int16() int16 { return int16(uint16(s[0])<<8 | uint16(s[1])) }

// Int16BEFrom returns v as an Int16BE.
func Int16BEFrom(v int16) Int16BE { return Int16BE{byte(uint16(v) >> 8), byte(v)} }

// Set stores v.
func (s *Int16BE) Set(v int16) { *s = Int16BEFrom(v) }

// Int32 returns the sample's value, sign-extended.
func (s Int24BE) Int32() int32 {
	return int32(uint32(s[2])<<8|uint32(s[1])<<16|uint32(s[0])<<24) >> 8
}

// Int24BEFrom returns v as an Int24BE, clipped to [MinInt24, MaxInt24].
func Int24BEFrom(v int32) Int24BE {
	v = max(MinInt24, min(v, MaxInt24))
	return Int24BE{byte(v >> 16), byte(v >> 8), byte(v)}
}

// Set stores v, clipped to [MinInt24, MaxInt24].
func (s *Int24BE) Set(v int32) { *s = Int24BEFrom(v) }

// Int32 returns the sample's value.
func (s Int32BE) Int32() int32 {
	return int32(uint32(s[0])<<24 | uint32(s[1])<<16 | uint32(s[2])<<8 | uint32(s[3]))
}

// Int32BEFrom returns v as an Int32BE.
func Int32BEFrom(v int32) Int32BE {
	u := uint32(v)
	return Int32BE{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)}
}

// Set stores v.
func (s *Int32BE) Set(v int32) { *s = Int32BEFrom(v) }

// Float32 returns the sample's value.
func (s Float32BE) Float32() float32 {
	return math.Float32frombits(uint32(s[0])<<24 | uint32(s[1])<<16 | uint32(s[2])<<8 | uint32(s[3]))
}

// Float32BEFrom returns v as a Float32BE.
func Float32BEFrom(v float32) Float32BE {
	u := math.Float32bits(v)
	return Float32BE{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)}
}

// Set stores v.
func (s *Float32BE) Set(v float32) { *s = Float32BEFrom(v) }

// Float64 returns the sample's value.
func (s Float64BE) Float64() float64 {
	var u uint64
	for _, b := range s {
		u = u<<8 | uint64(b)
	}
	return math.Float64frombits(u)
}

// Float64BEFrom returns v as a Float64BE.
func Float64BEFrom(v float64) Float64BE {
	u := math.Float64bits(v)
	var s Float64BE
	for i := range s {
		s[i] = byte(u >> (56 - 8*i))
	}
	return s
}

// Set stores v.
func (s *Float64BE) Set(v float64) { *s = Float64BEFrom(v) }

// hostOrder reports whether the bytes of a T are in the CPU's byte order
// (int16, int32, float32, float64), as opposed to a fixed one: byte
// arrays (Int24 and the big-endian types) and single bytes.
func hostOrder[T Sample]() bool {
	var z T
	return unsafe.Alignof(z) > 1
}

// swapSamples stores the samples of src, of one encoding, into dst, of
// the same encoding in the other byte order (Int16BE and int16, Int24BE
// and Int24 ...), len(src) of them: a byte reversal of each, or a copy
// where the CPU's byte order already is the other one.
func swapSamples[D, S Sample](dst []D, src []S) {
	var z S
	swapBytes(sampleBytes(dst[:len(src)]), sampleBytes(src), int(unsafe.Sizeof(z)))
}

// swapBytes is swapSamples on the bytes of size-byte samples.
func swapBytes(d, s []byte, size int) {
	if !hostLittleEndian && size != 3 {
		copy(d, s) // a big-endian CPU holds int16 ... as the file does
		return
	}
	swapFn(size)(d, s)
}

// swapFn returns the kernel that reverses the bytes of size-byte values.
func swapFn(size int) func(d, s []byte) {
	switch size {
	case 2:
		return kernels.Swap16
	case 3:
		return kernels.Swap24
	case 4:
		return kernels.Swap32
	}
	return kernels.Swap64
}

// Faster swaps for work that does not care where a sample lands. The
// 8-byte swap is cheaper than the 2-byte one (one instruction a word
// against five): reversing whole words swaps the bytes of every sample
// and reverses the order of the samples within each word.

// scrambleBytes is swapBytes for elementwise work (a gain): the samples
// of each 8 bytes may come out in reverse order, and scrambleBytes of
// the result puts them back.
func scrambleBytes(d, s []byte, size int) {
	if !hostLittleEndian || size == 3 || size == 8 {
		swapBytes(d, s, size)
		return
	}
	n := len(s) &^ 7
	kernels.Swap64(d[:n], s[:n])
	swapFn(size)(d[n:len(s)], s[n:])
}

// frameSwap returns how a measure of ch channels of size-byte samples
// (integers if integer) swaps its blocks, and whether the channels of
// every frame then come out in reverse order: reversing the bytes of a
// whole 4- or 8-byte frame swaps each sample and reverses the channels,
// and the samples of one integer channel may be summed in any order.
func frameSwap(size, ch int, integer bool) (swap func(d, s []byte), reversed bool) {
	switch frame := size * ch; {
	case !hostLittleEndian || size == 3:
	case ch == 1 && integer:
		return func(d, s []byte) { scrambleBytes(d, s, size) }, false
	case ch > 1 && (frame == 4 || frame == 8):
		return swapFn(frame), true
	}
	return func(d, s []byte) { swapBytes(d, s, size) }, false
}

// swapBlock is the number of samples the byte-order conversions swap
// into a native buffer at a time.
const swapBlock = 1024

// convertByteOrder is ConvertScaled for pairs with a big-endian side: the
// samples go through the native type of the same encoding in blocks. It
// reports false when neither side is big-endian.
func convertByteOrder[D, S Sample](dst []D, src []S, sc Scaling) (clipped int, ok bool) {
	switch s := any(src).(type) {
	case []Int16BE:
		return fromBigEndian[D, int16](dst, s, sc), true
	case []Int24BE:
		return fromBigEndian[D, Int24](dst, s, sc), true
	case []Int32BE:
		return fromBigEndian[D, int32](dst, s, sc), true
	case []Float32BE:
		return fromBigEndian[D, float32](dst, s, sc), true
	case []Float64BE:
		return fromBigEndian[D, float64](dst, s, sc), true
	}
	switch d := any(dst).(type) {
	case []Int16BE:
		return toBigEndian[int16](d, src, sc), true
	case []Int24BE:
		return toBigEndian[Int24](d, src, sc), true
	case []Int32BE:
		return toBigEndian[int32](d, src, sc), true
	case []Float32BE:
		return toBigEndian[float32](d, src, sc), true
	case []Float64BE:
		return toBigEndian[float64](d, src, sc), true
	}
	return 0, false
}

// fromBigEndian converts big-endian samples src to dst through N, their
// native type.
func fromBigEndian[D, N, B Sample](dst []D, src []B, sc Scaling) (clipped int) {
	if d, ok := any(dst).([]N); ok {
		swapSamples(d, src)
		return 0
	}
	var buf [swapBlock]N
	for i := 0; i < len(src); i += swapBlock {
		j := min(i+swapBlock, len(src))
		t := buf[:j-i]
		swapSamples(t, src[i:j])
		_, c := ConvertScaled(dst[i:j], t, sc)
		clipped += c
	}
	return clipped
}

// toBigEndian converts src to big-endian samples dst through N, their
// native type.
func toBigEndian[N, B, S Sample](dst []B, src []S, sc Scaling) (clipped int) {
	if s, ok := any(src).([]N); ok {
		swapSamples(dst, s)
		return 0
	}
	var buf [swapBlock]N
	for i := 0; i < len(src); i += swapBlock {
		j := min(i+swapBlock, len(src))
		t := buf[:j-i]
		_, c := ConvertScaled(t, src[i:j], sc)
		clipped += c
		swapSamples(dst[i:j], t)
	}
	return clipped
}

// swappedMeasurer returns Measure's measurer for big-endian samples T,
// and false for any other T.
func swappedMeasurer[T Sample](ch, validBits int) (measurer[T], bool) {
	var ms any
	switch any(*new(T)).(type) {
	case Int16BE:
		ms = newSwapMeasurer[Int16BE, int16](ch, validBits)
	case Int24BE:
		ms = newSwapMeasurer[Int24BE, Int24](ch, validBits)
	case Int32BE:
		ms = newSwapMeasurer[Int32BE, int32](ch, validBits)
	case Float32BE:
		ms = newSwapMeasurer[Float32BE, float32](ch, validBits)
	case Float64BE:
		ms = newSwapMeasurer[Float64BE, float64](ch, validBits)
	default:
		return nil, false
	}
	return ms.(measurer[T]), true
}

// swapMeasurer measures big-endian samples B: each block is swapped into
// a buffer of N, the native type, in runs, which N's measurer takes.
type swapMeasurer[B, N Sample] struct {
	inner    measurer[N]
	ch, run  int
	swap     func(d, s []byte) // see frameSwap
	reversed bool              // swap reverses the channels of each frame
	pool     sync.Pool         // *[]N of run*ch samples
}

// newSwapMeasurer returns the measurer of ch channels of B. Its runs are
// the ones Measure sums in float64 (statChunk frames, at multiples of
// statChunk), so that big-endian audio measures exactly as the same audio
// little-endian, unless that takes more than 16 MiB; then as many frames
// as 1 MiB holds.
func newSwapMeasurer[B, N Sample](ch, validBits int) *swapMeasurer[B, N] {
	var z N
	size := int(unsafe.Sizeof(z))
	run := statChunk
	if statChunk*ch*size > 16<<20 {
		run = max(1, (1<<20)/(ch*size))
	}
	s := &swapMeasurer[B, N]{inner: newMeasurer(Frames[N]{Channels: ch}, validBits), ch: ch, run: run}
	s.swap, s.reversed = frameSwap(size, ch, !encodingOf[N]().IsFloat())
	s.pool.New = func() any { b := make([]N, run*ch); return &b }
	return s
}

func (s *swapMeasurer[B, N]) block(start int, b Frames[B]) error {
	bp := s.pool.Get().(*[]N)
	defer s.pool.Put(bp)
	ch, run := s.ch, s.run
	for i, n := 0, b.Len(); i < n; {
		j := min(n, (start+i)/run*run+run-start) // runs at multiples of run
		t := (*bp)[:(j-i)*ch]
		s.swap(sampleBytes(t), sampleBytes(b.Data[i*ch:j*ch]))
		if err := s.inner.block(start+i, Frames[N]{Data: t, Channels: ch}); err != nil {
			return err
		}
		i = j
	}
	return nil
}

func (s *swapMeasurer[B, N]) result() []ChannelStats {
	r := s.inner.result()
	if s.reversed {
		slices.Reverse(r)
	}
	return r
}

// swappedGain returns Gain's in-place kernel for big-endian samples T
// (see gainKernel), and false for any other T.
func swappedGain[T Sample](format Format, factor float64, dry bool, samples int64) (func([]T) int64, bool) {
	var k any
	switch any(*new(T)).(type) {
	case Int16BE:
		k = swapGain[Int16BE](gainKernel[int16](format, factor, dry, samples), dry)
	case Int24BE:
		k = swapGain[Int24BE](gainKernel[Int24](format, factor, dry, samples), dry)
	case Int32BE:
		k = swapGain[Int32BE](gainKernel[int32](format, factor, dry, samples), dry)
	case Float32BE:
		k = swapGain[Float32BE](gainKernel[float32](format, factor, dry, samples), dry)
	case Float64BE:
		k = swapGain[Float64BE](gainKernel[float64](format, factor, dry, samples), dry)
	default:
		return nil, false
	}
	return k.(func([]T) int64), true
}

// swapGain runs the gain kernel of the native type N over big-endian
// samples B: each piece is swapped into a buffer, changed there and (unless
// dry) swapped back. The kernel works sample by sample, so the swap may
// scramble the order (scrambleBytes).
func swapGain[B, N Sample](native func([]N) int64, dry bool) func([]B) int64 {
	var z B
	size := int(unsafe.Sizeof(z))
	return func(d []B) (clipped int64) {
		var buf [swapBlock]N
		for i := 0; i < len(d); i += swapBlock {
			j := min(i+swapBlock, len(d))
			t := buf[:j-i]
			scrambleBytes(sampleBytes(t), sampleBytes(d[i:j]), size)
			clipped += native(t)
			if !dry {
				scrambleBytes(sampleBytes(d[i:j]), sampleBytes(t), size)
			}
		}
		return clipped
	}
}
