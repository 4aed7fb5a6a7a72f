package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/wavemap/wavemap"
)

// metaDocVersion is the version of the document meta export writes.
const metaDocVersion = 1

// metaDoc is the document meta export writes and meta import reads:
// every metadata chunk of a file. The decoded sections (info, bext, ixml,
// cues) are null when the file has no such chunk; every other chunk is in
// chunks, byte for byte. File, SampleRate and Frames describe the file
// exported, for a script's use: import ignores them.
type metaDoc struct {
	Version    int            `json:"version"`
	File       string         `json:"file"`
	SampleRate int            `json:"sample_rate"`
	Frames     int64          `json:"frames"`
	Info       *[]infoTagJSON `json:"info"`
	Bext       *bextJSON      `json:"bext"`
	IXML       *ixmlDocJSON   `json:"ixml"`
	Cues       *[]cueDocJSON  `json:"cues"`
	Chunks     []rawChunkJSON `json:"chunks"`
}

type ixmlDocJSON struct {
	Document string `json:"document"`
}

// cueDocJSON is a cue point with every field of the cue chunk and the
// ltxt. Chunk defaults to "data" and PlayPosition to Position, as most
// writers have them, and export leaves them out when they are so.
type cueDocJSON struct {
	ID           uint32  `json:"id"`
	Position     int64   `json:"position"`
	Length       int64   `json:"length"`
	Label        string  `json:"label"`
	Note         string  `json:"note"`
	Purpose      string  `json:"purpose,omitempty"`
	Text         string  `json:"text,omitempty"`
	Country      uint16  `json:"country,omitempty"`
	Language     uint16  `json:"language,omitempty"`
	Dialect      uint16  `json:"dialect,omitempty"`
	CodePage     uint16  `json:"code_page,omitempty"`
	PlayPosition *uint32 `json:"play_position,omitempty"`
	Chunk        *string `json:"chunk,omitempty"`
	ChunkStart   uint32  `json:"chunk_start,omitempty"`
	BlockStart   uint32  `json:"block_start,omitempty"`
}

// rawChunkJSON is a chunk as it is: its id (four characters, each byte
// the code point of its value), its side of the audio and its payload.
type rawChunkJSON struct {
	ID        string `json:"id"`
	AfterData bool   `json:"after_data"`
	Base64    string `json:"base64"`
}

const metaUsage = "export FILE [OUT.json|-]  or  import [--dry-run] FILE IN.json|-"

// metaDocHelp describes the document, for meta -h and its subcommands.
const metaDocHelp = `document:
  export writes one JSON object holding every metadata chunk of FILE:
  info (the LIST/INFO entries in order, [{"id","value"}]), bext (every
  field; umid in hex, loudness in LUFS/LU/dBTP or null), ixml
  ({"document": the XML}) and cues (cue points with their labl, note and
  ltxt fields; positions and lengths in frames), each null when FILE has
  none; chunks lists every other chunk as {"id", "after_data", "base64"}.
  file, sample_rate and frames describe FILE; import ignores them.
  import makes FILE's metadata what the document says: a section replaces
  the chunks it decodes, the chunks listed replace all the others, and
  whatever the document does not hold (a section that is null or absent,
  a chunk that is not listed) is removed from FILE. Values left as
  exported keep FILE's bytes: importing an unedited export writes
  nothing. The audio is never moved or written (see wavemap tag).
`

// runMeta runs meta export or meta import.
func runMeta(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "export":
			return runMetaExport(ctx, e, args[1:])
		case "import":
			return runMetaImport(ctx, e, args[1:])
		}
	}
	fs := newFlags(e, "meta", metaUsage)
	withText(fs, e, metaDocHelp)
	withExample(fs, e, "wavemap meta export take.wav take.json && wavemap meta import take.wav take.json")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if len(args) == 0 {
		return usagef("want export or import")
	}
	return usagef("unknown subcommand %q: want export or import", args[0])
}

