package riff

import "encoding/binary"

// RIFX is RIFF with every integer field big-endian: the container size,
// each chunk's size, the fields of fmt, fact and LIST/INFO, and the
// samples themselves (Apple's and SGI's tools wrote it; sox writes it
// with -B). Chunk ids are the same four bytes. There is no 64-bit
// variant: no ds64 chunk, so sizes stop at 4 GiB.
//
// The parser reads the fields of both through u16 and u32, which take
// the byte order of the file being parsed; Encode and Sizes write them
// through byteOrder.

// u16 and u32 decode an integer field of the input in its byte order.
func (p *parser) u16(b []byte) uint16 {
	if p.be {
		return be16(b)
	}
	return le16(b)
}

func (p *parser) u32(b []byte) uint32 {
	if p.be {
		return be32(b)
	}
	return le32(b)
}

// be16 and be32 decode big-endian integers from b, which the caller has
// checked is long enough.
func be16(b []byte) uint16 { return uint16(b[1]) | uint16(b[0])<<8 }
func be32(b []byte) uint32 { return uint32(be16(b[2:])) | uint32(be16(b))<<16 }

// byteOrder returns the byte order of container c's fields.
func byteOrder(c Container) binary.AppendByteOrder {
	if c == ContainerRIFX {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// rifxSubFormat returns the format tag that the sub-format GUID g of a
// RIFX WAVE_FORMAT_EXTENSIBLE chunk carries, and whether g is one of the
// KSDATAFORMAT_SUBTYPE GUIDs at all. Writers disagree on its layout: sox
// stores the 16-bit tag big-endian followed by the usual 14 bytes
// (00 01 00 00 00 00 10 00 80 00 ...), libsndfile the whole GUID in the
// file's byte order, its first three groups big-endian (00 00 00 01 00 00
// 00 10 80 00 ...). Both are read.
func rifxSubFormat(g [16]byte) (uint16, bool) {
	if [14]byte(g[2:]) == ksSuffix {
		return be16(g[:]), true
	}
	swapped := [16]byte{0, 0, 0, 0, 0x00, 0x00, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}
	if g[0] == 0 && g[1] == 0 && [12]byte(g[4:]) == [12]byte(swapped[4:]) {
		return be16(g[2:]), true
	}
	return 0, false
}

// rifxGUID returns the sub-format GUID of a format tag as written into a
// RIFX file: sox's layout (see rifxSubFormat), which sox reads back.
func rifxGUID(tag uint16) [16]byte {
	g := subtypeGUID(tag)
	g[0], g[1] = byte(tag>>8), byte(tag)
	return g
}
