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
// # Modes
//
// ReadOnly ("r") maps the data read-only and never changes the file.
// ReadWrite ("r+") maps it shared: writes land in the file, Flush forces
// them to disk. CopyOnWrite ("c") maps it privately: writes stay in this
// process's memory. Only the data chunk is mapped, so no mode can change a
// byte outside it. Create makes a new file (Python's "w+"), writes its
// header with final sizes first and maps the data read-write.
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
// ErrNoSpace instead.
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
// TranscodeTo (a converted copy of a file), and Overview (min/max per
// column for waveform pictures) each make one pass over a file on all
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
// partial output for the caller to remove. Options
// come last in a *PassOptions (nil for the defaults): workers, block size,
// progress reports, a dry run, the scaling of conversions, and Gain's
// journal and flush.
//
// # Large files
//
// RIFF stops at 4 GiB. Create reserves room for an RF64 ds64 chunk and
// switches to RF64 past 4 GiB; Options.Container forces RF64, BW64 (ITU-R
// BS.2088) or Sony Wave64. All of them are read, and every index and size is
// an int or int64, so a file may hold more than 2^31 samples. Resize and
// Append grow or shrink a ReadWrite file with its header correct after each
// call, upgrading it to RF64 when it passes 4 GiB. Repair rewrites wrong
// size fields in place (a recorder that crashed, a stream that was never
// finalised). A 32-bit program cannot map more than 2 GiB at once: Open
// fails with ErrTooLarge instead.
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
// # Security
//
// Headers are untrusted input. Every size is checked against the file's
// length with 64-bit, overflow-checked arithmetic; no input makes Open
// panic, allocate in proportion to a claimed size, or map past the end of
// the file. Recoverable defects (wrong RIFF or data sizes, streaming sizes,
// truncation, junk after the last chunk ...) become Warnings; the rest are
// *FormatError values naming the byte offset, which wrap sentinel errors
// for errors.Is. The header parser is fuzzed.
package wavemap
