package wavemap

import (
	"fmt"
	"math"
	"math/bits"
	"strings"
	"time"
)

// Encoding is the way samples are stored in a file.
type Encoding uint8

// Encodings. The names (as String prints them) are the ones the command-line
// tool uses.
const (
	EncodingUint8   Encoding = iota + 1 // u8: unsigned 8-bit, silence at 128; Go type uint8
	EncodingInt16                       // s16: signed 16-bit little-endian; Go type int16
	EncodingInt24                       // s24: signed 24-bit packed little-endian; Go type Int24
	EncodingInt32                       // s32: signed 32-bit little-endian; Go type int32
	EncodingFloat32                     // f32: IEEE 754 single precision; Go type float32
	EncodingFloat64                     // f64: IEEE 754 double precision; Go type float64
	EncodingALaw                        // alaw: G.711 A-law codes; Go type ALaw
	EncodingMuLaw                       // ulaw: G.711 mu-law codes; Go type MuLaw
	// The big-endian encodings of RIFX files (u8, A-law and mu-law, one
	// byte a sample, are the same in both byte orders).
	EncodingInt16BE   // s16be: signed 16-bit big-endian; Go type Int16BE
	EncodingInt24BE   // s24be: signed 24-bit packed big-endian; Go type Int24BE
	EncodingInt32BE   // s32be: signed 32-bit big-endian; Go type Int32BE
	EncodingFloat32BE // f32be: IEEE 754 single precision, big-endian; Go type Float32BE
	EncodingFloat64BE // f64be: IEEE 754 double precision, big-endian; Go type Float64BE
)

var encodingInfo = [...]struct {
	name, gotype string
	size         int
}{
	EncodingUint8:   {"u8", "uint8", 1},
	EncodingInt16:   {"s16", "int16", 2},
	EncodingInt24:   {"s24", "wavemap.Int24", 3},
	EncodingInt32:   {"s32", "int32", 4},
	EncodingFloat32: {"f32", "float32", 4},
	EncodingFloat64: {"f64", "float64", 8},
	EncodingALaw:    {"alaw", "wavemap.ALaw", 1},
	EncodingMuLaw:   {"ulaw", "wavemap.MuLaw", 1},

	EncodingInt16BE:   {"s16be", "wavemap.Int16BE", 2},
	EncodingInt24BE:   {"s24be", "wavemap.Int24BE", 3},
	EncodingInt32BE:   {"s32be", "wavemap.Int32BE", 4},
	EncodingFloat32BE: {"f32be", "wavemap.Float32BE", 4},
	EncodingFloat64BE: {"f64be", "wavemap.Float64BE", 8},
}

// Valid reports whether e is one of the defined encodings.
func (e Encoding) Valid() bool { return e >= EncodingUint8 && e <= EncodingFloat64BE }

// String returns the short name: u8, s16, s24, s32, f32, f64, alaw, ulaw,
// s16be, s24be, s32be, f32be or f64be.
func (e Encoding) String() string {
	if e.Valid() {
		return encodingInfo[e].name
	}
	return fmt.Sprintf("Encoding(%d)", uint8(e))
}

// GoType returns the name of the Go sample type for e, such as "int16".
func (e Encoding) GoType() string {
	if e.Valid() {
		return encodingInfo[e].gotype
	}
	return "?"
}

// Size returns the bytes one sample takes in the file (0 if e is invalid).
func (e Encoding) Size() int {
	if e.Valid() {
		return encodingInfo[e].size
	}
	return 0
}

// Bits returns the container width in bits (8 for A-law and mu-law).
func (e Encoding) Bits() int { return 8 * e.Size() }

// IsFloat reports whether e is a floating-point encoding.
func (e Encoding) IsFloat() bool {
	switch e {
	case EncodingFloat32, EncodingFloat64, EncodingFloat32BE, EncodingFloat64BE:
		return true
	}
	return false
}

// BigEndian reports whether e stores its samples big-endian: s16be,
// s24be, s32be, f32be and f64be, the encodings of RIFX files.
func (e Encoding) BigEndian() bool { return e >= EncodingInt16BE && e <= EncodingFloat64BE }

