package riff

// ds64 holds the 64-bit sizes of an RF64 or BW64 file (EBU Tech 3306,
// ITU-R BS.2088). Its layout: riffSize, dataSize and sampleCount as
// 64-bit little-endian integers, a 32-bit table length, then that many
// entries of a chunk id and a 64-bit size, for other chunks whose 32-bit
// size field holds 0xFFFFFFFF.
type ds64 struct {
	found       bool
	off         int64 // payload offset of the ds64 chunk
	riffSize    int64 // -1: absent or all ones
	dataSize    int64 // -1: absent or all ones
	sampleCount int64 // -1: absent or all ones
	table       []ds64Entry
}

type ds64Entry struct {
	id   FourCC
	size int64
	used bool
}

const (
	ds64MinSize   = 28   // three sizes and the table length
	ds64MaxTable  = 1024 // table entries read at most
	ds64EntrySize = 12   // bytes of one table entry
)

// placeholder64 is the smallest 64-bit size taken as "unknown". Encode
// writes it for an unknown size in ds64 and Wave64 headers: all ones, the
// natural choice, makes ffmpeg refuse the file (it reads the sizes as
// signed), while 2^60-1 is the largest size it takes without complaint,
// so that a header written for a pipe reads to the end of the stream. No
// real file comes near 2^60 bytes.
const placeholder64 = 1<<60 - 1

// sentinel64 converts a 64-bit size field, mapping placeholders (all ones,
// or anything from placeholder64 up) to -1.
func sentinel64(v uint64) int64 {
	if v >= placeholder64 {
		return -1
	}
	return int64(v)
}

// parseDS64 reads the ds64 chunk c. A short or inconsistent ds64 is a
// warning: the fields it holds are used, the others are unknown.
func (p *parser) parseDS64(c Chunk) error {
	d := ds64{found: true, off: c.DataOffset, riffSize: -1, dataSize: -1, sampleCount: -1}
	n := min(c.Size, ds64MinSize+ds64EntrySize*ds64MaxTable)
	b, err := p.read(c.DataOffset, int(n))
	if err != nil {
		return err
	}
	if len(b) < ds64MinSize {
		p.warn(WarnBadField, c.Offset+4, IDDS64, "ds64 chunk holds %d bytes, %d needed: only the complete fields are used", len(b), ds64MinSize)
	}
	if len(b) >= 8 {
		d.riffSize = sentinel64(le64(b))
	}
	if len(b) >= 16 {
		d.dataSize = sentinel64(le64(b[8:]))
	}
	if len(b) >= 24 {
		d.sampleCount = sentinel64(le64(b[16:]))
	}
	if len(b) >= ds64MinSize {
		count := int64(le32(b[24:]))
		fits := int64(len(b)-ds64MinSize) / ds64EntrySize
		if count > fits {
			p.warn(WarnBadField, c.DataOffset+24, IDDS64, "ds64 table claims %d entries, the chunk holds %d: %d used", count, fits, fits)
			count = fits
		}
		for i := range count {
			e := b[ds64MinSize+i*ds64EntrySize:]
			d.table = append(d.table, ds64Entry{id: toID(e), size: sentinel64(le64(e[4:]))})
		}
	}
	p.ds64 = d
	return nil
}

// lookup returns the 64-bit size of a chunk whose 32-bit size is
// 0xFFFFFFFF, from the ds64 data size or table, or -1 if the ds64 does
// not give it.
func (d *ds64) lookup(id FourCC) int64 {
	if !d.found {
		return -1
	}
	if id == IDData {
		return d.dataSize
	}
	for i := range d.table {
		if e := &d.table[i]; e.id == id && !e.used {
			e.used = true
			return e.size
		}
	}
	return -1
}
