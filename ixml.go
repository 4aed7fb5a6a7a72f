package wavemap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// IXML is an iXML chunk (the production metadata of field recorders, from
// the iXML specification of Gallery UK): the document as stored, and the
// values most tools look at, decoded from it. Every value is optional; an
// absent one is left at its zero value.
type IXML struct {
	// Doc is the chunk's payload, the XML document, exactly as given to
	// ParseIXML: decoding never modifies it, and the fields below are
	// not written back into it (SetIXML stores a document as it is).
	Doc []byte

	Version string // IXML_VERSION
	Project string // PROJECT: the production
	Scene   string // SCENE
	Take    string // TAKE
	Tape    string // TAPE: the sound roll
	Note    string // NOTE
	Circled *bool  // CIRCLED: TRUE or FALSE; nil when absent or neither
	FileUID string // FILE_UID

	TimecodeRate string // SPEED/TIMECODE_RATE, such as "24000/1001"
	TimecodeFlag string // SPEED/TIMECODE_FLAG: "DF" or "NDF"
	// TimestampSamplesSinceMidnight is the position of the first sample,
	// in samples since midnight at TimestampSampleRate: from
	// TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI and _LO (under SPEED, where the
	// specification puts them, or under BEXT), or else from BEXT's
	// BWF_TIME_REFERENCE_HIGH and _LOW. TimestampSet says whether one of
	// those pairs was there.
	TimestampSamplesSinceMidnight int64
	TimestampSet                  bool
	TimestampSampleRate           int // SPEED/TIMESTAMP_SAMPLE_RATE; 0 when absent

	Tracks []IXMLTrack // TRACK_LIST/TRACK, in document order
}

// IXMLTrack is one TRACK of an iXML TRACK_LIST.
type IXMLTrack struct {
	ChannelIndex    int    // CHANNEL_INDEX: the recorder's track number, from 1
	InterleaveIndex int    // INTERLEAVE_INDEX: the channel of this file, from 1
	Name            string // NAME
	Function        string // FUNCTION, such as "MS-MID" or "BOOM"
}

// MaxIXMLSize bounds the iXML documents ParseIXML decodes.
const MaxIXMLSize = 16 << 20

// maxIXMLDepth bounds the nesting of elements ParseIXML follows.
const maxIXMLDepth = 64

var idIXML = FourCC{'i', 'X', 'M', 'L'}

// ParseIXML decodes an iXML document. It accepts a UTF-8 byte order mark,
// a UTF-16 document with its byte order mark, an encoding declaration of
// UTF-8, US-ASCII or ISO-8859-1, and anything after the root element's end
// (writers pad the chunk with NULs or spaces to leave room for edits). It
// refuses a document larger than MaxIXMLSize, one with a DOCTYPE (so no
// entity can be declared), one nested deeper than 64 elements, a root
// element other than BWFXML and malformed XML; those errors wrap
// ErrInvalid. The result's Doc is b itself.
func ParseIXML(b []byte) (*IXML, error) {
	if len(b) > MaxIXMLSize {
		return nil, fmt.Errorf("%w: iXML document of %d bytes, more than the %d read", ErrInvalid, len(b), MaxIXMLSize)
	}
	x := &IXML{Doc: b}
	doc := ixmlUTF8(b)
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return in, nil
		case "utf-16", "utf-16le", "utf-16be":
			// A UTF-16 document was converted to UTF-8 above; one that
			// declares UTF-16 but got this far is 8-bit, mislabelled.
			return in, nil
		case "iso-8859-1", "iso8859-1", "latin1", "latin-1":
			return latin1Reader(in)
		}
		return nil, fmt.Errorf("encoding %q not supported", label)
	}
	var (
		path   []string
		text   []byte
		values = map[string]string{}
		track  *IXMLTrack
	)
	invalid := func(msg string, args ...any) error {
		return fmt.Errorf("%w: iXML: %s", ErrInvalid, fmt.Sprintf(msg, args...))
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil, invalid("the document ends before its root element does")
		}
		if err != nil {
			return nil, invalid("%v", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			if f := strings.Fields(string(t)); len(f) > 0 && strings.EqualFold(f[0], "DOCTYPE") {
				return nil, invalid("a DOCTYPE declaration is not accepted")
			}
		case xml.StartElement:
			if len(path) == 0 && t.Name.Local != "BWFXML" {
				return nil, invalid("root element <%s>, not <BWFXML>", t.Name.Local)
			}
			if len(path) >= maxIXMLDepth {
				return nil, invalid("elements nested more than %d deep", maxIXMLDepth)
			}
			path = append(path, t.Name.Local)
			text = text[:0]
			if strings.Join(path, "/") == "BWFXML/TRACK_LIST/TRACK" {
				x.Tracks = append(x.Tracks, IXMLTrack{})
				track = &x.Tracks[len(x.Tracks)-1]
			}
		case xml.CharData:
			if len(text)+len(t) <= MaxIXMLSize {
				text = append(text, t...)
			}
		case xml.EndElement:
			key := strings.Join(path, "/")
			v := strings.TrimSpace(string(text))
			text = text[:0]
			if rest, ok := strings.CutPrefix(key, "BWFXML/TRACK_LIST/TRACK/"); ok && track != nil {
				switch rest {
				case "CHANNEL_INDEX":
					track.ChannelIndex, _ = strconv.Atoi(v)
				case "INTERLEAVE_INDEX":
					track.InterleaveIndex, _ = strconv.Atoi(v)
				case "NAME":
					track.Name = v
				case "FUNCTION":
					track.Function = v
				}
			} else if _, seen := values[key]; !seen {
				values[key] = v
			}
			if key == "BWFXML/TRACK_LIST/TRACK" {
				track = nil
			}
			path = path[:len(path)-1]
			if len(path) == 0 {
				x.fill(values)
				return x, nil
			}
		}
	}
}

