package wavemap

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Bext is the Broadcast Audio Extension chunk of a Broadcast Wave file
// (EBU Tech 3285, versions 0, 1 and 2): every field of its 602 fixed bytes,
// then the coding history. Byte offsets in the chunk are given in the
// field comments.
//
// ParseBext and Encode round-trip any chunk of 602 bytes or more byte for
// byte: a text field keeps whatever follows a NUL inside it (see Text),
// Reserved keeps the reserved bytes as they are, the loudness fields are
// read whatever the version, and HistoryPadding counts the NULs that end
// the chunk.
type Bext struct {
	Description         Text // 0, 256 bytes: free description of the sound sequence
	Originator          Text // 256, 32 bytes: name of the originator
	OriginatorReference Text // 288, 32 bytes: unambiguous reference given by the originator
	OriginationDate     Text // 320, 10 bytes: "yyyy-mm-dd"
	OriginationTime     Text // 330, 8 bytes: "hh-mm-ss" (often "hh:mm:ss")
	// TimeReference (338, low then high 32-bit word) is the position of
	// the first sample of the file, in samples since midnight at the
	// file's sample rate.
	TimeReference uint64
	Version       uint16   // 346: 0, 1 (UMID) or 2 (loudness)
	UMID          [64]byte // 348: SMPTE 330M UMID (version 1 and later); a basic UMID leaves the last 32 bytes zero
	// The loudness fields of version 2 (412 to 421), each 100 times the
	// value as stored, rounded: integrated loudness (LUFS), loudness range
	// (LU), maximum true peak (dBTP), maximum momentary and short-term
	// loudness (LUFS). LoudnessNotSet (0x7FFF) marks a value that was not
	// measured. In versions 0 and 1 these bytes are reserved and zero.
	LoudnessValue        int16
	LoudnessRange        int16
	MaxTruePeakLevel     int16
	MaxMomentaryLoudness int16
	MaxShortTermLoudness int16
	Reserved             [180]byte // 422: reserved, zero in versions 1 and 2
	// CodingHistory (602 to the end) is the history of coding processes
	// applied to the audio, one CR/LF-terminated line each (EBU R 98).
	CodingHistory Text
	// HistoryPadding is the number of NUL bytes that end the chunk after
	// CodingHistory: ffmpeg writes one, a terminator; some writers reserve
	// room with many. Encode writes as many.
	HistoryPadding int
}

// BextFixedSize is the size of the fixed part of a bext chunk, before the
// coding history.
const BextFixedSize = 602

// LoudnessNotSet is the value of a version-2 bext loudness field that
// holds no measurement (0x7FFF, the largest int16).
const LoudnessNotSet int16 = 0x7FFF

var idBext = FourCC{'b', 'e', 'x', 't'}

// ParseBext decodes the payload of a bext chunk. A payload shorter than
// the 602 fixed bytes is an error wrapping ErrInvalid; anything from 602
// bytes on is read, the bytes after 602 being the coding history. The
// Bext shares no memory with b.
func ParseBext(b []byte) (*Bext, error) {
	if len(b) < BextFixedSize {
		return nil, fmt.Errorf("%w: bext chunk of %d bytes, shorter than its %d fixed bytes", ErrInvalid, len(b), BextFixedSize)
	}
	le := binary.LittleEndian
	x := &Bext{
		Description:          textField(b[0:256]),
		Originator:           textField(b[256:288]),
		OriginatorReference:  textField(b[288:320]),
		OriginationDate:      textField(b[320:330]),
		OriginationTime:      textField(b[330:338]),
		TimeReference:        uint64(le.Uint32(b[338:])) | uint64(le.Uint32(b[342:]))<<32,
		Version:              le.Uint16(b[346:]),
		LoudnessValue:        int16(le.Uint16(b[412:])),
		LoudnessRange:        int16(le.Uint16(b[414:])),
		MaxTruePeakLevel:     int16(le.Uint16(b[416:])),
		MaxMomentaryLoudness: int16(le.Uint16(b[418:])),
		MaxShortTermLoudness: int16(le.Uint16(b[420:])),
	}
	copy(x.UMID[:], b[348:412])
	copy(x.Reserved[:], b[422:602])
	hist := b[BextFixedSize:]
	x.CodingHistory = textField(hist)
	x.HistoryPadding = len(hist) - len(x.CodingHistory)
	return x, nil
}

