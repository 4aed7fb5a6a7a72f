package wavemap_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// makeS16 creates a stereo s16 file whose sample k is k*7-1000.
func makeS16(t testing.TB, path string, frames int64) {
	t.Helper()
	f, err := wavemap.Create(path, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 8000}, frames, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := wavemap.Samples[int16](f)
	if err != nil {
		t.Fatal(err)
	}
	for k := range s {
		s[k] = int16(k*7 - 1000)
	}
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestReadOnlyNeverWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.wav")
	makeS16(t, path, 1000)
	before := wavtest.HashFile(t, path)
	st, _ := os.Stat(path)
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := wavemap.Samples[int16](f)
	if s[3] != 3*7-1000 {
		t.Errorf("sample 3 = %d", s[3])
	}
	if err := f.Flush(); err != nil {
		t.Errorf("Flush on a read-only file: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(f.Close(), wavemap.ErrClosed) {
		t.Error("second Close did not return ErrClosed")
	}
	st2, _ := os.Stat(path)
	if wavtest.HashFile(t, path) != before || !st2.ModTime().Equal(st.ModTime()) {
		t.Error("a read-only open changed the file")
	}
}

func TestReadWriteEditsLand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rw.wav")
	makeS16(t, path, 1000)
	f, err := wavemap.Open(path, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := wavemap.FramesOf[int16](f)
	for i := range m.Len() {
		fr := m.Frame(i)
		fr[0] /= 2
		fr[1] = -fr[1]
	}
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	g, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	s, _ := wavemap.Samples[int16](g)
	for k, v := range s {
		orig := int16(k*7 - 1000)
		want := -orig
		if k%2 == 0 {
			want = orig / 2
		}
		if v != want {
			t.Fatalf("sample %d = %d after the edit, want %d", k, v, want)
		}
	}
	// sox sees the same edit.
	if wavtest.Have(t, "sox") {
		ref := wavtest.SoxFloat64(t, path)
		for k := range s {
			if ref[k] != float64(s[k])/32768 {
				t.Fatalf("sox reads sample %d as %g, want %g", k, ref[k], float64(s[k])/32768)
			}
		}
	}
}

func TestCopyOnWriteKeepsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.wav")
	makeS16(t, path, 1000)
	before := wavtest.HashFile(t, path)
	f, err := wavemap.Open(path, wavemap.CopyOnWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := wavemap.Samples[int16](f)
	for k := range s {
		s[k] = 42
	}
	if s[999] != 42 {
		t.Error("private edit not visible through the view")
	}
	// A second mapping of the same file does not see the private edit.
	g, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := wavemap.Samples[int16](g)
	if s2[999] != 999*7-1000 {
		t.Errorf("copy-on-write edit leaked into another mapping: %d", s2[999])
	}
	g.Close()
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if wavtest.HashFile(t, path) != before {
		t.Error("copy-on-write changed the file")
	}
}

func TestTypeMismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.wav")
	makeS16(t, path, 10)
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = wavemap.Samples[float32](f)
	var te *wavemap.TypeError
	if !errors.Is(err, wavemap.ErrTypeMismatch) || !errors.As(err, &te) || te.Have != wavemap.EncodingInt16 || te.Want != "float32" {
		t.Errorf("Samples[float32] on s16: %v", err)
	}
	if _, err := wavemap.FramesOf[uint8](f); !errors.Is(err, wavemap.ErrTypeMismatch) {
		t.Errorf("FramesOf[uint8] on s16: %v", err)
	}
	if _, err := wavemap.Samples[int16](f); err != nil {
		t.Error(err)
	}
}

func TestBadModeAndMissingFile(t *testing.T) {
	dir := t.TempDir()
	if _, err := wavemap.Open(filepath.Join(dir, "nope.wav"), wavemap.ReadOnly, nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := wavemap.Open(dir, wavemap.ReadOnly, nil); err == nil {
		t.Error("opening a directory succeeded")
	}
	path := filepath.Join(dir, "x.wav")
	makeS16(t, path, 10)
	if _, err := wavemap.Open(path, wavemap.Mode(9), nil); err == nil {
		t.Error("invalid mode accepted")
	}
}
