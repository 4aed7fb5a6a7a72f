package riff

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/wavemap/wavemap/internal/wavtest"
)

func TestParseBase(t *testing.T) {
	h := mustParse(t, base, Options{})
	want := &Header{
		Container: ContainerRIFF,
		Fmt: Fmt{Tag: 1, SubFormat: 1, Channels: 1, SampleRate: 8000, ByteRate: 16000, BlockAlign: 2,
			BitsPerSample: 16, Size: 16},
		FmtOffset:  20,
		DataOffset: 44,
		DataSize:   10,
		FactFrames: -1,
		Chunks: []Chunk{
			{ID: IDFmt, Offset: 12, DataOffset: 20, Declared: 16, Size: 16},
			{ID: IDData, Offset: 36, DataOffset: 44, Declared: 10, Size: 10},
		},
	}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("got  %+v\nwant %+v", h, want)
	}
}

// TestParseFmt covers every fmt chunk size and the four mappable codecs,
// plain and WAVE_FORMAT_EXTENSIBLE.
func TestParseFmt(t *testing.T) {
	for _, c := range []struct {
		name    string
		payload []byte
		want    Fmt
	}{
		{"WAVEFORMAT 14 bytes, 16-bit stereo", wavtest.Cat(wavtest.LE16(1), wavtest.LE16(2), wavtest.LE32(8000), wavtest.LE32(32000), wavtest.LE16(4)),
			Fmt{Tag: 1, SubFormat: 1, Channels: 2, SampleRate: 8000, ByteRate: 32000, BlockAlign: 4, BitsPerSample: 16, Size: 14}},
		{"WAVEFORMAT 14 bytes, 8-bit stereo", wavtest.Cat(wavtest.LE16(1), wavtest.LE16(2), wavtest.LE32(8000), wavtest.LE32(16000), wavtest.LE16(2)),
			Fmt{Tag: 1, SubFormat: 1, Channels: 2, SampleRate: 8000, ByteRate: 16000, BlockAlign: 2, BitsPerSample: 8, Size: 14}},
		{"PCM 16 bytes", wavtest.FmtPCM(1, 2, 44100, 24, 6),
			Fmt{Tag: 1, SubFormat: 1, Channels: 2, SampleRate: 44100, ByteRate: 264600, BlockAlign: 6, BitsPerSample: 24, Size: 16}},
		{"PCM 12 bits in 16", wavtest.FmtPCM(1, 2, 8000, 12, 4),
			Fmt{Tag: 1, SubFormat: 1, Channels: 2, SampleRate: 8000, ByteRate: 32000, BlockAlign: 4, BitsPerSample: 12, Size: 16}},
		{"PCM 18 bytes", wavtest.FmtEx(1, 1, 8000, 8, 1),
			Fmt{Tag: 1, SubFormat: 1, Channels: 1, SampleRate: 8000, ByteRate: 8000, BlockAlign: 1, BitsPerSample: 8, Size: 18}},
		{"PCM 20 bytes (cbSize 0 and 2 stray bytes)", wavtest.Cat(wavtest.FmtEx(1, 1, 44100, 16, 2), wavtest.LE16(0)),
			Fmt{Tag: 1, SubFormat: 1, Channels: 1, SampleRate: 44100, ByteRate: 88200, BlockAlign: 2, BitsPerSample: 16, Size: 20}},
		{"float 18 bytes", wavtest.FmtEx(3, 2, 48000, 32, 8),
			Fmt{Tag: 3, SubFormat: 3, Channels: 2, SampleRate: 48000, ByteRate: 384000, BlockAlign: 8, BitsPerSample: 32, Size: 18}},
		{"double 16 bytes", wavtest.FmtPCM(3, 1, 48000, 64, 8),
			Fmt{Tag: 3, SubFormat: 3, Channels: 1, SampleRate: 48000, ByteRate: 384000, BlockAlign: 8, BitsPerSample: 64, Size: 16}},
		{"A-law 18 bytes", wavtest.FmtEx(6, 2, 8000, 8, 2),
			Fmt{Tag: 6, SubFormat: 6, Channels: 2, SampleRate: 8000, ByteRate: 16000, BlockAlign: 2, BitsPerSample: 8, Size: 18}},
		{"mu-law 18 bytes", wavtest.FmtEx(7, 1, 8000, 8, 1),
			Fmt{Tag: 7, SubFormat: 7, Channels: 1, SampleRate: 8000, ByteRate: 8000, BlockAlign: 1, BitsPerSample: 8, Size: 18}},
		{"extensible PCM 20 of 24 bits", wavtest.FmtExtensible(2, 96000, 24, 6, 20, 3, wavtest.SubFormat(1)),
			Fmt{Tag: 0xFFFE, SubFormat: 1, GUID: [16]byte(wavtest.SubFormat(1)), Extensible: true, Channels: 2, SampleRate: 96000, ByteRate: 576000,
				BlockAlign: 6, BitsPerSample: 24, ValidBits: 20, ChannelMask: 3, Size: 40}},
		{"extensible valid bits 0", wavtest.FmtExtensible(6, 44100, 16, 12, 0, 0x3F, wavtest.SubFormat(1)),
			Fmt{Tag: 0xFFFE, SubFormat: 1, GUID: [16]byte(wavtest.SubFormat(1)), Extensible: true, Channels: 6, SampleRate: 44100, ByteRate: 529200,
				BlockAlign: 12, BitsPerSample: 16, ChannelMask: 0x3F, Size: 40}},
		{"extensible float, cbSize 30, 48 bytes", wavtest.Cat(wavtest.FmtPCM(0xFFFE, 2, 8000, 32, 8), wavtest.LE16(30), wavtest.LE16(32), wavtest.LE32(0), wavtest.SubFormat(3), make([]byte, 8)),
			Fmt{Tag: 0xFFFE, SubFormat: 3, GUID: [16]byte(wavtest.SubFormat(3)), Extensible: true, Channels: 2, SampleRate: 8000, ByteRate: 64000,
				BlockAlign: 8, BitsPerSample: 32, ValidBits: 32, Size: 48}},
		{"extensible A-law", wavtest.FmtExtensible(2, 8000, 8, 2, 8, 0, wavtest.SubFormat(6)),
			Fmt{Tag: 0xFFFE, SubFormat: 6, GUID: [16]byte(wavtest.SubFormat(6)), Extensible: true, Channels: 2, SampleRate: 8000, ByteRate: 16000,
				BlockAlign: 2, BitsPerSample: 8, ValidBits: 8, Size: 40}},
		{"extensible mu-law", wavtest.FmtExtensible(1, 8000, 8, 1, 8, 4, wavtest.SubFormat(7)),
			Fmt{Tag: 0xFFFE, SubFormat: 7, GUID: [16]byte(wavtest.SubFormat(7)), Extensible: true, Channels: 1, SampleRate: 8000, ByteRate: 8000,
				BlockAlign: 1, BitsPerSample: 8, ValidBits: 8, ChannelMask: 4, Size: 40}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := wavtest.RIFF(wavtest.Chunk("fmt ", c.payload), wavtest.Chunk("data", make([]byte, 24)))
			h := mustParse(t, b, Options{})
			if h.Fmt != c.want {
				t.Errorf("got  %+v\nwant %+v", h.Fmt, c.want)
			}
			if len(h.Warnings) != 0 {
				t.Errorf("warnings %v", h.Warnings)
			}
			if h.FmtOffset != 20 || h.DataOffset != 20+int64(len(c.payload)+len(c.payload)%2)+8 || h.DataSize != 24 {
				t.Errorf("fmt at %d, data at %d, %d bytes", h.FmtOffset, h.DataOffset, h.DataSize)
			}
		})
	}
}

