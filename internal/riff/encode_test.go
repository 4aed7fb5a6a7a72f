package riff

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/wavemap/wavemap/internal/wavtest"
)

// TestEncodeBytes spells out the canonical headers byte by byte.
func TestEncodeBytes(t *testing.T) {
	junk28 := wavtest.Chunk("JUNK", make([]byte, 28))
	for _, c := range []struct {
		name string
		spec Spec
		want []byte
	}{
		{"PCM 16-bit stereo", Spec{Tag: TagPCM, Channels: 2, SampleRate: 44100, BitsPerSample: 16, DataSize: 4000},
			wavtest.Cat([]byte("RIFF"), wavtest.LE32(80-8+4000), []byte("WAVE"), junk28, wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 44100, 16, 4)), []byte("data"), wavtest.LE32(4000))},
		{"PCM 8-bit mono, odd size", Spec{Tag: TagPCM, Channels: 1, SampleRate: 8000, BitsPerSample: 8, DataSize: 3},
			wavtest.Cat([]byte("RIFF"), wavtest.LE32(80-8+4), []byte("WAVE"), junk28, wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 8, 1)), []byte("data"), wavtest.LE32(3))},
		{"float stereo", Spec{Tag: TagFloat, Channels: 2, SampleRate: 48000, BitsPerSample: 32, DataSize: 80},
			wavtest.Cat([]byte("RIFF"), wavtest.LE32(112-8+80), []byte("WAVE"), junk28, wavtest.Chunk("fmt ", wavtest.FmtEx(3, 2, 48000, 32, 8)), wavtest.Chunk("fact", wavtest.LE32(10)),
				wavtest.Chunk("JUNK", make([]byte, 10)), []byte("data"), wavtest.LE32(80))},
		{"A-law mono", Spec{Tag: TagALaw, Channels: 1, SampleRate: 8000, BitsPerSample: 8, DataSize: 7},
			wavtest.Cat([]byte("RIFF"), wavtest.LE32(112-8+8), []byte("WAVE"), junk28, wavtest.Chunk("fmt ", wavtest.FmtEx(6, 1, 8000, 8, 1)), wavtest.Chunk("fact", wavtest.LE32(7)),
				wavtest.Chunk("JUNK", make([]byte, 10)), []byte("data"), wavtest.LE32(7))},
		{"PCM 24-bit stereo: extensible", Spec{Tag: TagPCM, Channels: 2, SampleRate: 96000, BitsPerSample: 24, DataSize: 60},
			wavtest.Cat([]byte("RIFF"), wavtest.LE32(112-8+60), []byte("WAVE"), junk28, wavtest.Chunk("fmt ", wavtest.FmtExtensible(2, 96000, 24, 6, 24, 0, wavtest.SubFormat(1))),
				wavtest.Chunk("JUNK", nil), []byte("data"), wavtest.LE32(60))},
		{"PCM 20 of 24 bits with a mask", Spec{Tag: TagPCM, Channels: 2, SampleRate: 96000, BitsPerSample: 24, ValidBits: 20, ChannelMask: 3, DataSize: 6},
			wavtest.Cat([]byte("RIFF"), wavtest.LE32(112-8+6), []byte("WAVE"), junk28, wavtest.Chunk("fmt ", wavtest.FmtExtensible(2, 96000, 24, 6, 20, 3, wavtest.SubFormat(1))),
				wavtest.Chunk("JUNK", nil), []byte("data"), wavtest.LE32(6))},
		{"float 6 channels", Spec{Tag: TagFloat, Channels: 6, SampleRate: 48000, BitsPerSample: 64, ChannelMask: 0x3F, DataSize: 480},
			wavtest.Cat([]byte("RIFF"), wavtest.LE32(128-8+480), []byte("WAVE"), junk28, wavtest.Chunk("fmt ", wavtest.FmtExtensible(6, 48000, 64, 48, 64, 0x3F, wavtest.SubFormat(3))),
				wavtest.Chunk("fact", wavtest.LE32(10)), wavtest.Chunk("JUNK", make([]byte, 4)), []byte("data"), wavtest.LE32(480))},
		{"RF64 forced", Spec{Container: ContainerRF64, Tag: TagPCM, Channels: 1, SampleRate: 8000, BitsPerSample: 16, DataSize: 20},
			wavtest.Cat([]byte("RF64"), wavtest.LE32(0xFFFFFFFF), []byte("WAVE"), wavtest.Chunk("ds64", wavtest.Cat(wavtest.LE64(80-8+20), wavtest.LE64(20), wavtest.LE64(10), wavtest.LE32(0))),
				wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 16, 2)), []byte("data"), wavtest.LE32(0xFFFFFFFF))},
		{"RIFF streaming", Spec{Tag: TagMuLaw, Channels: 2, SampleRate: 8000, BitsPerSample: 8, DataSize: -1},
			wavtest.Cat([]byte("RIFF"), wavtest.LE32(0xFFFFFFFF), []byte("WAVE"), junk28, wavtest.Chunk("fmt ", wavtest.FmtEx(7, 2, 8000, 8, 2)), wavtest.Chunk("fact", wavtest.LE32(0)),
				wavtest.Chunk("JUNK", make([]byte, 10)), []byte("data"), wavtest.LE32(0xFFFFFFFF))},
		{"BW64 streaming", Spec{Container: ContainerBW64, Tag: TagPCM, Channels: 1, SampleRate: 8000, BitsPerSample: 16, DataSize: -1},
			wavtest.Cat([]byte("BW64"), wavtest.LE32(0xFFFFFFFF), []byte("WAVE"), wavtest.Chunk("ds64", wavtest.Cat(wavtest.LE64(1<<60-1), wavtest.LE64(1<<60-1), wavtest.LE64(0), wavtest.LE32(0))),
				wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 16, 2)), []byte("data"), wavtest.LE32(0xFFFFFFFF))},
		{"Wave64 PCM", Spec{Container: ContainerWave64, Tag: TagPCM, Channels: 2, SampleRate: 44100, BitsPerSample: 16, DataSize: 8},
			wavtest.Cat(w64RIFF[:], wavtest.LE64(144+8), w64WAVE[:], wavtest.W64Chunk(w64Fmt, wavtest.FmtPCM(1, 2, 44100, 16, 4)), wavtest.W64Chunk(w64Junk, make([]byte, 16)),
				w64Data[:], wavtest.LE64(24+8))},
		{"Wave64 float", Spec{Container: ContainerWave64, Tag: TagFloat, Channels: 1, SampleRate: 44100, BitsPerSample: 32, DataSize: 8},
			wavtest.Cat(w64RIFF[:], wavtest.LE64(144+8), w64WAVE[:], wavtest.W64Chunk(w64Fmt, wavtest.FmtEx(3, 1, 44100, 32, 4)), wavtest.W64Chunk(w64Fact, wavtest.LE64(2)),
				w64Data[:], wavtest.LE64(24+8))},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Encode(c.spec)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, c.want) {
				t.Errorf("got\n%x\nwant\n%x", got, c.want)
			}
			if n, err := HeaderSize(c.spec); err != nil || n != int64(len(got)) || n%16 != 0 {
				t.Errorf("HeaderSize %d, %v; header is %d bytes", n, err, len(got))
			}
		})
	}
}

