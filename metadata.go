package wavemap

import (
	"fmt"
	"io"

	"github.com/wavemap/wavemap/internal/riff"
)

// RawChunk is one chunk of a file that is not part of how the audio is
// framed: its id and its payload, byte for byte (the pad byte that
// follows an odd payload is not part of it).
type RawChunk struct {
	ID   FourCC
	Data []byte
	// AfterData says the chunk sits after the data chunk in the file, or
	// is to be written there.
	AfterData bool
}

// ListType returns the form type of a LIST chunk, such as "INFO" or
// "adtl", and the zero FourCC for any other chunk.
func (c RawChunk) ListType() FourCC {
	if c.ID != idLIST || len(c.Data) < 4 {
		return FourCC{}
	}
	return FourCC(c.Data[:4])
}

// same reports whether c and d are the same kind of chunk: the same id
// and, for LIST chunks, the same form type.
func (c RawChunk) same(d RawChunk) bool {
	return c.ID == d.ID && c.ListType() == d.ListType()
}

var (
	idLIST = FourCC{'L', 'I', 'S', 'T'}
	idINFO = FourCC{'I', 'N', 'F', 'O'}
)

// Metadata is every chunk of a file except those that frame its audio,
// in file order: the RIFF, RF64 or BW64 header, ds64, fmt, fact, the
// padding chunks (JUNK, PAD, FLLR) and data are left out, since wavemap
// writes them itself. LIST, bext, iXML, cue, smpl, _PMX, MD5, levl and
// any chunk wavemap does not know are in it.
//
// A Metadata is plain data: it is read from a file by File.Metadata or
// ReadMetadata, edited with the methods below or directly, handed to
// Create through Options.Metadata, and written back into a file in place
// by WriteMetadata.
type Metadata struct {
	Chunks []RawChunk
}

// Clone returns a deep copy of m (nil for nil).
func (m *Metadata) Clone() *Metadata {
	if m == nil {
		return nil
	}
	c := &Metadata{Chunks: make([]RawChunk, len(m.Chunks))}
	for i, ch := range m.Chunks {
		ch.Data = append([]byte(nil), ch.Data...)
		c.Chunks[i] = ch
	}
	return c
}

// Index returns the position in m.Chunks of the first chunk with the
// given id, or -1.
func (m *Metadata) Index(id FourCC) int {
	for i, c := range m.Chunks {
		if c.ID == id {
			return i
		}
	}
	return -1
}

// IndexList returns the position in m.Chunks of the first LIST chunk of
// the given form type (such as "INFO" or "adtl"), or -1.
func (m *Metadata) IndexList(typ FourCC) int {
	for i, c := range m.Chunks {
		if c.ID == idLIST && c.ListType() == typ {
			return i
		}
	}
	return -1
}

// Get returns the payload of the first chunk with the given id, and
// whether there is one.
func (m *Metadata) Get(id FourCC) ([]byte, bool) {
	if i := m.Index(id); i >= 0 {
		return m.Chunks[i].Data, true
	}
	return nil, false
}

// Set puts c in m: it replaces the first chunk of the same kind (the same
// id and, for a LIST, the same form type), keeping that chunk's place in
// the order and its side of the data; it removes any further chunks of
// that kind. A chunk of a new kind is added after the last chunk on c's
// side of the data.
func (m *Metadata) Set(c RawChunk) {
	at := -1
	out := m.Chunks[:0]
	for _, d := range m.Chunks {
		if d.same(c) {
			if at >= 0 {
				continue
			}
			at = len(out)
			c.AfterData = d.AfterData
			d = c
		}
		out = append(out, d)
	}
	m.Chunks = out
	if at >= 0 {
		return
	}
	pos := len(m.Chunks)
	if !c.AfterData {
		for pos > 0 && m.Chunks[pos-1].AfterData {
			pos--
		}
	}
	m.Chunks = append(m.Chunks, RawChunk{})
	copy(m.Chunks[pos+1:], m.Chunks[pos:])
	m.Chunks[pos] = c
}

// Delete removes every chunk with the given id and returns how many there
// were.
func (m *Metadata) Delete(id FourCC) int {
	return m.deleteIf(func(c RawChunk) bool { return c.ID == id })
}

// DeleteList removes every LIST chunk of the given form type and returns
// how many there were.
func (m *Metadata) DeleteList(typ FourCC) int {
	return m.deleteIf(func(c RawChunk) bool { return c.ID == idLIST && c.ListType() == typ })
}

