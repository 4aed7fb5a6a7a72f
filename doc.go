// Package wavemap memory-maps WAVE and raw PCM audio files as typed Go
// sample slices, so a program can read, edit in place and create audio
// files far larger than RAM without a decode step.
//
//	f, err := wavemap.Open("take.wav", wavemap.ReadWrite, nil)
//	if err != nil { ... }
//	defer f.Close()
//	s, err := wavemap.Samples[int16](f) // the file's samples, no copy
//	if err != nil { ... }               // *TypeError if the file is not s16
//	for i := range s {
//		s[i] /= 2 // lands in the file
//	}
//	err = f.Flush()
//
// Open costs one header parse whatever the file's size; pages of audio are
// read by the kernel when first touched.
//
// # Sample types
//
// Each Encoding has one Go type: u8 uint8 (silence at 128), s16 int16,
// s24 Int24 (packed 3-byte samples, mapped as they are, not converted), s32
// int32, f32 float32, f64 float64, A-law ALaw and mu-law MuLaw (the G.711
// codes, with Int16 methods to decode them). Samples and FramesOf check the
// type against the file's encoding and return a *TypeError on a mismatch;
// they never reinterpret bytes. 12-bit and 20-bit audio in larger
// containers is mapped as its container type with Format.ValidBits set.
//
// RIFX files (big-endian RIFF, from old Mac and SGI tools or sox -B) store
// their samples big-endian: s16be Int16BE, s24be Int24BE, s32be Int32BE,
// f32be Float32BE and f64be Float64BE, byte arrays in file order with
// getters and Set methods (Int16BE.Int16, Float32BE.Set ...), mapped as
// they are on any CPU. u8, A-law and mu-law have no byte order and keep
// their types. Samples[int16] on an s16be file is a *TypeError naming
// Int16BE. Convert and every pass (Measure, Gain, Transcode, Overview)
// take the big-endian types, swapping blocks of samples into the native
// type for its kernels; Create writes RIFX for a big-endian format (or
// Options.Container RIFX), and Encoding.WithOrder maps an encoding to its
// twin in the other byte order.
//
// # Modes
//
// ReadOnly ("r") maps the data read-only and never changes the file.
// ReadWrite ("r+") maps it shared: writes land in the file, Flush forces
// them to disk. CopyOnWrite ("c") maps it privately: writes stay in this
// process's memory. Only the data chunk is mapped, so no mode can change a
// byte outside it. Create makes a new file (Python's "w+") and maps its
// data read-write; see Making files.
//
// # Making files
//
// Create (and CreateLike, CopyTo and CreateFrom, which call it) writes
// the new file under a temporary name beside the final one,
// ".NAME.wavemap-XXXXXXXX.partial", and Close commits it: the samples and
// header go to stable storage, the file is renamed over NAME and the
// directory is synced. A new file is therefore not visible at its name
// until Close, and whatever was at the name stays there, whole, until
// then. Discard throws the unfinished file away. If Create, Close or the
// process fails at any point (a full disk, an error, a kill), the old
// file, or none, is at the name; a killed process also leaves its
// recognisable partial file, which 'wavemap check NAME --clean' removes.
// Flush, Resize and Append work on the temporary file.
//
// Create refuses a FIFO, device, socket or directory at the name (after
// following symlinks) and a read-only file, before creating anything. A
// symlink at the name is replaced by the new file, never written
// through. The new file gets the permission bits of the file it replaces,
// or Options.Perm, or 0666 minus the umask. A File still mapping the old
// file keeps it (so f.CopyTo(f.Name(), ...) works: f reads the old file
// until it is closed), and its later changes reach the old file only. On
// Windows, which cannot rename over a file that is open, Close unmaps and
// closes the new file before renaming it, and fails, leaving the old file
// in place, while another File or program holds the old one open.
//
// Replacing a file needs disk space for both until Close. The disk space
// for the audio is reserved up front where the system allows (unless
// Options.Sparse), so a full disk fails at Create with ErrNoSpace.
//
// # Views
//
// Samples gives the interleaved samples; FramesOf a Frames view (frames ×
// channels, with Frame(i), At(i, c), Slice and Blocks for zero-copy
// chunked iteration); Frames.Channel a strided Channel view of one channel
// (Python's order='F'). A mono file is a Frames with one channel.
//
// # Lifetime and safety
//
// A view is valid until its File is closed; using it afterwards faults or
// reads whatever is mapped there next. Views are never unmapped behind the
// caller's back (no finalizers). If another process truncates a mapped
// file, touching the lost pages raises SIGBUS: Guard turns such a fault
// into a *FaultError, and the library's own bulk operations run under it.
// A full disk cannot do the same to a new file: Create reserves the
// audio's disk space up front (unless Options.Sparse), so it fails with
// ErrNoSpace instead. A FaultError names the file whose mapping was hit
// and the likely cause (a truncation, found by checking the file's size,
// a write to a ReadOnly view, a full disk, a view used after Close).
//
// To find stale views in tests, build with the wavemap_debug tag
// (go test -tags wavemap_debug): on Unix, Close and Resize then leave an
// inaccessible range where the old mapping was instead of releasing it,
// so every later use of an old view faults, under Guard a FaultError
// saying "a view used after Close or Resize", instead of silently reading
// whatever is mapped there next. Such builds never give the address space
// back: use them for tests only.
//
// # Locking
//
// Open and OpenRaw lock the file until Close, and Repair while it works:
// a ReadWrite File (and a Repair that writes) holds an exclusive lock,
// ReadOnly and CopyOnWrite Files a shared one. Locks never wait: a second
// writer, a reader while a writer has the file, or a writer while readers
// have it fails at once with an error wrapping ErrLocked that names the
// file, instead of losing one writer's edits or reading a half-edited
// file. Any number of readers share a file. Each Open is a holder of its
// own, so two Files of one path in one process conflict like two
// processes; Options.NoLock (RepairOptions.NoLock) opts out for callers
// that coordinate access themselves.
//
// The lock is advisory: flock(2) on Unix, LockFileEx over the whole file
// on Windows (where a lock also makes other handles' reads or writes
// fail), nothing on other systems. It protects against other wavemap
// Files and programs that take the same lock; it does not stop programs
// that do not lock (sox, ffmpeg, editors, cp) from reading or changing
// the file, and it may be local to one machine or absent on network file
// systems (NFS emulates flock with byte-range locks, or has none without
// a lock manager: a file system with no locks is used unlocked).
//
// Open, OpenRaw and Repair map regular files only: a directory, named
// pipe, device or socket fails with ErrNotRegular (inside an
// *fs.PathError) at once, never waiting for a pipe's writer.
//
// # Scaling
//
// Convert and ConvertScaled convert between all sample types. The default
// PowerOfTwo scaling maps an integer x of an n-bit container to
// x / 2^(n-1); int -> float64 -> int is lossless for every width, and
// float -> int rounds to nearest (ties to even), clips and counts the
// clipped samples. FullRange reproduces the Python wavemap's mapping of
// [min, max] onto [-1, 1].
//
// # Whole-file passes
//
// Measure (per-channel peak, RMS, DC and clipping; exact integer sums),
// Gain (in place, rounded and clipped, with a dry run), Transcode and
// TranscodeTo (a converted copy of a file), Overview (min/max per
// column for waveform pictures) and MeasureLoudness (EBU R 128 /
// BS.1770-4 loudness, loudness range and true peak, at any rate, cut
// into time segments so that even a stereo file uses every core; its
// stream twin is ReadLoudness) each make one pass over a file on all
// cores. Pass runs a function of your own the same way and keeps the
// resident memory bounded on files far larger than RAM by advising the
// kernel (read ahead, release what is done); ParallelBlocks splits any
// in-memory Frames view across the cores. On amd64 the s16 statistics and
// gain kernels use AVX2 assembly when the CPU has it (the purego build tag
// turns it off; the results are identical either way).
//
// Every pass takes a context.Context first: when it is cancelled (Ctrl-C
// in a command, a request that went away) the pass starts no new block
// and returns an error wrapping ctx.Err(). Gain then leaves some blocks
// changed and the rest as they were; with PassOptions.Journal it keeps a
// journal beside the file, so that calling it again (after a cancel, a
// kill or a crash) finishes the edit exactly once, and refuses, with
// ErrInterrupted, any other edit first. Transcode and TranscodeTo leave a
// partial output for the caller to throw away (with
// Discard, for a File from Create). Options
// come last in a *PassOptions (nil for the defaults): workers, block size,
// progress reports, a dry run, the scaling of conversions, and Gain's
// journal and flush.
//
// # Large files
//
// RIFF stops at 4 GiB. Create reserves room for an RF64 ds64 chunk and
// switches to RF64 past 4 GiB; Options.Container forces RF64, BW64 (ITU-R
// BS.2088) or Sony Wave64. RIFX has no 64-bit variant: Create, Resize and
// Writer refuse to take it past 4 GiB with ErrSizeLimit. All of them are
// read, and every index and size is
// an int or int64, so a file may hold more than 2^31 samples. Resize and
// Append grow or shrink a ReadWrite file with its header correct after each
// call, upgrading it to RF64 when it passes 4 GiB. Repair rewrites wrong
// size fields in place (a recorder that crashed or rewrote its header
// only every few seconds, a stream that was never finalised), never
// shrinking one over audio that the file holds, and upgrades a RIFF file
// whose 32-bit sizes wrapped past 4 GiB to RF64 in place when a JUNK
// chunk at byte 12 leaves room for the ds64 chunk; RepairTo writes a
// repaired RF64 copy of one without. A 32-bit program cannot
// map more than 2 GiB at once: Open fails with ErrTooLarge instead.
//
// # Streaming
//
// For what cannot be mapped (pipes, sockets, HTTP bodies) NewReader parses
// the same headers from an io.Reader and fills caller-owned buffers
// (ReadFrames, or the ReadBlocks iterator), and NewWriter writes a WAVE
// stream: sizes are patched on Close when the destination can seek, and the
// streaming convention (0xFFFFFFFF sizes) is used when it cannot. When the
// length is known, Writer.Reserve claims the disk space first (a full disk
// fails there, not midway) and lets the Writer prepare the page cache ahead
// of its writes; TranscodeTo, the fast way to write a converted copy of a
// mapped file, does so itself.
//
// # Metadata
//
// File.Metadata reads the chunks that do not frame the audio, in file
// order, as a Metadata of RawChunks. Pure byte codecs read and write the
// common ones: Info and SetInfo (LIST/INFO), Bext (the Broadcast Wave bext
// chunk, EBU Tech 3285 versions 0 to 2), IXML (production metadata), Cues
// (markers and regions: the cue chunk joined with LIST/adtl labl, note and
// ltxt) and Sampler (smpl). Text fields are kept as the file's bytes, a
// Text, which decodes as UTF-8 or else Latin-1. Excerpt, AppendCues and
// AudioChanged keep the metadata true to the audio after a cut, a
// concatenation or a change of the samples, and say what they changed.
// Options.Metadata hands chunks to Create and NewWriter (CreateLike and
// CopyTo copy the source's by default).
//
// WriteMetadata (or File.WriteMetadata) puts an edited Metadata back into
// a file in place. The audio is neither moved nor written: a changed chunk
// goes into JUNK room next to it or after the data, and one 8-byte header
// write switches the chunk walk to the new chunks once they are on disk, so
// a crash leaves each stretch of metadata old or new, never torn.
//
// # Security
//
// Headers are untrusted input. Every size is checked against the file's
// length with 64-bit, overflow-checked arithmetic; no input makes Open
// panic, allocate in proportion to a claimed size, or map past the end of
// the file. Recoverable defects (wrong RIFF or data sizes, streaming sizes,
// truncation, junk after the last chunk, a block align that disagrees with
// the bits, a missing pad byte ...) become Warnings; the rest are
// *FormatError values naming the byte offset, which wrap sentinel errors
// for errors.Is. The header parser is fuzzed, and so are the metadata
// codecs; an iXML document is bounded in size and nesting and may not
// declare entities.
package wavemap
