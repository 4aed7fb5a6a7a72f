package wavemap

import (
	"fmt"
	"os"

	"github.com/wavemap/wavemap/internal/riff"
)

// MetadataReport says what WriteMetadata did, or in a dry run would do.
type MetadataReport struct {
	// Changed is false when the file already held the metadata asked
	// for: nothing was written.
	Changed bool
	Written int64    // bytes written: chunks, JUNK headers and size fields
	Grew    int64    // bytes the file grew by (0 when the chunks fit in room it had)
	InPlace []FourCC // chunks written before the audio, in JUNK room next to where they were
	Tail    []FourCC // chunks written after the audio
	Moved   []FourCC // chunks that had to move from before the audio to after it
	Removed []FourCC // chunks removed
	Notes   []string // the above in plain words, one line each
}

// WriteMetadataOptions adjust WriteMetadata. A nil pointer means the
// defaults, the zero values.
type WriteMetadataOptions struct {
	// DryRun plans the writes and reports them without changing the
	// file, which is then opened read-only.
	DryRun bool
	// NoLock takes no lock on the file, as Options.NoLock does for Open.
	NoLock bool
}

// WriteMetadata makes the metadata chunks of the WAVE file name what m
// holds (see Metadata), in place: the audio is neither moved nor written,
// and the cost is that of the metadata, whatever the size of the file.
// Chunks are matched by kind and order with those in the file (the first
// LIST/INFO of m replaces the first in the file, and so on); chunks that
// are already as m has them are not written; chunks of the file that m
// lacks are removed (they become JUNK).
//
// Where a chunk goes: a chunk before the audio is rewritten there when a
// JUNK or padding chunk next to it has room (Create leaves such room in
// files it writes with metadata); otherwise it moves after the audio, as
// BWF MetaEdit's append mode does, and its old copy becomes JUNK. Chunks
// after the audio are rewritten after it, in JUNK room left by earlier
// edits when there is some, else at the end of the file, whose RIFF or
// RF64 sizes grow to count them.
//
// Crash safety: the new chunks are first written where no reader looks
// (inside a JUNK chunk, or past the end of the file under a JUNK header),
// and synced; then one 8-byte write per stretch of chunks switches the
// chunk walk over to them, and the file is synced again. At every moment
// the file opens in wavemap, sox and ffmpeg with its audio unchanged and
// each stretch of metadata either old or new. A chunk that moves from
// before the audio to after it is, for the moment between two synced
// writes, in the file twice (the later copy new), never missing.
//
// The file must be RIFF, RF64, BW64 or Wave64 with sizes that agree
// (Repair fixes those that do not). In Wave64 nothing may follow the
// audio (sox reads whatever does as more audio), so every chunk must fit
// in room before it (Create leaves some in Wave64 files it writes with
// metadata); otherwise WriteMetadata fails with ErrUnsupported and changes
// nothing. The file is locked exclusively while WriteMetadata works (see
// WriteMetadataOptions.NoLock); an open File of it in this process holds
// a lock too: use File.WriteMetadata on a File opened ReadWrite instead.
func WriteMetadata(name string, m *Metadata, opts *WriteMetadataOptions) (*MetadataReport, error) {
	if opts == nil {
		opts = &WriteMetadataOptions{}
	}
	if m == nil {
		return nil, fmt.Errorf("%w: nil *Metadata", ErrArgument)
	}
	mode := ReadWrite
	if opts.DryRun {
		mode = ReadOnly
	}
	osf, size, rh, err := openParsed(name, mode, riff.Options{}, !opts.NoLock)
	if err != nil {
		return nil, err
	}
	rep, _, werr := writeMetadata(name, osf, size, rh, m, opts.DryRun)
	if cerr := closeFile(osf); werr == nil && cerr != nil && !opts.DryRun {
		werr = fmt.Errorf("wavemap: write metadata %s: %w", name, cerr)
	}
	return rep, werr
}

