package riff

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Spec describes the header written by Encode.
type Spec struct {
	// Container is ContainerRIFF (the zero value means the same), which
	// becomes RF64 by itself when the sizes do not fit 32 bits;
	// ContainerRF64 or ContainerBW64, which force the ds64 layout at any
	// size; or ContainerWave64.
	Container Container
	// Tag is TagPCM, TagFloat, TagALaw or TagMuLaw.
	Tag uint16
	// Channels is the number of channels, 1 to 65535.
	Channels int
	// SampleRate is the number of frames per second, 1 to 2^32-1.
	SampleRate int64
	// BitsPerSample is the container size of one sample: 8, 16, 24 or 32
	// for PCM, 32 or 64 for float, 8 for A-law and mu-law.
	BitsPerSample int
	// ValidBits is the number of meaningful bits of a PCM sample (the
	// high ones); 0 means BitsPerSample.
	ValidBits int
	// ChannelMask is the speaker mask of WAVE_FORMAT_EXTENSIBLE; 0 for
	// none.
	ChannelMask uint32
	// DataSize is the number of audio bytes, or -1 when unknown
	// (streaming). The size fields then hold 0xFFFFFFFF in RIFF, and
	// 2^60-1 in the ds64 chunk of RF64 and BW64 and in Wave64 (see
	// placeholder64); fact counts are 0.
	//
	// In RIFF, RF64 and BW64 an odd DataSize is followed by a pad byte,
	// which the RIFF size counts and the caller writes. A Wave64 file ends
	// right after its data, odd or not: libsndfile (sox) and ffmpeg count
	// any byte after it as audio.
	DataSize int64
	// Before are chunks written as they are between fmt (and fact) and
	// the data: their ids (in Wave64 the GUID of each id, see
	// W64GUID), their payloads and the pad byte of an odd payload (in
	// Wave64, zeros to a multiple of 8).
	Before []RawChunk
	// After are chunks that follow the audio. Encode does not write them
	// (Trailer does), but the container size it writes counts them when
	// DataSize is known.
	After []RawChunk
	// Spare, when above zero, makes room for the chunks before the data
	// to grow in place: a padding chunk (JUNK) of at least Spare bytes of
	// payload right before the data chunk, which then starts at a
	// multiple of SpareAlign.
	Spare int
}

// RawChunk is a chunk that Encode and Trailer write as given.
type RawChunk struct {
	ID   FourCC
	Data []byte
}

// SpareAlign is the multiple of which the audio starts when Spec.Spare
// asks for room before it: a page, so that the audio of a file whose
// chunks grow in place never moves.
const SpareAlign = 4096

// maxChunkPayload bounds the payload of a chunk of Before and After: a
// 32-bit RIFF size below 0xFFFFFFFF (which RF64 reserves for ds64).
const maxChunkPayload = 0xFFFFFFFE

// reserved reports whether chunks with this id are written by Encode
// itself and may not be among Before and After.
func reserved(id FourCC) bool {
	switch id {
	case IDFmt, IDData, IDFact, IDDS64:
		return true
	}
	return false
}

// layout is the shape of an encoded header.
type layout struct {
	container  Container // RIFF, RF64, BW64 or Wave64 as asked (Sizes.Fields makes RIFF RF64 past 4 GiB)
	ext        bool      // fmt is WAVE_FORMAT_EXTENSIBLE
	fmtLen     int       // fmt payload: 16, 18 or 40
	fact       bool
	pad        int   // payload of the padding chunk before data; -1 for none
	before     int64 // bytes of the Before chunks, headers and padding included
	size       int64
	blockAlign int
	validBits  int
}

// ErrSpec is wrapped by the errors of HeaderSize and Encode for a Spec
// that describes no writable file.
var ErrSpec = errors.New("riff: invalid header spec")

func specErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrSpec}, args...)...)
}