// WithOrder returns the encoding of the same samples in the given byte
// order: s16.WithOrder(true) is s16be and s16be.WithOrder(false) is s16.
// u8, A-law and mu-law, one byte a sample, have no byte order and are
// returned as they are, as is an invalid e.
func (e Encoding) WithOrder(bigEndian bool) Encoding {
	le := [...]Encoding{EncodingInt16, EncodingInt24, EncodingInt32, EncodingFloat32, EncodingFloat64}
	for i, be := range [...]Encoding{EncodingInt16BE, EncodingInt24BE, EncodingInt32BE, EncodingFloat32BE, EncodingFloat64BE} {
		switch {
		case bigEndian && e == le[i]:
			return be
		case !bigEndian && e == be:
			return le[i]
		}
	}
	return e
}

// ParseEncoding returns the Encoding with the given name, ignoring case.
// It accepts the short names String prints (u8, s16, s24, s32, f32, f64,
// alaw, ulaw, s16be ... f64be) and the names other tools use for the same
// encodings: int16/float32 and the like, sox's and ffmpeg's sample format
// names (s16le, f32le, pcm_s16le, pcm_f32le, pcm_mulaw, pcm_alaw, u8,
// pcm_u8 ...), and float/double for f32/f64. An unknown name gives an
// error wrapping ErrArgument that lists the accepted short names.
func ParseEncoding(s string) (Encoding, error) {
	if e, ok := encodingNames[strings.ToLower(strings.TrimSpace(s))]; ok {
		return e, nil
	}
	return 0, fmt.Errorf("%w: unknown encoding %q (want u8, s16, s24, s32, f32, f64, alaw, ulaw, or s16be, s24be, s32be, f32be, f64be for big-endian RIFX; ffmpeg names such as pcm_s16le are accepted too)", ErrArgument, s)
}

// encodingNames maps every accepted spelling, in lower case, to its
// Encoding.
var encodingNames = func() map[string]Encoding {
	m := map[string]Encoding{}
	add := func(e Encoding, names ...string) {
		for _, n := range names {
			m[n] = e
		}
	}
	add(EncodingUint8, "u8", "uint8", "pcm_u8")
	add(EncodingInt16, "s16", "int16", "s16le", "pcm_s16le")
	add(EncodingInt24, "s24", "int24", "s24le", "pcm_s24le")
	add(EncodingInt32, "s32", "int32", "s32le", "pcm_s32le")
	add(EncodingFloat32, "f32", "float32", "f32le", "pcm_f32le", "float", "flt")
	add(EncodingFloat64, "f64", "float64", "f64le", "pcm_f64le", "double", "dbl")
	add(EncodingALaw, "alaw", "a-law", "pcm_alaw")
	add(EncodingMuLaw, "ulaw", "mulaw", "mu-law", "u-law", "pcm_mulaw")
	add(EncodingInt16BE, "s16be", "int16be", "pcm_s16be")
	add(EncodingInt24BE, "s24be", "int24be", "pcm_s24be")
	add(EncodingInt32BE, "s32be", "int32be", "pcm_s32be")
	add(EncodingFloat32BE, "f32be", "float32be", "pcm_f32be")
	add(EncodingFloat64BE, "f64be", "float64be", "pcm_f64be")
	return m
}()

// Format describes the samples of a file.
type Format struct {
	Encoding   Encoding
	Channels   int
	SampleRate int
	// ValidBits is the number of meaningful bits inside each sample's
	// container (12 for 12-bit audio stored in 16-bit slots, left-justified
	// as the WAVE format requires). 0 means the whole container.
	ValidBits int
	// ChannelMask is the WAVE_FORMAT_EXTENSIBLE speaker-position mask; 0 if
	// the file has none.
	ChannelMask uint32
}

// FrameSize returns the bytes one frame (one sample of every channel) takes.
func (f Format) FrameSize() int { return f.Encoding.Size() * f.Channels }

// Bits returns the number of meaningful bits per sample: ValidBits if set,
// else the container width.
func (f Format) Bits() int {
	if f.ValidBits != 0 {
		return f.ValidBits
	}
	return f.Encoding.Bits()
}

