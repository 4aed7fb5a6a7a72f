package wavemap

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/wavemap/wavemap/internal/mmap"
)

// The ways a whole-file pass gets at its bytes besides touching the
// mapping (see readPath and gainPath in knobs.go): each worker's next
// block populated ahead by a helper goroutine, or blocks copied through
// a per-worker buffer with pread (and, for Gain, written back with
// pwrite). Public views are never affected: only the internal passes that
// own their block function (Measure, the decoded passes of Overview,
// ComputePeaks and MeasureLoudness, Gain) take the buffered way, since a
// view of a reused buffer must not outlive the call that got it.

// preadMaxBuffer is the largest per-worker buffer a pass takes. A pass
// whose smallest piece is larger (Measure of float samples needs
// statChunk frames at a time: 4 MiB for f64 in 8 channels) reads the
// mapping instead.
const preadMaxBuffer = 16 << 20

// parallelBlocksAhead is parallelBlocks where, when ahead is not nil,
// each worker claims its next block as it starts the current one and
// hands it to a helper goroutine of its own, which calls ahead on it
// while the worker is busy; the worker starts that block once the call
// is over. ahead must be safe to call concurrently with
// the pass; its calls are over when parallelBlocksAhead returns.
func parallelBlocksAhead[T Sample](p *passRun, m Frames[T], ahead func(k int), fn func(start int, b Frames[T]) error) error {
	if ahead == nil {
		return parallelBlocks(p, m, fn)
	}
	n := p.opts.BlockFrames
	total := m.Len()
	blocks := (total + n - 1) / n
	workers := max(1, min(p.opts.Workers, blocks))
	var (
		next    atomic.Int64
		stop    atomic.Bool
		errOnce sync.Once
		first   error
		wg      sync.WaitGroup
	)
	claim := func() (int, bool) {
		if stop.Load() {
			return 0, false
		}
		k := int(next.Add(1) - 1)
		return k, k < blocks
	}
	work := func() error {
		// One hint at a time: the worker waits for the helper to finish
		// with a block before it works on it, so that no page is
		// populated after the advisor released it.
		hints := make(chan int, 1)
		acks := make(chan struct{}, 1)
		var helper sync.WaitGroup
		helper.Go(func() {
			for k := range hints {
				ahead(k)
				acks <- struct{}{}
			}
		})
		defer helper.Wait()
		defer close(hints)
		k, ok := claim()
		if ok {
			ahead(k) // the first block: nobody got to it before
		}
		hinted := false
		for ok {
			if hinted {
				<-acks // k is populated
			}
			nk, nok := claim()
			if hinted = nok; nok {
				hints <- nk // never blocks: the helper has taken every hint before
			}
			start := k * n
			if err := p.stopped(int64(start), int64(total)); err != nil {
				return err
			}
			if err := fn(start, m.Slice(start, min(start+n, total))); err != nil {
				return err
			}
			k, ok = nk, nok
		}
		return nil
	}
	for range workers {
		wg.Go(func() {
			if err := Guard(work); err != nil {
				stop.Store(true)
				errOnce.Do(func() { first = err })
			}
		})
	}
	wg.Wait()
	return first
}

// populateBlock returns a function that asks the kernel to fault block k
// of the pass in (advice PopulateRead or PopulateWrite). Errors are
// ignored: it is a hint, and where the advice is unknown (before Linux
// 5.14, other systems) the pages fault in as they are used. A range past
// the end of a truncated file is refused by the kernel, and the worker
// that touches it gets its *FaultError.
func (a *passAdvisor) populateBlock(adv mmap.Advice) func(k int) {
	return func(k int) {
		off := int64(k) * a.block
		if off < a.size {
			a.f.mp.Advise(adv, a.base+off, min(a.block, a.size-off))
		}
	}
}

// preadSource is where the frames of a view of a File's mapping are in
// the file, for the passes that read them with pread.
type preadSource struct {
	f       *File
	off     int64 // file offset of the view's first byte
	base    int64 // offset of the view's first byte in f.data
	sample  int64 // bytes per sample
	frame   int64 // bytes per frame
	frames  int   // frames per buffer
	size    int64 // bytes of the view
	buffers chan []byte
}