// fill sets the fields of x from the text of the elements, keyed by path.
func (x *IXML) fill(v map[string]string) {
	x.Version = v["BWFXML/IXML_VERSION"]
	x.Project = v["BWFXML/PROJECT"]
	x.Scene = v["BWFXML/SCENE"]
	x.Take = v["BWFXML/TAKE"]
	x.Tape = v["BWFXML/TAPE"]
	x.Note = v["BWFXML/NOTE"]
	x.FileUID = v["BWFXML/FILE_UID"]
	switch strings.ToUpper(v["BWFXML/CIRCLED"]) {
	case "TRUE":
		t := true
		x.Circled = &t
	case "FALSE":
		f := false
		x.Circled = &f
	}
	x.TimecodeRate = v["BWFXML/SPEED/TIMECODE_RATE"]
	x.TimecodeFlag = v["BWFXML/SPEED/TIMECODE_FLAG"]
	x.TimestampSampleRate, _ = strconv.Atoi(v["BWFXML/SPEED/TIMESTAMP_SAMPLE_RATE"])
	for _, pair := range [][2]string{
		{"BWFXML/SPEED/TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI", "BWFXML/SPEED/TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO"},
		{"BWFXML/BEXT/TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI", "BWFXML/BEXT/TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO"},
		{"BWFXML/BEXT/BWF_TIME_REFERENCE_HIGH", "BWFXML/BEXT/BWF_TIME_REFERENCE_LOW"},
	} {
		hi, err1 := strconv.ParseUint(v[pair[0]], 10, 32)
		lo, err2 := strconv.ParseUint(v[pair[1]], 10, 32)
		if err1 == nil && err2 == nil && hi < 1<<31 {
			x.TimestampSamplesSinceMidnight = int64(hi<<32 | lo)
			x.TimestampSet = true
			return
		}
	}
}

// ixmlUTF8 returns the document as UTF-8 without a byte order mark: b
// itself or a part of it, or a new slice for a UTF-16 document (b is never
// written).
func ixmlUTF8(b []byte) []byte {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return b[3:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		big := b[0] == 0xFE
		u := make([]uint16, (len(b)-2)/2)
		for i := range u {
			lo, hi := b[2+2*i], b[3+2*i]
			if big {
				lo, hi = hi, lo
			}
			u[i] = uint16(lo) | uint16(hi)<<8
		}
		return []byte(string(utf16.Decode(u)))
	}
	return b
}

