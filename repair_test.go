package wavemap_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// repairAndCheck runs Repair on path, first as a dry run (which must not
// change a byte and must report the same fixes), then for real; it checks
// that only bytes inside the reported fields changed and returns the
// fixes.
func repairAndCheck(t *testing.T, path string) []wavemap.Fix {
	t.Helper()
	return repairAndCheckWith(t, path, false)
}

// repairAndCheckWith is repairAndCheck with RepairOptions.TrailingAudio
// set to trailing.
func repairAndCheckWith(t *testing.T, path string, trailing bool) []wavemap.Fix {
	t.Helper()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dry, err := wavemap.Repair(path, &wavemap.RepairOptions{DryRun: true, TrailingAudio: trailing})
	if err != nil {
		t.Fatalf("dry run: %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Fatal("a dry run changed the file")
	}
	fixes, err := wavemap.Repair(path, &wavemap.RepairOptions{TrailingAudio: trailing})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(dry, fixes) {
		t.Errorf("dry run reported %v, the repair made %v", dry, fixes)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checkChanges(t, before, after, fixes)
	// A second repair finds nothing left to do.
	if again, err := wavemap.Repair(path, &wavemap.RepairOptions{DryRun: true}); err != nil || len(again) != 0 {
		t.Errorf("after the repair: %v, %v", again, err)
	}
	return fixes
}

// checkChanges checks that the bytes of a file before and after a
// repair differ only inside the fields the fixes report, and its length
// only as their "file length" fixes (Width 0) say; bytes added at the
// end are zero.
func checkChanges(t testing.TB, before, after []byte, fixes []wavemap.Fix) {
	t.Helper()
	length := int64(len(before))
	for _, x := range fixes {
		switch {
		case x.Width == 0 && x.Old == uint64(length) && x.Field == "file length":
			length = int64(x.New)
		case x.Old == x.New || x.Width != 1 && x.Width != 2 && x.Width != 4 && x.Width != 8 || x.Offset < 0 || x.Offset+int64(x.Width) > int64(len(before)):
			t.Fatalf("fix %+v in a %d-byte file", x, len(before))
		}
	}
	if int64(len(after)) != length {
		t.Fatalf("Repair changed the file's length from %d to %d, its fixes say %d (%v)", len(before), len(after), length, fixes)
	}
	for i := range after {
		old := byte(0)
		if i < len(before) {
			old = before[i]
		}
		if after[i] == old {
			continue
		}
		inside := false
		for _, x := range fixes {
			inside = inside || int64(i) >= x.Offset && int64(i) < x.Offset+int64(x.Width)
		}
		if !inside {
			t.Fatalf("byte %d changed (%#x -> %#x) outside every reported field (%v)", i, old, after[i], fixes)
		}
	}
}

// TestRepairHandMade repairs hand-made files with broken sizes and checks
// that they then open without a warning and that sox reads the samples.
func TestRepairHandMade(t *testing.T) {
	list := wavtest.Chunk("LIST", wavtest.Cat([]byte("INFO"), wavtest.Chunk("INAM", []byte("name\x00"))))
	want := []float64{1.0 / 32768, -2.0 / 32768, 3.0 / 32768, -4.0 / 32768, 5.0 / 32768}
	for _, c := range []struct {
		name   string
		file   []byte
		fields []string
	}{
		{"riff size too large", wavtest.Wave("RIFF", 1000, fmt16, wavtest.Chunk("data", pcm)), []string{"RIFF size"}},
		{"riff size too small", wavtest.Wave("RIFF", 20, fmt16, wavtest.Chunk("data", pcm), list), []string{"RIFF size"}},
		{"data past the end", wavtest.RIFF(fmt16, wavtest.RawChunk("data", 4000, pcm, true)), []string{"data size"}},
		{"streaming zeros", wavtest.Wave("RIFF", 0, fmt16, wavtest.RawChunk("data", 0, pcm, true)), []string{"data size", "RIFF size"}},
		{"streaming ones", wavtest.Wave("RIFF", 0xFFFFFFFF, fmt16, wavtest.RawChunk("data", 0xFFFFFFFF, pcm, true)), []string{"data size", "RIFF size"}},
		{"odd data, missing pad", wavtest.Wave("RIFF", 0xFFFFFFFF, fmt16, wavtest.RawChunk("data", 0xFFFFFFFF, append(slices.Clone(pcm), 9), false)), []string{"file length", "data size", "RIFF size"}},
		{"block align and byte rate", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 16, 6)), wavtest.Chunk("data", pcm)), []string{"block align", "byte rate"}},
		{"missing final pad", wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm), wavtest.RawChunk("abcd", -1, []byte("odd"), false)), []string{"file length"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := wavtest.WriteTemp(t, c.file)
			fixes := repairAndCheck(t, path)
			var fields []string
			for _, x := range fixes {
				fields = append(fields, x.Field)
				if x.Reason == "" || x.Old == x.New {
					t.Errorf("fix %v: no reason, or no change", x)
				}
			}
			if !slices.Equal(fields, c.fields) {
				t.Errorf("fixed %q, want %q (%v)", fields, c.fields, fixes)
			}
			f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			for _, w := range f.Warnings() {
				if w.Kind != wavemap.WarnRaggedTail {
					t.Errorf("after the repair: %v", w)
				}
			}
			compare(t, "wavemap", asFloat64(t, f), want, 0)
			compare(t, "sox", wavtest.SoxFloat64(t, path), want, 0)
		})
	}
}

