package kernels

import (
	"encoding/binary"
	"math/bits"
)

// Byte-order kernels for big-endian (RIFX) samples: each reverses the
// bytes of every w-byte value of s into d, which must be at least as long
// (only whole values of s are done). d and s may be the same slice (an
// in-place swap) but must not overlap otherwise. The 2-, 4- and 8-byte
// ones work on 8 bytes at a time, loaded and stored as one 64-bit word.

const (
	mask16 = 0x00FF00FF00FF00FF
)

// Swap16 reverses the bytes of each 2-byte value.
func Swap16(d, s []byte) {
	n := len(s) &^ 1
	d = d[:n]
	i := 0
	for ; i+32 <= n; i += 32 {
		a := binary.LittleEndian.Uint64(s[i:])
		b := binary.LittleEndian.Uint64(s[i+8:])
		c := binary.LittleEndian.Uint64(s[i+16:])
		e := binary.LittleEndian.Uint64(s[i+24:])
		binary.LittleEndian.PutUint64(d[i:], a&mask16<<8|a>>8&mask16)
		binary.LittleEndian.PutUint64(d[i+8:], b&mask16<<8|b>>8&mask16)
		binary.LittleEndian.PutUint64(d[i+16:], c&mask16<<8|c>>8&mask16)
		binary.LittleEndian.PutUint64(d[i+24:], e&mask16<<8|e>>8&mask16)
	}
	for ; i+2 <= n; i += 2 {
		d[i], d[i+1] = s[i+1], s[i]
	}
}

// Swap32 reverses the bytes of each 4-byte value.
func Swap32(d, s []byte) {
	n := len(s) &^ 3
	d = d[:n]
	i := 0
	for ; i+32 <= n; i += 32 {
		a := binary.LittleEndian.Uint64(s[i:])
		b := binary.LittleEndian.Uint64(s[i+8:])
		c := binary.LittleEndian.Uint64(s[i+16:])
		e := binary.LittleEndian.Uint64(s[i+24:])
		// Reversing all 8 bytes swaps the two values too: rotate them back.
		binary.LittleEndian.PutUint64(d[i:], bits.RotateLeft64(bits.ReverseBytes64(a), 32))
		binary.LittleEndian.PutUint64(d[i+8:], bits.RotateLeft64(bits.ReverseBytes64(b), 32))
		binary.LittleEndian.PutUint64(d[i+16:], bits.RotateLeft64(bits.ReverseBytes64(c), 32))
		binary.LittleEndian.PutUint64(d[i+24:], bits.RotateLeft64(bits.ReverseBytes64(e), 32))
	}
	for ; i+4 <= n; i += 4 {
		binary.LittleEndian.PutUint32(d[i:], binary.BigEndian.Uint32(s[i:]))
	}
}

// Swap64 reverses the bytes of each 8-byte value.
func Swap64(d, s []byte) {
	n := len(s) &^ 7
	d = d[:n]
	i := 0
	for ; i+32 <= n; i += 32 {
		a := binary.LittleEndian.Uint64(s[i:])
		b := binary.LittleEndian.Uint64(s[i+8:])
		c := binary.LittleEndian.Uint64(s[i+16:])
		e := binary.LittleEndian.Uint64(s[i+24:])
		binary.LittleEndian.PutUint64(d[i:], bits.ReverseBytes64(a))
		binary.LittleEndian.PutUint64(d[i+8:], bits.ReverseBytes64(b))
		binary.LittleEndian.PutUint64(d[i+16:], bits.ReverseBytes64(c))
		binary.LittleEndian.PutUint64(d[i+24:], bits.ReverseBytes64(e))
	}
	for ; i+8 <= n; i += 8 {
		binary.LittleEndian.PutUint64(d[i:], binary.BigEndian.Uint64(s[i:]))
	}
}

// Swap24 reverses the bytes of each 3-byte value (packed 24-bit samples).
func Swap24(d, s []byte) {
	n := len(s) / 3 * 3
	d = d[:n]
	for i := 0; i+3 <= n; i += 3 {
		d[i], d[i+1], d[i+2] = s[i+2], s[i+1], s[i]
	}
}
