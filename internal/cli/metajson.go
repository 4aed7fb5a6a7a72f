package cli

// The JSON and text forms of a file's metadata chunks, shared by info (its
// "metadata" object and text sections), tag, markers and meta.

import (
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/wavemap/wavemap"
)

// Chunk ids the commands decode.
var (
	idBext = fourCC("bext")
	idIXML = fourCC("iXML")
	idCue  = fourCC("cue ")
	idSmpl = fourCC("smpl")
	idLIST = fourCC("LIST")
	idINFO = fourCC("INFO")
	idAdtl = fourCC("adtl")
	idData = fourCC("data")
	idRgn  = fourCC("rgn ")
)

func fourCC(s string) wavemap.FourCC {
	var c wavemap.FourCC
	copy(c[:], s)
	return c
}

// fourCCText returns the four bytes of c as a string, each byte the code
// point of its value (Latin-1), so that any id survives a JSON round trip
// (see parseFourCCText); the zero FourCC is "".
func fourCCText(c wavemap.FourCC) string {
	if c == (wavemap.FourCC{}) {
		return ""
	}
	r := make([]rune, 4)
	for i, b := range c {
		r[i] = rune(b)
	}
	return string(r)
}

// parseFourCCText reads what fourCCText writes: four characters below
// U+0100, or "" for the zero FourCC.
func parseFourCCText(s string) (wavemap.FourCC, bool) {
	var c wavemap.FourCC
	if s == "" {
		return c, true
	}
	r := []rune(s)
	if len(r) != 4 {
		return c, false
	}
	for i, x := range r {
		if x > 0xff {
			return c, false
		}
		c[i] = byte(x)
	}
	return c, true
}

// printableFourCC reports whether c is four printable ASCII characters.
func printableFourCC(c wavemap.FourCC) bool {
	for _, b := range c {
		if b < 0x20 || b > 0x7e {
			return false
		}
	}
	return true
}

type infoTagJSON struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

// bextJSON is a bext chunk. Loudness values are in their units (LUFS, LU,
// dBTP), null when not measured (LoudnessNotSet, or a chunk of version 0
// or 1); the UMID is hex, "" when it is all zero.
type bextJSON struct {
	Description         string `json:"description"`
	Originator          string `json:"originator"`
	OriginatorReference string `json:"originator_reference"`
	OriginationDate     string `json:"origination_date"`
	OriginationTime     string `json:"origination_time"`
	TimeReference       uint64 `json:"time_reference"`
	// TimeReferenceTime is TimeReference as hh:mm:ss.fff at the file's
	// rate, for reading only (info, tag): meta export leaves it out and
	// meta import ignores it.
	TimeReferenceTime    string   `json:"time_reference_time,omitempty"`
	Version              uint16   `json:"version"`
	UMID                 string   `json:"umid"`
	LoudnessValue        *float64 `json:"loudness_value"`
	LoudnessRange        *float64 `json:"loudness_range"`
	MaxTruePeakLevel     *float64 `json:"max_true_peak_level"`
	MaxMomentaryLoudness *float64 `json:"max_momentary_loudness"`
	MaxShortTermLoudness *float64 `json:"max_short_term_loudness"`
	CodingHistory        string   `json:"coding_history"`
}

type ixmlTrackJSON struct {
	ChannelIndex    int    `json:"channel_index"`
	InterleaveIndex int    `json:"interleave_index"`
	Name            string `json:"name"`
	Function        string `json:"function"`
}

// ixmlJSON is an iXML chunk for info: the document and what it says.
type ixmlJSON struct {
	Document                      string          `json:"document"`
	Version                       string          `json:"version"`
	Project                       string          `json:"project"`
	Scene                         string          `json:"scene"`
	Take                          string          `json:"take"`
	Tape                          string          `json:"tape"`
	Note                          string          `json:"note"`
	Circled                       *bool           `json:"circled"`
	FileUID                       string          `json:"file_uid"`
	TimecodeRate                  string          `json:"timecode_rate"`
	TimecodeFlag                  string          `json:"timecode_flag"`
	TimestampSamplesSinceMidnight *int64          `json:"timestamp_samples_since_midnight"`
	TimestampSampleRate           int             `json:"timestamp_sample_rate"`
	Tracks                        []ixmlTrackJSON `json:"tracks"`
}

