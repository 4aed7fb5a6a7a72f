package wavemap

import (
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync/atomic"
	"unsafe"

	"github.com/wavemap/wavemap/internal/mmap"
)

// Gain under a journal: the protocol that journal.go describes.

// journalStep names a point of the protocol, for journalCrash.
type journalStep int

const (
	stepCreated  journalStep = iota // the journal is on disk under its temporary name
	stepCopied                      // a chunk is saved, the slot's state not yet switched to it
	stepBusy                        // the state names the chunk, not yet edited
	stepHalf                        // half of the chunk is edited
	stepEdited                      // the chunk is edited, the next not yet saved
	stepRecorded                    // the block's record is stored, its slot not yet freed
	stepRestored                    // (rerun) a saved chunk is back in the audio, its block not yet finished
	stepComplete                    // (Sync) the complete word is on disk, the journal not yet removed
)

// journalCrash, when a test sets it, is asked at each step of the
// protocol whether the process dies there: if so, the code returns
// errJournalCrash at once and leaves the files as a kill at that moment
// would (stepHalf edits half of the chunk first).
var journalCrash func(step journalStep, block int64) bool

var errJournalCrash = errors.New("wavemap: simulated crash")

func crashAt(step journalStep, k int64) bool { return journalCrash != nil && journalCrash(step, k) }

// journaledGain is gainFile with a journal at p.opts.Journal: it creates
// the journal, or finishes the edit an existing one records.
func journaledGain[T Sample](p *passRun, f *File, m Frames[T], factor float64, kernel func([]T) int64) (int64, error) {
	if f.mode != ReadWrite {
		return 0, fmt.Errorf("%w: a journal protects edits of a ReadWrite file; %s is open %v", ErrArgument, f.name, f.mode)
	}
	if err := p.stopped(0, f.hdr.Frames); err != nil {
		return 0, err
	}
	j, err := openGainJournal(p, f, factor)
	if err != nil || j == nil {
		return 0, err
	}
	p.opts.BlockFrames = int(j.h.BlockFrames)
	p.opts.Workers = min(p.opts.Workers, int(j.h.Slots))
	if err := Guard(func() error { return finishSlots(j, m, kernel) }); err != nil {
		j.close()
		return j.clipped(), err
	}
	j.free = make(chan int, len(j.slots))
	for s := range j.slots {
		j.free <- s
	}
	n := int64(p.opts.BlockFrames)
	var src *preadSource // gainPwrite: chunks through a buffer, see chunkWriter
	if p.gain == gainPwrite {
		src = newPreadSource(f, m, 1, p.opts.Workers)
		if src != nil {
			f.syncFile = true
		}
	}
	err = filePassMode(p, f, m, true, func(start int, b Frames[T]) error {
		k := int64(start) / n
		if j.done[k] >= 0 {
			return nil
		}
		var w *chunkWriter[T]
		if src != nil {
			w = newChunkWriter[T](src, int64(start)*src.frame, int64(len(b.Data)), j.h.ChunkSamples)
			defer w.done()
		}
		s := <-j.free
		if err := journalBlock(j, s, k, b.Data, 0, 0, kernel, w); err != nil {
			return err // the slot is not given back: it may be busy
		}
		j.free <- s
		return nil
	})
	if err != nil {
		j.close()
		return j.clipped(), err
	}
	return j.clipped(), j.complete(f, p.opts.Sync)
}

// openGainJournal opens the journal at p.opts.Journal and checks that it
// records a gain by factor of f, or creates one if there is none. It
// returns nil (and no error) when f has no frames: there is nothing to
// journal. The journal is mapped on return.
func openGainJournal(p *passRun, f *File, factor float64) (*journal, error) {
	path := p.opts.Journal
	jf, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		if f.hdr.Frames == 0 {
			return nil, nil
		}
		return createJournal(p, f, factor)
	}
	if err != nil {
		return nil, fmt.Errorf("wavemap: opening the journal of %s: %w", f.name, err)
	}
	j, err := loadJournal(path, jf)
	if err == nil {
		err = j.matches(f, factor)
	}
	if err == nil {
		err = j.mapRW()
	}
	if err != nil {
		jf.Close()
		return nil, err
	}
	return j, nil
}

// mapRW maps the journal read-write.
func (j *journal) mapRW() error {
	mp, err := mmap.Map(j.osf, 0, j.l.size, mmap.ReadWrite)
	if err != nil {
		return fmt.Errorf("wavemap: mapping journal %s: %w", j.path, err)
	}
	j.mp = mp
	return nil
}

// close unmaps and closes the journal, leaving it in place.
func (j *journal) close() error {
	var err error
	if j.mp != nil {
		err = j.mp.Unmap()
		j.mp = nil
	}
	if cerr := j.osf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("wavemap: closing journal %s: %w", j.path, err)
	}
	return nil
}

