package wavemap

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"

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
// With dryRun set nothing is written: the changes are only reported.
// Otherwise each field is written on its own (no other byte of the file
// changes), and the file is synced. A file whose header cannot be parsed
// is refused with the *FormatError Open would return; a RIFF file whose
// audio has grown past 4 GiB (its 32-bit sizes wrapped) is refused too,
// since it needs a ds64 chunk that it has no room for. opts.Warn, if set,
// receives the problems found while parsing.
func Repair(name string, dryRun bool, opts *Options) ([]Fix, error) {
	opts = opts.orDefault()
	flag := os.O_RDWR
	if dryRun {
		flag = os.O_RDONLY
	}
	osf, err := os.OpenFile(name, flag, 0)
	if err != nil {
		return nil, err
	}
	defer osf.Close()
	fi, err := osf.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("wavemap: repair %s: not a regular file", name)
	}
	rh, err := riff.Parse(osf, fi.Size(), riff.Options{})
	if err != nil {
		return nil, fromRIFFError(name, err)
	}
	if opts.Warn != nil {
		for _, w := range rh.Warnings {
			opts.Warn(fromRIFFWarning(w))
		}
	}
	fixes, err := planRepair(name, osf, fi.Size(), rh)
	if err != nil || dryRun || len(fixes) == 0 {
		return fixes, err
	}
	for _, x := range fixes {
		b := make([]byte, x.Width)
		if x.Width == 4 {
			binary.LittleEndian.PutUint32(b, uint32(x.New))
		} else {
			binary.LittleEndian.PutUint64(b, x.New)
		}
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
// of size bytes.
func planRepair(name string, r *os.File, size int64, rh *riff.Header) ([]Fix, error) {
	var fixes []Fix
	read := func(off int64, width int) (uint64, error) {
		b := make([]byte, width)
		if _, err := r.ReadAt(b, off); err != nil {
			return 0, fmt.Errorf("wavemap: repair %s: reading byte %d: %w", name, off, err)
		}
		if width == 4 {
			return uint64(binary.LittleEndian.Uint32(b)), nil
		}
		return binary.LittleEndian.Uint64(b), nil
	}
	// check reads the field at off and plans a fix unless its value is
	// one of ok.
	check := func(off int64, width int, field string, want uint64, reason string, ok ...uint64) error {
		v, err := read(off, width)
		if err != nil {
			return err
		}
		if v == want {
			return nil
		}
		for _, o := range ok {
			if v == o {
				return nil
			}
		}
		fixes = append(fixes, Fix{Offset: off, Width: width, Field: field, Old: v, New: want, Reason: reason})
		return nil
	}
	refuse := func(format string, args ...any) error {
		return &FormatError{Name: name, Err: ErrUnsupported, Msg: "cannot repair in place: " + fmt.Sprintf(format, args...)}
	}

	var data riff.Chunk
	var ds64, fact *riff.Chunk
	for i := range rh.Chunks {
		c := &rh.Chunks[i]
		switch {
		case c.ID == riff.IDData && c.DataOffset == rh.DataOffset:
			data = *c
		case c.ID == riff.IDDS64 && ds64 == nil:
			ds64 = c
		case c.ID == riff.IDFact && fact == nil:
			fact = c
		}
	}
	w64 := rh.Container == riff.ContainerWave64
	big := rh.Container == riff.ContainerRF64 || rh.Container == riff.ContainerBW64
	n := data.Size // the audio bytes present, as every reader should see them
	if big && (ds64 == nil || ds64.Size < 28) {
		return nil, refuse("%s file without a complete ds64 chunk", rh.Container)
	}
	if !big && !w64 && n >= math.MaxUint32 {
		return nil, refuse("%d bytes of audio need 64-bit sizes (RF64), and a RIFF file has none", n)
	}

	// Where the chunks end: after the last one, with or without its pad
	// byte (or Wave64 alignment), as long as the file holds it.
	last := rh.Chunks[len(rh.Chunks)-1]
	endRaw := last.DataOffset + last.Size
	endPad := endRaw
	switch {
	case w64:
		endPad = min((endRaw+7)&^7, size)
	case last.Size%2 == 1 && endRaw < size:
		endPad = endRaw + 1
	}
	riffReason := fmt.Sprintf("the chunks end at byte %d", endPad)
	dataReason := fmt.Sprintf("the file holds %d bytes of audio from byte %d", n, data.DataOffset)

	// The data chunk first: a reader that trusts it then finds the audio.
	switch {
	case w64:
		if err := check(data.Offset+16, 8, "data size (with its 24-byte header)", uint64(24+n), dataReason); err != nil {
			return nil, err
		}
	case big:
		if err := check(data.Offset+4, 4, "data size (32-bit)", math.MaxUint32, "the size is in the ds64 chunk", uint64(n)); err != nil {
			return nil, err
		}
		if err := check(ds64.DataOffset+8, 8, "ds64 data size", uint64(n), dataReason); err != nil {
			return nil, err
		}
	default:
		if err := check(data.Offset+4, 4, "data size", uint64(n), dataReason); err != nil {
			return nil, err
		}
	}

	// Frame counts, for the formats whose frames are blocks of bytes.
	switch rh.Fmt.SubFormat {
	case riff.TagPCM, riff.TagFloat, riff.TagALaw, riff.TagMuLaw:
		frames := n / int64(rh.Fmt.BlockAlign)
		reason := fmt.Sprintf("the data holds %d frames", frames)
		if big {
			if err := check(ds64.DataOffset+16, 8, "ds64 sample count", uint64(frames), reason); err != nil {
				return nil, err
			}
		}
		switch {
		case fact == nil:
		case w64 && fact.Size >= 8:
			if err := check(fact.DataOffset, 8, "fact sample count", uint64(frames), reason); err != nil {
				return nil, err
			}
		case !w64 && fact.Size >= 4:
			if err := check(fact.DataOffset, 4, "fact sample count", uint64(size32(frames)), reason); err != nil {
				return nil, err
			}
		}
	}

	// Then the container size.
	switch {
	case w64:
		if err := check(16, 8, "Wave64 file size", uint64(endPad), riffReason, uint64(endRaw)); err != nil {
			return nil, err
		}
	case big:
		if err := check(4, 4, "RIFF size (32-bit)", math.MaxUint32, "the size is in the ds64 chunk", uint64(endPad-8)); err != nil {
			return nil, err
		}
		if err := check(ds64.DataOffset, 8, "ds64 RIFF size", uint64(endPad-8), riffReason, uint64(endRaw-8)); err != nil {
			return nil, err
		}
	default:
		if endPad-8 >= math.MaxUint32 {
			return nil, refuse("the chunks end at byte %d, past what a 32-bit RIFF size can say", endPad)
		}
		if err := check(4, 4, "RIFF size", uint64(endPad-8), riffReason, uint64(endRaw-8)); err != nil {
			return nil, err
		}
	}
	return fixes, nil
}
