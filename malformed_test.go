package wavemap_test

import (
	"encoding/binary"
	"errors"
	"os"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

var (
	fmt16 = wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 16, 2))
	pcm   = wavtest.S16(1, -2, 3, -4, 5)
)

// TestRecoverable opens files with each recoverable defect: they open,
// the warning names the problem, the right samples are mapped, and Strict
// turns the warning into an error.
func TestRecoverable(t *testing.T) {
	info := wavtest.Chunk("LIST", wavtest.Cat([]byte("INFO"), wavtest.Chunk("INAM", []byte("Kick\x00")), wavtest.Chunk("ISFT", []byte("wm\x00\x00"))))
	for _, c := range []struct {
		name   string
		data   []byte
		kind   wavemap.WarningKind
		frames int64
	}{
		{"riff size too small", wavtest.Wave("RIFF", 20, fmt16, wavtest.Chunk("data", pcm)), wavemap.WarnRIFFSize, 5},
		{"riff size too big", wavtest.Wave("RIFF", 5000, fmt16, wavtest.Chunk("data", pcm)), wavemap.WarnRIFFSize, 5},
		{"data past end of file", wavtest.RIFF(fmt16, wavtest.RawChunk("data", 1000, pcm, true)), wavemap.WarnDataSize, 5},
		{"streaming data size 0xFFFFFFFF", wavtest.RIFF(fmt16, wavtest.RawChunk("data", 0xFFFFFFFF, pcm, true)), wavemap.WarnStreamingSize, 5},
		{"streaming data size 0", wavtest.RIFF(fmt16, wavtest.RawChunk("data", 0, pcm, true)), wavemap.WarnStreamingSize, 5},
		{"junk after last chunk", wavtest.Cat(wavtest.RIFF(fmt16, wavtest.RawChunk("data", -1, pcm, false)), []byte{0, 1, 2}), wavemap.WarnTrailingBytes, 5},
		{"second data chunk", wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm), wavtest.Chunk("data", wavtest.S16(9, 9))), wavemap.WarnDuplicateChunk, 5},
		{"ragged data", wavtest.RIFF(fmt16, wavtest.Chunk("data", append(wavtest.S16(1, -2, 3, -4, 5), 7))), wavemap.WarnRaggedTail, 5},
		{"missing pad byte", wavtest.RIFF(fmt16, wavtest.RawChunk("odd ", -1, []byte{1, 2, 3}, false), wavtest.Chunk("data", pcm)), wavemap.WarnMissingPad, 5},
		{"truncated chunk after data", wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm), wavtest.RawChunk("LIST", 500, []byte("INFOxx"), false)), wavemap.WarnTruncatedChunk, 5},
		{"info before data is fine", wavtest.RIFF(fmt16, info, wavtest.Chunk("data", pcm)), 0, 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := wavtest.WriteTemp(t, c.data)
			var seen []wavemap.Warning
			f, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Warn: func(w wavemap.Warning) { seen = append(seen, w) }})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Frames() != c.frames {
				t.Errorf("%d frames, want %d", f.Frames(), c.frames)
			}
			s, err := wavemap.Samples[int16](f)
			if err != nil {
				t.Fatal(err)
			}
			for i, want := range []int16{1, -2, 3, -4, 5}[:c.frames] {
				if s[i] != want {
					t.Errorf("sample %d = %d, want %d", i, s[i], want)
				}
			}
			if c.kind == 0 {
				if len(seen) != 0 {
					t.Errorf("unexpected warnings %v", seen)
				}
				return
			}
			if len(seen) == 0 || seen[0].Kind != c.kind {
				t.Fatalf("warnings %v, want first of kind %v", seen, c.kind)
			}
			if len(f.Warnings()) != len(seen) {
				t.Errorf("File.Warnings() has %d, the callback saw %d", len(f.Warnings()), len(seen))
			}
			t.Log(seen[0])
			_, err = wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Strict: true})
			var w wavemap.Warning
			var fe *wavemap.FormatError
			if !errors.As(err, &w) || w.Kind != c.kind || !errors.As(err, &fe) {
				t.Errorf("Strict: %v, want a *FormatError wrapping a %v warning", err, c.kind)
			}
		})
	}
}

