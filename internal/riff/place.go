package riff

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// Writing metadata into an existing file without moving its audio.
//
// The audio never moves and is never written. A change to the chunks
// around it is made by writing the new chunks where no reader looks yet
// (inside the payload of a JUNK chunk, or past the end of the file under a
// JUNK header of their own), then switching the chunk walk over to them
// with a single 8-byte write: the header of the first chunk of the
// replaced stretch becomes a JUNK header whose size skips the old chunks
// and lands on the new ones. A reader that walks the chunks by their
// sizes (every reader does) sees the old chunks before that write and
// the new ones after it, never a mixture within one stretch. The file's
// length grows only when no JUNK space around the chunks can take the new
// ones; the container size then grows first, while the new bytes are
// still covered by their JUNK header.
//
// A stretch is a run of adjacent chunks that the edit may overwrite: JUNK
// or padding chunks, and metadata chunks that are replaced or removed.
// Before the data, each run is switched on its own; after the data, the
// whole tail is one run. A chunk that must leave its place before the
// data (it grew and no JUNK next to it has room) goes to the tail, and its
// old copy is switched off only after the tail is switched on: in between
// the file holds both, the later one (which readers that take the last of
// a kind see) new.

// MetaChunk is a metadata chunk wanted in a file: its id, payload and
// whether it belongs after the data chunk.
type MetaChunk struct {
	ID    FourCC
	Data  []byte
	After bool
}

// Write is one write of a plan: Data at Offset.
type Write struct {
	Offset int64
	Data   []byte
}

// MetaStep is one step of a plan: writes that may reach the disk in any
// order, to be synced before the next step starts.
type MetaStep struct {
	What   string
	Writes []Write
	// Hidden says the writes land where no reader looks (in JUNK payloads
	// or past the end of the file): a failure in this step changes
	// nothing a reader sees, but for the bytes appended, which the caller
	// can cut off again.
	Hidden bool
}

// MetaPlan is how to bring a file's metadata chunks to what was asked.
type MetaPlan struct {
	Steps   []MetaStep
	Size    int64    // the file's length afterwards
	Grew    int64    // bytes added at the end of the file
	Written int64    // bytes written, headers and sizes included
	InPlace []FourCC // chunks written before the data, in room the header had
	Tail    []FourCC // chunks written after the data
	Moved   []FourCC // chunks moved from before the data to after it (no room where they were)
	Removed []FourCC // chunks removed
	Notes   []string // plain-words account of the above
	movedIn []FourCC // chunks moved from after the data to before it
}

// metaKey identifies a kind of chunk: its id and, for LIST, its form type.
type metaKey struct {
	id  FourCC
	typ FourCC
}

func keyOf(id FourCC, data []byte) metaKey {
	k := metaKey{id: id}
	if id == IDLIST && len(data) >= 4 {
		k.typ = toID(data)
	}
	return k
}

// IsFraming reports whether chunks with this id frame the audio (the
// writer makes them itself) rather than carry metadata: fmt, fact, ds64,
// data and the padding chunks JUNK, PAD and FLLR.
func IsFraming(id FourCC) bool {
	switch string(id[:]) {
	case "fmt ", "fact", "ds64", "data":
		return true
	}
	return isPadding(id)
}

func isPadding(id FourCC) bool {
	switch string(id[:]) {
	case "JUNK", "junk", "PAD ", "pad ", "FLLR":
		return true
	}
	return false
}

// chunk states in a plan.
const (
	stKeep    = iota // framing, or metadata left as it is
	stFree           // padding that the plan may overwrite
	stReplace        // metadata replaced by a new version (or moved to the other side)
	stDelete         // metadata not wanted any more
)

type cur struct {
	c     Chunk
	key   metaKey
	data  []byte
	after bool
	st    int
	want  int // index in want, or -1
}

// geom is the chunk layout of a container: RIFF-style (8-byte headers,
// payloads padded to even) or Wave64 (24-byte headers with a GUID and a
// 64-bit size that counts the header, chunks at multiples of 8).
type geom struct{ w64 bool }

// hl is the length of a chunk header.
func (g geom) hl() int64 {
	if g.w64 {
		return w64Header
	}
	return 8
}

