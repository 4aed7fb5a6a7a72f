package wavemap_test

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// FuzzMetadataCodecs feeds arbitrary bytes to every metadata parser, as a
// chunk payload and split into a cue chunk and an adtl list, and checks
// that nothing panics, that what a parser accepts encodes to something it
// parses to the same value (a bext chunk to the very same bytes), and
// that the edits for cut and cat run on anything.
func FuzzMetadataCodecs(f *testing.F) {
	f.Add(specBext("desc", "orig", "ref", "2026-12-01", "12:00:00", 1<<40, 2, nil, [5]int16{-2300, 1, 2, 3, 0x7FFF}, nil, []byte("A=PCM\r\n\x00")))
	f.Add([]byte(recorderIXML))
	f.Add(specSmpl([7]uint32{1, 2, 3, 60, 0, 0, 0}, [][6]uint32{{1, 0, 10, 20, 0, 0}}, []byte{1, 2, 3}))
	f.Add(wavtest.Cat([]byte{49}, chunkPayload(specCue(specCuePoint(1, 0, "data", 0, 0, 5), specCuePoint(2, 9, "data", 0, 0, 9))),
		chunkPayload(specList("adtl", specLabl("labl", 1, "x"), specLtxt(2, 7, "rgn ", 0, 0, 0, 0, nil), specLabl("note", 2, "odd")))[4:]))
	f.Add(wavtest.Cat(wavtest.Chunk("INAM", specZstr("name")), wavtest.RawChunk("ICMT", 3, []byte("abc"), false), wavtest.Chunk("IART", nil)))
	f.Fuzz(func(t *testing.T, data []byte) {
		orig := bytes.Clone(data)
		defer func() {
			if !bytes.Equal(data, orig) {
				t.Fatal("a parser or an edit changed its input")
			}
		}()

		if b, err := wavemap.ParseBext(data); err == nil {
			enc := b.Encode()
			if !bytes.Equal(enc, data) {
				t.Fatalf("bext: Encode(ParseBext(x)) differs from x at byte %d", firstDiff(enc, data))
			}
			if b2, err := wavemap.ParseBext(enc); err != nil || !reflect.DeepEqual(b, b2) {
				t.Fatalf("bext: parse of the encoding: %v, %+v != %+v", err, b2, b)
			}
		}

		if s, err := wavemap.ParseSampler(data); err == nil {
			if s2, err := wavemap.ParseSampler(s.Encode()); err != nil || !reflect.DeepEqual(s, s2) {
				t.Fatalf("smpl: parse of the encoding: %v, %+v != %+v", err, s2, s)
			}
		}

		if x, err := wavemap.ParseIXML(data); err == nil {
			m := &wavemap.Metadata{}
			m.SetIXML(data)
			x2, ok, err := m.IXML()
			if len(data) > 0 && (!ok || err != nil || !bytes.Equal(x2.Doc, data)) {
				t.Fatalf("iXML: stored and read back: %v %v", ok, err)
			}
			if x2 != nil {
				x2.Doc = x.Doc
				if !reflect.DeepEqual(x, x2) {
					t.Fatalf("iXML: %+v != %+v", x2, x)
				}
			}
		}

		info := &wavemap.Metadata{Chunks: []wavemap.RawChunk{{ID: wavemap.FourCC([]byte("LIST")), Data: wavtest.Cat([]byte("INFO"), data)}}}
		tags := info.Info()
		info.SetInfo(tags)
		if tags2 := info.Info(); !reflect.DeepEqual(tags, tags2) {
			t.Fatalf("INFO: %q read back as %q", tags, tags2)
		}

		// The first byte says where the cue payload ends and the adtl list
		// begins.
		var cue, adtl []byte
		if len(data) > 0 {
			k := 1 + int(data[0])%len(data)
			cue, adtl = data[1:k], data[k:]
		}
		m := &wavemap.Metadata{Chunks: []wavemap.RawChunk{
			{ID: wavemap.FourCC([]byte("LIST")), Data: wavtest.Cat([]byte("INFO"), data)},
			{ID: wavemap.FourCC([]byte("bext")), Data: data},
			{ID: wavemap.FourCC([]byte("iXML")), Data: data},
			{ID: wavemap.FourCC([]byte("cue ")), Data: cue, AfterData: true},
			{ID: wavemap.FourCC([]byte("LIST")), Data: wavtest.Cat([]byte("adtl"), adtl), AfterData: true},
			{ID: wavemap.FourCC([]byte("smpl")), Data: data, AfterData: true},
			{ID: wavemap.FourCC([]byte("MD5 ")), Data: data, AfterData: true},
		}}
		cues, err := m.Cues()
		if err == nil || cues != nil {
			c := m.Clone()
			if err := c.SetCues(cues); err != nil {
				t.Fatalf("SetCues(Cues()): %v", err)
			}
			cues2, err := c.Cues()
			if err != nil || !reflect.DeepEqual(cues, cues2) {
				t.Fatalf("cues: %v\n%+v\nread back as\n%+v", err, cues, cues2)
			}
			enc := c.Clone()
			if err := c.SetCues(cues2); err != nil || !reflect.DeepEqual(c, enc) {
				t.Fatalf("cues: a second SetCues wrote other bytes (%v)", err)
			}
		}

		var from, to int64
		var rate int
		if len(data) >= 12 {
			from = int64(binary.LittleEndian.Uint32(data[0:]))
			to = from + int64(binary.LittleEndian.Uint32(data[4:]))
			rate = int(binary.LittleEndian.Uint32(data[8:]) % 400000)
		}
		x, _ := m.Excerpt(from, to, rate)
		if cues, err := x.Cues(); err != nil {
			t.Fatalf("the excerpt's cues do not read: %v (%d cues)", err, len(cues))
		}
		x.AppendCues(m, to-from)
		x.AppendCues(m, -from)
		x.AudioChanged()
		m.AudioChanged()
	})
}
