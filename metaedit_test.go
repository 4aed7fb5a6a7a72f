package wavemap_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// wantNotes fails the test unless each of want is a substring of one of
// the notes.
func wantNotes(t *testing.T, notes []string, want ...string) {
	t.Helper()
	t.Logf("notes:\n\t%s", strings.Join(notes, "\n\t"))
	for _, w := range want {
		found := false
		for _, n := range notes {
			found = found || strings.Contains(n, w)
		}
		if !found {
			t.Errorf("no note says %q; notes:\n%s", w, strings.Join(notes, "\n"))
		}
	}
}

// TestExcerptCues cuts frames [48000, 100000) of a file with markers and
// regions laid out as REAPER writes them.
func TestExcerptCues(t *testing.T) {
	rgn := "rgn "
	cue := specCue(
		specCuePoint(1, 1000, "data", 0, 0, 1000),
		specCuePoint(2, 50000, "data", 0, 0, 50000),
		specCuePoint(3, 0, "data", 0, 0, 200000),
		specCuePoint(4, 40000, "data", 0, 0, 40000),
		specCuePoint(5, 90000, "data", 0, 0, 90000),
		specCuePoint(6, 0, "data", 0, 0, 0),
		specCuePoint(7, 100000, "data", 0, 0, 100000))
	adtl := specList("adtl",
		specLabl("labl", 1, "before-marker"), specLabl("labl", 2, "inside-marker"), specLabl("note", 2, "inside-note"),
		specLabl("labl", 3, "after-marker"), specLabl("labl", 4, "starts-before"), specLtxt(4, 30000, rgn, 0, 0, 0, 0, nil),
		specLabl("labl", 5, "ends-after"), specLtxt(5, 20000, rgn, 0, 0, 0, 0, nil),
		specLabl("labl", 6, "region-before"), specLtxt(6, 1000, rgn, 0, 0, 0, 0, nil),
		specLabl("labl", 7, "at-the-end"),
		wavtest.Chunk("file", wavtest.Cat(wavtest.LE32(1), []byte("MEDXgone"))),
		wavtest.Chunk("file", wavtest.Cat(wavtest.LE32(2), []byte("MEDXkept"))))
	m := mdRead(t, mdFile(nil, [][]byte{cue, adtl}))
	before := m.Clone()
	x, notes := m.Excerpt(48000, 100000, 48000)
	if !reflect.DeepEqual(m, before) {
		t.Error("Excerpt changed its receiver")
	}
	cues, err := x.Cues()
	if err != nil {
		t.Fatal(err)
	}
	p := wavemap.FourCC([]byte(rgn))
	want := []wavemap.Cue{
		{ID: 2, Position: 2000, PlayPosition: 2000, FCCChunk: fccData, Label: wavemap.TextOf("inside-marker"), Note: wavemap.TextOf("inside-note")},
		{ID: 4, Position: 0, Length: 22000, PlayPosition: 0, FCCChunk: fccData, Label: wavemap.TextOf("starts-before"), Purpose: p},
		{ID: 5, Position: 42000, Length: 10000, PlayPosition: 42000, FCCChunk: fccData, Label: wavemap.TextOf("ends-after"), Purpose: p},
	}
	if !reflect.DeepEqual(cues, want) {
		t.Fatalf("cues of the excerpt:\n%+v\nwant\n%+v", cues, want)
	}
	list := x.Chunks[x.IndexList(wavemap.FourCC([]byte("adtl")))].Data
	for _, gone := range []string{"before-marker", "after-marker", "region-before", "at-the-end", "MEDXgone"} {
		if bytes.Contains(list, []byte(gone)) {
			t.Errorf("the adtl list still holds %q", gone)
		}
	}
	if !bytes.Contains(list, wavtest.Chunk("file", wavtest.Cat(wavtest.LE32(2), []byte("MEDXkept")))) {
		t.Error("the 'file' sub-chunk of a kept cue was dropped")
	}
	wantNotes(t, notes, "moved 3 cue points by -48000 frames (-1.000 s)", "dropped 4 cue points outside frames 48000 to 100000",
		"clipped 2 regions")

	// Nothing left: both chunks go.
	x, notes = m.Excerpt(300000, 400000, 48000)
	if c, _ := x.Cues(); c != nil || len(x.Chunks) != 0 {
		t.Errorf("empty excerpt kept %v", mdIDs(x))
	}
	wantNotes(t, notes, "removed cue chunk and its adtl list")
}

