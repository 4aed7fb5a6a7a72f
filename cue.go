package wavemap

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Cue is a marker or a region of the audio: one point of the cue chunk
// (RIFF 1991, section 3-8) joined with what the LIST/adtl chunk says about
// it, by its id: its label (labl), its note (note) and, for a region, its
// length and text (ltxt). This is how Audacity, REAPER, Sound Forge and
// Wavelab store markers and regions.
type Cue struct {
	ID       uint32 // dwName: the cue point's identifier
	Position int64  // dwSampleOffset: the frame the point is at
	// Length is the length of a region in frames (dwSampleLength of the
	// ltxt with the cue's id); 0 for a plain marker.
	Length int64
	Label  Text // the labl text
	Note   Text // the note text

	// The other fields of the cue point. Most writers set FCCChunk to
	// "data", ChunkStart and BlockStart to 0 (one data chunk, no
	// compression), and PlayPosition to 0 or to Position. NewCue does so.
	PlayPosition uint32 // dwPosition: the position in play order
	FCCChunk     FourCC // fccChunk: the chunk holding the point ("data", or "slnt" in a wavl list)
	ChunkStart   uint32 // dwChunkStart
	BlockStart   uint32 // dwBlockStart

	// The other fields of the ltxt. Purpose is what the text is for:
	// REAPER and others write "rgn " for a region.
	Purpose                              FourCC
	Country, Language, Dialect, CodePage uint16
	Text                                 Text
}

// NewCue returns a marker at position with the given label, laid out as
// most writers do: in the data chunk, PlayPosition equal to Position.
func NewCue(id uint32, position int64, label string) Cue {
	return Cue{ID: id, Position: position, Label: TextOf(label), PlayPosition: uint32(position), FCCChunk: idData}
}

var (
	idCue  = FourCC{'c', 'u', 'e', ' '}
	idAdtl = FourCC{'a', 'd', 't', 'l'}
	idLabl = FourCC{'l', 'a', 'b', 'l'}
	idNote = FourCC{'n', 'o', 't', 'e'}
	idLtxt = FourCC{'l', 't', 'x', 't'}
	idData = FourCC{'d', 'a', 't', 'a'}
)

// Sizes of the fixed parts of cue records, from the RIFF specification.
const (
	cuePointSize = 24 // dwName, dwPosition, fccChunk, dwChunkStart, dwBlockStart, dwSampleOffset
	ltxtSize     = 20 // dwName, dwSampleLength, dwPurpose, wCountry, wLanguage, wDialect, wCodePage
)

// hasLtxt reports whether c carries anything an ltxt holds.
func (c *Cue) hasLtxt() bool {
	return c.Length != 0 || c.Purpose != (FourCC{}) || c.Country != 0 || c.Language != 0 ||
		c.Dialect != 0 || c.CodePage != 0 || len(c.Text) > 0
}

// Cues returns the cue points of the first cue chunk of m, in the chunk's
// order, each joined with the labl, note and ltxt of its id from the
// LIST/adtl chunks (the first of each kind, when an id has several). It
// returns nil when m has no cue chunk or one with no point. A cue chunk
// shorter than its count says is an error wrapping ErrInvalid, returned
// with the points it does hold; a damaged adtl list is read as far as it
// goes.
func (m *Metadata) Cues() ([]Cue, error) {
	cues, _, err := m.cueSet()
	return cues, err
}

// cueSet is Cues, with the adtl sub-chunks other than labl, note and ltxt
// (such as 'file') that name a cue point, by id.
func (m *Metadata) cueSet() ([]Cue, map[uint32][]RawChunk, error) {
	b, ok := m.Get(idCue)
	if !ok {
		return nil, nil, nil
	}
	if len(b) < 4 {
		return nil, nil, fmt.Errorf("%w: cue chunk of %d bytes has no room for its count", ErrInvalid, len(b))
	}
	le := binary.LittleEndian
	claimed := uint64(le.Uint32(b))
	n := min(claimed, uint64(len(b)-4)/cuePointSize)
	var err error
	if n < claimed {
		err = fmt.Errorf("%w: cue chunk of %d bytes claims %d cue points and holds %d", ErrInvalid, len(b), claimed, n)
	}
	var cues []Cue
	if n > 0 {
		cues = make([]Cue, n)
	}
	for i := range cues {
		p := b[4+cuePointSize*i:]
		cues[i] = Cue{
			ID:           le.Uint32(p),
			PlayPosition: le.Uint32(p[4:]),
			FCCChunk:     FourCC(p[8:12]),
			ChunkStart:   le.Uint32(p[12:]),
			BlockStart:   le.Uint32(p[16:]),
			Position:     int64(le.Uint32(p[20:])),
		}
	}
	type texts struct {
		labl, note, ltxt []byte
		hasLabl, hasNote bool
	}
	byID := map[uint32]*texts{}
	extra := map[uint32][]RawChunk{}
	for _, c := range m.Chunks {
		if c.ID != idLIST || c.ListType() != idAdtl {
			continue
		}
		walkChunks(c.Data[4:], func(id FourCC, data []byte) {
			if len(data) < 4 {
				return
			}
			name := le.Uint32(data)
			t := byID[name]
			if t == nil {
				t = &texts{}
				byID[name] = t
			}
			switch id {
			case idLabl:
				if !t.hasLabl {
					t.labl, t.hasLabl = data[4:], true
				}
			case idNote:
				if !t.hasNote {
					t.note, t.hasNote = data[4:], true
				}
			case idLtxt:
				if t.ltxt == nil && len(data) >= ltxtSize {
					t.ltxt = data
				}
			default:
				extra[name] = append(extra[name], RawChunk{ID: id, Data: append([]byte(nil), data...)})
			}
		})
	}
	for i := range cues {
		c := &cues[i]
		t := byID[c.ID]
		if t == nil {
			continue
		}
		c.Label, c.Note = textField(t.labl), textField(t.note)
		if l := t.ltxt; l != nil {
			c.Length = int64(le.Uint32(l[4:]))
			c.Purpose = FourCC(l[8:12])
			c.Country, c.Language = le.Uint16(l[12:]), le.Uint16(l[14:])
			c.Dialect, c.CodePage = le.Uint16(l[16:]), le.Uint16(l[18:])
			c.Text = textField(l[ltxtSize:])
		}
	}
	return cues, extra, err
}

