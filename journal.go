package wavemap

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// The journal of an in-place edit.
//
// Gain changes samples in place, and applying it twice to a sample is not
// applying it once: an edit cut short by a kill cannot simply be run
// again. With PassOptions.Journal set, Gain keeps a small file beside the
// audio that says, at every moment, how far the edit got:
//
//   - before the first sample changes, the journal is written under a
//     temporary name, forced to disk (fsync, and its directory) and
//     renamed into place. Its header records the operation, the factor,
//     the block size and the identity of the audio file (size, data
//     offset, frames, format, device and inode, a hash of the bytes before
//     the audio) and the boot of the system that wrote it;
//   - then, for each block of the pass (the blocks of filePass), the
//     worker copies the block's original bytes into a free undo slot,
//     marks the slot as holding that block (with a CRC-32 of the bytes),
//     edits the block in the mapping,
//     writes the block's done record (with its clipped count) and frees the
//     slot. There is one slot per worker, reused block after block, so the
//     journal stays small and its pages stay in the page cache;
//   - a rerun restores every busy slot's original bytes into its block
//     (undoing an edit cut short, or one whose slot was not yet freed),
//     edits every block without a done record, and on completion removes
//     the journal.
//
// A process that dies (SIGKILL, a crash, an out-of-memory kill) loses
// nothing it wrote: writes through the mapping and pwrites to the journal
// are both in the page cache, in the order each worker made them, so the
// journal is always right about the file and no write needs to be forced
// to disk. A power loss is different: the page cache is lost and its
// pages reach the disk in any order. The journal header is on disk before
// any sample changes, so an edit cut short by a power loss is never silent:
// a rerun finds the journal, sees that the system restarted since (the
// boot id, on Linux), and refuses, since the progress on disk may be
// stale. With PassOptions.Sync, the audio is flushed before the journal is
// marked complete and removed, so that a power loss at any moment leaves
// either the whole edit on disk or the journal beside it; without Sync, a
// power loss soon after a finished edit can leave unwritten blocks without
// a journal, as with any program that leaves write-back to the kernel.
//
// The file, little-endian:
//
//	[0, 4096)            header (journalHeader), CRC-protected
//	2048                 complete marker (journalCell)
//	[4096, +16*blocks)   done records, one journalCell per block
//	page-aligned         undo slot headers, 32 bytes per slot
//	page-aligned         undo slots, each a block's bytes rounded up to 4096
//
// A journalCell is two uint64s, a value and a check derived from the
// journal's random nonce, the cell's kind and index and the value. All
// zeros means "not done" (a record) or "not complete"; any other pair
// whose check does not match makes the journal damaged. A slot header is
// a block number plus one, the CRC-32 (IEEE) of the saved bytes, a check
// of the same kind and a zero uint64; all zeros means the slot is free.
// Cells and slot headers are aligned to their size, so that a pwrite of
// one never spans two pages: a kill can cut a write short between pages,
// never inside one. A damaged, truncated or mismatched journal is refused
// before anything changes, with an error wrapping ErrInterrupted.

// journalMagic starts every journal.
var journalMagic = [8]byte{'W', 'M', 'J', 'R', 'N', 'L', '\r', '\n'}

const (
	journalVersion   = 1
	journalOpGain    = 1        // the only operation so far
	journalPage      = 4096     // alignment of the regions
	journalDoneAt    = 2048     // offset of the complete marker
	journalCellSize  = 16       // bytes of a journalCell
	journalSlotSize  = 32       // bytes of an undo slot header
	journalHashLimit = 64 << 10 // bytes before the audio hashed into the identity
	journalNoteMax   = 256
	journalSuffix    = ".wavemap-journal"
)

// Kinds of journalCell, mixed into their checks.
const (
	cellRecord   = 'R'
	cellSlot     = 'S'
	cellComplete = 'C'
)

