package riff

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The fields of a WAVE header that depend on how much audio the file
// holds, where they are and what they must say. Encode, Resize and Repair
// all take them from here.
//
// RIFF (IBM/Microsoft, Multimedia Programming Interface and Data
// Specifications 1.0, 1991): the size at byte 4 counts every byte after
// it, the pad byte of an odd last chunk included: the file length minus 8.
// A chunk's size counts its payload, not the pad byte that follows an odd
// one. The fact chunk holds the frame count in 32 bits.
//
// RF64 and BW64 (EBU Tech 3306, ITU-R BS.2088): the 32-bit RIFF and data
// sizes hold 0xFFFFFFFF, and the ds64 chunk, the first after the header,
// holds them in 64 bits: the RIFF size at payload byte 0, the data size at
// 8, the sample count (frames) at 16, then a 32-bit table length at 24. A
// RIFF file reserves the room with a JUNK chunk of the same 28-byte
// payload at byte 12, which becomes the ds64 chunk when the file outgrows
// 32 bits (the switch EBU Tech 3306 describes for BWF compatibility).
//
// RIFX: RIFF with every field big-endian. It has no ds64 chunk, so its
// sizes cannot pass 4 GiB: Fields refuses them with ErrTooBig.
//
// Sony Wave64: 64-bit sizes that count the 24-byte chunk header (GUID and
// size); the one at byte 16 is the length of the whole file. Chunks start
// at multiples of 8. The fact count is 64 bits.

// ErrNeedDS64 is wrapped by the error of Sizes.Fields when the sizes need
// a ds64 chunk that the header lacks: an RF64 or BW64 header without a
// complete one, or a RIFF header past 4 GiB without a JUNK chunk at byte 12
// to turn into one.
var ErrNeedDS64 = errors.New("riff: the sizes need a ds64 chunk")

// Sizes says where the size fields of a header are. Make it with NewSizes;
// Fields says what the fields hold for an amount of audio.
type Sizes struct {
	Container  Container // the container the header has now
	BlockAlign int       // bytes per frame: frame counts are data bytes / BlockAlign
	Data       Chunk     // the data chunk; Offset -1 if there is none
	Last       Chunk     // the last chunk of the file; Offset -1 if there is none
	DS64       int64     // payload offset of the first ds64 chunk, if it holds the 28 bytes of fixed fields; else -1
	Junk       int64     // payload offset of a JUNK chunk of 28 bytes or more at byte 12 (room for a ds64 chunk); else -1
	Fact       int64     // payload offset of the first fact chunk, if it holds a whole count (4 bytes, 8 in Wave64); else -1
}

// NewSizes finds the size fields among chunks, the chunk list of a header
// in container c whose audio starts at dataOffset, blockAlign bytes a
// frame (as Parse returns them in Header).
func NewSizes(c Container, chunks []Chunk, dataOffset int64, blockAlign int) Sizes {
	none := Chunk{Offset: -1, DataOffset: -1, Declared: -1, Size: -1}
	s := Sizes{Container: c, BlockAlign: blockAlign, Data: none, Last: none, DS64: -1, Junk: -1, Fact: -1}
	countSize := int64(4)
	if c == ContainerWave64 {
		countSize = 8
	}
	ds64, fact := false, false
	for _, ch := range chunks {
		switch {
		case ch.ID == IDData && ch.DataOffset == dataOffset:
			s.Data = ch
		case ch.ID == IDDS64 && !ds64:
			ds64 = true
			if ch.Size >= ds64MinSize {
				s.DS64 = ch.DataOffset
			}
		case ch.ID == IDJUNK && ch.Offset == 12 && ch.Size >= ds64MinSize:
			s.Junk = ch.DataOffset
		case ch.ID == IDFact && !fact:
			fact = true
			if ch.Size >= countSize {
				s.Fact = ch.DataOffset
			}
		}
	}
	if len(chunks) > 0 {
		s.Last = chunks[len(chunks)-1]
	}
	return s
}

// End returns the length of the file when its data chunk, the last chunk,
// holds n bytes: in RIFF, RF64 and BW64 an odd chunk is followed by a pad
// byte; a Wave64 file ends right after its data (libsndfile and ffmpeg
// take any byte after it for audio). It returns -1 for n < 0 (unknown).
func (s Sizes) End(n int64) int64 {
	if n < 0 {
		return -1
	}
	end := s.Data.DataOffset + n
	if s.Container != ContainerWave64 {
		end += n & 1
	}
	return end
}

