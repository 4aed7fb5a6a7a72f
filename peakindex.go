package wavemap

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"sync"
	"unsafe"

	"github.com/wavemap/wavemap/internal/kernels"
	"github.com/wavemap/wavemap/internal/mmap"
)

// A min/max pyramid: waveform data for any window at any zoom, without
// reading the whole file again.
//
// Level 0 holds, for each run of BaseFrames frames (the last run may be
// shorter) and for each channel, the smallest and the largest sample of
// that run; level L+1 merges pairs of neighbouring entries of level L, up
// to a level of one entry. Values are kept in the source's own
// resolution, so that every answer is exact: int16 for u8 (as u-128),
// s16, A-law and mu-law (decoded per G.711), int32 for s24 and s32, and
// float32 or float64 for f32 and f64 files (NaN samples are left out).
// The whole pyramid takes about 2 × 2 × size of a value bytes per channel
// and BaseFrames frames: 1/64 of an s16 file's audio with the default 256,
// 1/48 of an s24 file's.
//
// OpenPeaks builds it in one parallel pass over the mapping (or reads it
// from its cache file), and Window answers any window from it: each pixel
// is the union of at most two entries per level (coarsest first: the
// decomposition of a segment tree) and of the samples at its two ragged
// ends, which are read from the mapped audio only when the entry they lie
// in reaches beyond the rest of the pixel's range. Pixels narrower than
// two base entries are read from the mapped samples directly.
//
// # The cache file
//
// The pyramid is kept in a cache folder, not beside the audio: audio is
// often kept in read-only or shared folders (archives, network shares,
// other users' folders) where a file beside it could not be written, or
// would be seen and copied by everyone, and a cache folder is one place
// to clear. The folder is PeakIndexOptions.CacheDir, by default "wavemap"
// in os.UserCacheDir ($XDG_CACHE_HOME/wavemap, or ~/.cache/wavemap, on
// Linux; ~/Library/Caches/wavemap on macOS; %LocalAppData%\wavemap on
// Windows). The file is named after the audio file's base name, a hash
// of its absolute path and the base resolution ("take.wav-
// 3f2a...-b256.peaks"), and its header records the audio's size,
// modification time, data offset, format and frame count and a checksum
// of the first and last 64 KiB of its samples: when any of them differs
// the pyramid is built again and the file replaced, so an edited file
// (written, appended to, touched) is never answered from stale data.
// (An edit that keeps the size and the modification time, and changes
// nothing in the first and last 64 KiB of the samples, is not seen.)
//
// The file is written through internal/atomicfile: under a temporary
// name, synced, then renamed over the old one, so a reader never sees
// half of one. It is read back with checks before it is used: its magic,
// version, byte order and every size must be the expected ones and the
// checksums (CRC-32C of the header and of the levels) must match;
// anything else, including a file that is truncated, is rebuilt and
// replaced, never trusted. A valid file is mapped read-only, so opening
// the pyramid of a long file costs a checksum over a few MiB and no heap.
// The byte order is the machine's: a cache file moved to a machine of the
// other order is rebuilt. When the folder cannot be written, the pyramid
// is kept in memory and CacheError says why.

// DefaultPeakBase is the base resolution of a pyramid, in frames per
// entry, when PeakIndexOptions give none: BBC audiowaveform's default
// zoom.
const DefaultPeakBase = 256

// MaxWindowPixels is the most pixels one Window call answers.
const MaxWindowPixels = 1 << 24

// PeakIndexOptions adjust OpenPeaks. A nil pointer means the defaults.
type PeakIndexOptions struct {
	// BaseFrames is the number of frames of one entry of the finest
	// level: a power of two from 16 to 65536; DefaultPeakBase if zero.
	BaseFrames int
	// CacheDir is the folder of the cache files; "" means "wavemap" in
	// os.UserCacheDir. It is made (mode 0700) when missing.
	CacheDir string
	// NoCache builds the pyramid in memory and neither reads nor writes
	// a cache file.
	NoCache bool
	// Workers is the number of goroutines of the pass; GOMAXPROCS if
	// zero.
	Workers int
	// Progress, if set, is called as in PassOptions while the pyramid is
	// built (not when it is read from its cache file).
	Progress func(done, total int64)
}

