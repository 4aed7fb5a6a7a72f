package wavemap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The metadata of the files Split, Merge and Remix make: the first
// input's chunks, with what describes the channels (the iXML track list,
// PEAK) rebuilt for the output's channels and what was computed from the
// whole audio (MD5, levl, bext loudness) dropped.

var idChna = FourCC{'c', 'h', 'n', 'a'}

// channelMetadata returns the chunks of an output of a channel pass and
// notes on what it changed: the chunks of the first input (metas[0]),
// with the PEAK chunk and the iXML TRACK_LIST rebuilt for the output's
// channels (mix, each channel's terms over the inputs), the chunks
// computed from the audio removed (see AudioChanged) and chna removed.
// copied says the output's samples are copies of the inputs' in the same
// encoding; rifx that the output is a big-endian RIFX file.
func channelMetadata(ins []*File, metas []*Metadata, mix [][]chanTerm, copied, rifx bool) (*Metadata, []string) {
	out := metas[0].Clone()
	if out == nil || len(out.Chunks) == 0 {
		return &Metadata{}, nil
	}
	if (ins[0].Header().Container == RIFX) != rifx {
		// Chunk fields (cue points, bext's time reference ...) are in the
		// byte order of the file's header.
		return &Metadata{}, []string{fmt.Sprintf("left out the %d metadata chunk(s) of %s: their fields are in the byte order of a %s file, which the output is not",
			len(out.Chunks), ins[0].Name(), ins[0].Header().Container)}
	}
	var notes []string
	at := out.Index(idPEAK)
	var peak RawChunk
	if at >= 0 {
		peak = out.Chunks[at]
		out.Delete(idPEAK)
	}
	notes = append(notes, out.AudioChanged()...)
	if at >= 0 {
		if b, why := peakFor(ins, metas, mix, copied); why != "" {
			notes = append(notes, "removed PEAK chunk: "+why)
		} else {
			peak.Data = b
			out.Chunks = slices.Insert(out.Chunks, min(at, len(out.Chunks)), peak)
			notes = append(notes, fmt.Sprintf("kept the PEAK values of the %s written", plural(int64(len(mix)), "channel")))
		}
	}
	notes = append(notes, out.channelTracks(metas, mix)...)
	if out.Delete(idChna) > 0 {
		notes = append(notes, "removed chna chunk: its track allocation describes the channels of the input")
	}
	return out, notes
}

// peakSize is the bytes of a PEAK chunk for n channels: version and
// time stamp, then a value (float32) and a position (uint32) per channel.
func peakSize(n int) int { return 8 + 8*n }

// peakFor returns the PEAK chunk of an output whose channels are copies
// of input channels, made of the inputs' PEAK values, or why there can be
// none.
func peakFor(ins []*File, metas []*Metadata, mix [][]chanTerm, copied bool) ([]byte, string) {
	if !copied {
		return nil, "its peaks no longer match the audio"
	}
	var head, body []byte
	for c, terms := range mix {
		t, ok := copyOf(terms)
		if !ok {
			return nil, fmt.Sprintf("output channel %d is silent", c+1)
		}
		if ins[t.in].Header().Container == RIFX {
			return nil, "its fields are big-endian in a RIFX file"
		}
		p, ok := metas[t.in].Get(idPEAK)
		if !ok || len(p) != peakSize(ins[t.in].Format().Channels) {
			return nil, fmt.Sprintf("%s has no PEAK chunk of %d channels to take the peak of channel %d from",
				ins[t.in].Name(), ins[t.in].Format().Channels, t.ch+1)
		}
		if head == nil {
			head = p[:8]
		}
		body = append(body, p[8+8*t.ch:16+8*t.ch]...)
	}
	return append(bytes.Clone(head), body...), ""
}

