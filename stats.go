package wavemap

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"sync"

	"github.com/wavemap/wavemap/internal/kernels"
)

// ChannelStats holds one channel's statistics over a whole pass, in the
// float scale of Convert: an integer sample x of a b-bit container counts
// as x / 2^(b-1) (b the container size, whatever Format.ValidBits says),
// u8 samples are re-centred on 128 first, and A-law and mu-law codes are
// decoded to 16-bit values per G.711 and scaled as s16.
//
// For integer encodings every field comes from exact integer arithmetic
// (128-bit sums of samples and of squares), rounded once at the end, so
// the result does not depend on the number of workers or the block size.
// For float encodings the sums are taken in float64 over fixed runs of
// statChunk frames at fixed positions in the file, and those partial sums
// are added exactly: the result is reproducible, independent of the
// number of workers, and of PassOptions.BlockFrames when it is a multiple
// of 65536 (the default is).
//
// A NaN sample makes Min, Max, Peak, DC and RMS NaN (and counts as
// at full scale). Infinite samples give infinite Min/Max/Peak/RMS and an
// infinite or NaN DC. An empty channel has every field zero.
type ChannelStats struct {
	Min, Max float64 // smallest and largest sample
	Peak     float64 // max(|Min|, |Max|)
	RMS      float64 // sqrt(mean of squares)
	DC       float64 // mean
	// FullScale counts the samples at the encoding's extreme values: for
	// integers, the smallest code or the largest code (the largest code
	// that Format.ValidBits allows, for files with ValidBits set; for
	// A-law and mu-law the codes that decode to the largest magnitude);
	// for floats, samples with |x| >= 1 and NaNs. Such samples may or
	// may not have clipped: a gain that clipped leaves them, and so does a
	// signal that reaches full scale cleanly.
	FullScale int64
	Samples   int64 // samples in this channel
}

// PeakDB returns the peak level in dBFS (20*log10(Peak)), -Inf for
// silence.
func (s ChannelStats) PeakDB() float64 { return 20 * math.Log10(s.Peak) }

// RMSDB returns the RMS level in dBFS (20*log10(RMS)), -Inf for silence.
// A full-scale sine wave measures about -3.01 dBFS.
func (s ChannelStats) RMSDB() float64 { return 20 * math.Log10(s.RMS) }

// Measure computes the statistics of every channel of f over all its
// frames, in one pass over the mapping on all cores (opts.Workers,
// opts.BlockFrames and opts.Progress apply; nil means the defaults). It
// returns one ChannelStats per channel. The file is only read, so any
// Mode will do. A memory fault (the file truncated by another process)
// is returned as a *FaultError; when ctx is done the pass stops with an
// error wrapping ctx.Err().
func Measure(ctx context.Context, f *File, opts *PassOptions) ([]ChannelStats, error) {
	if f == nil {
		return nil, fmt.Errorf("wavemap: Measure of a nil *File: %w", ErrArgument)
	}
	if f.closed {
		return nil, ErrClosed
	}
	k, err := kindFor(f.Format().Encoding)
	if err != nil {
		return nil, err
	}
	return k.measure(newPassRun(ctx, opts), f)
}

func measureFile[T Sample](p *passRun, f *File) ([]ChannelStats, error) {
	m, err := FramesOf[T](f)
	if err != nil {
		return nil, err
	}
	ms := newMeasurer(m, f.Format().ValidBits)
	// Integer sums are exact wherever a block is cut; float runs must
	// stay the statChunk runs of the mapped pass.
	quantum := 1
	if f.Format().Encoding.IsFloat() {
		quantum = statChunk
	}
	if err := readPass(p, f, m, quantum, ms.block); err != nil {
		return nil, err
	}
	return ms.result(), nil
}