// end is where the chunk c's span ends: after its pad byte or its
// alignment.
func (g geom) end(c Chunk) int64 {
	e := c.DataOffset + c.Size
	if g.w64 {
		return align8(e)
	}
	return e + c.Size&1
}

// encode appends a chunk (header, payload, padding) to b.
func (g geom) encode(b []byte, id FourCC, data []byte) []byte {
	if g.w64 {
		guid := W64GUID(id)
		b = append(b, guid[:]...)
		b = binary.LittleEndian.AppendUint64(b, uint64(w64Header+len(data)))
		b = append(b, data...)
		for len(b)%8 != 0 {
			b = append(b, 0)
		}
		return b
	}
	b = append(b, id[:]...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// junk returns the header of a JUNK chunk of the given payload.
func (g geom) junk(payload int64) []byte {
	if g.w64 {
		b := append([]byte(nil), w64Junk[:]...)
		return binary.LittleEndian.AppendUint64(b, uint64(w64Header+payload))
	}
	b := append([]byte(nil), IDJUNK[:]...)
	return binary.LittleEndian.AppendUint32(b, uint32(payload))
}

func planErr(kind ErrorKind, off int64, id FourCC, format string, args ...any) error {
	return &Error{Kind: kind, Offset: off, Chunk: id, Msg: fmt.Sprintf(format, args...)}
}

// Structural reports whether warnings of kind k make the chunk walk uncertain: an edit would build
// on sizes that readers disagree about. (A missing pad byte or a cut
// chunk can also be a problem inside a LIST; in the walk PlanMetadata
// finds them itself.)
func Structural(k WarningKind) bool {
	switch k {
	case WarnBadField, WarnRaggedTail, WarnMissingPad, WarnTruncatedChunk:
		return false
	}
	return true
}

// PlanMetadata works out how to make the metadata chunks of the file r
// (size bytes, parsed into h) what want lists, without moving the audio.
// Chunks of a kind (id, and form type for LIST) are matched in order: the
// first LIST/INFO wanted replaces the first in the file, and so on. A
// chunk that is already as wanted is not written and stays where it is;
// After places new and changed chunks only. The file must be RIFF, RF64 or BW64 with a clean chunk
// walk (no warning but bad-field and ragged-tail ones): the plan refuses
// anything else with an *Error saying why, of kind ErrUnsupported for
// Wave64 and RIFX (whose big-endian sizes the plan does not write yet).
func PlanMetadata(h *Header, size int64, r io.ReaderAt, want []MetaChunk) (*MetaPlan, error) {
	p, err := planMetadata(h, size, r, want, nil)
	if err != nil {
		return nil, err
	}
	// A kind of chunk that the file holds more than once must keep its
	// order: if a move after the data swapped two, all of that kind go
	// after the data, in the order wanted.
	bad, err := p.misordered(r, size, want)
	if err != nil || len(bad) == 0 {
		return p, err
	}
	p, err = planMetadata(h, size, r, want, bad)
	if err != nil {
		return nil, err
	}
	if bad, err := p.misordered(r, size, want); err != nil || len(bad) > 0 {
		return nil, planErr(ErrInvalid, 0, FourCC{}, "internal error: no order of the chunks keeps the order asked (%v)", err)
	}
	return p, nil
}

// misordered returns the kinds of chunk whose payloads, in the file the
// plan leaves, are not those of want in order.
func (p *MetaPlan) misordered(r io.ReaderAt, size int64, want []MetaChunk) (map[metaKey]bool, error) {
	ov := &Overlay{R: r, Size: size, End: p.Size}
	for _, s := range p.Steps {
		ov.Writes = append(ov.Writes, s.Writes...)
	}
	h, err := Parse(ov, p.Size, Options{})
	if err != nil {
		return nil, planErr(ErrInvalid, 0, FourCC{}, "internal error: the planned header does not parse: %v", err)
	}
	got := map[metaKey][][]byte{}
	for _, c := range h.Chunks {
		if IsFraming(c.ID) {
			continue
		}
		b := make([]byte, c.Size)
		if _, err := ov.ReadAt(b, c.DataOffset); err != nil && c.Size > 0 {
			return nil, &Error{Kind: ErrIO, Offset: c.DataOffset, Chunk: c.ID, Msg: "reading the chunk", Err: err}
		}
		k := keyOf(c.ID, b)
		got[k] = append(got[k], b)
	}
	exp := map[metaKey][][]byte{}
	for _, w := range want {
		k := keyOf(w.ID, w.Data)
		exp[k] = append(exp[k], w.Data)
	}
	bad := map[metaKey]bool{}
	for k, e := range exp {
		g := got[k]
		if len(g) != len(e) {
			bad[k] = true
			continue
		}
		for i := range e {
			if !bytes.Equal(g[i], e[i]) {
				bad[k] = true
			}
		}
	}
	for k := range got {
		if _, ok := exp[k]; !ok {
			bad[k] = true
		}
	}
	return bad, nil
}

func planMetadata(h *Header, size int64, r io.ReaderAt, want []MetaChunk, force map[metaKey]bool) (*MetaPlan, error) {
	if len(force) > 0 || h.Container == ContainerWave64 {
		want = append([]MetaChunk(nil), want...)
		for j := range want {
			switch {
			case h.Container == ContainerWave64:
				// Nothing may follow Wave64 audio (sox reads it as audio).
				want[j].After = false
			case force[keyOf(want[j].ID, want[j].Data)]:
				want[j].After = true
			}
		}
	}
	g := geom{w64: h.Container == ContainerWave64}
	hl := g.hl()
	switch h.Container {
	case ContainerRIFF, ContainerRF64, ContainerBW64, ContainerWave64:
	default:
		return nil, planErr(ErrUnsupported, 0, FourCC{}, "metadata is written in place into RIFF, RF64, BW64 and Wave64 files only, not %s", h.Container)
	}
	for _, w := range h.Warnings {
		if Structural(w.Kind) {
			return nil, planErr(ErrInvalid, w.Offset, w.Chunk, "the header needs repair before its metadata can be rewritten (%s: %s)", w.Kind, w.Msg)
		}
	}
	for _, w := range want {
		if IsFraming(w.ID) {
			return nil, planErr(ErrInvalid, 0, w.ID, "chunk %s frames the audio: it is not metadata", w.ID)
		}
		if int64(len(w.Data)) > 0xFFFFFFFF-16 {
			return nil, planErr(ErrInvalid, 0, w.ID, "chunk %s of %d bytes does not fit a RIFF chunk", w.ID, len(w.Data))
		}
	}
	sz := NewSizes(h.Container, h.Chunks, h.DataOffset, max(h.Fmt.BlockAlign, 1))
	if sz.Data.Offset < 0 {
		return nil, planErr(ErrNoData, 0, IDData, "data chunk not found")
	}
	if sz.Data.Declared != sz.Data.Size {
		return nil, planErr(ErrInvalid, sz.Data.Offset, IDData, "the data chunk declares %d bytes and holds %d: repair the file first", sz.Data.Declared, sz.Data.Size)
	}
	// The walk must be contiguous from the first chunk to the end of the
	// file (a Wave64 file may end before the alignment of its last chunk).
	pos := int64(12)
	if g.w64 {
		pos = 40
	}
	cs := make([]cur, len(h.Chunks))
	dataIdx := -1
	for i, c := range h.Chunks {
		if c.Offset != pos || c.Declared != c.Size {
			return nil, planErr(ErrInvalid, c.Offset, c.ID, "chunk %s at byte %d is not where the walk from the previous one ends (%d) or is cut: repair the file first", c.ID, c.Offset, pos)
		}
		pos = g.end(c)
		if g.w64 && i == len(h.Chunks)-1 {
			pos = min(pos, size)
		}
		cs[i] = cur{c: c, want: -1, after: dataIdx >= 0}
		if c.Offset == sz.Data.Offset {
			dataIdx = i
		}
	}
	if pos != size {
		return nil, planErr(ErrInvalid, pos, FourCC{}, "the chunks end at byte %d, the file at %d: repair the file first", pos, size)
	}
	end := size
	// Read the metadata and find the chunks the plan may overwrite.
	count := map[metaKey]int{}
	byKey := map[metaKey][]int{}
	for i := range cs {
		c := &cs[i]
		id := c.c.ID
		switch {
		case isPadding(id):
			// The JUNK chunk at byte 12 of a RIFF file is the room for a
			// ds64 chunk: it stays.
			if !(h.Container == ContainerRIFF && c.c.Offset == 12) {
				c.st = stFree
			}
			continue
		case IsFraming(id):
			continue
		}
		b := make([]byte, c.c.Size)
		if _, err := r.ReadAt(b, c.c.DataOffset); err != nil && !(err == io.EOF && c.c.Size == 0) {
			return nil, &Error{Kind: ErrIO, Offset: c.c.DataOffset, Chunk: id, Msg: "reading the chunk", Err: err}
		}
		c.data = b
		c.key = keyOf(id, b)
		byKey[c.key] = append(byKey[c.key], i)
		c.st = stDelete
	}
	wantCur := make([]int, len(want)) // index in cs, or -1
	for j, w := range want {
		k := keyOf(w.ID, w.Data)
		n := count[k]
		count[k]++
		wantCur[j] = -1
		if l := byKey[k]; n < len(l) {
			i := l[n]
			wantCur[j] = i
			cs[i].want = j
			if bytes.Equal(cs[i].data, w.Data) && !(force[k] && !cs[i].after) {
				cs[i].st = stKeep
			} else {
				cs[i].st = stReplace
			}
		}
	}
	p := &MetaPlan{Size: end}
	placedPre := make([]bool, len(want)) // wanted before the data and there
	for j, i := range wantCur {
		placedPre[j] = i >= 0 && cs[i].st == stKeep && !cs[i].after
	}
	var prep, commit, late []Write
	var early []Write // switches of runs that take chunks from after the data: before the tail's
	var notes []string

	// Before the data: each run of free chunks.
	type run struct{ from, to int } // cs indexes [from, to)
	var runs []run
	for i := 0; i < dataIdx; {
		if cs[i].st == stKeep {
			i++
			continue
		}
		j := i
		for j < dataIdx && cs[j].st != stKeep {
			j++
		}
		runs = append(runs, run{i, j})
		i = j
	}
	// fit finds room in the free chunks of cs[from:to] for content of n
	// bytes: the offset to write it at, or -1.
	fit := func(from, to int, n int64, runEnd int64) int64 {
		for i := from; i < to; i++ {
			if !isPadding(cs[i].c.ID) || cs[i].st != stFree {
				continue
			}
			x := cs[i].c.DataOffset
			kEnd := g.end(cs[i].c)
			if x+n+hl <= kEnd || (x+n == runEnd && kEnd == runEnd) {
				return x
			}
		}
		return -1
	}
	// switchTo writes the content of a run [h, runEnd) placed at x: the
	// content and the JUNK header covering the rest go in prep, the
	// switch at h in commit.
	switchTo := func(h, runEnd, x int64, content []byte, commitList *[]Write) {
		if len(content) > 0 || x+int64(len(content)) < runEnd {
			b := content
			if rest := runEnd - (x + int64(len(content))); rest > 0 {
				b = append(append([]byte(nil), content...), g.junk(rest-hl)...)
			}
			prep = append(prep, Write{x, b})
		}
		*commitList = append(*commitList, Write{h, g.junk(x - h - hl)})
	}
	var newPre []int // want indexes wanted before the data with no place yet
	for j, w := range want {
		if !w.After && (wantCur[j] < 0 || (cs[wantCur[j]].after && cs[wantCur[j]].st != stKeep)) {
			newPre = append(newPre, j)
		}
	}
	for _, rn := range runs {
		h := cs[rn.from].c.Offset
		last := cs[rn.to-1].c
		runEnd := g.end(last)
		var content []byte
		var ids []FourCC
		changed := false
		for i := rn.from; i < rn.to; i++ {
			c := &cs[i]
			if c.st == stDelete {
				changed = true
			}
			if c.st == stReplace {
				changed = true
				if w := want[c.want]; !w.After {
					content = g.encode(content, w.ID, w.Data)
					ids = append(ids, w.ID)
				} else {
					p.Moved = append(p.Moved, c.c.ID) // asked to go after the data
				}
			}
		}
		// Chunks new before the data go into the first run with room.
		var took []int
		for _, j := range newPre {
			if placedPre[j] {
				continue
			}
			w := want[j]
			more := g.encode(content, w.ID, w.Data)
			if fit(rn.from, rn.to, int64(len(more)), runEnd) >= 0 {
				content = more
				ids = append(ids, w.ID)
				took = append(took, j)
			}
		}
		if !changed && len(took) == 0 {
			continue
		}
		x := int64(-1)
		if len(content) == 0 {
			x = runEnd // nothing to write: the switch covers the whole run
		} else {
			x = fit(rn.from, rn.to, int64(len(content)), runEnd)
		}
		if x < 0 {
			// No room: the replaced chunks go after the data; the run is
			// switched off once they are there.
			for i := rn.from; i < rn.to; i++ {
				if c := &cs[i]; c.st == stReplace && !want[c.want].After {
					p.Moved = append(p.Moved, c.c.ID)
				}
			}
			late = append(late, Write{h, g.junk(runEnd - h - hl)})
			continue
		}
		for i := rn.from; i < rn.to; i++ {
			if c := &cs[i]; c.st == stReplace && !want[c.want].After {
				placedPre[c.want] = true
			}
		}
		for _, j := range took {
			placedPre[j] = true
		}
		p.InPlace = append(p.InPlace, ids...)
		fromTail := false
		for _, j := range took {
			fromTail = fromTail || wantCur[j] >= 0
			if wantCur[j] >= 0 {
				p.movedIn = append(p.movedIn, want[j].ID)
			}
		}
		if fromTail {
			switchTo(h, runEnd, x, content, &early)
		} else {
			switchTo(h, runEnd, x, content, &commit)
		}
	}

	// After the data: one run, from the first chunk that changes to the
	// end of the file (chunks before it that stay as they are, stay).
	var tailWant []int
	for j, w := range want {
		if w.After || !placedPre[j] {
			tailWant = append(tailWant, j)
		}
	}
	tailStart := dataIdx + 1
	t0 := end
	if tailStart < len(cs) {
		t0 = cs[tailStart].c.Offset
	}
	var curTail []int
	for i := tailStart; i < len(cs); i++ {
		if !IsFraming(cs[i].c.ID) {
			curTail = append(curTail, i)
		} else if !isPadding(cs[i].c.ID) {
			return nil, planErr(ErrUnsupported, cs[i].c.Offset, cs[i].c.ID, "a %s chunk after the data chunk", cs[i].c.ID)
		}
	}
	keep := 0 // chunks at the start of the tail that stay
	for keep < len(curTail) && keep < len(tailWant) {
		c, w := cs[curTail[keep]], want[tailWant[keep]]
		if c.c.ID != w.ID || !bytes.Equal(c.data, w.Data) {
			break
		}
		keep++
	}
	sameTail := keep == len(curTail) && keep == len(tailWant)
	if keep > 0 {
		tailStart = curTail[keep-1] + 1
		t0 = end
		if tailStart < len(cs) {
			t0 = cs[tailStart].c.Offset
		}
	}
	if !sameTail {
		var content []byte
		for _, j := range tailWant[keep:] {
			content = g.encode(content, want[j].ID, want[j].Data)
			p.Tail = append(p.Tail, want[j].ID)
		}
		x := int64(-1)
		switch {
		case len(content) == 0:
			x = end
		default:
			x = fit(tailStart, len(cs), int64(len(content)), end)
		}
		var tc []Write
		if x >= 0 && (len(content) > 0 || t0 < end) {
			switchTo(t0, end, x, content, &tc)
		} else if x < 0 {
			// Append under a JUNK header of its own, grow the container,
			// then switch.
			if g.w64 {
				// sox (libsndfile) reads whatever follows Wave64 audio as
				// more audio: nothing may go there.
				return nil, planErr(ErrUnsupported, end, FourCC{}, "no room before the audio of this Wave64 file for %d bytes of metadata, and none may follow it (sox reads what follows Wave64 audio as audio): convert the file to write it", len(content))
			}
			x = end + hl
			prep = append(prep, Write{end, append(g.junk(int64(len(content))), content...)})
			p.Size = x + int64(len(content))
			p.Grew = p.Size - end
			tc = append(tc, Write{t0, g.junk(x - t0 - hl)})
		}
		// The tail switches first: a chunk moving there from before the
		// data is then in the file twice for a moment, never missing.
		commit = append(tc, commit...)
	}
	for i := range cs {
		if cs[i].st == stDelete {
			p.Removed = append(p.Removed, cs[i].c.ID)
		}
	}

	if len(prep) > 0 {
		p.Steps = append(p.Steps, MetaStep{What: "write the new chunks where no reader looks yet", Writes: prep, Hidden: true})
	}
	if p.Size != end {
		_, fields, err := sz.Fields(sz.Data.Size, p.Size)
		if err != nil {
			return nil, planErr(ErrUnsupported, 4, FourCC{}, "the metadata would take the file to %d bytes: %v", p.Size, err)
		}
		var ws []Write
		for _, f := range fields {
			if f.Kind == FieldUpgrade {
				return nil, planErr(ErrUnsupported, 4, FourCC{}, "the metadata would take this RIFF file past 4 GiB (%d bytes): convert it to RF64 first", p.Size)
			}
			if f.Kind != FieldContainer {
				continue
			}
			b := make([]byte, f.Width)
			f.Put(b)
			old := make([]byte, f.Width)
			if _, err := r.ReadAt(old, f.Offset); err != nil {
				return nil, &Error{Kind: ErrIO, Offset: f.Offset, Msg: "reading " + f.Name, Err: err}
			}
			if !bytes.Equal(old, b) {
				ws = append(ws, Write{f.Offset, b})
			}
		}
		p.Steps = append(p.Steps, MetaStep{What: "grow the container size over them", Writes: ws})
	}
	commit = append(early, commit...)
	if len(commit) > 0 {
		p.Steps = append(p.Steps, MetaStep{What: "switch the chunk walk to the new chunks", Writes: commit})
	}
	if len(late) > 0 {
		p.Steps = append(p.Steps, MetaStep{What: "switch off the old copies of the moved chunks", Writes: late})
	}
	for _, s := range p.Steps {
		for _, w := range s.Writes {
			p.Written += int64(len(w.Data))
		}
	}
	if len(p.InPlace) > 0 {
		notes = append(notes, fmt.Sprintf("wrote %s before the audio, in room the header had", idList(p.InPlace)))
	}
	if len(p.Moved) > 0 {
		notes = append(notes, fmt.Sprintf("moved %s from before the audio to after it", idList(p.Moved)))
	}
	if len(p.Tail) > 0 {
		notes = append(notes, fmt.Sprintf("rewrote the chunks after the audio (%s)", idList(p.Tail)))
	} else if !sameTail {
		notes = append(notes, "removed the chunks after the audio")
	}
	if len(p.Removed) > 0 {
		notes = append(notes, fmt.Sprintf("removed %s", idList(p.Removed)))
	}
	if p.Grew > 0 {
		notes = append(notes, fmt.Sprintf("the file grew by %d bytes", p.Grew))
	}
	p.Notes = notes
	return p, nil
}

func idList(ids []FourCC) string {
	var b []byte
	for i, id := range ids {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, id.String()...)
	}
	return string(b)
}

// Overlay reads R as it is once Writes are made and the file is End bytes
// long (it may grow past Size, the length of R).
type Overlay struct {
	R      io.ReaderAt
	Size   int64
	End    int64
	Writes []Write
}

// ReadAt reads from the file as the writes leave it.
func (o *Overlay) ReadAt(b []byte, off int64) (int, error) {
	if off >= o.End {
		return 0, io.EOF
	}
	want := len(b)
	if int64(want) > o.End-off {
		b = b[:o.End-off]
	}
	clear(b)
	if off < o.Size {
		n := min(int64(len(b)), o.Size-off)
		if _, err := o.R.ReadAt(b[:n], off); err != nil && err != io.EOF {
			return 0, err
		}
	}
	for _, w := range o.Writes {
		lo, hi := max(w.Offset, off), min(w.Offset+int64(len(w.Data)), off+int64(len(b)))
		if lo < hi {
			copy(b[lo-off:hi-off], w.Data[lo-w.Offset:hi-w.Offset])
		}
	}
	if len(b) < want {
		return len(b), io.EOF
	}
	return len(b), nil
}
