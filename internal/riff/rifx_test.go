package riff

import (
	"bytes"
	"errors"
	"testing"

	"github.com/wavemap/wavemap/internal/wavtest"
)

// RIFX files spelled out byte by byte: every size and fmt field
// big-endian, chunk ids as in RIFF.

var (
	fmtStereo16BE = wavtest.ChunkBE("fmt ", wavtest.FmtPCMBE(1, 2, 48000, 16, 4))
	// rifxBase: fmt at 12 (payload 20), data at 36 (payload 44).
	rifxBase = wavtest.RIFX(fmtStereo16BE, wavtest.ChunkBE("data", wavtest.S16BE(1, -2, 3, -4)))
)

func TestParseRIFX(t *testing.T) {
	h := mustParse(t, rifxBase, Options{})
	if h.Container != ContainerRIFX || !h.BigEndian {
		t.Fatalf("container %v, big-endian %v", h.Container, h.BigEndian)
	}
	f := h.Fmt
	if f.Tag != TagPCM || f.Channels != 2 || f.SampleRate != 48000 || f.ByteRate != 192000 || f.BlockAlign != 4 || f.BitsPerSample != 16 {
		t.Errorf("fmt %+v", f)
	}
	if h.DataOffset != 44 || h.DataSize != 8 || h.FmtOffset != 20 || len(h.Warnings) != 0 {
		t.Errorf("data %d at %d, fmt at %d, warnings %v", h.DataSize, h.DataOffset, h.FmtOffset, h.Warnings)
	}
	if len(h.Chunks) != 2 || h.Chunks[0].Declared != 16 || h.Chunks[1].Declared != 8 {
		t.Errorf("chunks %+v", h.Chunks)
	}
	// The same bytes under a RIFF id read as little-endian nonsense.
	le := wavtest.Cat([]byte("RIFF"), rifxBase[4:])
	if h, err := parse(le, Options{}); err == nil && !h.BigEndian && h.Fmt.Channels == 2 {
		t.Errorf("RIFF id over big-endian fields parsed as the RIFX file: %+v", h.Fmt)
	}
	// A RIFX id over little-endian fields: a format tag of 0x0100.
	_, err := parse(wavtest.Cat([]byte("RIFX"), base[4:]), Options{})
	if e := asError(t, err); e.Kind != ErrUnsupported || e.Tag != 0x100 {
		t.Errorf("RIFX id over little-endian fields: %v", e)
	}
}

func TestParseRIFXChunks(t *testing.T) {
	info := wavtest.ChunkBE("LIST", wavtest.Cat([]byte("INFO"), wavtest.ChunkBE("INAM", []byte("Kick\x00")), wavtest.ChunkBE("ISFT", []byte("odd"))))
	b := wavtest.RIFX(wavtest.ChunkBE("fmt ", wavtest.FmtExBE(3, 1, 8000, 32, 4)), wavtest.ChunkBE("fact", wavtest.BE32(2)), info,
		wavtest.ChunkBE("data", make([]byte, 8)))
	h := mustParse(t, b, Options{})
	if h.Fmt.SubFormat != TagFloat || h.FactFrames != 2 || h.DataSize != 8 || len(h.Warnings) != 0 {
		t.Errorf("fmt %+v, fact %d, data %d, warnings %v", h.Fmt, h.FactFrames, h.DataSize, h.Warnings)
	}
	if len(h.Tags) != 2 || h.Tags[0].Value != "Kick" || h.Tags[1].Value != "odd" {
		t.Errorf("tags %+v", h.Tags)
	}
	// A fact count above the data is a warning, as in RIFF.
	b = wavtest.RIFX(wavtest.ChunkBE("fmt ", wavtest.FmtExBE(3, 1, 8000, 32, 4)), wavtest.ChunkBE("fact", wavtest.BE32(3)), wavtest.ChunkBE("data", make([]byte, 8)))
	if h := mustParse(t, b, Options{}); h.FactFrames != 3 || len(h.Warnings) != 1 || h.Warnings[0].Kind != WarnBadField {
		t.Errorf("fact 3 over 2 frames: %d, %v", h.FactFrames, h.Warnings)
	}
	// A wrong RIFX size is named as such.
	b = wavtest.RIFXSized(1000, fmtStereo16BE, wavtest.ChunkBE("data", wavtest.S16BE(1, 2)))
	h = mustParse(t, b, Options{})
	if len(h.Warnings) != 1 || h.Warnings[0].Kind != WarnRIFFSize || h.Warnings[0].Chunk != IDRIFX || !bytes.Contains([]byte(h.Warnings[0].Msg), []byte("RIFX size 1000")) {
		t.Errorf("warnings %v", h.Warnings)
	}
	// A streaming data size runs to the end of the file.
	b = wavtest.RIFX(fmtStereo16BE, wavtest.RawChunkBE("data", 0xFFFFFFFF, wavtest.S16BE(1, 2, 3, 4), true))
	if h := mustParse(t, b, Options{}); h.DataSize != 8 || h.DataBasis != DataUnknown {
		t.Errorf("streaming size: %d bytes, basis %d", h.DataSize, h.DataBasis)
	}
}