// TestParseChunks checks the chunk list and the INFO tags of a file with
// unknown chunks before and after the data, odd sizes, and a pad byte that
// is not zero.
func TestParseChunks(t *testing.T) {
	info := wavtest.Cat([]byte("INFO"), wavtest.Chunk("INAM", []byte("Kick\x00")), wavtest.Chunk("ISFT", []byte("wm\x00\x00")), wavtest.Chunk("ICMT", []byte("odd")))
	b := wavtest.RIFF(
		fmtMono16, // 12
		wavtest.RawChunk("bext", -1, make([]byte, 7), false), []byte{0xAB}, // 36, pad byte 0xAB
		wavtest.Chunk("JUNK", make([]byte, 4)), // 52
		wavtest.Chunk("data", pcm5),            // 64
		wavtest.Chunk("LIST", info),            // 82
		wavtest.Chunk("smpl", []byte{1, 2, 3}), // 132
	)
	if len(b) != 144 {
		t.Fatalf("test file is %d bytes", len(b))
	}
	h := mustParse(t, b, Options{})
	want := []Chunk{
		{IDFmt, 12, 20, 16, 16},
		{FourCC{'b', 'e', 'x', 't'}, 36, 44, 7, 7},
		{IDJUNK, 52, 60, 4, 4},
		{IDData, 64, 72, 10, 10},
		{IDLIST, 82, 90, 42, 42},
		{FourCC{'s', 'm', 'p', 'l'}, 132, 140, 3, 3},
	}
	if !reflect.DeepEqual(h.Chunks, want) {
		t.Errorf("chunks\n got %v\nwant %v", h.Chunks, want)
	}
	wantTags := []Tag{{FourCC{'I', 'N', 'A', 'M'}, "Kick"}, {FourCC{'I', 'S', 'F', 'T'}, "wm"}, {FourCC{'I', 'C', 'M', 'T'}, "odd"}}
	if !reflect.DeepEqual(h.Tags, wantTags) {
		t.Errorf("tags %q, want %q", h.Tags, wantTags)
	}
	if h.DataOffset != 72 || h.DataSize != 10 || len(h.Warnings) != 0 {
		t.Errorf("data at %d, %d bytes, warnings %v", h.DataOffset, h.DataSize, h.Warnings)
	}
	// Other LIST types are recorded, not parsed.
	h = mustParse(t, wavtest.RIFF(fmtMono16, wavtest.Chunk("LIST", wavtest.Cat([]byte("adtl"), wavtest.Chunk("labl", []byte("abcd")))), wavtest.Chunk("data", pcm5)), Options{})
	if len(h.Tags) != 0 || len(h.Chunks) != 3 || len(h.Warnings) != 0 {
		t.Errorf("adtl list: tags %v, chunks %v, warnings %v", h.Tags, h.Chunks, h.Warnings)
	}
}

// bigRIFF is a virtual plain RIFF file whose data chunk holds n bytes,
// with the 32-bit sizes written modulo 2^32, as a writer that ignores the
// 4 GiB limit does.
func bigRIFF(n int64) *sparse {
	head := wavtest.RIFF(fmtMono16, wavtest.RawChunk("data", int64(uint32(n)), nil, false))
	total := int64(len(head)) + n
	copy(head[4:], wavtest.LE32(uint32(total-8)))
	return &sparse{size: total, pieces: []piece{{0, head}}}
}

// junkAfter returns a sparse RIFF file whose data chunk of n bytes, with
// the RIFF size counting it, is followed by junk bytes (not printable,
// then zeros).
func junkAfter(n, junk int64) *sparse {
	head := wavtest.Wave("RIFF", 36+n, fmtMono16, wavtest.RawChunk("data", n, nil, false))
	return &sparse{size: int64(len(head)) + n + junk, pieces: []piece{{0, head}, {int64(len(head)) + n, bytes.Repeat([]byte{1, 0x80, 7}, 20)}}}
}

