package riff

import (
	"fmt"
	"io"
	"slices"
)

// Options control Parse.
type Options struct {
	// Strict makes the first warning (in file order) an *Error of kind
	// ErrStrict, with Warning set. Unrecoverable errors take precedence.
	Strict bool
	// Stream parses a forward-only stream: size may be -1 (unknown), the
	// parse stops after the header of the data chunk and never reads
	// beyond it (except for one byte when the header before it lacks its
	// pad byte), and Header.DataSize is the declared size, cut to size
	// when size is known, or -1 when the size is a placeholder:
	// 0xFFFFFFFF without a ds64 size, a ds64 or Wave64 placeholder, or 0
	// unless the RIFF size says the file ends right there. The data chunk
	// of Header.Chunks then has Size -1 too. Reads are exact: no
	// read-ahead.
	Stream bool
	// TrailingAudio takes whole frames that follow a data chunk whose
	// size the container agrees with, run to the end of the file and do
	// not start a chunk, for audio (a recorder killed before it updated
	// its header leaves this). Off, they are trailing bytes, as every
	// other reader has them: real files carry junk there too.
	TrailingAudio bool
}

// maxChunks bounds the chunk list, whatever the number of chunks the walk
// goes through (each costs a header read and nothing more): past the
// first maxChunks, only the chunks that the header needs are listed (the
// first fmt, data, fact and ds64 chunks) and the last one, so the list
// holds maxChunks+5 at most. A warning says how many were left out.
const maxChunks = 1 << 16

// parser is the state of one Parse.
type parser struct {
	r     io.ReaderAt
	opts  Options
	end   int64 // length of the input; unknownEnd while unknown
	known bool  // the length was given
	eof   bool  // the reader ended before the given length

	buf, win []byte // read-ahead buffer and its valid part
	winOff   int64  // offset of win

	h        *Header
	w64      bool  // Sony Wave64
	be       bool  // RIFX: every field big-endian
	rf64     bool  // RF64 or BW64: 32-bit sizes of 0xFFFFFFFF defer to ds64
	riffRaw  int64 // size field of the RIFF header as written
	first    int64 // offset of the first chunk
	ds64     ds64
	infoLeft int64

	haveFmt, haveData, haveFact bool
	slots24                     bool // the fmt chunk declares 24 bits in 4-byte slots (see settleBlockAlign)
	fmtAfterData                bool
	fmtChunk                    int64 // header offset of the fmt chunk used
	dataHdr                     int64 // header offset of the data chunk used
	dataAvail                   int64 // data bytes before frame rounding; -1 unknown
	factOff                     int64
	factRaw                     int64
	walkEnd                     int64 // where the walk stopped
	lastEnd                     int64 // end of the last chunk walked, pad included
	lastRaw                     int64 // end of the last chunk walked, pad excluded
	unlisted                    int64 // chunks walked but left out of the list
	firstUnlisted               int64 // header offset of the first of them
	held                        Chunk // the last chunk left out, listed if it stays the last one
	holding                     bool  // held is set
}

// Parse reads the header of a WAVE file of the given size through r: the
// RIFF, RIFX, RF64, BW64 or Wave64 header and every chunk up to the end of the
// file (in stream mode, up to the header of the data chunk). It returns
// the format, where the audio is and how long, every chunk in file order,
// the LIST/INFO tags, and warnings about recoverable problems.
//
// Errors are always *Error. Parse never reads more than it needs from r,
// never reports an offset or size beyond size, and allocates in
// proportion to the header bytes it actually reads.
func Parse(r io.ReaderAt, size int64, opts Options) (*Header, error) {
	p := &parser{r: r, opts: opts, h: &Header{FactFrames: -1}, infoLeft: infoBudget, dataAvail: -1, factRaw: -1}
	switch {
	case r == nil:
		return nil, errorf(ErrIO, 0, FourCC{}, "no reader")
	case size >= 0:
		p.end, p.known = size, true
	case opts.Stream:
		p.end = unknownEnd
	default:
		return nil, errorf(ErrIO, 0, FourCC{}, "size %d is negative; an unknown size needs stream mode", size)
	}
	if err := p.parse(); err != nil {
		return nil, err
	}
	p.sortWarnings()
	if opts.Strict && len(p.h.Warnings) > 0 {
		return nil, strictError(p.h.Warnings[0])
	}
	return p.h, nil
}