// MeasureFrames is Measure over any Frames view, such as one in memory or a
// Slice of a file's frames. The clipping limits are those of the full
// container (there is no Format to give ValidBits).
func MeasureFrames[T Sample](ctx context.Context, m Frames[T], opts *PassOptions) ([]ChannelStats, error) {
	if m.Channels < 1 || len(m.Data)%m.Channels != 0 {
		return nil, fmt.Errorf("%w: %d samples do not make whole frames of %d channels", ErrArgument, len(m.Data), m.Channels)
	}
	ms := newMeasurer(m, 0)
	if err := filePass(newPassRun(ctx, opts), nil, m, ms.block); err != nil {
		return nil, err
	}
	return ms.result(), nil
}

// statChunk is the run of frames a kernel sums in one go. Runs start at
// multiples of statChunk in the view, so float partial sums do not depend
// on how the pass cut the view into blocks (when blocks are multiples of
// statChunk). 2^16 frames keep every integer partial sum inside 64 bits:
// s24 squares are below 2^46.
const statChunk = 1 << 16

// intAcc accumulates a channel's integer statistics exactly: the sum as a
// two's complement 128-bit integer, the sum of squares as an unsigned one.
type intAcc struct {
	min, max     int32
	sumHi        uint64
	sumLo        uint64
	sqHi, sqLo   uint64
	clipped, num int64
}

func (a *intAcc) init(num int64) { *a = intAcc{min: math.MaxInt32, max: math.MinInt32, num: num} }

func (a *intAcc) addPart(p *kernels.IntPart, clipped int64) {
	a.clipped += clipped
	a.min = min(a.min, p.Min)
	a.max = max(a.max, p.Max)
	var c uint64
	a.sumLo, c = bits.Add64(a.sumLo, uint64(p.Sum), 0)
	a.sumHi += c + uint64(p.Sum>>63) // sign extension of p.Sum
	a.sqLo, c = bits.Add64(a.sqLo, p.Sq, 0)
	a.sqHi += c + p.SqHi
}

func (a *intAcc) merge(b *intAcc) {
	a.min = min(a.min, b.min)
	a.max = max(a.max, b.max)
	var c uint64
	a.sumLo, c = bits.Add64(a.sumLo, b.sumLo, 0)
	a.sumHi += b.sumHi + c
	a.sqLo, c = bits.Add64(a.sqLo, b.sqLo, 0)
	a.sqHi += b.sqHi + c
	a.clipped += b.clipped
	a.num += b.num
}

// stats converts the exact sums into ChannelStats, dividing by scale
// (2^(bits-1)).
func (a *intAcc) stats(scale float64) ChannelStats {
	s := ChannelStats{FullScale: a.clipped, Samples: a.num}
	if a.num == 0 {
		return s
	}
	s.Min = float64(a.min) / scale
	s.Max = float64(a.max) / scale
	s.Peak = max(math.Abs(s.Min), math.Abs(s.Max))
	// Quotients rounded once, straight to float64's 53 bits.
	n := new(big.Float).SetInt64(a.num)
	s.DC, _ = new(big.Float).SetPrec(53).Quo(int128Float(a.sumHi, a.sumLo, true), n).Float64()
	s.DC /= scale
	ms, _ := new(big.Float).SetPrec(53).Quo(int128Float(a.sqHi, a.sqLo, false), n).Float64()
	s.RMS = math.Sqrt(ms) / scale
	return s
}

// int128Float returns hi:lo as an exact big.Float, signed (two's
// complement) or not.
func int128Float(hi, lo uint64, signed bool) *big.Float {
	neg := signed && int64(hi) < 0
	if neg {
		lo = -lo
		hi = ^hi
		if lo == 0 {
			hi++
		}
	}
	x := new(big.Int).SetUint64(hi)
	x.Lsh(x, 64)
	x.Or(x, new(big.Int).SetUint64(lo))
	if neg {
		x.Neg(x)
	}
	return new(big.Float).SetPrec(130).SetInt(x)
}

// exactSum adds float64 values without rounding, so the order of the
// additions cannot change the result. Infinities and NaNs are tracked
// apart (big.Float cannot add +Inf and -Inf).
type exactSum struct {
	v                  *big.Float
	posInf, negInf, na bool
}