// plan checks s and works out the layout of its header.
func (s Spec) plan() (layout, error) {
	var l layout
	c := s.Container
	if c == 0 {
		c = ContainerRIFF
	}
	switch c {
	case ContainerRIFF, ContainerRF64, ContainerBW64, ContainerWave64:
	default:
		return l, specErr("unknown container %v", s.Container)
	}
	if s.Channels < 1 || s.Channels > 0xFFFF {
		return l, specErr("%d channels (1 to 65535 possible)", s.Channels)
	}
	if s.SampleRate < 1 || s.SampleRate > 0xFFFFFFFF {
		return l, specErr("sample rate %d (1 to 4294967295 possible)", s.SampleRate)
	}
	bits := s.BitsPerSample
	valid := s.ValidBits
	if valid == 0 {
		valid = bits
	}
	switch s.Tag {
	case TagPCM:
		if bits != 8 && bits != 16 && bits != 24 && bits != 32 {
			return l, specErr("%d-bit PCM (8, 16, 24 or 32 possible)", bits)
		}
		if valid < 1 || valid > bits {
			return l, specErr("%d valid bits in %d-bit samples", s.ValidBits, bits)
		}
	case TagFloat:
		if bits != 32 && bits != 64 {
			return l, specErr("%d-bit IEEE float (32 or 64 possible)", bits)
		}
		if valid != bits {
			return l, specErr("%d valid bits in %d-bit float samples", s.ValidBits, bits)
		}
	case TagALaw, TagMuLaw:
		if bits != 8 || valid != 8 {
			return l, specErr("%s with %d bits (%d valid): only 8 possible", CodecName(s.Tag), bits, s.ValidBits)
		}
	default:
		return l, specErr("format tag 0x%04X (%s): only PCM, IEEE float, A-law and mu-law are written", s.Tag, CodecName(s.Tag))
	}
	l.blockAlign = s.Channels * bits / 8
	if l.blockAlign > 0xFFFF {
		return l, specErr("%d channels of %d bits make a %d-byte frame (65535 at most)", s.Channels, bits, l.blockAlign)
	}
	if rate := s.SampleRate * int64(l.blockAlign); rate > 0xFFFFFFFF {
		return l, specErr("byte rate %d does not fit 32 bits", rate)
	}
	if s.DataSize < -1 {
		return l, specErr("data size %d", s.DataSize)
	}
	l.validBits = valid
	switch s.Tag {
	case TagPCM:
		l.ext = s.Channels > 2 || bits > 16 || valid != bits || s.ChannelMask != 0
	case TagFloat:
		l.ext = s.Channels > 2 || s.ChannelMask != 0
	default:
		l.ext = s.ChannelMask != 0
	}
	switch {
	case l.ext:
		l.fmtLen = 40
	case s.Tag == TagPCM:
		l.fmtLen = 16
	default:
		l.fmtLen = 18
	}
	l.fact = s.Tag != TagPCM
	l.container = c
	if s.DataSize > 1<<62 {
		return l, specErr("data size %d is too large", s.DataSize)
	}
	if s.Spare < 0 || s.Spare > 1<<30 {
		return l, specErr("spare room of %d bytes", s.Spare)
	}
	var extra int64 // payload bytes of Before and After
	for _, list := range [][]RawChunk{s.Before, s.After} {
		for _, ch := range list {
			if reserved(ch.ID) {
				return l, specErr("a %s chunk among the chunks to write as they are: Encode writes it itself", ch.ID)
			}
			if int64(len(ch.Data)) > maxChunkPayload {
				return l, specErr("chunk %s of %d bytes (%d at most)", ch.ID, len(ch.Data), int64(maxChunkPayload))
			}
			extra += int64(len(ch.Data))
			if extra > 1<<40 {
				return l, specErr("more than 2^40 bytes of chunks to write as they are")
			}
		}
	}
	l.before = chunksSize(c, s.Before)
	hdr := int64(8)
	var base int64
	if c == ContainerWave64 {
		// riff+size+wave, fmt chunk aligned to 8, fact with a 64-bit count.
		hdr = w64Header
		base = int64(40) + align8(int64(w64Header+l.fmtLen))
		if l.fact {
			base += w64Header + 8
		}
	} else {
		// RIFF header, JUNK or ds64 (8+28), fmt, fact.
		base = int64(12 + 36 + 8 + l.fmtLen)
		if l.fact {
			base += 12
		}
	}
	base += l.before
	l.pad = -1
	switch {
	case s.Spare > 0:
		// The data chunk's header ends at a multiple of SpareAlign,
		// with a padding chunk of at least Spare bytes before it.
		end := (base + hdr + int64(s.Spare) + hdr + SpareAlign - 1) / SpareAlign * SpareAlign
		l.pad = int(end - hdr - hdr - base)
		base += hdr + int64(l.pad)
	case c == ContainerWave64 && (base+w64Header)%16 != 0:
		// A junk chunk of 40 bytes moves the data by 8 modulo 16 (one
		// of 24, the shortest, is rejected by ffmpeg).
		l.pad = 16
		base += w64Header + int64(l.pad)
	case c != ContainerWave64 && (base+8)%16 != 0:
		l.pad = int((16 + 8 - (base+8)%16) % 16) // chunk of 8+pad bytes
		base += 8 + int64(l.pad)
	}
	l.size = base + hdr
	return l, nil
}

// chunksSize returns the bytes that chunks take in container c: headers,
// payloads and the pad byte of odd payloads, or the zeros up to a
// multiple of 8 in Wave64.
func chunksSize(c Container, chunks []RawChunk) int64 {
	var n int64
	for _, ch := range chunks {
		if c == ContainerWave64 {
			n += align8(w64Header + int64(len(ch.Data)))
		} else {
			n += 8 + int64(len(ch.Data)) + int64(len(ch.Data)&1)
		}
	}
	return n
}

