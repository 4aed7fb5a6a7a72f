package wavemap_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/wavemap/wavemap"
)

// createFlags open a new file for fileWriter as os.Create does.
const createFlags = os.O_RDWR | os.O_CREATE | os.O_TRUNC

// fileWriter opens path with flag and starts a Writer of format on it; the
// file is closed when the test ends.
func fileWriter(t *testing.T, path string, flag int, format wavemap.Format, opts *wavemap.Options) (*os.File, *wavemap.Writer) {
	t.Helper()
	osf, err := os.OpenFile(path, flag, 0o666)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { osf.Close() })
	w, err := wavemap.NewWriter(osf, format, opts)
	if err != nil {
		t.Fatal(err)
	}
	return osf, w
}

// writeReserved writes frames frames of a counting s16 stereo signal
// through a Writer into path, calling Reserve(reserve) first when reserve
// is not negative, and returns the file's bytes.
func writeReserved(t *testing.T, path string, reserve, frames int, c wavemap.Container) []byte {
	t.Helper()
	osf, w := fileWriter(t, path, createFlags, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 8000}, &wavemap.Options{Container: c})
	if reserve >= 0 {
		if err := w.Reserve(int64(reserve)); err != nil {
			t.Fatal(err)
		}
		if runtime.GOOS == "linux" && reserve > frames {
			fi, _ := osf.Stat()
			if want := int64(frames); fi.Size() < want*4 {
				t.Errorf("after Reserve(%d) the file has %d bytes", reserve, fi.Size())
			}
		}
	}
	buf := make([]int16, 2*4096)
	for done := 0; done < frames; {
		n := min(4096, frames-done)
		for i := range n {
			buf[2*i] = int16(done + i)
			buf[2*i+1] = -int16(done + i)
		}
		if err := wavemap.WriteFrames(w, buf[:2*n]); err != nil {
			t.Fatal(err)
		}
		done += n
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := osf.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestWriterReserve checks that a reserved file ends up byte for byte the
// file written without Reserve, whether the announced frames all came,
// fewer came, or more came; 10 MiB of audio keep the page-cache helpers
// busy (under -race, their bookkeeping is checked too).
func TestWriterReserve(t *testing.T) {
	dir := t.TempDir()
	const big = 10 << 20 / 4
	cases := []struct {
		name            string
		reserve, frames int
		c               wavemap.Container
	}{
		{"exact", big, big, wavemap.AutoContainer},
		{"fewer", big, big/3 + 1, wavemap.AutoContainer},
		{"none written", big, 0, wavemap.AutoContainer},
		{"more", 1000, 5001, wavemap.AutoContainer},
		{"wave64 fewer", big, 12345, wavemap.Wave64},
		{"rf64", 3000, 3000, wavemap.RF64},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := writeReserved(t, filepath.Join(dir, "plain.wav"), -1, c.frames, c.c)
			got := writeReserved(t, filepath.Join(dir, "reserved.wav"), c.reserve, c.frames, c.c)
			if !bytes.Equal(got, want) {
				t.Fatalf("reserved file of %d bytes differs from the plain one of %d bytes", len(got), len(want))
			}
			f, err := wavemap.Open(filepath.Join(dir, "reserved.wav"), wavemap.ReadOnly, &wavemap.Options{Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			s, err := wavemap.Samples[int16](f)
			if err != nil {
				t.Fatal(err)
			}
			if f.Frames() != int64(c.frames) {
				t.Fatalf("%d frames, want %d", f.Frames(), c.frames)
			}
			for i := 0; i < c.frames; i += 997 {
				if s[2*i] != int16(i) || s[2*i+1] != -int16(i) {
					t.Fatalf("frame %d: %d %d", i, s[2*i], s[2*i+1])
				}
			}
		})
	}
}

// TestWriterReserveKeepsExisting checks that Close never cuts a file
// below the length it had before Reserve.
func TestWriterReserveKeepsExisting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.wav")
	old := bytes.Repeat([]byte{0xAB}, 100000)
	if err := os.WriteFile(path, old, 0o666); err != nil {
		t.Fatal(err)
	}
	osf, w := fileWriter(t, path, os.O_RDWR, wavemap.Format{Encoding: wavemap.EncodingUint8, Channels: 1, SampleRate: 8000}, nil)
	if err := w.Reserve(1 << 20); err != nil {
		t.Fatal(err)
	}
	if err := wavemap.WriteFrames(w, []uint8{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	fi, _ := osf.Stat()
	if fi.Size() != int64(len(old)) {
		t.Errorf("file of %d bytes after Close, %d before", fi.Size(), len(old))
	}
}

// TestWriterReserveErrors checks Reserve's refusals and that it does
// nothing on destinations that are not regular files.
func TestWriterReserveErrors(t *testing.T) {
	format := wavemap.Format{Encoding: wavemap.EncodingFloat32, Channels: 2, SampleRate: 48000}
	var buf bytes.Buffer
	w, err := wavemap.NewWriter(&buf, format, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Reserve(1 << 30); err != nil {
		t.Errorf("Reserve on a buffer: %v", err)
	}
	if err := w.Reserve(-1); !errors.Is(err, wavemap.ErrArgument) {
		t.Errorf("Reserve(-1): %v", err)
	}
	if buf.Len() > 200 {
		t.Errorf("Reserve wrote %d bytes into a buffer", buf.Len())
	}

	_, w = fileWriter(t, filepath.Join(t.TempDir(), "x.wav"), createFlags, format, &wavemap.Options{Container: wavemap.RIFF})
	if err := w.Reserve(1 << 30); !errors.Is(err, wavemap.ErrSizeLimit) {
		t.Errorf("Reserve of 8 GiB in plain RIFF: %v", err)
	}
	if err := w.Reserve(10); err != nil {
		t.Fatal(err)
	}
	if err := w.Reserve(10); !errors.Is(err, wavemap.ErrArgument) {
		t.Errorf("second Reserve: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Reserve(10); !errors.Is(err, wavemap.ErrClosed) {
		t.Errorf("Reserve after Close: %v", err)
	}
}

// smallFS mounts a tmpfs of size bytes in a temporary directory, or skips
// the test where this user cannot mount.
func smallFS(t *testing.T, size string) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("fallocate is Linux-only")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs (%v: %s): not root?", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

// TestWriterReserveFull checks that a file too large for the disk fails at
// Reserve with ErrNoSpace, and TranscodeTo before any conversion.
func TestWriterReserveFull(t *testing.T) {
	dir := smallFS(t, "1m")
	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}
	_, w := fileWriter(t, filepath.Join(dir, "x.wav"), createFlags, format, nil)
	if err := w.Reserve(1 << 20); !errors.Is(err, wavemap.ErrNoSpace) {
		t.Fatalf("Reserve of 4 MiB on a 1 MiB file system: %v", err)
	}
	// The Writer is still usable for what fits.
	if err := w.Reserve(1000); err != nil {
		t.Fatal(err)
	}
	if err := wavemap.WriteFrames(w, make([]int16, 2000)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	src := filepath.Join(t.TempDir(), "src.wav")
	f, err := wavemap.Create(src, format, 1<<20, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, w := fileWriter(t, filepath.Join(dir, "y.wav"), createFlags, format, nil)
	if _, err := wavemap.TranscodeTo(context.Background(), w, f, nil); !errors.Is(err, wavemap.ErrNoSpace) {
		t.Fatalf("TranscodeTo of 4 MiB onto a 1 MiB file system: %v", err)
	}
	if fi, _ := out.Stat(); fi.Size() > 4096 {
		t.Errorf("TranscodeTo wrote %d bytes before failing", fi.Size())
	}
}

// TestWriterReserveAppend checks that Reserve leaves a file opened with
// O_APPEND alone, so the audio still follows the header.
func TestWriterReserveAppend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.wav")
	want := writeReserved(t, path, -1, 5000, wavemap.AutoContainer)
	os.Remove(path)
	_, w := fileWriter(t, path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 8000}, nil)
	if err := w.Reserve(1 << 20); err != nil {
		t.Fatal(err)
	}
	buf := make([]int16, 2*5000)
	for i := range 5000 {
		buf[2*i], buf[2*i+1] = int16(i), -int16(i)
	}
	if err := wavemap.WriteFrames(w, buf); err != nil {
		t.Fatal(err)
	}
	w.Close() // the sizes cannot be patched through O_APPEND: not checked here
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || !bytes.Equal(got[80:], want[80:]) {
		t.Errorf("O_APPEND file of %d bytes, want %d with the same audio after the header", len(got), len(want))
	}
}