func (p *parser) parse() error {
	if err := p.outer(); err != nil {
		return err
	}
	if err := p.walk(); err != nil {
		return err
	}
	return p.finish()
}

// outer reads the container header.
func (p *parser) outer() error {
	b, err := p.read(0, 12)
	if err != nil {
		return err
	}
	if len(b) < 12 {
		return errorf(ErrNotWAVE, 0, FourCC{}, "%d bytes are too few for a WAVE header (12 at least)", len(b))
	}
	id := toID(b)
	switch id {
	case IDRIFF, IDRF64, IDBW64, IDRIFX:
		if form := toID(b[8:]); form != IDWAVE {
			return errorf(ErrNotWAVE, 8, id, "%s form type is %s, not WAVE", id, form)
		}
		p.first = 12
		switch id {
		case IDRIFX:
			p.h.Container, p.be, p.h.BigEndian = ContainerRIFX, true, true
		case IDRF64:
			p.h.Container, p.rf64 = ContainerRF64, true
		case IDBW64:
			p.h.Container, p.rf64 = ContainerBW64, true
		default:
			p.h.Container = ContainerRIFF
		}
		p.riffRaw = int64(p.u32(b[4:]))
		return nil
	}
	if id == toID(w64RIFF[:]) {
		b, err := p.read(0, 40)
		if err != nil {
			return err
		}
		if len(b) >= 16 && [16]byte(b[:16]) == w64RIFF {
			if len(b) < 40 {
				return errorf(ErrNotWAVE, 0, FourCC{}, "%d bytes are too few for a Wave64 header (40 at least)", len(b))
			}
			if [16]byte(b[24:40]) != w64WAVE {
				return errorf(ErrNotWAVE, 24, FourCC{}, "Wave64 form type is %s, not the wave GUID", guidString([16]byte(b[24:40])))
			}
			p.h.Container, p.w64 = ContainerWave64, true
			p.riffRaw = sentinel64(le64(b[16:]))
			p.first = 40
			return nil
		}
	}
	return errorf(ErrNotWAVE, 0, FourCC{}, "file starts with %s, not RIFF, RIFX, RF64, BW64 or a Wave64 GUID", id)
}

// chunkHdr is a chunk header as read.
type chunkHdr struct {
	id  FourCC
	raw uint64 // size field as written
	n   int64  // header length: 8, or 24 for Wave64
}

// header reads the chunk header at pos. ok is false when the input ends
// before a whole header; got is then the number of bytes left.
func (p *parser) header(pos int64) (h chunkHdr, got int, ok bool, err error) {
	h.n = 8
	if p.w64 {
		h.n = w64Header
	}
	b, err := p.read(pos, int(h.n))
	if err != nil || int64(len(b)) < h.n {
		return h, len(b), false, err
	}
	if p.w64 {
		h.id = w64ChunkID([16]byte(b[:16]))
		h.raw = le64(b[16:])
	} else {
		h.id = toID(b)
		h.raw = uint64(p.u32(b[4:]))
	}
	return h, len(b), true, nil
}

// plausible reports whether h can be taken as a chunk header at all: a
// printable id for RIFF, a size that covers its own header for Wave64.
func (p *parser) plausible(h chunkHdr) bool {
	if p.w64 {
		return h.raw >= w64Header || h.id == IDData
	}
	return printable(h.id[:])
}

// strong reports whether h, read at pos, looks like a real chunk header:
// plausible, and either a data chunk or one whose size fits the input.
func (p *parser) strong(h chunkHdr, pos int64) bool {
	if !p.plausible(h) {
		return false
	}
	if h.id == IDData {
		return true
	}
	room := p.end - pos
	if p.w64 {
		return claim(h.raw) <= room
	}
	if h.raw == 0xFFFFFFFF && p.ds64.found {
		return true
	}
	return int64(h.raw) <= room-8
}