// Encode returns the payload of a bext chunk holding b. Text fields longer
// than their field are cut to fit (between UTF-8 characters when the text
// is UTF-8); a negative HistoryPadding counts as none.
func (b *Bext) Encode() []byte {
	out := make([]byte, BextFixedSize, BextFixedSize+len(b.CodingHistory)+max(b.HistoryPadding, 0))
	le := binary.LittleEndian
	putField(out[0:256], b.Description)
	putField(out[256:288], b.Originator)
	putField(out[288:320], b.OriginatorReference)
	putField(out[320:330], b.OriginationDate)
	putField(out[330:338], b.OriginationTime)
	le.PutUint32(out[338:], uint32(b.TimeReference))
	le.PutUint32(out[342:], uint32(b.TimeReference>>32))
	le.PutUint16(out[346:], b.Version)
	copy(out[348:412], b.UMID[:])
	le.PutUint16(out[412:], uint16(b.LoudnessValue))
	le.PutUint16(out[414:], uint16(b.LoudnessRange))
	le.PutUint16(out[416:], uint16(b.MaxTruePeakLevel))
	le.PutUint16(out[418:], uint16(b.MaxMomentaryLoudness))
	le.PutUint16(out[420:], uint16(b.MaxShortTermLoudness))
	copy(out[422:602], b.Reserved[:])
	out = append(out, b.CodingHistory...)
	return append(out, make([]byte, max(b.HistoryPadding, 0))...)
}

// loudness returns pointers to the five loudness fields.
func (b *Bext) loudness() [5]*int16 {
	return [5]*int16{&b.LoudnessValue, &b.LoudnessRange, &b.MaxTruePeakLevel, &b.MaxMomentaryLoudness, &b.MaxShortTermLoudness}
}

// LoudnessSet reports whether b holds a loudness measurement: it is of
// version 2 or later and one of its loudness fields is not
// LoudnessNotSet. (In versions 0 and 1 those bytes are reserved.)
func (b *Bext) LoudnessSet() bool {
	if b.Version < 2 {
		return false
	}
	for _, p := range b.loudness() {
		if *p != LoudnessNotSet {
			return true
		}
	}
	return false
}

// ClearLoudness marks the loudness fields as not measured: LoudnessNotSet
// in a chunk of version 2 or later, zero (the reserved value) in versions
// 0 and 1.
func (b *Bext) ClearLoudness() {
	v := LoudnessNotSet
	if b.Version < 2 {
		v = 0
	}
	for _, p := range b.loudness() {
		*p = v
	}
}

// SetLoudness stores the measurement l in b's loudness fields, as EBU
// Tech 3285 version 2 defines them: LoudnessValue from l.Integrated,
// LoudnessRange from l.Range, MaxTruePeakLevel from l.TruePeakDB(),
// MaxMomentaryLoudness and MaxShortTermLoudness from l.MomentaryMax and
// l.ShortTermMax, each 100 times the value, rounded to nearest (half
// away from 0), and clamped to -327.68 .. 327.66. A value that l does not
// define gets LoudnessNotSet: a loudness of -Inf (silence, or too short
// a signal for its window), a true peak not measured (NaN) or of silence,
// and the loudness range when no 3 s window exists (the file is shorter
// than 3 s). A Version below 2 becomes 2 (the reserved bytes that the
// loudness fields take in versions 0 and 1 are zero there, as Tech 3285
// asks); every other field is left as it is.
func (b *Bext) SetLoudness(l *Loudness) {
	b.Version = max(b.Version, 2)
	b.LoudnessValue = bextLevel(l.Integrated)
	b.LoudnessRange = bextLevel(l.Range)
	if math.IsInf(l.ShortTermMax, -1) || math.IsNaN(l.ShortTermMax) {
		b.LoudnessRange = LoudnessNotSet
	}
	b.MaxTruePeakLevel = bextLevel(l.TruePeakDB())
	b.MaxMomentaryLoudness = bextLevel(l.MomentaryMax)
	b.MaxShortTermLoudness = bextLevel(l.ShortTermMax)
}

// bextLevel is v in a bext loudness field: 100·v rounded and clamped, or
// LoudnessNotSet for a value that is not finite.
func bextLevel(v float64) int16 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return LoudnessNotSet
	}
	return int16(min(max(math.Round(100*v), math.MinInt16), float64(LoudnessNotSet-1)))
}

// Bext decodes the first bext chunk of m. It returns false when there is
// none, and an error when the chunk cannot be read (see ParseBext).
func (m *Metadata) Bext() (*Bext, bool, error) {
	b, ok := m.Get(idBext)
	if !ok {
		return nil, false, nil
	}
	x, err := ParseBext(b)
	return x, true, err
}

// SetBext stores b as the bext chunk of m, in place of the first one
// (others are removed), or before the data chunk when there is none. A nil
// b removes every bext chunk.
func (m *Metadata) SetBext(b *Bext) {
	if b == nil {
		m.Delete(idBext)
		return
	}
	m.Set(RawChunk{ID: idBext, Data: b.Encode()})
}