// journalHeader is the header of a journal file, encoded little-endian
// with encoding/binary at offset 0.
type journalHeader struct {
	Magic       [8]byte  // journalMagic
	Version     uint32   // journalVersion
	CRC         uint32   // CRC-32 (IEEE) of the encoded header with this field zero
	Nonce       uint64   // random: ties records and slots to this journal
	Op          uint32   // journalOpGain
	Slots       uint32   // number of undo slots (the workers of the first run)
	Factor      float64  // the gain factor
	BlockFrames int64    // frames per block
	Blocks      int64    // ceil(Frames / BlockFrames)
	BlockBytes  int64    // BlockFrames * frame size
	FileSize    int64    // the audio file's size in bytes
	DataOffset  int64    // offset of the audio in it
	Frames      int64    // frames of audio
	Encoding    uint32   // Format.Encoding
	Channels    uint32   // Format.Channels
	ValidBits   uint32   // Format.ValidBits
	SampleRate  uint32   // Format.SampleRate
	Dev, Ino    uint64   // device and inode of the audio file (0 where unknown)
	HeaderHash  [32]byte // SHA-256 of the file's first min(DataOffset, 64 KiB) bytes
	BootID      [40]byte // the system's boot id when the journal was made ("" where unknown)
	NoteLen     uint32   // bytes of Note used
	Note        [journalNoteMax]byte
}

// journalLayout is where the regions of a journal lie.
type journalLayout struct {
	records, slotHeads, slotData, slotStride, size int64
}

// layout returns the regions of the journal h describes, or false when
// they overflow.
func (h *journalHeader) layout() (journalLayout, bool) {
	var l journalLayout
	l.records = journalPage
	hi, n := bits.Mul64(uint64(h.Blocks), journalCellSize)
	if hi != 0 || n > math.MaxInt64/4 {
		return l, false
	}
	l.slotHeads = roundPage(l.records + int64(n))
	l.slotData = roundPage(l.slotHeads + int64(h.Slots)*journalSlotSize)
	if h.BlockBytes < 0 || h.BlockBytes > math.MaxInt64/4 {
		return l, false
	}
	l.slotStride = roundPage(h.BlockBytes)
	hi, n = bits.Mul64(uint64(h.Slots), uint64(l.slotStride))
	if hi != 0 || n > math.MaxInt64/2 {
		return l, false
	}
	l.size = l.slotData + int64(n)
	return l, true
}

func roundPage(n int64) int64 { return (n + journalPage - 1) &^ (journalPage - 1) }

// encode returns the header's bytes with its CRC filled in.
func (h *journalHeader) encode() []byte {
	h.CRC = 0
	b, err := binary.Append(nil, binary.LittleEndian, h)
	if err != nil {
		panic(err) // fixed-size struct: cannot fail
	}
	h.CRC = crc32.ChecksumIEEE(b)
	binary.LittleEndian.PutUint32(b[12:], h.CRC)
	return b
}

// note returns the header's note as a string.
func (h *journalHeader) note() string { return string(h.Note[:min(h.NoteLen, journalNoteMax)]) }

// format returns the audio format the header records.
func (h *journalHeader) format() Format {
	return Format{Encoding: Encoding(h.Encoding), Channels: int(h.Channels), SampleRate: int(h.SampleRate), ValidBits: int(h.ValidBits)}
}

// journalMix is the splitmix64 finaliser: a cheap, stable mixing of bits.
func journalMix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// cellCheck is the check of a cell of the given kind and index holding v
// in the journal with this nonce; it is never 0.
func cellCheck(nonce uint64, kind byte, index int64, v uint64) uint64 {
	c := journalMix(journalMix(journalMix(nonce^uint64(kind)<<56)^uint64(index)) ^ v)
	if c == 0 {
		c = 1
	}
	return c
}

// JournalPath returns the path of the journal the wavemap command keeps
// beside the audio file name while it edits it in place:
// ".NAME.wavemap-journal" in the same directory.
func JournalPath(name string) string {
	dir, base := filepath.Split(name)
	return filepath.Join(dir, "."+base+journalSuffix)
}

