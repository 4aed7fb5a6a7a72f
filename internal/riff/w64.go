package riff

// Sony Wave64 replaces every four-character id by a 16-byte GUID and every
// 32-bit size by a 64-bit one that counts the 24-byte chunk header too.
// Chunks start at multiples of 8 bytes. The GUIDs below are as stored in a
// file (the first three groups little-endian).

// w64Suffix is bytes 4 to 15 of the Wave64 GUIDs defined with the format
// (xxxxxxxx-ACF3-11D3-8CD1-00C04F8EDB8A): wave, fmt, fact, data, junk,
// levl, bext.
var w64Suffix = [12]byte{0xF3, 0xAC, 0xD3, 0x11, 0x8C, 0xD1, 0x00, 0xC0, 0x4F, 0x8E, 0xDB, 0x8A}

// w64RiffSuffix and w64ListSuffix are bytes 4 to 15 of the GUIDs
// inherited from RIFF (xxxxxxxx-912E-11CF-A5D6-28DB04C10000 for riff,
// -912F- for list).
var (
	w64RiffSuffix = [12]byte{0x2E, 0x91, 0xCF, 0x11, 0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00}
	w64ListSuffix = [12]byte{0x2F, 0x91, 0xCF, 0x11, 0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00}
)

func w64GUID(id string, suffix [12]byte) [16]byte {
	var g [16]byte
	copy(g[:4], id)
	copy(g[4:], suffix[:])
	return g
}

// Wave64 GUIDs.
var (
	w64RIFF = w64GUID("riff", w64RiffSuffix) // 66666972-912E-11CF-A5D6-28DB04C10000
	w64WAVE = w64GUID("wave", w64Suffix)     // 65766177-ACF3-11D3-8CD1-00C04F8EDB8A
	w64Fmt  = w64GUID("fmt ", w64Suffix)     // 20746D66-ACF3-11D3-8CD1-00C04F8EDB8A
	w64Fact = w64GUID("fact", w64Suffix)     // 74636166-ACF3-11D3-8CD1-00C04F8EDB8A
	w64Data = w64GUID("data", w64Suffix)     // 61746164-ACF3-11D3-8CD1-00C04F8EDB8A
	w64Junk = w64GUID("junk", w64Suffix)     // 6B6E756A-ACF3-11D3-8CD1-00C04F8EDB8A
	w64List = w64GUID("list", w64ListSuffix) // 7473696C-912F-11CF-A5D6-28DB04C10000
	// summarylist: 925F94BC-525A-11D2-86DC-00C04F8EDB8A
	w64Summary = [16]byte{0xBC, 0x94, 0x5F, 0x92, 0x5A, 0x52, 0xD2, 0x11, 0x86, 0xDC, 0x00, 0xC0, 0x4F, 0x8E, 0xDB, 0x8A}
	// marker: ABF76256-392D-11D2-86C7-00C04F8EDB8A
	w64Marker = [16]byte{0x56, 0x62, 0xF7, 0xAB, 0x2D, 0x39, 0xD2, 0x11, 0x86, 0xC7, 0x00, 0xC0, 0x4F, 0x8E, 0xDB, 0x8A}
)

// w64ChunkID maps a Wave64 chunk GUID to the FourCC reported for it:
// "fmt ", "data", "fact", "JUNK", "LIST", "levl", "bext" and any other
// GUID of the Wave64 family by its first four bytes; "summarylist" as
// "SUML", "marker" as "MARK"; any other GUID by its first four bytes.
func w64ChunkID(g [16]byte) FourCC {
	switch g {
	case w64Fmt:
		return IDFmt
	case w64Data:
		return IDData
	case w64Fact:
		return IDFact
	case w64Junk:
		return IDJUNK
	case w64List:
		return IDLIST
	case w64Summary:
		return FourCC{'S', 'U', 'M', 'L'}
	case w64Marker:
		return FourCC{'M', 'A', 'R', 'K'}
	}
	return toID(g[:4])
}

// w64Header is the length of a Wave64 chunk header: GUID and 64-bit size.
const w64Header = 24

// align8 rounds n up to a multiple of 8, saturating instead of
// overflowing.
func align8(n int64) int64 {
	if n > unknownEnd-7 {
		return unknownEnd
	}
	return (n + 7) &^ 7
}

// W64GUID returns the Wave64 GUID that stands for the FourCC id, the
// inverse of the mapping Parse applies: the GUIDs of fmt, data, fact,
// JUNK, LIST, SUML (summarylist) and MARK (marker), and for any other id
// the id followed by the suffix of the GUIDs defined with the format
// (xxxxxxxx-ACF3-11D3-8CD1-00C04F8EDB8A), as bext and levl are. A GUID
// outside that family, read from a Wave64 file, is reported by its first
// four bytes: written back, it gets this suffix instead of its own.
func W64GUID(id FourCC) [16]byte {
	switch id {
	case IDFmt:
		return w64Fmt
	case IDData:
		return w64Data
	case IDFact:
		return w64Fact
	case IDJUNK:
		return w64Junk
	case IDLIST:
		return w64List
	case FourCC{'S', 'U', 'M', 'L'}:
		return w64Summary
	case FourCC{'M', 'A', 'R', 'K'}:
		return w64Marker
	}
	return w64GUID(string(id[:]), w64Suffix)
}
