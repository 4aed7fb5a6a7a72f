// Package riff parses and writes the headers of WAVE files: RIFF, RIFX
// (big-endian RIFF), RF64, BW64 and Sony Wave64.
//
// It knows bytes and chunks only. It never maps memory, so it can be fuzzed
// on arbitrary input and shared by the memory-mapped File and the streaming
// Reader in the root package. Every size read from a header is treated as a
// claim: all arithmetic is done in int64 with overflow checks and every
// offset is bounded by the size of the input.
package riff

import "fmt"

// FourCC is a four-character chunk identifier such as "fmt " or "data".
// Wave64 GUID chunk identifiers are mapped to the FourCC they stand for.
type FourCC [4]byte

// Common chunk identifiers.
var (
	IDRIFF = FourCC{'R', 'I', 'F', 'F'}
	IDRIFX = FourCC{'R', 'I', 'F', 'X'}
	IDRF64 = FourCC{'R', 'F', '6', '4'}
	IDBW64 = FourCC{'B', 'W', '6', '4'}
	IDWAVE = FourCC{'W', 'A', 'V', 'E'}
	IDFmt  = FourCC{'f', 'm', 't', ' '}
	IDData = FourCC{'d', 'a', 't', 'a'}
	IDFact = FourCC{'f', 'a', 'c', 't'}
	IDDS64 = FourCC{'d', 's', '6', '4'}
	IDJUNK = FourCC{'J', 'U', 'N', 'K'}
	IDLIST = FourCC{'L', 'I', 'S', 'T'}
	IDINFO = FourCC{'I', 'N', 'F', 'O'}
)

// String returns the identifier as text, with bytes outside printable ASCII
// escaped.
func (c FourCC) String() string {
	for _, b := range c {
		if b < 0x20 || b > 0x7e {
			return fmt.Sprintf("%q", string(c[:]))
		}
	}
	return string(c[:])
}

// Container is the outer file format.
type Container uint8

// Containers recognised by Parse.
const (
	ContainerRIFF Container = iota + 1
	ContainerRF64
	ContainerBW64
	ContainerWave64
	// ContainerRIFX is big-endian RIFF: the same chunks, every size and
	// fmt field stored big-endian (and the samples too). It has no 64-bit
	// variant: its sizes stop at 4 GiB.
	ContainerRIFX
)

// String returns the container's conventional name: RIFF, RF64, BW64, W64
// or RIFX.
func (c Container) String() string {
	switch c {
	case ContainerRIFF:
		return "RIFF"
	case ContainerRF64:
		return "RF64"
	case ContainerBW64:
		return "BW64"
	case ContainerWave64:
		return "W64"
	case ContainerRIFX:
		return "RIFX"
	}
	return fmt.Sprintf("Container(%d)", uint8(c))
}

// Chunk describes one chunk found in the file.
type Chunk struct {
	ID         FourCC
	Offset     int64 // byte offset of the chunk header
	DataOffset int64 // byte offset of the payload
	Declared   int64 // payload size claimed by the header (after ds64 resolution); -1 if unknown (0xFFFFFFFF without ds64)
	Size       int64 // payload bytes actually present and used
}

// Tag is one LIST/INFO text entry, such as INAM (title) or ISFT (software).
type Tag struct {
	ID    FourCC
	Value string // NUL padding removed
}

// Format tags of the fmt chunk (after resolving WAVE_FORMAT_EXTENSIBLE).
const (
	TagPCM        uint16 = 0x0001
	TagADPCM      uint16 = 0x0002
	TagFloat      uint16 = 0x0003
	TagALaw       uint16 = 0x0006
	TagMuLaw      uint16 = 0x0007
	TagGSM610     uint16 = 0x0031
	TagExtensible uint16 = 0xFFFE
)

// Fmt holds the parsed fmt chunk.
type Fmt struct {
	Tag           uint16 // format tag as written (0xFFFE for WAVE_FORMAT_EXTENSIBLE)
	SubFormat     uint16 // effective format tag: Tag, or the tag from the extensible GUID
	GUID          [16]byte
	Extensible    bool
	Channels      int
	SampleRate    int64
	ByteRate      int64
	BlockAlign    int
	BitsPerSample int
	ValidBits     int    // wValidBitsPerSample of WAVE_FORMAT_EXTENSIBLE; 0 if absent
	ChannelMask   uint32 // dwChannelMask of WAVE_FORMAT_EXTENSIBLE; 0 if absent
	Size          int64  // size of the fmt chunk payload
}

// Header is the result of Parse.
type Header struct {
	Container Container
	// BigEndian is the byte order of the header's fields and of the
	// samples: set for RIFX, clear for every other container.
	BigEndian  bool
	Fmt        Fmt
	FmtOffset  int64 // payload offset of the fmt chunk used
	DataOffset int64 // payload offset of the data chunk used
	DataSize   int64 // usable bytes of audio data (after every correction)
	// DataBasis says what the length of the audio was taken from, the
	// data chunk's Size in Chunks (DataSize is that, in whole frames).
	DataBasis DataBasis
	// FactFrames is the sample-frame count from the fact chunk (or the ds64
	// sample count); -1 if the file has none.
	FactFrames int64
	Chunks     []Chunk // every chunk, in file order, the RIFF header excluded (past maxChunks, only those the header needs and the last)
	Tags       []Tag   // LIST/INFO entries
	Warnings   []Warning
}