// newPreadSource returns the source for a pass over m, a view of f's
// mapping, with buffers of a multiple of quantum frames (the pieces a
// block may be cut into start at multiples of quantum in m, besides the
// block starts), or nil when m must be read through the mapping: a view
// of no File, of a CopyOnWrite file (whose private changes the file does
// not hold), or a quantum larger than preadMaxBuffer.
func newPreadSource[T Sample](f *File, m Frames[T], quantum, workers int) *preadSource {
	if f == nil || f.closed || f.osf == nil || f.mode == CopyOnWrite || len(m.Data) == 0 || len(f.data) == 0 {
		return nil
	}
	var z T
	start := uintptr(unsafe.Pointer(unsafe.SliceData(m.Data)))
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(f.data)))
	size := int64(len(m.Data)) * int64(unsafe.Sizeof(z))
	if start < lo || int64(start-lo) > int64(len(f.data))-size {
		return nil // not a view of this mapping
	}
	frame := int64(m.Channels) * int64(unsafe.Sizeof(z))
	quantum = max(1, quantum)
	frames := max(1, int64(readBuffer)/frame/int64(quantum)) * int64(quantum)
	if frames*frame > preadMaxBuffer {
		return nil
	}
	s := &preadSource{f: f, off: f.hdr.DataOffset + int64(start-lo), base: int64(start - lo), sample: int64(unsafe.Sizeof(z)),
		frame: frame, frames: int(frames), size: size,
		buffers: make(chan []byte, max(1, workers))}
	for range max(1, workers) {
		s.buffers <- nil // allocated on first use
	}
	return s
}

// buffer takes a worker's buffer, at least n bytes, aligned for every
// sample type; put gives it back.
func (s *preadSource) buffer(n int) []byte {
	b := <-s.buffers
	if cap(b) < n {
		b = alignedBytes(n)
	}
	return b[:n]
}

func (s *preadSource) put(b []byte) { s.buffers <- b }

// read fills b with the bytes of the view from its byte at from. A read
// that comes up short (the file was cut while the pass ran) or fails is
// an error: a *FaultError like the one a read through the mapping would
// give, wrapping io.ErrUnexpectedEOF or the system's error.
func (s *preadSource) read(b []byte, from int64) error {
	off := s.off + from
	got, err := s.f.osf.ReadAt(b, off)
	if got == len(b) {
		return nil
	}
	return readError(s.f, off, len(b), got, err)
}

// readError describes a positioned read or write of want bytes at off in
// f that moved only got: a *FaultError, as a fault on the mapping would
// give, naming the offset and the file's size now.
func readError(f *File, off int64, want, got int, err error) error {
	fe := &FaultError{Name: f.name, Err: err}
	size := int64(-1)
	if st, serr := f.osf.Stat(); serr == nil {
		size = st.Size()
	}
	switch {
	case err == nil || errors.Is(err, io.EOF):
		fe.Err = io.ErrUnexpectedEOF
		if size >= 0 {
			fe.Cause = fmt.Sprintf("the file was truncated to %d bytes while the pass read it (a read of %d bytes at byte %d got %d)", size, want, off, got)
		} else {
			fe.Cause = fmt.Sprintf("a read of %d bytes at byte %d got %d: the file ends early", want, off, got)
		}
	default:
		fe.Cause = fmt.Sprintf("the file could not be read or written at byte %d (%d of %d bytes moved)", off+int64(got), got, want)
	}
	return fe
}

// preadPass runs fn over the blocks of m, a view of f's mapping, as
// filePass does (same blocks, same workers, same progress reports), but
// copies each block out of the file with pread, in pieces of at most
// src.frames frames cut at multiples of src.frames in m, and calls fn on
// a view of the worker's buffer for each piece. fn must not keep the view.
func preadPass[T Sample](p *passRun, src *preadSource, m Frames[T], fn func(start int, b Frames[T]) error) error {
	return preadPieces(p, src, m, func(at int, _ []byte, b Frames[T]) error { return fn(at, b) })
}