// exactPrec covers every float64 (2^-1074 to 2^1024) with 64 bits of
// headroom for carries, so no sum of float64 values is ever rounded.
const exactPrec = 1074 + 1024 + 64 + 2

func (e *exactSum) add(x float64) {
	switch {
	case x != x:
		e.na = true
	case math.IsInf(x, 1):
		e.posInf = true
	case math.IsInf(x, -1):
		e.negInf = true
	case x != 0:
		if e.v == nil {
			e.v = new(big.Float).SetPrec(exactPrec)
		}
		e.v.Add(e.v, new(big.Float).SetFloat64(x))
	}
}

func (e *exactSum) merge(o *exactSum) {
	e.posInf = e.posInf || o.posInf
	e.negInf = e.negInf || o.negInf
	e.na = e.na || o.na
	if o.v != nil {
		if e.v == nil {
			e.v = new(big.Float).SetPrec(exactPrec)
		}
		e.v.Add(e.v, o.v)
	}
}

// mean returns the sum divided by n, rounded once.
func (e *exactSum) mean(n int64) float64 {
	switch {
	case e.na || e.posInf && e.negInf:
		return math.NaN()
	case e.posInf:
		return math.Inf(1)
	case e.negInf:
		return math.Inf(-1)
	case e.v == nil:
		return 0
	}
	q := new(big.Float).SetPrec(53).Quo(e.v, new(big.Float).SetInt64(n))
	f, _ := q.Float64()
	return f
}

// floatAcc accumulates a channel's float statistics.
type floatAcc struct {
	min, max     float64
	sum, sq      exactSum
	clipped, num int64
}

func (a *floatAcc) init(num int64) { *a = floatAcc{min: math.Inf(1), max: math.Inf(-1), num: num} }

func (a *floatAcc) addPart(p *kernels.FloatPart, clipped int64) {
	a.clipped += clipped
	a.min = min(a.min, p.Min)
	a.max = max(a.max, p.Max)
	a.sum.add(p.Sum)
	a.sq.add(p.Sq)
}

func (a *floatAcc) merge(b *floatAcc) {
	a.min = min(a.min, b.min)
	a.max = max(a.max, b.max)
	a.sum.merge(&b.sum)
	a.sq.merge(&b.sq)
	a.clipped += b.clipped
	a.num += b.num
}

func (a *floatAcc) stats() ChannelStats {
	s := ChannelStats{FullScale: a.clipped, Samples: a.num}
	if a.num == 0 {
		return s
	}
	// A NaN sample makes the sum of squares NaN, and nothing else does
	// (squares are never negative, so no Inf - Inf).
	if a.sq.na {
		nan := math.NaN()
		s.Min, s.Max, s.Peak, s.DC, s.RMS = nan, nan, nan, nan, nan
		return s
	}
	s.Min, s.Max = a.min, a.max
	s.Peak = max(math.Abs(s.Min), math.Abs(s.Max))
	s.DC = a.sum.mean(a.num)
	s.RMS = math.Sqrt(a.sq.mean(a.num))
	return s
}

// measurer runs Measure over a view of T: block is the per-block
// callback, result the final reduction.
type measurer[T Sample] interface {
	block(start int, b Frames[T]) error
	result() []ChannelStats
}

// accumulator is one channel's running statistics (*intAcc, *floatAcc),
// fed with the kernel's parts P.
type accumulator[P, A any] interface {
	*A
	init(num int64)
	addPart(p *P, clipped int64)
	merge(b *A)
}

// statFuncs are the kernel and arithmetic of one kind of statistics:
// integer parts and exact 128-bit sums, or float parts and exact
// big.Float sums.
type statFuncs[T Sample, P, A any] struct {
	kernel func(run []T, ch int, p []P)
	reset  func(p *P)
	// clipped counts the clipped samples of channel c of the run, given
	// its part (a kernel's min and max tell when there can be none).
	clipped func(run []T, ch, c int, p *P) int64
	final   func(a *A) ChannelStats
}

// statPass is the measurer over statFuncs.
type statPass[T Sample, P, A any, PA accumulator[P, A]] struct {
	statFuncs[T, P, A]
	ch    int
	mu    sync.Mutex
	total []A
}