// WriteMetadata does what the package's WriteMetadata does, on a File
// opened ReadWrite (its mapping of the audio stays valid: the audio is not
// touched). Afterwards f's Header lists the chunks as they now are.
func (f *File) WriteMetadata(m *Metadata) (*MetadataReport, error) {
	switch {
	case f.closed:
		return nil, ErrClosed
	case f.mode != ReadWrite:
		return nil, fmt.Errorf("%w: %s was opened %s", ErrReadOnly, f.name, f.mode)
	case f.pending != nil:
		return nil, fmt.Errorf("%w: %s is being created: give its metadata in Options.Metadata", ErrArgument, f.name)
	case f.hdr.Container == RawData:
		return nil, fmt.Errorf("%w: %s is raw audio: it has no chunks", ErrUnsupported, f.name)
	case m == nil:
		return nil, fmt.Errorf("%w: nil *Metadata", ErrArgument)
	}
	rh, err := parseHeader(f.name, f.osf, f.size, riff.Options{})
	if err != nil {
		return nil, err
	}
	rep, after, err := writeMetadata(f.name, f.osf, f.size, rh, m, false)
	if err != nil || after == nil {
		return rep, err
	}
	h, err := headerFromRIFF(f.name, after)
	if err != nil {
		return rep, err
	}
	f.size = rep.Grew + f.size
	f.hdr.Chunks, f.hdr.Tags, f.hdr.Warnings = h.Chunks, h.Tags, h.Warnings
	return rep, nil
}

// writeMetadata plans the edit, checks that the file it leaves parses to
// the audio it had and the metadata asked for, and (unless dry) carries it
// out; it returns the header of the file as it is afterwards.
func writeMetadata(name string, osf *os.File, size int64, rh *riff.Header, m *Metadata, dry bool) (*MetadataReport, *riff.Header, error) {
	fail := func(err error) (*MetadataReport, *riff.Header, error) {
		return nil, nil, fmt.Errorf("wavemap: write metadata %s: %w", name, err)
	}
	want := make([]riff.MetaChunk, len(m.Chunks))
	for i, c := range m.Chunks {
		want[i] = riff.MetaChunk{ID: riff.FourCC(c.ID), Data: c.Data, After: c.AfterData}
	}
	plan, err := riff.PlanMetadata(rh, size, osf, want)
	if err != nil {
		return nil, nil, fromRIFFError(name, err)
	}
	rep := &MetadataReport{
		Changed: len(plan.Steps) > 0, Written: plan.Written, Grew: plan.Grew,
		InPlace: fourCCs(plan.InPlace), Tail: fourCCs(plan.Tail), Moved: fourCCs(plan.Moved),
		Removed: fourCCs(plan.Removed), Notes: plan.Notes,
	}
	if !rep.Changed {
		return rep, nil, nil
	}
	// What the file will say once every write is made.
	ov := &riff.Overlay{R: osf, Size: size, End: plan.Size}
	for _, s := range plan.Steps {
		ov.Writes = append(ov.Writes, s.Writes...)
	}
	after, err := riff.Parse(ov, plan.Size, riff.Options{})
	if err != nil {
		return fail(fmt.Errorf("internal error: the planned header does not parse (%w): nothing written", err))
	}
	if err := checkMetadataPlan(rh, after); err != nil {
		return fail(fmt.Errorf("internal error: %w: nothing written", err))
	}
	if dry {
		return rep, after, nil
	}
	for _, s := range plan.Steps {
		err := func() error {
			for _, w := range s.Writes {
				if _, err := osf.WriteAt(w.Data, w.Offset); err != nil {
					return err
				}
			}
			return osf.Sync()
		}()
		if err == nil {
			continue
		}
		if s.Hidden {
			// Nothing a reader sees has changed: cut off what was
			// appended (a full disk fails here), and the file is as it
			// was.
			if terr := osf.Truncate(size); terr == nil && osf.Sync() == nil {
				return nil, nil, fmt.Errorf("wavemap: write metadata %s: %w (nothing changed)", name, err)
			}
		}
		return rep, nil, fmt.Errorf("wavemap: write metadata %s (%s): %w", name, s.What, err)
	}
	return rep, after, nil
}

// checkMetadataPlan checks that after, the header the plan leaves, has the
// audio of before where it was and no warning about its walk
// (PlanMetadata has checked the chunks themselves against what was
// asked).
func checkMetadataPlan(before, after *riff.Header) error {
	if after.DataOffset != before.DataOffset || after.DataSize != before.DataSize || after.Container != before.Container {
		return fmt.Errorf("the audio would move: %d bytes at %d in %s, was %d at %d in %s",
			after.DataSize, after.DataOffset, after.Container, before.DataSize, before.DataOffset, before.Container)
	}
	for _, w := range after.Warnings {
		if riff.Structural(w.Kind) {
			return fmt.Errorf("the planned header would warn: %s", w.Msg)
		}
	}
	return nil
}

func fourCCs(ids []riff.FourCC) []FourCC {
	out := make([]FourCC, len(ids))
	for i, id := range ids {
		out[i] = FourCC(id)
	}
	return out
}