// SetCues makes cues the cue points of m: it writes the cue chunk and the
// LIST/adtl chunk, in place of the first of each (others are removed), or
// after the data chunk, the adtl list right after the cue chunk. Empty
// cues removes both. Each field is written as it is (see NewCue for the
// usual layout): a labl for a non-empty Label, a note for a non-empty
// Note, an ltxt when any ltxt field is set, texts NUL-terminated. When
// several cues share an id, the texts of the first are written. The adtl
// sub-chunks of other kinds (such as 'file') whose id is still a cue's
// are kept; the rest are dropped.
//
// A Position or Length outside 0 to 2^32-1 cannot be stored; SetCues then
// returns an error wrapping ErrArgument and leaves m as it was.
func (m *Metadata) SetCues(cues []Cue) error {
	_, extra, _ := m.cueSet()
	return m.setCues(cues, extra)
}

// setCues is SetCues with the adtl sub-chunks of other kinds to keep, by
// id; those of ids no cue has are dropped.
func (m *Metadata) setCues(cues []Cue, extra map[uint32][]RawChunk) error {
	for _, c := range cues {
		if c.Position < 0 || c.Position > math.MaxUint32 {
			return fmt.Errorf("%w: cue %d at frame %d: a cue chunk holds positions from 0 to %d", ErrArgument, c.ID, c.Position, uint32(math.MaxUint32))
		}
		if c.Length < 0 || c.Length > math.MaxUint32 {
			return fmt.Errorf("%w: cue %d of %d frames: an ltxt holds lengths from 0 to %d", ErrArgument, c.ID, c.Length, uint32(math.MaxUint32))
		}
	}
	if len(cues) == 0 {
		m.Delete(idCue)
		m.DeleteList(idAdtl)
		return nil
	}
	le := binary.LittleEndian
	cb := le.AppendUint32(make([]byte, 0, 4+cuePointSize*len(cues)), uint32(len(cues)))
	ab := append([]byte(nil), idAdtl[:]...)
	sub := func(id FourCC, name uint32, fixed []byte, text Text, zstr bool) {
		n := 4 + len(fixed) + len(text)
		if zstr {
			n++
		}
		ab = append(ab, id[:]...)
		ab = le.AppendUint32(ab, uint32(n))
		ab = le.AppendUint32(ab, name)
		ab = append(ab, fixed...)
		ab = append(ab, text...)
		if zstr {
			ab = append(ab, 0)
		}
		if n%2 == 1 {
			ab = append(ab, 0)
		}
	}
	written := map[uint32]bool{}
	for _, c := range cues {
		cb = le.AppendUint32(cb, c.ID)
		cb = le.AppendUint32(cb, c.PlayPosition)
		cb = append(cb, c.FCCChunk[:]...)
		cb = le.AppendUint32(cb, c.ChunkStart)
		cb = le.AppendUint32(cb, c.BlockStart)
		cb = le.AppendUint32(cb, uint32(c.Position))
		if written[c.ID] {
			continue
		}
		written[c.ID] = true
		if len(c.Label) > 0 {
			sub(idLabl, c.ID, nil, c.Label, true)
		}
		if len(c.Note) > 0 {
			sub(idNote, c.ID, nil, c.Note, true)
		}
		if c.hasLtxt() {
			f := le.AppendUint32(nil, uint32(c.Length))
			f = append(f, c.Purpose[:]...)
			f = le.AppendUint16(f, c.Country)
			f = le.AppendUint16(f, c.Language)
			f = le.AppendUint16(f, c.Dialect)
			f = le.AppendUint16(f, c.CodePage)
			sub(idLtxt, c.ID, f, c.Text, len(c.Text) > 0)
		}
	}
	for _, c := range cues {
		for _, x := range extra[c.ID] {
			if len(x.Data) >= 4 {
				sub(x.ID, c.ID, nil, x.Data[4:], false)
			}
		}
		delete(extra, c.ID)
	}
	m.Set(RawChunk{ID: idCue, Data: cb, AfterData: true})
	if len(ab) == 4 {
		m.DeleteList(idAdtl)
		return nil
	}
	list := RawChunk{ID: idLIST, Data: ab}
	if m.IndexList(idAdtl) >= 0 {
		m.Set(list)
		return nil
	}
	i := m.Index(idCue)
	list.AfterData = m.Chunks[i].AfterData
	m.Chunks = append(m.Chunks, RawChunk{})
	copy(m.Chunks[i+2:], m.Chunks[i+1:])
	m.Chunks[i+1] = list
	return nil
}