// preadPieces is preadPass where fn also gets the piece's bytes in the
// buffer (to write them back with src.write, say).
func preadPieces[T Sample](p *passRun, src *preadSource, m Frames[T], fn func(start int, raw []byte, b Frames[T]) error) error {
	fa := newFileAdvisor(src)
	defer fa.finish()
	progress := progressed(p, int64(m.Len()), func(int, Frames[T]) error { return nil })
	return parallelBlocks(p, m, func(start int, b Frames[T]) error {
		fa.start(int64(start)*src.frame, int64(b.Len())*src.frame)
		buf := src.buffer(src.frames * int(src.frame))
		defer src.put(buf)
		if err := readPieces(src, buf, start, b.Len(), m.Channels, func(at int, raw []byte, v Frames[T]) error {
			if err := fn(at, raw, v); err != nil {
				return err
			}
			progress(at, v)
			return nil
		}); err != nil {
			return err
		}
		fa.done(int64(start)*src.frame, int64(b.Len())*src.frame)
		return nil
	})
}

// readPieces reads the frames [start, start+n) of src's view into buf,
// in pieces of at most src.frames frames cut at multiples of src.frames,
// and calls fn on each piece (its bytes in buf, and a view of them of ch
// channels).
func readPieces[T Sample](src *preadSource, buf []byte, start, n, ch int, fn func(at int, raw []byte, b Frames[T]) error) error {
	end := start + n
	for at := start; at < end; {
		to := min(end, (at/src.frames+1)*src.frames)
		piece := buf[:int64(to-at)*src.frame]
		if err := src.read(piece, int64(at)*src.frame); err != nil {
			return err
		}
		d, err := castSlice[T](piece)
		if err != nil {
			return err
		}
		if err := fn(at, piece, Frames[T]{Data: d, Channels: ch}); err != nil {
			return err
		}
		at = to
	}
	return nil
}

// Choosing the read path block by block (readAuto).
//
// Which way in is faster depends on how the page cache holds the file,
// which a program cannot ask. A file read in with large read-ahead
// usually sits in 2 MiB folios, which the kernel maps with one page-table
// entry each: the mapping costs a fault per 2 MiB and the pass reads at
// memory speed, up to twice as fast as copying with pread. When the
// kernel could not make folios that large (memory too fragmented), or the
// pages came in one at a time (written through a mapping, read in small
// pieces, reclaimed and read again), the mapping takes a fault per 64 KiB
// and an entry per 4 KiB, and either way can be the faster one, by up to
// 1.5x (BENCHMARKS.md, section 9); runs of a block's worth of both states
// sit side by side in one file. So each worker times each block it reads
// (the wall time per byte, which includes the faults or the copy) and
// keeps a moving average for each way; it reads with the cheaper way,
// and with the other one block in autoExplore, whose time replaces that
// way's average, so that a change of state further on in the file is seen
// at the next such block. It starts with a block through the mapping and
// one with pread. Both ways give the same bytes; only the
// time differs.
const (
	autoExplore = 32 // one block in autoExplore goes the other way
	autoWeight  = 4  // the moving average gives the newest block 1/autoWeight
)

// The ways of readAuto.
const (
	wayMap   = 0
	wayPread = 1
)

// autoClock is the clock of autoPass; autoChose, when a test sets it, is
// told each way chosen. Tests replace both to steer autoPass.
var (
	autoClock = func() int64 { return time.Now().UnixNano() }
	autoChose func(way int)
)

// autoChooser is one worker's choice of read path (readAuto).
type autoChooser struct {
	buf     []byte     // the pread buffer, allocated on first use
	cost    [2]float64 // moving average of ns per byte of each way; 0: not yet tried
	blocks  int        // blocks chosen so far
	explore bool       // the last pick went the dearer way
}

// pick returns the way to read the next block.
func (c *autoChooser) pick() int {
	c.blocks++
	switch {
	case c.cost[wayMap] == 0:
		return wayMap
	case c.cost[wayPread] == 0:
		return wayPread
	}
	best := wayMap
	if c.cost[wayPread] < c.cost[wayMap] {
		best = wayPread
	}
	if c.explore = c.blocks%autoExplore == 0; c.explore {
		return 1 - best
	}
	return best
}

// record adds a block of n bytes that took ns nanoseconds the way way
// (the way pick returned last) to that way's average. An exploring block
// replaces its way's average, which is autoExplore blocks old.
func (c *autoChooser) record(way int, ns, n int64) {
	if n <= 0 {
		return
	}
	x := max(float64(ns), 1) / float64(n)
	if c.cost[way] == 0 || c.explore {
		c.cost[way] = x
	} else {
		c.cost[way] += (x - c.cost[way]) / autoWeight
	}
}