// matches returns nil if j records a gain by factor of f that can be
// finished, and otherwise an error wrapping ErrInterrupted.
func (j *journal) matches(f *File, factor float64) error {
	if err := j.sameFile(f); err != nil {
		return err
	}
	i := j.info()
	if math.Float64bits(j.h.Factor) != math.Float64bits(factor) {
		return fmt.Errorf("wavemap: %s: journal %s records an unfinished gain by a factor of %v (%d of %d blocks done); "+
			"a gain by %v cannot start until it is finished (by a gain with its factor) or its journal removed; nothing changed: %w",
			f.name, j.path, j.h.Factor, i.Done, i.Blocks, factor, ErrInterrupted)
	}
	if i.Restarted {
		return fmt.Errorf("wavemap: %s: the system restarted before the gain recorded in journal %s finished (%d of %d blocks done): "+
			"what the journal says may not have reached the disk, so the edit cannot be finished exactly; nothing changed: %w",
			f.name, j.path, i.Done, i.Blocks, ErrInterrupted)
	}
	return nil
}

// createJournal writes a new journal for a gain by factor of f, on disk
// before it returns, and adjusts p.opts.BlockFrames to the blocks it
// records.
func createJournal(p *passRun, f *File, factor float64) (*journal, error) {
	if len(p.opts.JournalNote) > journalNoteMax {
		return nil, fmt.Errorf("%w: a journal note of %d bytes (at most %d)", ErrArgument, len(p.opts.JournalNote), journalNoteMax)
	}
	fm := f.Format()
	frames := f.hdr.Frames
	n := min(int64(p.opts.BlockFrames), frames)
	blocks := (frames-1)/n + 1
	h := journalHeader{
		Magic: journalMagic, Version: journalVersion, Nonce: rand.Uint64(), Op: journalOpGain,
		Slots:  uint32(max(1, min(int64(p.opts.Workers), blocks, 1<<16))),
		Factor: factor, BlockFrames: n, Blocks: blocks, ChunkSamples: int64(journalChunk / fm.Encoding.Size()),
		NoteLen: uint32(len(p.opts.JournalNote)),
	}
	copy(h.Note[:], p.opts.JournalNote)
	copy(h.BootID[:], bootID())
	if err := identity(&h, f); err != nil {
		return nil, err
	}
	l, ok := h.layout()
	if !ok {
		return nil, fmt.Errorf("%w: %d frames in blocks of %d are too many for a journal", ErrArgument, frames, n)
	}
	st, err := f.osf.Stat()
	if err != nil {
		return nil, err
	}
	path := p.opts.Journal
	tmp := path + ".new"
	jf, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, st.Mode().Perm()|0o600)
	if err != nil {
		return nil, fmt.Errorf("wavemap: creating the journal of %s: %w", f.name, err)
	}
	all := make([]byte, l.size) // all of it allocated on disk: stores through the mapping cannot fault
	copy(all, h.encode())
	_, err = jf.WriteAt(all, 0)
	if err == nil {
		err = jf.Sync()
	}
	if err == nil && crashAt(stepCreated, -1) {
		jf.Close()
		return nil, errJournalCrash
	}
	if cerr := jf.Close(); err == nil { // closed while renamed, as Windows wants
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("wavemap: writing journal %s: %w", path, err)
	}
	j := &journal{path: path, h: h, l: l, done: make([]int64, blocks), slots: make([]slotInFlight, h.Slots), boot: true}
	for k := range j.done {
		j.done[k] = -1
	}
	for s := range j.slots {
		j.slots[s].block = -1
	}
	j.osf, err = os.OpenFile(path, os.O_RDWR, 0)
	if err == nil {
		err = syncDir(filepath.Dir(path))
		if err == nil {
			err = j.mapRW()
		}
		if err != nil {
			j.osf.Close()
		}
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("wavemap: creating the journal of %s: %w", f.name, err)
	}
	p.opts.BlockFrames = int(n)
	return j, nil
}

// ptr returns the word at off in the mapped journal.
func (j *journal) ptr(off int64) *uint64 { return (*uint64)(unsafe.Pointer(&j.mp.Bytes()[off])) }

// store stores the word w at off in the mapped journal, atomically and
// after every store before it.
func (j *journal) store(off int64, w uint64) { atomic.StoreUint64(j.ptr(off), le64(w)) }

// clipped returns the clipped samples of the blocks done.
func (j *journal) clipped() int64 {
	var n int64
	for _, d := range j.done {
		n += max(d, 0)
	}
	return n
}

