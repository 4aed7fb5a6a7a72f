package wavemap

import (
	"encoding/binary"
	"fmt"
)

// InfoTag is one entry of a LIST/INFO chunk (RIFF 1991, section 3-6): a
// four-character id such as INAM (title), IART (artist), ICMT (comment),
// ICRD (creation date) or ISFT (software), and its text.
type InfoTag struct {
	ID    FourCC
	Value Text
}

// Info returns the entries of every LIST/INFO chunk of m, in file order,
// duplicates kept. It reads what it can of a damaged list: an entry after
// an odd-sized one that lacks the pad byte is found where it starts, a
// value cut by the end of the list ends there, and the first bytes that do
// not start an entry (an id that is not printable ASCII) end the list.
// Header.Tags, read by Open, is not affected by anything done to m.
func (m *Metadata) Info() []InfoTag {
	var tags []InfoTag
	for _, c := range m.Chunks {
		if c.ID == idLIST && c.ListType() == idINFO {
			tags = appendInfo(tags, c.Data[4:])
		}
	}
	return tags
}

// appendInfo appends the entries of the body of an INFO list (after the
// "INFO" form type) to tags.
func appendInfo(tags []InfoTag, b []byte) []InfoTag {
	walkChunks(b, func(id FourCC, data []byte) {
		tags = append(tags, InfoTag{ID: id, Value: textField(data)})
	})
	return tags
}

// walkChunks calls fn for each chunk packed in b, such as the entries of
// a LIST, in order. It reads what it can of damaged bytes: a chunk after
// an odd-sized one that lacks the pad byte is found where it starts, a
// payload cut by the end of b ends there, and the first bytes that do not
// start a chunk (an id that is not printable ASCII) end the walk.
func walkChunks(b []byte, fn func(id FourCC, data []byte)) {
	// chunkAt reports whether a plausible chunk starts at i: a printable
	// id and a size that fits in b.
	chunkAt := func(i int) bool {
		return i >= 0 && i+8 <= len(b) && printableID(b[i:]) && uint64(binary.LittleEndian.Uint32(b[i+4:])) <= uint64(len(b)-i-8)
	}
	pos, prevOdd := 0, false
	for {
		// Writers that forget the pad byte after an odd payload are common
		// enough (the riff parser warns WarnMissingPad for them in INFO
		// lists): when no chunk starts after the pad but one starts one
		// byte earlier, read from there.
		if prevOdd && !chunkAt(pos) && chunkAt(pos-1) {
			pos--
		}
		if pos+8 > len(b) || !printableID(b[pos:]) {
			return
		}
		start := pos + 8
		size := min(uint64(binary.LittleEndian.Uint32(b[pos+4:])), uint64(len(b)-start))
		end := start + int(size)
		fn(FourCC(b[pos:pos+4]), b[start:end])
		pos, prevOdd = end+int(size&1), size&1 == 1
	}
}

// printableID reports whether b starts with four printable ASCII bytes,
// as every RIFF chunk id does.
func printableID(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	for _, c := range b[:4] {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// SetInfo makes tags the LIST/INFO entries of m, in order: it replaces the
// first LIST/INFO chunk in place and removes the others, or adds one
// before the data chunk, or deletes them all when tags is empty. Each
// value is written with a terminating NUL and padded to an even size.
func (m *Metadata) SetInfo(tags []InfoTag) {
	if len(tags) == 0 {
		m.DeleteList(idINFO)
		return
	}
	b := append([]byte(nil), idINFO[:]...)
	for _, t := range tags {
		b = append(b, t.ID[:]...)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(t.Value)+1))
		b = append(b, t.Value...)
		b = append(b, 0)
		if len(t.Value)%2 == 0 {
			b = append(b, 0)
		}
	}
	m.Set(RawChunk{ID: idLIST, Data: b})
}

// InfoValue returns the decoded value (see Text.String) of the first
// LIST/INFO entry with the given id, such as "INAM", and whether there is
// one. An id that is not four bytes long matches nothing.
func (m *Metadata) InfoValue(id string) (string, bool) {
	if len(id) != 4 {
		return "", false
	}
	for _, t := range m.Info() {
		if string(t.ID[:]) == id {
			return t.Value.String(), true
		}
	}
	return "", false
}

// SetInfoValue sets the LIST/INFO entry with the given id to value
// (stored as its UTF-8 bytes): it replaces the first entry with that id in
// place and drops any later ones, or appends an entry. An empty value
// deletes every entry with that id. The id must be four bytes long, or
// SetInfoValue panics.
func (m *Metadata) SetInfoValue(id, value string) {
	if len(id) != 4 {
		panic(fmt.Sprintf("wavemap: SetInfoValue: INFO id %q is not four bytes", id))
	}
	key := FourCC([]byte(id))
	tags := m.Info()
	out := tags[:0]
	done := value == ""
	for _, t := range tags {
		if t.ID == key {
			if done {
				continue
			}
			t.Value, done = TextOf(value), true
		}
		out = append(out, t)
	}
	if !done {
		out = append(out, InfoTag{ID: key, Value: TextOf(value)})
	}
	m.SetInfo(out)
}