// PeakIndex is the min/max pyramid of one File (see OpenPeaks). Its
// methods may be called from several goroutines at once. It reads the
// File's mapping for fine windows, so the File must stay open while it is
// used.
type PeakIndex struct {
	mu       sync.RWMutex
	f        *File
	fm       Format
	frames   int64
	base     int
	store    peakStore
	path     string
	loaded   bool
	cacheErr error
	mp       *mmap.Mapping // the cache file's levels, when mapped
	closed   bool
}

// peakStore is a pyramid of one value type (see peakLevels).
type peakStore interface {
	// window fills out with the pixels of channel c over [start, end).
	window(c int, start, end int64, out []MinMax)
	// pixels fills out with the ranges of channel c over the frames
	// [bound(k), bound(k+1)).
	pixels(c int, bound func(k int) int64, out []MinMax)
	levels() int
}

// OpenPeaks returns the min/max pyramid of f: read from its cache file
// when that is valid for f as it is now, and otherwise built in one
// parallel pass over the mapping (opts.Workers, opts.Progress) and
// written to the cache file (see the comment at the top of peakindex.go).
// Failing to read or write the cache file is not an error: the pyramid is
// then built or kept in memory, and CacheError says what happened. A
// memory fault during the pass (the file truncated meanwhile) returns a
// *FaultError; when ctx is done the pass stops with an error wrapping
// ctx.Err().
func OpenPeaks(ctx context.Context, f *File, opts *PeakIndexOptions) (*PeakIndex, error) {
	if f == nil {
		return nil, fmt.Errorf("wavemap: OpenPeaks of a nil *File: %w", ErrArgument)
	}
	if f.closed {
		return nil, ErrClosed
	}
	if opts == nil {
		opts = &PeakIndexOptions{}
	}
	base := opts.BaseFrames
	if base == 0 {
		base = DefaultPeakBase
	}
	if base < 16 || base > 1<<16 || base&(base-1) != 0 {
		return nil, fmt.Errorf("wavemap: OpenPeaks: %d frames per entry: %w (a power of two from 16 to 65536)", base, ErrArgument)
	}
	x := &PeakIndex{f: f, fm: f.Format(), frames: f.Frames(), base: base}
	src, err := peakSourceOf(f)
	if err != nil {
		return nil, fmt.Errorf("wavemap: peaks of %s: %w", f.Name(), err)
	}
	lay := newPeakLayout(x.frames, base, x.fm.Channels, src.size())
	want, err := x.expectedHeader(src, lay)
	if err != nil {
		return nil, err
	}
	if !opts.NoCache {
		x.path, x.cacheErr = peakCachePath(opts.CacheDir, f, base)
		if x.cacheErr == nil {
			var payload []byte
			payload, x.mp, x.cacheErr = readPeakFile(x.path, want)
			if x.cacheErr == nil {
				x.store = src.store(payload, lay)
				x.loaded = true
				return x, nil
			}
		}
	}
	payload, err := buildPeaks(newPassRun(ctx, &PassOptions{Workers: opts.Workers, Progress: opts.Progress}), f, src, lay)
	if err != nil {
		return nil, fmt.Errorf("wavemap: peaks of %s: %w", f.Name(), err)
	}
	if !opts.NoCache && x.path != "" {
		want.payloadCRC = peakCRC(payload)
		if err := writePeakFile(x.path, want, payload); err != nil {
			x.cacheErr = errors.Join(x.cacheErr, fmt.Errorf("writing the cache file: %w", err))
		} else if p, mp, err := readPeakFile(x.path, want); err == nil {
			payload, x.mp = p, mp // the heap copy goes
		} else {
			x.cacheErr = errors.Join(x.cacheErr, fmt.Errorf("reading the new cache file: %w", err))
		}
	}
	x.store = src.store(payload, lay)
	return x, nil
}

// Frames returns the number of frames the pyramid covers.
func (x *PeakIndex) Frames() int64 { return x.frames }

