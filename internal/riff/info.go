package riff

import "bytes"

// infoBudget bounds the bytes of LIST/INFO chunks read in one parse.
const infoBudget = 1 << 20

// parseList reads the entries of a LIST chunk of type INFO into the tags
// of the header. Other list types (adtl, ...) are left alone. Problems in
// the entries are warnings: metadata never makes a file unreadable.
func (p *parser) parseList(c Chunk, truncated bool) error {
	if c.Size < 4 || p.infoLeft <= 0 {
		return nil
	}
	n := min(c.Size, p.infoLeft)
	b, err := p.read(c.DataOffset, int(n))
	if err != nil {
		return err
	}
	p.infoLeft -= int64(len(b))
	if len(b) < 4 || toID(b) != IDINFO {
		return nil
	}
	// A list cut short by the end of the file or by the budget ends where
	// it ends: its last entry may be cut without a further warning.
	cut := truncated || int64(len(b)) < c.Size
	base := c.DataOffset
	// entryAt reports whether a plausible entry header starts at i: a
	// printable id and a size that fits the list.
	entryAt := func(i int) bool {
		return i >= 4 && i+8 <= len(b) && printable(b[i:]) && int64(p.u32(b[i+4:])) <= int64(len(b)-i-8)
	}
	pos, prevOdd := 4, false
	for {
		if prevOdd && !entryAt(pos) && entryAt(pos-1) {
			p.warn(WarnMissingPad, base+int64(pos-1), IDLIST, "INFO entry after an odd-sized one starts at byte %d, without the pad byte: read from there", base+int64(pos-1))
			pos--
		}
		prevOdd = false
		if pos+8 > len(b) {
			break
		}
		if !printable(b[pos:]) {
			p.warn(WarnBadField, base+int64(pos), IDLIST, "%d bytes at byte %d of the INFO list do not start an entry (id %s): ignored",
				len(b)-pos, base+int64(pos), toID(b[pos:]))
			return nil
		}
		id := toID(b[pos:])
		size := int64(p.u32(b[pos+4:]))
		start := pos + 8
		if size > int64(len(b)-start) {
			if !cut {
				p.warn(WarnTruncatedChunk, base+int64(pos+4), IDLIST, "INFO entry %s declares %d bytes, the list holds %d more: value cut",
					id, size, len(b)-start)
			}
			size = int64(len(b) - start)
		}
		p.addTag(id, b[start:start+int(size)])
		pos = start + int(size)
		if size%2 == 1 {
			pos++
			prevOdd = true
		}
	}
	if rest := b[min(pos, len(b)):]; !cut && len(rest) > 0 && bytes.IndexFunc(rest, func(r rune) bool { return r != 0 }) >= 0 {
		p.warn(WarnBadField, base+int64(pos), IDLIST, "%d bytes at the end of the INFO list do not form an entry: ignored", len(rest))
	}
	return nil
}

func (p *parser) addTag(id FourCC, v []byte) {
	p.h.Tags = append(p.h.Tags, Tag{ID: id, Value: string(bytes.TrimRight(v, "\x00"))})
}
