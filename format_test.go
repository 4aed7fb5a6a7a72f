package wavemap_test

import (
	"errors"
	"testing"

	"github.com/wavemap/wavemap"
)

func TestParseEncodingNames(t *testing.T) {
	for _, c := range []struct {
		name string
		want wavemap.Encoding
	}{
		{"s16", wavemap.EncodingInt16}, {"S16", wavemap.EncodingInt16}, {"pcm_s16le", wavemap.EncodingInt16},
		{"PCM_S24LE", wavemap.EncodingInt24}, {" int32 ", wavemap.EncodingInt32},
		{"F32", wavemap.EncodingFloat32}, {"float", wavemap.EncodingFloat32}, {"f32le", wavemap.EncodingFloat32},
		{"flt", wavemap.EncodingFloat32}, {"double", wavemap.EncodingFloat64}, {"pcm_f64le", wavemap.EncodingFloat64},
		{"u8", wavemap.EncodingUint8}, {"pcm_u8", wavemap.EncodingUint8},
		{"A-law", wavemap.EncodingALaw}, {"pcm_alaw", wavemap.EncodingALaw}, {"MULAW", wavemap.EncodingMuLaw},
		{"pcm_mulaw", wavemap.EncodingMuLaw}, {"pcm_s16be", wavemap.EncodingInt16BE}, {"F64BE", wavemap.EncodingFloat64BE},
	} {
		got, err := wavemap.ParseEncoding(c.name)
		if err != nil || got != c.want {
			t.Errorf("ParseEncoding(%q) = %v, %v; want %v", c.name, got, err, c.want)
		}
	}
	// Every encoding's own name parses back to it.
	for _, e := range []wavemap.Encoding{wavemap.EncodingUint8, wavemap.EncodingInt16, wavemap.EncodingInt24,
		wavemap.EncodingInt32, wavemap.EncodingFloat32, wavemap.EncodingFloat64, wavemap.EncodingALaw,
		wavemap.EncodingMuLaw, wavemap.EncodingInt16BE, wavemap.EncodingInt24BE, wavemap.EncodingInt32BE,
		wavemap.EncodingFloat32BE, wavemap.EncodingFloat64BE} {
		if got, err := wavemap.ParseEncoding(e.String()); err != nil || got != e {
			t.Errorf("ParseEncoding(%q) = %v, %v", e.String(), got, err)
		}
	}
	for _, bad := range []string{"s12", "", "16", "pcm_s8", "float16"} {
		if _, err := wavemap.ParseEncoding(bad); !errors.Is(err, wavemap.ErrArgument) {
			t.Errorf("ParseEncoding(%q): err %v, want ErrArgument", bad, err)
		}
	}
}
