package wavemap_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// staleAudio returns frames of 16-bit stereo audio and its samples as
// float64. Every sample lies in [-1000, 1000), so one of any two bytes in
// a row is 0x00-0x03 or 0xFC-0xFF: no four bytes of it are a printable
// chunk id, and the audio never passes for a chunk.
func staleAudio(frames int) ([]byte, []float64) {
	v := make([]int16, 2*frames)
	want := make([]float64, len(v))
	for i := range v {
		v[i] = int16(i*7919%2000 - 1000)
		want[i] = float64(v[i]) / 32768
	}
	return wavtest.S16(v...), want
}

// fmtStereo16 is the fmt chunk of 16-bit stereo at 48 kHz: 24 bytes.
var fmtStereo16 = wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 48000, 16, 4))

// setLE writes v in width bytes, little-endian, at off of b.
func setLE(b []byte, off int64, width int, v uint64) {
	copy(b[off:], wavtest.LE64(v)[:width])
}

// unfixed is a problem Repair reports through RepairOptions.Unfixed.
type unfixed struct {
	w   wavemap.Warning
	why string
}

// repairExplained is repairAndCheck that also collects what Repair says
// it leaves, from the dry run and from the repair (which must agree).
func repairExplained(t *testing.T, path string, trailing bool) ([]wavemap.Fix, []unfixed) {
	t.Helper()
	var dry, real []unfixed
	if _, err := wavemap.Repair(path, &wavemap.RepairOptions{DryRun: true, TrailingAudio: trailing, Unfixed: func(w wavemap.Warning, why string) { dry = append(dry, unfixed{w, why}) }}); err != nil {
		t.Fatal(err)
	}
	fixes := repairAndCheckWith(t, path, trailing)
	// A repaired file: the same problems, none of them a size to fix.
	if _, err := wavemap.Repair(path, &wavemap.RepairOptions{DryRun: true, Unfixed: func(w wavemap.Warning, why string) { real = append(real, unfixed{w, why}) }}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(dry, real) {
		t.Errorf("the dry run said it would leave %v, the repaired file has %v", dry, real)
	}
	return fixes, dry
}

// TestRepairStaleSizes repairs files whose sizes stop short of the audio
// they hold: Repair must extend them, never cut the audio, and say which
// reading it chose. Each Fix is checked field by field against values
// worked out by hand; Open must find the frames that Repair writes, before
// the repair and after it; sox and ffmpeg must then decode all of them.
func TestRepairStaleSizes(t *testing.T) {
	const frames = 480_000 // 10 s of 48 kHz stereo: 1,920,000 bytes of audio
	audio, want := staleAudio(frames)
	list := wavtest.Chunk("LIST", wavtest.Cat([]byte("INFO"), wavtest.Chunk("INAM", []byte("take\x00\x00")))) // 8 + 4 + 8 + 6 = 26 bytes
	// RIFF: fmt at 12, data at 36 (size field at 40), audio at 44.
	riffFile := func(riffSize, dataSize int64, audio []byte, after ...[]byte) []byte {
		return wavtest.Wave("RIFF", riffSize, append([][]byte{fmtStereo16, wavtest.RawChunk("data", dataSize, audio, true)}, after...)...)
	}
	// RF64: ds64 at 12 (payload 20: RIFF size, data size at 28, sample
	// count at 36, table length), fmt at 48, data at 72, audio at 80.
	rf64File := func(riffSize, dataSize, count uint64) []byte {
		ds64 := wavtest.Cat(wavtest.LE64(riffSize), wavtest.LE64(dataSize), wavtest.LE64(count), wavtest.LE32(0))
		return wavtest.Wave("RF64", 0xFFFFFFFF, wavtest.Chunk("ds64", ds64), fmtStereo16, wavtest.RawChunk("data", 0xFFFFFFFF, audio, true))
	}
	// Wave64: file size at 16, fmt at 40, data at 80 (size field at 96,
	// counting its 24-byte header), audio at 104.
	w64File := func(fileSize, dataSize uint64) []byte {
		data := wavtest.W64GUID("data")
		b := wavtest.W64File(wavtest.W64Chunk(wavtest.W64GUID("fmt "), wavtest.FmtPCM(1, 2, 48000, 16, 4)), wavtest.Cat(data[:], wavtest.LE64(dataSize), audio))
		setLE(b, 16, 8, fileSize)
		return b
	}
	const (
		extendRIFF = "RIFF size says the file holds 1919000 more bytes of audio than the data size: data size extended"
		recorder   = "920000 bytes after the declared end of the audio (byte 1000044) run to the end of the file and do not start a chunk: taken as audio, data size extended"
	)
	for _, c := range []struct {
		name    string
		file    []byte
		w64     bool
		fixes   []wavemap.Fix
		unfixed []wavemap.WarningKind
		// trailing: the audio follows sizes that agree with each other
		// (a recorder killed before it updated its header). Open then
		// maps the declared frames only, with a trailing-bytes warning,
		// as sox and ffmpeg read such a file, and only a repair asked
		// for it (TrailingAudio) takes the rest for audio.
		trailing bool
	}{
		{
			// The RIFF size counts all the audio; the data size says 1000.
			name: "stale data size",
			file: riffFile(-1, 1000, audio),
			fixes: []wavemap.Fix{
				{Offset: 40, Width: 4, Field: "data size", Old: 1000, New: 1_920_000, Reason: extendRIFF},
			},
		},
		{
			// A recorder that rewrites both sizes every few seconds,
			// killed 920,000 bytes after the last rewrite.
			name:     "recorder",
			trailing: true,
			file:     riffFile(36+1_000_000, 1_000_000, audio),
			fixes: []wavemap.Fix{
				{Offset: 40, Width: 4, Field: "data size", Old: 1_000_000, New: 1_920_000, Reason: recorder},
				{Offset: 4, Width: 4, Field: "RIFF size", Old: 1_000_036, New: 1_920_036, Reason: "the chunks end at byte 1920044"},
			},
		},
		{
			// The same, killed in the middle of a frame: the two bytes of
			// it stay out of the audio, and Repair says why.
			name:     "recorder, partial frame",
			trailing: true,
			file:     riffFile(36+1_000_000, 1_000_000, wavtest.Cat(audio, []byte{0x11, 0x22})),
			fixes: []wavemap.Fix{
				{Offset: 40, Width: 4, Field: "data size", Old: 1_000_000, New: 1_920_002,
					Reason: "920002 bytes after the declared end of the audio (byte 1000044) run to the end of the file and do not start a chunk: taken as audio, data size extended"},
				{Offset: 4, Width: 4, Field: "RIFF size", Old: 1_000_036, New: 1_920_038, Reason: "the chunks end at byte 1920046"},
			},
			unfixed: []wavemap.WarningKind{wavemap.WarnRaggedTail},
		},
		{
			// A LIST chunk after the audio, which the RIFF size leaves out:
			// the audio ends where the RIFF size does, the LIST is a chunk.
			name: "stale data size, a chunk after the audio",
			file: riffFile(36+1_920_000, 1000, audio, list),
			fixes: []wavemap.Fix{
				{Offset: 40, Width: 4, Field: "data size", Old: 1000, New: 1_920_000, Reason: extendRIFF},
				{Offset: 4, Width: 4, Field: "RIFF size", Old: 1_920_036, New: 1_920_062, Reason: "the chunks end at byte 1920070"},
			},
		},
		{
			// RF64 whose ds64 data size and sample count are stale.
			name: "RF64, stale ds64 data size",
			file: rf64File(72+1_920_000, 1000, 250),
			fixes: []wavemap.Fix{
				{Offset: 28, Width: 8, Field: "ds64 data size", Old: 1000, New: 1_920_000,
					Reason: "ds64 RIFF size says the file holds 1919000 more bytes of audio than the data size: data size extended"},
				{Offset: 36, Width: 8, Field: "ds64 sample count", Old: 250, New: frames, Reason: "the data holds 480000 frames"},
			},
		},
		{
			name: "Wave64, stale data size",
			file: w64File(104+1_920_000, 24+1000),
			w64:  true,
			fixes: []wavemap.Fix{
				{Offset: 96, Width: 8, Field: "data size (with its 24-byte header)", Old: 1024, New: 1_920_024,
					Reason: "Wave64 file size says the file holds 1919000 more bytes of audio than the data size: data size extended"},
			},
		},
		{
			name:     "Wave64 recorder",
			trailing: true,
			file:     w64File(104+1_000_000, 24+1_000_000),
			w64:      true,
			fixes: []wavemap.Fix{
				{Offset: 96, Width: 8, Field: "data size (with its 24-byte header)", Old: 1_000_024, New: 1_920_024,
					Reason: "920000 bytes after the declared end of the audio (byte 1000104) run to the end of the file and do not start a chunk: taken as audio, data size extended"},
				{Offset: 16, Width: 8, Field: "Wave64 file size", Old: 1_000_104, New: 1_920_104, Reason: "the chunks end at byte 1920104"},
			},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := wavtest.WriteTemp(t, c.file)
			// Open reads the stale header as Repair will rewrite it, and
			// says so.
			f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
			if err != nil {
				t.Fatal(err)
			}
			wantFrames, wantKind := int64(frames), wavemap.WarnDataSize
			if c.trailing {
				wantFrames, wantKind = 250_000, wavemap.WarnTrailingBytes
			}
			if f.Frames() != wantFrames {
				t.Errorf("before the repair, Open maps %d frames, want %d", f.Frames(), wantFrames)
			}
			var dataWarning bool
			for _, w := range f.Warnings() {
				dataWarning = dataWarning || w.Kind == wantKind
			}
			if !dataWarning {
				t.Errorf("Open says nothing of the stale sizes: %v", f.Warnings())
			}
			f.Close()
			if c.trailing {
				// Not asked to: nothing changes, and Repair says why and how.
				var why []string
				fixes, err := wavemap.Repair(path, &wavemap.RepairOptions{Unfixed: func(w wavemap.Warning, reason string) {
					if w.Kind == wavemap.WarnTrailingBytes {
						why = append(why, reason)
					}
				}})
				if err != nil || len(fixes) != 0 || len(why) != 1 || !strings.Contains(why[0], "TrailingAudio") {
					t.Errorf("Repair without TrailingAudio: fixes %v, %v, reasons %q", fixes, err, why)
				}
			}

			fixes, left := repairExplained(t, path, c.trailing)
			if !reflect.DeepEqual(fixes, c.fixes) {
				t.Errorf("fixes:\n%v\nwant\n%v", fixes, c.fixes)
			}
			var kinds []wavemap.WarningKind
			for _, u := range left {
				kinds = append(kinds, u.w.Kind)
			}
			if !slices.Equal(kinds, c.unfixed) {
				t.Errorf("left %v, want kinds %v", left, c.unfixed)
			}

			f, err = wavemap.Open(path, wavemap.ReadOnly, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Frames() != frames || len(f.Warnings()) != len(c.unfixed) {
				t.Errorf("after the repair: %d frames, warnings %v", f.Frames(), f.Warnings())
			}
			compare(t, "wavemap", asFloat64(t, f), want, 0)
			compare(t, "ffmpeg", wavtest.FFmpegFloat64(t, path), want, 0)
			if c.w64 {
				compare(t, "sox", wavtest.DecodeF64(wavtest.Run(t, "sox", "-V1", "-t", "w64", path, "-t", "raw", "-e", "floating-point", "-b", "64", "-L", "-")), want, 0)
			} else {
				compare(t, "sox", wavtest.SoxFloat64(t, path), want, 0)
			}
		})
	}
}

// TestRepairAgreesWithCheck runs Repair over damaged files: every
// problem that Open (and so wavemap check) reports is either gone once
// the file is repaired or is reported through RepairOptions.Unfixed with
// a reason, and those are exactly the problems Open then reports. No
// problem with a size that counts the audio or the file is ever left, and
// the repaired file holds the frames Open found before.
func TestRepairAgreesWithCheck(t *testing.T) {
	list := wavtest.Chunk("LIST", wavtest.Cat([]byte("INFO"), wavtest.Chunk("INAM", []byte("name\x00"))))
	fmtFloat := wavtest.Chunk("fmt ", wavtest.FmtEx(3, 1, 8000, 32, 4))
	w64fmt := wavtest.W64Chunk(wavtest.W64GUID("fmt "), wavtest.FmtPCM(1, 1, 8000, 16, 2))
	w64data := wavtest.W64Chunk(wavtest.W64GUID("data"), pcm)
	w64list := wavtest.W64Chunk(wavtest.W64GUID("list"), []byte("INFO"))
	withSize := func(b []byte, off int64, width int, v uint64) []byte {
		b = slices.Clone(b)
		setLE(b, off, width, v)
		return b
	}
	many := wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm), slices.Repeat(wavtest.Chunk("tiny", nil), 70_000))
	for _, c := range []struct {
		name string
		file []byte
		left []wavemap.WarningKind // what no size field can remove
	}{
		{"RIFF size too small", wavtest.Wave("RIFF", 20, fmt16, wavtest.Chunk("data", pcm)), nil},
		{"RIFF size too large", wavtest.Wave("RIFF", 5000, fmt16, wavtest.Chunk("data", pcm)), nil},
		{"RIFF size 0", wavtest.Wave("RIFF", 0, fmt16, wavtest.Chunk("data", pcm)), nil},
		{"data past the end", wavtest.RIFF(fmt16, wavtest.RawChunk("data", 1000, pcm, true)), nil},
		{"data size 0xFFFFFFFF", wavtest.RIFF(fmt16, wavtest.RawChunk("data", 0xFFFFFFFF, pcm, true)), nil},
		{"data size 0, audio follows", wavtest.RIFF(fmt16, wavtest.RawChunk("data", 0, pcm, true)), nil},
		{"stale data size", wavtest.RIFF(fmt16, wavtest.RawChunk("data", 4, pcm, true)), nil},
		// Frames after sizes that agree: trailing bytes unless asked
		// (RepairOptions.TrailingAudio, tested in TestRepairStaleSizes).
		{"stale sizes, frames follow", wavtest.Cat(wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm)), []byte("\x01\x02\x03\x04abcdefgh")), []wavemap.WarningKind{wavemap.WarnTrailingBytes}},
		{"stale sizes, a partial frame follows", wavtest.Cat(wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm)), []byte("\x01\x02\x03\x04abcdefg")), []wavemap.WarningKind{wavemap.WarnTrailingBytes}},
		{"ragged data", wavtest.RIFF(fmt16, wavtest.Chunk("data", wavtest.Cat(pcm, []byte{7}))), []wavemap.WarningKind{wavemap.WarnRaggedTail}},
		{"a few bytes of junk", wavtest.Cat(wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm)), []byte{1, 2, 3}), []wavemap.WarningKind{wavemap.WarnTrailingBytes}},
		{"junk after a LIST", wavtest.Cat(wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm), list), []byte("\x01\x02\x03\x04abcdefgh")), []wavemap.WarningKind{wavemap.WarnTrailingBytes}},
		{"the RIFF size counts junk after a LIST", wavtest.Wave("RIFF", 12+24+18+26+12-8, fmt16, wavtest.Chunk("data", pcm), list, []byte("\x01\x02\x03\x04abcdefgh")), []wavemap.WarningKind{wavemap.WarnTrailingBytes}},
		{"second data chunk", wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm), wavtest.Chunk("data", wavtest.S16(9, 9))), []wavemap.WarningKind{wavemap.WarnDuplicateChunk}},
		{"second fmt chunk", wavtest.RIFF(fmt16, wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 8000, 16, 4)), wavtest.Chunk("data", pcm)), []wavemap.WarningKind{wavemap.WarnDuplicateChunk}},
		{"LIST cut short", wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm), wavtest.RawChunk("LIST", 500, []byte("INFOxx"), false)), []wavemap.WarningKind{wavemap.WarnTruncatedChunk}},
		{"LIST of unknown size", wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm), wavtest.RawChunk("LIST", 0xFFFFFFFF, []byte("INFO"), false)), []wavemap.WarningKind{wavemap.WarnStreamingSize}},
		{"missing pad byte", wavtest.RIFF(fmt16, wavtest.RawChunk("odd ", -1, []byte{1, 2, 3}, false), wavtest.Chunk("data", pcm)), []wavemap.WarningKind{wavemap.WarnMissingPad}},
		{"byte rate", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.Cat(wavtest.LE16(1), wavtest.LE16(1), wavtest.LE32(8000), wavtest.LE32(1234), wavtest.LE16(2), wavtest.LE16(16))), wavtest.Chunk("data", pcm)), nil},
		{"block align", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 16, 3)), wavtest.Chunk("data", pcm)), nil},
		{"missing final pad byte", wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm), wavtest.RawChunk("odd ", -1, []byte{1, 2, 3}, false)), nil},
		{"24 bits in 4-byte slots", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 24, 4)), wavtest.Chunk("data", wavtest.Cat(wavtest.LE32(0x100), wavtest.LE32(0xFFFFFE00)))), nil},
		{"fact above the frames", wavtest.RIFF(fmtFloat, wavtest.Chunk("fact", wavtest.LE32(100)), wavtest.Chunk("data", make([]byte, 8))), nil},
		{"fmt after data", wavtest.RIFF(wavtest.Chunk("data", pcm), fmt16), []wavemap.WarningKind{wavemap.WarnBadField}},
		{"Wave64 file size wrong", withSize(wavtest.W64File(w64fmt, w64data), 16, 8, 1000), nil},
		{"Wave64 fmt size without its header", wavtest.W64File(withSize(w64fmt, 16, 8, 16), w64data), []wavemap.WarningKind{wavemap.WarnBadField}},
		{"Wave64 LIST size 0 after the data", wavtest.W64File(w64fmt, w64data, withSize(w64list, 16, 8, 0), w64list), []wavemap.WarningKind{wavemap.WarnTrailingBytes}},
		{"70000 chunks", many, []wavemap.WarningKind{wavemap.WarnBadField}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := wavtest.WriteTemp(t, c.file)
			before, err := wavemap.Open(path, wavemap.ReadOnly, nil)
			if err != nil {
				t.Fatal(err)
			}
			frames, found := before.Frames(), before.Warnings()
			before.Close()
			if len(found) == 0 {
				t.Fatal("the damaged file opens without a warning")
			}
			fixes, left := repairExplained(t, path, false)
			after, err := wavemap.Open(path, wavemap.ReadOnly, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer after.Close()
			var kinds []wavemap.WarningKind
			var leftWarnings []wavemap.Warning
			for _, u := range left {
				kinds = append(kinds, u.w.Kind)
				leftWarnings = append(leftWarnings, u.w)
				if u.why == "" {
					t.Errorf("no reason given for leaving %v", u.w)
				}
			}
			if !slices.Equal(leftWarnings, after.Warnings()) {
				t.Errorf("Repair said it leaves %v; Open then reports %v", leftWarnings, after.Warnings())
			}
			if !slices.Equal(kinds, c.left) {
				t.Errorf("left %v, want kinds %v", left, c.left)
			}
			if after.Frames() != frames {
				t.Errorf("%d frames before the repair, %d after", frames, after.Frames())
			}
			t.Logf("found %v; fixed %v; left %v", found, fixes, left)
		})
	}
	// What Repair refuses, it says why.
	for _, c := range []struct {
		name string
		file []byte
	}{
		{"RF64 without ds64", wavtest.Wave("RF64", -1, fmt16, wavtest.Chunk("data", pcm))},
	} {
		path := wavtest.WriteTemp(t, c.file)
		if _, err := wavemap.Repair(path, nil); !errors.Is(err, wavemap.ErrUnsupported) {
			t.Errorf("%s: %v, want ErrUnsupported", c.name, err)
		}
	}
}

// TestOpenWave64ShortSize checks that a Wave64 chunk size below the
// header it counts, which hides the data chunk, fails with a
// *FormatError naming the offset of the size and the size.
func TestOpenWave64ShortSize(t *testing.T) {
	fmtChunk := wavtest.W64Chunk(wavtest.W64GUID("fmt "), wavtest.FmtPCM(1, 1, 8000, 16, 2)) // at 40, size field at 56
	setLE(fmtChunk, 16, 8, 0)
	path := wavtest.WriteTemp(t, wavtest.W64File(fmtChunk, wavtest.W64Chunk(wavtest.W64GUID("data"), pcm)))
	_, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	var fe *wavemap.FormatError
	if !errors.As(err, &fe) || fe.Offset != 56 || !errors.Is(err, wavemap.ErrInvalid) || !strings.Contains(fe.Msg, "declares size 0,") {
		t.Fatalf("Open: %v; want a *FormatError at byte 56 wrapping ErrInvalid and naming size 0", err)
	}
	t.Log(err)
}