// Duration returns the playing time of the given number of frames.
func (f Format) Duration(frames int64) time.Duration {
	if f.SampleRate <= 0 || frames <= 0 {
		return 0
	}
	sec := frames / int64(f.SampleRate)
	rem := frames % int64(f.SampleRate)
	if sec > math.MaxInt64/int64(time.Second) {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(sec)*time.Second + time.Duration(rem*int64(time.Second)/int64(f.SampleRate))
}

// maxChannels bounds Channels: the fmt chunk stores a 16-bit count.
const maxChannels = 65535

// Validate reports whether f can describe a file: a valid encoding, 1 to
// 65535 channels, a sample rate of 1 to 2^32-1 Hz, and ValidBits within the
// container (and only for integer encodings).
func (f Format) Validate() error {
	switch {
	case !f.Encoding.Valid():
		return fmt.Errorf("%w: encoding %d", errBadFormat, f.Encoding)
	case f.Channels < 1 || f.Channels > maxChannels:
		return fmt.Errorf("%w: %d channels (want 1 to %d)", errBadFormat, f.Channels, maxChannels)
	case f.SampleRate < 1 || int64(f.SampleRate) > math.MaxUint32:
		return fmt.Errorf("%w: sample rate %d", errBadFormat, f.SampleRate)
	case f.ValidBits < 0 || f.ValidBits > f.Encoding.Bits():
		return fmt.Errorf("%w: %d valid bits in a %d-bit container", errBadFormat, f.ValidBits, f.Encoding.Bits())
	case f.ValidBits != 0 && f.ValidBits != f.Encoding.Bits() &&
		(f.Encoding.IsFloat() || f.Encoding == EncodingALaw || f.Encoding == EncodingMuLaw):
		return fmt.Errorf("%w: valid bits are meaningful for integer PCM only", errBadFormat)
	}
	return nil
}

var errBadFormat = fmt.Errorf("%w: bad format", ErrArgument)

// String returns a short description such as "s16 2ch 48000Hz".
func (f Format) String() string {
	s := fmt.Sprintf("%s %dch %dHz", f.Encoding, f.Channels, f.SampleRate)
	if f.ValidBits != 0 && f.ValidBits != f.Encoding.Bits() {
		s += fmt.Sprintf(" (%d valid bits)", f.ValidBits)
	}
	return s
}

// dataBytes returns frames*FrameSize, or an error when it overflows int64.
func (f Format) dataBytes(frames int64) (int64, error) {
	if frames < 0 {
		return 0, fmt.Errorf("%w: negative frame count %d", ErrArgument, frames)
	}
	hi, lo := bits.Mul64(uint64(frames), uint64(f.FrameSize()))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, fmt.Errorf("%w: %d frames of %d bytes overflow a 64-bit size", ErrSizeLimit, frames, f.FrameSize())
	}
	return int64(lo), nil
}

// Container is the outer file format.
type Container uint8

// Containers. AutoContainer, the zero value, lets Create choose: plain RIFF,
// upgraded to RF64 when the data passes 4 GiB, or RIFX for big-endian
// samples.
const (
	AutoContainer Container = iota
	RIFF                    // classic RIFF/WAVE, 32-bit sizes
	RF64                    // EBU Tech 3306 RF64 (64-bit sizes in a ds64 chunk)
	BW64                    // ITU-R BS.2088 BW64 (RF64 layout, BW64 id)
	Wave64                  // Sony Wave64 (GUID chunk ids, 64-bit sizes)
	RawData                 // headerless samples opened with OpenRaw
	// RIFX is big-endian RIFF (old Mac and SGI tools, sox -B): every
	// header field and the samples big-endian (the s16be ... encodings),
	// 32-bit sizes and no 64-bit variant, so at most 4 GiB.
	RIFX
)

// String returns RIFF, RF64, BW64, W64, raw, RIFX or auto.
func (c Container) String() string {
	switch c {
	case AutoContainer:
		return "auto"
	case RIFF:
		return "RIFF"
	case RF64:
		return "RF64"
	case BW64:
		return "BW64"
	case Wave64:
		return "W64"
	case RawData:
		return "raw"
	case RIFX:
		return "RIFX"
	}
	return fmt.Sprintf("Container(%d)", uint8(c))
}
