package wavemap

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/wavemap/wavemap/internal/riff"
)

// Fix is one change that Repair makes (or, in a dry run, would): a
// header field rewritten or, with Width 0, the length of the file
// changed (a pad byte added at the end, or RepairOptions.Truncate cutting
// what is neither audio nor a chunk).
type Fix struct {
	Offset int64 // byte offset of the field in the file; for a length, the end of the shorter file
	// Width is the field's size in bytes, little-endian unless BigEndian: 4 or 8 for a
	// size, 2 for the block align, 1 for a pad byte; 0 for the file's
	// length, whose Old and New values are lengths in bytes.
	Width  int
	Field  string // which field: "RIFF size", "data size", "ds64 data size", "block align", "file length" ...
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

// String describes the fix in one line. The ids that an upgrade to RF64
// writes are shown as text.
func (x Fix) String() string {
	if x.Width == 4 && strings.HasSuffix(x.Field, " id") {
		return fmt.Sprintf("byte %d: %s %s -> %s (%s)", x.Offset, x.Field, idText(x.Old), idText(x.New), x.Reason)
	}
	return fmt.Sprintf("byte %d: %s %d -> %d (%s)", x.Offset, x.Field, x.Old, x.New, x.Reason)
}

// idText shows a chunk id read as a little-endian 32-bit value.
func idText(v uint64) string {
	return FourCC(binary.LittleEndian.AppendUint32(nil, uint32(v))).String()
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
	// Truncate lets Repair cut the end of the file where it is neither
	// audio nor a chunk: bytes after the last chunk that do not start one
	// (junk appended to the file), and the partial frame at the end of
	// the audio when the data chunk is the last (a file cut mid-frame).
	// The file is then shortened, after its header is rewritten. Without
	// it Repair never removes a byte, and reports these through Unfixed.
	// It does not change what RepairTo writes, which leaves both out.
	Truncate bool
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
// BW64 ds64 chunk, and the frame count of a fact chunk. It also rewrites
// a block align that disagrees with the channels and bits (see
// WarnBlockAlign), a byte rate that is not the sample rate times the
// block align, and 24 bits per sample in 4-byte slots (see
// WarnAmbiguousLayout), which become 32: the samples as Open reads them,
// which every reader then reads the same way. It adds the pad byte
// missing after an odd-sized chunk at the end of the file. It returns
// every change, with the offset, the old and new values and the reason,
// in the order they are made: the fmt fields first, then the data
// chunk's size, the container's last (a longer file before them, a
// shorter one after).
//
// A RIFF file whose audio (or chunks) has grown past 4 GiB, so that its
// 32-bit sizes wrapped around, is upgraded to RF64 in place when a JUNK
// chunk of 28 bytes or more sits right after the RIFF header (byte 12),
// where the ds64 chunk goes: the JUNK chunk becomes the ds64 chunk and
// the id at byte 0 becomes RF64, after the sizes are written (every
// state on the way opens with the same audio). Without that room Repair
// refuses the file: RepairTo writes a repaired RF64 copy instead.
//
// Repair never shrinks a size over audio that the file holds (but for a
// partial frame that opts.Truncate cuts), keeps a
// container size that counts the whole file, and reads the header as
// Open does, so that a repaired file opens with the frames that Open
// found before. Where the data size stops short, the audio is taken to go
// on (and the data size is extended) when the bytes after it do not start
// a chunk (a printable id and a size that fits, or the id of a chunk
// known to follow audio) and either the container's size counts them, or
// they run to the end of the file and are at least a chunk header and a
// frame long (a recorder that rewrites its header every few seconds
// leaves this) and opts.TrailingAudio asks for it; a partial frame at the
// end stays out of the audio, with a warning (or, with opts.Truncate,
// out of the file). The Reason of the data size's Fix says which of these was
// chosen.
//
// With opts.DryRun set nothing is written: the changes are only reported.
// Otherwise each field is written on its own (no other byte of the file
// changes but a pad byte, and the file's length only as a Fix of Width 0
// says), and the file is synced. A file whose header cannot be parsed is
// refused with the *FormatError Open would return. What no field can
// mend (a pad byte missing inside the file, a second fmt chunk, a chunk
// cut short ...) is reported through opts.Unfixed, with the way to mend
// it where there is one (Truncate, RepairTo).
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
	fixes, newSize, err := planRepair(name, osf, size, rh, opts.Truncate)
	if err != nil {
		return fixes, err
	}
	// What Open will say of the repaired file: what the fixes leave.
	after, err := riff.Parse(patched{osf, fixes, size, newSize}, newSize, riff.Options{})
	if err != nil {
		return nil, fmt.Errorf("wavemap: repair %s: the repaired header would not parse (%w): nothing written", name, fromRIFFError(name, err))
	}
	if opts.Unfixed != nil {
		dataLast := false
		if n := len(after.Chunks); n > 0 {
			dataLast = after.Chunks[n-1].DataOffset == after.DataOffset
		}
		for _, w := range after.Warnings {
			opts.Unfixed(fromRIFFWarning(w), unfixedReason(w, dataLast))
		}
	}
	if opts.DryRun || len(fixes) == 0 {
		return fixes, nil
	}
	for _, x := range fixes {
		var err error
		if x.Width == 0 {
			err = osf.Truncate(int64(x.New))
		} else {
			_, err = osf.WriteAt(x.bytes(), x.Offset)
		}
		if err != nil {
			return fixes, fmt.Errorf("wavemap: repair %s: %w", name, err)
		}
	}
	if err := osf.Sync(); err != nil {
		return fixes, fmt.Errorf("wavemap: repair %s: %w", name, err)
	}
	return fixes, nil
}

// planRepair works out the fixes for the parsed header rh of the file r
// of size bytes, and the length of the repaired file. The audio is what
// the data chunk holds as Parse reads it (before rounding to whole
// frames; Parse has decided whether a stale data size stops short of
// it), and the container's size says where the chunks end; riff.Sizes
// says what every field must then hold. A container size that says the
// file ends at its last byte is left alone, as Parse takes it: it claims
// bytes that the file holds. With truncate, the file ends where its
// chunks do, the data chunk, when last, in whole frames.
func planRepair(name string, r io.ReaderAt, size int64, rh *riff.Header, truncate bool) ([]Fix, int64, error) {
	refuse := func(format string, args ...any) error {
		return &FormatError{Name: name, Err: ErrUnsupported, Msg: "cannot repair in place: " + fmt.Sprintf(format, args...)}
	}
	sz := riff.NewSizes(rh.Container, rh.Chunks, rh.DataOffset, rh.Fmt.BlockAlign)
	if (rh.Container == riff.ContainerRF64 || rh.Container == riff.ContainerBW64) && sz.DS64 < 0 {
		return nil, size, refuse("%s file without a complete ds64 chunk", rh.Container)
	}
	n := sz.Data.Size // the audio bytes present, as every reader should see them
	endRaw, endPad := sz.ChunksEnd(size)
	chunksEnd := endPad
	newSize := size
	dataLast := sz.Last.Offset == sz.Data.Offset
	w64 := rh.Container == riff.ContainerWave64
	var cut []string // what truncate drops: what Parse warned of
	warned := func(k riff.WarningKind) bool {
		return slices.ContainsFunc(rh.Warnings, func(w riff.Warning) bool { return w.Kind == k })
	}
	if truncate {
		if tail := n % int64(sz.BlockAlign); dataLast && tail != 0 && warned(riff.WarnRaggedTail) {
			n -= tail
			endRaw, endPad = sz.Data.DataOffset+n, sz.End(n)
			cut = append(cut, fmt.Sprintf("the audio ends in a partial frame of %d bytes", tail))
		}
		if endPad < size && (len(cut) > 0 || warned(riff.WarnTrailingBytes)) {
			if extra := size - chunksEnd; extra > 0 {
				cut = append(cut, fmt.Sprintf("%d bytes after the chunks are neither audio nor a chunk", extra))
			}
			newSize = endPad
		}
	}
	// An odd chunk at the very end of the file without its pad byte: add
	// it (a zero), unless Parse reads the chunk as cut short, whose size
	// Repair leaves.
	padAdded := false
	if !w64 && newSize == size && endRaw == size && sz.Last.Size%2 == 1 && (dataLast || sz.Last.Declared == sz.Last.Size) {
		newSize, endPad, padAdded = size+1, size+1, true
	}
	c, want, err := sz.Fields(n, endPad)
	upgrade := err == nil && rh.Container == riff.ContainerRIFF && c == riff.ContainerRF64
	switch {
	case errors.Is(err, riff.ErrNeedDS64) && rh.Container == riff.ContainerRIFF:
		return nil, size, refuse("%d bytes of audio, the chunks ending at byte %d, need 64-bit sizes (RF64), and the RIFF header has no JUNK chunk of 28 bytes or more at byte 12 to become the ds64 chunk: "+
			"write a repaired copy instead (RepairTo; wavemap fix --output NEW.wav)", n, endPad)
	case err != nil || c != rh.Container && !upgrade:
		return nil, size, refuse("the chunks end at byte %d, past what the sizes of a %s header can say", endPad, rh.Container)
	}
	// A container size that leaves out the last chunk's padding is right
	// too, and so is one that counts every byte of the file (the fields
	// are the same but for those sizes).
	alt, whole := want, want
	if _, a, err := sz.Fields(n, endRaw); err == nil && len(a) == len(want) {
		alt = a
	}
	if _, w, err := sz.Fields(n, newSize); err == nil && len(w) == len(want) {
		whole = w
	}

	reasons := map[riff.FieldKind]string{
		riff.FieldData:      dataReason(rh, sz),
		riff.FieldFrames:    fmt.Sprintf("the data holds %d frames", n/int64(sz.BlockAlign)),
		riff.FieldContainer: fmt.Sprintf("the chunks end at byte %d", endPad),
		riff.FieldUpgrade:   "the sizes need 64 bits: the RIFF header becomes RF64, its JUNK chunk at byte 12 the ds64 chunk",
	}
	if truncate && n != sz.Data.Size {
		reasons[riff.FieldData] = fmt.Sprintf("the audio is cut to whole frames: %d bytes from byte %d", n, sz.Data.DataOffset)
	}
	var fixes []Fix
	if padAdded {
		fixes = append(fixes, Fix{Offset: size, Field: "file length", Old: uint64(size), New: uint64(newSize),
			Reason: fmt.Sprintf("chunk %s at byte %d has an odd size and the file lacks its pad byte: a zero byte added", sz.Last.ID, sz.Last.Offset)})
	}
	fmtFixes, err := fmtRepair(name, r, rh)
	if err != nil {
		return nil, size, err
	}
	fixes = append(fixes, fmtFixes...)
	for i, fd := range want {
		var b [8]byte
		if _, err := r.ReadAt(b[:fd.Width], fd.Offset); err != nil {
			return nil, size, fmt.Errorf("wavemap: repair %s: reading byte %d: %w", name, fd.Offset, err)
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
	if newSize < size {
		if !w64 && n%2 == 1 && dataLast {
			// The byte after the odd audio is now its pad byte.
			var b [1]byte
			if _, err := r.ReadAt(b[:], newSize-1); err != nil {
				return nil, size, fmt.Errorf("wavemap: repair %s: reading byte %d: %w", name, newSize-1, err)
			}
			if b[0] != 0 {
				fixes = append(fixes, Fix{Offset: newSize - 1, Width: 1, Field: "pad byte", Old: uint64(b[0]), New: 0,
					Reason: "the pad byte after the odd-sized audio, now the last byte of the file"})
			}
		}
		fixes = append(fixes, Fix{Offset: newSize, Field: "file length", Old: uint64(size), New: uint64(newSize),
			Reason: strings.Join(cut, ", and ") + ": cut (truncate)"})
	}
	return fixes, newSize, nil
}

// fmtRepair returns the fixes of the fmt chunk of rh: the block align
// Parse settled on (see WarnBlockAlign) and the byte rate it implies.
func fmtRepair(name string, r io.ReaderAt, rh *riff.Header) ([]Fix, error) {
	var b [16]byte
	if _, err := r.ReadAt(b[:min(rh.Fmt.Size, 16)], rh.FmtOffset); err != nil {
		return nil, fmt.Errorf("wavemap: repair %s: reading the fmt chunk at byte %d: %w", name, rh.FmtOffset, err)
	}
	f := rh.Fmt
	var o binary.ByteOrder = binary.LittleEndian
	if rh.BigEndian {
		o = binary.BigEndian
	}
	be := rh.BigEndian
	var fixes []Fix
	if ba := o.Uint16(b[12:]); int(ba) != f.BlockAlign {
		fixes = append(fixes, Fix{Offset: rh.FmtOffset + 12, Width: 2, Field: "block align", Old: uint64(ba), New: uint64(f.BlockAlign), BigEndian: be,
			Reason: fmt.Sprintf("%d channels of %d bits", f.Channels, f.BitsPerSample)})
	}
	if bits := o.Uint16(b[14:]); f.Size >= 16 && f.BitsPerSample == 24 && f.BlockAlign == 4*f.Channels && f.SubFormat == riff.TagPCM {
		// 24 bits in 4-byte slots (WarnAmbiguousLayout), taken as
		// left-justified: as 32-bit samples, every reader reads them so.
		fixes = append(fixes, Fix{Offset: rh.FmtOffset + 14, Width: 2, Field: "bits per sample", Old: uint64(bits), New: 32, BigEndian: be,
			Reason: "24 bits taken left-justified in 4-byte slots: as 32-bit samples sox, ffmpeg and libsndfile read them so too"})
	}
	if rate, want := o.Uint32(b[8:]), f.SampleRate*int64(f.BlockAlign); int64(rate) != want && want <= math.MaxUint32 {
		fixes = append(fixes, Fix{Offset: rh.FmtOffset + 8, Width: 4, Field: "byte rate", Old: uint64(rate), New: uint64(want), BigEndian: be,
			Reason: fmt.Sprintf("sample rate %d x block align %d", f.SampleRate, f.BlockAlign)})
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
// beyond Repair, and what mends it where something does. dataLast says
// the data chunk is the file's last chunk.
func unfixedReason(w riff.Warning, dataLast bool) string {
	switch w.Kind {
	case riff.WarnRaggedTail:
		if dataLast {
			return "the audio ends in a partial frame: Repair keeps it unless asked to cut it (RepairOptions.Truncate, fix --truncate)"
		}
		return "the data chunk ends in a partial frame and chunks follow it: only a repaired copy leaves it out (RepairTo, fix --output NEW.wav)"
	case riff.WarnTrailingBytes:
		return "these bytes are no chunk and no size counts them: RepairOptions.Truncate (fix --truncate) cuts them; if they are the audio of a recording whose header was not updated, " +
			"RepairOptions.TrailingAudio (fix --trailing-audio) takes them as audio"
	case riff.WarnMissingPad:
		return "a pad byte missing inside the file can only be put back by moving what follows: a repaired copy has it (RepairTo, fix --output NEW.wav)"
	case riff.WarnTruncatedChunk:
		return "the end of the file cuts the chunk short: its bytes are missing; a repaired copy leaves the chunk out (RepairTo, fix --output NEW.wav)"
	case riff.WarnDuplicateChunk:
		return "a second chunk is not a size problem: a repaired copy leaves it out (RepairTo, fix --output NEW.wav)"
	}
	return "Repair changes only the sizes that count the audio, its frames and the file, the block align and the byte rate, and this is none of them"
}

// patched reads r, of size bytes, as it is once fixes are written: size
// bytes long, newSize once its length is changed (bytes past size read
// as zeros).
type patched struct {
	r             io.ReaderAt
	fixes         []Fix
	size, newSize int64
}

func (p patched) ReadAt(b []byte, off int64) (int, error) {
	if off < 0 || off >= p.newSize {
		return 0, io.EOF
	}
	want := len(b)
	b = b[:min(int64(len(b)), p.newSize-off)]
	n, err := p.r.ReadAt(b, off)
	if n < len(b) && off+int64(n) >= p.size {
		clear(b[n:]) // the file is extended: a pad byte
		n, err = len(b), nil
	}
	for _, x := range p.fixes {
		for i, c := range x.bytes() {
			if j := x.Offset + int64(i) - off; j >= 0 && j < int64(n) {
				b[j] = c
			}
		}
	}
	if n < want && err == nil {
		err = io.EOF
	}
	return n, err
}