// Channels returns the number of channels.
func (x *PeakIndex) Channels() int { return x.fm.Channels }

// BaseFrames returns the number of frames of an entry of the finest
// level.
func (x *PeakIndex) BaseFrames() int { return x.base }

// Levels returns the number of levels (0 for a file without frames).
func (x *PeakIndex) Levels() int { return x.store.levels() }

// Path returns the name of the cache file ("" when there is none: with
// PeakIndexOptions.NoCache, or when no cache folder could be found).
func (x *PeakIndex) Path() string { return x.path }

// Loaded reports whether the pyramid was read from a valid cache file
// rather than built.
func (x *PeakIndex) Loaded() bool { return x.loaded }

// CacheError returns why the pyramid was not read from its cache file:
// there was none, or it was stale or damaged (the pyramid was then built
// and the cache file written), or no cache folder could be made; an
// error writing the new cache file is joined to it (the pyramid is then
// kept in memory). It is nil when the pyramid was read from its cache
// file, and with PeakIndexOptions.NoCache.
func (x *PeakIndex) CacheError() error { return x.cacheErr }

// Close releases the mapping of the cache file. The PeakIndex must not
// be used afterwards; the File is not closed.
func (x *PeakIndex) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return ErrClosed
	}
	x.closed = true
	x.store = nil
	if x.mp != nil {
		return x.mp.Unmap()
	}
	return nil
}

// Window returns px minimum/maximum pairs of channel ch over the frames
// [start, end), in Convert's float scale (as Overview: full scale is
// [-1, 1)). Pixel k covers the frames [start + k*n/px, start +
// (k+1)*n/px), n = end-start, rounded down; when there are fewer frames
// than pixels, a pixel that covers no frame shows the frame at its start,
// so that a window of a few samples draws each sample as a run of equal
// pixels. NaN samples are left out; a pixel of nothing but NaNs is
// {0, 0}. The result is exactly the minimum and maximum of the samples,
// whatever the zoom: entries of the pyramid where they fit, the mapped
// samples elsewhere. A memory fault (the file truncated while mapped) is
// returned as a *FaultError.
func (x *PeakIndex) Window(start, end int64, px, ch int) ([]MinMax, error) {
	if err := x.check(start, end, px, ch); err != nil {
		return nil, err
	}
	out := make([]MinMax, px)
	err := x.read(func() { x.store.window(ch, start, end, out) })
	if err != nil {
		return nil, err
	}
	return out, nil
}

// WindowPeaks is Window as waveform data in BBC audiowaveform's values
// (see ComputePeaks): 16-bit or, with bits 8, 8-bit minima and maxima,
// made from the source's samples as audiowaveform makes them (so a window
// of whole pixels of z frames equals the split-channel data of
// audiowaveform at zoom z, NaN samples aside). ch selects one channel; a
// negative ch gives every channel, pixel by pixel, channel by channel.
// SamplesPerPixel is (end-start)/px rounded down, at least 1: the
// pixels' exact bounds are Window's.
func (x *PeakIndex) WindowPeaks(start, end int64, px, ch, bits int) (*Peaks, error) {
	if bits == 0 {
		bits = 16
	}
	if bits != 8 && bits != 16 {
		return nil, fmt.Errorf("%w: %d-bit peaks (8 or 16)", ErrArgument, bits)
	}
	chans := []int{ch}
	if ch < 0 {
		chans = make([]int, x.fm.Channels)
		for c := range chans {
			chans[c] = c
		}
	}
	if err := x.check(start, end, px, chans[0]); err != nil {
		return nil, err
	}
	if px*len(chans) > MaxWindowPixels {
		return nil, fmt.Errorf("%w: %d pixels of %d channels: at most %d values", ErrArgument, px, len(chans), MaxWindowPixels)
	}
	short, err := shortConverter(x.fm.Encoding)
	if err != nil {
		return nil, err
	}
	pk := &Peaks{SampleRate: x.fm.SampleRate, SamplesPerPixel: int(max(1, min((end-start)/int64(px), math.MaxInt32))),
		Channels: len(chans), Bits: bits, Length: px, Data: make([]int16, px*len(chans)*2)}
	buf := make([]MinMax, px)
	for j, c := range chans {
		if err := x.read(func() { x.store.window(c, start, end, buf) }); err != nil {
			return nil, err
		}
		for k, m := range buf {
			lo, hi := short(m.Min), short(m.Max)
			if bits == 8 {
				lo, hi = lo/256, hi/256
			}
			i := (k*len(chans) + j) * 2
			pk.Data[i], pk.Data[i+1] = int16(lo), int16(hi)
		}
	}
	return pk, nil
}