func TestParseWarnings(t *testing.T) {
	many := wavtest.RIFF(fmtMono16, wavtest.Chunk("data", pcm5), bytes.Repeat(wavtest.Chunk("tiny", nil), maxChunks))
	for _, c := range []struct {
		name       string
		data       []byte
		r          io.ReaderAt // instead of data
		size       int64
		trailing   bool // Options.TrailingAudio
		kinds      []WarningKind
		offset     int64 // of the first warning
		dataOffset int64
		dataSize   int64
	}{
		{name: "RIFF size too small", data: wavtest.Wave("RIFF", 20, fmtMono16, wavtest.Chunk("data", pcm5)),
			kinds: []WarningKind{WarnRIFFSize}, offset: 4, dataOffset: 44, dataSize: 10},
		{name: "RIFF size too big", data: wavtest.Wave("RIFF", 5000, fmtMono16, wavtest.Chunk("data", pcm5)),
			kinds: []WarningKind{WarnRIFFSize}, offset: 4, dataOffset: 44, dataSize: 10},
		{name: "RIFF size 0xFFFFFFFF", data: wavtest.Wave("RIFF", 0xFFFFFFFF, fmtMono16, wavtest.Chunk("data", pcm5)),
			kinds: []WarningKind{WarnStreamingSize}, offset: 4, dataOffset: 44, dataSize: 10},
		{name: "RIFF size 0", data: wavtest.Wave("RIFF", 0, fmtMono16, wavtest.Chunk("data", pcm5)),
			kinds: []WarningKind{WarnStreamingSize}, offset: 4, dataOffset: 44, dataSize: 10},
		{name: "RIFF size counts a missing final pad byte", data: wavtest.Wave("RIFF", 40, fmtMono16, wavtest.RawChunk("data", -1, []byte{1, 2, 3}, false)),
			kinds: []WarningKind{WarnRaggedTail, WarnMissingPad}, offset: 46, dataOffset: 44, dataSize: 2},
		{name: "data past the end of the file", data: wavtest.RIFF(fmtMono16, wavtest.RawChunk("data", 1000, pcm5, true)),
			kinds: []WarningKind{WarnDataSize}, offset: 40, dataOffset: 44, dataSize: 10},
		{name: "data size 0xFFFFFFFF", data: wavtest.RIFF(fmtMono16, wavtest.RawChunk("data", 0xFFFFFFFF, pcm5, true)),
			kinds: []WarningKind{WarnStreamingSize}, offset: 40, dataOffset: 44, dataSize: 10},
		{name: "data size 0, audio follows", data: wavtest.RIFF(fmtMono16, wavtest.RawChunk("data", 0, pcm5, true)),
			kinds: []WarningKind{WarnStreamingSize}, offset: 40, dataOffset: 44, dataSize: 10},
		{name: "data size 0, a chunk follows", data: wavtest.RIFF(fmtMono16, wavtest.RawChunk("data", 0, nil, true), wavtest.Chunk("LIST", []byte("INFO"))),
			dataOffset: 44, dataSize: 0},
		{name: "both sizes streaming", data: wavtest.Wave("RIFF", 0xFFFFFFFF, fmtMono16, wavtest.RawChunk("data", 0xFFFFFFFF, pcm5, true)),
			kinds: []WarningKind{WarnStreamingSize, WarnStreamingSize}, offset: 4, dataOffset: 44, dataSize: 10},
		{name: "wrapped 32-bit sizes", r: bigRIFF(1<<32 + 100), size: 44 + 1<<32 + 100,
			kinds: []WarningKind{WarnWrappedSize, WarnWrappedSize}, offset: 4, dataOffset: 44, dataSize: 1<<32 + 100},
		{name: "wrapped twice", r: bigRIFF(2<<32 + 2), size: 44 + 2<<32 + 2,
			kinds: []WarningKind{WarnWrappedSize, WarnWrappedSize}, offset: 4, dataOffset: 44, dataSize: 2<<32 + 2},
		// Only a whole multiple of 2^32 is a wrap: other surplus is junk.
		{name: "junk after sizes that agree, past 4 GiB", r: junkAfter(0xFFFFF000, 4096), size: 44 + 0xFFFFF000 + 4096,
			kinds: []WarningKind{WarnTrailingBytes}, offset: 44 + 0xFFFFF000, dataOffset: 44, dataSize: 0xFFFFF000},
		{name: "surplus of 2^32 + 4 KiB is no wrap", r: junkAfter(1000, 1<<32+4096), size: 44 + 1000 + 1<<32 + 4096,
			kinds: []WarningKind{WarnTrailingBytes}, offset: 44 + 1000, dataOffset: 44, dataSize: 1000},
		{name: "duplicate data", data: wavtest.RIFF(fmtMono16, wavtest.Chunk("data", pcm5), wavtest.Chunk("data", wavtest.S16(9, 9))),
			kinds: []WarningKind{WarnDuplicateChunk}, offset: 54, dataOffset: 44, dataSize: 10},
		{name: "duplicate fmt", data: wavtest.RIFF(fmtMono16, wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 8000, 16, 4)), wavtest.Chunk("data", pcm5)),
			kinds: []WarningKind{WarnDuplicateChunk}, offset: 36, dataOffset: 68, dataSize: 10},
		{name: "trailing bytes", data: wavtest.Cat(base, []byte{1, 2, 3}),
			kinds: []WarningKind{WarnTrailingBytes}, offset: 54, dataOffset: 44, dataSize: 10},
		{name: "trailing zero bytes are padding", data: wavtest.Cat(base, []byte{0, 0, 0}),
			dataOffset: 44, dataSize: 10},
		{name: "stale sizes, frames follow", trailing: true, data: wavtest.Cat(base, []byte("\x01\x02\x03\x04abcdefgh")),
			kinds: []WarningKind{WarnRIFFSize, WarnDataSize}, offset: 4, dataOffset: 44, dataSize: 22},
		{name: "stale sizes, frames of text follow", trailing: true, data: wavtest.Cat(base, []byte("zzzzzzzzzzzzzzzzzzzz")),
			kinds: []WarningKind{WarnRIFFSize, WarnDataSize}, offset: 4, dataOffset: 44, dataSize: 30},
		{name: "stale sizes, a ragged frame follows", trailing: true, data: wavtest.Cat(base, []byte("\x01\x02\x03\x04abcdefg")),
			kinds: []WarningKind{WarnRIFFSize, WarnDataSize, WarnRaggedTail}, offset: 4, dataOffset: 44, dataSize: 20},
		{name: "stale data size, the RIFF size counts the audio", data: wavtest.RIFF(fmtMono16, wavtest.RawChunk("data", 4, pcm5, true)),
			kinds: []WarningKind{WarnDataSize}, offset: 40, dataOffset: 44, dataSize: 10},
		{name: "stale data size, the RIFF size counts zero padding", data: wavtest.RIFF(fmtMono16, wavtest.RawChunk("data", 8, pcm5, true)),
			kinds: []WarningKind{WarnDataSize}, offset: 40, dataOffset: 44, dataSize: 10},
		{name: "the RIFF size counts zero padding", data: wavtest.RIFF(fmtMono16, wavtest.Chunk("data", pcm5), []byte{0, 0, 0, 0}),
			dataOffset: 44, dataSize: 10},
		{name: "the RIFF size counts half a frame", data: wavtest.RIFF(fmtMono16, wavtest.Chunk("data", pcm5), []byte{1}),
			kinds: []WarningKind{WarnTrailingBytes}, offset: 54, dataOffset: 44, dataSize: 10},
		{name: "stale data size, the RIFF size counts part of the audio", data: wavtest.Wave("RIFF", 42, fmtMono16, wavtest.RawChunk("data", 2, pcm5, true)),
			kinds: []WarningKind{WarnRIFFSize, WarnDataSize}, offset: 4, dataOffset: 44, dataSize: 10},
		{name: "stale data size, a chunk where the RIFF size ends", data: wavtest.Wave("RIFF", 42, fmtMono16, wavtest.RawChunk("data", 2, wavtest.S16(1, -2, 3), true), wavtest.Chunk("LIST", []byte("INFO"))),
			kinds: []WarningKind{WarnRIFFSize, WarnDataSize}, offset: 4, dataOffset: 44, dataSize: 6},
		{name: "a chunk after the data", data: wavtest.Wave("RIFF", 46, fmtMono16, wavtest.Chunk("data", pcm5), wavtest.Chunk("LIST", []byte("INFO"))),
			kinds: []WarningKind{WarnRIFFSize}, offset: 4, dataOffset: 44, dataSize: 10},
		{name: "a known chunk cut short after the data", data: wavtest.Wave("RIFF", 46, fmtMono16, wavtest.Chunk("data", pcm5), wavtest.RawChunk("id3 ", 100, []byte("ID3\x03"), false)),
			kinds: []WarningKind{WarnTrailingBytes}, offset: 54, dataOffset: 44, dataSize: 10},
		{name: "an odd data chunk and its pad byte", data: wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 8, 1)), wavtest.Chunk("data", []byte{1, 2, 3})),
			dataOffset: 44, dataSize: 3},
		{name: "stale odd data size, audio from its end", trailing: true, data: wavtest.Wave("RIFF", 40, wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 8, 1)), wavtest.RawChunk("data", 3, []byte("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c"), false)),
			kinds: []WarningKind{WarnRIFFSize, WarnDataSize}, offset: 4, dataOffset: 44, dataSize: 12},
		{name: "chunk past the RIFF end", data: wavtest.Wave("RIFF", 46, fmtMono16, wavtest.Chunk("data", pcm5), wavtest.Chunk("smpl", make([]byte, 8))),
			kinds: []WarningKind{WarnRIFFSize}, offset: 4, dataOffset: 44, dataSize: 10},
		{name: "missing pad byte", data: wavtest.RIFF(fmtMono16, wavtest.RawChunk("odd ", -1, []byte{1, 2, 3}, false), wavtest.Chunk("data", pcm5)),
			kinds: []WarningKind{WarnMissingPad}, offset: 47, dataOffset: 55, dataSize: 10},
		{name: "pad byte not zero", data: wavtest.RIFF(fmtMono16, wavtest.RawChunk("odd ", -1, []byte{1, 2, 3}, false), []byte{'z'}, wavtest.Chunk("data", pcm5)),
			dataOffset: 56, dataSize: 10},
		{name: "missing final pad byte", data: wavtest.RIFF(fmtMono16, wavtest.Chunk("data", pcm5), wavtest.RawChunk("odd ", -1, []byte{1, 2, 3}, false)),
			kinds: []WarningKind{WarnMissingPad}, offset: 65, dataOffset: 44, dataSize: 10},
		{name: "missing final pad byte after odd audio", data: wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 8, 1)), wavtest.RawChunk("data", -1, []byte{1, 2, 3}, false)),
			kinds: []WarningKind{WarnMissingPad}, offset: 47, dataOffset: 44, dataSize: 3},
		{name: "block align 6 for 2 channels of 16 bits", data: wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.Cat(wavtest.LE16(1), wavtest.LE16(2), wavtest.LE32(8000), wavtest.LE32(32000), wavtest.LE16(6), wavtest.LE16(16))), wavtest.Chunk("data", pcm5[:8])),
			kinds: []WarningKind{WarnBlockAlign}, offset: 32, dataOffset: 44, dataSize: 8},
		{name: "block align 0 for float", data: wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.Cat(wavtest.LE16(3), wavtest.LE16(1), wavtest.LE32(8000), wavtest.LE32(32000), wavtest.LE16(0), wavtest.LE16(32))), wavtest.Chunk("data", make([]byte, 8))),
			kinds: []WarningKind{WarnBlockAlign}, offset: 32, dataOffset: 44, dataSize: 8},
		{name: "24 bits in 4-byte slots", data: wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 24, 4)), wavtest.Chunk("data", []byte{0, 1, 2, 3, 0, 0xff, 0xfe, 0x80})),
			kinds: []WarningKind{WarnAmbiguousLayout}, offset: 32, dataOffset: 44, dataSize: 8},
		{name: "24 bits in 4-byte slots, byte rate of packed samples", data: wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.Cat(wavtest.LE16(1), wavtest.LE16(1), wavtest.LE32(8000), wavtest.LE32(24000), wavtest.LE16(4), wavtest.LE16(24))), wavtest.Chunk("data", []byte{1, 2, 3, 4, 5, 6})),
			kinds: []WarningKind{WarnBlockAlign}, offset: 32, dataOffset: 44, dataSize: 6},
		{name: "ragged data", data: wavtest.RIFF(fmtMono16, wavtest.Chunk("data", wavtest.Cat(pcm5, []byte{7}))),
			kinds: []WarningKind{WarnRaggedTail}, offset: 54, dataOffset: 44, dataSize: 10},
		{name: "truncated chunk after data", data: wavtest.RIFF(fmtMono16, wavtest.Chunk("data", pcm5), wavtest.RawChunk("LIST", 500, []byte("INFOxx"), false)),
			kinds: []WarningKind{WarnTruncatedChunk}, offset: 58, dataOffset: 44, dataSize: 10},
		{name: "unknown size of a chunk after data", data: wavtest.RIFF(fmtMono16, wavtest.Chunk("data", pcm5), wavtest.RawChunk("LIST", 0xFFFFFFFF, []byte("INFO"), false)),
			kinds: []WarningKind{WarnStreamingSize}, offset: 58, dataOffset: 44, dataSize: 10},
		{name: "byte rate", data: wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.Cat(wavtest.LE16(1), wavtest.LE16(1), wavtest.LE32(8000), wavtest.LE32(1234), wavtest.LE16(2), wavtest.LE16(16))), wavtest.Chunk("data", pcm5)),
			kinds: []WarningKind{WarnBadField}, offset: 28, dataOffset: 44, dataSize: 10},
		{name: "fact above the frames", data: wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtEx(3, 1, 8000, 32, 4)), wavtest.Chunk("fact", wavtest.LE32(100)), wavtest.Chunk("data", make([]byte, 8))),
			kinds: []WarningKind{WarnBadField}, offset: 46, dataOffset: 58, dataSize: 8},
		{name: "fact below the frames", data: wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtEx(3, 1, 8000, 32, 4)), wavtest.Chunk("fact", wavtest.LE32(1)), wavtest.Chunk("data", make([]byte, 8))),
			dataOffset: 58, dataSize: 8},
		{name: "fmt after data", data: wavtest.RIFF(wavtest.Chunk("data", pcm5), fmtMono16),
			kinds: []WarningKind{WarnBadField}, offset: 30, dataOffset: 20, dataSize: 10},
		{name: "RF64 without ds64", data: wavtest.Wave("RF64", -1, fmtMono16, wavtest.Chunk("data", pcm5)),
			kinds: []WarningKind{WarnBadField}, offset: 0, dataOffset: 44, dataSize: 10},
		{name: "INFO entry too long", data: wavtest.RIFF(fmtMono16, wavtest.Chunk("data", pcm5), wavtest.Chunk("LIST", wavtest.Cat([]byte("INFO"), wavtest.RawChunk("INAM", 50, []byte("abc"), true)))),
			kinds: []WarningKind{WarnTruncatedChunk}, offset: 70, dataOffset: 44, dataSize: 10},
		{name: "INFO entry without pad", data: wavtest.RIFF(fmtMono16, wavtest.Chunk("data", pcm5),
			wavtest.Chunk("LIST", wavtest.Cat([]byte("INFO"), wavtest.RawChunk("INAM", -1, []byte("abc"), false), wavtest.Chunk("ISFT", []byte("x\x00"))))),
			kinds: []WarningKind{WarnMissingPad}, offset: 77, dataOffset: 44, dataSize: 10},
		{name: "INFO garbage", data: wavtest.RIFF(fmtMono16, wavtest.Chunk("data", pcm5), wavtest.Chunk("LIST", wavtest.Cat([]byte("INFO"), []byte("\x01\x02\x03\x04\x05\x06\x07\x08")))),
			kinds: []WarningKind{WarnBadField}, offset: 66, dataOffset: 44, dataSize: 10},
		{name: "too many chunks to list", data: many,
			kinds: []WarningKind{WarnBadField}, offset: 54 + 8*(maxChunks-2), dataOffset: 44, dataSize: 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, size := c.r, c.size
			if r == nil {
				r, size = bytes.NewReader(c.data), int64(len(c.data))
			}
			if c.trailing {
				// Without the option the frames are trailing bytes.
				h, err := Parse(r, size, Options{})
				if err != nil {
					t.Fatal(err)
				}
				if got := kinds(h.Warnings); len(got) != 1 || got[0] != WarnTrailingBytes {
					t.Errorf("without TrailingAudio: warnings %v, want trailing bytes", h.Warnings)
				}
			}
			h, err := Parse(r, size, Options{TrailingAudio: c.trailing})
			if err != nil {
				t.Fatal(err)
			}
			if got := kinds(h.Warnings); !reflect.DeepEqual(got, c.kinds) {
				t.Fatalf("warnings %v, want kinds %v", h.Warnings, c.kinds)
			}
			if h.DataOffset != c.dataOffset || h.DataSize != c.dataSize {
				t.Errorf("data at %d, %d bytes; want %d, %d", h.DataOffset, h.DataSize, c.dataOffset, c.dataSize)
			}
			for _, ck := range h.Chunks {
				if ck.Offset < 0 || ck.DataOffset > size || ck.Size < 0 || ck.DataOffset+ck.Size > size {
					t.Errorf("chunk %v outside the %d-byte input", ck, size)
				}
			}
			if len(c.kinds) == 0 {
				return
			}
			w := h.Warnings[0]
			if w.Offset != c.offset {
				t.Errorf("first warning at %d, want %d: %v", w.Offset, c.offset, w)
			}
			if w.Msg == "" || !strings.ContainsAny(w.Msg, "0123456789") {
				t.Errorf("message names no number: %q", w.Msg)
			}
			t.Logf("%v: %s", w.Kind, w.Msg)
			_, err = Parse(r, size, Options{Strict: true, TrailingAudio: c.trailing})
			e := asError(t, err)
			if e.Kind != ErrStrict || e.Warning == nil || *e.Warning != w || e.Offset != w.Offset {
				t.Errorf("Strict: %+v, want ErrStrict for %v", e, w)
			}
		})
	}
}