// channelTracks rebuilds the iXML TRACK_LIST of m (the first input's
// chunks) for the output's channels: channel c lists the TRACK of the
// input channel it is taken from (from that input's iXML), with
// INTERLEAVE_INDEX c+1; a mixed or silent channel lists none. It returns
// what it did.
func (m *Metadata) channelTracks(metas []*Metadata, mix [][]chanTerm) []string {
	doc, ok := m.Get(idIXML)
	if !ok {
		return nil
	}
	base, err := trackListOf(doc)
	if err != nil {
		return []string{fmt.Sprintf("left iXML chunk as it is, its TRACK_LIST now wrong for the channels: %v", err)}
	}
	lists := map[int]*ixmlTrackList{0: base}
	listOf := func(in int) *ixmlTrackList {
		if l, ok := lists[in]; ok {
			return l
		}
		var l *ixmlTrackList
		if d, ok := metas[in].Get(idIXML); ok {
			l, _ = trackListOf(d) // an input whose tracks cannot be read lends none
		}
		lists[in] = l
		return l
	}
	var tracks [][]byte
	var names, missing []string
	for c, terms := range mix {
		if len(terms) != 1 {
			missing = append(missing, strconv.Itoa(c+1))
			continue
		}
		l := listOf(terms[0].in)
		if l == nil {
			missing = append(missing, strconv.Itoa(c+1))
			continue
		}
		t := l.track(terms[0].ch + 1)
		if t == nil {
			missing = append(missing, strconv.Itoa(c+1))
			continue
		}
		text, err := t.renumbered(l.doc, c+1)
		if err != nil {
			return []string{fmt.Sprintf("left iXML chunk as it is, its TRACK_LIST now wrong for the channels: %v", err)}
		}
		tracks = append(tracks, text)
		name := t.name
		if name == "" {
			name = "(no name)"
		}
		names = append(names, fmt.Sprintf("%d %s", c+1, name))
	}
	if base.listStart < 0 && len(tracks) == 0 {
		return nil // no track list before or after
	}
	nd, err := base.rewrite(tracks)
	if err == nil {
		var x *IXML
		if x, err = ParseIXML(nd); err == nil && len(x.Tracks) != len(tracks) {
			err = fmt.Errorf("the rewritten document holds %d tracks, not %d", len(x.Tracks), len(tracks))
		}
	}
	if err != nil {
		return []string{fmt.Sprintf("left iXML chunk as it is, its TRACK_LIST now wrong for the channels: %v", err)}
	}
	m.SetIXML(nd)
	s := fmt.Sprintf("rewrote iXML TRACK_LIST for the output's channels: %s", plural(int64(len(tracks)), "track"))
	if len(names) > 0 {
		s += " (" + strings.Join(names, ", ") + ")"
	}
	if len(missing) > 0 {
		s += fmt.Sprintf("; none for channel(s) %s, which no single input track describes", strings.Join(missing, ", "))
	}
	return []string{s}
}

// ixmlTrackList locates the TRACK_LIST of an iXML document in its text,
// so that the list can be rebuilt without touching the rest of the
// document.
type ixmlTrackList struct {
	doc []byte
	// listStart and listEnd bound the content of TRACK_LIST (-1 when the
	// document has none); rootEnd is where </BWFXML> starts.
	listStart, listEnd, rootEnd int
	tracks                      []ixmlTrackSpan
}

// ixmlTrackSpan is one TRACK element of a document: its bytes
// doc[start:end], tags included, and the text of its INTERLEAVE_INDEX,
// doc[indexStart:indexEnd] (-1 when it has none).
type ixmlTrackSpan struct {
	start, end           int
	indexStart, indexEnd int
	interleave           int
	name                 string
}

// track returns the track of the file's channel i (from 1), or nil.
func (l *ixmlTrackList) track(i int) *ixmlTrackSpan {
	for k := range l.tracks {
		if l.tracks[k].interleave == i {
			return &l.tracks[k]
		}
	}
	return nil
}

var errIXMLTracks = errors.New("iXML track list")

// trackListOf finds the TRACK_LIST of doc. It reads UTF-8 (or ASCII)
// documents only: the offsets it finds must be offsets in doc. The
// document must also pass ParseIXML.
func trackListOf(doc []byte) (*ixmlTrackList, error) {
	if _, err := ParseIXML(doc); err != nil {
		return nil, err
	}
	skip := 0
	if bytes.HasPrefix(doc, []byte{0xEF, 0xBB, 0xBF}) {
		skip = 3
	}
	if !utf8.Valid(doc[skip:]) {
		return nil, fmt.Errorf("%w: the document is not UTF-8 text", errIXMLTracks)
	}
	d := xml.NewDecoder(bytes.NewReader(doc[skip:]))
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return in, nil
		}
		return nil, fmt.Errorf("%w: the document declares encoding %q, not UTF-8", errIXMLTracks, label)
	}
	l := &ixmlTrackList{doc: doc, listStart: -1, listEnd: -1, rootEnd: -1}
	var path []string
	var text []byte
	var cur *ixmlTrackSpan
	for {
		off0 := int(d.InputOffset()) + skip
		tok, err := d.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errIXMLTracks, err)
		}
		off1 := int(d.InputOffset()) + skip
		switch t := tok.(type) {
		case xml.StartElement:
			path = append(path, t.Name.Local)
			text = text[:0]
			switch strings.Join(path, "/") {
			case "BWFXML/TRACK_LIST":
				if l.listStart >= 0 {
					return nil, fmt.Errorf("%w: the document has two TRACK_LIST elements", errIXMLTracks)
				}
				l.listStart = off1
			case "BWFXML/TRACK_LIST/TRACK":
				l.tracks = append(l.tracks, ixmlTrackSpan{start: off0, indexStart: -1, indexEnd: -1})
				cur = &l.tracks[len(l.tracks)-1]
			case "BWFXML/TRACK_LIST/TRACK/INTERLEAVE_INDEX":
				if cur.indexStart >= 0 {
					return nil, fmt.Errorf("%w: a TRACK with two INTERLEAVE_INDEX elements", errIXMLTracks)
				}
				cur.indexStart = off1
			}
		case xml.CharData:
			text = append(text, t...)
		case xml.EndElement:
			v := strings.TrimSpace(string(text))
			text = text[:0]
			switch strings.Join(path, "/") {
			case "BWFXML/TRACK_LIST":
				l.listEnd = off0
			case "BWFXML/TRACK_LIST/TRACK":
				cur.end = off1
				cur = nil
			case "BWFXML/TRACK_LIST/TRACK/INTERLEAVE_INDEX":
				cur.indexEnd = off0
				cur.interleave, _ = strconv.Atoi(v)
			case "BWFXML/TRACK_LIST/TRACK/NAME":
				cur.name = v
			case "BWFXML":
				l.rootEnd = off0
				return l, nil
			}
			path = path[:len(path)-1]
		}
	}
}