// breakFile overwrites the given little-endian fields of the file.
func breakFile(t *testing.T, path string, fields map[int64]uint64, widths map[int64]int) {
	t.Helper()
	fh, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	for off, v := range fields {
		b := binary.LittleEndian.AppendUint64(nil, v)[:widths[off]]
		if _, err := fh.WriteAt(b, off); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRepairRestoresCreated breaks the size fields of files made by
// Create, as a writer killed before it came back to them leaves them, and
// checks that Repair restores them byte for byte.
func TestRepairRestoresCreated(t *testing.T) {
	for _, c := range []struct {
		container wavemap.Container
		enc       wavemap.Encoding
		frames    int64
	}{
		{wavemap.RIFF, wavemap.EncodingUint8, 1001},
		{wavemap.RIFF, wavemap.EncodingFloat32, 500},
		{wavemap.RF64, wavemap.EncodingInt16, 700},
		{wavemap.BW64, wavemap.EncodingALaw, 333},
		{wavemap.Wave64, wavemap.EncodingInt24, 999},
		{wavemap.Wave64, wavemap.EncodingMuLaw, 77},
	} {
		t.Run(fmt.Sprintf("%s-%s", c.container, c.enc), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.wav")
			f, err := wavemap.Create(path, wavemap.Format{Encoding: c.enc, Channels: 1, SampleRate: 8000}, c.frames, &wavemap.Options{Container: c.container})
			if err != nil {
				t.Fatal(err)
			}
			fillPattern(t, f)
			data, _ := f.Header().Chunk(wavemap.FourCC{'d', 'a', 't', 'a'})
			fact, hasFact := f.Header().Chunk(wavemap.FourCC{'f', 'a', 'c', 't'})
			f.Close()
			good, _ := os.ReadFile(path)
			fields, widths := map[int64]uint64{}, map[int64]int{}
			set := func(off int64, w int, v uint64) { fields[off], widths[off] = v, w }
			switch c.container {
			case wavemap.Wave64:
				set(16, 8, 1<<60-1)
				set(data.Offset+16, 8, 1<<60-1) // the streaming placeholder
				if hasFact {
					set(fact.DataOffset, 8, 0)
				}
			case wavemap.RF64, wavemap.BW64:
				set(4, 4, 0)
				set(data.Offset+4, 4, 0)
				set(20, 8, 0)  // ds64 RIFF size
				set(28, 8, 0)  // ds64 data size
				set(36, 8, 12) // ds64 sample count
				if hasFact {
					set(fact.DataOffset, 4, 0)
				}
			default:
				set(4, 4, 0xFFFFFFFF)
				set(data.Offset+4, 4, 0)
				if hasFact {
					set(fact.DataOffset, 4, 1<<20)
				}
			}
			if c.frames%2 == 1 && c.enc.Size() == 1 && c.container != wavemap.Wave64 {
				// With its sizes gone, the pad byte of an odd data chunk
				// is indistinguishable from one more frame: leave the
				// data sizes alone.
				delete(fields, data.Offset+4)
				delete(fields, 28)
			}
			breakFile(t, path, fields, widths)
			fixes := repairAndCheck(t, path)
			if len(fixes) != len(fields) {
				t.Errorf("%d fixes for %d broken fields: %v", len(fixes), len(fields), fixes)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, good) {
				t.Errorf("the repaired file differs from the one Create wrote")
			}
		})
	}
}

// TestRepairRefuses checks the files Repair will not touch.
func TestRepairRefuses(t *testing.T) {
	notWave := wavtest.WriteTemp(t, []byte("this is not a WAVE file at all"))
	if _, err := wavemap.Repair(notWave, nil); !errors.Is(err, wavemap.ErrNotWAVE) {
		t.Errorf("Repair of a text file: %v, want ErrNotWAVE", err)
	}
	if _, err := wavemap.Repair(filepath.Join(t.TempDir(), "missing.wav"), &wavemap.RepairOptions{DryRun: true}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Repair of a missing file: %v", err)
	}
	// A good file: nothing to do.
	good := wavtest.WriteTemp(t, wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm)))
	if fixes, err := wavemap.Repair(good, nil); err != nil || len(fixes) != 0 {
		t.Errorf("Repair of a good file: %v, %v", fixes, err)
	}
	if testing.Short() {
		return
	}
	// A RIFF file of more than 4 GiB of audio (sparse) whose 32-bit sizes
	// wrapped: it needs RF64, which cannot be made by changing sizes.
	path := filepath.Join(t.TempDir(), "wrapped.wav")
	const n = 1<<32 + 1000
	head := wavtest.RIFF(fmt16, []byte("data"), wavtest.LE32(uint32(n&0xFFFFFFFF)))
	binary.LittleEndian.PutUint32(head[4:], uint32((int64(len(head))+n-8)&0xFFFFFFFF))
	if err := os.WriteFile(path, head, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, int64(len(head))+n); err != nil {
		t.Fatal(err)
	}
	if _, err := wavemap.Repair(path, nil); !errors.Is(err, wavemap.ErrUnsupported) {
		t.Errorf("Repair of a wrapped 4 GiB RIFF file: %v, want ErrUnsupported", err)
	}
	// Repair writes header fields only: the header tells whether it did.
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if after := readHead(t, path, int64(len(head))); !bytes.Equal(after, head) || st.Size() != int64(len(head))+n {
		t.Error("a refused Repair changed the file")
	}
}