func runMetaExport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "meta export", "FILE [OUT.json|-]")
	withText(fs, e, metaDocHelp)
	withExample(fs, e, "wavemap meta export take.wav take.json")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 1 || len(pos) > 2 {
		return usagef("want a WAVE file and, optionally, the JSON file to write (default: standard output)")
	}
	name, out := pos[0], "-"
	if len(pos) == 2 {
		out = pos[1]
	}
	if err := refuseStdio("", name); err != nil {
		return err
	}
	f, err := openAudio(e, "meta export", name, wavemap.ReadOnly)
	if err != nil {
		return err
	}
	m, err := f.Metadata()
	rate, frames := f.Format().SampleRate, f.Frames()
	f.Close()
	if err != nil {
		return fileError(name, err)
	}
	doc := exportDoc(m)
	doc.File, doc.SampleRate, doc.Frames = name, rate, frames
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if out == "-" {
		_, err := e.stdout.Write(buf.Bytes())
		return err
	}
	o, err := newOutputFile(e, "meta export", out, name)
	if err != nil {
		return err
	}
	w, err := o.createPlain()
	if err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return o.finish(err)
}

// exportDoc returns the document of m.
func exportDoc(m *wavemap.Metadata) *metaDoc {
	d := decodeMetadata(m, decodeOptions{export: true})
	doc := &metaDoc{Version: metaDocVersion, Chunks: []rawChunkJSON{}}
	if d.hasInfo {
		tags := infoTagsJSON(d.info)
		doc.Info = &tags
	}
	if d.bext != nil {
		doc.Bext = bextOf(d.bext, 0)
	}
	if d.hasIXML {
		doc.IXML = &ixmlDocJSON{Document: string(d.ixmlDoc)}
	}
	if d.hasCues {
		cues := []cueDocJSON{}
		for _, c := range d.cues {
			cues = append(cues, cueDocOf(c))
		}
		doc.Cues = &cues
	}
	for i, c := range m.Chunks {
		if !d.covered[i] {
			doc.Chunks = append(doc.Chunks, rawChunkJSON{ID: fourCCText(c.ID), AfterData: c.AfterData, Base64: base64.StdEncoding.EncodeToString(c.Data)})
		}
	}
	return doc
}

func cueDocOf(c wavemap.Cue) cueDocJSON {
	j := cueDocJSON{ID: c.ID, Position: c.Position, Length: c.Length, Label: c.Label.String(), Note: c.Note.String(),
		Purpose: fourCCText(c.Purpose), Text: c.Text.String(), Country: c.Country, Language: c.Language,
		Dialect: c.Dialect, CodePage: c.CodePage, ChunkStart: c.ChunkStart, BlockStart: c.BlockStart}
	if c.PlayPosition != uint32(c.Position) {
		p := c.PlayPosition
		j.PlayPosition = &p
	}
	if c.FCCChunk != idData {
		s := fourCCText(c.FCCChunk)
		j.Chunk = &s
	}
	return j
}

func runMetaImport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "meta import", "[--dry-run] FILE IN.json|-")
	dry := fs.Bool("dry-run", false, "only say what would be written")
	asJSON := &e.json
	quiet := quietFlag(fs)
	withText(fs, e, metaDocHelp)
	withExample(fs, e, "wavemap meta export take.wav | jq '.info += [{\"id\":\"IART\",\"value\":\"Me\"}]' | wavemap meta import take.wav -")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("want a WAVE file and the JSON document to import (- for standard input)")
	}
	name, in := pos[0], pos[1]
	if err := refuseStdio("", name); err != nil {
		return err
	}
	doc, err := readDoc(e, in)
	if err != nil {
		return err
	}
	_, rep, err := metaEdit{cmd: "meta import", name: name, dry: *dry, edit: func(f *wavemap.File, m *wavemap.Metadata) error {
		if err := importDoc(m, doc, f.Frames()); err != nil {
			return fmt.Errorf("%s: %w", docName(in), err)
		}
		return nil
	}}.run(ctx, e)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e, struct {
			Command string          `json:"command"`
			File    string          `json:"file"`
			Report  *metaReportJSON `json:"report"`
		}{"meta", name, reportOf(rep, *dry)})
	}
	printReport(e, name, rep, *dry, *quiet)
	return nil
}

