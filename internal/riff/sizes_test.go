package riff

import (
	"encoding/binary"
	"errors"
	"reflect"
	"testing"
)

// Field values for the table below.
func f32(k FieldKind, name string, off int64, v uint64) Field {
	return Field{Kind: k, Name: name, Offset: off, Width: 4, Value: v, Actual: v}
}

func f64(k FieldKind, name string, off int64, v uint64) Field {
	return Field{Kind: k, Name: name, Offset: off, Width: 8, Value: v, Actual: v}
}

// deferred is a 32-bit RF64 size: 0xFFFFFFFF, the size being in ds64.
func deferred(k FieldKind, name string, off int64, actual uint64) Field {
	return Field{Kind: k, Name: name, Offset: off, Width: 4, Value: 0xFFFFFFFF, Deferred: true, Actual: actual}
}

// id is the value of a four-character id read as a little-endian field.
func id(s string) uint64 { return uint64(binary.LittleEndian.Uint32([]byte(s))) }

// chunkAt is a chunk with an 8-byte header (24 in Wave64) at off.
func chunkAt(name string, off, size int64, w64 bool) Chunk {
	h := int64(8)
	if w64 {
		h = 24
	}
	return Chunk{ID: FourCC([]byte(name)), Offset: off, DataOffset: off + h, Declared: size, Size: size}
}