// DataBasis says what Parse took the length of the audio from when the
// data chunk's declared size could not be used as it stands.
type DataBasis uint8

// Data bases.
const (
	DataDeclared  DataBasis = iota // the declared size (after ds64 resolution), which the file holds
	DataCut                        // the declared size runs past the end of the file: the audio ends there
	DataUnknown                    // a placeholder (0, 0xFFFFFFFF, a ds64 or Wave64 placeholder): the audio runs to the end of the file
	DataWrapped                    // a 32-bit size that wrapped past 4 GiB: the audio runs to the end of the file
	DataContainer                  // the container size claims audio past the declared size: the audio runs to where it ends
	DataTrailing                   // whole frames that are not a chunk follow the declared size to the end of the file: taken as audio
)

// WarningKind classifies a recoverable problem.
type WarningKind uint8

// Warning kinds. Each is a problem seen in real files that a reader can work
// around; the Msg of the Warning says what was assumed.
const (
	WarnRIFFSize        WarningKind = iota + 1 // RIFF/RF64 size disagrees with the file length
	WarnDataSize                               // data chunk declares more bytes than the file holds
	WarnStreamingSize                          // a size of 0 or 0xFFFFFFFF: length taken from the file
	WarnWrappedSize                            // a 32-bit size wrapped past 4 GiB: length taken from the file
	WarnDuplicateChunk                         // a second fmt or data chunk: ignored
	WarnTrailingBytes                          // bytes after the last chunk or the RIFF end
	WarnMissingPad                             // odd-sized chunk without its pad byte (next chunk found one byte early)
	WarnRaggedTail                             // audio bytes not a multiple of the frame size: tail ignored
	WarnTruncatedChunk                         // a non-audio chunk runs past the end of the file
	WarnBadField                               // an inconsistent but ignorable field (byte rate, fact, cbSize...)
	WarnBlockAlign                             // block align disagrees with channels x the container the bits name: the bits trusted
	WarnAmbiguousLayout                        // a layout readers disagree on (24 bits in 4-byte slots): the one assumed is named
)

var warnNames = [...]string{
	WarnRIFFSize:        "riff-size",
	WarnDataSize:        "data-size",
	WarnStreamingSize:   "streaming-size",
	WarnWrappedSize:     "wrapped-size",
	WarnDuplicateChunk:  "duplicate-chunk",
	WarnTrailingBytes:   "trailing-bytes",
	WarnMissingPad:      "missing-pad",
	WarnRaggedTail:      "ragged-tail",
	WarnTruncatedChunk:  "truncated-chunk",
	WarnBadField:        "bad-field",
	WarnBlockAlign:      "block-align",
	WarnAmbiguousLayout: "ambiguous-layout",
}

// String returns a short stable name for the kind, such as "data-size".
func (k WarningKind) String() string {
	if int(k) < len(warnNames) && warnNames[k] != "" {
		return warnNames[k]
	}
	return fmt.Sprintf("WarningKind(%d)", uint8(k))
}

// Warning is a recoverable problem found while parsing.
type Warning struct {
	Kind   WarningKind
	Offset int64  // byte offset of the offending field or chunk
	Chunk  FourCC // chunk concerned; zero if none
	Msg    string // what was found and what was assumed
}

// ErrorKind classifies an unrecoverable problem.
type ErrorKind uint8

// Error kinds.
const (
	ErrNotWAVE     ErrorKind = iota + 1 // not a RIFF/RF64/BW64/Wave64 WAVE file, or too short
	ErrNoFormat                         // no usable fmt chunk
	ErrNoData                           // no data chunk
	ErrUnsupported                      // valid but not mappable: compressed codecs, odd layouts
	ErrInvalid                          // inconsistent fields: block align vs channels and bits, zero channels...
	ErrStrict                           // a warning turned into an error by Options.Strict
	ErrIO                               // the reader failed (Err holds its error)
)

// Error is an unrecoverable problem. The root package turns it into a
// *wavemap.FormatError wrapping the matching sentinel.
type Error struct {
	Kind    ErrorKind
	Offset  int64
	Chunk   FourCC
	Msg     string
	Tag     uint16   // format tag, for ErrUnsupported codecs; 0 otherwise
	Warning *Warning // for ErrStrict
	Err     error    // an underlying I/O error, if any
}

// Error describes the problem with its byte offset and chunk.
func (e *Error) Error() string {
	s := fmt.Sprintf("at byte %d", e.Offset)
	if e.Chunk != (FourCC{}) {
		s += fmt.Sprintf(" (%s chunk)", e.Chunk)
	}
	s += ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying I/O error, if any.
func (e *Error) Unwrap() error { return e.Err }