// FuzzRepair repairs arbitrary bytes: whatever the input, a dry run
// changes nothing and reports what the repair then does, and the repair
// changes only the bytes of the fields it reports.
func FuzzRepair(f *testing.F) {
	f.Add(wavtest.Wave("RIFF", 1000, fmt16, wavtest.Chunk("data", pcm)))
	f.Add(wavtest.Wave("RIFF", 0xFFFFFFFF, fmt16, wavtest.RawChunk("data", 0xFFFFFFFF, append(slices.Clone(pcm), 9), false)))
	f.Add(wavtest.Wave("RIFF", 20, fmt16, wavtest.Chunk("data", pcm), wavtest.Chunk("LIST", []byte("INFO"))))
	f.Add(wavtest.RIFF(fmt16, wavtest.RawChunk("data", 4, pcm, true)))                                     // stale data size
	f.Add(wavtest.Cat(wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm)), []byte("\x01\x02\x03\x04abcdefg"))) // stale sizes, a partial frame after
	f.Add(wavtest.Wave("RIFF", 42, fmt16, wavtest.RawChunk("data", 2, wavtest.S16(1, -2, 3), true), wavtest.Chunk("LIST", []byte("INFO"))))
	dir := f.TempDir()
	for _, c := range []wavemap.Container{wavemap.RIFF, wavemap.RF64, wavemap.BW64, wavemap.Wave64} {
		path := filepath.Join(dir, "seed.wav")
		w, err := wavemap.Create(path, wavemap.Format{Encoding: wavemap.EncodingALaw, Channels: 1, SampleRate: 8000}, 7, &wavemap.Options{Container: c})
		if err != nil {
			f.Fatal(err)
		}
		w.Close()
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "fuzz.wav")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var left []wavemap.Warning
		dry, err := wavemap.Repair(path, &wavemap.RepairOptions{DryRun: true, Unfixed: func(w wavemap.Warning, why string) {
			if why == "" {
				t.Fatalf("no reason given for leaving %v", w)
			}
			left = append(left, w)
		}})
		if err != nil {
			return
		}
		frames := int64(-1)
		if f, err := wavemap.Open(path, wavemap.ReadOnly, nil); err == nil {
			frames = f.Frames()
			f.Close()
		}
		if b, _ := os.ReadFile(path); !bytes.Equal(b, data) {
			t.Fatal("a dry run changed the file")
		}
		fixes, err := wavemap.Repair(path, nil)
		if err != nil {
			t.Fatalf("the dry run planned %v, the repair failed: %v", dry, err)
		}
		if !slices.Equal(dry, fixes) {
			t.Fatalf("dry run reported %v, the repair made %v", dry, fixes)
		}
		after, _ := os.ReadFile(path)
		checkChanges(t, data, after, fixes)
		if again, err := wavemap.Repair(path, &wavemap.RepairOptions{DryRun: true}); err != nil || len(again) != 0 {
			t.Fatalf("after %v: %v, %v", fixes, again, err)
		}
		// The repaired file has the frames Open found before, and the
		// problems Repair said it would leave, none of them a size that
		// counts the audio or the file.
		for _, w := range left {
			if w.Kind == wavemap.WarnRIFFSize || w.Kind == wavemap.WarnDataSize {
				t.Fatalf("after %v, Repair leaves %v", fixes, w)
			}
		}
		if frames < 0 {
			return
		}
		f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
		if err != nil {
			t.Fatalf("after %v: %v", fixes, err)
		}
		defer f.Close()
		if f.Frames() != frames || !slices.Equal(f.Warnings(), left) {
			t.Fatalf("after %v: %d frames (%d before), warnings %v, Repair said it leaves %v", fixes, f.Frames(), frames, f.Warnings(), left)
		}
	})
}