// Pixels returns px minimum/maximum pairs of channel ch for pixels of spp
// frames from frame start: pixel k covers the frames [start + k*spp,
// start + (k+1)*spp), the last one cut at the end of the file, as
// audiowaveform's pixels at zoom spp are (which start at frame 0). Values
// are those of Window, in Convert's float scale; start + (px-1)*spp
// must lie inside the file.
func (x *PeakIndex) Pixels(start int64, spp, px, ch int) ([]MinMax, error) {
	if spp < 1 {
		return nil, fmt.Errorf("%w: %d frames per pixel", ErrArgument, spp)
	}
	if err := x.check(start, x.frames, px, ch); err != nil {
		return nil, err
	}
	if last := start + int64(px-1)*int64(spp); px > 1 && (int64(px-1) > (x.frames-start)/int64(spp) || last >= x.frames) {
		return nil, fmt.Errorf("%w: %d pixels of %d frames from frame %d pass the end (%d frames)", ErrArgument, px, spp, start, x.frames)
	}
	out := make([]MinMax, px)
	bound := func(k int) int64 { return min(x.frames, start+int64(k)*int64(spp)) }
	if err := x.read(func() { x.store.pixels(ch, bound, out) }); err != nil {
		return nil, err
	}
	return out, nil
}

// check validates a window request.
func (x *PeakIndex) check(start, end int64, px, ch int) error {
	switch {
	case ch < 0 || ch >= x.fm.Channels:
		return fmt.Errorf("%w: channel %d of %d", ErrArgument, ch, x.fm.Channels)
	case px < 1 || px > MaxWindowPixels:
		return fmt.Errorf("%w: %d pixels (1 to %d)", ErrArgument, px, MaxWindowPixels)
	case start < 0 || end > x.frames || start >= end:
		return fmt.Errorf("%w: window [%d, %d) of %d frames", ErrArgument, start, end, x.frames)
	}
	return nil
}

// read runs fn under the read lock and Guard: fn reads the mapped audio
// and perhaps the mapped cache file.
func (x *PeakIndex) read(fn func()) error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.closed {
		return ErrClosed
	}
	if x.f.closed {
		return fmt.Errorf("wavemap: peaks of %s: %w", x.f.Name(), ErrClosed)
	}
	return Guard(func() error { fn(); return nil })
}

// The pyramid's layout, shared by the heap copy and the cache file: for
// each level, for each channel, the entries' (min, max) pairs, each array
// padded to 8 bytes.

type peakLayout struct {
	frames int64
	base   int
	shift  uint
	ch     int
	size   int       // bytes per value
	counts []int64   // entries per level
	offs   [][]int64 // byte offset of each level's channel arrays
	total  int64
}

func newPeakLayout(frames int64, base, ch, size int) *peakLayout {
	l := &peakLayout{frames: frames, base: base, shift: uint(bits.TrailingZeros(uint(base))), ch: ch, size: size}
	if frames == 0 {
		return l
	}
	n := (frames + int64(base) - 1) / int64(base)
	for {
		l.counts = append(l.counts, n)
		offs := make([]int64, ch)
		for c := range offs {
			offs[c] = l.total
			l.total += (2*n*int64(size) + 7) &^ 7
		}
		l.offs = append(l.offs, offs)
		if n == 1 {
			return l
		}
		n = (n + 1) / 2
	}
}

// peakValue is the set of value types of a pyramid.
type peakValue interface {
	int16 | int32 | float32 | float64
}