func (m *Metadata) deleteIf(drop func(RawChunk) bool) int {
	out := m.Chunks[:0]
	for _, c := range m.Chunks {
		if !drop(c) {
			out = append(out, c)
		}
	}
	n := len(m.Chunks) - len(out)
	clear(m.Chunks[len(out):])
	m.Chunks = out
	return n
}

// Size returns the bytes the chunks take in a RIFF file: headers, payloads
// and pad bytes.
func (m *Metadata) Size() int64 {
	var n int64
	for _, c := range m.Chunks {
		n += 8 + int64(len(c.Data)) + int64(len(c.Data)&1)
	}
	return n
}

// framing reports whether chunks with this id frame the audio, so that
// wavemap writes them itself and Metadata leaves them out.
func framing(id FourCC) bool {
	switch string(id[:]) {
	case "fmt ", "fact", "ds64", "data", "JUNK", "junk", "PAD ", "FLLR", "pad ":
		return true
	}
	return false
}

// metadataBudget bounds the payload bytes ReadMetadata reads into memory.
const metadataBudget = 1 << 30

// ReadMetadata reads the payloads of the metadata chunks listed in h (a
// header read from r, by ReadHeader or Open) from r.
func ReadMetadata(r io.ReaderAt, h *Header) (*Metadata, error) {
	m := &Metadata{}
	var data int64 = -1
	for _, c := range h.Chunks {
		if c.ID == FourCC(riff.IDData) && c.DataOffset == h.DataOffset {
			data = c.Offset
		}
	}
	var total int64
	for _, c := range h.Chunks {
		if framing(c.ID) {
			continue
		}
		if c.Size < 0 || c.DataOffset < 0 {
			continue
		}
		total += c.Size
		if total > metadataBudget {
			return nil, fmt.Errorf("%w: metadata chunks of more than %d bytes", ErrSizeLimit, metadataBudget)
		}
		b := make([]byte, c.Size)
		if _, err := r.ReadAt(b, c.DataOffset); err != nil && !(err == io.EOF && c.Size == 0) {
			return nil, fmt.Errorf("wavemap: reading chunk %s at byte %d: %w", c.ID, c.Offset, err)
		}
		m.Chunks = append(m.Chunks, RawChunk{ID: c.ID, Data: b, AfterData: data >= 0 && c.Offset > data})
	}
	return m, nil
}

// Metadata reads the file's metadata chunks (see Metadata) from the file.
// It reads them each time it is called; the audio is not read. For a File
// made by Create, the chunks that Close will write after the data are
// included.
func (f *File) Metadata() (*Metadata, error) {
	if f.closed {
		return nil, ErrClosed
	}
	if f.hdr.Container == RawData {
		return &Metadata{}, nil
	}
	m, err := ReadMetadata(f.osf, &f.hdr)
	if err != nil {
		return nil, fmt.Errorf("wavemap: %s: %w", f.name, err)
	}
	for _, c := range f.after {
		m.Chunks = append(m.Chunks, RawChunk{ID: FourCC(c.ID), Data: append([]byte(nil), c.Data...), AfterData: true})
	}
	return m, nil
}

// metadataSpare is the least payload of the padding chunk that Create and
// NewWriter put right before the data of a file with metadata chunks (the
// data then starts at a multiple of riff.SpareAlign, 4096): room for
// WriteMetadata to let the chunks before the data grow in place.
const metadataSpare = 1024

// layout returns the chunks of m to write before the data and after it,
// checked: a chunk that frames the audio is refused with ErrArgument.
// When the chunks cannot follow the data (afterOK false: a Wave64 file, a
// stream of unknown length), those marked AfterData are written before
// it, after the others.
func (m *Metadata) layout(afterOK bool) (before, after []riff.RawChunk, err error) {
	if m == nil {
		return nil, nil, nil
	}
	var moved []riff.RawChunk
	for _, c := range m.Chunks {
		if framing(c.ID) {
			return nil, nil, fmt.Errorf("%w: the metadata holds a %s chunk, which wavemap writes itself", ErrArgument, c.ID)
		}
		rc := riff.RawChunk{ID: riff.FourCC(c.ID), Data: c.Data}
		switch {
		case !c.AfterData:
			before = append(before, rc)
		case afterOK:
			after = append(after, rc)
		default:
			moved = append(moved, rc)
		}
	}
	return append(before, moved...), after, nil
}

// spare returns the room to reserve before the data for m: metadataSpare
// when m has chunks, else none (the layout of a file without metadata
// stays as it was).
func (m *Metadata) spare() int {
	if m == nil || len(m.Chunks) == 0 {
		return 0
	}
	return metadataSpare
}