// chunkAt reports whether a strong chunk header starts at pos.
func (p *parser) chunkAt(pos int64) bool {
	h, _, ok, err := p.header(pos)
	return err == nil && ok && p.strong(h, pos)
}

// declared returns the payload size the header h claims, resolving
// 0xFFFFFFFF through ds64 in RF64 and BW64; -1 when unknown.
func (p *parser) declared(h chunkHdr) int64 {
	if p.w64 {
		if h.raw >= placeholder64 || h.raw < w64Header {
			return -1
		}
		return int64(h.raw) - w64Header
	}
	if h.raw == 0xFFFFFFFF {
		if p.rf64 {
			return p.ds64.lookup(h.id)
		}
		return -1
	}
	return int64(h.raw)
}

// sizeField returns the offset of the size field of the chunk at pos.
func (p *parser) sizeField(pos int64) int64 {
	if p.w64 {
		return pos + 16
	}
	return pos + 4
}

// next returns where the chunk after c starts: after the pad byte of an
// odd RIFF chunk, or at the next multiple of 8 in Wave64.
func (p *parser) next(c Chunk) int64 {
	e := addSat(c.DataOffset, c.Size)
	if p.w64 {
		return align8(e)
	}
	return addSat(e, c.Size&1)
}

// addSat adds two non-negative offsets, saturating.
func addSat(a, b int64) int64 {
	if b > unknownEnd-a {
		return unknownEnd
	}
	return a + b
}

// walk visits every chunk.
func (p *parser) walk() error {
	pos := p.first
	prevOdd := false
	defer func() {
		p.walkEnd = min(pos, p.end)
		if p.holding {
			p.h.Chunks = append(p.h.Chunks, p.held)
			p.unlisted--
		}
		if p.unlisted > 0 {
			p.warn(WarnBadField, p.firstUnlisted, FourCC{}, "%d chunks from byte %d on are not listed: the list stops at %d, but for the fmt, data, fact and ds64 chunks and the last one",
				p.unlisted, p.firstUnlisted, maxChunks)
		}
	}()
	for {
		if pos >= p.end {
			return nil
		}
		h, got, ok, err := p.header(pos)
		if err != nil {
			return err
		}
		// After an odd-sized chunk, a writer that forgot the pad byte
		// put the next header one byte early. (In stream mode, finding
		// that out reads one byte past it.)
		if prevOdd && (!ok || !p.strong(h, pos)) {
			h1, _, ok1, err := p.header(pos - 1)
			if err != nil {
				return err
			}
			if ok1 && p.strong(h1, pos-1) {
				p.warn(WarnMissingPad, pos-1, h1.id, "chunk %s starts at byte %d, right after an odd-sized chunk without its pad byte: read from there",
					h1.id, pos-1)
				pos--
				h, ok = h1, true
			}
		}
		if !ok {
			p.trailing(pos, got)
			return nil
		}
		if p.w64 && h.raw < w64Header && h.id != IDData {
			if err := p.shortW64(&h, pos); err != nil || h.raw < w64Header {
				return err
			}
		}
		if !p.plausible(h) {
			p.trailing(pos, -1)
			return nil
		}
		// Past the end the container claims, only a convincing chunk
		// header is taken for one: anything else is junk appended to
		// the file.
		if re := p.riffEnd(); re >= 0 && pos >= re && !p.strong(h, pos) {
			p.trailing(pos, -1)
			return nil
		}
		c, stop, err := p.chunk(h, pos)
		if err != nil {
			return err
		}
		p.lastRaw = min(addSat(c.DataOffset, max(c.Size, 0)), p.end)
		p.lastEnd = min(p.next(c), addSat(p.end, 1))
		if !p.w64 && p.known && !p.opts.Stream && c.Size%2 == 1 && c.Size == c.Declared && c.DataOffset+c.Size == p.end {
			p.warn(WarnMissingPad, p.end, c.ID, "chunk %s at byte %d has an odd size, %d, and the file ends right after it, without its pad byte (byte %d): taken as the last chunk",
				c.ID, c.Offset, c.Size, p.end)
		}
		if stop {
			pos = p.lastEnd
			return nil
		}
		prevOdd = !p.w64 && c.Size%2 == 1
		pos = p.next(c)
	}
}

