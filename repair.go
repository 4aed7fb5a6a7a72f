package wavemap

import (
	"fmt"
	"io"
	"math"

	"github.com/wavemap/wavemap/internal/riff"
)

// Fix is one size field that Repair rewrites (or, in a dry run, would).
type Fix struct {
	Offset int64  // byte offset of the field in the file
	Width  int    // bytes: 4 or 8, little-endian unless BigEndian
	Field  string // which field: "RIFF size", "data size", "ds64 data size" ...
	Old    uint64 // the value found
	New    uint64 // the value written
	Reason string // why the old value is wrong
	// BigEndian is set for the fields of a RIFX file, stored big-endian.
	BigEndian bool
}

// bytes returns the field as written: New in Width bytes.
func (x Fix) bytes() []byte {
	b := make([]byte, x.Width)
	riff.PutField(b, x.Width, x.BigEndian, x.New)
	return b
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
	// Unfixed, if set, receives each problem that the fixes leave in the
	// file (every warning Open gives for the file as it is once repaired)
	// with the reason no size field can remove it: a partial frame at the
	// end of the audio, bytes that are neither audio nor a chunk, a second
	// fmt chunk ...
	Unfixed func(w Warning, why string)
	// TrailingAudio takes bytes after a data chunk whose size the
	// container agrees with for audio, when they run to the end of the
	// file, hold whole frames and start no chunk: what a recorder killed
	// before it updated its header leaves. Off (the default), they are
	// left as trailing bytes, as Open and other readers see them, and
	// reported through Unfixed.
	TrailingAudio bool
	// NoLock makes Repair take no lock, as Options.NoLock does for Open.
	// By default it locks the file while it works, exclusively (shared for
	// a dry run), and fails with ErrLocked if another File or process has
	// it open with a conflicting lock.
	NoLock bool
}

