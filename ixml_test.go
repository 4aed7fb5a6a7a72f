package wavemap_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// recorderIXML is an iXML document laid out as field recorders write it
// (iXML 1.6 element names), padded with spaces and NULs after the root as
// the specification's usage guidelines suggest.
const recorderIXML = `<?xml version="1.0" encoding="UTF-8"?>
<BWFXML>
	<IXML_VERSION>1.61</IXML_VERSION>
	<PROJECT>Feature &amp; Co</PROJECT>
	<SCENE>32A</SCENE>
	<TAKE>4</TAKE>
	<TAPE>DAY03</TAPE>
	<CIRCLED>TRUE</CIRCLED>
	<FILE_UID>SDVX1234567890</FILE_UID>
	<NOTE> wind on boom </NOTE>
	<SPEED>
		<NOTE>speed note</NOTE>
		<MASTER_SPEED>24000/1001</MASTER_SPEED>
		<CURRENT_SPEED>24000/1001</CURRENT_SPEED>
		<TIMECODE_RATE>24000/1001</TIMECODE_RATE>
		<TIMECODE_FLAG>NDF</TIMECODE_FLAG>
		<FILE_SAMPLE_RATE>48000</FILE_SAMPLE_RATE>
		<TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI>1</TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI>
		<TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO>705032704</TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO>
		<TIMESTAMP_SAMPLE_RATE>48000</TIMESTAMP_SAMPLE_RATE>
	</SPEED>
	<TRACK_LIST>
		<TRACK_COUNT>2</TRACK_COUNT>
		<TRACK>
			<CHANNEL_INDEX>1</CHANNEL_INDEX>
			<INTERLEAVE_INDEX>1</INTERLEAVE_INDEX>
			<NAME>Boom</NAME>
			<FUNCTION>BOOM</FUNCTION>
		</TRACK>
		<TRACK>
			<CHANNEL_INDEX>3</CHANNEL_INDEX>
			<INTERLEAVE_INDEX>2</INTERLEAVE_INDEX>
			<NAME><![CDATA[Lav <Anna>]]></NAME>
		</TRACK>
	</TRACK_LIST>
	<BEXT>
		<BWF_TIME_REFERENCE_LOW>705032704</BWF_TIME_REFERENCE_LOW>
		<BWF_TIME_REFERENCE_HIGH>1</BWF_TIME_REFERENCE_HIGH>
	</BEXT>
</BWFXML>
      ` + "\x00\x00\x00"

