package wavemap_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/wavemap/wavemap"
)

// diskBytes returns the bytes of disk a file occupies.
func diskBytes(t *testing.T, path string) int64 {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	return st.Blocks * 512
}

// TestCreateReserves checks that Create reserves the audio's disk space
// unless asked for a sparse file, and that a file too large for the disk
// fails at Create with ErrNoSpace and leaves nothing behind.
func TestCreateReserves(t *testing.T) {
	dir := t.TempDir()
	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}
	const frames = 4 << 20 // 16 MiB of audio
	for _, sparse := range []bool{false, true} {
		path := filepath.Join(dir, "x.wav")
		f, err := wavemap.Create(path, format, frames, &wavemap.Options{Sparse: sparse})
		if err != nil {
			t.Fatal(err)
		}
		s, _ := wavemap.Samples[int16](f)
		if s[0] != 0 || s[len(s)-1] != 0 {
			t.Error("the new audio does not read as silence")
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		got := diskBytes(t, path)
		if !sparse && got < 4*frames {
			t.Errorf("Create reserved %d bytes on disk for %d bytes of audio", got, 4*frames)
		}
		if sparse && got >= 4*frames {
			t.Errorf("a sparse Create took %d bytes of disk", got)
		}
	}

	small := smallFS(t, "1m")
	path := filepath.Join(small, "big.wav")
	if _, err := wavemap.Create(path, format, frames, nil); !errors.Is(err, wavemap.ErrNoSpace) {
		t.Fatalf("Create of 16 MiB on a 1 MiB file system: %v, want ErrNoSpace", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the failed Create left %s (%v)", path, err)
	}
	f, err := wavemap.Create(path, format, frames, &wavemap.Options{Sparse: true})
	if err != nil {
		t.Fatalf("sparse Create on a 1 MiB file system: %v", err)
	}
	f.Close()
}

// TestResizeReserves checks that growing a file on a full disk fails with
// ErrNoSpace and leaves the file as it was, and that a File opened with
// Sparse grows all the same.
func TestResizeReserves(t *testing.T) {
	small := smallFS(t, "1m")
	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 1, SampleRate: 8000}
	path := filepath.Join(small, "grow.wav")
	f, err := wavemap.Create(path, format, 1000, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := wavemap.Samples[int16](f)
	s[999] = 1234
	if err := f.Resize(4 << 20); !errors.Is(err, wavemap.ErrNoSpace) {
		t.Fatalf("Resize to 8 MiB on a 1 MiB file system: %v, want ErrNoSpace", err)
	}
	if f.Frames() != 1000 {
		t.Errorf("%d frames after the failed Resize", f.Frames())
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	g, err := wavemap.Open(path, wavemap.ReadWrite, &wavemap.Options{Strict: true, Sparse: true})
	if err != nil {
		t.Fatalf("after the failed Resize: %v", err)
	}
	defer g.Close()
	if s, _ := wavemap.Samples[int16](g); g.Frames() != 1000 || s[999] != 1234 {
		t.Fatalf("after the failed Resize: %d frames, last sample %d", g.Frames(), s[999])
	}
	if err := g.Resize(4 << 20); err != nil {
		t.Fatalf("sparse Resize: %v", err)
	}
}