// journalBlock edits the samples b of block k with kernel under slot s of
// the journal j, from chunk c0 on, the chunks before it being done with
// clipped samples clipped. It stores the block's record and frees the slot
// at the end. With w not nil, the chunks are edited in w's buffer and
// each is written to the file (w.commit) before the next is saved: the
// order of the stores is the same as through the mapping.
func journalBlock[T Sample](j *journal, s int, k int64, b []T, c0, clipped int64, kernel func([]T) int64, w *chunkWriter[T]) error {
	cs := j.h.ChunkSamples
	base := j.l.slots + int64(s)*journalSlot
	data := j.mp.Bytes()
	for c := c0; c*cs < int64(len(b)); c++ {
		lo, hi := c*cs, min((c+1)*cs, int64(len(b)))
		chunk := b[lo:hi]
		if w != nil {
			var err error
			if chunk, err = w.chunk(lo, hi); err != nil {
				return err
			}
		}
		src := sampleBytes(chunk)
		pos := k*j.l.chunksPerBlock + c
		buf := base + slotBuf + (c%2)*journalPage
		copy(data[buf:buf+int64(len(src))], src)
		j.store(base+slotCRC+8*(c%2), crcWord(j.h.Nonce, pos, crc32.ChecksumIEEE(src)))
		j.store(base+slotRun+8*(c%2), word(j.h.Nonce, wordRun, pos, uint64(clipped+1)))
		if crashAt(stepCopied, k) {
			return errJournalCrash
		}
		j.store(base+slotState, word(j.h.Nonce, wordState, int64(s), uint64(pos+1)))
		if crashAt(stepBusy, k) {
			return errJournalCrash
		}
		if crashAt(stepHalf, k) {
			kernel(chunk[:len(chunk)/2])
			if w != nil {
				if err := w.commit(lo, chunk[:len(chunk)/2]); err != nil {
					return err
				}
			}
			return errJournalCrash
		}
		clipped += kernel(chunk)
		if w != nil {
			if err := w.commit(lo, chunk); err != nil {
				return err
			}
		}
		if crashAt(stepEdited, k) {
			return errJournalCrash
		}
	}
	j.store(journalPage+8*k, word(j.h.Nonce, wordRecord, k, uint64(clipped+1)))
	j.done[k] = clipped
	if crashAt(stepRecorded, k) {
		return errJournalCrash
	}
	j.store(base+slotState, 0)
	return nil
}

// finishSlots puts the saved chunk of every busy slot of j back into the
// audio m, and finishes its block. It first checks every saved chunk
// against its CRC and against the audio (each sample must be either as
// saved or as kernel makes it from the saved value), and refuses, with
// nothing changed and an error wrapping ErrInterrupted, if one fails.
func finishSlots[T Sample](j *journal, m Frames[T], kernel func([]T) int64) error {
	var z T
	size := int64(unsafe.Sizeof(z))
	cs := j.h.ChunkSamples
	data := j.mp.Bytes()
	type saved struct {
		s     int
		block []T    // the block's samples in the audio
		chunk []T    // the chunk's samples in the audio
		orig  []byte // the saved bytes, in the journal
	}
	var busy []saved
	for s, st := range j.slots {
		if st.block < 0 {
			continue
		}
		lo := st.block * j.l.blockSamples
		blk := m.Data[lo : lo+j.blockSamples(st.block)]
		chunk := blk[st.chunk*cs : min((st.chunk+1)*cs, int64(len(blk)))]
		buf := j.l.slots + int64(s)*journalSlot + slotBuf + (st.chunk%2)*journalPage
		orig := data[buf : buf+int64(len(chunk))*size]
		if crc32.ChecksumIEEE(orig) != st.crc {
			return damaged(j.path, "the saved chunk of undo slot %d does not match its checksum", s)
		}
		edited := make([]T, len(chunk))
		copy(sampleBytes(edited), orig)
		kernel(edited)
		eb, cur := sampleBytes(edited), sampleBytes(chunk)
		for i := int64(0); i < int64(len(cur)); i += size {
			if c := string(cur[i : i+size]); c != string(orig[i:i+size]) && c != string(eb[i:i+size]) {
				return fmt.Errorf("wavemap: sample %d of block %d of the audio is neither as journal %s saved it nor as the gain makes it: "+
					"the file changed since the edit was interrupted, or the journal is damaged; nothing changed: %w",
					st.chunk*cs+i/size, st.block, j.path, ErrInterrupted)
			}
		}
		busy = append(busy, saved{s, blk, chunk, orig})
	}
	for _, b := range busy {
		st := j.slots[b.s]
		copy(sampleBytes(b.chunk), b.orig)
		if crashAt(stepRestored, st.block) {
			return errJournalCrash
		}
		j.done[st.block] = -1
		if err := journalBlock(j, b.s, st.block, b.block, st.chunk, st.clipped, kernel, nil); err != nil {
			return err
		}
		j.slots[b.s].block = -1
	}
	return nil
}

// complete ends a journaled edit whose every block is done: with sync, it
// flushes f and marks the journal complete on disk first, so that a power
// loss cannot separate the removal of the journal from the edit.
func (j *journal) complete(f *File, sync bool) error {
	if sync {
		err := f.Flush()
		if err == nil {
			j.store(journalDoneAt, word(j.h.Nonce, wordComplete, 0, 1))
			err = j.mp.Sync()
		}
		if err == nil && crashAt(stepComplete, -1) {
			err = errJournalCrash
		}
		if err != nil {
			j.close()
			return err
		}
	}
	if err := j.close(); err != nil {
		return err
	}
	if err := os.Remove(j.path); err != nil {
		return fmt.Errorf("wavemap: removing the journal of a finished edit: %w", err)
	}
	return nil
}
