package wavemap_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// TestRepairTruncate repairs files whose end is neither audio nor a chunk
// with RepairOptions.Truncate: a partial frame at the end of the audio,
// junk appended, both, and odd-sized whole frames whose pad byte was the
// start of the partial frame. Each is cut where its chunks end (the
// length change reported as a Fix of Width 0), opens without a warning
// and keeps every whole frame; a dry run plans the same and writes
// nothing. What truncation cannot reach, a partial frame before another
// chunk, is left with a reason that names RepairTo; a file with nothing
// to cut stays as it is.
func TestRepairTruncate(t *testing.T) {
	fmtS24 := wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 24, 3))
	list := wavtest.Chunk("LIST", wavtest.Cat([]byte("INFO"), wavtest.Chunk("INAM", []byte("name\x00"))))
	for _, c := range []struct {
		name   string
		file   []byte
		frames int64
		size   int64    // after the repair
		fields []string // the fixes, in order
		left   wavemap.WarningKind
	}{
		{"partial frame", wavtest.RIFF(fmt16, wavtest.Chunk("data", wavtest.Cat(pcm, []byte{9}))), 5, 54, []string{"data size", "RIFF size", "file length"}, 0},
		{"junk", wavtest.Cat(wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm)), []byte{1, 2, 3}), 5, 54, []string{"file length"}, 0},
		{"junk after a LIST", wavtest.Cat(wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm), list), []byte("\x01\x02\x03\x04abcdefgh")), 5, 80, []string{"file length"}, 0},
		{"cut mid-frame", wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm))[:53], 4, 52, []string{"data size", "RIFF size", "file length"}, 0},
		{"odd frames, the partial frame's first byte their pad", wavtest.RIFF(fmtS24, wavtest.Chunk("data", []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}))[:55], 3, 54,
			[]string{"data size", "RIFF size", "pad byte", "file length"}, 0},
		{"partial frame before a LIST", wavtest.RIFF(fmt16, wavtest.Chunk("data", wavtest.Cat(pcm, []byte{9})), list), 5, 82, nil, wavemap.WarnRaggedTail},
		{"zero padding", wavtest.Cat(wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm)), []byte{0, 0, 0}), 5, 57, nil, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := wavtest.WriteTemp(t, c.file)
			var left []wavemap.Warning
			var why []string
			opts := &wavemap.RepairOptions{DryRun: true, Truncate: true, Unfixed: func(w wavemap.Warning, reason string) {
				left, why = append(left, w), append(why, reason)
			}}
			dry, err := wavemap.Repair(path, opts)
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(path); !bytes.Equal(b, c.file) {
				t.Fatal("a dry run changed the file")
			}
			fixes, err := wavemap.Repair(path, &wavemap.RepairOptions{Truncate: true})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(dry, fixes) {
				t.Errorf("dry run %v, repair %v", dry, fixes)
			}
			var fields []string
			for _, x := range fixes {
				fields = append(fields, x.Field)
			}
			if !slices.Equal(fields, c.fields) {
				t.Errorf("fixes %v, want fields %q", fixes, c.fields)
			}
			after, _ := os.ReadFile(path)
			checkChanges(t, c.file, after, fixes)
			if int64(len(after)) != c.size {
				t.Errorf("%d bytes after the repair, want %d", len(after), c.size)
			}
			f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Frames() != c.frames {
				t.Errorf("%d frames after the repair, want %d", f.Frames(), c.frames)
			}
			switch {
			case c.left == 0 && len(f.Warnings()) != 0:
				t.Errorf("warnings after the repair: %v", f.Warnings())
			case c.left != 0 && (len(left) != 1 || left[0].Kind != c.left || !strings.Contains(why[0], "RepairTo")):
				t.Errorf("left %v (%q), want %v with a reason naming RepairTo", left, why, c.left)
			}
			if again, err := wavemap.Repair(path, &wavemap.RepairOptions{DryRun: true, Truncate: true}); err != nil || len(again) != 0 {
				t.Errorf("a second repair: %v, %v", again, err)
			}
		})
	}
}