// TestParseChunkLists checks the chunk records of the recovered files.
func TestParseChunkLists(t *testing.T) {
	h := mustParse(t, wavtest.RIFF(fmtMono16, wavtest.RawChunk("data", 0xFFFFFFFF, pcm5, true)), Options{})
	if d := h.Chunks[1]; d.Declared != -1 || d.Size != 10 {
		t.Errorf("streaming data chunk %+v", d)
	}
	h = mustParse(t, wavtest.RIFF(fmtMono16, wavtest.RawChunk("data", 1000, pcm5, true)), Options{})
	if d := h.Chunks[1]; d.Declared != 1000 || d.Size != 10 {
		t.Errorf("data chunk past the end %+v", d)
	}
	h = mustParse(t, wavtest.RIFF(fmtMono16, wavtest.Chunk("data", pcm5), wavtest.RawChunk("LIST", 500, []byte("INFOxx"), false)), Options{})
	if l := h.Chunks[2]; l.Declared != 500 || l.Size != 6 || l.DataOffset != 62 {
		t.Errorf("truncated LIST %+v", l)
	}
	h, err := Parse(bigRIFF(1<<32+100), 44+1<<32+100, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := h.Chunks[1]; d.Declared != 100 || d.Size != 1<<32+100 {
		t.Errorf("wrapped data chunk %+v", d)
	}
	// Past maxChunks, the chunks the header needs and the last one are
	// still listed.
	many := wavtest.RIFF(fmtMono16, wavtest.Chunk("data", pcm5), bytes.Repeat(wavtest.Chunk("tiny", nil), maxChunks), wavtest.Chunk("fact", wavtest.LE32(5)),
		bytes.Repeat(wavtest.Chunk("tiny", nil), 10), wavtest.Chunk("last", []byte{1}))
	h = mustParse(t, many, Options{})
	if n := len(h.Chunks); n != maxChunks+2 || h.Chunks[n-2].ID != IDFact || h.Chunks[n-1].ID != (FourCC{'l', 'a', 's', 't'}) || h.Chunks[n-1].Offset != int64(len(many)-10) {
		t.Errorf("%d chunks, ending %v", n, h.Chunks[max(n-3, 0):])
	}
	if h.FactFrames != 5 || len(h.Warnings) != 1 || h.Warnings[0].Kind != WarnBadField || !strings.Contains(h.Warnings[0].Msg, "12 chunks") {
		t.Errorf("fact %d, warnings %v", h.FactFrames, h.Warnings)
	}
}

// TestParseManyChunks checks that the data chunk is found after any
// number of chunks, and that the walk costs a bounded amount of memory
// and a bounded time per chunk: a file of a million empty chunks allocates
// no more than one of a hundred thousand (the list stops at maxChunks),
// and walks in a fraction of a second.
func TestParseManyChunks(t *testing.T) {
	tiny := wavtest.Chunk("tiny", nil)
	file := func(n int) []byte {
		return wavtest.RIFF(fmtMono16, bytes.Repeat(tiny, n), wavtest.Chunk("data", pcm5))
	}
	walk := func(n int) (h *Header, allocated uint64, took time.Duration) {
		b := file(n)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		h = mustParse(t, b, Options{})
		took = time.Since(start)
		runtime.ReadMemStats(&after)
		return h, after.TotalAlloc - before.TotalAlloc, took
	}
	h, _, _ := walk(maxChunks + 1)
	if h.DataOffset != 12+24+8*(maxChunks+1)+8 || h.DataSize != 10 {
		t.Errorf("after %d chunks: data at %d, %d bytes", maxChunks+1, h.DataOffset, h.DataSize)
	}
	_, small, _ := walk(100_000)
	h, big, took := walk(1_000_000)
	t.Logf("100000 chunks: %d bytes allocated; 1000000: %d bytes, %v", small, big, took)
	if h.DataOffset != 12+24+8*1_000_000+8 || h.DataSize != 10 || len(h.Chunks) != maxChunks+1 || len(h.Warnings) != 1 {
		t.Errorf("after a million chunks: data at %d, %d bytes, %d chunks listed, warnings %v", h.DataOffset, h.DataSize, len(h.Chunks), h.Warnings)
	}
	if big > small+1<<20 || big > 32<<20 {
		t.Errorf("a million chunks allocate %d bytes, a hundred thousand %d", big, small)
	}
	if took > 10*time.Second { // ~0.1 s on one core; a quadratic walk would take hours
		t.Errorf("a million chunks take %v", took)
	}
}

func TestParseErrors(t *testing.T) {
	w64head := wavtest.Cat(w64RIFF[:], wavtest.LE64(100))
	for _, c := range []struct {
		name   string
		data   []byte
		kind   ErrorKind
		offset int64
		tag    uint16
	}{
		{"empty", nil, ErrNotWAVE, 0, 0},
		{"too short", []byte("RIFF\x04\x00\x00\x00WAV"), ErrNotWAVE, 0, 0},
		{"text", []byte("hello, this is not a wave file at all\n"), ErrNotWAVE, 0, 0},
		{"AVI", wavtest.Cat([]byte("RIFF"), wavtest.LE32(4), []byte("AVI ")), ErrNotWAVE, 8, 0},
		{"RIFX over little-endian fields", wavtest.Cat([]byte("RIFX"), base[4:]), ErrUnsupported, 20, 0x100},
		{"Wave64 too short", wavtest.Cat(w64head, []byte("wave")), ErrNotWAVE, 0, 0},
		{"Wave64 not wave", wavtest.Cat(w64head, w64Fmt[:]), ErrNotWAVE, 24, 0},
		{"GSM 6.10", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.Cat(wavtest.FmtPCM(0x31, 1, 8000, 0, 65), wavtest.LE16(2), wavtest.LE16(320))), wavtest.Chunk("data", pcm5)), ErrUnsupported, 20, 0x31},
		{"MP3", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtEx(0x55, 2, 44100, 0, 1)), wavtest.Chunk("data", pcm5)), ErrUnsupported, 20, 0x55},
		{"unknown tag", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtEx(0x1234, 2, 44100, 16, 4)), wavtest.Chunk("data", pcm5)), ErrUnsupported, 20, 0x1234},
		{"extensible ADPCM", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtExtensible(1, 8000, 4, 256, 4, 0, wavtest.SubFormat(2))), wavtest.Chunk("data", pcm5)), ErrUnsupported, 20, 2},
		{"extensible Ambisonic B-format", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtExtensible(4, 48000, 16, 8, 16, 0,
			[]byte{1, 0, 0, 0, 0x21, 0x07, 0xD3, 0x11, 0x86, 0x44, 0xC8, 0xC1, 0xCA, 0, 0, 0})), wavtest.Chunk("data", pcm5)), ErrUnsupported, 20, 0xFFFE},
		{"extensible odd GUID", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtExtensible(1, 8000, 16, 2, 16, 0, []byte("0123456789abcdef"))), wavtest.Chunk("data", pcm5)), ErrUnsupported, 20, 0xFFFE},
		{"24-bit float", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtEx(3, 1, 8000, 24, 3)), wavtest.Chunk("data", pcm5)), ErrUnsupported, 20, 3},
		{"48-bit float in 6 bytes", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtEx(3, 1, 8000, 48, 6)), wavtest.Chunk("data", pcm5)), ErrUnsupported, 20, 3},
		{"16-bit A-law", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtEx(6, 1, 8000, 16, 2)), wavtest.Chunk("data", pcm5)), ErrUnsupported, 20, 6},
		{"0 channels", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 0, 8000, 16, 2)), wavtest.Chunk("data", pcm5)), ErrInvalid, 20, 0},
		{"rate 0", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 0, 16, 2)), wavtest.Chunk("data", pcm5)), ErrInvalid, 20, 0},
		// Bits that name no standard container (12, 20) leave the
		// container to the block align, which must then hold them.
		{"block align 0", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 12, 0)), wavtest.Chunk("data", pcm5)), ErrInvalid, 20, 0},
		{"block align vs channels", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 8000, 12, 5)), wavtest.Chunk("data", pcm5)), ErrInvalid, 20, 0},
		{"bits above the container", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 20, 2)), wavtest.Chunk("data", pcm5)), ErrInvalid, 20, 0},
		{"bits 0", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 0, 2)), wavtest.Chunk("data", pcm5)), ErrInvalid, 20, 0},
		{"valid bits above bits", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtExtensible(1, 8000, 16, 2, 20, 0, wavtest.SubFormat(1))), wavtest.Chunk("data", pcm5)), ErrInvalid, 20, 0},
		{"extensible cbSize 0", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtEx(0xFFFE, 1, 8000, 16, 2)), wavtest.Chunk("data", pcm5)), ErrInvalid, 20, 0},
		{"extensible in 16 bytes", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(0xFFFE, 1, 8000, 16, 2)), wavtest.Chunk("data", pcm5)), ErrInvalid, 20, 0},
		{"extensible cut at 30 bytes", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtExtensible(1, 8000, 16, 2, 16, 0, wavtest.SubFormat(1))[:30]), wavtest.Chunk("data", pcm5)), ErrInvalid, 20, 0},
		{"fmt of 12 bytes", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 16, 2)[:12]), wavtest.Chunk("data", pcm5)), ErrNoFormat, 20, 0},
		{"no fmt", wavtest.RIFF(wavtest.Chunk("data", pcm5)), ErrNoFormat, 12, 0},
		{"no data", wavtest.RIFF(fmtMono16), ErrNoData, 36, 0},
		{"no data, garbage", wavtest.RIFF(fmtMono16, []byte("\x00\x01\x02\x03\x04\x05\x06\x07")), ErrNoData, 36, 0},
		{"unknown size before data", wavtest.RIFF(fmtMono16, wavtest.RawChunk("LIST", 0xFFFFFFFF, []byte("INFO"), false), wavtest.Chunk("data", pcm5)), ErrNoData, 66, 0},
		{"file cut inside fmt", base[:30], ErrNoFormat, 20, 0},
		{"file cut inside a chunk header", base[:40], ErrNoData, 36, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := parse(c.data, Options{})
			e := asError(t, err)
			if e.Kind != c.kind || e.Offset != c.offset || e.Tag != c.tag {
				t.Errorf("got kind %d at %d tag %#x (%v); want kind %d at %d tag %#x", e.Kind, e.Offset, e.Tag, e, c.kind, c.offset, c.tag)
			}
			if e.Msg == "" {
				t.Error("no message")
			}
			t.Log(e)
			// The error is the same in stream mode, whatever the size.
			_, err2 := Parse(bytes.NewReader(c.data), -1, Options{Stream: true})
			if e2 := asError(t, err2); c.kind != ErrNoData && e2.Kind != e.Kind {
				t.Errorf("stream mode: %v", e2)
			}
		})
	}
}

