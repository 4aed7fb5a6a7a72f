package wavemap

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

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
// ErrNoSpace, before any audio is written, rather than midway; and the
// writes that follow may run faster, since the Writer can prepare the
// file's pages ahead of them. Where the file system cannot reserve space
// (and on other systems) the file is only given its announced length.
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
	if audio&1 == 1 && w.spec.Container != riff.ContainerWave64 {
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
	if err := allocate(f, from, end-from); err != nil {
		if errors.Is(err, ErrNoSpace) {
			return fmt.Errorf("wavemap: reserving %d bytes in %s: %w", end-from, f.Name(), err)
		}
		// No preallocation on this file system: extending the file is
		// enough for the page-cache helpers.
		if err := f.Truncate(end); err != nil {
			return fmt.Errorf("wavemap: extending %s to %d bytes: %w", f.Name(), end, err)
		}
	}
	w.res = &reservation{file: f, sizeBefore: st.Size(), end: end}
	w.res.startPrefetch(w.start + w.head + w.n)
	if w.res.stopC != nil {
		runtime.AddCleanup(w, (*reservation).quit, w.res)
	}
	return nil
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

// How Reserve works: fallocate, and while the audio is
// written the Writer times its writes; where fresh page-cache pages come
// slowly (virtual machines whose host reclaims freed memory fault every
// new page in on first touch), two helper goroutines touch the pages a
// few megabytes ahead of the write offset, spreading that cost over the
// cores. Close stops them; so does the garbage collector for a Writer
// dropped without Close.
//
// reservation is the state of a Writer after Reserve.
type reservation struct {
	file       *os.File
	sizeBefore int64 // the file's length before Reserve
	end        int64 // the announced end of the file

	// Page-cache helpers (Linux only; none when there is one CPU).
	at       atomic.Int64    // offset the Writer has written up to
	wake     []chan struct{} // one per helper, capacity 1
	wg       sync.WaitGroup
	stopC    chan struct{}
	quitOnce sync.Once
	// helpUntil is the offset up to which the helpers are on; sampled
	// and sampleTime add up the writes timed since. All three are owned
	// by the Writer's goroutine.
	helpUntil  int64
	sampled    int64
	sampleTime time.Duration
}

// prefetchStep is the range one helper brings in at a time, and
// prefetchAhead how far ahead of the write offset the helpers stay.
const (
	prefetchStep  = 8 << 20
	prefetchAhead = 48 << 20
)

// startPrefetch starts the helpers that populate the page cache of the
// reserved range ahead of the Writer's offset, each taking every n-th
// step.
func (r *reservation) startPrefetch(from int64) {
	n := min(2, runtime.GOMAXPROCS(0))
	if !canPrefetch || n < 2 {
		return
	}
	r.at.Store(from)
	r.stopC = make(chan struct{})
	first := from / prefetchStep * prefetchStep
	for k := range n {
		c := make(chan struct{}, 1)
		r.wake = append(r.wake, c)
		r.wg.Add(1)
		go r.helper(c, first+int64(k)*prefetchStep, int64(n)*prefetchStep)
	}
}

// helper populates [next, next+prefetchStep) then every stride bytes
// further, staying at most prefetchAhead ahead of the write offset and
// never behind it.
func (r *reservation) helper(wake chan struct{}, next, stride int64) {
	defer r.wg.Done()
	conn, err := r.file.SyscallConn()
	if err != nil {
		return
	}
	for {
		select {
		case <-r.stopC:
			return
		case <-wake:
		}
		at := r.at.Load()
		if next < at { // the writer got here first: skip to its offset
			next += (at - next + stride - 1) / stride * stride
		}
		limit := min(at+prefetchAhead, r.end)
		for next < limit {
			select {
			case <-r.stopC:
				return
			default:
			}
			n := min(int64(prefetchStep), r.end-next)
			ok := true
			if err := conn.Control(func(fd uintptr) { ok = populate(fd, next, n) }); err != nil || !ok {
				return // the file was closed under us, or the hint is refused
			}
			next += stride
		}
		if next >= r.end {
			return
		}
	}
}

// Populating ahead of the writer is worth it only where fresh pages are
// slow to come (a virtual machine whose host must back every page it
// reclaimed); where they come fast, the zeroing and the page-cache
// locking it adds slow the writer down instead. So the writer's own
// writes are timed while the helpers rest, over sampleWindow bytes at least (a
// single write can be slow because its thread was descheduled): slower
// than slowWrite, the helpers are turned on for the next helpOn bytes;
// sampling starts again past what they populated.
const (
	slowWrite    = 1.5e9 // bytes per second
	helpOn       = 256 << 20
	sampleWindow = 32 << 20
)

// wrote records that the Writer's write of n bytes, taking d, ended at
// offset at, and wakes the helpers when they are on. Only the Writer's
// goroutine calls it.
func (r *reservation) wrote(n int, d time.Duration, at int64) {
	if r.wake == nil {
		return
	}
	r.at.Store(at)
	if at >= r.helpUntil+prefetchAhead {
		r.sampled += int64(n)
		r.sampleTime += d
		if r.sampled < sampleWindow {
			return
		}
		slow := float64(r.sampled) < slowWrite*r.sampleTime.Seconds()
		r.sampled, r.sampleTime = 0, 0
		if !slow {
			return
		}
		r.helpUntil = at + helpOn
	} else if at >= r.helpUntil {
		return // past the helpers' turn, but still inside what they populated
	}
	for _, c := range r.wake {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// stop ends the helpers and waits for them.
func (r *reservation) stop() {
	if r.stopC == nil {
		return
	}
	r.quit()
	r.wg.Wait()
	r.wake = nil
}

// quit tells the helpers to end, once. It is also the cleanup of a Writer
// dropped without Close, so that its helpers do not outlive it.
func (r *reservation) quit() { r.quitOnce.Do(func() { close(r.stopC) }) }

// finish stops the helpers and cuts the file back to end (never below
// its length before Reserve) when fewer bytes came than announced.
func (r *reservation) finish(end int64) error {
	r.stop()
	end = max(end, r.sizeBefore)
	if end >= r.end {
		return nil
	}
	if err := r.file.Truncate(end); err != nil {
		return fmt.Errorf("wavemap: cutting %s back to the %d bytes written: %w", r.file.Name(), end, err)
	}
	return nil
}