// autoBlocks is filePass (the same blocks, advice and release) for the
// readAuto path: each worker hands each block either to mapped (a view of
// the mapping) or to buffered (to be read with pread through the
// chooser's buffer), as its autoChooser says, and times it with its
// advice: the read-ahead, and the release of the pages that the block's
// end lets go, which is part of what the mapping costs (the kernel
// unmaps what was mapped).
func autoBlocks[T Sample](p *passRun, f *File, m Frames[T], src *preadSource, buffered func(c *autoChooser, start int, b Frames[T]) error, mapped func(start int, b Frames[T]) error) error {
	n := p.opts.BlockFrames
	adv := newPassAdvisor(f, m, n)
	defer adv.finish()
	workers := max(1, p.opts.Workers)
	choosers := make(chan *autoChooser, workers)
	for range workers {
		choosers <- &autoChooser{}
	}
	return parallelBlocks(p, m, progressed(p, int64(m.Len()), func(start int, b Frames[T]) error {
		c := <-choosers
		defer func() { choosers <- c }()
		way := c.pick()
		read := func() error { return mapped(start, b) }
		if way == wayPread {
			if c.buf == nil {
				// Allocated and touched before the clock starts: a
				// first block must not pay for its buffer's pages.
				c.buf = alignedBytes(src.frames * int(src.frame))
				for i := 0; i < len(c.buf); i += 4096 {
					c.buf[i] = 1
				}
			}
			read = func() error { return buffered(c, start, b) }
		}
		if autoChose != nil {
			autoChose(way)
		}
		t0 := autoClock()
		if err := adv.run(int64(start/n), read); err != nil {
			return err
		}
		c.record(way, autoClock()-t0, int64(len(b.Data))*int64(unsafe.Sizeof(b.Data[0])))
		return nil
	}))
}

// autoPass is readPass on the readAuto path.
func autoPass[T Sample](p *passRun, f *File, m Frames[T], src *preadSource, fn func(start int, b Frames[T]) error) error {
	return autoBlocks(p, f, m, src, func(c *autoChooser, start int, b Frames[T]) error {
		return readPieces(src, c.buf, start, b.Len(), m.Channels, func(at int, _ []byte, v Frames[T]) error {
			return fn(at, v)
		})
	}, fn)
}

// readPass is filePass for a read-only pass whose fn keeps nothing of
// the view it is given and may be called on pieces of a block: pieces
// start at multiples of quantum frames in m (or at a block's start), so
// that fn's own runs are cut where they would be anyway. With the pread
// read path it copies the blocks out of the file; otherwise, or where
// that cannot be (see newPreadSource), it is filePass.
func readPass[T Sample](p *passRun, f *File, m Frames[T], quantum int, fn func(start int, b Frames[T]) error) error {
	switch p.read {
	case readPread:
		if src := newPreadSource(f, m, quantum, p.opts.Workers); src != nil {
			return preadPass(p, src, m, fn)
		}
	case readAuto:
		if src := newPreadSource(f, m, quantum, p.opts.Workers); src != nil {
			return autoPass(p, f, m, src, fn)
		}
	}
	return filePass(p, f, m, fn)
}

// preadBlock is the frameBlock of one block of a decoded pass on the
// pread read path: its frames are read from the file, a window of the
// worker's buffer at a time, as float64s asks for them (the decoded passes
// ask in order, a few thousand frames at a time). A failed read is kept
// in err, and the frames it should have given read as zeros: the pass
// returns err once fn is done.
type preadBlock[T Sample] struct {
	src    *preadSource
	start  int // the block's first frame in the view
	frames int
	ch     int
	buf    []byte
	lo, hi int // the frames of the block in buf: [lo, hi)
	err    error
}

func (b *preadBlock[T]) Len() int      { return b.frames }
func (b *preadBlock[T]) channels() int { return b.ch }

func (b *preadBlock[T]) float64s(dst []float64, from, to int) []float64 {
	dst = dst[:(to-from)*b.ch]
	if from >= to {
		return dst
	}
	if from < b.lo || to > b.hi {
		n := min(b.frames-from, max(b.src.frames, to-from))
		need := n * int(b.src.frame)
		if cap(b.buf) < need {
			b.buf = alignedBytes(need)
		}
		b.buf = b.buf[:need]
		b.lo, b.hi = from, from
		if b.err == nil {
			b.err = b.src.read(b.buf, int64(b.start+from)*b.src.frame)
		}
		if b.err != nil {
			clear(dst)
			return dst
		}
		b.hi = from + n
	}
	d, err := castSlice[T](b.buf[int64(from-b.lo)*b.src.frame : int64(to-b.lo)*b.src.frame])
	if err != nil {
		b.err = err
		clear(dst)
		return dst
	}
	Convert(dst, d)
	return dst
}