func TestParseErrorMessages(t *testing.T) {
	for _, c := range []struct {
		data []byte
		want string
	}{
		{wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.Cat(wavtest.FmtPCM(0x31, 1, 8000, 0, 65), wavtest.LE16(2), wavtest.LE16(320))), wavtest.Chunk("data", pcm5)), "compressed format GSM 6.10 (0x0031) cannot be mapped"},
		{wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 8000, 12, 5)), wavtest.Chunk("data", pcm5)), "block align 5 does not match 2 channels of 12 bits"},
		{wavtest.RIFX(wavtest.ChunkBE("fmt ", wavtest.FmtExtensibleBE(1, 8000, 16, 2, 16, 0, []byte("0123456789abcdef"))), wavtest.ChunkBE("data", pcm5)), "non-standard RIFX WAVE_FORMAT_EXTENSIBLE"},
	} {
		_, err := parse(c.data, Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want it to say %q", err, c.want)
		}
	}
}

// TestParseSlots24 checks the reading of 24 bits in 4-byte slots (see
// settleBlockAlign): left-justified samples and silence open, with the
// warning; right-justified ones (arecord's S24_LE) are refused, but in
// stream mode, which does not look at the samples.
func TestParseSlots24(t *testing.T) {
	file := func(data []byte) []byte {
		return wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 8000, 24, 8)), wavtest.Chunk("data", data))
	}
	for _, c := range []struct {
		name string
		data []byte
		ok   bool
	}{
		{"left-justified", []byte{0, 1, 2, 3, 0, 0xff, 0xfe, 0x80}, true},
		{"silence", make([]byte, 16), true},
		{"right-justified", []byte{1, 2, 3, 0, 0xff, 0xfe, 0x80, 0xff}, false},
		{"right-justified, top byte zero", []byte{1, 2, 3, 0, 0xff, 0xfe, 0x70, 0}, false},
		{"neither", []byte{1, 2, 3, 4, 5, 6, 7, 8}, true},
	} {
		h, err := parse(file(c.data), Options{})
		if c.ok {
			if err != nil || h.Fmt.BlockAlign != 8 || kinds(h.Warnings)[0] != WarnAmbiguousLayout {
				t.Errorf("%s: %v, %+v", c.name, err, h)
			}
			continue
		}
		e := asError(t, err)
		if e.Kind != ErrUnsupported || e.Offset != 32 || !strings.Contains(e.Msg, "right-justified") {
			t.Errorf("%s: %v, want ErrUnsupported at byte 32 saying right-justified", c.name, e)
		}
		if h, err := Parse(bytes.NewReader(file(c.data)), -1, Options{Stream: true}); err != nil || kinds(h.Warnings)[0] != WarnAmbiguousLayout {
			t.Errorf("%s in stream mode: %v, %v", c.name, h, err)
		}
	}
}

