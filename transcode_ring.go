package wavemap

import (
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/wavemap/wavemap/internal/mmap"
)

// The ring way of TranscodeTo (convertRing). The pair way converts each
// block on all workers at once and hands it to the writer: every block
// ends with a barrier, and while the last worker finishes its share the
// writer may be idle. Here every worker converts whole blocks of its own
// (ringBlockBytes of output each) into buffers of a ring of ringDepth per
// worker, and the writer (the calling goroutine) writes them in order as
// they come: a worker that is ahead takes the next free buffer, so the
// writer finds the next block converted whenever the workers together are
// faster than it, and conversion hides behind the writes. The input is
// read as the read path says (the mapping, pread into a per-worker
// buffer, or the mapping populated block by block).
//
// No block is written out of order or twice, and a block is claimed only
// after its worker holds a buffer, so the ring cannot deadlock: the
// oldest block not yet written is always held by a worker that has its
// buffer.

const (
	ringBlockBytes = 1 << 20 // output bytes per block
	ringDepth      = 3       // buffers per worker
)

// ringFilled is a converted block, or a block a stopped worker gave up
// (buf nil) so that the writer knows not to wait for it.
type ringFilled struct {
	buf     []byte
	frames  int
	clipped int
	err     error
}

func transcodeRing[S Sample](p *passRun, w *Writer, src *File, m Frames[S], conv func(dst []byte, src []S) (int, error)) (int64, error) {
	frames := m.Len()
	fsz := w.Format().FrameSize()
	block := max(1, ringBlockBytes/fsz) // frames per block
	blocks := (frames + block - 1) / block
	workers := max(1, min(p.opts.Workers, blocks))
	depth := ringDepth * workers
	var in *preadSource
	if p.read == readPread {
		in = newPreadSource(src, m, 1, workers)
	}
	var adv *passAdvisor
	if in == nil {
		adv = newPassAdvisor(src, m, block)
		defer adv.finish()
	}
	var sz S
	sample := int(unsafe.Sizeof(sz))
	inBlock := block * m.Channels * sample

	free := make(chan []byte, depth)
	for range depth {
		free <- nil // allocated on first use
	}
	slots := make([]chan ringFilled, depth)
	for i := range slots {
		slots[i] = make(chan ringFilled, 1)
	}
	var (
		next    atomic.Int64
		stop    atomic.Bool
		wg      sync.WaitGroup
		claimed atomic.Int64 // blocks handed out (each delivered to its slot)
	)
	work := func() {
		var ib []byte
		if in != nil {
			ib = in.buffer(inBlock)
			defer in.put(ib)
		}
		for !stop.Load() {
			buf := <-free
			k := int(next.Add(1) - 1)
			if k >= blocks {
				free <- buf
				return
			}
			claimed.Add(1)
			start := k * block
			n := min(block, frames-start)
			f := ringFilled{frames: n}
			if err := p.stopped(int64(start), int64(frames)); err != nil {
				f.err = err
			} else {
				if cap(buf) < n*fsz {
					buf = alignedBytes(block * fsz)
				}
				buf = buf[:n*fsz]
				f.err = Guard(func() error {
					b := m.Slice(start, start+n)
					if in != nil {
						raw := ib[:n*m.Channels*sample]
						if err := in.read(raw, int64(start)*in.frame); err != nil {
							return err
						}
						d, err := castSlice[S](raw)
						if err != nil {
							return err
						}
						b = Frames[S]{Data: d, Channels: m.Channels}
					} else {
						adv.start(int64(k))
						if p.read == readPopulate && adv != nil {
							adv.populateBlock(mmap.PopulateRead)(k) // this block, now: the ring keeps the writer ahead
						}
					}
					c, err := conv(buf, b.Data)
					f.clipped = c
					if in == nil && err == nil {
						adv.done(int64(k))
					}
					return err
				})
			}
			f.buf = buf
			if f.err != nil {
				stop.Store(true)
			}
			slots[k%depth] <- f
		}
	}
	for range workers {
		wg.Go(work)
	}
	allDone := make(chan struct{})
	go func() { wg.Wait(); close(allDone) }()

	var (
		clipped int64
		err     error
		done    int64
	)
	progress := p.opts.Progress
	for k := 0; k < blocks; k++ {
		var f ringFilled
		select {
		case f = <-slots[k%depth]:
		case <-allDone:
			if int64(k) >= claimed.Load() {
				k = blocks // every block handed out is written
				continue
			}
			f = <-slots[k%depth]
		}
		if err == nil {
			err = f.err
		}
		if err == nil {
			if _, err = w.Write(f.buf); err != nil {
				stop.Store(true)
			}
		}
		if err == nil {
			clipped += int64(f.clipped)
			done += int64(f.frames)
			if progress != nil {
				progress(done, int64(frames))
			}
		}
		free <- f.buf
	}
	<-allDone
	return clipped, err
}
