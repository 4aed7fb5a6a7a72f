package wavemap_test

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

var fccData = wavemap.FourCC([]byte("data"))

// chunkPayload returns the payload of the chunk laid out in b (a chunk as
// wavtest.Chunk builds it): b without its 8-byte header and pad byte.
func chunkPayload(b []byte) []byte {
	n := int(b[4]) | int(b[5])<<8 | int(b[6])<<16 | int(b[7])<<24
	return b[8 : 8+n]
}

// TestCueAudacity reads markers laid out as Audacity writes labels: a cue
// chunk and a LIST/adtl of labl sub-chunks after the data, dwPosition 0,
// the frame in dwSampleOffset; and SetCues writes them back byte for byte.
func TestCueAudacity(t *testing.T) {
	cue := specCue(
		specCuePoint(1, 0, "data", 0, 0, 0),
		specCuePoint(2, 0, "data", 0, 0, 24000),
		specCuePoint(3, 0, "data", 0, 0, 48000))
	adtl := specList("adtl", specLabl("labl", 1, "start"), specLabl("labl", 2, "odd"), specLabl("labl", 3, "Ünïcode"))
	m := mdRead(t, mdFile(nil, [][]byte{cue, adtl}))
	cues, err := m.Cues()
	if err != nil {
		t.Fatal(err)
	}
	want := []wavemap.Cue{
		{ID: 1, Position: 0, Label: wavemap.TextOf("start"), FCCChunk: fccData},
		{ID: 2, Position: 24000, Label: wavemap.TextOf("odd"), FCCChunk: fccData},
		{ID: 3, Position: 48000, Label: wavemap.TextOf("Ünïcode"), FCCChunk: fccData},
	}
	if !reflect.DeepEqual(cues, want) {
		t.Fatalf("Cues() =\n%+v\nwant\n%+v", cues, want)
	}
	if err := m.SetCues(cues); err != nil {
		t.Fatal(err)
	}
	if ids := mdIDs(m); !reflect.DeepEqual(ids, []string{"cue (after data)", "LIST/adtl(after data)"}) {
		t.Errorf("chunks after SetCues: %v", ids)
	}
	if got := mdChunk(t, m, "cue "); !bytes.Equal(got, chunkPayload(cue)) {
		t.Errorf("cue chunk rewritten as %x, was %x", got, chunkPayload(cue))
	}
	if got := m.Chunks[m.IndexList(wavemap.FourCC([]byte("adtl")))].Data; !bytes.Equal(got, chunkPayload(adtl)) {
		t.Errorf("adtl list rewritten as %q, was %q", got, chunkPayload(adtl))
	}
}

// TestCueReaper reads markers and regions laid out as REAPER writes them:
// a labl for each, and for a region an ltxt of purpose "rgn " holding its
// length; dwPosition equal to dwSampleOffset.
func TestCueReaper(t *testing.T) {
	cue := specCue(specCuePoint(1, 1000, "data", 0, 0, 1000), specCuePoint(2, 2000, "data", 0, 0, 2000))
	adtl := specList("adtl", specLabl("labl", 1, "Verse"), specLabl("labl", 2, "Chorus"),
		specLtxt(2, 3000, "rgn ", 0, 0, 0, 0, nil))
	m := mdRead(t, mdFile([][]byte{cue, adtl}, nil))
	cues, err := m.Cues()
	if err != nil {
		t.Fatal(err)
	}
	want := []wavemap.Cue{
		{ID: 1, Position: 1000, Label: wavemap.TextOf("Verse"), PlayPosition: 1000, FCCChunk: fccData},
		{ID: 2, Position: 2000, Length: 3000, Label: wavemap.TextOf("Chorus"), PlayPosition: 2000, FCCChunk: fccData,
			Purpose: wavemap.FourCC([]byte("rgn "))},
	}
	if !reflect.DeepEqual(cues, want) {
		t.Fatalf("Cues() =\n%+v\nwant\n%+v", cues, want)
	}
	if err := m.SetCues(cues); err != nil {
		t.Fatal(err)
	}
	if ids := mdIDs(m); !reflect.DeepEqual(ids, []string{"cue ", "LIST/adtl"}) {
		t.Errorf("chunks after SetCues: %v (they were before the data)", ids)
	}
	if got := mdChunk(t, m, "cue "); !bytes.Equal(got, chunkPayload(cue)) {
		t.Errorf("cue chunk rewritten as %x, was %x", got, chunkPayload(cue))
	}
	if got := m.Chunks[1].Data; !bytes.Equal(got, chunkPayload(adtl)) {
		t.Errorf("adtl list rewritten as %q, was %q", got, chunkPayload(adtl))
	}
}