// TestExcerptTimestamps: the bext time reference ffmpeg writes moves by
// the start of the excerpt, which ffprobe then reads; nothing else in the
// chunk changes.
func TestExcerptTimestamps(t *testing.T) {
	path := ffmpegWAV(t, "-write_bext", "1", "-metadata", "time_reference=4294967000", "-metadata", "description=cut me")
	m := mdOpen(t, path)
	orig := bytes.Clone(mdChunk(t, m, "bext"))
	x, notes := m.Excerpt(48000, 96000, 48000)
	want := bytes.Clone(orig)
	ref := uint64(4294967000 + 48000)
	copy(want[338:], wavtest.LE32(uint32(ref)))
	copy(want[342:], wavtest.LE32(uint32(ref>>32)))
	if got := mdChunk(t, x, "bext"); !bytes.Equal(got, want) {
		t.Errorf("bext of the excerpt differs from the original with TimeReference advanced, at byte %d", firstDiff(got, want))
	}
	wantNotes(t, notes, "advanced bext TimeReference by 48000 frames (1.000 s), to 4295015000")
	out := filepath.Join(t.TempDir(), "cut.wav")
	writeFile(t, out, mdFileOf(x))
	if tags := wavtest.FFprobeTags(t, out); tags["time_reference"] != "4295015000" || tags["comment"] != "cut me" {
		t.Errorf("ffprobe reads the excerpt's bext as %v", tags)
	}
	if x, notes := m.Excerpt(0, 10, 48000); !bytes.Equal(mdChunk(t, x, "bext"), orig) || len(notes) != 0 {
		t.Errorf("an excerpt from frame 0 changed the bext chunk, or said so: %q", notes)
	}
}

// TestExcerptIXML: the iXML timestamps advance in the document's text,
// scaled to TIMESTAMP_SAMPLE_RATE, carried into the high word; the rest
// of the document is left byte for byte.
func TestExcerptIXML(t *testing.T) {
	const lo, hi = "<TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO>705032704<", "<TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI>1<"
	const blo = "<BWF_TIME_REFERENCE_LOW>705032704<"
	for _, tc := range []struct {
		name          string
		doc           string
		from          int64
		rate          int
		want          string
		ts            int64
		note          string
		scaledMention bool
	}{
		{"same rate", recorderIXML, 48000, 48000,
			strings.NewReplacer(lo, "<TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO>705080704<", blo, "<BWF_TIME_REFERENCE_LOW>705080704<").Replace(recorderIXML),
			1<<32 + 705080704, "advanced iXML timestamp (TIMESTAMP_SAMPLES_SINCE_MIDNIGHT) by 48000 samples", false},
		{"file at 96 kHz", recorderIXML, 96000, 96000,
			strings.NewReplacer(lo, "<TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO>705080704<", blo, "<BWF_TIME_REFERENCE_LOW>705128704<").Replace(recorderIXML),
			1<<32 + 705080704, "advanced iXML BEXT time reference (BWF_TIME_REFERENCE) by 96000 samples", false},
		{"rounded", recorderIXML, 1, 96000,
			strings.NewReplacer(lo, "<TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO>705032705<", blo, "<BWF_TIME_REFERENCE_LOW>705032705<").Replace(recorderIXML),
			1<<32 + 705032705, "rounded", true},
		{"carry", strings.Replace(recorderIXML, lo, "<TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO> 4294967290 <", 1), 10, 48000,
			strings.NewReplacer(lo, "<TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO> 4 <", hi, "<TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI>2<",
				blo, "<BWF_TIME_REFERENCE_LOW>705032714<").Replace(recorderIXML),
			2<<32 + 4, "advanced iXML timestamp", false},
		{"twice", strings.Replace(recorderIXML, "<NOTE>speed note</NOTE>", "<!-- <TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO>0</TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO> -->", 1), 48000, 48000,
			strings.NewReplacer(blo, "<BWF_TIME_REFERENCE_LOW>705080704<", "<NOTE>speed note</NOTE>", "<!-- <TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO>0</TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO> -->").Replace(recorderIXML),
			1<<32 + 705032704, "left iXML timestamp (TIMESTAMP_SAMPLES_SINCE_MIDNIGHT) as it is, now wrong: TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO not found once", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &wavemap.Metadata{}
			m.SetIXML([]byte(tc.doc))
			x, notes := m.Excerpt(tc.from, tc.from+10, tc.rate)
			got := mdChunk(t, x, "iXML")
			if string(got) != tc.want {
				t.Fatalf("document of the excerpt differs from the expected text at byte %d; notes %q", firstDiff(got, []byte(tc.want)), notes)
			}
			d, err := wavemap.ParseIXML(got)
			if err != nil || d.TimestampSamplesSinceMidnight != tc.ts {
				t.Errorf("timestamp %d, %v; want %d", d.TimestampSamplesSinceMidnight, err, tc.ts)
			}
			wantNotes(t, notes, tc.note)
			rounded := 0
			for _, n := range notes {
				if strings.Contains(n, "rounded") {
					rounded++
				}
			}
			if want := map[bool]int{true: 1}[tc.scaledMention]; rounded != want {
				t.Errorf("%d notes say rounded, want %d (only the scaled timestamp is)", rounded, want)
			}
		})
	}
}