type failingReader struct{ after int64 }

var errBoom = errors.New("boom")

func (f failingReader) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) <= f.after {
		return copy(p, base[off:]), nil
	}
	return 0, errBoom
}

func TestParseIOError(t *testing.T) {
	_, err := Parse(failingReader{after: 0}, 1000, Options{})
	if e := asError(t, err); e.Kind != ErrIO || !errors.Is(err, errBoom) || e.Offset != 0 || e.Err != errBoom {
		t.Errorf("got %v", err)
	}
	_, err = Parse(failingReader{after: 12}, 1000, Options{Stream: true})
	if e := asError(t, err); e.Kind != ErrIO || !errors.Is(err, errBoom) || e.Offset != 12 {
		t.Errorf("got %v", err)
	}
	if _, err := Parse(bytes.NewReader(base), -1, Options{}); err == nil {
		t.Error("negative size accepted outside stream mode")
	}
}

// TestParseShortReader covers a reader that ends before the size it was
// given: the file is treated as truncated, never read past.
func TestParseShortReader(t *testing.T) {
	h, err := Parse(bytes.NewReader(base), 1000, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The read-ahead met the end of the reader at byte 54, which became
	// the end of the input.
	if h.DataOffset != 44 || h.DataSize != 10 || len(h.Warnings) != 0 {
		t.Errorf("data at %d, %d bytes, warnings %v", h.DataOffset, h.DataSize, h.Warnings)
	}
	// In stream mode nothing is read ahead: the declared size stands.
	h, err = Parse(bytes.NewReader(base), 1000, Options{Stream: true})
	if err != nil || h.DataSize != 10 {
		t.Errorf("stream: %v", err)
	}
	_, err = Parse(bytes.NewReader(base[:30]), 1000, Options{})
	if e := asError(t, err); e.Kind != ErrNoFormat {
		t.Errorf("got %v", err)
	}
}

// TestParseRF64 checks the ds64 resolution of sizes: the data size, the
// table for other chunks, and the sample count.
func TestParseRF64(t *testing.T) {
	ds := wavtest.Cat(wavtest.LE64(0), wavtest.LE64(10), wavtest.LE64(5), wavtest.LE32(1), []byte("bext"), wavtest.LE64(7))
	b := wavtest.Wave("RF64", 0xFFFFFFFF,
		wavtest.Chunk("ds64", ds), // 12, payload 20, 40 bytes
		fmtMono16,                 // 60
		wavtest.RawChunk("bext", 0xFFFFFFFF, make([]byte, 7), true), // 84, payload 92
		wavtest.RawChunk("data", 0xFFFFFFFF, pcm5, true),            // 100, payload 108
	)
	copy(b[20:], wavtest.LE64(uint64(len(b)-8)))
	h := mustParse(t, b, Options{})
	if h.Container != ContainerRF64 || h.DataOffset != 108 || h.DataSize != 10 || h.FactFrames != 5 || len(h.Warnings) != 0 {
		t.Fatalf("RF64: %+v", h)
	}
	if c := h.Chunks[2]; c.ID != (FourCC{'b', 'e', 'x', 't'}) || c.Declared != 7 || c.Size != 7 || c.Offset != 84 {
		t.Errorf("bext via the ds64 table: %+v", c)
	}
	// BW64 is the same layout.
	copy(b, "BW64")
	if h := mustParse(t, b, Options{}); h.Container != ContainerBW64 || h.DataSize != 10 {
		t.Errorf("BW64: %+v", h)
	}
	// A ds64 riff size off by 1000.
	copy(b[20:], wavtest.LE64(uint64(len(b)+1000)))
	h = mustParse(t, b, Options{})
	if k := kinds(h.Warnings); !reflect.DeepEqual(k, []WarningKind{WarnRIFFSize}) || h.Warnings[0].Offset != 20 {
		t.Errorf("ds64 riff size: %v", h.Warnings)
	}
	// A table claiming more entries than it holds.
	copy(b[20:], wavtest.LE64(uint64(len(b)-8)))
	copy(b[44:], wavtest.LE32(1000))
	h = mustParse(t, b, Options{})
	if k := kinds(h.Warnings); !reflect.DeepEqual(k, []WarningKind{WarnBadField}) || h.Warnings[0].Offset != 44 || h.Chunks[2].Declared != 7 {
		t.Errorf("ds64 table length: %v", h.Warnings)
	}
	// A short ds64: the data size is still there.
	short := wavtest.Wave("RF64", 0xFFFFFFFF, wavtest.Chunk("ds64", wavtest.Cat(wavtest.LE64(0), wavtest.LE64(10))), fmtMono16, wavtest.RawChunk("data", 0xFFFFFFFF, pcm5, true))
	h = mustParse(t, short, Options{})
	if h.DataSize != 10 || len(h.Warnings) != 2 || h.Warnings[0].Kind != WarnBadField || h.Warnings[1].Kind != WarnStreamingSize {
		t.Errorf("short ds64: %+v", h)
	}
}

// TestParseRF64Huge parses virtual RF64 files beyond 4 GiB.
func TestParseRF64Huge(t *testing.T) {
	const n = 5<<30 + 6 // 5 GiB of 16-bit mono frames
	head := wavtest.Wave("RF64", 0xFFFFFFFF, wavtest.Chunk("ds64", wavtest.Cat(wavtest.LE64(0), wavtest.LE64(n), wavtest.LE64(n/2), wavtest.LE32(0))), fmtMono16, wavtest.RawChunk("data", 0xFFFFFFFF, nil, false))
	total := int64(len(head)) + n
	copy(head[20:], wavtest.LE64(uint64(total-8)))
	tail := wavtest.Chunk("LIST", wavtest.Cat([]byte("INFO"), wavtest.Chunk("INAM", []byte("big\x00"))))
	r := &recorder{r: &sparse{size: total + int64(len(tail)), pieces: []piece{{0, head}, {total, tail}}}}
	h, err := Parse(r, total+int64(len(tail)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if h.DataSize != n || h.DataOffset != int64(len(head)) || h.FactFrames != n/2 || len(h.Tags) != 1 || h.Tags[0].Value != "big" {
		t.Errorf("%+v", h)
	}
	// The ds64 riff size does not count the LIST chunk after the data.
	if k := kinds(h.Warnings); !reflect.DeepEqual(k, []WarningKind{WarnRIFFSize}) {
		t.Errorf("warnings %v", h.Warnings)
	}
	if r.bytes > 64<<10 {
		t.Errorf("read %d bytes of a %d-byte file", r.bytes, total)
	}
}

func TestParseWave64(t *testing.T) {
	odd := [16]byte{'a', 'b', 'c', 'd', 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	b := wavtest.W64File(
		wavtest.W64Chunk(w64Fmt, wavtest.FmtEx(3, 2, 44100, 32, 8)), // 40: 24+18 -> 48 bytes
		wavtest.W64Chunk(w64Fact, wavtest.LE64(3)),                  // 88
		wavtest.W64Chunk(odd, []byte{1, 2, 3}),                      // 120: 27 -> 32
		wavtest.W64Chunk(w64Data, make([]byte, 24)),                 // 152, payload 176
		wavtest.W64Chunk(w64List, []byte("INFO")),                   // 200
	)
	h := mustParse(t, b, Options{})
	want := []Chunk{
		{IDFmt, 40, 64, 18, 18},
		{IDFact, 88, 112, 8, 8},
		{FourCC{'a', 'b', 'c', 'd'}, 120, 144, 3, 3},
		{IDData, 152, 176, 24, 24},
		{IDLIST, 200, 224, 4, 4},
	}
	if h.Container != ContainerWave64 || !reflect.DeepEqual(h.Chunks, want) || h.DataOffset != 176 || h.DataSize != 24 ||
		h.FactFrames != 3 || h.Fmt.SubFormat != TagFloat || h.FmtOffset != 64 || len(h.Warnings) != 0 {
		t.Errorf("got %+v", h)
	}
	// Known GUIDs are named.
	for g, id := range map[[16]byte]string{w64Junk: "JUNK", w64Summary: "SUML", w64Marker: "MARK", w64GUID("levl", w64Suffix): "levl",
		w64GUID("bext", w64Suffix): "bext"} {
		if got := w64ChunkID(g); string(got[:]) != id {
			t.Errorf("%s named %s", guidString(g), got)
		}
	}
	if s := guidString(w64RIFF); s != "66666972-912E-11CF-A5D6-28DB04C10000" {
		t.Errorf("riff GUID %s", s)
	}
	if s := guidString(w64WAVE); s != "65766177-ACF3-11D3-8CD1-00C04F8EDB8A" {
		t.Errorf("wave GUID %s", s)
	}
	// Wrong riff size; data past the end; a size smaller than a header.
	bad := bytes.Clone(b)
	copy(bad[16:], wavtest.LE64(1000))
	if h := mustParse(t, bad, Options{}); !reflect.DeepEqual(kinds(h.Warnings), []WarningKind{WarnRIFFSize}) || h.Warnings[0].Offset != 16 {
		t.Errorf("riff size: %v", h.Warnings)
	}
	bad = bytes.Clone(b)
	copy(bad[168:], wavtest.LE64(1000))
	if h := mustParse(t, bad, Options{}); !reflect.DeepEqual(kinds(h.Warnings), []WarningKind{WarnDataSize}) || h.DataSize != int64(len(b)-176) {
		t.Errorf("data size: %v %d", h.Warnings, h.DataSize)
	}
	bad = bytes.Clone(b)
	copy(bad[168:], wavtest.LE64(1<<64-1))
	if h := mustParse(t, bad, Options{}); !reflect.DeepEqual(kinds(h.Warnings), []WarningKind{WarnStreamingSize}) {
		t.Errorf("data size placeholder: %v", h.Warnings)
	}
	if h, err := parse(wavtest.W64File(wavtest.W64Chunk(w64Fmt, wavtest.FmtPCM(0x31, 1, 8000, 0, 65)), wavtest.W64Chunk(w64Data, nil)), Options{}); err == nil || asError(t, err).Tag != 0x31 || asError(t, err).Offset != 64 {
		t.Errorf("GSM in Wave64: %v %v", h, err)
	}
}

// TestParseStream checks stream mode: no read beyond the data chunk
// header, unknown sizes reported as -1.
func TestParseStream(t *testing.T) {
	for _, c := range []struct {
		name     string
		data     []byte
		size     int64
		dataSize int64
		kinds    []WarningKind
	}{
		{"plain, size unknown", base, -1, 10, nil},
		{"plain, size known", base, int64(len(base)), 10, nil},
		{"data 0xFFFFFFFF", wavtest.Wave("RIFF", 0xFFFFFFFF, fmtMono16, wavtest.RawChunk("data", 0xFFFFFFFF, pcm5, true)), -1, -1, []WarningKind{WarnStreamingSize}},
		{"data 0 and RIFF placeholder", wavtest.Wave("RIFF", 0, fmtMono16, wavtest.RawChunk("data", 0, pcm5, true)), -1, -1, []WarningKind{WarnStreamingSize}},
		{"data 0 with audio in the RIFF", wavtest.RIFF(fmtMono16, wavtest.RawChunk("data", 0, pcm5, true)), -1, -1, []WarningKind{WarnStreamingSize}},
		{"empty data", wavtest.RIFF(fmtMono16, wavtest.RawChunk("data", 0, nil, false)), -1, 0, nil},
		{"data cut, size known", wavtest.RIFF(fmtMono16, wavtest.RawChunk("data", 1000, pcm5, true)), 54, 10, []WarningKind{WarnDataSize}},
		{"ragged", wavtest.RIFF(fmtMono16, wavtest.Chunk("data", wavtest.Cat(pcm5, []byte{1}))), -1, 10, []WarningKind{WarnRaggedTail}},
		{"INFO before data", wavtest.RIFF(fmtMono16, wavtest.Chunk("LIST", wavtest.Cat([]byte("INFO"), wavtest.Chunk("INAM", []byte("x")))), wavtest.Chunk("data", pcm5)), -1, 10, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &recorder{r: bytes.NewReader(c.data)}
			h, err := Parse(r, c.size, Options{Stream: true})
			if err != nil {
				t.Fatal(err)
			}
			if h.DataSize != c.dataSize || !reflect.DeepEqual(kinds(h.Warnings), c.kinds) {
				t.Errorf("data size %d, warnings %v; want %d, %v", h.DataSize, h.Warnings, c.dataSize, c.kinds)
			}
			if r.max > h.DataOffset {
				t.Errorf("read up to byte %d, past the data chunk header (data at %d)", r.max, h.DataOffset)
			}
			if c.size < 0 && r.max < h.DataOffset {
				t.Errorf("read up to %d only", r.max)
			}
		})
	}
}

// TestParseHostile feeds sizes and counts chosen to make a careless parser
// allocate, loop or overflow.
func TestParseHostile(t *testing.T) {
	const huge = 1 << 62
	for _, c := range []struct {
		name string
		r    io.ReaderAt
		size int64
		ok   bool
	}{
		{"huge LIST before data", &sparse{size: huge, pieces: []piece{{0, wavtest.RIFF(fmtMono16, wavtest.RawChunk("LIST", 0xFFFFFFF0, []byte("INFO"), false))}}}, huge, false},
		{"huge LIST, big file", &sparse{size: huge, pieces: []piece{{0, wavtest.RIFF(fmtMono16, wavtest.Chunk("data", pcm5), wavtest.RawChunk("LIST", 0xFFFFFFF0, []byte("INFO"), false))}}}, huge, true},
		{"Wave64 sizes near 2^63", &sparse{size: huge, pieces: []piece{{0, wavtest.W64File(wavtest.W64Chunk(w64Fmt, wavtest.FmtPCM(1, 1, 8000, 16, 2)),
			wavtest.Cat(w64Junk[:], wavtest.LE64(1<<63-8)))}}}, huge, false},
		{"Wave64 data near 2^64", &sparse{size: huge, pieces: []piece{{0, wavtest.W64File(wavtest.W64Chunk(w64Fmt, wavtest.FmtPCM(1, 1, 8000, 16, 2)),
			wavtest.Cat(w64Data[:], wavtest.LE64(1<<64-100)))}}}, huge, true},
		{"RF64 ds64 sizes near 2^64", &sparse{size: huge, pieces: []piece{{0, wavtest.Wave("RF64", 0xFFFFFFFF, wavtest.Chunk("ds64", wavtest.Cat(wavtest.LE64(1<<64-9), wavtest.LE64(1<<63+5), wavtest.LE64(1<<63), wavtest.LE32(1<<31))),
			fmtMono16, wavtest.RawChunk("data", 0xFFFFFFFF, nil, false))}}}, huge, true},
		{"zero-filled", &sparse{size: huge}, huge, false},
		{"INFO of 3 GiB", &sparse{size: 4 << 30, pieces: []piece{{0, wavtest.RIFF(fmtMono16, wavtest.Chunk("data", pcm5), wavtest.RawChunk("LIST", 3<<30, []byte("INFOINAM\xff\xff\xff\x7f"), false))}}}, 4 << 30, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &recorder{r: c.r}
			h, err := Parse(r, c.size, Options{})
			if (err == nil) != c.ok {
				t.Fatalf("err %v", err)
			}
			if r.bytes > 2<<20 {
				t.Errorf("read %d bytes", r.bytes)
			}
			if err == nil {
				if h.DataOffset+h.DataSize > c.size || h.DataSize < 0 {
					t.Errorf("data at %d, %d bytes", h.DataOffset, h.DataSize)
				}
				for _, ch := range h.Chunks {
					if ch.DataOffset+ch.Size > c.size || ch.Size < 0 {
						t.Errorf("chunk %+v", ch)
					}
				}
			} else {
				t.Log(err)
			}
			// Stream mode on the same reader, size unknown.
			if _, err := Parse(&recorder{r: c.r}, -1, Options{Stream: true}); err != nil {
				t.Log("stream:", err)
			}
		})
	}
}

func TestStrings(t *testing.T) {
	if s := (FourCC{'f', 'm', 't', ' '}).String(); s != "fmt " {
		t.Error(s)
	}
	if s := (FourCC{0, 'a', 1, 'b'}).String(); s != `"\x00a\x01b"` {
		t.Error(s)
	}
	for k := WarnRIFFSize; k <= WarnAmbiguousLayout; k++ {
		if strings.HasPrefix(k.String(), "WarningKind") {
			t.Errorf("kind %d has no name", k)
		}
	}
	// The names are part of check's output and --json: stable.
	if WarnBlockAlign.String() != "block-align" || WarnAmbiguousLayout.String() != "ambiguous-layout" {
		t.Errorf("names %q, %q", WarnBlockAlign, WarnAmbiguousLayout)
	}
	if CodecName(0x0031) != "GSM 6.10" || CodecName(0x4242) != "unknown codec" {
		t.Error("codec names")
	}
}

// TestParseWave64ShortSizes covers Wave64 chunk sizes below the 24-byte
// header they count, which leave the next chunk nowhere: read as payload
// sizes when a chunk follows where the payload would end, else an error
// (before the data chunk) or a warning (after it) naming the chunk, its
// offset and its size.
func TestParseWave64ShortSizes(t *testing.T) {
	fmtChunk := wavtest.W64Chunk(w64Fmt, wavtest.FmtPCM(1, 1, 8000, 16, 2)) // 40, 40 bytes; size field at 56
	data := wavtest.W64Chunk(w64Data, wavtest.S16(1, -2, 3, -4))            // 80, payload 104
	list := wavtest.W64Chunk(w64List, []byte("INFO"))                       // 112; size field at 128
	withSize := func(chunk []byte, size uint64) []byte {
		b := bytes.Clone(chunk)
		copy(b[16:], wavtest.LE64(size))
		return b
	}
	for _, c := range []struct {
		name   string
		file   []byte
		kind   ErrorKind // 0: parses
		warn   WarningKind
		offset int64 // of the error or the warning
		size   uint64
	}{
		{"fmt size without its header", wavtest.W64File(withSize(fmtChunk, 16), data, list), 0, WarnBadField, 56, 16},
		{"fmt size 0", wavtest.W64File(withSize(fmtChunk, 0), data, list), ErrInvalid, 0, 56, 0},
		{"fmt size 23", wavtest.W64File(withSize(fmtChunk, 23), data, list), ErrInvalid, 0, 56, 23},
		{"LIST size without its header, last", wavtest.W64File(fmtChunk, data, withSize(list, 4)), 0, WarnBadField, 128, 4},
		{"LIST size 0 after the data", wavtest.W64File(fmtChunk, data, withSize(list, 0), wavtest.W64Chunk(w64Junk, nil)), 0, WarnTrailingBytes, 128, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, err := parse(c.file, Options{})
			if c.kind != 0 {
				e := asError(t, err)
				if e.Kind != c.kind || e.Offset != c.offset || !strings.Contains(e.Msg, fmt.Sprintf("declares size %d,", c.size)) {
					t.Errorf("got %v; want kind %d at byte %d naming size %d", e, c.kind, c.offset, c.size)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(h.Warnings) != 1 || h.Warnings[0].Kind != c.warn || h.Warnings[0].Offset != c.offset ||
				!strings.Contains(h.Warnings[0].Msg, fmt.Sprintf("declares size %d,", c.size)) {
				t.Errorf("warnings %v; want one %v at byte %d naming size %d", h.Warnings, c.warn, c.offset, c.size)
			}
			if h.DataOffset != 104 || h.DataSize != 8 || h.Fmt.BlockAlign != 2 {
				t.Errorf("data at %d, %d bytes, fmt %+v", h.DataOffset, h.DataSize, h.Fmt)
			}
		})
	}
}