// cueJSON is a marker or region as info and markers show it.
type cueJSON struct {
	ID            uint32  `json:"id"`
	Position      int64   `json:"position"` // frames
	Seconds       float64 `json:"seconds"`
	Time          string  `json:"time"`   // h:mm:ss.mmm
	Length        int64   `json:"length"` // frames; 0 for a marker
	LengthSeconds float64 `json:"length_seconds"`
	Label         string  `json:"label"`
	Note          string  `json:"note"`
	Purpose       string  `json:"purpose,omitempty"` // the ltxt's, "rgn " for a region
	Text          string  `json:"text,omitempty"`    // the ltxt's
}

type loopJSON struct {
	CuePointID uint32 `json:"cue_point_id"`
	Type       uint32 `json:"type"`
	TypeName   string `json:"type_name"`
	Start      uint32 `json:"start"`
	End        uint32 `json:"end"` // the last frame played
	Fraction   uint32 `json:"fraction"`
	PlayCount  uint32 `json:"play_count"` // 0: forever
}

type samplerJSON struct {
	Manufacturer      uint32     `json:"manufacturer"`
	Product           uint32     `json:"product"`
	SamplePeriod      uint32     `json:"sample_period"`
	MIDIUnityNote     uint32     `json:"midi_unity_note"`
	MIDIPitchFraction uint32     `json:"midi_pitch_fraction"`
	SMPTEFormat       uint32     `json:"smpte_format"`
	SMPTEOffset       uint32     `json:"smpte_offset"`
	Loops             []loopJSON `json:"loops"`
	ExtraBytes        int        `json:"extra_bytes"`
}

// otherChunkJSON is a metadata chunk info does not decode.
type otherChunkJSON struct {
	ID        string `json:"id"`
	ListType  string `json:"list_type,omitempty"` // for a LIST: its form type
	Size      int    `json:"size"`
	AfterData bool   `json:"after_data"`
}

// metadataJSON is info's "metadata" object: the decoded chunks, the
// others, and what could not be decoded.
type metadataJSON struct {
	Info     []infoTagJSON    `json:"info"` // every LIST/INFO entry in file order, duplicates kept
	Bext     *bextJSON        `json:"bext"`
	IXML     *ixmlJSON        `json:"ixml"`
	Cues     []cueJSON        `json:"cues"`
	Sampler  *samplerJSON     `json:"sampler"`
	Chunks   []otherChunkJSON `json:"chunks"`
	Problems []string         `json:"problems"`
}

// decoded is what the commands read from a file's metadata: each kind of
// chunk they understand, decoded, and which chunks that covers.
type decoded struct {
	info    []wavemap.InfoTag
	hasInfo bool // there is a LIST/INFO chunk
	bext    *wavemap.Bext
	ixml    *wavemap.IXML // nil when the document does not parse (ixmlDoc is still set)
	ixmlDoc []byte
	hasIXML bool
	cues    []wavemap.Cue
	hasCues bool
	sampler *wavemap.Sampler
	// covered marks the chunks of m.Chunks decoded above.
	covered  []bool
	problems []string
}

// decodeOptions choose what decodeMetadata decodes.
type decodeOptions struct {
	// export decodes only what meta export writes as sections, and only
	// where the section gives back the chunk byte for byte: no smpl, an
	// iXML document only when it is UTF-8, cues only when their four-byte
	// fields are printable.
	export bool
}