// ChunksEnd returns where the chunks of a file of size bytes end: raw
// right after the payload of the last chunk, padded after its pad byte
// (RIFF, RF64, BW64: when the chunk is odd) or at the next multiple of 8
// (Wave64), as far as the file holds those bytes.
func (s Sizes) ChunksEnd(size int64) (raw, padded int64) {
	raw = s.Last.DataOffset + s.Last.Size
	padded = raw
	switch {
	case s.Container == ContainerWave64:
		padded = min(align8(raw), size)
	case s.Last.Size%2 == 1 && raw < size:
		padded = raw + 1
	}
	return raw, padded
}

// FieldKind says what a Field counts.
type FieldKind uint8

// Field kinds.
const (
	FieldData      FieldKind = iota + 1 // the audio bytes: the data chunk's size, the ds64 data size
	FieldFrames                         // the frames: the ds64 sample count, the fact count
	FieldContainer                      // the file: the RIFF size, the ds64 RIFF size, the Wave64 file size
	FieldUpgrade                        // written only when a RIFF header becomes RF64: the ids and the ds64 table length
)

// Field is one header field: Width bytes at Offset, little-endian but in
// RIFX (BigEndian).
type Field struct {
	Kind   FieldKind
	Name   string // "RIFF size", "ds64 data size", "fact sample count" ...
	Offset int64
	Width  int // 4 or 8
	Value  uint64
	// Deferred is set on the 32-bit RIFF and data sizes of RF64 and BW64,
	// which hold 0xFFFFFFFF and leave the size to ds64; Actual is then
	// the size itself, which some writers store there when it fits. For
	// the other fields Actual is Value.
	Deferred bool
	Actual   uint64
	// BigEndian is set for the fields of a RIFX header.
	BigEndian bool
}

// Put stores the field's value in b[:f.Width], in its byte order.
func (f Field) Put(b []byte) { PutField(b, f.Width, f.BigEndian, f.Value) }

// Get returns the value stored in b[:f.Width], in the field's byte order.
func (f Field) Get(b []byte) uint64 { return GetField(b, f.Width, f.BigEndian) }

// PutField stores v in b[:width] (4 or 8 bytes), big-endian or not.
func PutField(b []byte, width int, bigEndian bool, v uint64) {
	var o binary.ByteOrder = binary.LittleEndian
	if bigEndian {
		o = binary.BigEndian
	}
	switch width {
	case 0:
	case 1:
		b[0] = byte(v)
	case 2:
		o.PutUint16(b, uint16(v))
	case 4:
		o.PutUint32(b, uint32(v))
	default:
		o.PutUint64(b, v)
	}
}

// GetField returns the value stored in b[:width] (4 or 8 bytes),
// big-endian or not.
func GetField(b []byte, width int, bigEndian bool) uint64 {
	var o binary.ByteOrder = binary.LittleEndian
	if bigEndian {
		o = binary.BigEndian
	}
	if width == 4 {
		return uint64(o.Uint32(b))
	}
	return o.Uint64(b)
}

