package riff

import (
	"errors"
	"os"
	"reflect"
	"testing"

	"github.com/wavemap/wavemap/internal/wavtest"
)

// openCorpus opens a file of the corpus of real-world WAVE files from
// public test sets (wavtest.CorpusDir). The tests skip when it is absent.
func openCorpus(t *testing.T, name string) (*os.File, int64) {
	t.Helper()
	f, err := os.Open(wavtest.Corpus(t, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return f, st.Size()
}

// TestCorpus parses the real files. The expected figures were read from
// the headers with xxd: for instance Kick.wav declares RIFF size 0xA45A =
// 42074 in a file of 42090 bytes (8 short: its last chunk, acid, ends past
// the RIFF end) and a data chunk of 0xA3C8 = 41928 bytes at byte 36, that
// is 10482 frames of 16-bit stereo.
func TestCorpus(t *testing.T) {
	type fm = Fmt
	const ext = 0xFFFE
	for _, c := range []struct {
		name       string
		fmt        fm // Tag, SubFormat, Channels, SampleRate, BlockAlign, BitsPerSample, ValidBits, ChannelMask
		dataOffset int64
		dataSize   int64
		fact       int64
		warn       []WarningKind
	}{
		{"AFsp/M1F1-Alaw-AFsp.wav", fm{Tag: 6, SubFormat: 6, Channels: 2, SampleRate: 8000, BlockAlign: 2, BitsPerSample: 8}, 58, 46986, 23493, nil},
		{"AFsp/M1F1-AlawWE-AFsp.wav", fm{Tag: ext, SubFormat: 6, Channels: 2, SampleRate: 8000, BlockAlign: 2, BitsPerSample: 8, ValidBits: 8, ChannelMask: 3}, 80, 46986, 23493, nil},
		{"AFsp/M1F1-float32-AFsp.wav", fm{Tag: 3, SubFormat: 3, Channels: 2, SampleRate: 8000, BlockAlign: 8, BitsPerSample: 32}, 58, 187944, 23493, nil},
		{"AFsp/M1F1-float32WE-AFsp.wav", fm{Tag: ext, SubFormat: 3, Channels: 2, SampleRate: 8000, BlockAlign: 8, BitsPerSample: 32, ValidBits: 32, ChannelMask: 3}, 80, 187944, 23493, nil},
		{"AFsp/M1F1-float64-AFsp.wav", fm{Tag: 3, SubFormat: 3, Channels: 2, SampleRate: 8000, BlockAlign: 16, BitsPerSample: 64}, 58, 375888, 23493, nil},
		{"AFsp/M1F1-float64WE-AFsp.wav", fm{Tag: ext, SubFormat: 3, Channels: 2, SampleRate: 8000, BlockAlign: 16, BitsPerSample: 64, ValidBits: 64, ChannelMask: 3}, 80, 375888, 23493, nil},
		{"AFsp/M1F1-int12-AFsp.wav", fm{Tag: 1, SubFormat: 1, Channels: 2, SampleRate: 8000, BlockAlign: 4, BitsPerSample: 12}, 44, 93972, -1, nil},
		{"AFsp/M1F1-int12WE-AFsp.wav", fm{Tag: ext, SubFormat: 1, Channels: 2, SampleRate: 8000, BlockAlign: 4, BitsPerSample: 16, ValidBits: 12}, 68, 93972, -1, nil},
		{"AFsp/M1F1-int16-AFsp.wav", fm{Tag: 1, SubFormat: 1, Channels: 2, SampleRate: 8000, BlockAlign: 4, BitsPerSample: 16}, 44, 93972, -1, nil},
		{"AFsp/M1F1-int16WE-AFsp.wav", fm{Tag: ext, SubFormat: 1, Channels: 2, SampleRate: 8000, BlockAlign: 4, BitsPerSample: 16, ValidBits: 16, ChannelMask: 3}, 68, 93972, -1, nil},
		{"AFsp/M1F1-int24-AFsp.wav", fm{Tag: 1, SubFormat: 1, Channels: 2, SampleRate: 8000, BlockAlign: 6, BitsPerSample: 24}, 44, 140958, -1, nil},
		{"AFsp/M1F1-int24WE-AFsp.wav", fm{Tag: ext, SubFormat: 1, Channels: 2, SampleRate: 8000, BlockAlign: 6, BitsPerSample: 24, ValidBits: 24}, 68, 140958, -1, nil},
		{"AFsp/M1F1-int32-AFsp.wav", fm{Tag: 1, SubFormat: 1, Channels: 2, SampleRate: 8000, BlockAlign: 8, BitsPerSample: 32}, 44, 187944, -1, nil},
		{"AFsp/M1F1-int32WE-AFsp.wav", fm{Tag: ext, SubFormat: 1, Channels: 2, SampleRate: 8000, BlockAlign: 8, BitsPerSample: 32, ValidBits: 32}, 68, 187944, -1, nil},
		{"AFsp/M1F1-mulaw-AFsp.wav", fm{Tag: 7, SubFormat: 7, Channels: 2, SampleRate: 8000, BlockAlign: 2, BitsPerSample: 8}, 58, 46986, 23493, nil},
		{"AFsp/M1F1-mulawWE-AFsp.wav", fm{Tag: ext, SubFormat: 7, Channels: 2, SampleRate: 8000, BlockAlign: 2, BitsPerSample: 8, ValidBits: 8, ChannelMask: 3}, 80, 46986, 23493, nil},
		{"AFsp/M1F1-uint8-AFsp.wav", fm{Tag: 1, SubFormat: 1, Channels: 2, SampleRate: 8000, BlockAlign: 2, BitsPerSample: 8}, 44, 46986, -1, nil},
		{"AFsp/M1F1-uint8WE-AFsp.wav", fm{Tag: ext, SubFormat: 1, Channels: 2, SampleRate: 8000, BlockAlign: 2, BitsPerSample: 8, ValidBits: 8, ChannelMask: 3}, 68, 46986, -1, nil},
		{"Goldwave/addf8-Alaw-GW.wav", fm{Tag: 6, SubFormat: 6, Channels: 1, SampleRate: 8000, BlockAlign: 1, BitsPerSample: 8}, 58, 23808, 23808, nil},
		{"Goldwave/addf8-mulaw-GW.wav", fm{Tag: 7, SubFormat: 7, Channels: 1, SampleRate: 8000, BlockAlign: 1, BitsPerSample: 8}, 58, 23808, 23808, nil},
		{"Microsoft/6_Channel_ID.wav", fm{Tag: ext, SubFormat: 1, Channels: 6, SampleRate: 44100, BlockAlign: 12, BitsPerSample: 16, ValidBits: 16, ChannelMask: 0x3F}, 128, 3088932, -1, nil},
		{"Perverse/Pmiscck.wav", fm{Tag: 7, SubFormat: 7, Channels: 1, SampleRate: 8000, BlockAlign: 1, BitsPerSample: 8}, 56, 9, -1, nil},
		{"Perverse/Ptjunk.wav", fm{Tag: 7, SubFormat: 7, Channels: 1, SampleRate: 8000, BlockAlign: 1, BitsPerSample: 8}, 56, 9, -1, []WarningKind{WarnTrailingBytes}},
		{"SoundCardAttrition/4ch.wav", fm{Tag: ext, SubFormat: 1, Channels: 4, SampleRate: 44100, BlockAlign: 8, BitsPerSample: 16, ValidBits: 16, ChannelMask: 0x107}, 68, 1352248, -1, nil},
		{"SoundCardAttrition/drmapan.wav", fm{Tag: ext, SubFormat: 1, Channels: 4, SampleRate: 22050, BlockAlign: 8, BitsPerSample: 16, ValidBits: 16, ChannelMask: 0x33}, 116, 844056, -1, nil},
		// stereofl's fact chunk says 7254, a quarter of its 29016 frames:
		// a count below the data is not worth a warning.
		{"SoundCardAttrition/stereofl.wav", fm{Tag: 3, SubFormat: 3, Channels: 2, SampleRate: 22050, BlockAlign: 8, BitsPerSample: 32}, 2150, 232128, 7254, nil},
		{"SoundCardAttrition/stereol.wav", fm{Tag: 1, SubFormat: 1, Channels: 2, SampleRate: 22050, BlockAlign: 4, BitsPerSample: 16}, 2136, 116064, -1, nil},
		{"random/Kick.wav", fm{Tag: 1, SubFormat: 1, Channels: 2, SampleRate: 44100, BlockAlign: 4, BitsPerSample: 16}, 44, 41928, -1, []WarningKind{WarnRIFFSize}},
		{"random/Snare.wav", fm{Tag: 3, SubFormat: 3, Channels: 2, SampleRate: 44100, BlockAlign: 8, BitsPerSample: 32}, 56, 25048, 3131, nil},
		{"random/Tom.wav", fm{Tag: 1, SubFormat: 1, Channels: 1, SampleRate: 44100, BlockAlign: 2, BitsPerSample: 16}, 48, 20576, -1, nil},
		{"random/bell01.wav", fm{Tag: 1, SubFormat: 1, Channels: 2, SampleRate: 44100, BlockAlign: 4, BitsPerSample: 16}, 44, 1184436, -1, nil},
		{"random/test-44100Hz-2ch-32bit-float-le.wav", fm{Tag: 3, SubFormat: 3, Channels: 2, SampleRate: 44100, BlockAlign: 8, BitsPerSample: 32}, 58, 3528, 441, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, size := openCorpus(t, c.name)
			h, err := Parse(f, size, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := h.Fmt
			got.ByteRate, got.Size, got.GUID, got.Extensible = 0, 0, [16]byte{}, false
			if got != c.fmt {
				t.Errorf("fmt\n got %+v\nwant %+v", got, c.fmt)
			}
			if h.Fmt.Extensible != (c.fmt.Tag == ext) || h.Fmt.ByteRate != h.Fmt.SampleRate*int64(h.Fmt.BlockAlign) {
				t.Errorf("extensible %v, byte rate %d", h.Fmt.Extensible, h.Fmt.ByteRate)
			}
			if h.DataOffset != c.dataOffset || h.DataSize != c.dataSize || h.FactFrames != c.fact {
				t.Errorf("data at %d, %d bytes, fact %d; want %d, %d, %d", h.DataOffset, h.DataSize, h.FactFrames, c.dataOffset, c.dataSize, c.fact)
			}
			if !reflect.DeepEqual(kinds(h.Warnings), c.warn) {
				t.Errorf("warnings %v, want %v", h.Warnings, c.warn)
			}
			for _, w := range h.Warnings {
				t.Logf("%v at %d: %s", w.Kind, w.Offset, w.Msg)
			}
			if _, err := Parse(f, size, Options{Strict: true}); (err != nil) != (len(c.warn) > 0) {
				t.Errorf("strict: %v", err)
			}
			// Stream mode finds the same audio without looking past it.
			r := &recorder{r: f}
			s, err := Parse(r, -1, Options{Stream: true})
			if err != nil {
				t.Fatal(err)
			}
			if s.Fmt != h.Fmt || s.DataOffset != h.DataOffset || s.DataSize != h.DataSize || r.max > h.DataOffset {
				t.Errorf("stream: data at %d, %d bytes, read to %d", s.DataOffset, s.DataSize, r.max)
			}
		})
	}
}

func TestCorpusKick(t *testing.T) {
	f, size := openCorpus(t, "random/Kick.wav")
	h, err := Parse(f, size, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Chunk{
		{IDFmt, 12, 20, 16, 16},
		{IDData, 36, 44, 41928, 41928},
		{FourCC{'s', 'm', 'p', 'l'}, 41972, 41980, 78, 78},
		{FourCC{'a', 'c', 'i', 'd'}, 42058, 42066, 24, 24},
	}
	if size != 42090 || !reflect.DeepEqual(h.Chunks, want) || h.DataSize/4 != 10482 {
		t.Errorf("chunks %v", h.Chunks)
	}
	if w := h.Warnings[0]; w.Offset != 4 || w.Msg != "RIFF size 42074, but the file holds 42090 - 8 bytes and its chunks end at byte 42090: walked to the end of the file" {
		t.Errorf("warning %+v", w)
	}
}

func TestCorpusCompressed(t *testing.T) {
	for _, c := range []struct {
		name string
		tag  uint16
	}{
		{"Goldwave/addf8-GSM-GW.wav", 0x0031},
		{"CCRMA/truspech.wav", 0x0022},
		{"CCRMA/voxware.wav", 0x181C},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, size := openCorpus(t, c.name)
			_, err := Parse(f, size, Options{})
			var e *Error
			if !errors.As(err, &e) || e.Kind != ErrUnsupported || e.Tag != c.tag || e.Offset != 20 || e.Chunk != IDFmt {
				t.Fatalf("got %v", err)
			}
			t.Log(err)
		})
	}
}
