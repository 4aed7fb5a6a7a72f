package wavemap

import (
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

	"github.com/wavemap/wavemap/internal/mmap"
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
//   - each block of the pass (the blocks of filePass) is edited under one
//     of the journal's undo slots, one per worker, in chunks of 4 KiB: the
//     worker copies the chunk's original bytes into one of the slot's two
//     buffers (with their CRC-32 and the clipped count of the block so
//     far), then switches the slot's state word to that chunk, then edits
//     the chunk in the audio mapping. Once the block is done, its done
//     record (with its clipped count) is stored and the slot freed;
//   - a rerun first puts the saved bytes of the chunk each busy slot names
//     back into the audio (undoing an edit cut short) and finishes that
//     block from there, then edits every block without a done record, and
//     on completion removes the journal.
//
// The journal is mapped read-write, like the audio, and the state words
// and records are stored atomically after the bytes they describe. A
// process that dies (SIGKILL, a crash, an out-of-memory kill) loses none
// of its stores: both mappings are the page cache, which keeps each
// worker's stores in the order it made them, so the journal is always
// right about the audio and nothing needs to be forced to disk. The chunks
// are small enough to stay in the CPU's cache between the copy and the
// edit, so the copy costs little more than its cache traffic, and the
// journal stays small (12 KiB a worker). A power loss is different: the
// page cache is lost and its pages reach the disk in any order. The
// journal header is on disk before any sample changes, so an edit cut
// short by a power loss is never silent: a rerun finds the journal, sees
// that the system restarted since (the boot id, on Linux), and refuses,
// since the progress on disk may be stale. With PassOptions.Sync the
// audio is flushed before the journal is marked complete and removed, so
// that a power loss at any moment leaves either the whole edit on disk or
// the journal beside it; without Sync, a power loss soon after a finished
// edit can leave unwritten blocks without a journal, as with any program
// that leaves write-back to the kernel.
//
// The file, little-endian:
//
//	[0, 4096)       header page: journalHeader at 0, CRC-protected;
//	                the complete word at 2048
//	[4096, R)       done records, one word per block (R page-aligned)
//	[R, end)        undo slots, journalSlot bytes each:
//	                  +0     state word: the chunk in flight
//	                  +8     CRC words of buffers 0 and 1
//	                  +24    clipped-so-far words of buffers 0 and 1
//	                  +4096  buffer 0; +8192 buffer 1 (journalChunk bytes)
//
// A word is a value of up to 40 bits (never 0) and a 24-bit check of the
// journal's random nonce, the word's kind and index and the value; 0
// means "not done", "free" or "not complete". A CRC word holds the CRC-32
// (IEEE) of a buffer's bytes and a check binding it to the chunk. Any word
// whose check fails makes the journal damaged: a damaged, truncated or
// mismatched journal is refused before anything changes, with an error
// wrapping ErrInterrupted.

// journalMagic starts every journal.
var journalMagic = [8]byte{'W', 'M', 'J', 'R', 'N', 'L', '\r', '\n'}

const (
	journalVersion   = 1
	journalOpGain    = 1        // the only operation so far
	journalPage      = 4096     // alignment of the regions
	journalDoneAt    = 2048     // offset of the complete word
	journalChunk     = 4096     // bytes of audio saved at a time (at most)
	journalSlot      = 3 * 4096 // bytes of an undo slot
	journalHashLimit = 64 << 10 // bytes before the audio hashed into the identity
	journalNoteMax   = 256
	journalMaxValue  = 1<<40 - 1 // the largest value of a word
	journalSuffix    = ".wavemap-journal"
)

// Offsets in an undo slot.
const (
	slotState = 0
	slotCRC   = 8  // + 8 * buffer
	slotRun   = 24 // + 8 * buffer
	slotBuf   = journalPage
)

// Kinds of word, mixed into their checks.
const (
	wordRecord   = 'R'
	wordState    = 'S'
	wordCRC      = 'C'
	wordRun      = 'N'
	wordComplete = 'D'
)

// journalHeader is the header of a journal file, encoded little-endian
// with encoding/binary at offset 0.
type journalHeader struct {
	Magic        [8]byte  // journalMagic
	Version      uint32   // journalVersion
	CRC          uint32   // CRC-32 (IEEE) of the encoded header with this field zero
	Nonce        uint64   // random: ties the words to this journal
	Op           uint32   // journalOpGain
	Slots        uint32   // number of undo slots (the workers of the first run)
	Factor       float64  // the gain factor
	BlockFrames  int64    // frames per block
	Blocks       int64    // ceil(Frames / BlockFrames)
	ChunkSamples int64    // samples per chunk: journalChunk / sample size
	FileSize     int64    // the audio file's size in bytes
	DataOffset   int64    // offset of the audio in it
	Frames       int64    // frames of audio
	Encoding     uint32   // Format.Encoding
	Channels     uint32   // Format.Channels
	ValidBits    uint32   // Format.ValidBits
	SampleRate   uint32   // Format.SampleRate
	Dev, Ino     uint64   // device and inode of the audio file (0 where unknown)
	HeaderHash   [32]byte // SHA-256 of the file's first min(DataOffset, 64 KiB) bytes
	BootID       [40]byte // the system's boot id when the journal was made ("" where unknown)
	NoteLen      uint32   // bytes of Note used
	Note         [journalNoteMax]byte
}

// journalLayout is where the regions of a journal lie, and how its
// blocks divide into chunks.
type journalLayout struct {
	slots, size    int64 // offset of the first slot, size of the journal
	blockSamples   int64 // samples of a whole block
	chunksPerBlock int64 // chunks of a whole block (the last block may have fewer)
}

// layout returns the regions of the journal h describes, or false when
// its numbers are out of range. h's format must be valid.
func (h *journalHeader) layout() (journalLayout, bool) {
	var l journalLayout
	ch := int64(h.Channels)
	if h.BlockFrames < 1 || h.Blocks < 1 || h.Slots < 1 || h.ChunkSamples < 1 || h.BlockFrames > journalMaxValue/ch {
		return l, false
	}
	l.blockSamples = h.BlockFrames * ch
	l.chunksPerBlock = (l.blockSamples-1)/h.ChunkSamples + 1
	if hi, n := bits.Mul64(uint64(h.Blocks), uint64(l.chunksPerBlock)); hi != 0 || n > journalMaxValue {
		return l, false
	}
	l.slots = roundPage(journalPage + 8*h.Blocks) // Blocks <= 2^40: no overflow
	l.size = l.slots + int64(h.Slots)*journalSlot
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

// check mixes the nonce, a kind of word, an index and a value.
func check(nonce uint64, kind byte, index int64, v uint64) uint64 {
	return journalMix(journalMix(journalMix(nonce^uint64(kind)<<56)^uint64(index)) ^ v)
}

// word returns the word of the given kind and index holding v (1 to
// journalMaxValue).
func word(nonce uint64, kind byte, index int64, v uint64) uint64 {
	return v<<24 | check(nonce, kind, index, v)&0xFFFFFF
}

// unword returns the value of w, a word of the given kind and index: 0
// for the zero word, and false if its check fails.
func unword(nonce uint64, kind byte, index int64, w uint64) (uint64, bool) {
	if w == 0 {
		return 0, true
	}
	v := w >> 24
	return v, v != 0 && word(nonce, kind, index, v) == w
}

// crcWord returns the CRC word of a buffer with this CRC holding the
// chunk at position pos.
func crcWord(nonce uint64, pos int64, crc uint32) uint64 {
	return uint64(uint32(check(nonce, wordCRC, pos, uint64(crc))))<<32 | uint64(crc)
}

// le64 converts between host and little-endian byte order for words
// stored through the mapping.
func le64(v uint64) uint64 {
	if hostLittleEndian {
		return v
	}
	return bits.ReverseBytes64(v)
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

// slotInFlight is what an undo slot says: the block and chunk in flight,
// with the clipped count of the block before that chunk and the CRC-32 of
// the chunk's saved bytes.
type slotInFlight struct {
	block, chunk, clipped int64 // block < 0: the slot is free
	crc                   uint32
}

// journal is an open journal file.
type journal struct {
	path   string
	osf    *os.File
	mp     *mmap.Mapping // the journal mapped read-write, while Gain runs
	h      journalHeader
	l      journalLayout
	done   []int64        // per block: its clipped count once done, else -1
	slots  []slotInFlight // per slot, as loaded
	finish bool           // the complete word is set
	boot   bool           // written in this boot of the system (or unknown)
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
	for _, s := range j.slots {
		if s.block == k {
			return true
		}
	}
	return false
}

// blockSamples returns the samples of block k.
func (j *journal) blockSamples(k int64) int64 {
	return min(j.l.blockSamples, j.h.Frames*int64(j.h.Channels)-k*j.l.blockSamples)
}

// damaged returns the error for a journal that cannot be trusted.
func damaged(path, format string, args ...any) error {
	return fmt.Errorf("wavemap: journal %s is damaged (%s); the audio file may be partly edited: %w",
		path, fmt.Sprintf(format, args...), ErrInterrupted)
}

// loadJournal reads and checks the whole journal in jf (the saved bytes
// of a busy slot are checked against their CRC when restored).
func loadJournal(path string, jf *os.File) (*journal, error) {
	st, err := jf.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() < journalPage {
		return nil, damaged(path, "%d bytes, shorter than its header", st.Size())
	}
	page := make([]byte, journalPage)
	if _, err := jf.ReadAt(page, 0); err != nil {
		return nil, fmt.Errorf("wavemap: reading journal %s: %w", path, err)
	}
	j := &journal{path: path, osf: jf}
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
	if err := f.Validate(); err != nil {
		return nil, damaged(path, "format: %v", err)
	}
	l, ok := h.layout()
	switch {
	case h.Op != journalOpGain:
		return nil, damaged(path, "unknown operation %d", h.Op)
	case math.IsNaN(h.Factor) || math.IsInf(h.Factor, 0):
		return nil, damaged(path, "factor %v", h.Factor)
	case !ok || int64(int(h.BlockFrames)) != h.BlockFrames || h.Frames < 1 || h.Blocks != (h.Frames-1)/h.BlockFrames+1 ||
		int64(h.Slots) > h.Blocks || h.ChunkSamples != int64(journalChunk/f.Encoding.Size()):
		return nil, damaged(path, "%d frames in %d blocks of %d, %d undo slots, chunks of %d samples",
			h.Frames, h.Blocks, h.BlockFrames, h.Slots, h.ChunkSamples)
	case h.NoteLen > journalNoteMax:
		return nil, damaged(path, "note of %d bytes", h.NoteLen)
	case l.size != st.Size():
		return nil, damaged(path, "%d bytes where its header asks for %d", st.Size(), l.size)
	}
	j.l = l
	rest := make([]byte, l.size-journalPage) // as large as the file, checked above
	if _, err := jf.ReadAt(rest, journalPage); err != nil {
		return nil, fmt.Errorf("wavemap: reading journal %s: %w", path, err)
	}
	at := func(off int64) uint64 { return binary.LittleEndian.Uint64(rest[off-journalPage:]) }
	j.done = make([]int64, h.Blocks)
	for k := range j.done {
		v, ok := unword(h.Nonce, wordRecord, int64(k), at(journalPage+8*int64(k)))
		if !ok || v > uint64(j.blockSamples(int64(k)))+1 {
			return nil, damaged(path, "the record of block %d", k)
		}
		j.done[k] = int64(v) - 1
	}
	j.slots = make([]slotInFlight, h.Slots)
	for s := range j.slots {
		j.slots[s].block = -1
	}
	for s := range j.slots {
		base := l.slots + int64(s)*journalSlot
		v, ok := unword(h.Nonce, wordState, int64(s), at(base+slotState))
		if !ok {
			return nil, damaged(path, "the state of undo slot %d", s)
		}
		if v == 0 {
			continue
		}
		pos := int64(v - 1)
		k, c := pos/l.chunksPerBlock, pos%l.chunksPerBlock
		if k >= h.Blocks || c*h.ChunkSamples >= j.blockSamples(k) || j.busy(k) {
			return nil, damaged(path, "undo slot %d holds chunk %d of block %d", s, c, k)
		}
		b := int64(c % 2)
		cw := at(base + slotCRC + 8*b)
		run, ok := unword(h.Nonce, wordRun, pos, at(base+slotRun+8*b))
		if cw != crcWord(h.Nonce, pos, uint32(cw)) || !ok || run == 0 || run > uint64(c*h.ChunkSamples)+1 {
			return nil, damaged(path, "the saved chunk of undo slot %d", s)
		}
		j.slots[s] = slotInFlight{block: k, chunk: c, clipped: int64(run) - 1, crc: uint32(cw)}
	}
	switch v, ok := unword(h.Nonce, wordComplete, 0, binary.LittleEndian.Uint64(page[journalDoneAt:])); {
	case !ok || v > 1:
		return nil, damaged(path, "the complete marker")
	case v == 1:
		for k, d := range j.done {
			if d < 0 || j.busy(int64(k)) {
				return nil, damaged(path, "marked complete, but block %d is not done", k)
			}
		}
		j.finish = true
	}
	var boot [40]byte
	copy(boot[:], bootID())
	j.boot = boot == [40]byte{} || h.BootID == [40]byte{} || boot == h.BootID
	return j, nil
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