func decodeMetadata(m *wavemap.Metadata, o decodeOptions) *decoded {
	d := &decoded{covered: make([]bool, len(m.Chunks))}
	for i, c := range m.Chunks {
		if c.ID == idLIST && c.ListType() == idINFO {
			d.covered[i], d.hasInfo = true, true
		}
	}
	d.info = m.Info()
	if i := m.Index(idBext); i >= 0 {
		b, _, err := m.Bext()
		if err != nil {
			d.problems = append(d.problems, fmt.Sprintf("bext chunk: %v", trimLib(err)))
		} else {
			d.bext, d.covered[i] = b, true
		}
	}
	if i := m.Index(idIXML); i >= 0 {
		doc := m.Chunks[i].Data
		x, _, err := m.IXML()
		if err != nil {
			d.problems = append(d.problems, fmt.Sprintf("iXML chunk: %v", trimLib(err)))
			x = nil
		}
		if !o.export || utf8.Valid(doc) {
			d.ixml, d.ixmlDoc, d.hasIXML, d.covered[i] = x, doc, true, true
		}
	}
	if i := m.Index(idCue); i >= 0 {
		cues, err := m.Cues()
		if err != nil {
			d.problems = append(d.problems, fmt.Sprintf("cue chunk: %v", trimLib(err)))
		} else if !o.export || cuesExportable(cues) {
			d.cues, d.hasCues, d.covered[i] = cues, true, true
			for j, c := range m.Chunks {
				if c.ID == idLIST && c.ListType() == idAdtl {
					d.covered[j] = true
				}
			}
		}
	}
	if i := m.Index(idSmpl); i >= 0 && !o.export {
		s, _, err := m.Sampler()
		if err != nil {
			d.problems = append(d.problems, fmt.Sprintf("smpl chunk: %v", trimLib(err)))
		} else {
			d.sampler, d.covered[i] = s, true
		}
	}
	return d
}

// cuesExportable reports whether meta export's cue fields give back every
// four-byte field of cues exactly.
func cuesExportable(cues []wavemap.Cue) bool {
	for _, c := range cues {
		for _, f := range []wavemap.FourCC{c.FCCChunk, c.Purpose} {
			if f != (wavemap.FourCC{}) && !printableFourCC(f) {
				return false
			}
		}
	}
	return true
}

// trimLib drops the library's "wavemap: " prefix from a message.
func trimLib(err error) string {
	return strings.TrimPrefix(err.Error(), "wavemap: ")
}

// metadataOf returns the metadata object of info for m, in a file of the
// given sample rate.
func metadataOf(m *wavemap.Metadata, rate int) *metadataJSON {
	d := decodeMetadata(m, decodeOptions{})
	j := &metadataJSON{Info: infoTagsJSON(d.info), Cues: []cueJSON{}, Chunks: []otherChunkJSON{}, Problems: d.problems}
	if j.Problems == nil {
		j.Problems = []string{}
	}
	if d.bext != nil {
		j.Bext = bextOf(d.bext, rate)
	}
	if d.hasIXML {
		j.IXML = ixmlOf(d.ixml, d.ixmlDoc)
	}
	for _, c := range d.cues {
		j.Cues = append(j.Cues, cueOf(c, rate))
	}
	if d.sampler != nil {
		j.Sampler = samplerOf(d.sampler)
	}
	for i, c := range m.Chunks {
		if !d.covered[i] {
			j.Chunks = append(j.Chunks, otherChunkJSON{ID: fourCCText(c.ID), ListType: listTypeText(c), Size: len(c.Data), AfterData: c.AfterData})
		}
	}
	return j
}

func listTypeText(c wavemap.RawChunk) string {
	if c.ID != idLIST {
		return ""
	}
	return fourCCText(c.ListType())
}

func infoTagsJSON(tags []wavemap.InfoTag) []infoTagJSON {
	out := []infoTagJSON{}
	for _, t := range tags {
		out = append(out, infoTagJSON{ID: fourCCText(t.ID), Value: t.Value.String()})
	}
	return out
}