// file returns a virtual file holding the header of s and its data (zeros)
// and pad byte.
func encodedFile(t *testing.T, s Spec) (*sparse, []byte) {
	t.Helper()
	head, err := Encode(s)
	if err != nil {
		t.Fatalf("Encode(%+v): %v", s, err)
	}
	size := int64(len(head))
	if s.DataSize > 0 {
		size += s.DataSize
		if s.Container != ContainerWave64 {
			size += s.DataSize & 1
		}
	}
	return &sparse{size: size, pieces: []piece{{0, head}}}, head
}

// TestEncodeRoundTrip parses what Encode writes, for every combination of
// container, codec, channels, sizes, valid bits and mask.
func TestEncodeRoundTrip(t *testing.T) {
	type codec struct {
		tag  uint16
		bits []int
	}
	codecs := []codec{{TagPCM, []int{8, 16, 24, 32}}, {TagFloat, []int{32, 64}}, {TagALaw, []int{8}}, {TagMuLaw, []int{8}}}
	n := 0
	for _, container := range []Container{ContainerRIFF, ContainerRF64, ContainerBW64, ContainerWave64} {
		for _, cd := range codecs {
			for _, bits := range cd.bits {
				for _, ch := range []int{1, 2, 3, 8} {
					for _, mask := range []uint32{0, 1<<ch - 1} {
						valids := []int{0}
						if cd.tag == TagPCM {
							valids = append(valids, bits-4, bits)
						}
						for _, valid := range valids {
							for _, frames := range []int64{0, 1, 3, 1001} {
								s := Spec{Container: container, Tag: cd.tag, Channels: ch, SampleRate: 44100, BitsPerSample: bits,
									ValidBits: valid, ChannelMask: mask, DataSize: frames * int64(ch*bits/8)}
								checkRoundTrip(t, s)
								n++
							}
						}
					}
				}
			}
		}
	}
	t.Logf("%d specs", n)
}