// peakLevels is a pyramid of values of type E over a source of samples.
type peakLevels[E peakValue] struct {
	lay     *peakLayout
	lv      [][][]E // lv[L][c][2i], lv[L][c][2i+1]: min and max of entry i
	src     peakSource[E]
	scale   float64 // divides a value into Convert's scale
	emptyLo E       // the empty range: above and below every value
	emptyHi E
}

// peakSource reads the range of one channel's samples over a run of
// frames from the mapped audio, as a kernels.MinMax function does.
type peakSource[E peakValue] interface {
	minmax(c int, from, to int64) (lo, hi E)
	// runs sets out[c][2*(at+r)] and out[c][2*(at+r)+1] to the range of
	// channel c over the frames [from+r*base, from+(r+1)*base) ∩
	// [from, from+n), as the kernels.MinMaxRuns functions do.
	runs(from int64, n, base int, out [][]E, at int)
}

// runsOf is peakSource.runs by way of minmax.
func runsOf[E peakValue](s peakSource[E], ch int, from int64, n, base int, out [][]E, at int) {
	for r := 0; r*base < n; r++ {
		a := from + int64(r*base)
		b := from + int64(min(n, (r+1)*base))
		for c := range ch {
			out[c][2*(at+r)], out[c][2*(at+r)+1] = s.minmax(c, a, b)
		}
	}
}

func (l *peakLevels[E]) levels() int { return len(l.lv) }

// entry returns the range of entry i of level L, channel c.
func (l *peakLevels[E]) entry(L, c int, i int64) (E, E) {
	p := l.lv[L][c]
	return p[2*i], p[2*i+1]
}

// query returns the range of channel c over the base entries [lo, hi).
func (l *peakLevels[E]) query(c int, lo, hi int64) (E, E) {
	mn, mx := l.emptyLo, l.emptyHi
	for L := 0; lo < hi; L++ {
		p := l.lv[L][c]
		if lo&1 == 1 {
			mn, mx = min(mn, p[2*lo]), max(mx, p[2*lo+1])
			lo++
		}
		if hi&1 == 1 {
			hi--
			mn, mx = min(mn, p[2*hi]), max(mx, p[2*hi+1])
		}
		lo >>= 1
		hi >>= 1
	}
	return mn, mx
}

func (l *peakLevels[E]) minMax(lo, hi E) MinMax {
	if lo > hi { // nothing but NaNs
		return MinMax{}
	}
	return MinMax{float64(lo) / l.scale, float64(hi) / l.scale}
}

func (l *peakLevels[E]) window(c int, start, end int64, out []MinMax) {
	n := uint64(end - start)
	px := uint64(len(out))
	l.pixels(c, func(k int) int64 { return start + int64(mulDiv(uint64(k), n, px)) }, out)
}

// pixels fills out with the ranges of channel c over the frames
// [bound(k), bound(k+1)) (the frame at bound(k) when that is empty).
func (l *peakLevels[E]) pixels(c int, bound func(k int) int64, out []MinMax) {
	base := int64(l.lay.base)
	shift := l.lay.shift
	for k := range out {
		a, b := bound(k), bound(k+1)
		if b <= a {
			b = a + 1 // a pixel between frames shows the frame at its start
		}
		if b-a < 2*base {
			// Narrower than two entries: read the samples.
			out[k] = l.minMax(l.src.minmax(c, a, b))
			continue
		}
		A, B := (a+base-1)>>shift, b>>shift // the whole entries inside [a, b): A < B
		lo, hi := l.query(c, A, B)
		// The ragged ends lie inside entries A-1 and B: their samples are
		// read only when that entry reaches beyond the range so far.
		if head := A << shift; a < head {
			if elo, ehi := l.entry(0, c, A-1); elo < lo || ehi > hi {
				slo, shi := l.src.minmax(c, a, head)
				lo, hi = min(lo, slo), max(hi, shi)
			}
		}
		if tail := B << shift; tail < b {
			if elo, ehi := l.entry(0, c, B); elo < lo || ehi > hi {
				slo, shi := l.src.minmax(c, tail, b)
				lo, hi = min(lo, slo), max(hi, shi)
			}
		}
		out[k] = l.minMax(lo, hi)
	}
}

