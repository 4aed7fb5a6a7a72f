package wavemap_test

import (
	"errors"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// TestCorpus opens every PCM, float, A-law and mu-law file of the corpus
// and compares every sample with an independent decoder.
func TestCorpus(t *testing.T) {
	for _, c := range []struct {
		name     string
		enc      wavemap.Encoding
		channels int
		frames   int64
		valid    int
		oracle   string // "sox" or "ffmpeg" (sox misreads 12-bit files)
		warn     []wavemap.WarningKind
	}{
		{"AFsp/M1F1-Alaw-AFsp.wav", wavemap.EncodingALaw, 2, 23493, 0, "sox", nil},
		{"AFsp/M1F1-AlawWE-AFsp.wav", wavemap.EncodingALaw, 2, 23493, 0, "sox", nil},
		{"AFsp/M1F1-float32-AFsp.wav", wavemap.EncodingFloat32, 2, 23493, 0, "ffmpeg", nil},
		{"AFsp/M1F1-float32WE-AFsp.wav", wavemap.EncodingFloat32, 2, 23493, 0, "ffmpeg", nil},
		{"AFsp/M1F1-float64-AFsp.wav", wavemap.EncodingFloat64, 2, 23493, 0, "ffmpeg", nil},
		{"AFsp/M1F1-float64WE-AFsp.wav", wavemap.EncodingFloat64, 2, 23493, 0, "ffmpeg", nil},
		{"AFsp/M1F1-int12-AFsp.wav", wavemap.EncodingInt16, 2, 23493, 12, "ffmpeg", nil},
		{"AFsp/M1F1-int12WE-AFsp.wav", wavemap.EncodingInt16, 2, 23493, 12, "ffmpeg", nil},
		{"AFsp/M1F1-int16-AFsp.wav", wavemap.EncodingInt16, 2, 23493, 0, "sox", nil},
		{"AFsp/M1F1-int16WE-AFsp.wav", wavemap.EncodingInt16, 2, 23493, 0, "sox", nil},
		{"AFsp/M1F1-int24-AFsp.wav", wavemap.EncodingInt24, 2, 23493, 0, "sox", nil},
		{"AFsp/M1F1-int24WE-AFsp.wav", wavemap.EncodingInt24, 2, 23493, 0, "sox", nil},
		{"AFsp/M1F1-int32-AFsp.wav", wavemap.EncodingInt32, 2, 23493, 0, "sox", nil},
		{"AFsp/M1F1-int32WE-AFsp.wav", wavemap.EncodingInt32, 2, 23493, 0, "sox", nil},
		{"AFsp/M1F1-mulaw-AFsp.wav", wavemap.EncodingMuLaw, 2, 23493, 0, "sox", nil},
		{"AFsp/M1F1-mulawWE-AFsp.wav", wavemap.EncodingMuLaw, 2, 23493, 0, "sox", nil},
		{"AFsp/M1F1-uint8-AFsp.wav", wavemap.EncodingUint8, 2, 23493, 0, "sox", nil},
		{"AFsp/M1F1-uint8WE-AFsp.wav", wavemap.EncodingUint8, 2, 23493, 0, "sox", nil},
		{"Goldwave/addf8-Alaw-GW.wav", wavemap.EncodingALaw, 1, 23808, 0, "sox", nil},
		{"Goldwave/addf8-mulaw-GW.wav", wavemap.EncodingMuLaw, 1, 23808, 0, "sox", nil},
		{"Microsoft/6_Channel_ID.wav", wavemap.EncodingInt16, 6, 257411, 0, "sox", nil},
		{"SoundCardAttrition/4ch.wav", wavemap.EncodingInt16, 4, 169031, 0, "sox", nil},
		{"SoundCardAttrition/drmapan.wav", wavemap.EncodingInt16, 4, 105507, 0, "sox", nil},
		{"SoundCardAttrition/stereofl.wav", wavemap.EncodingFloat32, 2, 29016, 0, "ffmpeg", nil},
		{"SoundCardAttrition/stereol.wav", wavemap.EncodingInt16, 2, 29016, 0, "sox", nil},
		{"random/Kick.wav", wavemap.EncodingInt16, 2, 10482, 0, "sox", []wavemap.WarningKind{wavemap.WarnRIFFSize}},
		{"random/Snare.wav", wavemap.EncodingFloat32, 2, 3131, 0, "ffmpeg", nil},
		{"random/Tom.wav", wavemap.EncodingInt16, 1, 10288, 0, "sox", nil},
		{"random/bell01.wav", wavemap.EncodingInt16, 2, 296109, 0, "sox", nil},
		{"random/test-44100Hz-2ch-32bit-float-le.wav", wavemap.EncodingFloat32, 2, 441, 0, "ffmpeg", nil},
		{"Perverse/Pmiscck.wav", wavemap.EncodingMuLaw, 1, 9, 0, "sox", nil},
		{"Perverse/Ptjunk.wav", wavemap.EncodingMuLaw, 1, 9, 0, "sox", []wavemap.WarningKind{wavemap.WarnTrailingBytes}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := wavtest.Corpus(t, c.name)
			var seen []wavemap.Warning
			f, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Warn: func(w wavemap.Warning) { seen = append(seen, w) }})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fm := f.Format()
			if fm.Encoding != c.enc || fm.Channels != c.channels || f.Frames() != c.frames || fm.ValidBits != c.valid {
				t.Fatalf("got %v, %d frames; want %s %dch (valid bits %d), %d frames", fm, f.Frames(), c.enc, c.channels, c.valid, c.frames)
			}
			if len(seen) != len(c.warn) {
				t.Fatalf("warnings %v, want kinds %v", seen, c.warn)
			}
			for i, w := range seen {
				if w.Kind != c.warn[i] {
					t.Errorf("warning %d is %v, want %v", i, w, c.warn[i])
				}
			}
			if _, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Strict: true}); (err != nil) != (len(c.warn) > 0) {
				t.Errorf("Strict open: %v", err)
			}
			var ref []float64
			tol := 0.0
			if c.oracle == "sox" {
				ref = wavtest.SoxFloat64(t, path)
			} else {
				ref = wavtest.FFmpegFloat64(t, path)
				if fm.Encoding == wavemap.EncodingFloat32 {
					tol = 0 // ffmpeg widens f32 to f64 exactly
				}
			}
			compare(t, c.name, asFloat64(t, f), ref, tol)
		})
	}
}

// TestCorpusCompressed checks that compressed codecs fail with a typed
// error naming the format tag.
func TestCorpusCompressed(t *testing.T) {
	for _, c := range []struct {
		name string
		tag  uint16
	}{
		{"Goldwave/addf8-GSM-GW.wav", 0x0031},
		{"CCRMA/truspech.wav", 0x0022},
		{"CCRMA/voxware.wav", 0x181c},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := wavtest.Corpus(t, c.name)
			_, err := wavemap.Open(path, wavemap.ReadOnly, nil)
			var fe *wavemap.FormatError
			if !errors.Is(err, wavemap.ErrUnsupported) || !errors.Is(err, errors.ErrUnsupported) || !errors.As(err, &fe) {
				t.Fatalf("got %v, want an unsupported-format *FormatError", err)
			}
			if c.tag != 0 && fe.Tag != c.tag {
				t.Errorf("error names tag %#04x, want %#04x: %v", fe.Tag, c.tag, err)
			}
			if fe.Tag == 0 {
				t.Errorf("error does not name the format tag: %v", err)
			}
			t.Log(err)
		})
	}
}