// shortW64 handles the header h of a Wave64 chunk at pos whose size is
// below the 24 bytes of the header it must count, so that the next chunk
// cannot be found from it. A writer that left the header out of the size
// is recognised by a chunk header (or the end of the file) where the
// payload would then end: h is changed to say so, with a warning.
// Otherwise h is left as it is and the walk must stop: with a warning
// when the data chunk has been found, else with an error, both naming the
// chunk, its offset and its size.
func (p *parser) shortW64(h *chunkHdr, pos int64) error {
	field := p.sizeField(pos)
	if end := addSat(pos+w64Header, int64(h.raw)); end <= p.end && (align8(end) >= p.end || p.chunkAt(align8(end))) {
		p.warn(WarnBadField, field, h.id, "Wave64 chunk %s at byte %d declares size %d, less than its own 24-byte header: taken as %d bytes of payload (the size leaves out the header)",
			h.id, pos, h.raw, h.raw)
		h.raw += w64Header
		return nil
	}
	if p.haveData {
		p.warn(WarnTrailingBytes, field, h.id, "Wave64 chunk %s at byte %d declares size %d, less than its own 24-byte header: %s from there ignored",
			h.id, pos, h.raw, p.restText(pos))
		return nil
	}
	return errorf(ErrInvalid, field, h.id, "Wave64 chunk %s at byte %d declares size %d, less than its own 24-byte header: the chunks after it (the data chunk among them) cannot be found",
		h.id, pos, h.raw)
}

// restText describes the input from pos on.
func (p *parser) restText(pos int64) string {
	if p.known || p.eof {
		return fmt.Sprintf("%d bytes", p.end-pos)
	}
	return "the rest of the stream"
}