// JournalInfo is what a journal records about an in-place edit: one under
// way, or one that was interrupted.
type JournalInfo struct {
	Op          string  // the operation: "gain"
	Factor      float64 // its factor
	Note        string  // PassOptions.JournalNote of the edit
	BlockFrames int     // frames per block of the edit
	Blocks      int64   // blocks of the edit
	Done        int64   // blocks finished (those half done count as not done)
	// Complete: every block was done and the audio flushed; only the
	// removal of the journal was cut short.
	Complete bool
	// Restarted: the system restarted since the journal was written (Linux
	// only), so its record of progress may not have reached the disk: the
	// edit cannot be finished exactly, and Gain refuses to try.
	Restarted bool
}

// ReadJournal reads and checks the journal at path (see
// PassOptions.Journal). A missing journal gives an error wrapping
// fs.ErrNotExist; a damaged or truncated one an error wrapping
// ErrInterrupted.
func ReadJournal(path string) (*JournalInfo, error) {
	jf, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer jf.Close()
	j, err := loadJournal(path, jf)
	if err != nil {
		return nil, err
	}
	return j.info(), nil
}

// journal is an open journal file.
type journal struct {
	path   string
	osf    *os.File
	h      journalHeader
	l      journalLayout
	done   []int64  // per block: its clipped count once done, else -1
	slots  []int64  // per slot: the block it holds, else -1 (as loaded)
	crcs   []uint32 // per slot: the CRC-32 of the bytes it holds (as loaded)
	finish bool     // the complete marker is set
	boot   bool     // written in this boot of the system (or unknown)
	free   chan int
}

func (j *journal) info() *JournalInfo {
	i := &JournalInfo{Op: "gain", Factor: j.h.Factor, Note: j.h.note(), BlockFrames: int(j.h.BlockFrames),
		Blocks: j.h.Blocks, Complete: j.finish, Restarted: !j.boot && !j.finish}
	for k, d := range j.done {
		if d >= 0 && !j.busy(int64(k)) {
			i.Done++
		}
	}
	return i
}

// busy reports whether a slot holds block k.
func (j *journal) busy(k int64) bool {
	for _, b := range j.slots {
		if b == k {
			return true
		}
	}
	return false
}

// damaged returns the error for a journal that cannot be trusted.
func damaged(path, format string, args ...any) error {
	return fmt.Errorf("wavemap: journal %s is damaged (%s); the audio file may be partly edited: %w",
		path, fmt.Sprintf(format, args...), ErrInterrupted)
}