// buildBase fills the entries of level 0 of the frames [start, start+n)
// (start a multiple of the base).
func (l *peakLevels[E]) buildBase(start, n int64) {
	l.src.runs(start, int(n), l.lay.base, l.lv[0], int(start>>l.lay.shift))
}

// merge fills the entries [lo, hi) of level L (L > 0) of every channel
// from level L-1.
func (l *peakLevels[E]) merge(L int, lo, hi int64) {
	below := l.lay.counts[L-1]
	for c := range l.lay.ch {
		src, dst := l.lv[L-1][c], l.lv[L][c]
		pairs := min(hi, below/2) // entries with both halves below them
		if pairs > lo {
			d, s := dst[2*lo:2*pairs], src[4*lo:4*pairs]
			for j := range len(d) / 2 {
				q := (*[4]E)(s[4*j:])
				d[2*j], d[2*j+1] = min(q[0], q[2]), max(q[1], q[3])
			}
		}
		if i := max(lo, pairs); i < hi { // the last entry of an odd count: a copy
			dst[2*i], dst[2*i+1] = src[4*i], src[4*i+1]
		}
	}
}

// buildLocal fills the entries of levels 1 to top that lie over the
// level-0 entries [first, first+n) and over no others: first must be a
// multiple of 1<<top, and n too unless the run ends level 0.
func (l *peakLevels[E]) buildLocal(first, n int64, top int) {
	end := first + n
	for L := 1; L <= top && L < len(l.lv); L++ {
		lo := first >> L
		hi := min(l.lay.counts[L], (end+(1<<L)-1)>>L)
		l.merge(L, lo, hi)
	}
}

// buildUpper fills the levels from level 'from' up from the ones below.
func (l *peakLevels[E]) buildUpper(from int) {
	for L := max(1, from); L < len(l.lv); L++ {
		l.merge(L, 0, l.lay.counts[L])
	}
}

// newPeakLevels lays out a pyramid of E over payload (which must hold
// lay.total bytes, aligned to 8).
func newPeakLevels[E peakValue](payload []byte, lay *peakLayout, src peakSource[E], scale float64) *peakLevels[E] {
	l := &peakLevels[E]{lay: lay, src: src, scale: scale}
	var z E
	switch any(z).(type) {
	case int16:
		l.emptyLo, l.emptyHi = any(int16(math.MaxInt16)).(E), any(int16(math.MinInt16)).(E)
	case int32:
		l.emptyLo, l.emptyHi = any(int32(math.MaxInt32)).(E), any(int32(math.MinInt32)).(E)
	default:
		inf := math.Inf(1)
		l.emptyLo, l.emptyHi = E(inf), E(-inf)
	}
	l.lv = make([][][]E, len(lay.counts))
	for L, n := range lay.counts {
		l.lv[L] = make([][]E, lay.ch)
		for c := range lay.ch {
			off := lay.offs[L][c]
			l.lv[L][c] = unsafe.Slice((*E)(unsafe.Pointer(&payload[off])), 2*n)
		}
	}
	return l
}

// A peakSourceOf result: the source of one encoding's samples and how to
// make its pyramid.
type peakSourceKind interface {
	size() int    // bytes per value
	kind() uint32 // the value type, for the cache file's header
	build(p *passRun, f *File, payload []byte, lay *peakLayout) error
	store(payload []byte, lay *peakLayout) peakStore
}

// typedPeakSource is a source of values E with the scale that divides
// them into Convert's.
type typedPeakSource[E peakValue] struct {
	src   peakSource[E]
	scale float64
}

func (s typedPeakSource[E]) size() int {
	var z E
	return int(unsafe.Sizeof(z))
}

func (s typedPeakSource[E]) kind() uint32 {
	var z E
	switch any(z).(type) {
	case int16:
		return 1
	case int32:
		return 2
	case float32:
		return 3
	}
	return 4
}

