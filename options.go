package wavemap

import (
	"fmt"
	"io/fs"

	"github.com/wavemap/wavemap/internal/mmap"
)

// Mode says how a file is opened.
type Mode uint8

// Modes, after Python's numpy.memmap and wavemap: "r", "r+" and "c".
const (
	// ReadOnly maps the samples read-only: writing to a view faults. The
	// file is never changed, not even its access metadata beyond what the
	// operating system does for reads.
	ReadOnly Mode = iota + 1
	// ReadWrite maps the samples shared: writes to a view land in the file
	// (Flush forces them to stable storage). Only the data chunk is mapped,
	// so nothing outside it can change.
	ReadWrite
	// CopyOnWrite maps the samples privately: views are writable, but the
	// changes stay in this process's memory and the file never changes.
	CopyOnWrite
)

// String returns "r", "r+" or "c".
func (m Mode) String() string {
	switch m {
	case ReadOnly:
		return "r"
	case ReadWrite:
		return "r+"
	case CopyOnWrite:
		return "c"
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// ParseMode returns the Mode for "r", "r+" or "c" (also "w" ... are
// refused: use Create to make a new file).
func ParseMode(s string) (Mode, error) {
	switch s {
	case "r":
		return ReadOnly, nil
	case "r+":
		return ReadWrite, nil
	case "c":
		return CopyOnWrite, nil
	}
	return 0, fmt.Errorf("%w: unknown mode %q (want r, r+ or c; Create makes new files)", ErrArgument, s)
}

// Advice is a hint to the kernel about how a range of samples will be used.
type Advice uint8

// Advice values. They map onto madvise(2) on Unix and are ignored on
// Windows.
const (
	AdviseNormal     Advice = iota // no special treatment
	AdviseSequential               // read ahead aggressively, free behind
	AdviseRandom                   // do not read ahead
	AdviseWillNeed                 // start reading the range in now
	AdviseDontNeed                 // the range will not be needed soon: free its clean pages
)

// String returns the advice's name.
func (a Advice) String() string {
	switch a {
	case AdviseNormal:
		return "normal"
	case AdviseSequential:
		return "sequential"
	case AdviseRandom:
		return "random"
	case AdviseWillNeed:
		return "willneed"
	case AdviseDontNeed:
		return "dontneed"
	}
	return fmt.Sprintf("Advice(%d)", uint8(a))
}

// mmap returns the mapping's advice for a, and false for a value that is
// not one of the Advice constants.
func (a Advice) mmap() (mmap.Advice, bool) {
	switch a {
	case AdviseNormal:
		return mmap.Normal, true
	case AdviseSequential:
		return mmap.Sequential, true
	case AdviseRandom:
		return mmap.Random, true
	case AdviseWillNeed:
		return mmap.WillNeed, true
	case AdviseDontNeed:
		return mmap.DontNeed, true
	}
	return 0, false
}

// Options adjust Open, OpenRaw and Create; NewReader uses Warn and Strict,
// NewWriter uses Container and Metadata. A nil *Options means the
// defaults, and every field's zero value is its default.
type Options struct {
	// Warn, if not nil, is called with each recoverable problem found
	// while opening, in file order. The problems are also kept in
	// Header().Warnings.
	Warn func(Warning)
	// Strict makes every recoverable problem an error: Open returns a
	// *FormatError wrapping the first Warning.
	Strict bool
	// Advice is given to the kernel for the whole data range after mapping.
	Advice Advice
	// Container selects the container Create writes. AutoContainer (the
	// default) writes plain RIFF with room reserved for a ds64 chunk and
	// switches to RF64 when the data passes 4 GiB (RIFX, for a format of
	// big-endian samples); RIFF refuses sizes over 4 GiB; RF64, BW64 and
	// Wave64 force those formats; RIFX writes big-endian RIFF, which
	// wants big-endian samples (or u8, A-law or mu-law) and refuses sizes
	// over 4 GiB.
	Container Container
	// NoClobber makes Create fail with an error wrapping fs.ErrExist
	// instead of replacing an existing file, and Close fail the same way,
	// leaving it alone, if a file appeared at the name in the meantime.
	NoClobber bool
	// Perm is the permission bits (0777 only) Create gives a new file
	// that replaces none; zero means 0666 minus the umask. A file that
	// is replaced passes its own bits on instead.
	Perm fs.FileMode
	// Sparse makes Create, and Resize and Append on the File opened or
	// created with these options, leave new audio space a hole in the
	// file instead of reserving disk blocks for it. A sparse file costs no disk
	// until written, which suits huge files of silence, but if the disk
	// fills up before the samples are written, a store through the
	// mapping is a SIGBUS that kills the process (unless it happens inside
	// Guard). By default Create reserves the space where the system can
	// (fallocate on Linux), so a full disk fails at Create (or Resize),
	// with an error wrapping ErrNoSpace.
	Sparse bool
	// NoLock makes Open and OpenRaw take no lock, for callers that
	// coordinate access to their files themselves. By default the file is
	// locked until Close: exclusively in ReadWrite mode, shared in
	// ReadOnly and CopyOnWrite, so that a second writer, a reader while a
	// writer has the file, or a writer while readers have it fails at once
	// with ErrLocked instead of losing edits or reading a half-edited
	// file. The lock is advisory (flock(2) on Unix, LockFileEx on Windows,
	// none elsewhere): it stops other wavemap Files and programs that take
	// the same lock, in this process (each Open is its own holder) and in
	// others, but not programs that do not lock (sox, ffmpeg, editors) and
	// not on file systems where the lock is local or absent (some NFS
	// mounts; where the system has no locks the file opens unlocked).
	NoLock bool
	// Metadata, if not nil, holds the chunks that Create (and CreateLike,
	// CopyTo and NewWriter) write into the new file besides those that
	// frame the audio: LIST, bext, iXML, cue, smpl ... (see Metadata),
	// byte for byte and in their order. Chunks without AfterData go
	// between fmt (and fact) and the data, followed by a JUNK chunk of at
	// least 1 KiB, so that the data starts at a multiple of 4096 and the
	// chunks can later grow in place; chunks with AfterData follow the
	// audio, written when the file is finished (Close), and the RIFF,
	// ds64 or Wave64 sizes count them. Where chunks cannot follow the
	// audio they are written before it, after the others: in Wave64 files
	// (libsndfile, and so sox, reads every byte after a Wave64 data chunk
	// as audio) and in a Writer's stream that cannot seek. Chunks that
	// frame the audio (fmt, fact, ds64, data, JUNK and the other padding
	// chunks) are refused with ErrArgument.
	//
	// nil means none for Create and NewWriter, and the source's chunks
	// for CreateLike and CopyTo; a non-nil empty Metadata writes none. A
	// file without metadata chunks has the layout it had before this
	// field existed: the data at a multiple of 16, no room reserved.
	// Open and OpenRaw ignore the field.
	Metadata *Metadata

	// noSilence makes Create leave the audio as the new file space reads
	// (zeros), for callers that write every sample at once (RepairTo).
	noSilence bool
}

func (o *Options) orDefault() *Options {
	if o == nil {
		return &Options{}
	}
	return o
}

// Raw describes a headerless file for OpenRaw: the samples' format, the
// bytes to skip before them, the bytes to leave after them, and how many
// frames to map.
type Raw struct {
	Format  Format
	Offset  int64 // bytes before the first sample (a header to skip)
	Trailer int64 // bytes after the last sample (Python's roffset)
	// Frames is the number of frames to map; 0 means as many whole frames
	// as fit between Offset and Trailer (a ragged tail is a warning).
	Frames int64
}