// loadJournal reads and checks the whole journal in jf (not its undo
// slots' bytes, which are checked against the audio when restored).
func loadJournal(path string, jf *os.File) (*journal, error) {
	st, err := jf.Stat()
	if err != nil {
		return nil, err
	}
	j := &journal{path: path, osf: jf}
	page := make([]byte, journalPage)
	if st.Size() < journalPage {
		return nil, damaged(path, "%d bytes, shorter than its header", st.Size())
	}
	if _, err := jf.ReadAt(page, 0); err != nil {
		return nil, fmt.Errorf("wavemap: reading journal %s: %w", path, err)
	}
	h := &j.h
	if _, err := binary.Decode(page, binary.LittleEndian, h); err != nil {
		return nil, damaged(path, "header: %v", err)
	}
	crc := h.CRC
	switch {
	case h.Magic != journalMagic:
		return nil, damaged(path, "not a wavemap journal: magic %q", h.Magic[:])
	case h.Version != journalVersion:
		return nil, damaged(path, "version %d, this program knows %d", h.Version, journalVersion)
	}
	if h.encode(); h.CRC != crc {
		return nil, damaged(path, "header checksum %#08x does not match its contents", crc)
	}
	f := h.format()
	l, ok := h.layout()
	switch {
	case h.Op != journalOpGain:
		return nil, damaged(path, "unknown operation %d", h.Op)
	case math.IsNaN(h.Factor) || math.IsInf(h.Factor, 0):
		return nil, damaged(path, "factor %v", h.Factor)
	case f.Validate() != nil:
		return nil, damaged(path, "format: %v", f.Validate())
	case h.BlockFrames < 1 || int64(int(h.BlockFrames)) != h.BlockFrames || h.Frames < 1 || h.Slots < 1:
		return nil, damaged(path, "%d frames in blocks of %d, %d undo slots", h.Frames, h.BlockFrames, h.Slots)
	case h.Blocks != (h.Frames-1)/h.BlockFrames+1 || int64(h.Slots) > h.Blocks:
		return nil, damaged(path, "%d blocks, %d undo slots for %d frames in blocks of %d", h.Blocks, h.Slots, h.Frames, h.BlockFrames)
	case h.BlockBytes/h.BlockFrames != int64(f.FrameSize()) || h.BlockBytes%h.BlockFrames != 0:
		return nil, damaged(path, "blocks of %d bytes for %d frames of %s", h.BlockBytes, h.BlockFrames, f)
	case h.NoteLen > journalNoteMax:
		return nil, damaged(path, "note of %d bytes", h.NoteLen)
	case !ok || l.size != st.Size():
		return nil, damaged(path, "%d bytes where its header asks for %d", st.Size(), l.size)
	}
	j.l = l
	meta := make([]byte, l.slotData-l.records) // bounded by the file's size, checked above
	if _, err := jf.ReadAt(meta, l.records); err != nil {
		return nil, fmt.Errorf("wavemap: reading journal %s: %w", path, err)
	}
	j.done = make([]int64, h.Blocks)
	for k := range j.done {
		v, c := cellAt(meta, int64(k)*journalCellSize)
		switch {
		case v == 0 && c == 0:
			j.done[k] = -1
		case c == cellCheck(h.Nonce, cellRecord, int64(k), v) && v <= uint64(h.BlockBytes):
			j.done[k] = int64(v)
		default:
			return nil, damaged(path, "the record of block %d", k)
		}
	}
	j.slots = make([]int64, h.Slots)
	j.crcs = make([]uint32, h.Slots)
	for s := range j.slots {
		j.slots[s] = -1
	}
	for s := range j.slots {
		off := l.slotHeads - l.records + int64(s)*journalSlotSize
		v, crc := cellAt(meta, off)
		c, zero := cellAt(meta, off+journalCellSize)
		switch {
		case v == 0 && crc == 0 && c == 0 && zero == 0:
		case c == slotCheck(h.Nonce, s, v, crc) && zero == 0 && crc <= math.MaxUint32 &&
			v >= 1 && v <= uint64(h.Blocks) && !j.busy(int64(v)-1):
			j.slots[s], j.crcs[s] = int64(v)-1, uint32(crc)
		default:
			return nil, damaged(path, "undo slot %d", s)
		}
	}
	switch v, c := cellAt(page, journalDoneAt); {
	case v == 0 && c == 0:
	case v == 1 && c == cellCheck(h.Nonce, cellComplete, 0, 1):
		for k, d := range j.done {
			if d < 0 || j.busy(int64(k)) {
				return nil, damaged(path, "marked complete, but block %d is not done", k)
			}
		}
		j.finish = true
	default:
		return nil, damaged(path, "the complete marker")
	}
	boot := bootID()
	j.boot = boot == "" || bytes.Equal(h.BootID[:], padBootID(boot)) || h.BootID == [40]byte{}
	return j, nil
}

// slotCheck is the check of the header of slot s holding block v-1
// whose bytes have this CRC.
func slotCheck(nonce uint64, s int, v, crc uint64) uint64 {
	return cellCheck(nonce, cellSlot, int64(s), journalMix(v)^crc)
}

// cellAt decodes the journalCell at off in b.
func cellAt(b []byte, off int64) (v, check uint64) {
	return binary.LittleEndian.Uint64(b[off:]), binary.LittleEndian.Uint64(b[off+8:])
}

// putCell writes a journalCell at off.
func (j *journal) putCell(off int64, v, check uint64) error {
	var b [journalCellSize]byte
	binary.LittleEndian.PutUint64(b[:], v)
	binary.LittleEndian.PutUint64(b[8:], check)
	return j.put(b[:], off)
}