func newStatPass[T Sample, P, A any, PA accumulator[P, A]](ch int, fn statFuncs[T, P, A]) *statPass[T, P, A, PA] {
	sp := &statPass[T, P, A, PA]{statFuncs: fn, ch: ch, total: make([]A, ch)}
	for c := range sp.total {
		PA(&sp.total[c]).init(0)
	}
	return sp
}

func newMeasurer[T Sample](m Frames[T], validBits int) measurer[T] {
	if ms, ok := swappedMeasurer[T](m.Channels, validBits); ok {
		return ms
	}
	enc := encodingOf[T]()
	if enc.IsFloat() {
		return newStatPass[T, kernels.FloatPart, floatAcc](m.Channels, statFuncs[T, kernels.FloatPart, floatAcc]{
			kernel: floatKernel[T],
			reset:  (*kernels.FloatPart).Reset,
			clipped: func(run []T, ch, c int, p *kernels.FloatPart) int64 {
				if p.Max >= 1 || p.Min <= -1 || p.Sq != p.Sq {
					return countClippedFloat(run, ch, c)
				}
				return 0
			},
			final: (*floatAcc).stats,
		})
	}
	lo, hi, scale := intLimits(enc, validBits)
	return newStatPass[T, kernels.IntPart, intAcc](m.Channels, statFuncs[T, kernels.IntPart, intAcc]{
		kernel: intKernel[T],
		reset:  (*kernels.IntPart).Reset,
		clipped: func(run []T, ch, c int, p *kernels.IntPart) int64 {
			if p.Min <= lo || p.Max >= hi {
				return countClippedInt(run, ch, c, lo, hi)
			}
			return 0
		},
		final: func(a *intAcc) ChannelStats { return a.stats(scale) },
	})
}

// intLimits returns the smallest and largest decoded code of an integer
// encoding (the largest allowed by validBits, if set) and the scale
// 2^(bits-1) of its container.
func intLimits(enc Encoding, validBits int) (lo, hi int32, scale float64) {
	switch enc {
	case EncodingALaw:
		lo, hi = tableLimits(&alawDecode)
		return lo, hi, 1 << 15
	case EncodingMuLaw:
		lo, hi = tableLimits(&mulawDecode)
		return lo, hi, 1 << 15
	}
	b := enc.Bits()
	lo = -1 << (b - 1)
	hi = 1<<(b-1) - 1
	if validBits > 0 && validBits < b {
		hi = (1<<(validBits-1) - 1) << (b - validBits)
	}
	return lo, hi, float64(int64(1) << (b - 1))
}

// tableLimits returns the smallest and largest value of a G.711 table.
func tableLimits(t *[256]int16) (lo, hi int32) {
	lo, hi = math.MaxInt32, math.MinInt32
	for _, v := range t {
		lo = min(lo, int32(v))
		hi = max(hi, int32(v))
	}
	return lo, hi
}

func (sp *statPass[T, P, A, PA]) block(start int, b Frames[T]) error {
	ch := sp.ch
	n := b.Len()
	acc := make([]A, ch)
	parts := make([]P, ch)
	for c := range acc {
		PA(&acc[c]).init(int64(n))
	}
	for i := 0; i < n; {
		j := min(n, (start+i)/statChunk*statChunk+statChunk-start)
		run := b.Data[i*ch : j*ch]
		for c := range parts {
			sp.reset(&parts[c])
		}
		sp.kernel(run, ch, parts)
		for c := range parts {
			PA(&acc[c]).addPart(&parts[c], sp.clipped(run, ch, c, &parts[c]))
		}
		i = j
	}
	sp.mu.Lock()
	for c := range acc {
		PA(&sp.total[c]).merge(&acc[c])
	}
	sp.mu.Unlock()
	return nil
}

func (sp *statPass[T, P, A, PA]) result() []ChannelStats {
	out := make([]ChannelStats, sp.ch)
	for c := range out {
		out[c] = sp.final(&sp.total[c])
	}
	return out
}