// TestExcerptComputed: what is computed from the samples goes, for an
// excerpt and for AudioChanged; a version-1 bext is left byte for byte.
func TestExcerptComputed(t *testing.T) {
	v2 := specBext("d", "o", "", "", "", 0, 2, nil, [5]int16{-2300, 500, -100, -1800, -2000}, nil, nil)
	m := mdRead(t, mdFile([][]byte{wavtest.Chunk("bext", v2), wavtest.Chunk("MD5 ", make([]byte, 16)), wavtest.Chunk("levl", make([]byte, 128))},
		[][]byte{wavtest.Chunk("PEAK", make([]byte, 16)), wavtest.Chunk("plst", wavtest.LE32(0))}))
	x, notes := m.Excerpt(0, 100, 48000)
	if ids := mdIDs(x); !reflect.DeepEqual(ids, []string{"bext"}) {
		t.Errorf("chunks left: %v", ids)
	}
	b, _, _ := x.Bext()
	if b.LoudnessSet() || b.LoudnessValue != wavemap.LoudnessNotSet || b.MaxShortTermLoudness != wavemap.LoudnessNotSet {
		t.Errorf("loudness after the excerpt: %+v", b)
	}
	wantNotes(t, notes, "removed MD5 chunk: it no longer matches the audio", "removed levl chunk", "removed PEAK chunk",
		"cleared bext loudness values", "removed plst chunk")

	v1 := specBext("d", "o", "", "", "", 0, 1, nil, [5]int16{}, nil, []byte("A=PCM\r\n"))
	m = mdRead(t, mdFile([][]byte{wavtest.Chunk("bext", v1), wavtest.Chunk("MD5 ", make([]byte, 16))}, nil))
	notes = m.AudioChanged()
	if !bytes.Equal(mdChunk(t, m, "bext"), v1) || m.Index(wavemap.FourCC([]byte("MD5 "))) >= 0 || len(notes) != 1 {
		t.Errorf("AudioChanged on a v1 bext and MD5: %v, %q", mdIDs(m), notes)
	}
	if notes := m.AudioChanged(); notes != nil {
		t.Errorf("AudioChanged with nothing to do: %q", notes)
	}
}

// TestExcerptSmpl: loops wholly inside the excerpt move; the others go.
func TestExcerptSmpl(t *testing.T) {
	payload := specSmpl([7]uint32{0, 0, 20833, 60, 0, 0, 0},
		[][6]uint32{{1, 0, 100, 199, 0, 0}, {2, 0, 1000, 1999, 0, 0}, {3, 0, 1500, 3000, 0, 0}, {4, 0, 2000, 2999, 0, 0}}, []byte{1, 2})
	m := mdRead(t, mdFile(nil, [][]byte{wavtest.Chunk("smpl", payload)}))
	x, notes := m.Excerpt(1000, 3000, 48000)
	s, _, err := x.Sampler()
	want := []wavemap.SampleLoop{{2, 0, 0, 999, 0, 0}, {4, 0, 1000, 1999, 0, 0}}
	if err != nil || !reflect.DeepEqual(s.Loops, want) || !bytes.Equal(s.Extra, []byte{1, 2}) || s.SamplePeriod != 20833 {
		t.Errorf("sampler of the excerpt: %+v, %v", s, err)
	}
	wantNotes(t, notes, "moved 2 smpl loops by -1000 frames", "dropped 2 smpl loops not wholly inside frames 1000 to 3000")
}

