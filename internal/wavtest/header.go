package wavtest

import (
	"encoding/binary"
	"math"
	"strconv"
)

// The builders below spell out WAVE files byte by byte from the format's
// definition, independently of the encoder under test. Sizes are given as
// int64 so that a test can declare any 32-bit value, a lie included; a
// negative size means the correct one.

// LE16 returns v as 2 little-endian bytes.
func LE16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }

// LE32 returns v as 4 little-endian bytes.
func LE32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// LE64 returns v as 8 little-endian bytes.
func LE64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

// Cat returns the concatenation of parts in a new slice.
func Cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// Chunk returns a well-formed RIFF chunk: id, the payload's length,
// the payload, and the pad byte after an odd payload.
func Chunk(id string, payload []byte) []byte { return RawChunk(id, -1, payload, true) }

// RawChunk returns a RIFF chunk with every field as given: id, the
// declared size (the payload's length when declared < 0; truncated to 32
// bits), the payload, and a zero pad byte after an odd payload only when
// pad is set.
func RawChunk(id string, declared int64, payload []byte, pad bool) []byte {
	size := uint32(len(payload))
	if declared >= 0 {
		size = uint32(declared)
	}
	b := Cat([]byte(id), LE32(size), payload)
	if pad && len(payload)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// Wave returns a file of the given form ("RIFF", "RF64", "BW64", "RIFX")
// holding "WAVE" and the chunks. The size field is size, or the correct
// size when size < 0; an RF64 file's ds64 chunk is the caller's to write.
func Wave(form string, size int64, chunks ...[]byte) []byte {
	body := Cat(append([][]byte{[]byte("WAVE")}, chunks...)...)
	s := uint32(len(body))
	if size >= 0 {
		s = uint32(size)
	}
	return Cat([]byte(form), LE32(s), body)
}

// RIFF returns a RIFF/WAVE file of the chunks with the correct size.
func RIFF(chunks ...[]byte) []byte { return Wave("RIFF", -1, chunks...) }

// FmtPCM returns a 16-byte PCMWAVEFORMAT payload for a fmt chunk, with the
// byte rate rate*align.
func FmtPCM(tag uint16, channels, rate, bits, align int) []byte {
	return Cat(LE16(tag), LE16(uint16(channels)), LE32(uint32(rate)), LE32(uint32(rate*align)),
		LE16(uint16(align)), LE16(uint16(bits)))
}

// FmtEx returns an 18-byte WAVEFORMATEX payload: FmtPCM and a cbSize of 0.
func FmtEx(tag uint16, channels, rate, bits, align int) []byte {
	return Cat(FmtPCM(tag, channels, rate, bits, align), LE16(0))
}

// FmtExtensible returns a 40-byte WAVE_FORMAT_EXTENSIBLE payload: FmtPCM
// with tag 0xFFFE, cbSize 22, the valid bits, the channel mask and the
// 16-byte sub-format GUID (see SubFormat).
func FmtExtensible(channels, rate, bits, align, valid int, mask uint32, guid []byte) []byte {
	return Cat(FmtPCM(0xFFFE, channels, rate, bits, align), LE16(22), LE16(uint16(valid)), LE32(mask), guid)
}

// SubFormat returns the KSDATAFORMAT_SUBTYPE GUID of a format tag as
// stored in a file: tag-0000-0010-8000-00AA00389B71.
func SubFormat(tag uint16) []byte {
	return Cat(LE16(tag), []byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71})
}

// S16 returns int16 samples as little-endian bytes.
func S16(v ...int16) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint16(b, uint16(x))
	}
	return b
}

// DecodeS16 returns the little-endian int16 samples of b (an odd last
// byte is ignored).
func DecodeS16(b []byte) []int16 {
	v := make([]int16, len(b)/2)
	for i := range v {
		v[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return v
}

// DecodeF64 returns the little-endian float64 samples of b (a ragged
// tail is ignored).
func DecodeF64(b []byte) []float64 {
	v := make([]float64, len(b)/8)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return v
}

// Sony Wave64 replaces the four-character ids by 16-byte GUIDs and the
// 32-bit sizes by 64-bit ones that count the 24-byte chunk header; chunks
// start at multiples of 8 bytes.

// W64GUID returns the Wave64 GUID of a four-character id as stored in a
// file (the first three groups little-endian): "riff" and "list" are
// 66666972-912E-11CF-A5D6-28DB04C10000 and 7473696C-912F-11CF-..., every
// other id (wave, fmt , fact, data, junk, levl, bext) is
// xxxxxxxx-ACF3-11D3-8CD1-00C04F8EDB8A with its bytes in front. It panics
// unless id has 4 bytes.
func W64GUID(id string) [16]byte {
	if len(id) != 4 {
		panic("wavtest: Wave64 id " + strconv.Quote(id) + " is not 4 bytes")
	}
	var g [16]byte
	copy(g[:], id)
	switch id {
	case "riff":
		copy(g[4:], []byte{0x2E, 0x91, 0xCF, 0x11, 0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00})
	case "list":
		copy(g[4:], []byte{0x2F, 0x91, 0xCF, 0x11, 0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00})
	default:
		copy(g[4:], []byte{0xF3, 0xAC, 0xD3, 0x11, 0x8C, 0xD1, 0x00, 0xC0, 0x4F, 0x8E, 0xDB, 0x8A})
	}
	return g
}

// W64Chunk returns a Wave64 chunk: the GUID, the size counting the 24-byte
// header, the payload, and zeros up to a multiple of 8 bytes.
func W64Chunk(guid [16]byte, payload []byte) []byte {
	b := Cat(guid[:], LE64(uint64(24+len(payload))), payload)
	for len(b)%8 != 0 {
		b = append(b, 0)
	}
	return b
}

// W64File returns a Wave64 file of the chunks (see W64Chunk): the riff
// GUID, the file size, the wave GUID, the chunks.
func W64File(chunks ...[]byte) []byte {
	body := Cat(chunks...)
	riff, wave := W64GUID("riff"), W64GUID("wave")
	return Cat(riff[:], LE64(uint64(40+len(body))), wave[:], body)
}