// Repair corrects the size fields of a WAVE file's header in place, so
// that every reader agrees with what the file holds: a RIFF (or Wave64)
// size that disagrees with where the chunks end, a data size that runs
// past the end of the file, is a streaming placeholder (0 or 0xFFFFFFFF,
// left by a writer that never came back to it) or stops short of audio
// that the file holds, the 64-bit sizes and sample count of an RF64 or
// BW64 ds64 chunk, and the frame count of a fact chunk. It returns every
// change, with the offset, the old and new values and the reason, in the
// order they are written: the data chunk's size first, the container's
// last.
//
// Repair never shrinks a size over audio that the file holds, keeps a
// container size that counts the whole file, and reads the header as
// Open does, so that a repaired file opens with the frames that Open
// found before. Where the data size stops short, the audio is taken to go
// on (and the data size is extended) when the bytes after it do not start
// a chunk (a printable id and a size that fits, or the id of a chunk
// known to follow audio) and either the container's size counts them, or
// they run to the end of the file and are at least a chunk header and a
// frame long (a recorder that rewrites its header every few seconds
// leaves this) and opts.TrailingAudio asks for it; a partial frame at the end stays out of the audio, with a
// warning. The Reason of the data size's Fix says which of these was
// chosen.
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
	osf, size, rh, err := openParsed(name, mode, riff.Options{TrailingAudio: opts.TrailingAudio}, !opts.NoLock)
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
	if err != nil {
		return fixes, err
	}
	// What Open will say of the repaired file: what the fixes leave.
	after, err := riff.Parse(patched{osf, fixes}, size, riff.Options{})
	if err != nil {
		return nil, fmt.Errorf("wavemap: repair %s: the repaired header would not parse (%w): nothing written", name, fromRIFFError(name, err))
	}
	if opts.Unfixed != nil {
		for _, w := range after.Warnings {
			opts.Unfixed(fromRIFFWarning(w), unfixedReason(w))
		}
	}
	if opts.DryRun || len(fixes) == 0 {
		return fixes, nil
	}
	for _, x := range fixes {
		if _, err := osf.WriteAt(x.bytes(), x.Offset); err != nil {
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
// (before rounding to whole frames; Parse has decided whether a stale data
// size stops short of it), and the container's size says where the chunks
// end; riff.Sizes says what every field must then hold. A container size
// that says the file ends at its last byte is left alone, as Parse takes
// it: it claims bytes that the file holds.
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
	// too, and so is one that counts every byte of the file (the fields
	// are the same but for those sizes).
	_, alt, _ := sz.Fields(n, endRaw)
	_, whole, _ := sz.Fields(n, size)

	reasons := map[riff.FieldKind]string{
		riff.FieldData:      dataReason(rh, sz),
		riff.FieldFrames:    fmt.Sprintf("the data holds %d frames", n/int64(sz.BlockAlign)),
		riff.FieldContainer: fmt.Sprintf("the chunks end at byte %d", endPad),
	}
	var fixes []Fix
	for i, fd := range want {
		var b [8]byte
		if _, err := r.ReadAt(b[:fd.Width], fd.Offset); err != nil {
			return nil, fmt.Errorf("wavemap: repair %s: reading byte %d: %w", name, fd.Offset, err)
		}
		v := fd.Get(b[:])
		if v == fd.Value || v == alt[i].Value || v == fd.Actual || fd.Kind == riff.FieldContainer && v == whole[i].Value {
			continue
		}
		reason := reasons[fd.Kind]
		if fd.Deferred {
			reason = "the size is in the ds64 chunk"
		}
		fixes = append(fixes, Fix{Offset: fd.Offset, Width: fd.Width, Field: fd.Name, Old: v, New: fd.Value, Reason: reason, BigEndian: fd.BigEndian})
	}
	return fixes, nil
}

// dataReason says why the data size of rh must be its data chunk's Size:
// which reading of the file Parse chose.
func dataReason(rh *riff.Header, sz riff.Sizes) string {
	d := sz.Data
	container := "RIFF size"
	switch rh.Container {
	case riff.ContainerRF64, riff.ContainerBW64:
		container = "ds64 RIFF size"
	case riff.ContainerWave64:
		container = "Wave64 file size"
	case riff.ContainerRIFX:
		container = "RIFX size"
	}
	switch rh.DataBasis {
	case riff.DataContainer:
		return fmt.Sprintf("%s says the file holds %d more bytes of audio than the data size: data size extended", container, d.Size-d.Declared)
	case riff.DataTrailing:
		return fmt.Sprintf("%d bytes after the declared end of the audio (byte %d) run to the end of the file and do not start a chunk: taken as audio, data size extended",
			d.Size-d.Declared, d.DataOffset+d.Declared)
	case riff.DataCut:
		return fmt.Sprintf("the data size claims %d bytes, the file holds %d from byte %d", d.Declared, d.Size, d.DataOffset)
	case riff.DataUnknown:
		return fmt.Sprintf("the data size is a placeholder: the audio runs to the end of the file, %d bytes from byte %d", d.Size, d.DataOffset)
	case riff.DataWrapped:
		return fmt.Sprintf("the 32-bit data size wrapped: the file holds %d bytes of audio from byte %d", d.Size, d.DataOffset)
	}
	return fmt.Sprintf("the file holds %d bytes of audio from byte %d", d.Size, d.DataOffset)
}

// unfixedReason says why a problem that a repaired file still has is
// beyond Repair.
func unfixedReason(w riff.Warning) string {
	switch w.Kind {
	case riff.WarnRaggedTail:
		return "the audio ends in a partial frame: Repair changes sizes, it never cuts audio"
	case riff.WarnTrailingBytes:
		return "these bytes are no chunk and no size counts them: if they are the audio of a recording whose header was not updated, " +
			"RepairOptions.TrailingAudio (fix --trailing-audio) takes them as audio; Repair never removes bytes"
	case riff.WarnMissingPad:
		return "a missing pad byte can only be put back by rewriting the file"
	case riff.WarnTruncatedChunk:
		return "the end of the file cuts the chunk short: its bytes are missing"
	case riff.WarnDuplicateChunk:
		return "a second chunk is not a size problem: Repair leaves it"
	}
	return "Repair changes only the sizes that count the audio, its frames and the file, and this is none of them"
}

// patched reads r as it is once fixes are written.
type patched struct {
	r     io.ReaderAt
	fixes []Fix
}

func (p patched) ReadAt(b []byte, off int64) (int, error) {
	n, err := p.r.ReadAt(b, off)
	for _, x := range p.fixes {
		for i, c := range x.bytes() {
			if j := x.Offset + int64(i) - off; j >= 0 && j < int64(n) {
				b[j] = c
			}
		}
	}
	return n, err
}
