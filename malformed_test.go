package wavemap_test

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/wavemap/wavemap"
)

// Little builders for hand-made headers.

func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// chunk builds a chunk with the given declared size (-1: the payload's
// length) and appends the pad byte for odd sizes when pad is true.
func chunk(id string, declared int64, payload []byte, pad bool) []byte {
	size := uint32(len(payload))
	if declared >= 0 {
		size = uint32(declared)
	}
	b := cat([]byte(id), le32(size), payload)
	if pad && len(payload)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

func fmtPCM(tag uint16, channels, rate, bits, align int) []byte {
	return cat(le16(tag), le16(uint16(channels)), le32(uint32(rate)), le32(uint32(rate*align)), le16(uint16(align)), le16(uint16(bits)))
}

// riffFile wraps chunks in a RIFF/WAVE header with a correct size
// (riffSize < 0) or the given one.
func riffFile(riffSize int64, chunks ...[]byte) []byte {
	body := cat(append([][]byte{[]byte("WAVE")}, chunks...)...)
	size := uint32(len(body))
	if riffSize >= 0 {
		size = uint32(riffSize)
	}
	return cat([]byte("RIFF"), le32(size), body)
}

func s16Payload(vals ...int16) []byte {
	var b []byte
	for _, v := range vals {
		b = binary.LittleEndian.AppendUint16(b, uint16(v))
	}
	return b
}

func writeTemp(t testing.TB, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "x.wav")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var (
	fmt16 = chunk("fmt ", -1, fmtPCM(1, 1, 8000, 16, 2), true)
	pcm   = s16Payload(1, -2, 3, -4, 5)
)

// TestRecoverable opens files with each recoverable defect: they open,
// the warning names the problem, the right samples are mapped, and Strict
// turns the warning into an error.
func TestRecoverable(t *testing.T) {
	info := chunk("LIST", -1, cat([]byte("INFO"), chunk("INAM", -1, []byte("Kick\x00"), true), chunk("ISFT", -1, []byte("wm\x00\x00"), true)), true)
	for _, c := range []struct {
		name   string
		data   []byte
		kind   wavemap.WarningKind
		frames int64
	}{
		{"riff size too small", riffFile(20, fmt16, chunk("data", -1, pcm, true)), wavemap.WarnRIFFSize, 5},
		{"riff size too big", riffFile(5000, fmt16, chunk("data", -1, pcm, true)), wavemap.WarnRIFFSize, 5},
		{"data past end of file", riffFile(-1, fmt16, chunk("data", 1000, pcm, true)), wavemap.WarnDataSize, 5},
		{"streaming data size 0xFFFFFFFF", riffFile(-1, fmt16, chunk("data", 0xFFFFFFFF, pcm, true)), wavemap.WarnStreamingSize, 5},
		{"streaming data size 0", riffFile(-1, fmt16, chunk("data", 0, pcm, true)), wavemap.WarnStreamingSize, 5},
		{"junk after last chunk", cat(riffFile(-1, fmt16, chunk("data", -1, pcm, false)), []byte{0, 1, 2}), wavemap.WarnTrailingBytes, 5},
		{"second data chunk", riffFile(-1, fmt16, chunk("data", -1, pcm, true), chunk("data", -1, s16Payload(9, 9), true)), wavemap.WarnDuplicateChunk, 5},
		{"ragged data", riffFile(-1, fmt16, chunk("data", -1, append(s16Payload(1, -2, 3, -4, 5), 7), true)), wavemap.WarnRaggedTail, 5},
		{"missing pad byte", riffFile(-1, fmt16, chunk("odd ", -1, []byte{1, 2, 3}, false), chunk("data", -1, pcm, true)), wavemap.WarnMissingPad, 5},
		{"truncated chunk after data", riffFile(-1, fmt16, chunk("data", -1, pcm, true), chunk("LIST", 500, []byte("INFOxx"), false)), wavemap.WarnTruncatedChunk, 5},
		{"info before data is fine", riffFile(-1, fmt16, info, chunk("data", -1, pcm, true)), 0, 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := writeTemp(t, c.data)
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
	info := chunk("LIST", -1, cat([]byte("INFO"), chunk("INAM", -1, []byte("Kick\x00"), true), chunk("ISFT", -1, []byte("wm\x00\x00"), true)), true)
	data := riffFile(-1, fmt16, chunk("bext", -1, make([]byte, 7), true), chunk("data", -1, pcm, true), info)
	f, err := wavemap.Open(writeTemp(t, data), wavemap.ReadOnly, nil)
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
		{"RIFF but AVI", cat([]byte("RIFF"), le32(4), []byte("AVI ")), wavemap.ErrNotWAVE, 8},
		{"no fmt", riffFile(-1, chunk("data", -1, pcm, true)), wavemap.ErrNoFormat, 12},
		{"no data", riffFile(-1, fmt16), wavemap.ErrNoData, 0},
		{"GSM", riffFile(-1, chunk("fmt ", -1, cat(fmtPCM(0x31, 1, 8000, 0, 65), le16(2), le16(320)), true), chunk("data", -1, pcm, true)), wavemap.ErrUnsupported, 20},
		{"block align vs channels", riffFile(-1, chunk("fmt ", -1, fmtPCM(1, 2, 8000, 16, 3), true), chunk("data", -1, pcm, true)), wavemap.ErrInvalid, 20},
		{"bits bigger than container", riffFile(-1, chunk("fmt ", -1, fmtPCM(1, 1, 8000, 24, 2), true), chunk("data", -1, pcm, true)), wavemap.ErrInvalid, 20},
		{"zero channels", riffFile(-1, chunk("fmt ", -1, fmtPCM(1, 0, 8000, 16, 2), true), chunk("data", -1, pcm, true)), wavemap.ErrInvalid, 20},
		{"RIFX", cat([]byte("RIFX"), riffFile(-1, fmt16, chunk("data", -1, pcm, true))[4:]), wavemap.ErrUnsupported, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := wavemap.Open(writeTemp(t, c.data), wavemap.ReadOnly, nil)
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
	data := cat([]byte("HEADER"), s16Payload(10, 20, 30, 40, 50, 60), []byte("TRAILER!"))
	path := writeTemp(t, data)
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
