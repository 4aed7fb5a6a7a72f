package wavemap

import (
	"bytes"
	"unicode/utf8"
)

// Text is a text field of a metadata chunk as the file holds it: its bytes,
// with the NULs that end or pad the field trimmed. The encoding is
// whatever the writer used (RIFF and EBU Tech 3285 say ASCII; files carry
// UTF-8 and Latin-1 as well), so the bytes are kept as they are and
// String decodes them. Bytes after a NUL inside the field are kept, so
// that a field is written back byte for byte, but they are not part of
// the string.
type Text []byte

// TextOf returns s as a Text: its UTF-8 bytes.
func TextOf(s string) Text {
	if s == "" {
		return nil
	}
	return Text(s)
}

// String returns the text up to its first NUL, decoded: bytes that are
// valid UTF-8 (ASCII included) as they are, anything else as Latin-1 (ISO
// 8859-1, each byte the code point of the same value).
func (t Text) String() string {
	b := []byte(t)
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if utf8.Valid(b) {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// textField returns the bytes of a NUL-padded field as a Text: trailing
// NULs trimmed, a copy, nil when nothing is left.
func textField(b []byte) Text {
	b = bytes.TrimRight(b, "\x00")
	if len(b) == 0 {
		return nil
	}
	return Text(bytes.Clone(b))
}

// putField writes t into the fixed-size field dst, padding it with NULs.
// A Text longer than the field is cut to fit; when it is valid UTF-8 the
// cut falls between characters, so that the field stays valid UTF-8.
func putField(dst []byte, t Text) {
	n := min(len(t), len(dst))
	if n < len(t) && utf8.Valid(t) {
		for n > 0 && !utf8.RuneStart(t[n]) {
			n--
		}
	}
	copy(dst, t[:n])
	clear(dst[n:])
}