func checkRoundTrip(t *testing.T, s Spec) {
	t.Helper()
	r, head := encodedFile(t, s)
	h, err := Parse(r, r.size, Options{Strict: true})
	if err != nil {
		t.Fatalf("%+v: %v", s, err)
	}
	valid := s.ValidBits
	if valid == 0 {
		valid = s.BitsPerSample
	}
	ext := s.ChannelMask != 0 || s.Channels > 2 || (s.Tag == TagPCM && (s.BitsPerSample > 16 || valid != s.BitsPerSample))
	if s.Tag == TagALaw || s.Tag == TagMuLaw {
		ext = s.ChannelMask != 0
	}
	ba := s.Channels * s.BitsPerSample / 8
	want := Fmt{Tag: s.Tag, SubFormat: s.Tag, Channels: s.Channels, SampleRate: s.SampleRate, ByteRate: s.SampleRate * int64(ba),
		BlockAlign: ba, BitsPerSample: s.BitsPerSample, Size: 16}
	switch {
	case ext:
		want.Tag, want.Extensible, want.ValidBits, want.ChannelMask, want.GUID, want.Size = 0xFFFE, true, valid, s.ChannelMask, [16]byte(wavtest.SubFormat(s.Tag)), 40
	case s.Tag != TagPCM:
		want.Size = 18
	}
	if h.Fmt != want {
		t.Errorf("%+v:\n got %+v\nwant %+v", s, h.Fmt, want)
	}
	wantContainer := s.Container
	if wantContainer == 0 {
		wantContainer = ContainerRIFF
	}
	frames := s.DataSize / int64(ba)
	fact := int64(-1)
	if s.Tag != TagPCM || (wantContainer == ContainerRF64 || wantContainer == ContainerBW64) && frames > 0 {
		fact = frames
	}
	if h.Container != wantContainer || h.DataOffset != int64(len(head)) || h.DataSize != s.DataSize || h.FactFrames != fact {
		t.Errorf("%+v: %v, data at %d, %d bytes, fact %d", s, h.Container, h.DataOffset, h.DataSize, h.FactFrames)
	}
	if len(head)%16 != 0 {
		t.Errorf("%+v: header of %d bytes", s, len(head))
	}
}

// TestEncodeSameLength checks that the header length does not depend on
// the data size, across the 4 GiB boundary and for streaming, and that a
// RIFF header becomes RF64 exactly when its sizes stop fitting 32 bits.
func TestEncodeSameLength(t *testing.T) {
	for _, s := range []Spec{
		{Tag: TagPCM, Channels: 1, SampleRate: 8000, BitsPerSample: 8},
		{Tag: TagPCM, Channels: 2, SampleRate: 44100, BitsPerSample: 16},
		{Tag: TagPCM, Channels: 2, SampleRate: 96000, BitsPerSample: 24, ValidBits: 20},
		{Tag: TagFloat, Channels: 2, SampleRate: 48000, BitsPerSample: 32},
		{Tag: TagFloat, Channels: 6, SampleRate: 48000, BitsPerSample: 64},
		{Tag: TagMuLaw, Channels: 1, SampleRate: 8000, BitsPerSample: 8},
		{Container: ContainerBW64, Tag: TagPCM, Channels: 2, SampleRate: 48000, BitsPerSample: 24},
		{Container: ContainerWave64, Tag: TagFloat, Channels: 2, SampleRate: 48000, BitsPerSample: 32},
	} {
		t.Run(fmt.Sprintf("%v-%d-%dx%d", s.Container, s.Tag, s.Channels, s.BitsPerSample), func(t *testing.T) {
			hs, err := HeaderSize(s)
			if err != nil {
				t.Fatal(err)
			}
			ba := int64(s.Channels * s.BitsPerSample / 8)
			// The largest data of a plain RIFF: RIFF size 0xFFFFFFFE.
			limit := 0xFFFFFFFE + 8 - hs
			var small []byte
			for _, n := range []int64{-1, 0, 1, 1000, limit - 1, limit, limit + 1, 0xFFFFFFFF, 1 << 32, 5 << 30, 1 << 40, 1<<62 - 1} {
				s := s
				s.DataSize = n
				b, err := Encode(s)
				if err != nil {
					t.Fatal(err)
				}
				if int64(len(b)) != hs {
					t.Fatalf("data size %d: header of %d bytes, want %d", n, len(b), hs)
				}
				id := string(b[:4])
				switch {
				case s.Container == ContainerWave64:
				case s.Container == ContainerBW64 && id != "BW64",
					s.Container == 0 && n+n&1 <= limit && id != "RIFF",
					s.Container == 0 && n+n&1 > limit && id != "RF64":
					t.Errorf("data size %d: %s header", n, id)
				}
				if n == 1000 {
					small = b
				}
				if n < 1<<40 && n >= 0 && n%ba == 0 {
					// Parse it as a whole (virtual) file.
					r, _ := encodedFile(t, s)
					h, err := Parse(r, r.size, Options{Strict: true})
					if err != nil {
						t.Fatalf("data size %d: %v", n, err)
					}
					if h.DataSize != n || h.DataOffset != hs {
						t.Errorf("data size %d: parsed %d at %d", n, h.DataSize, h.DataOffset)
					}
				}
				// In place: everything from fmt on is where it was.
				if s.Container == 0 && small != nil && n > limit && s.Tag == TagPCM {
					if !bytes.Equal(b[48:hs-4], small[48:hs-4]) {
						t.Errorf("data size %d: fmt moved or changed", n)
					}
				}
			}
		})
	}
}