func TestParseRIFXExtensible(t *testing.T) {
	for _, c := range []struct {
		name string
		guid []byte
		tag  uint16
		kind ErrorKind
	}{
		{"sox", wavtest.SubFormatSox(1), TagPCM, 0},
		{"sox float", wavtest.SubFormatSox(3), TagFloat, 0},
		{"libsndfile", wavtest.SubFormatSwapped(1), TagPCM, 0},
		{"libsndfile mu-law", wavtest.SubFormatSwapped(7), TagMuLaw, 0},
		{"compressed", wavtest.SubFormatSox(2), 0, ErrUnsupported},
		{"odd GUID", []byte("0123456789abcdef"), 0, ErrUnsupported},
	} {
		t.Run(c.name, func(t *testing.T) {
			bits := 24
			if c.tag == TagFloat {
				bits = 32
			}
			if c.tag == TagMuLaw {
				bits = 8
			}
			align := 2 * bits / 8
			b := wavtest.RIFX(wavtest.ChunkBE("fmt ", wavtest.FmtExtensibleBE(2, 96000, bits, align, bits, 3, c.guid)), wavtest.ChunkBE("data", make([]byte, 2*align)))
			h, err := parse(b, Options{})
			if c.kind != 0 {
				if e := asError(t, err); e.Kind != c.kind || e.Offset != 20 {
					t.Errorf("error %v, want kind %d at 20", e, c.kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !h.Fmt.Extensible || h.Fmt.SubFormat != c.tag || h.Fmt.ValidBits != bits || h.Fmt.ChannelMask != 3 || h.DataSize != int64(2*align) {
				t.Errorf("fmt %+v, data %d", h.Fmt, h.DataSize)
			}
		})
	}
}

func TestParseRIFXStream(t *testing.T) {
	b := wavtest.Cat(wavtest.RIFXSized(0xFFFFFFFF, fmtStereo16BE, wavtest.RawChunkBE("data", 0xFFFFFFFF, nil, false)), wavtest.S16BE(5, 6, 7, 8))
	r := &recorder{r: bytes.NewReader(b)}
	h, err := Parse(r, -1, Options{Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	if !h.BigEndian || h.DataOffset != 44 || h.DataSize != -1 || r.max > 44 {
		t.Errorf("big-endian %v, data %d at %d, read up to %d", h.BigEndian, h.DataSize, h.DataOffset, r.max)
	}
}

// TestEncodeRIFXBytes spells out the RIFX headers Encode writes: no JUNK
// chunk for a ds64 (RIFX has none), the 16-byte fmt unless valid bits or
// a mask need WAVE_FORMAT_EXTENSIBLE, everything big-endian.
func TestEncodeRIFXBytes(t *testing.T) {
	for _, c := range []struct {
		name string
		spec Spec
		want []byte
	}{
		{"PCM 16-bit stereo", Spec{Container: ContainerRIFX, Tag: TagPCM, Channels: 2, SampleRate: 44100, BitsPerSample: 16, DataSize: 4000},
			wavtest.Cat([]byte("RIFX"), wavtest.BE32(64-8+4000), []byte("WAVE"), wavtest.ChunkBE("fmt ", wavtest.FmtPCMBE(1, 2, 44100, 16, 4)),
				wavtest.ChunkBE("JUNK", make([]byte, 12)), []byte("data"), wavtest.BE32(4000))},
		{"PCM 24-bit 3 channels, odd", Spec{Container: ContainerRIFX, Tag: TagPCM, Channels: 3, SampleRate: 48000, BitsPerSample: 24, DataSize: 9 * 3},
			wavtest.Cat([]byte("RIFX"), wavtest.BE32(64-8+9*3+1), []byte("WAVE"), wavtest.ChunkBE("fmt ", wavtest.FmtPCMBE(1, 3, 48000, 24, 9)),
				wavtest.ChunkBE("JUNK", make([]byte, 12)), []byte("data"), wavtest.BE32(9*3))},
		{"float stereo", Spec{Container: ContainerRIFX, Tag: TagFloat, Channels: 2, SampleRate: 48000, BitsPerSample: 32, DataSize: 80},
			wavtest.Cat([]byte("RIFX"), wavtest.BE32(64-8+80), []byte("WAVE"), wavtest.ChunkBE("fmt ", wavtest.FmtPCMBE(3, 2, 48000, 32, 8)), wavtest.ChunkBE("fact", wavtest.BE32(10)),
				wavtest.ChunkBE("JUNK", nil), []byte("data"), wavtest.BE32(80))},
		{"20 of 24 bits with a mask", Spec{Container: ContainerRIFX, Tag: TagPCM, Channels: 2, SampleRate: 96000, BitsPerSample: 24, ValidBits: 20, ChannelMask: 3, DataSize: 6},
			wavtest.Cat([]byte("RIFX"), wavtest.BE32(80-8+6), []byte("WAVE"), wavtest.ChunkBE("fmt ", wavtest.FmtExtensibleBE(2, 96000, 24, 6, 20, 3, wavtest.SubFormatSox(1))),
				wavtest.ChunkBE("JUNK", make([]byte, 4)), []byte("data"), wavtest.BE32(6))},
		{"streaming", Spec{Container: ContainerRIFX, Tag: TagPCM, Channels: 1, SampleRate: 8000, BitsPerSample: 16, DataSize: -1},
			wavtest.Cat([]byte("RIFX"), wavtest.BE32(0xFFFFFFFF), []byte("WAVE"), wavtest.ChunkBE("fmt ", wavtest.FmtPCMBE(1, 1, 8000, 16, 2)),
				wavtest.ChunkBE("JUNK", make([]byte, 12)), []byte("data"), wavtest.BE32(0xFFFFFFFF))},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Encode(c.spec)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, c.want) {
				t.Errorf("got\n%x\nwant\n%x", got, c.want)
			}
			if n, err := HeaderSize(c.spec); err != nil || n != int64(len(got)) || n%16 != 0 {
				t.Errorf("HeaderSize %d, %v; header is %d bytes", n, err, len(got))
			}
			// It parses back to the spec.
			size := int64(len(got)) + max(c.spec.DataSize, 0)
			file := &sparse{size: size + max(c.spec.DataSize, 0)&1, pieces: []piece{{0, got}}}
			h, err := Parse(file, file.size, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if h.Container != ContainerRIFX || !h.BigEndian || h.Fmt.SubFormat != c.spec.Tag || h.Fmt.Channels != c.spec.Channels || h.DataOffset != int64(len(got)) {
				t.Errorf("parsed %+v", h)
			}
			if c.spec.DataSize >= 0 && (h.DataSize != c.spec.DataSize/int64(h.Fmt.BlockAlign)*int64(h.Fmt.BlockAlign) || len(h.Warnings) != 0) {
				t.Errorf("data %d, warnings %v", h.DataSize, h.Warnings)
			}
		})
	}
}

func TestRIFXSizeLimit(t *testing.T) {
	s := Spec{Container: ContainerRIFX, Tag: TagPCM, Channels: 2, SampleRate: 44100, BitsPerSample: 16}
	s.DataSize = 0xFFFFFFFF - 64 + 8 - 1 // the largest the RIFX size can count
	if _, err := Encode(s); err != nil {
		t.Errorf("largest RIFX: %v", err)
	}
	s.DataSize++
	if _, err := Encode(s); !errors.Is(err, ErrTooBig) {
		t.Errorf("RIFX past 4 GiB: %v, want ErrTooBig", err)
	}
	// Sizes.Fields refuses to grow a RIFX header past 4 GiB rather than
	// turning it into RF64.
	head, err := Encode(Spec{Container: ContainerRIFX, Tag: TagPCM, Channels: 1, SampleRate: 8000, BitsPerSample: 16, DataSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	h, err := Parse(&sparse{size: int64(len(head)) + 2, pieces: []piece{{0, head}}}, int64(len(head))+2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sz := NewSizes(h.Container, h.Chunks, h.DataOffset, h.Fmt.BlockAlign)
	c, fields, err := sz.Fields(100, sz.End(100))
	if err != nil || c != ContainerRIFX || len(fields) != 2 {
		t.Fatalf("Fields(100): %v, %v, %v", c, fields, err)
	}
	for _, f := range fields {
		var b [4]byte
		f.Put(b[:])
		if !f.BigEndian || f.Get(b[:]) != f.Value || !bytes.Equal(b[:], wavtest.BE32(uint32(f.Value))) {
			t.Errorf("field %+v stored as %x", f, b)
		}
	}
	if fields[1].Name != "RIFX size" || fields[1].Value != uint64(len(head))+100-8 {
		t.Errorf("container field %+v", fields[1])
	}
	if _, _, err := sz.Fields(1<<32, sz.End(1<<32)); !errors.Is(err, ErrTooBig) {
		t.Errorf("Fields(4 GiB): %v, want ErrTooBig", err)
	}
}

func TestTrailerRIFX(t *testing.T) {
	got, err := Trailer(ContainerRIFX, 3, []RawChunk{{ID: FourCC{'L', 'I', 'S', 'T'}, Data: []byte("INFOx")}})
	if err != nil {
		t.Fatal(err)
	}
	if want := wavtest.Cat([]byte{0}, wavtest.ChunkBE("LIST", []byte("INFOx"))); !bytes.Equal(got, want) {
		t.Errorf("got %x, want %x", got, want)
	}
}

func TestPlanMetadataRIFX(t *testing.T) {
	h := mustParse(t, rifxBase, Options{})
	_, err := PlanMetadata(h, int64(len(rifxBase)), bytes.NewReader(rifxBase), []MetaChunk{{ID: FourCC{'b', 'e', 'x', 't'}, Data: make([]byte, 602)}})
	if e := asError(t, err); e.Kind != ErrUnsupported {
		t.Errorf("PlanMetadata on RIFX: %v, want ErrUnsupported", e)
	}
}