func bextOf(b *wavemap.Bext, rate int) *bextJSON {
	j := &bextJSON{
		Description: b.Description.String(), Originator: b.Originator.String(),
		OriginatorReference: b.OriginatorReference.String(), OriginationDate: b.OriginationDate.String(),
		OriginationTime: b.OriginationTime.String(), TimeReference: b.TimeReference, Version: b.Version,
		UMID:                 umidHex(b.UMID),
		LoudnessValue:        loudnessOf(b.LoudnessValue, b.Version),
		LoudnessRange:        loudnessOf(b.LoudnessRange, b.Version),
		MaxTruePeakLevel:     loudnessOf(b.MaxTruePeakLevel, b.Version),
		MaxMomentaryLoudness: loudnessOf(b.MaxMomentaryLoudness, b.Version),
		MaxShortTermLoudness: loudnessOf(b.MaxShortTermLoudness, b.Version),
		CodingHistory:        b.CodingHistory.String(),
	}
	if rate > 0 {
		j.TimeReferenceTime = sampleClock(b.TimeReference, rate)
	}
	return j
}

// loudnessOf returns a bext loudness field in its unit, or nil when it is
// not set.
func loudnessOf(v int16, version uint16) *float64 {
	if version < 2 || v == wavemap.LoudnessNotSet {
		return nil
	}
	f := float64(v) / 100
	return &f
}

// loudnessField is the inverse of loudnessOf: the stored value of a
// loudness in its unit, or of nil.
func loudnessField(v *float64, version uint16) (int16, error) {
	if v == nil {
		if version < 2 {
			return 0, nil
		}
		return wavemap.LoudnessNotSet, nil
	}
	x := math.Round(*v * 100)
	if math.IsNaN(x) || x < math.MinInt16 || x >= float64(wavemap.LoudnessNotSet) {
		return 0, fmt.Errorf("loudness %v is out of range (%.2f to %.2f)", *v, float64(math.MinInt16)/100, float64(wavemap.LoudnessNotSet-1)/100)
	}
	return int16(x), nil
}

// umidHex returns the UMID in hex, or "" when it is all zero.
func umidHex(u [64]byte) string {
	if u == ([64]byte{}) {
		return ""
	}
	return hex.EncodeToString(u[:])
}

// parseUMID reads a UMID in hex (an optional 0x, up to 64 bytes: a basic
// UMID of 32 is padded with zeros); "" is the zero UMID.
func parseUMID(s string) ([64]byte, error) {
	var u [64]byte
	h := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "0x"), "0X")
	b, err := hex.DecodeString(h)
	switch {
	case err != nil:
		return u, fmt.Errorf("umid %q is not hex digits (an even number of them)", s)
	case len(b) > len(u):
		return u, fmt.Errorf("umid of %d bytes: a UMID has at most 64 (128 hex digits)", len(b))
	}
	copy(u[:], b)
	return u, nil
}

// sampleClock formats n samples at rate as hh:mm:ss.fff, the milliseconds
// cut, not rounded (so that no time shows as the next second).
func sampleClock(n uint64, rate int) string {
	r := uint64(rate)
	sec := n / r
	ms := (n % r) * 1000 / r
	return fmt.Sprintf("%02d:%02d:%02d.%03d", sec/3600, sec/60%60, sec%60, ms)
}

func ixmlOf(x *wavemap.IXML, doc []byte) *ixmlJSON {
	j := &ixmlJSON{Document: string(doc), Tracks: []ixmlTrackJSON{}}
	if x == nil {
		return j
	}
	j.Version, j.Project, j.Scene, j.Take, j.Tape, j.Note = x.Version, x.Project, x.Scene, x.Take, x.Tape, x.Note
	j.Circled, j.FileUID, j.TimecodeRate, j.TimecodeFlag = x.Circled, x.FileUID, x.TimecodeRate, x.TimecodeFlag
	if x.TimestampSet {
		v := x.TimestampSamplesSinceMidnight
		j.TimestampSamplesSinceMidnight = &v
	}
	j.TimestampSampleRate = x.TimestampSampleRate
	for _, t := range x.Tracks {
		j.Tracks = append(j.Tracks, ixmlTrackJSON{t.ChannelIndex, t.InterleaveIndex, t.Name, t.Function})
	}
	return j
}