// TestSizesFields checks the size fields against values worked out by
// hand from the specs, for chunk lists laid out by hand (not by Encode):
//
//   - RIFF: the size at byte 4 is the file length - 8, the pad byte of an
//     odd data chunk included; the data size (at the data header + 4)
//     counts the audio only; fact holds the frames in 32 bits.
//   - RF64/BW64 (EBU Tech 3306): the 32-bit sizes are 0xFFFFFFFF; ds64's
//     payload holds the RIFF size at +0, the data size at +8, the sample
//     count at +16 and the table length at +24. A RIFF file past 4 GiB
//     turns its JUNK chunk at byte 12 into that ds64 chunk.
//   - Wave64: the size at byte 16 is the file length; the data size (at
//     the data header + 16) counts its 24-byte header; chunks are 8-byte
//     aligned; fact holds the frames in 64 bits.
func TestSizesFields(t *testing.T) {
	const gib5 = 5 << 30 // 5368709120
	// RIFF: fmt (16) at 12, data at 36, audio from 44.
	plain := []Chunk{chunkAt("fmt ", 12, 16, false), chunkAt("data", 36, 0, false)}
	// RIFF: JUNK (28) at 12, fmt (18) at 48, fact (4) at 74, data at 86,
	// audio from 94.
	junked := []Chunk{chunkAt("JUNK", 12, 28, false), chunkAt("fmt ", 48, 18, false), chunkAt("fact", 74, 4, false), chunkAt("data", 86, 0, false)}
	// RF64/BW64: the same with ds64 in place of JUNK.
	withDS64 := append([]Chunk{chunkAt("ds64", 12, 28, false)}, junked[1:]...)
	// BW64 PCM: ds64 at 12, fmt (16) at 48, data at 72, audio from 80.
	ds64PCM := []Chunk{chunkAt("ds64", 12, 28, false), chunkAt("fmt ", 48, 16, false), chunkAt("data", 72, 0, false)}
	// Wave64: riff header of 40, fmt chunk of 24+16 at 40, fact of 24+8
	// at 80, data at 112, audio from 136.
	w64 := []Chunk{chunkAt("fmt ", 40, 16, true), chunkAt("fact", 80, 8, true), chunkAt("data", 112, 0, true)}

	for _, c := range []struct {
		name       string
		container  Container
		chunks     []Chunk
		dataOffset int64
		blockAlign int
		data       int64
		wantEnd    int64
		wantC      Container
		want       []Field
		wantErr    error
	}{
		{"RIFF u8, odd data", ContainerRIFF, plain, 44, 1, 1001,
			44 + 1001 + 1, ContainerRIFF, []Field{
				f32(FieldData, "data size", 40, 1001),
				f32(FieldContainer, "RIFF size", 4, 1046-8),
			}, nil},
		{"RIFF float stereo with fact", ContainerRIFF, junked, 94, 8, 800,
			894, ContainerRIFF, []Field{
				f32(FieldData, "data size", 90, 800),
				f32(FieldFrames, "fact sample count", 82, 100),
				f32(FieldContainer, "RIFF size", 4, 886),
			}, nil},
		{"RIFF size 0xFFFFFFFE: still RIFF", ContainerRIFF, plain, 44, 2, 0xFFFFFFFE - 36,
			0xFFFFFFFE + 8, ContainerRIFF, []Field{
				f32(FieldData, "data size", 40, 0xFFFFFFFE-36),
				f32(FieldContainer, "RIFF size", 4, 0xFFFFFFFE),
			}, nil},
		{"RIFF size 2^32 without JUNK", ContainerRIFF, plain, 44, 2, 0xFFFFFFFE - 36 + 2,
			1<<32 + 8, ContainerRIFF, nil, ErrNeedDS64},
		{"RIFF streaming with fact", ContainerRIFF, junked, 94, 8, -1,
			-1, ContainerRIFF, []Field{
				f32(FieldData, "data size", 90, 0xFFFFFFFF),
				f32(FieldFrames, "fact sample count", 82, 0),
				f32(FieldContainer, "RIFF size", 4, 0xFFFFFFFF),
			}, nil},
		{"RIFF past 4 GiB becomes RF64", ContainerRIFF, junked, 94, 8, gib5,
			94 + gib5, ContainerRF64, []Field{
				deferred(FieldData, "data size (32-bit)", 90, gib5),
				f64(FieldData, "ds64 data size", 28, gib5),
				f64(FieldFrames, "ds64 sample count", 36, gib5/8),
				f32(FieldFrames, "fact sample count", 82, gib5/8),
				deferred(FieldContainer, "RIFF size (32-bit)", 4, 94+gib5-8),
				f64(FieldContainer, "ds64 RIFF size", 20, 94+gib5-8),
				f32(FieldUpgrade, "container id", 0, id("RF64")),
				f32(FieldUpgrade, "ds64 chunk id", 12, id("ds64")),
				f32(FieldUpgrade, "ds64 table length", 44, 0),
			}, nil},
		{"RF64 u8, odd data, frames past 32 bits", ContainerRF64, withDS64, 94, 1, gib5 + 1,
			94 + gib5 + 1 + 1, ContainerRF64, []Field{
				deferred(FieldData, "data size (32-bit)", 90, gib5+1),
				f64(FieldData, "ds64 data size", 28, gib5+1),
				f64(FieldFrames, "ds64 sample count", 36, gib5+1),
				f32(FieldFrames, "fact sample count", 82, 0xFFFFFFFF),
				deferred(FieldContainer, "RIFF size (32-bit)", 4, 94+gib5+2-8),
				f64(FieldContainer, "ds64 RIFF size", 20, 94+gib5+2-8),
			}, nil},
		{"RF64 small", ContainerRF64, withDS64, 94, 2, 20,
			114, ContainerRF64, []Field{
				deferred(FieldData, "data size (32-bit)", 90, 20),
				f64(FieldData, "ds64 data size", 28, 20),
				f64(FieldFrames, "ds64 sample count", 36, 10),
				f32(FieldFrames, "fact sample count", 82, 10),
				deferred(FieldContainer, "RIFF size (32-bit)", 4, 106),
				f64(FieldContainer, "ds64 RIFF size", 20, 106),
			}, nil},
		{"BW64 streaming", ContainerBW64, ds64PCM, 80, 4, -1,
			-1, ContainerBW64, []Field{
				deferred(FieldData, "data size (32-bit)", 76, 0xFFFFFFFF),
				f64(FieldData, "ds64 data size", 28, 1<<60-1),
				f64(FieldFrames, "ds64 sample count", 36, 0),
				deferred(FieldContainer, "RIFF size (32-bit)", 4, 0xFFFFFFFF),
				f64(FieldContainer, "ds64 RIFF size", 20, 1<<60-1),
			}, nil},
		{"RF64 without ds64", ContainerRF64, plain, 44, 2, 20,
			64, ContainerRF64, nil, ErrNeedDS64},
		{"Wave64 u8, odd data", ContainerWave64, w64, 136, 1, 7,
			143, ContainerWave64, []Field{
				f64(FieldData, "data size (with its 24-byte header)", 128, 24+7),
				f64(FieldFrames, "fact sample count", 104, 7),
				f64(FieldContainer, "Wave64 file size", 16, 143),
			}, nil},
		{"Wave64 past 4 GiB", ContainerWave64, w64, 136, 4, gib5,
			136 + gib5, ContainerWave64, []Field{
				f64(FieldData, "data size (with its 24-byte header)", 128, 24+gib5),
				f64(FieldFrames, "fact sample count", 104, gib5/4),
				f64(FieldContainer, "Wave64 file size", 16, 136+gib5),
			}, nil},
		{"Wave64 streaming", ContainerWave64, w64, 136, 1, -1,
			-1, ContainerWave64, []Field{
				f64(FieldData, "data size (with its 24-byte header)", 128, 1<<60-1),
				f64(FieldFrames, "fact sample count", 104, 0),
				f64(FieldContainer, "Wave64 file size", 16, 1<<60-1),
			}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			chunks := append([]Chunk(nil), c.chunks...)
			chunks[len(chunks)-1].Size = c.data
			s := NewSizes(c.container, chunks, c.dataOffset, c.blockAlign)
			if end := s.End(c.data); end != c.wantEnd {
				t.Errorf("End(%d) = %d, want %d", c.data, end, c.wantEnd)
			}
			got, fields, err := s.Fields(c.data, c.wantEnd)
			if c.wantErr != nil {
				if !errors.Is(err, c.wantErr) {
					t.Errorf("Fields: %v, want %v", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != c.wantC {
				t.Errorf("container %v, want %v", got, c.wantC)
			}
			if !reflect.DeepEqual(fields, c.want) {
				t.Errorf("fields:")
				for _, f := range fields {
					t.Errorf("  got  %+v", f)
				}
				for _, f := range c.want {
					t.Errorf("  want %+v", f)
				}
			}
		})
	}
}

// TestNewSizes checks which chunks NewSizes takes for the fields.
func TestNewSizes(t *testing.T) {
	// A short ds64 chunk, a JUNK chunk not at byte 12, a short fact chunk
	// followed by a whole one (only the first counts, as in Parse).
	s := NewSizes(ContainerRF64, []Chunk{
		chunkAt("ds64", 12, 24, false), chunkAt("fmt ", 44, 16, false), chunkAt("JUNK", 68, 28, false),
		chunkAt("fact", 104, 2, false), chunkAt("fact", 114, 4, false), chunkAt("data", 126, 10, false),
		chunkAt("LIST", 144, 5, false),
	}, 134, 2)
	if s.DS64 != -1 || s.Junk != -1 || s.Fact != -1 || s.Data.Offset != 126 || s.Last.Offset != 144 || s.BlockAlign != 2 {
		t.Errorf("%+v", s)
	}
	// A ds64-sized JUNK chunk at byte 12; a fact chunk of 4 bytes is too
	// short in Wave64, whose count has 8.
	s = NewSizes(ContainerRIFF, []Chunk{chunkAt("JUNK", 12, 28, false), chunkAt("data", 48, 0, false)}, 56, 1)
	if s.Junk != 20 || s.DS64 != -1 {
		t.Errorf("%+v", s)
	}
	s = NewSizes(ContainerWave64, []Chunk{chunkAt("fact", 40, 4, true), chunkAt("data", 72, 0, true)}, 96, 1)
	if s.Fact != -1 {
		t.Errorf("Wave64 fact of 4 bytes taken: %+v", s)
	}
	// No data chunk at the data offset.
	s = NewSizes(ContainerRIFF, []Chunk{chunkAt("data", 12, 0, false)}, 99, 1)
	if s.Data.Offset != -1 {
		t.Errorf("data chunk found at the wrong offset: %+v", s)
	}
}

// TestChunksEnd checks where the chunks end, with and without the last
// one's padding.
func TestChunksEnd(t *testing.T) {
	for _, c := range []struct {
		name        string
		container   Container
		last        Chunk
		size        int64
		raw, padded int64
	}{
		{"RIFF even", ContainerRIFF, chunkAt("data", 36, 10, false), 54, 54, 54},
		{"RIFF odd with its pad byte", ContainerRIFF, chunkAt("data", 36, 11, false), 56, 55, 56},
		{"RIFF odd without its pad byte", ContainerRIFF, chunkAt("data", 36, 11, false), 55, 55, 55},
		{"Wave64 aligned", ContainerWave64, chunkAt("data", 112, 8, true), 144, 144, 144},
		{"Wave64 padded to 8", ContainerWave64, chunkAt("data", 112, 7, true), 144, 143, 144},
		{"Wave64 short of 8", ContainerWave64, chunkAt("data", 112, 5, true), 142, 141, 142},
	} {
		s := NewSizes(c.container, []Chunk{c.last}, c.last.DataOffset, 1)
		if raw, padded := s.ChunksEnd(c.size); raw != c.raw || padded != c.padded {
			t.Errorf("%s: ChunksEnd(%d) = %d, %d; want %d, %d", c.name, c.size, raw, padded, c.raw, c.padded)
		}
	}
}

// TestFieldPut checks the little-endian encoding of a field.
func TestFieldPut(t *testing.T) {
	b := make([]byte, 10)
	f32(FieldData, "", 0, 0x01020304).Put(b[1:])
	f64(FieldData, "", 0, 0x05060708090A0B0C).Put(b[2:])
	want := []byte{0, 4, 0x0C, 0x0B, 0x0A, 9, 8, 7, 6, 5}
	if !reflect.DeepEqual(b, want) {
		t.Errorf("% x, want % x", b, want)
	}
}
