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
	"slices"
	"unsafe"
)

// Gain under a journal: the protocol that journal.go describes.

// journalStep names a point of the protocol, for journalCrash.
type journalStep int

const (
	stepCreated  journalStep = iota // the journal is on disk under its temporary name
	stepCopied                      // a block's bytes are in a slot, the slot not yet marked busy
	stepBusy                        // the slot is busy, the block not yet edited
	stepHalf                        // half of the block is edited
	stepEdited                      // the block is edited, its record not yet written
	stepRecorded                    // the record is written, the slot not yet freed
	stepRestored                    // (rerun) a slot's bytes are back in the audio, the slot not yet freed
	stepComplete                    // (Sync) the complete marker is on disk, the journal not yet removed
)

// journalCrash, when a test sets it, is asked at each step of the
// protocol whether the process dies there: if so, the code returns
// errJournalCrash at once and leaves the files as a kill at that moment
// would (stepHalf edits half of the block first).
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
	if err := restoreSlots(j, m, kernel); err != nil {
		j.osf.Close()
		return 0, err
	}
	j.free = make(chan int, len(j.slots))
	for s := range j.slots {
		j.free <- s
	}
	n := int64(p.opts.BlockFrames)
	err = filePassMode(p, f, m, true, func(start int, b Frames[T]) error {
		return journalBlock(j, int64(start)/n, b, kernel)
	})
	if err != nil {
		j.osf.Close()
		return j.clipped(), err
	}
	return j.clipped(), j.complete(f, p.opts.Sync)
}

// openGainJournal opens the journal at p.opts.Journal and checks that it
// records a gain by factor of f, or creates one if there is none. It
// returns nil (and no error) when f has no frames: there is nothing to
// journal.
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
	if err != nil {
		jf.Close()
		return nil, err
	}
	return j, nil
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
	frames := f.hdr.Frames
	n := min(int64(p.opts.BlockFrames), frames)
	fsz := int64(f.Format().FrameSize())
	if n > math.MaxInt64/fsz {
		return nil, fmt.Errorf("%w: blocks of %d frames", ErrArgument, n)
	}
	blocks := (frames-1)/n + 1
	h := journalHeader{
		Magic: journalMagic, Version: journalVersion, Nonce: rand.Uint64(), Op: journalOpGain,
		Slots:  uint32(max(1, min(int64(p.opts.Workers), blocks, math.MaxUint16))),
		Factor: factor, BlockFrames: n, Blocks: blocks, BlockBytes: n * fsz,
		NoteLen: uint32(len(p.opts.JournalNote)),
	}
	copy(h.Note[:], p.opts.JournalNote)
	copy(h.BootID[:], bootID())
	if err := identity(&h, f); err != nil {
		return nil, err
	}
	l, ok := h.layout()
	if !ok {
		return nil, fmt.Errorf("%w: a journal for %d blocks of %d bytes is too large", ErrArgument, blocks, h.BlockBytes)
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
	fail := func(err error) (*journal, error) {
		jf.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("wavemap: writing journal %s: %w", tmp, err)
	}
	meta := make([]byte, l.slotData) // header, records and slot headers, allocated on disk
	copy(meta, h.encode())
	if _, err := jf.WriteAt(meta, 0); err != nil {
		return fail(err)
	}
	if err := jf.Truncate(l.size); err != nil { // the undo slots: a hole until used
		return fail(err)
	}
	if err := jf.Sync(); err != nil {
		return fail(err)
	}
	if crashAt(stepCreated, -1) {
		jf.Close()
		return nil, errJournalCrash
	}
	// Closed while renamed, as Windows wants.
	if err := jf.Close(); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("wavemap: writing journal %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("wavemap: creating the journal of %s: %w", f.name, err)
	}
	jf, err = os.OpenFile(path, os.O_RDWR, 0)
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	if err != nil {
		if jf != nil {
			jf.Close()
		}
		os.Remove(path)
		return nil, fmt.Errorf("wavemap: creating the journal of %s: %w", f.name, err)
	}
	p.opts.BlockFrames = int(n)
	j := &journal{path: path, osf: jf, h: h, l: l, done: make([]int64, blocks), slots: make([]int64, h.Slots),
		crcs: make([]uint32, h.Slots), boot: true}
	for k := range j.done {
		j.done[k] = -1
	}
	for s := range j.slots {
		j.slots[s] = -1
	}
	return j, nil
}

// recordCell returns the offset of the record of block k.
func (j *journal) recordCell(k int64) int64 { return j.l.records + k*journalCellSize }