// latin1Reader returns the ISO 8859-1 text of in as UTF-8.
func latin1Reader(in io.Reader) (io.Reader, error) {
	b, err := io.ReadAll(io.LimitReader(in, MaxIXMLSize+1))
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(b))
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return bytes.NewReader(out), nil
}

// IXML decodes the first iXML chunk of m (see ParseIXML). It returns false
// when there is none, and an error when the document cannot be read. The
// result's Doc is a copy of the chunk's payload.
func (m *Metadata) IXML() (*IXML, bool, error) {
	b, ok := m.Get(idIXML)
	if !ok {
		return nil, false, nil
	}
	x, err := ParseIXML(bytes.Clone(b))
	return x, true, err
}

// SetIXML stores doc, exactly as given (a copy of it), as the iXML chunk
// of m, in place of the first one (others are removed), or before the
// data chunk when there is none. An empty doc removes every iXML chunk.
func (m *Metadata) SetIXML(doc []byte) {
	if len(doc) == 0 {
		m.Delete(idIXML)
		return
	}
	m.Set(RawChunk{ID: idIXML, Data: bytes.Clone(doc)})
}

// errIXMLText says why a number in an iXML document could not be changed
// in its text.
var errIXMLText = errors.New("not found once as a plain number")

// ixmlNumber finds the text of the one element <tag>digits</tag> of doc:
// the span of the digits and their value. The tag must appear exactly
// once, without attributes, and hold only a decimal number between
// optional spaces.
func ixmlNumber(doc []byte, tag string) (start, end int, v uint64, err error) {
	open, closing := []byte("<"+tag+">"), []byte("</"+tag+">")
	if bytes.Count(doc, []byte("<"+tag)) != 1 || bytes.Count(doc, open) != 1 || bytes.Count(doc, closing) != 1 {
		return 0, 0, 0, errIXMLText
	}
	start = bytes.Index(doc, open) + len(open)
	end = bytes.Index(doc, closing)
	if end < start {
		return 0, 0, 0, errIXMLText
	}
	for start < end && isXMLSpace(doc[start]) {
		start++
	}
	for end > start && isXMLSpace(doc[end-1]) {
		end--
	}
	v, err = strconv.ParseUint(string(doc[start:end]), 10, 64)
	if err != nil {
		return 0, 0, 0, errIXMLText
	}
	return start, end, v, nil
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// ixmlAdvance adds delta to the 64-bit sample count split over the two
// elements hiTag and loTag (32 bits each) of doc, in its text, and
// returns the new document and the new value. It fails, leaving doc
// alone, when either element is not there once as a plain number, a value
// does not fit 32 bits, or the sum leaves the range.
func ixmlAdvance(doc []byte, hiTag, loTag string, delta int64) ([]byte, uint64, error) {
	hs, he, hi, err := ixmlNumber(doc, hiTag)
	if err != nil {
		return nil, 0, fmt.Errorf("%s %w", hiTag, err)
	}
	ls, le, lo, err := ixmlNumber(doc, loTag)
	if err != nil {
		return nil, 0, fmt.Errorf("%s %w", loTag, err)
	}
	if hi > 0xFFFFFFFF || lo > 0xFFFFFFFF {
		return nil, 0, fmt.Errorf("%s or %s is more than 32 bits", hiTag, loTag)
	}
	old := hi<<32 | lo
	v := old + uint64(delta)
	if (delta >= 0 && v < old) || (delta < 0 && v > old) {
		return nil, 0, fmt.Errorf("%d%+d samples leaves the 64-bit range", old, delta)
	}
	spans := []struct {
		s, e int
		v    uint64
	}{{hs, he, v >> 32}, {ls, le, v & 0xFFFFFFFF}}
	if spans[0].s > spans[1].s {
		spans[0], spans[1] = spans[1], spans[0]
	}
	out := make([]byte, 0, len(doc)+20)
	out = append(out, doc[:spans[0].s]...)
	out = strconv.AppendUint(out, spans[0].v, 10)
	out = append(out, doc[spans[0].e:spans[1].s]...)
	out = strconv.AppendUint(out, spans[1].v, 10)
	out = append(out, doc[spans[1].e:]...)
	return out, v, nil
}