// TestExcerptBadRange: a range like no slice is a panic.
func TestExcerptBadRange(t *testing.T) {
	for _, r := range [][2]int64{{-1, 10}, {10, 5}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Excerpt(%d, %d) did not panic", r[0], r[1])
				}
			}()
			(&wavemap.Metadata{}).Excerpt(r[0], r[1], 48000)
		}()
	}
	if x, notes := (*wavemap.Metadata)(nil).Excerpt(0, 0, 0); x == nil || len(x.Chunks) != 0 || notes != nil {
		t.Errorf("Excerpt of nil: %v, %q", x, notes)
	}
}

// TestConcatCues appends a second file's cue points after the first's
// audio: moved, renumbered where the id is taken, with their texts and
// 'file' sub-chunks.
func TestConcatCues(t *testing.T) {
	a := mdRead(t, mdFile(nil, [][]byte{
		specCue(specCuePoint(1, 10, "data", 0, 0, 10), specCuePoint(2, 20, "data", 0, 0, 20)),
		specList("adtl", specLabl("labl", 1, "a1"), specLabl("labl", 2, "a2"))}))
	b := mdRead(t, mdFile(nil, [][]byte{
		specCue(specCuePoint(1, 0, "data", 0, 0, 5), specCuePoint(3, 7, "data", 0, 0, 7), specCuePoint(9, 0, "data", 0, 0, 1<<32-3)),
		specList("adtl", specLabl("labl", 1, "b1"), specLtxt(1, 100, "rgn ", 0, 0, 0, 0, nil), specLabl("labl", 3, "b3"),
			wavtest.Chunk("file", wavtest.Cat(wavtest.LE32(1), []byte("MEDXb1"))))}))
	notes := a.AppendCues(b, 48000)
	cues, err := a.Cues()
	if err != nil {
		t.Fatal(err)
	}
	want := []wavemap.Cue{
		{ID: 1, Position: 10, PlayPosition: 10, FCCChunk: fccData, Label: wavemap.TextOf("a1")},
		{ID: 2, Position: 20, PlayPosition: 20, FCCChunk: fccData, Label: wavemap.TextOf("a2")},
		{ID: 4, Position: 48005, PlayPosition: 0, FCCChunk: fccData, Label: wavemap.TextOf("b1"), Length: 100, Purpose: wavemap.FourCC([]byte("rgn "))},
		{ID: 3, Position: 48007, PlayPosition: 48007, FCCChunk: fccData, Label: wavemap.TextOf("b3")},
	}
	if !reflect.DeepEqual(cues, want) {
		t.Fatalf("cues after AppendCues:\n%+v\nwant\n%+v", cues, want)
	}
	list := a.Chunks[a.IndexList(wavemap.FourCC([]byte("adtl")))].Data
	if !bytes.Contains(list, wavtest.Chunk("file", wavtest.Cat(wavtest.LE32(4), []byte("MEDXb1")))) {
		t.Error("the 'file' sub-chunk did not follow its cue to id 4")
	}
	wantNotes(t, notes, "added 2 cue points of the appended audio, moved by +48000 frames", "renumbered 1 of their ids, in use here: 1→4",
		fmt.Sprintf("dropped 1 appended cue point that would fall outside frames 0 to %d", uint32(1<<32-1)))

	// Into metadata with no cues; from metadata with none.
	c := &wavemap.Metadata{}
	c.AppendCues(b, 0)
	if got, _ := c.Cues(); len(got) != 3 || got[0].ID != 1 || got[2].ID != 9 || !reflect.DeepEqual(mdIDs(c), []string{"cue (after data)", "LIST/adtl(after data)"}) {
		t.Errorf("into empty metadata: %+v, %v", got, mdIDs(c))
	}
	before := a.Clone()
	if notes := a.AppendCues(&wavemap.Metadata{}, 5); notes != nil || !reflect.DeepEqual(a, before) {
		t.Errorf("appending nothing: %q", notes)
	}
}