// Fields returns the fields that describe data bytes of audio (-1:
// unknown, as when streaming) in a file whose chunks end at byte end
// (s.End(data) when the data chunk is last; ignored when data is
// unknown), and the container the header then has: a RIFF header whose
// sizes do not fit 32 bits becomes RF64, its JUNK chunk at byte 12 the
// ds64 chunk. Nothing else changes container: a RIFX header whose sizes
// do not fit 32 bits is an error wrapping ErrTooBig.
//
// The fields come in the order a repair writes them: the data sizes, the
// frame counts, the container sizes, then the ids of an upgrade.
//
// Unknown sizes are 0xFFFFFFFF in 32 bits and placeholder64 (2^60-1) in
// 64; unknown frame counts are 0. A 32-bit fact count above 2^32-2 is
// 0xFFFFFFFF, the count being in ds64.
func (s Sizes) Fields(data, end int64) (Container, []Field, error) {
	var fs []Field
	add := func(kind FieldKind, name string, off int64, width int, v uint64) {
		fs = append(fs, Field{Kind: kind, Name: name, Offset: off, Width: width, Value: v, Actual: v})
	}
	deferred := func(kind FieldKind, name string, off int64, size int64) {
		actual := uint64(0xFFFFFFFF) // unknown
		if size >= 0 {
			actual = uint64(size)
		}
		fs = append(fs, Field{Kind: kind, Name: name, Offset: off, Width: 4, Value: 0xFFFFFFFF, Deferred: true, Actual: actual})
	}
	frames := int64(-1)
	if data >= 0 {
		frames = data / int64(s.BlockAlign)
	}
	count := uint64(max(frames, 0))
	c := s.Container
	if c == ContainerWave64 {
		size, total := uint64(placeholder64), uint64(placeholder64)
		if data >= 0 {
			size, total = uint64(w64Header+data), uint64(end)
		}
		add(FieldData, "data size (with its 24-byte header)", s.Data.Offset+16, 8, size)
		if s.Fact >= 0 {
			add(FieldFrames, "fact sample count", s.Fact, 8, count)
		}
		add(FieldContainer, "Wave64 file size", 16, 8, total)
		return c, fs, nil
	}
	riffSize := int64(-1)
	if data >= 0 {
		riffSize = end - 8
	}
	fact32 := func() {
		if s.Fact >= 0 {
			v := uint64(size32(frames))
			if frames < 0 {
				v = 0 // unknown: ffmpeg ignores a zero count
			}
			add(FieldFrames, "fact sample count", s.Fact, 4, v)
		}
	}
	ds64 := s.DS64
	upgrade := c == ContainerRIFF && data >= 0 && (riffSize >= 0xFFFFFFFF || data >= 0xFFFFFFFF)
	if c == ContainerRIFX {
		if data >= 0 && (riffSize >= 0xFFFFFFFF || data >= 0xFFFFFFFF) {
			return c, nil, fmt.Errorf("%w: %d bytes of audio, a file of %d: a RIFX file has 32-bit sizes and no 64-bit variant", ErrTooBig, data, end)
		}
		add(FieldData, "data size", s.Data.Offset+4, 4, uint64(size32(data)))
		fact32()
		add(FieldContainer, "RIFX size", 4, 4, uint64(size32(riffSize)))
		for i := range fs {
			fs[i].BigEndian = true
		}
		return c, fs, nil
	}
	switch {
	case upgrade && s.Junk < 0:
		return c, nil, fmt.Errorf("%w: %d bytes of audio in a RIFF header without a JUNK chunk at byte 12", ErrNeedDS64, data)
	case upgrade:
		c, ds64 = ContainerRF64, s.Junk
	case c == ContainerRIFF:
		add(FieldData, "data size", s.Data.Offset+4, 4, uint64(size32(data)))
		fact32()
		add(FieldContainer, "RIFF size", 4, 4, uint64(size32(riffSize)))
		return c, fs, nil
	case ds64 < 0:
		return c, nil, fmt.Errorf("%w: %s header without a complete ds64 chunk", ErrNeedDS64, c)
	}
	deferred(FieldData, "data size (32-bit)", s.Data.Offset+4, data)
	add(FieldData, "ds64 data size", ds64+8, 8, size64(data))
	add(FieldFrames, "ds64 sample count", ds64+16, 8, count)
	fact32()
	deferred(FieldContainer, "RIFF size (32-bit)", 4, riffSize)
	add(FieldContainer, "ds64 RIFF size", ds64, 8, size64(riffSize))
	if upgrade {
		add(FieldUpgrade, "container id", 0, 4, uint64(le32(IDRF64[:])))
		add(FieldUpgrade, "ds64 chunk id", ds64-8, 4, uint64(le32(IDDS64[:])))
		add(FieldUpgrade, "ds64 table length", ds64+24, 4, 0)
	}
	return c, fs, nil
}

// size32 returns a 32-bit size field for v: v, or 0xFFFFFFFF when v is
// unknown (negative) or does not fit below it.
func size32(v int64) uint32 {
	if v < 0 || v >= 0xFFFFFFFF {
		return 0xFFFFFFFF
	}
	return uint32(v)
}

// size64 returns a 64-bit size field for v: v, or placeholder64 when v is
// unknown (negative).
func size64(v int64) uint64 {
	if v < 0 {
		return placeholder64
	}
	return uint64(v)
}
