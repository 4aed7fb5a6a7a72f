package kernels

import (
	"encoding/binary"
	"math/bits"
	"unsafe"
)

// Byte-order kernels for big-endian (RIFX) samples: each reverses the
// bytes of every w-byte value of s into d, which must be at least as long
// (only whole values of s are done). d and s may be the same slice (an
// in-place swap) but must not overlap otherwise. The 2-, 4- and 8-byte
// ones work on 8 bytes at a time, loaded and stored as one 64-bit word
// (where the CPU allows unaligned words or the slices are aligned): the
// swaps within a word do not depend on the CPU's byte order.

// mask16 selects the low byte of every 16-bit lane of a word.
const mask16 = 0x00FF00FF00FF00FF

// words views the first len(b)/8*8 bytes of b as words, or returns nil
// when the CPU cannot load them from where b is.
func words(b []byte) []uint64 {
	if len(b) < 8 || !unalignedWords && uintptr(unsafe.Pointer(unsafe.SliceData(b)))%8 != 0 {
		return nil
	}
	return unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/8)
}

// wordsOf returns the words of s and d (d as long as s), or nils when the
// slices cannot be seen as words.
func wordsOf(d, s []byte) ([]uint64, []uint64) {
	sw, dw := words(s), words(d)
	if sw == nil || dw == nil {
		return nil, nil
	}
	return dw[:len(sw)], sw
}

// Swap16 reverses the bytes of each 2-byte value.
func Swap16(d, s []byte) {
	n := len(s) &^ 1
	d, s = d[:n], s[:n]
	dw, sw := wordsOf(d, s)
	j := 0
	for ; j+4 <= len(sw); j += 4 {
		x, y := sw[j:j+4:j+4], dw[j:j+4:j+4]
		a, b, c, e := x[0], x[1], x[2], x[3]
		y[0] = a&mask16<<8 | a>>8&mask16
		y[1] = b&mask16<<8 | b>>8&mask16
		y[2] = c&mask16<<8 | c>>8&mask16
		y[3] = e&mask16<<8 | e>>8&mask16
	}
	for ; j < len(sw); j++ {
		dw[j] = sw[j]&mask16<<8 | sw[j]>>8&mask16
	}
	for i := 8 * len(sw); i+2 <= n; i += 2 {
		d[i], d[i+1] = s[i+1], s[i]
	}
}

// Swap32 reverses the bytes of each 4-byte value.
func Swap32(d, s []byte) {
	n := len(s) &^ 3
	d, s = d[:n], s[:n]
	dw, sw := wordsOf(d, s)
	// Reversing all 8 bytes swaps the two values too: rotate them back.
	j := 0
	for ; j+4 <= len(sw); j += 4 {
		x, y := sw[j:j+4:j+4], dw[j:j+4:j+4]
		y[0] = bits.RotateLeft64(bits.ReverseBytes64(x[0]), 32)
		y[1] = bits.RotateLeft64(bits.ReverseBytes64(x[1]), 32)
		y[2] = bits.RotateLeft64(bits.ReverseBytes64(x[2]), 32)
		y[3] = bits.RotateLeft64(bits.ReverseBytes64(x[3]), 32)
	}
	for ; j < len(sw); j++ {
		dw[j] = bits.RotateLeft64(bits.ReverseBytes64(sw[j]), 32)
	}
	for i := 8 * len(sw); i+4 <= n; i += 4 {
		binary.LittleEndian.PutUint32(d[i:], binary.BigEndian.Uint32(s[i:]))
	}
}

// Swap64 reverses the bytes of each 8-byte value.
func Swap64(d, s []byte) {
	n := len(s) &^ 7
	d, s = d[:n], s[:n]
	dw, sw := wordsOf(d, s)
	j := 0
	for ; j+4 <= len(sw); j += 4 {
		x, y := sw[j:j+4:j+4], dw[j:j+4:j+4]
		y[0] = bits.ReverseBytes64(x[0])
		y[1] = bits.ReverseBytes64(x[1])
		y[2] = bits.ReverseBytes64(x[2])
		y[3] = bits.ReverseBytes64(x[3])
	}
	for ; j < len(sw); j++ {
		dw[j] = bits.ReverseBytes64(sw[j])
	}
	for i := 8 * len(sw); i+8 <= n; i += 8 {
		binary.LittleEndian.PutUint64(d[i:], binary.BigEndian.Uint64(s[i:]))
	}
}

// Swap24 reverses the bytes of each 3-byte value (packed 24-bit samples).
func Swap24(d, s []byte) {
	n := len(s) / 3 * 3
	d, s = d[:n], s[:n]
	for i := 0; i+3 <= n; i += 3 {
		d[i], d[i+1], d[i+2] = s[i+2], s[i+1], s[i]
	}
}
