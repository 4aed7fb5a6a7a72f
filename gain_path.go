package wavemap

import (
	"os"
	"sync/atomic"
)

// The pwrite way of an in-place Gain (gainPwrite): each piece of a block
// is read with pread into the worker's buffer, the kernel runs there, and
// the piece goes back with pwrite. The pages of the file never enter the
// process, so there are no read or write faults; the cost is a copy in
// and a copy out through the CPU's cache.
//
// A write cut short by a kill stops at a page boundary of the file
// (the kernel copies a page, or a folio, at a time and checks for a
// fatal signal between two), so a sample that straddles a page boundary
// could be left half old and half new. src.write never lets that happen:
// such samples (packed s24 everywhere, the others when the data offset is
// not a multiple of their size) are stored through the mapping, with the
// same single stores the mapped path makes, and pwrite writes the runs
// between them. Either way each sample is, at every moment, as it was or
// as the gain makes it, which is what the journal's recovery checks.
//
// A file cut by another process during the pass makes the next read come
// up short: the pass stops with a *FaultError. (A cut between the read and
// the write of one piece lets that write extend the file again; the read
// of the next piece then fails.)

// pwriteGain is gainFile's pass for gainPwrite on a ReadWrite file; ok is
// false when m must be edited through the mapping (see newPreadSource).
func pwriteGain[T Sample](p *passRun, f *File, m Frames[T], kernel func([]T) int64) (clipped int64, ok bool, err error) {
	src := newPreadSource(f, m, 1, p.opts.Workers)
	if src == nil || f.mode != ReadWrite {
		return 0, false, nil
	}
	f.syncFile = true // Flush must reach what pwrite wrote, whatever msync covers on this system
	var n atomic.Int64
	err = preadPieces(p, src, m, func(at int, raw []byte, b Frames[T]) error {
		if c := kernel(b.Data); c != 0 {
			n.Add(c)
		}
		return src.write(raw, int64(at)*src.frame)
	})
	return n.Load(), true, err
}

// write writes b, whose bytes are those of the view from its byte from
// (a sample boundary), back to the file: with pwrite, except for the
// samples that straddle a page boundary of the file, which are stored
// through the mapping (see above).
func (s *preadSource) write(b []byte, from int64) error {
	off := s.off + from
	page := int64(os.Getpagesize())
	if page%s.sample == 0 && off%s.sample == 0 {
		return s.pwrite(b, off) // no sample straddles a page boundary
	}
	view := s.f.data[s.base+from : s.base+from+int64(len(b))]
	done := int64(0) // bytes of b written so far
	for pb := (off/page + 1) * page; pb < off+int64(len(b)); pb += page {
		k := (pb - off) % s.sample
		if k == 0 {
			continue // the boundary falls between two samples
		}
		at := pb - off - k // the straddling sample, in b
		if err := s.pwrite(b[done:at], off+done); err != nil {
			return err
		}
		copy(view[at:at+s.sample], b[at:at+s.sample])
		done = at + s.sample
	}
	return s.pwrite(b[done:], off+done)
}

// pwrite writes b at the file offset off.
func (s *preadSource) pwrite(b []byte, off int64) error {
	if len(b) == 0 {
		return nil
	}
	got, err := s.f.osf.WriteAt(b, off)
	if got == len(b) {
		return nil
	}
	return readError(s.f, off, len(b), got, err)
}

// chunkWriter gives journalBlock the chunks of one block through a buffer
// (gainPwrite): chunk reads the piece of the block that holds a chunk
// with pread when it is not in the buffer yet, commit writes an edited
// chunk back with src.write.
type chunkWriter[T Sample] struct {
	src   *preadSource
	first int64 // byte of the block's first sample in the view
	n     int64 // samples in the block
	piece int64 // samples read at a time: whole chunks
	buf   []byte
	view  []T   // samples [lo, lo+len(view)) of the block, in buf
	lo    int64 // see view
}

// newChunkWriter returns the chunkWriter for the block of n samples from
// byte first of src's view, edited in chunks of cs samples. Its buffer is
// one of src's: give it back with done.
func newChunkWriter[T Sample](src *preadSource, first, n, cs int64) *chunkWriter[T] {
	piece := max(1, int64(readBuffer)/(cs*src.sample)) * cs
	return &chunkWriter[T]{src: src, first: first, n: n, piece: piece, buf: src.buffer(int(min(piece, n) * src.sample))}
}

// chunk returns the samples [lo, hi) of the block, from the buffer.
func (w *chunkWriter[T]) chunk(lo, hi int64) ([]T, error) {
	if lo < w.lo || hi > w.lo+int64(len(w.view)) {
		end := min(w.n, lo+max(w.piece, hi-lo))
		raw := w.buf[:(end-lo)*w.src.sample]
		w.view, w.lo = nil, lo
		if err := w.src.read(raw, w.first+lo*w.src.sample); err != nil {
			return nil, err
		}
		v, err := castSlice[T](raw)
		if err != nil {
			return nil, err
		}
		w.view = v
	}
	return w.view[lo-w.lo : hi-w.lo], nil
}

// commit writes c, the samples of the block from lo on, to the file.
func (w *chunkWriter[T]) commit(lo int64, c []T) error {
	return w.src.write(sampleBytes(c), w.first+lo*w.src.sample)
}

// done gives the buffer back.
func (w *chunkWriter[T]) done() { w.src.put(w.buf) }