// HeaderSize returns the length of the header Encode writes for s: the
// byte offset of the first audio byte. It is a multiple of 16 (of
// SpareAlign when s.Spare is set) and does not depend on s.DataSize or
// s.After.
func HeaderSize(s Spec) (int64, error) {
	l, err := s.plan()
	if err != nil {
		return 0, err
	}
	return l.size, nil
}

// Encode returns the complete header of a WAVE file described by s:
// everything before the first audio byte, which starts at an offset that
// is a multiple of 16.
//
// For RIFF, RF64 and BW64 the header is the container header, a 36-byte
// JUNK chunk (a ds64 chunk in RF64 and BW64), fmt, fact for every format
// but PCM, a JUNK chunk padding the data to a multiple of 16 when needed,
// and the data chunk header. A RIFF header whose sizes do not fit 32 bits
// is written as RF64, its ds64 in place of the JUNK chunk, with the same
// length: a file can be rewritten in place when it grows past 4 GiB.
// Encode with any DataSize returns a header of the same length for a
// given Spec otherwise. The chunks of s.Before come after fmt and fact,
// before the padding chunk; with s.Spare the padding chunk holds at least
// that many bytes and the data starts at a multiple of SpareAlign.
//
// The container size counts the bytes Trailer returns for s.After, which
// the caller writes after the audio.
//
// fmt is the 16-byte PCMWAVEFORMAT for PCM of at most 2 channels and 16
// bits with all bits valid and no channel mask, the 18-byte WAVEFORMATEX
// for float of at most 2 channels and for A-law and mu-law, and the 40-byte
// WAVE_FORMAT_EXTENSIBLE otherwise (and for any channel mask).
func Encode(s Spec) ([]byte, error) {
	l, err := s.plan()
	if err != nil {
		return nil, err
	}
	// The header with every size field zero, then the fields.
	var b []byte
	var chunks []Chunk
	if l.container == ContainerWave64 {
		b, chunks = encodeW64(s, l)
	} else {
		b, chunks = encodeRIFF(s, l)
	}
	if int64(len(b)) != l.size {
		return nil, fmt.Errorf("riff: internal error: header of %d bytes, planned %d", len(b), l.size)
	}
	sz := NewSizes(l.container, chunks, l.size, l.blockAlign)
	end := sz.End(s.DataSize)
	if s.DataSize >= 0 {
		end = l.size + s.DataSize + trailerSize(l.container, s.DataSize, s.After)
	}
	_, fields, err := sz.Fields(s.DataSize, end)
	if err != nil {
		return nil, fmt.Errorf("riff: internal error: %w", err)
	}
	for _, f := range fields {
		f.Put(b[f.Offset:])
	}
	return b, nil
}

var le = binary.LittleEndian

// fmtPayload returns the payload of the fmt chunk.
func fmtPayload(s Spec, l layout) []byte {
	tag := s.Tag
	if l.ext {
		tag = TagExtensible
	}
	b := make([]byte, 0, l.fmtLen)
	b = le.AppendUint16(b, tag)
	b = le.AppendUint16(b, uint16(s.Channels))
	b = le.AppendUint32(b, uint32(s.SampleRate))
	b = le.AppendUint32(b, uint32(s.SampleRate*int64(l.blockAlign)))
	b = le.AppendUint16(b, uint16(l.blockAlign))
	b = le.AppendUint16(b, uint16(s.BitsPerSample))
	switch {
	case l.ext:
		b = le.AppendUint16(b, 22)
		b = le.AppendUint16(b, uint16(l.validBits))
		b = le.AppendUint32(b, s.ChannelMask)
		g := subtypeGUID(s.Tag)
		b = append(b, g[:]...)
	case l.fmtLen == 18:
		b = le.AppendUint16(b, 0)
	}
	return b
}