func cueOf(c wavemap.Cue, rate int) cueJSON {
	j := cueJSON{ID: c.ID, Position: c.Position, Length: c.Length, Label: c.Label.String(), Note: c.Note.String(),
		Purpose: fourCCText(c.Purpose), Text: c.Text.String()}
	if rate > 0 {
		j.Seconds = float64(c.Position) / float64(rate)
		j.LengthSeconds = float64(c.Length) / float64(rate)
		j.Time = frameClock(c.Position, rate)
	}
	return j
}

// frameClock formats a frame position as h:mm:ss.mmm, exactly (the
// milliseconds cut).
func frameClock(n int64, rate int) string {
	if n < 0 {
		return "-" + frameClock(-n, rate)
	}
	sec := n / int64(rate)
	ms := (n % int64(rate)) * 1000 / int64(rate)
	return fmt.Sprintf("%d:%02d:%02d.%03d", sec/3600, sec/60%60, sec%60, ms)
}

var loopTypes = map[uint32]string{0: "forward", 1: "alternating", 2: "backward"}

func samplerOf(s *wavemap.Sampler) *samplerJSON {
	j := &samplerJSON{Manufacturer: s.Manufacturer, Product: s.Product, SamplePeriod: s.SamplePeriod,
		MIDIUnityNote: s.MIDIUnityNote, MIDIPitchFraction: s.MIDIPitchFraction, SMPTEFormat: s.SMPTEFormat,
		SMPTEOffset: s.SMPTEOffset, Loops: []loopJSON{}, ExtraBytes: len(s.Extra)}
	for _, l := range s.Loops {
		name, ok := loopTypes[l.Type]
		if !ok {
			name = fmt.Sprintf("type %d", l.Type)
		}
		j.Loops = append(j.Loops, loopJSON{l.CuePointID, l.Type, name, l.Start, l.End, l.Fraction, l.PlayCount})
	}
	return j
}

// printMetadata writes info's text sections for md, in a file of the
// given sample rate: bext, iXML, markers, sampler loops and the other
// chunks, each only when the file has it. (The INFO tags are printed by
// printInfo from the header.)
func printMetadata(w io.Writer, md *metadataJSON, rate int) {
	if b := md.Bext; b != nil {
		fmt.Fprintf(w, "  bext (version %d)\n", b.Version)
		printBextFields(w, "    ", "", 21, b, rate)
		var loud []string
		for _, l := range []struct {
			what, unit string
			v          *float64
		}{
			{"loudness", "LUFS", b.LoudnessValue}, {"range", "LU", b.LoudnessRange},
			{"true peak", "dBTP", b.MaxTruePeakLevel}, {"momentary max", "LUFS", b.MaxMomentaryLoudness},
			{"short-term max", "LUFS", b.MaxShortTermLoudness},
		} {
			if l.v != nil {
				loud = append(loud, fmt.Sprintf("%s %.2f %s", l.what, *l.v, l.unit))
			}
		}
		if len(loud) > 0 {
			fmt.Fprintf(w, "    %-21s %s\n", "loudness", strings.Join(loud, ", "))
		}
	}
	if x := md.IXML; x != nil {
		fmt.Fprintf(w, "  iXML (%d bytes)\n", len(x.Document))
		for _, f := range [][2]string{{"project", x.Project}, {"scene", x.Scene}, {"take", x.Take},
			{"tape", x.Tape}, {"note", x.Note}} {
			if f[1] != "" {
				fmt.Fprintf(w, "    %-8s %s\n", f[0], oneLineText(f[1]))
			}
		}
		if x.Circled != nil {
			fmt.Fprintf(w, "    %-8s %t\n", "circled", *x.Circled)
		}
		for _, t := range x.Tracks {
			fmt.Fprintf(w, "    track %d  %s", t.ChannelIndex, oneLineText(t.Name))
			if t.Function != "" {
				fmt.Fprintf(w, " (%s)", oneLineText(t.Function))
			}
			if t.InterleaveIndex != 0 && t.InterleaveIndex != t.ChannelIndex {
				fmt.Fprintf(w, ", channel %d", t.InterleaveIndex)
			}
			fmt.Fprintln(w)
		}
	}
	if len(md.Cues) > 0 {
		fmt.Fprintf(w, "  markers\n")
		printCues(w, "    ", md.Cues, rate)
	}
	if s := md.Sampler; s != nil {
		fmt.Fprintf(w, "  smpl (unity note %d, %d loop(s))\n", s.MIDIUnityNote, len(s.Loops))
		for i, l := range s.Loops {
			times := "forever"
			if l.PlayCount > 0 {
				times = fmt.Sprintf("%d time(s)", l.PlayCount)
			}
			fmt.Fprintf(w, "    loop %d  %s, frames %d to %d, %s", i+1, l.TypeName, l.Start, l.End, times)
			if l.CuePointID != 0 {
				fmt.Fprintf(w, ", cue %d", l.CuePointID)
			}
			fmt.Fprintln(w)
		}
	}
	if len(md.Chunks) > 0 {
		fmt.Fprintf(w, "  other chunks\n")
	}
	for _, c := range md.Chunks {
		id := c.ID
		if c.ListType != "" {
			id += "/" + c.ListType
		}
		where := "before the audio"
		if c.AfterData {
			where = "after the audio"
		}
		fmt.Fprintf(w, "    %-9s %d bytes, %s\n", oneLineText(id), c.Size, where)
	}
	for _, p := range md.Problems {
		fmt.Fprintf(w, "  warning: %s\n", p)
	}
}