// putSlot writes the header of slot s: holding block k with bytes of
// this CRC, or free if k < 0.
func (j *journal) putSlot(s int, k int64, crc uint32) error {
	var b [journalSlotSize]byte
	if k >= 0 {
		v := uint64(k + 1)
		binary.LittleEndian.PutUint64(b[:], v)
		binary.LittleEndian.PutUint64(b[8:], uint64(crc))
		binary.LittleEndian.PutUint64(b[16:], slotCheck(j.h.Nonce, s, v, uint64(crc)))
	}
	return j.put(b[:], j.l.slotHeads+int64(s)*journalSlotSize)
}

// put writes b at off in the journal.
func (j *journal) put(b []byte, off int64) error {
	if _, err := j.osf.WriteAt(b, off); err != nil {
		return fmt.Errorf("wavemap: writing journal %s: %w", j.path, err)
	}
	return nil
}

// clipped returns the clipped samples of the blocks done.
func (j *journal) clipped() int64 {
	var n int64
	for _, d := range j.done {
		n += max(d, 0)
	}
	return n
}

// identity fills in the fields of h that identify f: its format and
// sizes, its device and inode, and a hash of the bytes before its audio.
func identity(h *journalHeader, f *File) error {
	st, err := f.osf.Stat()
	if err != nil {
		return err
	}
	fm := f.Format()
	h.FileSize = st.Size()
	h.DataOffset = f.hdr.DataOffset
	h.Frames = f.hdr.Frames
	h.Encoding, h.Channels = uint32(fm.Encoding), uint32(fm.Channels)
	h.ValidBits, h.SampleRate = uint32(fm.ValidBits), uint32(fm.SampleRate)
	h.Dev, h.Ino = fileID(st)
	sum := sha256.New()
	if _, err := io.Copy(sum, io.NewSectionReader(f.osf, 0, min(f.hdr.DataOffset, journalHashLimit))); err != nil {
		return fmt.Errorf("wavemap: reading the header of %s: %w", f.name, err)
	}
	sum.Sum(h.HeaderHash[:0])
	return nil
}

// sameFile returns nil if the journal j was written for f as it is now,
// and otherwise an error saying what differs.
func (j *journal) sameFile(f *File) error {
	var now journalHeader
	if err := identity(&now, f); err != nil {
		return err
	}
	h := &j.h
	var what string
	switch {
	case now.FileSize != h.FileSize:
		what = fmt.Sprintf("a file of %d bytes, %s has %d", h.FileSize, f.name, now.FileSize)
	case now.DataOffset != h.DataOffset || now.Frames != h.Frames:
		what = fmt.Sprintf("%d frames at byte %d, %s has %d at byte %d", h.Frames, h.DataOffset, f.name, now.Frames, now.DataOffset)
	case h.format() != now.format():
		what = fmt.Sprintf("%s audio, %s holds %s", h.format(), f.name, now.format())
	case now.Dev != h.Dev || now.Ino != h.Ino:
		what = fmt.Sprintf("inode %d on device %d, %s is inode %d on device %d", h.Ino, h.Dev, f.name, now.Ino, now.Dev)
	case now.HeaderHash != h.HeaderHash:
		what = fmt.Sprintf("other header bytes than the first %d of %s", min(h.DataOffset, journalHashLimit), f.name)
	default:
		return nil
	}
	return fmt.Errorf("wavemap: journal %s is for another file or for %s before it changed (it records %s); nothing changed: %w",
		j.path, f.name, what, ErrInterrupted)
}

// bootID returns the identifier of this boot of the system, or "" where
// there is none (only Linux has one).
func bootID() string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// padBootID returns id in the 40 bytes of journalHeader.BootID.
func padBootID(id string) []byte {
	var b [40]byte
	copy(b[:], id)
	return b[:]
}

// syncDir forces the entries of directory dir to stable storage, where
// the system allows it (not on Windows).
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