func docName(in string) string {
	if in == "-" {
		return "standard input"
	}
	return in
}

// maxDocSize bounds the documents meta import reads.
const maxDocSize = 1 << 30

// readDoc reads and decodes the document in (a file, or - for standard
// input). Unknown keys, a second value and a version this code does not
// know are errors.
func readDoc(e *env, in string) (*metaDoc, error) {
	var r io.Reader = e.stdin
	if in != "-" {
		f, err := os.Open(in)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxDocSize+1))
	if err != nil {
		return nil, fileError(docName(in), err)
	}
	if int64(len(b)) > maxDocSize {
		return nil, fmt.Errorf("%s: the document is larger than %d bytes", docName(in), int64(maxDocSize))
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	doc := &metaDoc{}
	bad := func(err error) (*metaDoc, error) {
		return nil, fmt.Errorf("%s: not a metadata document of wavemap meta export: %v", docName(in), err)
	}
	if err := dec.Decode(doc); err != nil {
		return bad(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return bad(errors.New("more than one JSON value"))
	}
	if doc.Version != 0 && doc.Version != metaDocVersion {
		return nil, fmt.Errorf("%s: document version %d: this wavemap reads version %d", docName(in), doc.Version, metaDocVersion)
	}
	return doc, nil
}

// importDoc makes m what doc says, for a file of frames frames: a section
// replaces the chunks it decodes (or, null or absent, removes them), the
// chunks listed replace every other chunk, and what doc does not hold is
// removed. Values that are as the file has them keep the file's bytes, so
// that an unedited document changes nothing.
func importDoc(m *wavemap.Metadata, doc *metaDoc, frames int64) error {
	d := decodeMetadata(m, decodeOptions{export: true})
	out := &wavemap.Metadata{}
	for i, c := range m.Chunks {
		if d.covered[i] {
			out.Chunks = append(out.Chunks, c)
		}
	}
	if doc.Info == nil {
		out.DeleteList(idINFO)
	} else {
		tags, err := infoFromDoc(*doc.Info, d.info)
		if err != nil {
			return err
		}
		if !sameTags(tags, d.info) || !d.hasInfo {
			out.SetInfo(tags)
		}
	}
	if doc.Bext == nil {
		out.Delete(idBext)
	} else {
		b, err := bextFromDoc(doc.Bext, d.bext)
		if err != nil {
			return err
		}
		out.SetBext(b)
	}
	switch {
	case doc.IXML == nil:
		out.Delete(idIXML)
	case d.hasIXML && doc.IXML.Document == string(d.ixmlDoc):
	case doc.IXML.Document == "":
		out.Delete(idIXML)
	default:
		if _, err := wavemap.ParseIXML([]byte(doc.IXML.Document)); err != nil {
			return fmt.Errorf("ixml.document: %s", trimLib(err))
		}
		out.SetIXML([]byte(doc.IXML.Document))
	}
	if doc.Cues == nil {
		if d.hasCues {
			out.Delete(idCue)
			out.DeleteList(idAdtl)
		}
	} else {
		cues, err := cuesFromDoc(*doc.Cues, d.cues)
		if err != nil {
			return err
		}
		if !d.hasCues || !sameCues(cues, d.cues) {
			for i, c := range cues {
				if c.Position > frames || c.Position+c.Length > frames {
					return fmt.Errorf("cues[%d] (id %d): frames %d to %d are past the end of the audio (%d frames)", i, c.ID, c.Position, c.Position+c.Length, frames)
				}
			}
			if err := out.SetCues(cues); err != nil {
				return errors.New(trimLib(err))
			}
		}
	}
	for i, c := range doc.Chunks {
		id, ok := parseFourCCText(c.ID)
		switch {
		case !ok || c.ID == "":
			return fmt.Errorf("chunks[%d]: id %q is not four characters", i, c.ID)
		case framingID(id):
			return fmt.Errorf("chunks[%d]: a %s chunk frames the audio: wavemap writes it itself, it cannot be imported", i, id)
		}
		data, err := base64.StdEncoding.DecodeString(c.Base64)
		if err != nil {
			return fmt.Errorf("chunks[%d] (%s): base64: %v", i, id, err)
		}
		out.Chunks = append(out.Chunks, wavemap.RawChunk{ID: id, Data: data, AfterData: c.AfterData})
	}
	m.Chunks = out.Chunks
	return nil
}

// framingID reports whether chunks with this id frame the audio (see
// wavemap.Metadata), or are the RIFF header's.
func framingID(id wavemap.FourCC) bool {
	switch string(id[:]) {
	case "fmt ", "fact", "ds64", "data", "JUNK", "junk", "PAD ", "FLLR", "pad ", "RIFF", "RF64", "BW64":
		return true
	}
	return false
}

// docText returns s as a Text: old's bytes when old reads as s, else the
// UTF-8 of s. A NUL in s, or more than size bytes (when size > 0), is an
// error naming field.
func docText(s string, old wavemap.Text, field string, size int) (wavemap.Text, error) {
	if s == old.String() {
		return old, nil
	}
	switch {
	case strings.IndexByte(s, 0) >= 0:
		return nil, fmt.Errorf("%s holds a NUL character", field)
	case size > 0 && len(s) > size:
		return nil, fmt.Errorf("%s is %d bytes, more than the %d bytes of the field", field, len(s), size)
	}
	return wavemap.TextOf(s), nil
}

func infoFromDoc(entries []infoTagJSON, old []wavemap.InfoTag) ([]wavemap.InfoTag, error) {
	tags := []wavemap.InfoTag{}
	for i, t := range entries {
		id, ok := parseFourCCText(t.ID)
		if !ok || !printableFourCC(id) {
			return nil, fmt.Errorf("info[%d]: id %q is not four printable ASCII characters", i, t.ID)
		}
		var prev wavemap.Text
		if i < len(old) && old[i].ID == id {
			prev = old[i].Value
		}
		v, err := docText(t.Value, prev, fmt.Sprintf("info[%d] (%s)", i, t.ID), 0)
		if err != nil {
			return nil, err
		}
		tags = append(tags, wavemap.InfoTag{ID: id, Value: v})
	}
	return tags, nil
}

// bextFromDoc returns the bext chunk j describes, built on old (the
// file's, or nil): the reserved bytes and the coding history's padding are
// old's, and each value that reads as old's keeps old's bytes.
func bextFromDoc(j *bextJSON, old *wavemap.Bext) (*wavemap.Bext, error) {
	b := &wavemap.Bext{}
	if old != nil {
		c := *old
		b = &c
	}
	var err error
	for _, f := range []struct {
		name string
		v    string
		p    *wavemap.Text
		size int
	}{
		{"description", j.Description, &b.Description, 256}, {"originator", j.Originator, &b.Originator, 32},
		{"originator_reference", j.OriginatorReference, &b.OriginatorReference, 32},
		{"origination_date", j.OriginationDate, &b.OriginationDate, 10},
		{"origination_time", j.OriginationTime, &b.OriginationTime, 8},
		{"coding_history", j.CodingHistory, &b.CodingHistory, 0},
	} {
		if *f.p, err = docText(f.v, *f.p, "bext."+f.name, f.size); err != nil {
			return nil, err
		}
	}
	b.TimeReference = j.TimeReference
	if j.UMID != umidHex(b.UMID) {
		if b.UMID, err = parseUMID(j.UMID); err != nil {
			return nil, fmt.Errorf("bext.%v", err)
		}
	}
	oldVersion := b.Version
	b.Version = j.Version
	for _, l := range []struct {
		name string
		v    *float64
		p    *int16
	}{
		{"loudness_value", j.LoudnessValue, &b.LoudnessValue}, {"loudness_range", j.LoudnessRange, &b.LoudnessRange},
		{"max_true_peak_level", j.MaxTruePeakLevel, &b.MaxTruePeakLevel},
		{"max_momentary_loudness", j.MaxMomentaryLoudness, &b.MaxMomentaryLoudness},
		{"max_short_term_loudness", j.MaxShortTermLoudness, &b.MaxShortTermLoudness},
	} {
		if old != nil && b.Version == oldVersion && sameFloat(l.v, loudnessOf(*l.p, oldVersion)) {
			continue
		}
		v, err := loudnessField(l.v, b.Version)
		if err != nil {
			return nil, fmt.Errorf("bext.%s: %v", l.name, err)
		}
		*l.p = v
	}
	return b, nil
}

func sameFloat(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// cuesFromDoc returns the cue points the document lists, each text keeping
// the bytes of the file's cue point of the same id when it reads the same.
func cuesFromDoc(entries []cueDocJSON, old []wavemap.Cue) ([]wavemap.Cue, error) {
	prev := map[uint32]wavemap.Cue{}
	for _, c := range old {
		if _, ok := prev[c.ID]; !ok {
			prev[c.ID] = c
		}
	}
	cues := []wavemap.Cue{}
	for i, j := range entries {
		field := func(f string) string { return fmt.Sprintf("cues[%d].%s", i, f) }
		if j.Position < 0 || j.Length < 0 {
			return nil, fmt.Errorf("cues[%d] (id %d): negative position or length", i, j.ID)
		}
		p := prev[j.ID]
		c := wavemap.Cue{ID: j.ID, Position: j.Position, Length: j.Length, PlayPosition: uint32(j.Position),
			FCCChunk: idData, ChunkStart: j.ChunkStart, BlockStart: j.BlockStart,
			Country: j.Country, Language: j.Language, Dialect: j.Dialect, CodePage: j.CodePage}
		if j.PlayPosition != nil {
			c.PlayPosition = *j.PlayPosition
		}
		var ok bool
		if j.Chunk != nil {
			if c.FCCChunk, ok = parseFourCCText(*j.Chunk); !ok {
				return nil, fmt.Errorf("%s %q is not four characters", field("chunk"), *j.Chunk)
			}
		}
		if c.Purpose, ok = parseFourCCText(j.Purpose); !ok {
			return nil, fmt.Errorf("%s %q is not four characters", field("purpose"), j.Purpose)
		}
		var err error
		if c.Label, err = docText(j.Label, p.Label, field("label"), 0); err != nil {
			return nil, err
		}
		if c.Note, err = docText(j.Note, p.Note, field("note"), 0); err != nil {
			return nil, err
		}
		if c.Text, err = docText(j.Text, p.Text, field("text"), 0); err != nil {
			return nil, err
		}
		cues = append(cues, c)
	}
	return cues, nil
}

func sameCues(a, b []wavemap.Cue) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if string(x.Label) != string(y.Label) || string(x.Note) != string(y.Note) || string(x.Text) != string(y.Text) ||
			x.ID != y.ID || x.Position != y.Position || x.Length != y.Length || x.PlayPosition != y.PlayPosition ||
			x.FCCChunk != y.FCCChunk || x.ChunkStart != y.ChunkStart || x.BlockStart != y.BlockStart ||
			x.Purpose != y.Purpose || x.Country != y.Country || x.Language != y.Language ||
			x.Dialect != y.Dialect || x.CodePage != y.CodePage {
			return false
		}
	}
	return true
}

// withText adds a paragraph to the usage fs prints for -h, before the
// example.
func withText(fs *flagSet, _ *env, text string) {
	fs.text += text
}