// printBextFields writes the bext fields that are set, one a line, under
// the names tag takes (after prefix) in a column of the given width; the
// lines of a coding history go one under the other.
func printBextFields(w io.Writer, indent, prefix string, width int, b *bextJSON, rate int) {
	line := func(k, v string) {
		lines := strings.Split(strings.TrimRight(strings.ReplaceAll(v, "\r\n", "\n"), "\n"), "\n")
		k = prefix + k
		for i, l := range lines {
			if i > 0 {
				k = ""
			}
			fmt.Fprintf(w, "%s%-*s %s\n", indent, width, k, oneLineText(l))
		}
	}
	for _, f := range []struct{ k, v string }{
		{"description", b.Description}, {"originator", b.Originator},
		{"originator_reference", b.OriginatorReference}, {"origination_date", b.OriginationDate},
		{"origination_time", b.OriginationTime},
	} {
		if f.v != "" {
			line(f.k, f.v)
		}
	}
	if b.TimeReference != 0 {
		v := fmt.Sprint(b.TimeReference)
		if rate > 0 {
			v += fmt.Sprintf(" (%s at %d Hz)", sampleClock(b.TimeReference, rate), rate)
		}
		line("time_reference", v)
	}
	if b.UMID != "" {
		u := b.UMID
		if strings.Trim(u[64:], "0") == "" {
			u = u[:64] // a basic UMID
		}
		line("umid", u)
	}
	if b.CodingHistory != "" {
		line("coding_history", b.CodingHistory)
	}
}

// printCues writes one line per cue point: id, time, frame, region length,
// label and note.
func printCues(w io.Writer, indent string, cues []cueJSON, rate int) {
	for _, c := range cues {
		fmt.Fprintf(w, "%s%-4d %s  frame %d", indent, c.ID, c.Time, c.Position)
		if c.Length > 0 {
			fmt.Fprintf(w, "  region of %d frames (%s, to frame %d)", c.Length, frameClock(c.Length, max(rate, 1)), c.Position+c.Length)
		}
		if c.Label != "" {
			fmt.Fprintf(w, "  %q", c.Label)
		}
		if c.Note != "" {
			fmt.Fprintf(w, "  note %q", c.Note)
		}
		if c.Text != "" {
			fmt.Fprintf(w, "  text %q", c.Text)
		}
		fmt.Fprintln(w)
	}
}