func TestEncodeStreaming(t *testing.T) {
	for _, c := range []Container{ContainerRIFF, ContainerRF64, ContainerBW64, ContainerWave64} {
		s := Spec{Container: c, Tag: TagPCM, Channels: 2, SampleRate: 8000, BitsPerSample: 16, DataSize: -1}
		head, err := Encode(s)
		if err != nil {
			t.Fatal(err)
		}
		audio := bytes.Repeat([]byte{1, 2, 3, 4}, 25)
		file := wavtest.Cat(head, audio)
		h, err := Parse(bytes.NewReader(file), -1, Options{Stream: true})
		if err != nil {
			t.Fatal(err)
		}
		if h.DataSize != -1 || h.DataOffset != int64(len(head)) || !reflect.DeepEqual(kinds(h.Warnings), []WarningKind{WarnStreamingSize}) {
			t.Errorf("%v stream: %d bytes at %d, warnings %v", c, h.DataSize, h.DataOffset, h.Warnings)
		}
		h = mustParse(t, file, Options{})
		if h.DataSize != 100 || !reflect.DeepEqual(kinds(h.Warnings), []WarningKind{WarnStreamingSize, WarnStreamingSize}) {
			t.Errorf("%v file: %d bytes, warnings %v", c, h.DataSize, h.Warnings)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	ok := Spec{Tag: TagPCM, Channels: 2, SampleRate: 44100, BitsPerSample: 16}
	for _, c := range []struct {
		name string
		edit func(*Spec)
	}{
		{"container", func(s *Spec) { s.Container = 9 }},
		{"tag", func(s *Spec) { s.Tag = 0x31 }},
		{"0 channels", func(s *Spec) { s.Channels = 0 }},
		{"too many channels", func(s *Spec) { s.Channels = 70000 }},
		{"frame too big", func(s *Spec) { s.Channels, s.BitsPerSample = 30000, 32 }},
		{"rate 0", func(s *Spec) { s.SampleRate = 0 }},
		{"rate too big", func(s *Spec) { s.SampleRate = 1 << 32 }},
		{"byte rate too big", func(s *Spec) { s.SampleRate, s.Channels = 1<<31, 8 }},
		{"12-bit container", func(s *Spec) { s.BitsPerSample = 12 }},
		{"64-bit PCM", func(s *Spec) { s.BitsPerSample = 64 }},
		{"valid bits above bits", func(s *Spec) { s.ValidBits = 17 }},
		{"negative valid bits", func(s *Spec) { s.ValidBits = -1 }},
		{"16-bit float", func(s *Spec) { s.Tag = TagFloat }},
		{"float valid bits", func(s *Spec) { s.Tag, s.BitsPerSample, s.ValidBits = TagFloat, 32, 24 }},
		{"16-bit A-law", func(s *Spec) { s.Tag = TagALaw }},
		{"data size -2", func(s *Spec) { s.DataSize = -2 }},
		{"data size 2^62+1", func(s *Spec) { s.DataSize = 1<<62 + 1 }},
	} {
		s := ok
		c.edit(&s)
		if _, err := Encode(s); !errors.Is(err, ErrSpec) {
			t.Errorf("%s: Encode: %v", c.name, err)
		}
		if _, err := HeaderSize(s); !errors.Is(err, ErrSpec) {
			t.Errorf("%s: HeaderSize: %v", c.name, err)
		}
	}
	if _, err := Encode(ok); err != nil {
		t.Error(err)
	}
}