// TestCueWrite makes cues in code and checks the bytes SetCues writes
// against the spec layout: labl, note and ltxt with text and codes, a
// 'file' sub-chunk kept while its cue is, chunks placed after the data.
func TestCueWrite(t *testing.T) {
	m := &wavemap.Metadata{Chunks: []wavemap.RawChunk{{ID: wavemap.FourCC([]byte("bext")), Data: make([]byte, 602)}}}
	a := wavemap.NewCue(7, 100, "seven")
	a.Note = wavemap.TextOf("a note")
	b := wavemap.NewCue(9, 5, "")
	b.Length, b.Purpose, b.Country, b.Language, b.Dialect, b.CodePage, b.Text = 50, wavemap.FourCC([]byte("scrp")), 1, 9, 1, 1252, wavemap.TextOf("script")
	if err := m.SetCues([]wavemap.Cue{a, b}); err != nil {
		t.Fatal(err)
	}
	wantCue := chunkPayload(specCue(specCuePoint(7, 100, "data", 0, 0, 100), specCuePoint(9, 5, "data", 0, 0, 5)))
	wantAdtl := chunkPayload(specList("adtl", specLabl("labl", 7, "seven"), specLabl("note", 7, "a note"),
		specLtxt(9, 50, "scrp", 1, 9, 1, 1252, specZstr("script"))))
	if ids := mdIDs(m); !reflect.DeepEqual(ids, []string{"bext", "cue (after data)", "LIST/adtl(after data)"}) {
		t.Fatalf("chunks: %v", ids)
	}
	if !bytes.Equal(m.Chunks[1].Data, wantCue) || !bytes.Equal(m.Chunks[2].Data, wantAdtl) {
		t.Fatalf("cue %x\nwant %x\nadtl %q\nwant %q", m.Chunks[1].Data, wantCue, m.Chunks[2].Data, wantAdtl)
	}
	got, err := mdRead(t, mdFileOf(m)).Cues()
	if err != nil || !reflect.DeepEqual(got, []wavemap.Cue{a, b}) {
		t.Errorf("read back %+v, %v", got, err)
	}

	// A 'file' sub-chunk for cue 9 stays while cue 9 does.
	file := wavtest.Chunk("file", wavtest.Cat(wavtest.LE32(9), []byte("MEDxembedded")))
	m.Chunks[2].Data = append(m.Chunks[2].Data, file...)
	if err := m.SetCues([]wavemap.Cue{b, a}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(m.Chunks[2].Data, file) {
		t.Error("SetCues dropped the 'file' sub-chunk of a cue still there")
	}
	if err := m.SetCues([]wavemap.Cue{a}); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(m.Chunks[2].Data, []byte("file")) {
		t.Error("SetCues kept the 'file' sub-chunk of a cue removed")
	}

	// Out of range: an error, and nothing changed.
	before := m.Clone()
	for _, c := range []wavemap.Cue{{ID: 1, Position: -1}, {ID: 1, Position: 1 << 32}, {ID: 1, Length: 1 << 32}} {
		if err := m.SetCues([]wavemap.Cue{a, c}); !errors.Is(err, wavemap.ErrArgument) {
			t.Errorf("SetCues(%+v): %v", c, err)
		}
	}
	if !reflect.DeepEqual(m, before) {
		t.Error("a refused SetCues changed the metadata")
	}
	if err := m.SetCues(nil); err != nil || !reflect.DeepEqual(mdIDs(m), []string{"bext"}) {
		t.Errorf("SetCues(nil): %v, left %v", err, mdIDs(m))
	}
	if cues, err := m.Cues(); cues != nil || err != nil {
		t.Errorf("no cue chunk: %v, %v", cues, err)
	}
}

// TestCueDamaged reads cue and adtl chunks as damaged files have them.
func TestCueDamaged(t *testing.T) {
	// A count larger than the chunk: the points there, and ErrInvalid.
	short := wavtest.Chunk("cue ", wavtest.Cat(wavtest.LE32(3), specCuePoint(1, 0, "data", 0, 0, 10), []byte{1, 2, 3}))
	cues, err := mdRead(t, mdFile(nil, [][]byte{short})).Cues()
	if !errors.Is(err, wavemap.ErrInvalid) || len(cues) != 1 || cues[0].Position != 10 {
		t.Errorf("short cue chunk: %+v, %v", cues, err)
	}
	cues, err = mdRead(t, mdFile(nil, [][]byte{wavtest.Chunk("cue ", []byte{1, 0})})).Cues()
	if !errors.Is(err, wavemap.ErrInvalid) || cues != nil {
		t.Errorf("2-byte cue chunk: %+v, %v", cues, err)
	}
	// A labl of odd size without its pad byte, a second labl for the same
	// id (the first wins), a labl for an id with no cue point, an ltxt too
	// short to read, and trailing garbage.
	cue := specCue(specCuePoint(1, 0, "data", 0, 0, 10), specCuePoint(2, 0, "data", 0, 0, 20))
	adtl := wavtest.Chunk("LIST", wavtest.Cat([]byte("adtl"),
		wavtest.RawChunk("labl", -1, wavtest.Cat(wavtest.LE32(1), []byte("abcd\x00")), false),
		specLabl("labl", 1, "second"), specLabl("labl", 5, "orphan"),
		wavtest.Chunk("ltxt", wavtest.Cat(wavtest.LE32(2), wavtest.LE32(99))),
		specLabl("note", 2, "n"), []byte{0xFF, 0xFE, 0, 0, 0, 0, 0, 0, 0, 0}))
	cues, err = mdRead(t, mdFile(nil, [][]byte{cue, adtl})).Cues()
	want := []wavemap.Cue{
		{ID: 1, Position: 10, Label: wavemap.TextOf("abcd"), FCCChunk: fccData},
		{ID: 2, Position: 20, Note: wavemap.TextOf("n"), FCCChunk: fccData},
	}
	if err != nil || !reflect.DeepEqual(cues, want) {
		t.Errorf("damaged adtl: %+v, %v\nwant %+v", cues, err, want)
	}
}