// TestRepairTo writes repaired copies of files that Repair cannot mend in
// place: a pad byte missing before the data, a second fmt and data
// chunk, a partial frame before a chunk, a LIST chunk cut short at the
// end, junk. The copy opens without a warning, holds the frames and
// samples Open maps from the input, and keeps every metadata chunk byte
// for byte on its side of the data, but the one cut short; sox reads it.
// A Wave64 input gives a Wave64 copy; a dry run writes nothing; the copy
// cannot be written over its input.
func TestRepairTo(t *testing.T) {
	odd := wavtest.RawChunk("abcd", -1, []byte("xyz"), false)
	bext := wavtest.Chunk("bext", bytes.Repeat([]byte{'b'}, 602))
	list := wavtest.Chunk("LIST", wavtest.Cat([]byte("INFO"), wavtest.Chunk("INAM", []byte("name\x00"))))
	cut := wavtest.RawChunk("LIST", 500, []byte("INFOxx"), false)
	in := wavtest.RIFF(fmt16, odd, bext, wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 8000, 16, 4)),
		wavtest.Chunk("data", wavtest.Cat(pcm, []byte{9})), wavtest.Chunk("data", wavtest.S16(7, 7)), list, cut)
	dir := t.TempDir()
	src := filepath.Join(dir, "in.wav")
	if err := os.WriteFile(src, in, 0o640); err != nil {
		t.Fatal(err)
	}
	f, err := wavemap.Open(src, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []wavemap.WarningKind
	for _, w := range f.Warnings() {
		kinds = append(kinds, w.Kind)
	}
	want := asFloat64(t, f)
	f.Close()
	for _, k := range []wavemap.WarningKind{wavemap.WarnMissingPad, wavemap.WarnDuplicateChunk, wavemap.WarnRaggedTail, wavemap.WarnTruncatedChunk} {
		if !slices.Contains(kinds, k) {
			t.Fatalf("the input's warnings %v lack %v", kinds, k)
		}
	}

	out := filepath.Join(dir, "out.wav")
	if h, err := wavemap.RepairTo(t.Context(), src, out, &wavemap.RepairOptions{DryRun: true}); err != nil || h != nil {
		t.Fatalf("dry run: %v, %v", h, err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a dry run wrote %s: %v", out, err)
	}
	var warned []wavemap.Warning
	h, err := wavemap.RepairTo(t.Context(), src, out, &wavemap.RepairOptions{Warn: func(w wavemap.Warning) { warned = append(warned, w) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(warned) != len(kinds) {
		t.Errorf("Warn got %v, the input has %v", warned, kinds)
	}
	if len(h.Warnings) != 0 || h.Container != wavemap.RIFF || h.Frames != 5 {
		t.Errorf("the copy: %s, %d frames, warnings %v", h.Container, h.Frames, h.Warnings)
	}
	if b, _ := os.ReadFile(src); !bytes.Equal(b, in) {
		t.Error("RepairTo changed its input")
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o640 {
		t.Errorf("the copy's mode: %v, %v; want the input's 0640", st.Mode(), err)
	}
	g, err := wavemap.Open(out, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	compare(t, "the copy", asFloat64(t, g), want, 0)
	m, err := g.Metadata()
	g.Close()
	if err != nil {
		t.Fatal(err)
	}
	wantMeta := []wavemap.RawChunk{
		{ID: wavemap.FourCC([]byte("abcd")), Data: []byte("xyz")},
		{ID: wavemap.FourCC([]byte("bext")), Data: bext[8:]},
		{ID: wavemap.FourCC([]byte("LIST")), Data: list[8:], AfterData: true},
	}
	if !slices.EqualFunc(m.Chunks, wantMeta, func(a, b wavemap.RawChunk) bool {
		return a.ID == b.ID && bytes.Equal(a.Data, b.Data) && a.AfterData == b.AfterData
	}) {
		t.Errorf("the copy's metadata %v, want %v", m.Chunks, wantMeta)
	}
	if wavtest.Have(t, "sox") {
		compare(t, "sox", wavtest.SoxFloat64(t, out), want, 0)
	}
	if _, err := wavemap.RepairTo(t.Context(), src, src, nil); !errors.Is(err, wavemap.ErrArgument) {
		t.Errorf("RepairTo over its input: %v, want ErrArgument", err)
	}

	// A cancelled copy leaves nothing at its name, nor a partial file.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	gone := filepath.Join(dir, "cancelled.wav")
	if _, err := wavemap.RepairTo(ctx, src, gone, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("RepairTo with a cancelled context: %v, want context.Canceled", err)
	}
	if names, _ := filepath.Glob(filepath.Join(dir, "*cancelled*")); len(names) != 0 {
		t.Errorf("a cancelled RepairTo left %v", names)
	}

	// Wave64 stays Wave64.
	w64src := filepath.Join(dir, "in.w64")
	w64 := wavtest.W64File(wavtest.W64Chunk(wavtest.W64GUID("fmt "), wavtest.FmtPCM(1, 1, 8000, 16, 2)), wavtest.W64Chunk(wavtest.W64GUID("data"), pcm))
	if err := os.WriteFile(w64src, w64, 0o644); err != nil {
		t.Fatal(err)
	}
	if h, err := wavemap.RepairTo(t.Context(), w64src, filepath.Join(dir, "out.w64"), nil); err != nil || h.Container != wavemap.Wave64 || h.Frames != 5 {
		t.Errorf("Wave64: %v, %v", h, err)
	}
}