// renumbered returns the text of the track with its INTERLEAVE_INDEX set
// to i.
func (t *ixmlTrackSpan) renumbered(doc []byte, i int) ([]byte, error) {
	if t.indexStart < 0 || t.indexEnd < t.indexStart {
		return nil, fmt.Errorf("%w: a TRACK has no INTERLEAVE_INDEX", errIXMLTracks)
	}
	v := doc[t.indexStart:t.indexEnd]
	lead := len(v) - len(bytes.TrimLeft(v, " \t\r\n"))
	trail := len(v) - len(bytes.TrimRight(v, " \t\r\n"))
	num := v[lead : len(v)-trail]
	if len(num) == 0 || strings.Trim(string(num), "0123456789") != "" {
		return nil, fmt.Errorf("%w: INTERLEAVE_INDEX %q is not a plain number", errIXMLTracks, num)
	}
	out := make([]byte, 0, t.end-t.start+8)
	out = append(out, doc[t.start:t.indexStart+lead]...)
	out = strconv.AppendInt(out, int64(i), 10)
	out = append(out, doc[t.indexEnd-trail:t.end]...)
	return out, nil
}

// rewrite returns the document with the tracks of its TRACK_LIST replaced
// by tracks (whole TRACK elements) and its TRACK_COUNT set to their
// number; text around the tracks stays, and the tracks are separated as
// the first two were (or indented as the first was). A document without a
// TRACK_LIST gets one at the end of its root element.
func (l *ixmlTrackList) rewrite(tracks [][]byte) ([]byte, error) {
	doc := l.doc
	count := strconv.Itoa(len(tracks))
	var out []byte
	if l.listStart < 0 {
		if l.rootEnd < 0 {
			return nil, fmt.Errorf("%w: no end of the BWFXML element", errIXMLTracks)
		}
		out = append(out, doc[:l.rootEnd]...)
		out = append(out, "<TRACK_LIST><TRACK_COUNT>"+count+"</TRACK_COUNT>"...)
		out = append(out, bytes.Join(tracks, nil)...)
		out = append(out, "</TRACK_LIST>"...)
		return append(out, doc[l.rootEnd:]...), nil
	}
	pre, post := doc[l.listStart:l.listEnd], []byte(nil)
	var sep []byte
	if n := len(l.tracks); n > 0 {
		pre = doc[l.listStart:l.tracks[0].start]
		post = doc[l.tracks[n-1].end:l.listEnd]
		for k := 1; k < n; k++ {
			between := doc[l.tracks[k-1].end:l.tracks[k].start]
			if len(bytes.TrimSpace(between)) != 0 {
				return nil, fmt.Errorf("%w: text between the TRACK elements", errIXMLTracks)
			}
			if k == 1 {
				sep = between
			}
		}
		if n == 1 {
			// Indent as the first track is.
			sep = pre[len(bytes.TrimRight(pre, " \t")):]
			if i := bytes.LastIndexByte(pre, '\n'); i >= 0 {
				sep = pre[i:]
			}
			if len(bytes.TrimSpace(sep)) != 0 {
				sep = nil
			}
		}
	}
	out = append(out, doc[:l.listStart]...)
	out = append(out, pre...)
	out = append(out, bytes.Join(tracks, sep)...)
	out = append(out, post...)
	out = append(out, doc[l.listEnd:]...)
	if bytes.Contains(out, []byte("<TRACK_COUNT")) {
		s, e, _, err := ixmlNumber(out, "TRACK_COUNT")
		if err != nil {
			return nil, fmt.Errorf("%w: TRACK_COUNT %v", errIXMLTracks, err)
		}
		out = append(out[:s:s], append([]byte(count), out[e:]...)...)
	}
	return out, nil
}
