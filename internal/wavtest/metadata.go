package wavtest

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"testing"
)

// MetaChunk is one metadata chunk of a test file: its four-character id,
// its payload and whether it follows the data chunk.
type MetaChunk struct {
	ID    string
	Data  []byte
	After bool
}

// String describes the chunk for test messages.
func (c MetaChunk) String() string {
	side := "before"
	if c.After {
		side = "after"
	}
	return fmt.Sprintf("%q (%d bytes, %s the data)", c.ID, len(c.Data), side)
}

// RichChunks returns a set of metadata chunks as real files carry them,
// in file order: bext (602 bytes, time reference 48000), LIST/INFO (title
// and artist), iXML, cue with two points (frames 100 and 700), smpl with
// one loop, an unknown chunk "zzzz" of odd size, all before the data;
// after it LIST/adtl (labels of the two cue points), _PMX (XMP, odd
// size) and a second unknown chunk "yyyy".
func RichChunks() []MetaChunk {
	bext := make([]byte, 602)
	copy(bext, "wavemap test description")
	copy(bext[256:], "wavemap originator")
	copy(bext[288:], "ref-0001")
	copy(bext[320:], "2026-12-01")
	copy(bext[330:], "12:00:00")
	binary.LittleEndian.PutUint64(bext[338:], 48000) // TimeReference
	binary.LittleEndian.PutUint16(bext[346:], 1)     // Version
	info := Cat([]byte("INFO"), Chunk("INAM", []byte("Rich Title\x00")), Chunk("IART", []byte("Some Artist\x00")))
	ixml := []byte(`<?xml version="1.0"?><BWFXML><PROJECT>keep</PROJECT><SCENE>13</SCENE></BWFXML>`)
	cuePoint := func(id, pos uint32) []byte {
		return Cat(LE32(id), LE32(pos), []byte("data"), LE32(0), LE32(0), LE32(pos))
	}
	cue := Cat(LE32(2), cuePoint(1, 100), cuePoint(2, 700))
	smpl := Cat(LE32(0), LE32(0), LE32(20833), LE32(60), LE32(0), LE32(0), LE32(0), LE32(1), LE32(0),
		LE32(0), LE32(0), LE32(200), LE32(799), LE32(0), LE32(0))
	adtl := Cat([]byte("adtl"), Chunk("labl", Cat(LE32(1), []byte("one\x00"))), Chunk("labl", Cat(LE32(2), []byte("two!\x00"))))
	xmp := []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>`)
	if len(xmp)%2 == 0 {
		xmp = append(xmp, ' ')
	}
	return []MetaChunk{
		{ID: "bext", Data: bext},
		{ID: "LIST", Data: info},
		{ID: "iXML", Data: ixml},
		{ID: "cue ", Data: cue},
		{ID: "smpl", Data: smpl},
		{ID: "zzzz", Data: []byte{1, 2, 3, 4, 5}},
		{ID: "LIST", Data: adtl, After: true},
		{ID: "_PMX", Data: xmp, After: true},
		{ID: "yyyy", Data: []byte("after"), After: true},
	}
}

// RichWAV returns a RIFF/WAVE file of the fmt chunk given (a whole
// chunk, see Chunk), the chunks on their sides of a data chunk holding
// data, and the pad bytes.
func RichWAV(fmtChunk, data []byte, chunks []MetaChunk) []byte {
	parts := [][]byte{fmtChunk}
	for _, c := range chunks {
		if !c.After {
			parts = append(parts, Chunk(c.ID, c.Data))
		}
	}
	parts = append(parts, Chunk("data", data))
	for _, c := range chunks {
		if c.After {
			parts = append(parts, Chunk(c.ID, c.Data))
		}
	}
	return RIFF(parts...)
}

// Walked is what WalkChunks finds in a file.
type Walked struct {
	Container  string      // "RIFF", "RF64", "BW64" or "W64"
	Chunks     []MetaChunk // every chunk but RIFF's framing ones (fmt, fact, ds64, data, JUNK)
	DataOffset int64       // the first byte of audio
	DataSize   int64       // the audio bytes the data chunk declares (after ds64)
	Junk       []int64     // payload sizes of the JUNK chunks, in order
	JunkEnd    []int64     // where each of them ends (the next chunk's offset)
	End        int64       // where the last chunk ends, its pad byte included
	SizeField  int64       // the container's size (ds64's in RF64 and BW64): bytes after byte 8, or Wave64's file length
	Streaming  bool        // the data size is the streaming placeholder (0xFFFFFFFF, 2^60-1): the audio runs to the end
}

var w64Family = []byte{0xF3, 0xAC, 0xD3, 0x11, 0x8C, 0xD1, 0x00, 0xC0, 0x4F, 0x8E, 0xDB, 0x8A}

// WalkChunks reads the chunks of a RIFF, RF64, BW64 or Wave64 file with
// a walker of its own, which trusts every size it reads and fails the
// test on anything it does not expect: a chunk that runs past the end of
// the file, bytes after the last chunk, a Wave64 GUID outside the
// family of the format's (xxxxxxxx-ACF3-11D3-8CD1-00C04F8EDB8A) but for
// riff and list. Only headers and the payloads of chunks other than data
// are read, so it works on huge sparse files.
func WalkChunks(t testing.TB, path string) Walked {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	size := st.Size()
	read := func(off, n int64) []byte {
		t.Helper()
		b := make([]byte, n)
		if _, err := f.ReadAt(b, off); err != nil && !(err == io.EOF && n == 0) {
			t.Fatalf("%s: reading %d bytes at %d: %v", path, n, off, err)
		}
		return b
	}
	var w Walked
	head := read(0, 12)
	pos := int64(12)
	hdr := int64(8)
	riffGUID := W64GUID("riff")
	switch {
	case bytes.Equal(head[:4], riffGUID[:4]) && size >= 40:
		w.Container, pos, hdr = "W64", 40, 24
		w.SizeField = int64(binary.LittleEndian.Uint64(read(16, 8)))
	case string(head[8:12]) == "WAVE":
		w.Container = string(head[:4])
		w.SizeField = int64(binary.LittleEndian.Uint32(head[4:]))
	default:
		t.Fatalf("%s: not a WAVE file: %q", path, head)
	}
	var ds64Data int64 = -1
	seenData := false
	for pos < size {
		if size-pos < hdr {
			t.Fatalf("%s: %d bytes after the last chunk at %d", path, size-pos, pos)
		}
		h := read(pos, hdr)
		var id string
		var n int64 // payload
		next := func(n int64) int64 { return pos + hdr + n + n&1 }
		if w.Container == "W64" {
			list := W64GUID("list")
			switch {
			case bytes.Equal(h[:16], list[:]):
				id = "LIST"
			case bytes.Equal(h[4:16], w64Family):
				id = string(h[:4])
			default:
				t.Fatalf("%s: chunk at %d has GUID %x, outside the Wave64 family", path, pos, h[:16])
			}
			n = int64(binary.LittleEndian.Uint64(h[16:])) - 24
			next = func(n int64) int64 { return (pos + hdr + n + 7) &^ 7 }
		} else {
			id = string(h[:4])
			n = int64(binary.LittleEndian.Uint32(h[4:]))
			if id == "data" && n == 0xFFFFFFFF && ds64Data >= 0 {
				n = ds64Data
			}
		}
		if id == "data" && (n == 0xFFFFFFFF || n >= 1<<60-1-24) {
			// The streaming placeholder: the audio runs to the end.
			n, w.Streaming = size-pos-hdr, true
		}
		if n < 0 || pos+hdr+n > size {
			t.Fatalf("%s: chunk %q at %d of %d bytes runs past the end (%d)", path, id, pos, n, size)
		}
		switch id {
		case "data":
			if seenData {
				t.Fatalf("%s: a second data chunk at %d", path, pos)
			}
			seenData = true
			w.DataOffset, w.DataSize = pos+hdr, n
		case "ds64":
			p := read(pos+hdr, 16)
			w.SizeField = int64(binary.LittleEndian.Uint64(p))
			ds64Data = int64(binary.LittleEndian.Uint64(p[8:]))
		case "fmt ", "fact":
		case "JUNK", "junk":
			if pos != 12 {
				w.Junk = append(w.Junk, n)
				w.JunkEnd = append(w.JunkEnd, next(n))
			}
		default:
			w.Chunks = append(w.Chunks, MetaChunk{ID: id, Data: read(pos+hdr, n), After: seenData})
		}
		pos = next(n)
		if w.Container == "W64" && id == "data" {
			pos = min(pos, size) // a Wave64 file may end right after odd audio
		}
	}
	if pos > size {
		t.Fatalf("%s: the last chunk's padding is missing (%d bytes, %d expected)", path, size, pos)
	}
	w.End = pos
	if !seenData {
		t.Fatalf("%s: no data chunk", path)
	}
	return w
}

// SameChunks fails the test unless got holds the chunks of want, in
// their order, byte for byte and on the same side of the data.
func SameChunks(t testing.TB, what string, got, want []MetaChunk) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i].ID == want[i].ID && got[i].After == want[i].After && bytes.Equal(got[i].Data, want[i].Data)
	}
	if !ok {
		t.Errorf("%s: chunks\n  %v\nwant\n  %v", what, got, want)
	}
}

// BeforeData returns chunks as a file gets them when nothing may follow
// its audio (Wave64, a stream that cannot seek): the chunks after the
// data move before it, after the others.
func BeforeData(chunks []MetaChunk) []MetaChunk {
	var b, a []MetaChunk
	for _, c := range chunks {
		if c.After {
			c.After = false
			a = append(a, c)
		} else {
			b = append(b, c)
		}
	}
	return append(b, a...)
}

// InfoList returns a LIST/INFO payload of the id, value pairs, straight
// from the RIFF layout: each value NUL-terminated, padded to even.
func InfoList(kv ...string) []byte {
	b := []byte("INFO")
	for i := 0; i+1 < len(kv); i += 2 {
		v := append([]byte(kv[i+1]), 0)
		b = append(b, kv[i]...)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(v)))
		b = append(b, v...)
		if len(v)%2 == 1 {
			b = append(b, 0)
		}
	}
	return b
}

// FFprobeTags returns the format tags ffprobe reads from path (INFO and
// bext entries by ffmpeg's names: title, artist, comment ...).
func FFprobeTags(t testing.TB, path string) map[string]string {
	t.Helper()
	out := Run(t, "ffprobe", "-v", "error", "-of", "json", "-show_entries", "format_tags", path)
	var v struct {
		Format struct {
			Tags map[string]string `json:"tags"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("ffprobe output %q: %v", out, err)
	}
	return v.Format.Tags
}
