package wavemap

// Sample is the set of Go types a mapped file can be viewed as. Each
// Encoding has exactly one: uint8 (u8), int16 (s16), Int24 (s24), int32
// (s32), float32 (f32), float64 (f64), ALaw (alaw) and MuLaw (ulaw), and
// for the big-endian samples of RIFX files Int16BE (s16be), Int24BE
// (s24be), Int32BE (s32be), Float32BE (f32be) and Float64BE (f64be). The
// set lists exact types, not ~T, because the type must match the bytes in
// the file.
type Sample interface {
	uint8 | int16 | Int24 | int32 | float32 | float64 | ALaw | MuLaw |
		Int16BE | Int24BE | Int32BE | Float32BE | Float64BE
}

// Int24 is one packed little-endian signed 24-bit sample, exactly as stored
// in a 24-bit WAVE file, so that a []Int24 can be mapped over the file.
type Int24 [3]byte

// Int24 range limits.
const (
	MaxInt24 = 1<<23 - 1
	MinInt24 = -1 << 23
)

// Int32 returns the sample's value, sign-extended.
func (s Int24) Int32() int32 {
	return int32(uint32(s[0])<<8|uint32(s[1])<<16|uint32(s[2])<<24) >> 8
}

// Int24From returns v as an Int24, clipped to [MinInt24, MaxInt24].
func Int24From(v int32) Int24 {
	if v > MaxInt24 {
		v = MaxInt24
	} else if v < MinInt24 {
		v = MinInt24
	}
	return Int24{byte(v), byte(v >> 8), byte(v >> 16)}
}

// Set stores v, clipped to [MinInt24, MaxInt24].
func (s *Int24) Set(v int32) { *s = Int24From(v) }

// ALaw is one G.711 A-law code, as stored in the file. Int16 decodes it.
type ALaw uint8

// MuLaw is one G.711 mu-law code, as stored in the file. Int16 decodes it.
type MuLaw uint8

// Int16 returns the linear value of the code per G.711 (13 significant
// bits, scaled to the 16-bit range: at most ±32256).
func (c ALaw) Int16() int16 { return alawDecode[c] }

// Int16 returns the linear value of the code per G.711 (14 significant
// bits, scaled to the 16-bit range: at most ±32124).
func (c MuLaw) Int16() int16 { return mulawDecode[c] }

// ALawFrom returns the A-law code for v (G.711 quantisation, which
// truncates toward the segment's lower level).
func ALawFrom(v int16) ALaw { return alawEncode(v) }

// MuLawFrom returns the mu-law code for v (G.711 quantisation; values past
// ±32635 saturate).
func MuLawFrom(v int16) MuLaw { return mulawEncode(v) }

// encodingOf returns the Encoding whose Go type is T.
func encodingOf[T Sample]() Encoding {
	var z T
	switch any(z).(type) {
	case uint8:
		return EncodingUint8
	case int16:
		return EncodingInt16
	case Int24:
		return EncodingInt24
	case int32:
		return EncodingInt32
	case float32:
		return EncodingFloat32
	case float64:
		return EncodingFloat64
	case ALaw:
		return EncodingALaw
	case MuLaw:
		return EncodingMuLaw
	case Int16BE:
		return EncodingInt16BE
	case Int24BE:
		return EncodingInt24BE
	case Int32BE:
		return EncodingInt32BE
	case Float32BE:
		return EncodingFloat32BE
	case Float64BE:
		return EncodingFloat64BE
	}
	panic("unreachable")
}