// encodeRIFF writes the RIFF, RF64 or BW64 header with its size fields
// zero, and returns it with its chunks (the data chunk's Size is
// s.DataSize).
func encodeRIFF(s Spec, l layout) ([]byte, []Chunk) {
	b := make([]byte, 0, l.size)
	var chunks []Chunk
	chunk := func(id FourCC, payload []byte, size int64) {
		off := int64(len(b))
		b = append(b, id[:]...)
		b = le.AppendUint32(b, uint32(len(payload)))
		b = append(b, payload...)
		chunks = append(chunks, Chunk{ID: id, Offset: off, DataOffset: off + 8, Declared: size, Size: size})
	}
	switch l.container {
	case ContainerRF64:
		b = append(b, IDRF64[:]...)
	case ContainerBW64:
		b = append(b, IDBW64[:]...)
	default:
		b = append(b, IDRIFF[:]...)
	}
	b = le.AppendUint32(b, 0)
	b = append(b, IDWAVE[:]...)
	// ds64, or a JUNK chunk that Sizes.Fields turns into one when the
	// sizes outgrow 32 bits.
	if l.container == ContainerRIFF {
		chunk(IDJUNK, make([]byte, ds64MinSize), ds64MinSize)
	} else {
		chunk(IDDS64, make([]byte, ds64MinSize), ds64MinSize)
	}
	chunk(IDFmt, fmtPayload(s, l), int64(l.fmtLen))
	if l.fact {
		chunk(IDFact, make([]byte, 4), 4)
	}
	for _, ch := range s.Before {
		chunk(ch.ID, ch.Data, int64(len(ch.Data)))
		if len(ch.Data)&1 == 1 {
			b = append(b, 0)
		}
	}
	if l.pad >= 0 {
		chunk(IDJUNK, make([]byte, l.pad), int64(l.pad))
	}
	chunk(IDData, nil, s.DataSize)
	return b, chunks
}

// encodeW64 writes the Sony Wave64 header with its size fields zero, and
// returns it with its chunks (the data chunk's Size is s.DataSize).
func encodeW64(s Spec, l layout) ([]byte, []Chunk) {
	b := make([]byte, 0, l.size)
	var chunks []Chunk
	chunk := func(guid [16]byte, payload []byte, size int64) {
		off := int64(len(b))
		b = append(b, guid[:]...)
		b = le.AppendUint64(b, uint64(w64Header+len(payload)))
		b = append(b, payload...)
		for len(b)%8 != 0 {
			b = append(b, 0)
		}
		chunks = append(chunks, Chunk{ID: w64ChunkID(guid), Offset: off, DataOffset: off + w64Header, Declared: size, Size: size})
	}
	b = append(b, w64RIFF[:]...)
	b = le.AppendUint64(b, 0)
	b = append(b, w64WAVE[:]...)
	chunk(w64Fmt, fmtPayload(s, l), int64(l.fmtLen))
	if l.fact {
		chunk(w64Fact, make([]byte, 8), 8)
	}
	for _, ch := range s.Before {
		chunk(W64GUID(ch.ID), ch.Data, int64(len(ch.Data)))
	}
	if l.pad >= 0 {
		chunk(w64Junk, make([]byte, l.pad), int64(l.pad))
	}
	chunk(w64Data, nil, s.DataSize)
	return b, chunks
}

// trailerSize returns the length of what Trailer returns.
func trailerSize(c Container, n int64, chunks []RawChunk) int64 {
	switch {
	case c != ContainerWave64:
		return n&1 + chunksSize(c, chunks)
	case len(chunks) == 0:
		return 0
	}
	return align8(n) - n + chunksSize(c, chunks)
}

// Trailer returns the bytes that follow n bytes of audio (n >= 0) in
// container c, the chunks after it included: in RIFF, RF64 and BW64 the
// pad byte of odd audio, then the chunks, each with the pad byte of an
// odd payload; in Wave64, when there are chunks, zeros up to a multiple
// of 8, then the chunks, each padded to a multiple of 8 (a Wave64 file
// without chunks after its audio ends right after it). Encode's container
// size counts these bytes for the chunks of Spec.After.
func Trailer(c Container, n int64, chunks []RawChunk) ([]byte, error) {
	if n < 0 {
		return nil, specErr("a trailer after an unknown amount of audio")
	}
	for _, ch := range chunks {
		if reserved(ch.ID) {
			return nil, specErr("a %s chunk among the chunks to write as they are: Encode writes it itself", ch.ID)
		}
		if int64(len(ch.Data)) > maxChunkPayload {
			return nil, specErr("chunk %s of %d bytes (%d at most)", ch.ID, len(ch.Data), int64(maxChunkPayload))
		}
	}
	b := make([]byte, trailerSize(c, n, chunks)-chunksSize(c, chunks), trailerSize(c, n, chunks))
	for _, ch := range chunks {
		if c == ContainerWave64 {
			g := W64GUID(ch.ID)
			b = append(b, g[:]...)
			b = le.AppendUint64(b, uint64(w64Header+len(ch.Data)))
			b = append(b, ch.Data...)
			for (n+int64(len(b)))%8 != 0 { // the audio starts at a multiple of 8
				b = append(b, 0)
			}
			continue
		}
		b = append(b, ch.ID[:]...)
		b = le.AppendUint32(b, uint32(len(ch.Data)))
		b = append(b, ch.Data...)
		if len(ch.Data)&1 == 1 {
			b = append(b, 0)
		}
	}
	return b, nil
}
