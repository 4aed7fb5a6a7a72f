package riff

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/wavemap/wavemap/internal/wavtest"
)

// chunkSet is a set of chunks to write as they are, odd payloads among
// them.
var chunkSet = []RawChunk{
	{FourCC{'b', 'e', 'x', 't'}, bytes.Repeat([]byte{'b'}, 603)},
	{IDLIST, []byte("INFOINAM\x05\x00\x00\x00title\x00")},
	{FourCC{'z', 'z', 'z', 'z'}, []byte{1}},
	{FourCC{'e', 'm', 'p', 't'}, nil},
}

// TestEncodeChunks writes chunks before and after the audio in every
// container, with and without spare room, odd and even audio, and parses
// the file back: every chunk in its place with its payload, the data
// where HeaderSize says (a multiple of 16, or of SpareAlign with room),
// the sizes right (Strict: no warning).
func TestEncodeChunks(t *testing.T) {
	for _, c := range []Container{ContainerRIFF, ContainerRF64, ContainerBW64, ContainerWave64} {
		for _, spare := range []int{0, 1024, 5000} {
			for _, n := range []int64{0, 3, 8, 1001} {
				for _, split := range []int{0, 1, 2, 4} {
					s := Spec{Container: c, Tag: TagPCM, Channels: 1, SampleRate: 8000, BitsPerSample: 8, DataSize: n,
						Before: chunkSet[:split], After: chunkSet[split:], Spare: spare}
					t.Run(fmt.Sprintf("%v/spare%d/%d/%d", c, spare, n, split), func(t *testing.T) {
						checkChunks(t, s)
					})
				}
			}
		}
	}
}

func checkChunks(t *testing.T, s Spec) {
	t.Helper()
	head, err := Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	hs, err := HeaderSize(s)
	if err != nil || hs != int64(len(head)) {
		t.Fatalf("HeaderSize %d, %v; header of %d bytes", hs, err, len(head))
	}
	align := int64(16)
	if s.Spare > 0 {
		align = SpareAlign
	}
	if hs%align != 0 {
		t.Errorf("data at %d, not a multiple of %d", hs, align)
	}
	tr, err := Trailer(s.Container, s.DataSize, s.After)
	if err != nil {
		t.Fatal(err)
	}
	file := wavtest.Cat(head, bytes.Repeat([]byte{0x80}, int(s.DataSize)), tr)
	h, err := Parse(bytes.NewReader(file), int64(len(file)), Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if h.DataOffset != hs || h.DataSize != s.DataSize {
		t.Errorf("data: %d bytes at %d, want %d at %d", h.DataSize, h.DataOffset, s.DataSize, hs)
	}
	var before, after []RawChunk
	var spare int64 = -1
	for _, ch := range h.Chunks {
		switch {
		case ch.ID == IDFmt || ch.ID == IDData || ch.ID == IDFact || ch.ID == IDDS64:
		case ch.ID == IDJUNK && ch.Offset == 12:
		case ch.ID == IDJUNK:
			spare = ch.Size
			if ch.DataOffset+ch.Size+int64(len(head))-hs != int64(len(head))-8 && s.Container != ContainerWave64 ||
				s.Container == ContainerWave64 && ch.DataOffset+ch.Size != hs-w64Header {
				t.Errorf("padding chunk at %d (%d bytes) does not end at the data chunk", ch.Offset, ch.Size)
			}
		case ch.Offset < hs:
			before = append(before, RawChunk{ch.ID, file[ch.DataOffset : ch.DataOffset+ch.Size]})
		default:
			after = append(after, RawChunk{ch.ID, file[ch.DataOffset : ch.DataOffset+ch.Size]})
		}
	}
	if !sameChunks(before, s.Before) || !sameChunks(after, s.After) {
		t.Errorf("chunks before the data %q, after %q; want %q, %q", before, after, s.Before, s.After)
	}
	if s.Spare > 0 && spare < int64(s.Spare) {
		t.Errorf("padding of %d bytes before the data, want %d at least", spare, s.Spare)
	}
	if s.Container == ContainerWave64 && len(s.After) == 0 && int64(len(file)) != hs+s.DataSize {
		t.Errorf("Wave64 file of %d bytes does not end with its audio at %d", len(file), hs+s.DataSize)
	}
}

func sameChunks(a, b []RawChunk) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ID != b[i].ID || !bytes.Equal(a[i].Data, b[i].Data) {
			return false
		}
	}
	return true
}

// TestEncodeChunksRF64 puts chunks after audio past 4 GiB: the header
// becomes RF64 and its ds64 RIFF size counts them.
func TestEncodeChunksRF64(t *testing.T) {
	n := int64(5 << 30)
	s := Spec{Tag: TagPCM, Channels: 1, SampleRate: 8000, BitsPerSample: 8, DataSize: n, Before: chunkSet[:1], After: chunkSet[1:], Spare: 1024}
	head, err := Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := Trailer(ContainerRIFF, n, s.After)
	if err != nil {
		t.Fatal(err)
	}
	if string(head[:4]) != "RF64" || string(head[12:16]) != "ds64" {
		t.Fatalf("header starts %q", head[:16])
	}
	if got, want := le64(head[20:]), uint64(int64(len(head))+n+int64(len(tr))-8); got != want {
		t.Errorf("ds64 RIFF size %d, want %d", got, want)
	}
	r := &sparse{size: int64(len(head)) + n + int64(len(tr)), pieces: []piece{{0, head}, {int64(len(head)) + n, tr}}}
	h, err := Parse(r, r.size, Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if h.DataSize != n || h.Chunks[len(h.Chunks)-1].ID != (FourCC{'e', 'm', 'p', 't'}) {
		t.Errorf("%d bytes of audio, chunks %+v", h.DataSize, h.Chunks)
	}
}

func TestEncodeChunksRefused(t *testing.T) {
	for _, id := range []FourCC{IDFmt, IDData, IDFact, IDDS64} {
		s := Spec{Tag: TagPCM, Channels: 1, SampleRate: 8000, BitsPerSample: 8, Before: []RawChunk{{ID: id}}}
		if _, err := Encode(s); err == nil {
			t.Errorf("Encode with a %s chunk before the data: no error", id)
		}
		s.Before, s.After = nil, []RawChunk{{ID: id}}
		if _, err := Encode(s); err == nil {
			t.Errorf("Encode with a %s chunk after the data: no error", id)
		}
		if _, err := Trailer(ContainerRIFF, 0, s.After); err == nil {
			t.Errorf("Trailer with a %s chunk: no error", id)
		}
	}
}

func TestW64GUIDRoundTrip(t *testing.T) {
	for _, id := range []string{"fmt ", "data", "fact", "JUNK", "LIST", "SUML", "MARK", "bext", "levl", "iXML", "zzzz", "_PMX", "list"} {
		if got := w64ChunkID(W64GUID(FourCC([]byte(id)))); got != FourCC([]byte(id)) {
			t.Errorf("%q: GUID read back as %q", id, got)
		}
	}
	if W64GUID(FourCC{'b', 'e', 'x', 't'}) != [16]byte(wavtest.W64GUID("bext")) {
		t.Errorf("bext GUID differs from wavtest's")
	}
}
