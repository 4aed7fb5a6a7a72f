package wavemap_test

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// TestAddressSpace creates a sparse 3 GiB file. A 64-bit build maps it; a
// 32-bit build (GOARCH=386, arm) must refuse with ErrTooLarge instead of
// mapping part of it or crashing.
func TestAddressSpace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.wav")
	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}
	const frames = 3 << 28 // 3 GiB of s16 stereo
	f, err := wavemap.Create(path, format, frames, &wavemap.Options{Sparse: true})
	if strconv.IntSize == 32 {
		if !errors.Is(err, wavemap.ErrTooLarge) {
			t.Fatalf("Create of 3 GiB on a 32-bit build: %v, want ErrTooLarge", err)
		}
		// Open of an existing 3 GiB file must fail the same way.
		head := wavtest.Cat([]byte("RIFF"), wavtest.LE32(36+3<<30), []byte("WAVE"), wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 48000, 16, 4)),
			[]byte("data"), wavtest.LE32(3<<30))
		if err := os.WriteFile(path, head, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(path, int64(len(head))+3<<30); err != nil {
			t.Fatal(err)
		}
		if _, err := wavemap.Open(path, wavemap.ReadOnly, nil); !errors.Is(err, wavemap.ErrTooLarge) {
			t.Fatalf("Open of 3 GiB on a 32-bit build: %v, want ErrTooLarge", err)
		} else {
			t.Log(err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	m, _ := wavemap.FramesOf[int16](f)
	m.Set(frames-1, 1, 1234)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	g, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	m, _ = wavemap.FramesOf[int16](g)
	if m.Len() != frames || m.At(frames-1, 1) != 1234 || m.At(frames/2, 0) != 0 {
		t.Errorf("reopened: %d frames, last %d", m.Len(), m.At(frames-1, 1))
	}
}
