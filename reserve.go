package wavemap

import (
	"errors"
	"fmt"
	"os"

	"github.com/wavemap/wavemap/internal/riff"
)

// Reserve tells w that frames more frames will follow, so that their
// space is claimed now. It matters for long writes into a regular file
// and does nothing (returning nil) for other destinations: pipes,
// sockets, buffers, or an *os.File that is not a regular file or was
// opened with O_APPEND.
//
// What you get: on Linux the disk space for the whole output is reserved
// at once, so a disk too small for it fails here, with an error wrapping
// ErrNoSpace, before any audio is written, rather than midway. Where the
// file system cannot reserve space (and on other systems) the file is
// only given its announced length.
//
// Close cuts the file back to what was written if fewer frames came, so
// the sizes in the header and the file's length agree. A process killed
// before Close leaves a file of the announced length whose header has the
// streaming sizes: readers take the unwritten rest for silence. Reserve
// may be called once, before or after some audio is written.
func (w *Writer) Reserve(frames int64) error {
	if w.closed {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	if frames < 0 {
		return fmt.Errorf("%w: Reserve of %d frames", ErrArgument, frames)
	}
	fs := int64(w.format.FrameSize())
	if frames > (w.max-w.n)/fs {
		return fmt.Errorf("%w: %d more frames after %d bytes of audio do not fit a %s file", ErrSizeLimit, frames, w.n, w.spec.Container)
	}
	if w.res != nil {
		return fmt.Errorf("%w: Reserve called twice", ErrArgument)
	}
	f, ok := w.dst.(*os.File)
	if !canReserve || !ok || w.seeker == nil {
		return nil
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || appendOnly(f) {
		return nil
	}
	audio := w.n + frames*fs
	end := w.start + w.head + audio
	switch {
	case len(w.after) > 0:
		end += audio&1 + w.tail // the pad byte and the chunks after the audio (never in Wave64)
	case audio&1 == 1 && w.spec.Container != riff.ContainerWave64:
		end++ // the pad byte
	}
	if end <= st.Size() {
		return nil
	}
	if err := w.bw.Flush(); err != nil {
		w.err = err
		return err
	}
	// The bytes already in the file are left alone; only the new range is
	// claimed.
	from := max(st.Size(), w.start+w.head+w.n)
	if err := allocateKnob(f, from, end-from); err != nil {
		if errors.Is(err, ErrNoSpace) {
			return fmt.Errorf("wavemap: reserving %d bytes in %s: %w", end-from, f.Name(), err)
		}
		// No preallocation on this file system: the file is only
		// extended to its announced length.
		if err := f.Truncate(end); err != nil {
			return fmt.Errorf("wavemap: extending %s to %d bytes: %w", f.Name(), end, err)
		}
	}
	w.res = &reservation{file: f, sizeBefore: st.Size(), end: end}
	return nil
}

// allocateKnob is allocate, or (WAVEMAP_FALLOCATE=0, a benchmarking
// knob) an error that makes Reserve only extend the file.
func allocateKnob(f *os.File, off, n int64) error {
	if noFallocate {
		return errors.ErrUnsupported
	}
	return allocate(f, off, n)
}

// reserveAudio claims the n bytes of f at off for new audio (Create,
// Resize) where the system can. Only a lack of space is an error; a file
// system without preallocation leaves the range sparse.
func reserveAudio(f *os.File, off, n int64) error {
	if !canReserve || n <= 0 {
		return nil
	}
	if err := allocate(f, off, n); errors.Is(err, ErrNoSpace) {
		return fmt.Errorf("reserving %d bytes of audio: %w", n, err)
	}
	return nil
}

// reservation is the state of a Writer after Reserve.
//
// Reserve once also ran two helper goroutines that populated the page
// cache ahead of the writes, which paid off on one virtual machine whose
// host reclaimed freed pages; BenchmarkTranscodeToFile on another
// (2026-12-01) measured them at half the speed of plain writes, so they
// were removed: the reservation is fallocate and nothing else.
type reservation struct {
	file       *os.File
	sizeBefore int64 // the file's length before Reserve
	end        int64 // the announced end of the file
	kicked     int64 // the offset up to which write-back has been started
}

// writebackStep is how many newly written bytes start their write-back to
// disk at a time, so that the sync before a new file is renamed into
// place (see Create and the CLI's outputs) finds little left to write.
const writebackStep = 32 << 20

// wrote records that the file holds the Writer's bytes up to end, and
// starts the write-back of each writebackStep of them (a hint: errors
// are left to the final sync to report).
func (r *reservation) wrote(end int64) {
	if noWriteback || end-r.kicked < writebackStep {
		return
	}
	if r.kicked == 0 {
		r.kicked = r.sizeBefore
	}
	startWriteback(r.file, r.kicked, end-r.kicked)
	r.kicked = end
}

// finish cuts the file back to end (never below its length before
// Reserve) when fewer bytes came than announced.
func (r *reservation) finish(end int64) error {
	end = max(end, r.sizeBefore)
	if end >= r.end {
		return nil
	}
	if err := r.file.Truncate(end); err != nil {
		return fmt.Errorf("wavemap: cutting %s back to the %d bytes written: %w", r.file.Name(), end, err)
	}
	return nil
}