// journalBlock edits block k, b, with kernel under the journal j, unless
// the journal says it is done.
func journalBlock[T Sample](j *journal, k int64, b Frames[T], kernel func([]T) int64) error {
	if j.done[k] >= 0 {
		return nil
	}
	s := <-j.free
	orig := sampleBytes(b.Data)
	if _, err := j.osf.WriteAt(orig, j.l.slotData+int64(s)*j.l.slotStride); err != nil {
		j.free <- s
		return fmt.Errorf("wavemap: writing journal %s: %w", j.path, err)
	}
	// From here on an error keeps the slot: it may be marked busy.
	if crashAt(stepCopied, k) {
		return errJournalCrash
	}
	if err := j.putSlot(s, k, crc32.ChecksumIEEE(orig)); err != nil {
		return err
	}
	if crashAt(stepBusy, k) {
		return errJournalCrash
	}
	if crashAt(stepHalf, k) {
		kernel(b.Data[:len(b.Data)/2])
		return errJournalCrash
	}
	n := kernel(b.Data)
	if crashAt(stepEdited, k) {
		return errJournalCrash
	}
	if err := j.putCell(j.recordCell(k), uint64(n), cellCheck(j.h.Nonce, cellRecord, k, uint64(n))); err != nil {
		return err
	}
	j.done[k] = n
	if crashAt(stepRecorded, k) {
		return errJournalCrash
	}
	if err := j.putSlot(s, -1, 0); err != nil {
		return err
	}
	j.free <- s
	return nil
}

// restoreSlots puts the saved bytes of every busy slot of j back into
// its block of m, after checking every one of them against the block:
// each sample must be either as saved or as kernel makes it from the saved
// value, or nothing is restored and the error wraps ErrInterrupted.
func restoreSlots[T Sample](j *journal, m Frames[T], kernel func([]T) int64) error {
	var z T
	size := int(unsafe.Sizeof(z))
	n := j.h.BlockFrames
	for restore := range 2 {
		for s, k := range j.slots {
			if k < 0 {
				continue
			}
			blk := m.Slice(int(k*n), int(min((k+1)*n, j.h.Frames))).Data
			saved := make([]T, len(blk))
			sb := sampleBytes(saved)
			if _, err := j.osf.ReadAt(sb, j.l.slotData+int64(s)*j.l.slotStride); err != nil {
				return fmt.Errorf("wavemap: reading journal %s: %w", j.path, err)
			}
			cur := sampleBytes(blk)
			if restore == 1 {
				if err := Guard(func() error { copy(cur, sb); return nil }); err != nil {
					return err
				}
				if crashAt(stepRestored, k) {
					return errJournalCrash
				}
				if j.done[k] >= 0 {
					if err := j.putCell(j.recordCell(k), 0, 0); err != nil {
						return err
					}
					j.done[k] = -1
				}
				if err := j.putSlot(s, -1, 0); err != nil {
					return err
				}
				j.slots[s] = -1
				continue
			}
			if crc32.ChecksumIEEE(sb) != j.crcs[s] {
				return damaged(j.path, "the bytes of undo slot %d do not match their checksum", s)
			}
			edited := slices.Clone(saved)
			kernel(edited)
			eb := sampleBytes(edited)
			bad := -1
			if err := Guard(func() error {
				for i := 0; i < len(cur) && bad < 0; i += size {
					c := cur[i : i+size]
					if string(c) != string(sb[i:i+size]) && string(c) != string(eb[i:i+size]) {
						bad = i / size
					}
				}
				return nil
			}); err != nil {
				return err
			}
			if bad >= 0 {
				return fmt.Errorf("wavemap: sample %d of block %d of the audio is neither as journal %s saved it nor as the gain makes it: "+
					"the file changed since the edit was interrupted, or the journal is damaged; nothing changed: %w",
					bad, k, j.path, ErrInterrupted)
			}
		}
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
			err = j.putCell(journalDoneAt, 1, cellCheck(j.h.Nonce, cellComplete, 0, 1))
		}
		if err == nil {
			err = j.osf.Sync()
		}
		if err == nil && crashAt(stepComplete, -1) {
			err = errJournalCrash
		}
		if err != nil {
			j.osf.Close()
			return err
		}
	}
	if err := j.osf.Close(); err != nil {
		return fmt.Errorf("wavemap: closing journal %s: %w", j.path, err)
	}
	if err := os.Remove(j.path); err != nil {
		return fmt.Errorf("wavemap: removing the journal of a finished edit: %w", err)
	}
	return nil
}
