package wavemap

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/wavemap/wavemap/internal/atomicfile"
	"github.com/wavemap/wavemap/internal/riff"
)

// RepairTo writes a repaired copy of the WAVE file name to out, for what
// Repair cannot mend in place: a RIFF file past 4 GiB whose 32-bit sizes
// wrapped and that has no room for a ds64 chunk, a pad byte missing
// inside the file, a partial frame before other chunks, a second fmt or
// data chunk. name is read as Open reads it (opts.TrailingAudio as for
// Repair), and the copy holds what Open maps: the whole frames of the
// audio, in the same format (but that 24 bits in 4-byte slots become
// 32-bit samples, as Repair makes them: sox reads no fewer valid bits
// than the container holds), and every metadata chunk
// (see Metadata) byte for byte on its side of the data, but for a chunk
// that the end of the file cuts short, which is left out. Bytes that are
// neither audio nor a chunk are left out too.
//
// The copy is RIFF for a RIFF input, RF64 when its audio needs 64-bit
// sizes, and in the container of the input otherwise. It is made as
// Create makes files, under a temporary name beside out and renamed when
// complete, with the permission bits of the file it replaces or else of
// name. The audio is copied at the speed of the disk, by the kernel where
// it can (copy_file_range on Linux), and the holes of a sparse input
// stay holes. out must not be name. A cancelled ctx stops the copy
// between two stretches of at most 64 MiB: the unfinished copy is
// removed, nothing changes at out, and the error wraps ctx.Err().
//
// It returns the header of the copy, as Open reads it: its warnings are
// the problems the copy still has (such as those inside a LIST chunk
// kept as it was). opts.Warn receives the problems of name, as for
// Repair; opts.Truncate and opts.Unfixed are not used. With opts.DryRun,
// nothing is written and the header is nil: RepairTo checks that name
// can be read and that out could be made. The input is locked (shared)
// while it is read, unless opts.NoLock is set.
func RepairTo(ctx context.Context, name, out string, opts *RepairOptions) (*Header, error) {
	if opts == nil {
		opts = &RepairOptions{}
	}
	osf, _, rh, err := openParsed(name, ReadOnly, riff.Options{TrailingAudio: opts.TrailingAudio}, !opts.NoLock)
	if err != nil {
		return nil, err
	}
	defer closeFile(osf)
	if opts.Warn != nil {
		for _, w := range rh.Warnings {
			opts.Warn(fromRIFFWarning(w))
		}
	}
	h, err := headerFromRIFF(name, rh)
	if err != nil {
		return nil, err
	}
	st, err := osf.Stat()
	if err != nil {
		return nil, err
	}
	if ost, err := os.Stat(out); err == nil && os.SameFile(st, ost) {
		return nil, fmt.Errorf("%w: repair %s: the copy cannot be written over the file itself", ErrArgument, name)
	}
	if err := atomicfile.Check(out, nil); err != nil {
		if errors.As(err, new(*atomicfile.NotRegularError)) {
			return nil, fmt.Errorf("%w: repair %s: %w", ErrArgument, name, err)
		}
		return nil, err
	}
	// Metadata leaves out the chunks that frame the audio (a second fmt
	// or data chunk among them); a chunk cut short is left out too.
	kept := *h
	kept.Chunks = nil
	for _, c := range h.Chunks {
		if c.Declared < 0 || c.Size >= c.Declared {
			kept.Chunks = append(kept.Chunks, c)
		}
	}
	m, err := ReadMetadata(osf, &kept)
	if err != nil {
		return nil, fmt.Errorf("wavemap: repair %s: %w", name, err)
	}
	if opts.DryRun {
		return nil, nil
	}
	c := h.Container
	if c == RIFF {
		c = AutoContainer // RIFF, or RF64 past 4 GiB
	}
	format := h.Format
	if slices.ContainsFunc(h.Warnings, func(w Warning) bool { return w.Kind == WarnAmbiguousLayout }) {
		format.ValidBits = 0
	}
	n, err := format.dataBytes(h.Frames)
	if err != nil {
		return nil, err
	}
	dst, err := Create(out, format, h.Frames, &Options{Container: c, Metadata: m, Perm: st.Mode().Perm(), Sparse: true, noSilence: true})
	if err != nil {
		return nil, err
	}
	if err := copyData(ctx, dst.osf, dst.hdr.DataOffset, osf, h.DataOffset, n); err != nil {
		dst.Discard()
		return nil, fmt.Errorf("wavemap: repair %s to %s: %w (nothing written at %s)", name, out, err, out)
	}
	if err := dst.Close(); err != nil {
		return nil, err
	}
	// The copy as a reader sees it.
	f, err := Open(out, ReadOnly, &Options{NoLock: opts.NoLock})
	if err != nil {
		return nil, fmt.Errorf("wavemap: repair %s: the copy %s does not open: %w", name, out, err)
	}
	defer f.Close()
	copied := *f.Header()
	return &copied, nil
}