// TestIXMLRecorder decodes a recorder's document and checks that Doc is
// the input itself, unchanged.
func TestIXMLRecorder(t *testing.T) {
	doc := []byte(recorderIXML)
	orig := bytes.Clone(doc)
	x, err := wavemap.ParseIXML(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(doc, orig) || &x.Doc[0] != &doc[0] || len(x.Doc) != len(doc) {
		t.Error("Doc is not the input, unchanged")
	}
	checkRecorderIXML(t, x)
}

func checkRecorderIXML(t *testing.T, x *wavemap.IXML) {
	t.Helper()
	if x.Version != "1.61" || x.Project != "Feature & Co" || x.Scene != "32A" || x.Take != "4" || x.Tape != "DAY03" ||
		x.FileUID != "SDVX1234567890" || x.Note != "wind on boom" {
		t.Errorf("fields: %+v", x)
	}
	if x.Circled == nil || !*x.Circled {
		t.Errorf("Circled = %v", x.Circled)
	}
	if x.TimecodeRate != "24000/1001" || x.TimecodeFlag != "NDF" || x.TimestampSampleRate != 48000 {
		t.Errorf("speed: %q %q %d", x.TimecodeRate, x.TimecodeFlag, x.TimestampSampleRate)
	}
	if want := int64(1)<<32 | 705032704; !x.TimestampSet || x.TimestampSamplesSinceMidnight != want {
		t.Errorf("timestamp %d (set %v), want %d", x.TimestampSamplesSinceMidnight, x.TimestampSet, want)
	}
	want := []wavemap.IXMLTrack{{1, 1, "Boom", "BOOM"}, {3, 2, "Lav <Anna>", ""}}
	if len(x.Tracks) != 2 || x.Tracks[0] != want[0] || x.Tracks[1] != want[1] {
		t.Errorf("tracks %+v, want %+v", x.Tracks, want)
	}
}

// TestIXMLEncodings: a UTF-8 byte order mark, UTF-16 with its mark, and a
// Latin-1 declaration.
func TestIXMLEncodings(t *testing.T) {
	x, err := wavemap.ParseIXML(append([]byte{0xEF, 0xBB, 0xBF}, recorderIXML...))
	if err != nil {
		t.Fatal(err)
	}
	checkRecorderIXML(t, x)

	for _, big := range []bool{false, true} {
		doc := strings.Replace(recorderIXML, `encoding="UTF-8"`, `encoding="UTF-16"`, 1)
		b := []byte{0xFF, 0xFE}
		if big {
			b = []byte{0xFE, 0xFF}
		}
		for _, u := range utf16.Encode([]rune(doc)) {
			if big {
				b = append(b, byte(u>>8), byte(u))
			} else {
				b = append(b, byte(u), byte(u>>8))
			}
		}
		orig := bytes.Clone(b)
		x, err := wavemap.ParseIXML(b)
		if err != nil {
			t.Fatalf("UTF-16 (big endian %v): %v", big, err)
		}
		checkRecorderIXML(t, x)
		if !bytes.Equal(b, orig) {
			t.Error("decoding UTF-16 changed the input")
		}
	}

	latin := []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><BWFXML><PROJECT>Caf\xe9</PROJECT><CIRCLED>false</CIRCLED></BWFXML>")
	x, err = wavemap.ParseIXML(latin)
	if err != nil {
		t.Fatal(err)
	}
	if x.Project != "Café" || x.Circled == nil || *x.Circled || x.TimestampSet {
		t.Errorf("Latin-1: project %q, circled %v, timestamp set %v", x.Project, x.Circled, x.TimestampSet)
	}
}

// TestIXMLBextTimestamp: with no SPEED timestamp, the BEXT copy of the
// bext time reference gives it.
func TestIXMLBextTimestamp(t *testing.T) {
	x, err := wavemap.ParseIXML([]byte(`<BWFXML><BEXT><BWF_TIME_REFERENCE_HIGH>0</BWF_TIME_REFERENCE_HIGH><BWF_TIME_REFERENCE_LOW>96000</BWF_TIME_REFERENCE_LOW></BEXT></BWFXML>`))
	if err != nil || !x.TimestampSet || x.TimestampSamplesSinceMidnight != 96000 || x.TimestampSampleRate != 0 {
		t.Errorf("%v: %+v", err, x)
	}
	x, err = wavemap.ParseIXML([]byte(`<BWFXML><SPEED><TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO>5</TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO></SPEED></BWFXML>`))
	if err != nil || x.TimestampSet {
		t.Errorf("half a timestamp: %v, set %v", err, x.TimestampSet)
	}
}

// TestIXMLRefused: DOCTYPEs (and so entity declarations), other roots,
// malformed or unfinished XML, oversized and too deeply nested documents
// are ErrInvalid.
func TestIXMLRefused(t *testing.T) {
	for name, doc := range map[string][]byte{
		"doctype":    []byte(`<?xml version="1.0"?><!DOCTYPE BWFXML [<!ENTITY x "boom">]><BWFXML><NOTE>&x;</NOTE></BWFXML>`),
		"entity":     []byte(`<BWFXML><NOTE>&x;</NOTE></BWFXML>`),
		"root":       []byte(`<html><body/></html>`),
		"malformed":  []byte(`<BWFXML><NOTE>a</PROJECT></BWFXML>`),
		"unfinished": []byte(`<BWFXML><NOTE>a</NOTE>`),
		"empty":      nil,
		"garbage":    []byte("\x00\x01\x02"),
		"encoding":   []byte(`<?xml version="1.0" encoding="EBCDIC"?><BWFXML/>`),
		"deep":       []byte("<BWFXML>" + strings.Repeat("<A>", 100) + strings.Repeat("</A>", 100) + "</BWFXML>"),
		"large":      append([]byte("<BWFXML>"), make([]byte, wavemap.MaxIXMLSize)...),
	} {
		_, err := wavemap.ParseIXML(doc)
		t.Logf("%s: %v", name, err)
		if !errors.Is(err, wavemap.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}

// TestIXMLChunk stores a document with SetIXML and reads it back from a
// file with Open.
func TestIXMLChunk(t *testing.T) {
	m := &wavemap.Metadata{}
	doc := []byte(recorderIXML)
	m.SetIXML(doc)
	doc[0] = 'X' // SetIXML kept its own copy
	m = mdRead(t, mdFileOf(m))
	raw := mdChunk(t, m, "iXML")
	if string(raw) != recorderIXML {
		t.Fatal("the stored document is not the one given")
	}
	x, ok, err := m.IXML()
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	checkRecorderIXML(t, x)
	x.Doc[1] = 'X'
	if string(raw) != recorderIXML {
		t.Error("IXML().Doc shares memory with the chunk")
	}
	bad := mdRead(t, mdFile(nil, [][]byte{wavtest.Chunk("iXML", []byte("<nope"))}))
	if x, ok, err := bad.IXML(); x != nil || !ok || !errors.Is(err, wavemap.ErrInvalid) {
		t.Errorf("bad document: %v %v %v", x, ok, err)
	}
	m.SetIXML(nil)
	if _, ok, _ := m.IXML(); ok {
		t.Error("SetIXML(nil) left the chunk")
	}
}
