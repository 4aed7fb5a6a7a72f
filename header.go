package wavemap

import (
	"errors"
	"fmt"
	"math"

	"github.com/wavemap/wavemap/internal/riff"
)

// FourCC is a four-character chunk identifier such as "fmt " or "LIST".
// Wave64's GUID chunk identifiers are reported as the FourCC they stand for.
type FourCC [4]byte

// String returns the identifier as text, quoted and escaped if it holds
// bytes outside printable ASCII.
func (c FourCC) String() string { return riff.FourCC(c).String() }

// Chunk describes one chunk of a file.
type Chunk struct {
	ID         FourCC
	Offset     int64 // byte offset of the chunk header
	DataOffset int64 // byte offset of the payload
	Declared   int64 // payload size the header claims (-1: a streaming sentinel)
	Size       int64 // payload bytes actually present and used
}

// Tag is one LIST/INFO text entry, such as INAM (title) or ISFT (software).
type Tag struct {
	ID    FourCC
	Value string
}

// Header is what a file's header says, after every correction.
type Header struct {
	Container Container
	Format    Format
	// FormatTag is the effective WAVE format tag (1 PCM, 3 IEEE float,
	// 6 A-law, 7 mu-law), after resolving WAVE_FORMAT_EXTENSIBLE.
	FormatTag uint16
	// Extensible reports whether the fmt chunk is WAVE_FORMAT_EXTENSIBLE.
	Extensible bool
	// DataOffset is the byte offset of the first audio byte; Frames the
	// number of whole frames mapped from there.
	DataOffset int64
	Frames     int64
	Chunks     []Chunk   // every chunk in file order (none for raw files)
	Tags       []Tag     // LIST/INFO entries
	Warnings   []Warning // recoverable problems, in file order
}

// Chunk returns the first chunk with the given id.
func (h *Header) Chunk(id FourCC) (Chunk, bool) {
	for _, c := range h.Chunks {
		if c.ID == id {
			return c, true
		}
	}
	return Chunk{}, false
}

// Tag returns the value of the first LIST/INFO entry with the given id
// (such as "INAM"), and whether there was one.
func (h *Header) Tag(id string) (string, bool) {
	for _, t := range h.Tags {
		if string(t.ID[:]) == id {
			return t.Value, true
		}
	}
	return "", false
}

func riffWarningKind(k WarningKind) riff.WarningKind { return riff.WarningKind(k) }

func fromRIFFWarning(w riff.Warning) Warning {
	return Warning{Kind: WarningKind(w.Kind), Offset: w.Offset, Chunk: FourCC(w.Chunk), Msg: w.Msg}
}

// fromRIFFError turns a parse error into a *FormatError wrapping the
// matching sentinel.
func fromRIFFError(name string, err error) error {
	var re *riff.Error
	if !errors.As(err, &re) {
		return err
	}
	fe := &FormatError{Name: name, Offset: re.Offset, Chunk: FourCC(re.Chunk), Tag: re.Tag, Msg: re.Msg}
	switch re.Kind {
	case riff.ErrNotWAVE:
		fe.Err = ErrNotWAVE
	case riff.ErrNoFormat:
		fe.Err = ErrNoFormat
	case riff.ErrNoData:
		fe.Err = ErrNoData
	case riff.ErrUnsupported:
		fe.Err = ErrUnsupported
	case riff.ErrIO:
		// fe.Err becomes the reader's own error below.
	case riff.ErrStrict:
		if re.Warning != nil {
			fe.Err = fromRIFFWarning(*re.Warning)
		}
	default:
		fe.Err = ErrInvalid
	}
	if re.Err != nil {
		if fe.Err == nil {
			fe.Err = re.Err
		} else {
			fe.Err = fmt.Errorf("%w: %w", fe.Err, re.Err)
		}
	}
	if fe.Err == nil {
		fe.Err = ErrInvalid
	}
	return fe
}

// headerFromRIFF decides what the samples are: it maps the parsed fmt chunk
// onto an Encoding, or fails with ErrUnsupported.
func headerFromRIFF(name string, rh *riff.Header) (*Header, error) {
	f := rh.Fmt
	h := &Header{
		FormatTag:  f.SubFormat,
		Extensible: f.Extensible,
		DataOffset: rh.DataOffset,
	}
	switch rh.Container {
	case riff.ContainerRF64:
		h.Container = RF64
	case riff.ContainerBW64:
		h.Container = BW64
	case riff.ContainerWave64:
		h.Container = Wave64
	case riff.ContainerRIFX:
		h.Container = RIFX
	default:
		h.Container = RIFF
	}
	unsupported := func(msg string, args ...any) error {
		return &FormatError{Name: name, Offset: rh.FmtOffset, Chunk: FourCC(riff.IDFmt), Tag: f.SubFormat,
			Msg: fmt.Sprintf(msg, args...), Err: ErrUnsupported}
	}
	if f.Channels < 1 || f.BlockAlign < 1 || f.BlockAlign%f.Channels != 0 {
		return nil, &FormatError{Name: name, Offset: rh.FmtOffset, Chunk: FourCC(riff.IDFmt),
			Msg: fmt.Sprintf("block align %d does not hold %d channels", f.BlockAlign, f.Channels), Err: ErrInvalid}
	}
	width := f.BlockAlign / f.Channels // container bytes per sample
	var enc Encoding
	switch f.SubFormat {
	case riff.TagPCM:
		switch width {
		case 1:
			enc = EncodingUint8
		case 2:
			enc = EncodingInt16
		case 3:
			enc = EncodingInt24
		case 4:
			enc = EncodingInt32
		default:
			return nil, unsupported("%d-byte integer samples cannot be mapped", width)
		}
	case riff.TagFloat:
		switch width {
		case 4:
			enc = EncodingFloat32
		case 8:
			enc = EncodingFloat64
		default:
			return nil, unsupported("%d-byte floating-point samples cannot be mapped", width)
		}
	case riff.TagALaw, riff.TagMuLaw:
		if width != 1 {
			return nil, unsupported("G.711 in %d-byte containers cannot be mapped", width)
		}
		enc = EncodingALaw
		if f.SubFormat == riff.TagMuLaw {
			enc = EncodingMuLaw
		}
	default:
		return nil, unsupported("format tag %#04x cannot be mapped", f.SubFormat)
	}
	if rh.BigEndian {
		enc = enc.WithOrder(true) // RIFX: s16be ... (u8, A-law and mu-law stay)
	}
	valid := f.BitsPerSample
	if f.ValidBits > 0 && f.ValidBits < valid {
		valid = f.ValidBits
	}
	if valid >= enc.Bits() || enc.IsFloat() || enc == EncodingALaw || enc == EncodingMuLaw {
		valid = 0
	}
	rate := rh.Fmt.SampleRate
	rate = min(rate, int64(^uint32(0)), math.MaxInt)
	h.Format = Format{Encoding: enc, Channels: f.Channels, SampleRate: int(rate), ValidBits: valid, ChannelMask: f.ChannelMask}
	h.Frames = rh.DataSize / int64(f.BlockAlign)
	for _, c := range rh.Chunks {
		h.Chunks = append(h.Chunks, Chunk{ID: FourCC(c.ID), Offset: c.Offset, DataOffset: c.DataOffset, Declared: c.Declared, Size: c.Size})
	}
	for _, t := range rh.Tags {
		h.Tags = append(h.Tags, Tag{ID: FourCC(t.ID), Value: t.Value})
	}
	for _, w := range rh.Warnings {
		h.Warnings = append(h.Warnings, fromRIFFWarning(w))
	}
	return h, nil
}