func TestInfoTagsAndChunks(t *testing.T) {
	info := wavtest.Chunk("LIST", wavtest.Cat([]byte("INFO"), wavtest.Chunk("INAM", []byte("Kick\x00")), wavtest.Chunk("ISFT", []byte("wm\x00\x00"))))
	data := wavtest.RIFF(fmt16, wavtest.Chunk("bext", make([]byte, 7)), wavtest.Chunk("data", pcm), info)
	f, err := wavemap.Open(wavtest.WriteTemp(t, data), wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ids []string
	for _, c := range f.Chunks() {
		ids = append(ids, c.ID.String())
	}
	if got := ids; len(got) != 4 || got[0] != "fmt " || got[1] != "bext" || got[2] != "data" || got[3] != "LIST" {
		t.Errorf("chunks %q", got)
	}
	if v, ok := f.Header().Tag("INAM"); !ok || v != "Kick" {
		t.Errorf("INAM = %q, %v", v, ok)
	}
	if v, _ := f.Header().Tag("ISFT"); v != "wm" {
		t.Errorf("ISFT = %q", v)
	}
	c, _ := f.Header().Chunk(wavemap.FourCC{'b', 'e', 'x', 't'})
	b, err := f.ReadChunk(c)
	if err != nil || len(b) != 7 || c.Offset != 36 {
		t.Errorf("bext: %v, %d bytes at %d", err, len(b), c.Offset)
	}
	if f.Header().DataOffset != 60 {
		t.Errorf("data at %d, want 60", f.Header().DataOffset)
	}
}

// TestFatal checks that hopeless files fail with the right sentinel and the
// offset of the problem.
func TestFatal(t *testing.T) {
	for _, c := range []struct {
		name   string
		data   []byte
		err    error
		offset int64
	}{
		{"empty", nil, wavemap.ErrNotWAVE, 0},
		{"text", []byte("hello, this is not a wave file at all\n"), wavemap.ErrNotWAVE, 0},
		{"RIFF but AVI", wavtest.Cat([]byte("RIFF"), wavtest.LE32(4), []byte("AVI ")), wavemap.ErrNotWAVE, 8},
		{"no fmt", wavtest.RIFF(wavtest.Chunk("data", pcm)), wavemap.ErrNoFormat, 12},
		{"no data", wavtest.RIFF(fmt16), wavemap.ErrNoData, 0},
		{"GSM", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.Cat(wavtest.FmtPCM(0x31, 1, 8000, 0, 65), wavtest.LE16(2), wavtest.LE16(320))), wavtest.Chunk("data", pcm)), wavemap.ErrUnsupported, 20},
		// 12 and 20 bits name no container: the block align must.
		{"block align vs channels", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 8000, 12, 3)), wavtest.Chunk("data", pcm)), wavemap.ErrInvalid, 20},
		{"bits bigger than container", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 20, 2)), wavtest.Chunk("data", pcm)), wavemap.ErrInvalid, 20},
		{"24 bits right-justified in 4-byte slots", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 24, 4)), wavtest.Chunk("data", wavtest.Cat(wavtest.LE32(5), wavtest.LE32(0xFFFFFFF0)))), wavemap.ErrUnsupported, 32},
		{"zero channels", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 0, 8000, 16, 2)), wavtest.Chunk("data", pcm)), wavemap.ErrInvalid, 20},
		{"RIFX id over little-endian fields", wavtest.Cat([]byte("RIFX"), wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm))[4:]), wavemap.ErrUnsupported, 20},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := wavemap.Open(wavtest.WriteTemp(t, c.data), wavemap.ReadOnly, nil)
			var fe *wavemap.FormatError
			if !errors.Is(err, c.err) || !errors.As(err, &fe) {
				t.Fatalf("got %v, want a *FormatError wrapping %v", err, c.err)
			}
			if c.offset != 0 && fe.Offset != c.offset {
				t.Errorf("offset %d, want %d: %v", fe.Offset, c.offset, err)
			}
			t.Log(err)
		})
	}
}

func TestOpenRaw(t *testing.T) {
	data := wavtest.Cat([]byte("HEADER"), wavtest.S16(10, 20, 30, 40, 50, 60), []byte("TRAILER!"))
	path := wavtest.WriteTemp(t, data)
	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 8000}
	f, err := wavemap.OpenRaw(path, wavemap.Raw{Format: format, Offset: 6, Trailer: 8}, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := wavemap.FramesOf[int16](f)
	if m.Len() != 3 || m.At(2, 1) != 60 || len(f.Warnings()) != 0 || f.Header().Container != wavemap.RawData {
		t.Errorf("raw: %d frames, last %d, warnings %v", m.Len(), m.At(2, 1), f.Warnings())
	}
	f.Close()
	// Fewer frames than fit.
	f, err = wavemap.OpenRaw(path, wavemap.Raw{Format: format, Offset: 6, Frames: 2}, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, _ = wavemap.FramesOf[int16](f)
	m.Set(1, 1, -1)
	f.Flush()
	f.Close()
	b, _ := os.ReadFile(path)
	if v := int16(binary.LittleEndian.Uint16(b[6+6:])); v != -1 || string(b[len(b)-8:]) != "TRAILER!" || string(b[:6]) != "HEADER" {
		t.Errorf("raw r+ edit: sample %d, file %q", v, b)
	}
	// A ragged tail (19 bytes = 4 frames + 3 bytes): a warning; too many frames: an error.
	if f, err := wavemap.OpenRaw(path, wavemap.Raw{Format: format, Offset: 6, Trailer: 1}, wavemap.ReadOnly, nil); err != nil || len(f.Warnings()) != 1 || f.Warnings()[0].Kind != wavemap.WarnRaggedTail {
		t.Errorf("ragged: %v", err)
	} else {
		f.Close()
	}
	if _, err := wavemap.OpenRaw(path, wavemap.Raw{Format: format, Offset: 6, Frames: 100}, wavemap.ReadOnly, nil); !errors.Is(err, wavemap.ErrInvalid) {
		t.Errorf("too many frames: %v", err)
	}
	if _, err := wavemap.OpenRaw(path, wavemap.Raw{Format: format, Offset: 1000}, wavemap.ReadOnly, nil); !errors.Is(err, wavemap.ErrInvalid) {
		t.Errorf("offset past end: %v", err)
	}
}