// trailing handles bytes at pos that do not start a chunk: got bytes when
// fewer than a chunk header are left (-1 otherwise). A few zero bytes,
// fewer than a chunk header, are alignment padding and pass silently.
func (p *parser) trailing(pos int64, got int) {
	if got >= 0 {
		if got == 0 {
			return
		}
		b, err := p.read(pos, got)
		if err == nil && allZero(b) {
			return
		}
		p.warn(WarnTrailingBytes, pos, FourCC{}, "%d bytes after the last chunk, from byte %d, are too few for a chunk: ignored", got, pos)
		return
	}
	b, _ := p.read(pos, 4)
	p.warn(WarnTrailingBytes, pos, FourCC{}, "%s from byte %d do not start a chunk (id %s): ignored", p.restText(pos), pos, toID(b))
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// chunk records the chunk whose header h was read at pos and parses the
// chunks that matter. stop ends the walk: the chunk runs to the end of the
// input, or this is the data chunk of a stream.
func (p *parser) chunk(h chunkHdr, pos int64) (c Chunk, stop bool, err error) {
	c = Chunk{ID: h.id, Offset: pos, DataOffset: pos + h.n, Declared: p.declared(h)}
	avail := p.end - c.DataOffset
	if h.id == IDData && !p.haveData {
		return p.dataChunk(c, avail)
	}
	if h.id == IDData {
		p.warn(WarnDuplicateChunk, pos, h.id, "second data chunk at byte %d ignored: the one at byte %d is used", pos, p.dataHdr)
	}
	truncated := false
	switch {
	case c.Declared < 0:
		c.Size = avail
		stop = true
		p.warn(WarnStreamingSize, p.sizeField(pos), h.id, "chunk %s declares an unknown size (0x%X): taken to run to the end of the file, %s",
			h.id, h.raw, p.restText(c.DataOffset))
	case c.Declared > avail:
		c.Size = avail
		stop, truncated = true, true
		p.warn(WarnTruncatedChunk, p.sizeField(pos), h.id, "chunk %s declares %d bytes, the file holds %d: cut", h.id, c.Declared, avail)
	default:
		c.Size = c.Declared
	}
	p.list(c, h.id == IDFmt && !p.haveFmt || h.id == IDFact && !p.haveFact || h.id == IDDS64 && p.rf64 && !p.ds64.found)
	switch h.id {
	case IDFmt:
		if p.haveFmt {
			p.warn(WarnDuplicateChunk, pos, h.id, "second fmt chunk at byte %d ignored: the one at byte %d is used", pos, p.fmtChunk)
			break
		}
		p.haveFmt, p.fmtChunk, p.fmtAfterData = true, pos, p.haveData
		err = p.parseFmt(c)
	case IDFact:
		if !p.haveFact {
			p.haveFact = true
			err = p.parseFact(c)
		}
	case IDDS64:
		if p.rf64 && !p.ds64.found {
			err = p.parseDS64(c)
		}
	case IDLIST:
		if !p.w64 {
			err = p.parseList(c, truncated)
		}
	}
	return c, stop, err
}

// parseFact reads the sample count of the fact chunk: 32 bits, or 64 in
// Wave64.
func (p *parser) parseFact(c Chunk) error {
	b, err := p.read(c.DataOffset, int(min(c.Size, 8)))
	if err != nil {
		return err
	}
	p.factOff = c.DataOffset
	switch {
	case p.w64 && len(b) >= 8:
		p.factRaw = sentinel64(le64(b))
	case len(b) >= 4:
		p.factRaw = int64(p.u32(b))
	default:
		p.warn(WarnBadField, c.DataOffset, IDFact, "fact chunk holds %d bytes, too few for a sample count: ignored", len(b))
	}
	return nil
}

// dataChunk handles the first data chunk: how many bytes of audio it
// holds, and whether the walk goes on after it.
func (p *parser) dataChunk(c Chunk, avail int64) (Chunk, bool, error) {
	p.haveData = true
	p.dataHdr = c.Offset
	p.h.DataOffset = c.DataOffset
	field := p.sizeField(c.Offset)
	stop := false
	switch {
	case p.opts.Stream:
		stop = true
		switch {
		case c.Declared < 0, c.Declared == 0 && p.moreAfterEmptyData(c):
			c.Size = -1
			p.h.DataBasis = DataUnknown
			p.warn(WarnStreamingSize, field, IDData, "data chunk declares size %d (unknown): the audio runs to the end of the stream", c.Declared)
		case c.Declared > avail:
			c.Size = avail
			p.h.DataBasis = DataCut
			p.warn(WarnDataSize, field, IDData, "data chunk declares %d bytes, the input holds %d: cut to %d", c.Declared, avail, avail)
		default:
			c.Size = c.Declared
		}
	case c.Declared < 0:
		c.Size, stop = avail, true
		p.h.DataBasis = DataUnknown
		p.warn(WarnStreamingSize, field, IDData, "data chunk declares an unknown size (%s): the audio is taken to run to the end of the file, %d bytes",
			p.rawText(c.Offset), avail)
	case c.Declared == 0 && !p.w64 && avail > 0 && !p.chunkAt(c.DataOffset):
		c.Size, stop = avail, true
		p.h.DataBasis = DataUnknown
		p.warn(WarnStreamingSize, field, IDData, "data chunk declares size 0, but %d bytes follow that do not start a chunk: taken as audio to the end of the file", avail)
	case c.Declared > avail:
		c.Size, stop = avail, true
		p.h.DataBasis = DataCut
		p.warn(WarnDataSize, field, IDData, "data chunk declares %d bytes, the file holds %d: cut to %d", c.Declared, avail, avail)
	default:
		c.Size = c.Declared
		extra := avail - c.Declared
		if p.h.Container == ContainerRIFF && extra >= 1<<32 && extra%(1<<32) <= 1 && !p.chunkAt(p.next(c)) {
			wraps := extra >> 32
			c.Size, stop = c.Declared+wraps<<32, true
			p.h.DataBasis = DataWrapped
			p.warn(WarnWrappedSize, field, IDData, "data chunk declares %d bytes but %d follow: its 32-bit size wrapped %d time(s), %d bytes used",
				c.Declared, avail, wraps, c.Size)
			break
		}
		if n, basis := p.extend(c); n > c.Size {
			p.h.DataBasis = basis
			if basis == DataContainer {
				p.warn(WarnDataSize, field, IDData, "%s says the file holds %d more bytes of audio than the data size %d: data size taken as %d",
					p.containerField(), n-c.Size, c.Declared, n)
			} else {
				p.warn(WarnDataSize, field, IDData, "%d bytes after the declared end of the audio (byte %d) run to the end of the file and do not start a chunk: "+
					"taken as audio (a header not updated since), data size taken as %d", n-c.Size, c.DataOffset+c.Size, n)
			}
			c.Size = n
			stop = c.DataOffset+n >= p.end
		}
	}
	p.dataAvail = c.Size
	p.list(c, true)
	return c, stop, nil
}

// list adds c to the chunk list; past maxChunks only if needed is set
// (see maxChunks).
func (p *parser) list(c Chunk, needed bool) {
	switch {
	case len(p.h.Chunks) < maxChunks:
		p.h.Chunks = append(p.h.Chunks, c)
	case needed:
		p.h.Chunks = append(p.h.Chunks, c)
		p.holding = false
	default:
		if p.unlisted == 0 {
			p.firstUnlisted = c.Offset
		}
		p.unlisted++
		p.held, p.holding = c, true
	}
}

// extend decides whether the audio of the data chunk c, whose declared
// size the file holds, goes on past it. The data size is the field that
// writers most often leave stale: a recorder killed before it came back
// to it, or one that updates it every few seconds. The bytes after it are
// audio when they do not start a chunk (see chunkLike) and either
//
//   - the container's size counts them, and they are not just zero
//     padding (fewer zeros than a chunk header): the audio then ends where
//     the container does if a chunk or padding follows there, else at the
//     end of the file; or
//   - nothing counts them, but they run to the end of the file, are at
//     least a chunk header long and hold a whole frame (the recorder),
//     and Options.TrailingAudio asks for this reading: sox, ffmpeg and
//     libsndfile take such bytes for junk, and real files do carry junk
//     after correctly sized audio.
//
// The same bytes with the sizes a repair writes (see wavemap.Repair) lead
// to the same audio: that is why less than a frame is taken where the
// container ends at a chunk, and refused where it ends with the file. It
// returns the size to use, c.Size when nothing changes, and how it was
// decided.
func (p *parser) extend(c Chunk) (int64, DataBasis) {
	declEnd := c.DataOffset + c.Size
	nx := p.next(c)
	if nx >= p.end || p.chunkLike(nx) || nx != declEnd && p.chunkLike(declEnd) {
		return c.Size, DataDeclared
	}
	hdr := int64(8)
	if p.w64 {
		hdr = w64Header
	}
	frame := int64(1)
	if p.haveFmt {
		frame = max(int64(p.h.Fmt.BlockAlign), 1)
	}
	if re := p.riffEnd(); re > nx && !p.padding(nx, min(re, p.end), hdr) {
		switch {
		case re >= p.end && p.end-declEnd < frame:
			return c.Size, DataDeclared
		case re >= p.end:
			return p.end - c.DataOffset, DataContainer
		case p.chunkLike(re) || p.padding(re, p.end, hdr):
			return re - c.DataOffset, DataContainer
		}
		return p.end - c.DataOffset, DataTrailing
	}
	if p.opts.TrailingAudio && p.end-nx >= hdr && p.end-declEnd >= frame {
		return p.end - c.DataOffset, DataTrailing
	}
	return c.Size, DataDeclared
}

// padding reports whether the bytes from a to b are fewer than a chunk
// header (hdr bytes) and all zero: alignment padding that some writers
// leave at the end of a file.
func (p *parser) padding(a, b, hdr int64) bool {
	if b-a >= hdr {
		return false
	}
	got, err := p.read(a, int(b-a))
	return err == nil && allZero(got)
}

// chunkLike reports whether a chunk starts at pos, as far as the bytes
// after a data chunk go: a strong header (see strong), or, for a chunk
// that the end of the file cuts short, the id of a chunk type that follows
// audio in real files (in Wave64, a GUID of the Wave64 or RIFF family):
// such an id is not a run of samples.
func (p *parser) chunkLike(pos int64) bool {
	h, _, ok, err := p.header(pos)
	if err != nil || !ok {
		return false
	}
	if p.strong(h, pos) {
		return true
	}
	if p.w64 {
		b, err := p.read(pos, 16)
		if err != nil || len(b) < 16 {
			return false
		}
		s := [12]byte(b[4:16])
		return s == w64Suffix || s == w64RiffSuffix || s == w64ListSuffix
	}
	return slices.Contains(knownIDs, h.id)
}

// knownIDs are the chunk ids that chunkLike takes for a chunk even when
// the file cuts it short: the ones found after the audio of real files
// (metadata, markers, padding), and the WAVE chunks themselves.
var knownIDs = []FourCC{
	IDLIST, IDJUNK, IDFact, IDFmt, IDData, IDDS64,
	{'j', 'u', 'n', 'k'}, {'P', 'A', 'D', ' '}, {'F', 'L', 'L', 'R'}, {'f', 'i', 'l', 'l'},
	{'b', 'e', 'x', 't'}, {'i', 'X', 'M', 'L'}, {'a', 'x', 'm', 'l'}, {'c', 'h', 'n', 'a'}, {'u', 'm', 'i', 'd'},
	{'c', 'u', 'e', ' '}, {'s', 'm', 'p', 'l'}, {'i', 'n', 's', 't'}, {'a', 'c', 'i', 'd'}, {'p', 'l', 's', 't'},
	{'i', 'd', '3', ' '}, {'I', 'D', '3', ' '}, {'D', 'I', 'S', 'P'}, {'l', 'e', 'v', 'l'}, {'r', 'e', 'g', 'n'},
	{'c', 'a', 'r', 't'}, {'_', 'P', 'M', 'X'}, {'M', 'D', '5', ' '},
}

// containerField names the field that says where the file ends.
func (p *parser) containerField() string {
	switch {
	case p.w64:
		return "Wave64 file size"
	case p.rf64 && p.ds64.found:
		return "ds64 RIFF size"
	}
	return p.containerID().String() + " size"
}

// rawText returns the size field of the chunk at pos as written.
func (p *parser) rawText(pos int64) string {
	h, _, ok, err := p.header(pos)
	if err != nil || !ok {
		return "?"
	}
	return fmt.Sprintf("%#x", h.raw)
}

// moreAfterEmptyData decides, in stream mode, whether a data chunk of
// declared size 0 is a placeholder for unknown length: it is unless the
// RIFF size says the file ends right there (or the input does).
func (p *parser) moreAfterEmptyData(c Chunk) bool {
	if p.known && p.end <= c.DataOffset {
		return false
	}
	if p.w64 {
		return false // Wave64 sizes count the header: 24 means empty
	}
	switch riff := p.riffRaw; {
	case p.rf64 && p.ds64.found:
		// 0 and all ones are the placeholders of a ds64 never filled in.
		return p.ds64.riffSize <= 0 || 8+p.ds64.riffSize > c.DataOffset
	case riff == 0 || riff == 0xFFFFFFFF:
		return true
	default:
		return 8+riff > c.DataOffset
	}
}

// finish checks what the walk found and settles the sizes.
func (p *parser) finish() error {
	if !p.haveData {
		return errorf(ErrNoData, p.walkEnd, FourCC{}, "no data chunk in %d chunks up to byte %d", len(p.h.Chunks), p.walkEnd)
	}
	if !p.haveFmt {
		return errorf(ErrNoFormat, p.dataHdr, IDData, "no fmt chunk before the data chunk at byte %d", p.dataHdr)
	}
	if p.fmtAfterData {
		p.warn(WarnBadField, p.fmtChunk, IDFmt, "fmt chunk at byte %d follows the data chunk at byte %d: used", p.fmtChunk, p.dataHdr)
	}
	if p.rf64 && !p.ds64.found {
		p.warn(WarnBadField, 0, p.containerID(), "%s file without a ds64 chunk: 32-bit sizes used", p.h.Container)
	}
	if !p.opts.Stream {
		p.checkRIFFSize()
	}
	f := &p.h.Fmt
	frame := int64(f.BlockAlign)
	p.h.DataSize = p.dataAvail
	if p.dataAvail > 0 {
		if tail := p.dataAvail % frame; tail != 0 {
			p.h.DataSize -= tail
			// ffmpeg counts the padding to Wave64's 8-byte alignment in
			// the data size: not audio, and not worth a warning.
			w64pad := p.h.Container == ContainerWave64 && tail < 8 && (p.h.DataOffset+p.dataAvail)%8 == 0
			if !w64pad {
				p.warn(WarnRaggedTail, p.h.DataOffset+p.h.DataSize, IDData,
					"data holds %d bytes, not a whole number of %d-byte frames: the last %d bytes are ignored", p.dataAvail, frame, tail)
			}
		}
	}
	p.settleFact()
	if p.slots24 {
		return p.checkSlots24()
	}
	return nil
}

func (p *parser) containerID() FourCC {
	switch p.h.Container {
	case ContainerRF64:
		return IDRF64
	case ContainerBW64:
		return IDBW64
	case ContainerWave64:
		return FourCC{'r', 'i', 'f', 'f'}
	case ContainerRIFX:
		return IDRIFX
	}
	return IDRIFF
}

// settleFact sets FactFrames from the fact chunk or ds64 and checks it
// against the data. Only a count above the frames present is a warning
// (audio is missing); a smaller one is common and harmless.
func (p *parser) settleFact() {
	frames, off := p.factRaw, p.factOff
	if p.rf64 && p.ds64.found && (frames == 0xFFFFFFFF || frames < 0 && p.ds64.sampleCount > 0) {
		frames, off = p.ds64.sampleCount, p.ds64.off+16
	}
	p.h.FactFrames = frames
	if frames < 0 || p.h.DataSize < 0 {
		return
	}
	if have := p.h.DataSize / int64(p.h.Fmt.BlockAlign); frames > have {
		p.warn(WarnBadField, off, IDFact, "fact chunk counts %d frames, the data holds %d", frames, have)
	}
}

// riffEnd returns the end of the input the container header claims, or
// -1 when its size is a placeholder.
func (p *parser) riffEnd() int64 {
	switch {
	case p.w64:
		return p.riffRaw // -1 for a placeholder
	case p.rf64 && p.ds64.found:
		if p.ds64.riffSize <= 0 {
			return -1
		}
		return addSat(8, p.ds64.riffSize)
	case p.riffRaw == 0 || p.riffRaw == 0xFFFFFFFF:
		return -1
	}
	return 8 + p.riffRaw
}

// checkRIFFSize compares the size in the container header with the input
// and with where the chunks end. The walk always goes on to the end of
// the input, so a wrong size costs nothing but this warning. A size that
// counts the pad byte (or the Wave64 alignment) of the last chunk, or not,
// is right either way.
func (p *parser) checkRIFFSize() {
	end, id := p.end, p.containerID()
	field := int64(4)
	switch {
	case p.w64:
		field = 16
	case p.rf64 && p.ds64.found:
		field = p.ds64.off
	}
	riffEnd := p.riffEnd()
	switch {
	case riffEnd < 0 && p.rf64 && p.ds64.found:
		p.warn(WarnStreamingSize, field, IDDS64, "ds64 RIFF size is a placeholder: the input length %d is used", end)
		return
	case riffEnd < 0:
		p.warn(WarnStreamingSize, field, id, "%s size is a placeholder: the input length %d is used", id, end)
		return
	case riffEnd == end, riffEnd >= p.lastRaw && riffEnd <= p.lastEnd:
		return
	}
	if p.h.Container == ContainerRIFF && end-8 > 0xFFFFFFFF && uint32(p.riffRaw) == uint32(end-8) {
		p.warn(WarnWrappedSize, field, id, "RIFF size %d is the file length %d - 8 modulo 2^32: the 32-bit size wrapped", p.riffRaw, end)
		return
	}
	if p.w64 {
		p.warn(WarnRIFFSize, field, id, "Wave64 file size %d, but the input holds %d bytes and its chunks end at byte %d: walked to the end of the input",
			riffEnd, end, p.lastEnd)
		return
	}
	p.warn(WarnRIFFSize, field, id, "%s size %d, but the file holds %d - 8 bytes and its chunks end at byte %d: walked to the end of the file",
		id, riffEnd-8, end, p.lastEnd)
}
