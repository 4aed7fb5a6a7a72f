package wavemap

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/wavemap/wavemap/internal/riff"
)

// Fix is one size field that Repair rewrites (or, in a dry run, would).
type Fix struct {
	Offset int64  // byte offset of the field in the file
	Width  int    // bytes: 4 or 8, little-endian
	Field  string // which field: "RIFF size", "data size", "ds64 data size" ...
	Old    uint64 // the value found
	New    uint64 // the value written
	Reason string // why the old value is wrong
}

// String describes the fix in one line.
func (x Fix) String() string {
	return fmt.Sprintf("byte %d: %s %d -> %d (%s)", x.Offset, x.Field, x.Old, x.New, x.Reason)
}

// RepairOptions control Repair. A nil *RepairOptions means the defaults,
// which are the zero values of its fields.
type RepairOptions struct {
	// DryRun reports the fixes without writing anything: the file is
	// opened read-only.
	DryRun bool
	// Warn, if set, receives each recoverable problem found while parsing
	// the header, as Options.Warn does for Open.
	Warn func(Warning)
	// NoLock makes Repair take no lock, as Options.NoLock does for Open.
	// By default it locks the file while it works, exclusively (shared for
	// a dry run), and fails with ErrLocked if another File or process has
	// it open with a conflicting lock.
	NoLock bool
}

// Repair corrects the size fields of a WAVE file's header in place, so
// that every reader agrees with what the file holds: a RIFF (or Wave64)
// size that disagrees with where the chunks end, a data size that runs
// past the end of the file or is a streaming placeholder (0 or
// 0xFFFFFFFF, left by a writer that never came back to it), the 64-bit
// sizes and sample count of an RF64 or BW64 ds64 chunk, and the frame
// count of a fact chunk. It returns every change, with the offset, the
// old and new values and the reason, in the order they are written: the
// data chunk's size first, the container's last.
//
// With opts.DryRun set nothing is written: the changes are only reported.
// Otherwise each field is written on its own (no other byte of the file
// changes), and the file is synced. A file whose header cannot be parsed
// is refused with the *FormatError Open would return; a RIFF file whose
// audio has grown past 4 GiB (its 32-bit sizes wrapped) is refused too,
// since it needs a ds64 chunk that it has no room for.
//
// The file is locked while Repair works (exclusively, shared for a dry
// run; see RepairOptions.NoLock): if another File or process has it open,
// Repair fails with an error wrapping ErrLocked and changes nothing. What
// is not a regular file fails with ErrNotRegular, as for Open.
func Repair(name string, opts *RepairOptions) ([]Fix, error) {
	if opts == nil {
		opts = &RepairOptions{}
	}
	mode := ReadWrite
	if opts.DryRun {
		mode = ReadOnly
	}
	osf, size, rh, err := openParsed(name, mode, false, !opts.NoLock)
	if err != nil {
		return nil, err
	}
	defer closeFile(osf)
	if opts.Warn != nil {
		for _, w := range rh.Warnings {
			opts.Warn(fromRIFFWarning(w))
		}
	}
	fixes, err := planRepair(name, osf, size, rh)
	if err != nil || opts.DryRun || len(fixes) == 0 {
		return fixes, err
	}
	for _, x := range fixes {
		b := binary.LittleEndian.AppendUint64(nil, x.New)[:x.Width]
		if _, err := osf.WriteAt(b, x.Offset); err != nil {
			return fixes, fmt.Errorf("wavemap: repair %s: %w", name, err)
		}
	}
	if err := osf.Sync(); err != nil {
		return fixes, fmt.Errorf("wavemap: repair %s: %w", name, err)
	}
	return fixes, nil
}

// planRepair works out the fixes for the parsed header rh of the file r
// of size bytes. The audio is what the data chunk holds as Parse reads it
// (before rounding to whole frames), and the container's size says where
// the chunks end; riff.Sizes says what every field must then hold.
func planRepair(name string, r io.ReaderAt, size int64, rh *riff.Header) ([]Fix, error) {
	refuse := func(format string, args ...any) error {
		return &FormatError{Name: name, Err: ErrUnsupported, Msg: "cannot repair in place: " + fmt.Sprintf(format, args...)}
	}
	sz := riff.NewSizes(rh.Container, rh.Chunks, rh.DataOffset, rh.Fmt.BlockAlign)
	if (rh.Container == riff.ContainerRF64 || rh.Container == riff.ContainerBW64) && sz.DS64 < 0 {
		return nil, refuse("%s file without a complete ds64 chunk", rh.Container)
	}
	n := sz.Data.Size // the audio bytes present, as every reader should see them
	endRaw, endPad := sz.ChunksEnd(size)
	c, want, err := sz.Fields(n, endPad)
	switch {
	case (err != nil || c != rh.Container) && n >= math.MaxUint32:
		return nil, refuse("%d bytes of audio need 64-bit sizes (RF64), and a RIFF file has none", n)
	case err != nil || c != rh.Container:
		return nil, refuse("the chunks end at byte %d, past what a 32-bit RIFF size can say", endPad)
	}
	// A container size that leaves out the last chunk's padding is right
	// too (the fields are the same but for those sizes).
	_, alt, _ := sz.Fields(n, endRaw)

	reasons := map[riff.FieldKind]string{
		riff.FieldData:      fmt.Sprintf("the file holds %d bytes of audio from byte %d", n, sz.Data.DataOffset),
		riff.FieldFrames:    fmt.Sprintf("the data holds %d frames", n/int64(sz.BlockAlign)),
		riff.FieldContainer: fmt.Sprintf("the chunks end at byte %d", endPad),
	}
	var fixes []Fix
	for i, fd := range want {
		var b [8]byte
		if _, err := r.ReadAt(b[:fd.Width], fd.Offset); err != nil {
			return nil, fmt.Errorf("wavemap: repair %s: reading byte %d: %w", name, fd.Offset, err)
		}
		v := binary.LittleEndian.Uint64(b[:])
		if v == fd.Value || v == alt[i].Value || v == fd.Actual {
			continue
		}
		reason := reasons[fd.Kind]
		if fd.Deferred {
			reason = "the size is in the ds64 chunk"
		}
		fixes = append(fixes, Fix{Offset: fd.Offset, Width: fd.Width, Field: fd.Name, Old: v, New: fd.Value, Reason: reason})
	}
	return fixes, nil
}