func (s typedPeakSource[E]) store(payload []byte, lay *peakLayout) peakStore {
	return newPeakLevels(payload, lay, s.src, s.scale)
}

func (s typedPeakSource[E]) build(p *passRun, f *File, payload []byte, lay *peakLayout) error {
	l := newPeakLevels(payload, lay, s.src, s.scale)
	// Blocks of whole entries: DefaultBlockFrames is a multiple of every
	// base.
	p.opts.BlockFrames = max(lay.base, p.opts.BlockFrames&^(lay.base-1))
	// Each block also builds the levels above its own entries, as far up
	// as its entries' count is a multiple of (top: the block's entries
	// are a whole number of entries of those levels, 1024 of level 0 by
	// default, so levels 1-10 are built in parallel); the levels above
	// are small and built at the end.
	top := bits.TrailingZeros(uint(p.opts.BlockFrames / lay.base))
	err := decodedPass(p, f, func(start int, b frameBlock) error {
		l.buildBase(int64(start), int64(b.Len()))
		first := int64(start) >> lay.shift
		l.buildLocal(first, (int64(b.Len())+int64(lay.base)-1)>>lay.shift, top)
		return nil
	})
	if err != nil {
		return err
	}
	l.buildUpper(top + 1)
	return nil
}

// buildPeaks builds the pyramid of f into a new payload.
func buildPeaks(p *passRun, f *File, src peakSourceKind, lay *peakLayout) ([]byte, error) {
	payload := make([]byte, lay.total)
	if lay.frames == 0 {
		return payload, nil
	}
	if err := src.build(p, f, payload, lay); err != nil {
		return nil, err
	}
	return payload, nil
}

// peakSourceOf returns the source of f's samples: a kernel over the
// mapping for each sample type, or, for a view it does not know, the
// decoded values of decodedPass as float64.
func peakSourceOf(f *File) (peakSourceKind, error) {
	k, err := kindFor(f.Format().Encoding)
	if err != nil {
		return nil, err
	}
	all, err := k.block(f)
	if err != nil {
		return nil, err
	}
	ch := f.Format().Channels
	switch b := all.(type) {
	case typedBlock[int16]:
		return typedPeakSource[int16]{kernelSource[int16, int16]{b.Data, ch, 1, kernels.MinMaxS16, kernels.MinMaxRunsS16}, 1 << 15}, nil
	case typedBlock[uint8]:
		return typedPeakSource[int16]{kernelSource[uint8, int16]{b.Data, ch, 1, kernels.MinMaxU8, nil}, 1 << 7}, nil
	case typedBlock[ALaw]:
		return typedPeakSource[int16]{tableSource(bytesOf(b.Data, 1), ch, &alawDecode), 1 << 15}, nil
	case typedBlock[MuLaw]:
		return typedPeakSource[int16]{tableSource(bytesOf(b.Data, 1), ch, &mulawDecode), 1 << 15}, nil
	case typedBlock[Int24]:
		return typedPeakSource[int32]{kernelSource[byte, int32]{bytesOf(b.Data, 3), ch, 3, kernels.MinMaxS24, kernels.MinMaxRunsS24}, 1 << 23}, nil
	case typedBlock[int32]:
		return typedPeakSource[int32]{kernelSource[int32, int32]{b.Data, ch, 1, kernels.MinMaxS32, nil}, 1 << 31}, nil
	case typedBlock[float32]:
		return typedPeakSource[float32]{kernelSource[float32, float32]{b.Data, ch, 1, kernels.MinMaxF32, kernels.MinMaxRunsF32}, 1}, nil
	case typedBlock[float64]:
		return typedPeakSource[float64]{kernelSource[float64, float64]{b.Data, ch, 1, kernels.MinMaxF64, nil}, 1}, nil
	}
	return typedPeakSource[float64]{&decodedSource{blk: all, ch: ch}, 1}, nil
}

// tableSource is the source of 8-bit codes decoded through the table t
// (A-law, mu-law).
func tableSource(d []byte, ch int, t *[256]int16) kernelSource[byte, int16] {
	mm := func(d []byte, first, stride, n int) (int16, int16) {
		return kernels.MinMaxTable(d, first, stride, n, t)
	}
	return kernelSource[byte, int16]{d, ch, 1, mm, nil}
}