// decodedReadPass is the decodedPass of kindOf[T]: with the pread read
// path, fn gets a preadBlock for each block (the block stays whole, as
// the decoded passes need, but only a window of it is in memory at a
// time); with readAuto, a preadBlock or a view of the mapping as the
// worker's autoChooser says; otherwise a view of the mapping.
func decodedReadPass[T Sample](p *passRun, f *File, m Frames[T], fn func(start int, b frameBlock) error) error {
	if p.read == readPread {
		if src := newPreadSource(f, m, 1, p.opts.Workers); src != nil {
			fa := newFileAdvisor(src)
			defer fa.finish()
			return parallelBlocks(p, m, progressed(p, int64(m.Len()), func(start int, v Frames[T]) error {
				fa.start(int64(start)*src.frame, int64(v.Len())*src.frame)
				b := &preadBlock[T]{src: src, start: start, frames: v.Len(), ch: m.Channels, buf: src.buffer(0)}
				err := fn(start, b)
				src.put(b.buf[:0])
				if b.err != nil {
					return b.err
				}
				if err == nil {
					fa.done(int64(start)*src.frame, int64(v.Len())*src.frame)
				}
				return err
			}))
		}
	}
	mapped := func(start int, b Frames[T]) error { return fn(start, typedBlock[T]{b}) }
	if p.read == readAuto {
		if src := newPreadSource(f, m, 1, p.opts.Workers); src != nil {
			return autoBlocks(p, f, m, src, func(c *autoChooser, start int, v Frames[T]) error {
				b := &preadBlock[T]{src: src, start: start, frames: v.Len(), ch: m.Channels, buf: c.buf[:0]}
				err := fn(start, b)
				c.buf = b.buf[:0]
				if b.err != nil {
					return b.err
				}
				return err
			}, mapped)
		}
	}
	return filePass(p, f, m, mapped)
}

// fileAdvisor is the passAdvisor of the pread path: no page of the file is
// mapped into the process, so there is nothing to release from it; the
// kernel is told that the range is read sequentially, to read ahead of
// the blocks started, and, for passes larger than half the memory, to
// drop the page cache of the blocks done.
type fileAdvisor struct {
	src       *preadSource
	dropCache bool
	mu        sync.Mutex
	readAhead int64       // bytes of the view up to which willneed has been considered
	blind     atomic.Bool // the kernel cannot say what is cached: advise every step
}

func newFileAdvisor(src *preadSource) *fileAdvisor {
	limit := cacheDropMin
	if limit <= 0 {
		limit = physicalMemory() / 2
	}
	fa := &fileAdvisor{src: src, dropCache: limit > 0 && src.size >= limit}
	fileAdvise(src.f.osf, src.off, src.size, adviceSequential)
	fa.start(0, 0)
	return fa
}

// start is called as the bytes [off, off+n) of the view are about to be
// read.
func (a *fileAdvisor) start(off, n int64) {
	a.mu.Lock()
	want := min(off+n+adviseAhead, a.src.size)
	from := a.readAhead
	if want-from < adviseStep && want < a.src.size || want <= from {
		a.mu.Unlock()
		return
	}
	a.readAhead = want
	a.mu.Unlock()
	osf := a.src.f.osf
	adviseUncached(osf, a.src.off, from, want, &a.blind, func(off, n int64) {
		fileAdvise(osf, a.src.off+off, n, adviceWillNeed)
	})
}

// done is called when the bytes [off, off+n) of the view are read.
func (a *fileAdvisor) done(off, n int64) {
	if a.dropCache {
		dropCache(a.src.f.osf, a.src.off+off, n)
	}
}

func (a *fileAdvisor) finish() {
	fileAdvise(a.src.f.osf, a.src.off, a.src.size, adviceNormal)
}

// alignedBytes returns n bytes aligned for every sample type.
func alignedBytes(n int) []byte {
	return sampleBytes(make([]float64, (n+7)/8))[:n]
}
