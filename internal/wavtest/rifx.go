package wavtest

import "encoding/binary"

// RIFX (big-endian RIFF) builders: the same shapes as the RIFF ones, with
// every size and fmt field big-endian.

// BE16 returns v as 2 big-endian bytes.
func BE16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }

// BE32 returns v as 4 big-endian bytes.
func BE32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// ChunkBE returns a well-formed RIFX chunk: id, the payload's length
// big-endian, the payload, and the pad byte after an odd payload.
func ChunkBE(id string, payload []byte) []byte { return RawChunkBE(id, -1, payload, true) }

// RawChunkBE is RawChunk with a big-endian size.
func RawChunkBE(id string, declared int64, payload []byte, pad bool) []byte {
	size := uint32(len(payload))
	if declared >= 0 {
		size = uint32(declared)
	}
	b := Cat([]byte(id), BE32(size), payload)
	if pad && len(payload)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// RIFXSized returns a RIFX/WAVE file of the chunks whose size field is
// size, or the correct size when size < 0.
func RIFXSized(size int64, chunks ...[]byte) []byte {
	body := Cat(append([][]byte{[]byte("WAVE")}, chunks...)...)
	s := uint32(len(body))
	if size >= 0 {
		s = uint32(size)
	}
	return Cat([]byte("RIFX"), BE32(s), body)
}

// RIFX returns a RIFX/WAVE file of the chunks with the correct size.
func RIFX(chunks ...[]byte) []byte { return RIFXSized(-1, chunks...) }

// FmtPCMBE is FmtPCM with big-endian fields.
func FmtPCMBE(tag uint16, channels, rate, bits, align int) []byte {
	return Cat(BE16(tag), BE16(uint16(channels)), BE32(uint32(rate)), BE32(uint32(rate*align)),
		BE16(uint16(align)), BE16(uint16(bits)))
}

// FmtExBE is FmtEx with big-endian fields.
func FmtExBE(tag uint16, channels, rate, bits, align int) []byte {
	return Cat(FmtPCMBE(tag, channels, rate, bits, align), BE16(0))
}

// FmtExtensibleBE is FmtExtensible with big-endian fields; guid is
// written as given (see SubFormatSox and SubFormatSwapped).
func FmtExtensibleBE(channels, rate, bits, align, valid int, mask uint32, guid []byte) []byte {
	return Cat(FmtPCMBE(0xFFFE, channels, rate, bits, align), BE16(22), BE16(uint16(valid)), BE32(mask), guid)
}

// SubFormatSox returns the sub-format GUID of a format tag as sox writes
// it into a RIFX file: the tag big-endian, then the usual 14 bytes.
func SubFormatSox(tag uint16) []byte {
	return Cat(BE16(tag), SubFormat(tag)[2:])
}

// SubFormatSwapped returns the sub-format GUID of a format tag with its
// first three groups big-endian, as libsndfile writes it into a RIFX
// file: 0000tag-0000-0010-8000-00AA00389B71.
func SubFormatSwapped(tag uint16) []byte {
	return Cat(BE32(uint32(tag)), []byte{0x00, 0x00, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71})
}

// S16BE returns int16 samples as big-endian bytes.
func S16BE(v ...int16) []byte {
	var b []byte
	for _, x := range v {
		b = binary.BigEndian.AppendUint16(b, uint16(x))
	}
	return b
}