// bytesOf views samples of size bytes each as their bytes.
func bytesOf[T Sample](d []T, size int) []byte {
	if len(d) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&d[0])), len(d)*size)
}

// kernelSource is a peakSource over the interleaved elements of the
// mapping: mm is a kernels.MinMax function, rk a kernels.MinMaxRuns one
// (nil: run by run through mm), unit the elements of one sample (3 bytes
// for packed s24, 1 otherwise).
type kernelSource[S any, E peakValue] struct {
	d    []S
	ch   int
	unit int
	mm   func(d []S, first, stride, n int) (E, E)
	rk   func(d []S, ch, run int, out [][]E, at int)
}

func (s kernelSource[S, E]) minmax(c int, from, to int64) (E, E) {
	return s.mm(s.d, int(from)*s.ch+c, s.ch, int(to-from))
}

func (s kernelSource[S, E]) runs(from int64, n, base int, out [][]E, at int) {
	if s.rk == nil {
		runsOf(s, s.ch, from, n, base, out, at)
		return
	}
	// For s24 the slice's capacity runs on to the end of the mapping,
	// which lets the vector kernel read 4 bytes past the block.
	u := s.unit * s.ch
	s.rk(s.d[int(from)*u:(int(from)+n)*u], s.ch, base, out, at)
}

// decodedSource reads any frameBlock through its float64 decoding, a run
// of decodedRun frames at a time.
type decodedSource struct {
	blk  frameBlock
	ch   int
	pool sync.Pool
}

const decodedRun = 1024

func (s *decodedSource) runs(from int64, n, base int, out [][]float64, at int) {
	runsOf(s, s.ch, from, n, base, out, at)
}

func (s *decodedSource) minmax(c int, from, to int64) (float64, float64) {
	buf, _ := s.pool.Get().(*[]float64)
	if buf == nil {
		b := make([]float64, decodedRun*s.ch)
		buf = &b
	}
	defer s.pool.Put(buf)
	lo, hi := math.Inf(1), math.Inf(-1)
	for at := int(from); at < int(to); at += decodedRun {
		v := s.blk.float64s(*buf, at, min(int(to), at+decodedRun))
		l, h := kernels.MinMaxF64(v, c, s.ch, len(v)/s.ch)
		lo, hi = min(lo, l), max(hi, h)
	}
	return lo, hi
}

// expectedHeader is the header a valid cache file of f has (all but the
// levels' checksum).
func (x *PeakIndex) expectedHeader(src peakSourceKind, lay *peakLayout) (*peakHeader, error) {
	f := x.f
	st, err := f.osf.Stat()
	if err != nil {
		return nil, fmt.Errorf("wavemap: peaks of %s: %w", f.Name(), err)
	}
	h := &peakHeader{
		kind: src.kind(), channels: uint32(lay.ch), base: uint32(lay.base), levels: uint32(len(lay.counts)),
		encoding: uint32(x.fm.Encoding), frames: x.frames, audioSize: st.Size(), mtime: st.ModTime().UnixNano(),
		dataOffset: f.hdr.DataOffset, payload: lay.total,
	}
	if h.probe, err = audioProbe(f.data); err != nil {
		return nil, fmt.Errorf("wavemap: peaks of %s: %w", f.Name(), err)
	}
	if abs, err := filepath.Abs(f.Name()); err == nil {
		h.path = abs
	} else {
		h.path = f.Name()
	}
	return h, nil
}

// peakCachePath returns the cache file of f's pyramid in dir ("" for the
// user's cache folder), making the folder if needed.
func peakCachePath(dir string, f *File, base int) (string, error) {
	if dir == "" {
		d, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("no cache folder for peak files: %w", err)
		}
		dir = filepath.Join(d, "wavemap")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("cache folder for peak files: %w", err)
	}
	abs, err := filepath.Abs(f.Name())
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, peakFileName(abs, base)), nil
}
