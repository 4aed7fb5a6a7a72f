package wavemap_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// silenceOf is the byte Create fills new audio with.
func silenceOf(e wavemap.Encoding) byte {
	switch e {
	case wavemap.EncodingUint8:
		return 0x80
	case wavemap.EncodingALaw:
		return 0xD5
	case wavemap.EncodingMuLaw:
		return 0xFF
	}
	return 0
}

// sameAsCreate checks that the file at path is laid out exactly as
// Create lays out a new file of the same format and length: the same
// header bytes and the same file size.
func sameAsCreate(t *testing.T, path string, format wavemap.Format, frames int64, c wavemap.Container) {
	t.Helper()
	ref := filepath.Join(t.TempDir(), "ref.wav")
	f, err := wavemap.Create(ref, format, frames, &wavemap.Options{Container: c})
	if err != nil {
		t.Fatal(err)
	}
	off := f.Header().DataOffset
	f.Close()
	want, got := readHead(t, ref, off), readHead(t, path, off)
	if !bytes.Equal(got, want) {
		t.Errorf("header after Resize to %d frames:\n% x\nCreate writes:\n% x", frames, got, want)
	}
	st1, _ := os.Stat(ref)
	st2, _ := os.Stat(path)
	if st1.Size() != st2.Size() {
		t.Errorf("file is %d bytes after Resize to %d frames; Create makes %d", st2.Size(), frames, st1.Size())
	}
}

func readHead(t *testing.T, path string, n int64) []byte {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	b := make([]byte, n)
	if _, err := fh.ReadAt(b, 0); err != nil {
		t.Fatal(err)
	}
	return b
}

// checkResized reopens path (as another process would after a crash: no
// Flush, no Close) and checks it opens without a warning, holds frames
// frames whose first len(keep) samples are keep and whose others are
// silence, and that sox and ffmpeg decode the same samples.
func checkResized(t *testing.T, path string, frames int64, keep []float64) {
	t.Helper()
	g, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Strict: true})
	if err != nil {
		t.Fatalf("after Resize(%d): %v", frames, err)
	}
	defer g.Close()
	if g.Frames() != frames {
		t.Fatalf("after Resize(%d): %d frames", frames, g.Frames())
	}
	got := asFloat64(t, g)
	n := min(len(keep), len(got))
	compare(t, "kept samples", got[:n], keep[:n], 0)
	sil := silenceOf(g.Format().Encoding)
	ssize := g.Format().Encoding.Size()
	for i, b := range g.Bytes()[n*ssize:] {
		if b != sil {
			t.Fatalf("after Resize(%d): byte %d of the new audio is %#x, want silence %#x", frames, n*ssize+i, b, sil)
		}
	}
	if frames > 0 || g.Header().Container != wavemap.Wave64 {
		// ffmpeg 5.1 refuses empty Wave64 files, its own included.
		compare(t, "ffmpeg", wavtest.FFmpegFloat64(t, path), got, 0)
	}
	enc := g.Format().Encoding
	switch c := g.Header().Container; {
	case c == wavemap.BW64: // sox 14.4.2 does not know BW64
	case c == wavemap.Wave64 && enc.IsFloat(): // sox misreads Wave64 floats: see soxW64
	default:
		tol := 0.0
		if enc.IsFloat() {
			tol = 1.0 / (1 << 30) // sox goes through 32-bit integers
		}
		compare(t, "sox", wavtest.SoxFloat64(t, path), got, tol)
	}
}

// TestResize grows and shrinks files of every container, in encodings
// with zero and non-zero silence and with odd data sizes, and checks after
// every call that the file is what Create would have made and that sox
// and ffmpeg read the expected samples.
func TestResize(t *testing.T) {
	wavtest.Need(t, "sox")
	wavtest.Need(t, "ffmpeg")
	for _, c := range []wavemap.Container{wavemap.AutoContainer, wavemap.RF64, wavemap.BW64, wavemap.Wave64} {
		for _, enc := range []wavemap.Encoding{wavemap.EncodingUint8, wavemap.EncodingInt16, wavemap.EncodingInt24, wavemap.EncodingFloat32, wavemap.EncodingALaw, wavemap.EncodingMuLaw} {
			channels := 1
			if enc == wavemap.EncodingInt16 {
				channels = 3
			}
			format := wavemap.Format{Encoding: enc, Channels: channels, SampleRate: 8000}
			t.Run(fmt.Sprintf("%s-%s", c, enc), func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "r.wav")
				if c == wavemap.Wave64 {
					path = filepath.Join(t.TempDir(), "r.w64") // sox goes by the name
				}
				f, err := wavemap.Create(path, format, 1001, &wavemap.Options{Container: c})
				if err != nil {
					t.Fatal(err)
				}
				keep := fillPattern(t, f)
				// Close gives the new file its name; the resizes below work
				// on it reopened, so that path shows every step.
				if err := f.Close(); err != nil {
					t.Fatal(err)
				}
				// NoLock: the checks below open path beside f.
				if f, err = wavemap.Open(path, wavemap.ReadWrite, &wavemap.Options{NoLock: true}); err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				for _, frames := range []int64{5003, 5004, 77, 0, 2, 1} {
					if err := f.Resize(frames); err != nil {
						t.Fatalf("Resize(%d): %v", frames, err)
					}
					if f.Frames() != frames || int64(len(f.Bytes())) != frames*int64(format.FrameSize()) {
						t.Fatalf("Resize(%d): File says %d frames, %d bytes", frames, f.Frames(), len(f.Bytes()))
					}
					sameAsCreate(t, path, format, frames, c)
					checkResized(t, path, frames, keep)
					keep = keep[:min(len(keep), int(frames)*channels)]
				}
				// The new mapping is writable and lands in the file.
				if err := f.Resize(4); err != nil {
					t.Fatal(err)
				}
				keep = fillPattern(t, f)
				if err := f.Flush(); err != nil {
					t.Fatal(err)
				}
				checkResized(t, path, 4, keep)
			})
		}
	}
}

// TestResizeRefusals checks the files and modes Resize refuses, and that
// refusing changes nothing.
func TestResizeRefusals(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.wav")
	makeS16(t, path, 100)
	for _, mode := range []wavemap.Mode{wavemap.ReadOnly, wavemap.CopyOnWrite} {
		f, err := wavemap.Open(path, mode, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Resize(200); !errors.Is(err, wavemap.ErrReadOnly) {
			t.Errorf("Resize in mode %s: %v, want ErrReadOnly", mode, err)
		}
		if err := wavemap.Append(f, wavemap.Frames[int16]{Data: []int16{1, 2}, Channels: 2}); !errors.Is(err, wavemap.ErrReadOnly) {
			t.Errorf("Append in mode %s: %v, want ErrReadOnly", mode, err)
		}
		f.Close()
		if err := f.Resize(200); !errors.Is(err, wavemap.ErrClosed) {
			t.Errorf("Resize after Close: %v, want ErrClosed", err)
		}
	}

	// A LIST chunk after the data: nowhere to grow.
	list := wavtest.Chunk("LIST", wavtest.Cat([]byte("INFO"), wavtest.Chunk("INAM", []byte("x\x00"))))
	tail := wavtest.WriteTemp(t, wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm), list))
	// A RIFF file without a JUNK chunk to turn into ds64: cannot pass 4 GiB.
	nojunk := wavtest.WriteTemp(t, wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm)))
	for _, c := range []struct {
		path   string
		frames int64
		want   error
	}{{tail, 10, wavemap.ErrUnsupported}, {tail, 1, wavemap.ErrUnsupported}, {nojunk, 1 << 31, wavemap.ErrSizeLimit}} {
		before := wavtest.HashFile(t, c.path)
		f, err := wavemap.Open(c.path, wavemap.ReadWrite, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Resize(c.frames); !errors.Is(err, c.want) {
			t.Errorf("Resize(%d) of %s: %v, want %v", c.frames, c.path, err, c.want)
		}
		if f.Frames() != 5 {
			t.Errorf("a refused Resize changed Frames to %d", f.Frames())
		}
		f.Close()
		if wavtest.HashFile(t, c.path) != before {
			t.Errorf("a refused Resize of %s changed the file", c.path)
		}
	}
	// nojunk can still grow within 4 GiB.
	f, err := wavemap.Open(nojunk, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Resize(8); err != nil {
		t.Fatal(err)
	}
	f.Close()
	checkResized(t, nojunk, 8, []float64{1.0 / 32768, -2.0 / 32768, 3.0 / 32768, -4.0 / 32768, 5.0 / 32768})

	// Negative and overflowing sizes.
	f, err = wavemap.Open(path, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Resize(-1); !errors.Is(err, wavemap.ErrArgument) {
		t.Errorf("Resize(-1): %v", err)
	}
	if err := f.Resize(1 << 62); !errors.Is(err, wavemap.ErrSizeLimit) {
		t.Errorf("Resize(2^62): %v", err)
	}
	if strconv.IntSize == 32 {
		// Past the address space: refused, and the file is as it was.
		before := wavtest.HashFile(t, path)
		if err := f.Resize(1 << 30); !errors.Is(err, wavemap.ErrTooLarge) {
			t.Errorf("Resize to 4 GiB on a 32-bit build: %v, want ErrTooLarge", err)
		}
		if f.Frames() != 100 || wavtest.HashFile(t, path) != before {
			t.Errorf("a failed Resize changed the file or the File (%d frames)", f.Frames())
		}
	}
}

// TestAppend appends blocks, one of them a view of the file itself, and
// checks the result with sox.
func TestAppend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.wav")
	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 8000}
	f, err := wavemap.Create(path, format, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Commit the empty file, then append to it reopened, so that path
	// shows every step.
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if f, err = wavemap.Open(path, wavemap.ReadWrite, &wavemap.Options{NoLock: true}); err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []int16
	for k := range 5 {
		block := make([]int16, 2*(1000+k))
		for i := range block {
			block[i] = int16(len(want) + i - 3000)
		}
		if err := wavemap.Append(f, wavemap.Frames[int16]{Data: block, Channels: 2}); err != nil {
			t.Fatal(err)
		}
		want = append(want, block...)
	}
	self, err := wavemap.FramesOf[int16](f)
	if err != nil {
		t.Fatal(err)
	}
	if err := wavemap.Append(f, self.Slice(10, 20)); err != nil {
		t.Fatal(err)
	}
	want = append(want, want[20:40]...)
	if err := wavemap.Append(f, wavemap.Frames[int16]{Data: []int16{1, 2, 3}, Channels: 3}); !errors.Is(err, wavemap.ErrArgument) {
		t.Errorf("Append of 3-channel frames to a stereo file: %v", err)
	}
	if err := wavemap.Append(f, wavemap.Frames[float32]{Data: []float32{1, 2}, Channels: 2}); !errors.Is(err, wavemap.ErrTypeMismatch) {
		t.Errorf("Append of float32 to an s16 file: %v", err)
	}
	got := make([]float64, len(want))
	wavemap.Convert(got, want)
	checkResized(t, path, int64(len(want)/2), got)
}

// TestResizeRaw grows and cuts a headerless file.
func TestResizeRaw(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.raw")
	if err := os.WriteFile(path, wavtest.Cat([]byte("HEAD"), wavtest.S16(1, 2, 3, 4)), 0o644); err != nil {
		t.Fatal(err)
	}
	raw := wavemap.Raw{Format: wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 8000}, Offset: 4}
	f, err := wavemap.OpenRaw(path, raw, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Resize(3); err != nil {
		t.Fatal(err)
	}
	s, _ := wavemap.Samples[int16](f)
	s[5] = 6
	if err := f.Resize(3); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if b, _ := os.ReadFile(path); !bytes.Equal(b, wavtest.Cat([]byte("HEAD"), wavtest.S16(1, 2, 3, 4, 0, 6))) {
		t.Errorf("grown raw file: % x", b)
	}
	f, err = wavemap.OpenRaw(path, raw, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Resize(1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if b, _ := os.ReadFile(path); !bytes.Equal(b, wavtest.Cat([]byte("HEAD"), wavtest.S16(1, 2))) {
		t.Errorf("cut raw file: % x", b)
	}
	raw.Trailer = 2
	f, err = wavemap.OpenRaw(path, raw, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Resize(5); !errors.Is(err, wavemap.ErrUnsupported) {
		t.Errorf("Resize of a raw file with a trailer: %v, want ErrUnsupported", err)
	}
}

// TestResizePast4GiB grows a small RIFF file past 4 GiB (sparse): it
// stays RIFF up to the largest size RIFF holds, becomes RF64 one frame
// later, and keeps its samples; ffprobe and ffmpeg read the result.
func TestResizePast4GiB(t *testing.T) {
	needHuge(t)
	path := filepath.Join(t.TempDir(), "grow.wav")
	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 1, SampleRate: 48000}
	f, err := wavemap.Create(path, format, 1000, &wavemap.Options{Sparse: true})
	if err != nil {
		t.Fatal(err)
	}
	keep := fillPattern(t, f)
	// Close gives the new file its name; it grows reopened, so that path
	// shows every step.
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if f, err = wavemap.Open(path, wavemap.ReadWrite, &wavemap.Options{Sparse: true, NoLock: true}); err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	off := f.Header().DataOffset
	// The largest RIFF: RIFF size 0xFFFFFFFE = off - 8 + data bytes.
	maxRIFF := (0xFFFFFFFE - off + 8) / 2
	for _, c := range []struct {
		frames int64
		want   wavemap.Container
	}{{maxRIFF, wavemap.RIFF}, {maxRIFF + 1, wavemap.RF64}, {1<<31 + 5, wavemap.RF64}} {
		if err := f.Resize(c.frames); err != nil {
			t.Fatal(err)
		}
		if f.Header().Container != c.want {
			t.Errorf("Resize(%d): %s, want %s", c.frames, f.Header().Container, c.want)
		}
		sameAsCreate(t, path, format, c.frames, wavemap.AutoContainer)
		if d := ffprobeDurationTS(t, path); d != c.frames {
			t.Errorf("Resize(%d): ffprobe says %d samples", c.frames, d)
		}
	}
	n := int64(1<<31 + 5)
	s, err := wavemap.Samples[int16](f)
	if err != nil {
		t.Fatal(err)
	}
	for i := n - 16; i < n; i++ {
		s[i] = hugeValue(i)
	}
	g, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	gs, _ := wavemap.Samples[int16](g)
	for i := range keep {
		if float64(gs[i])/32768 != keep[i] {
			t.Fatalf("sample %d lost in the growth", i)
		}
	}
	g.Close()
	wavtest.Need(t, "ffmpeg")
	checkTail(t, "ffmpeg", wavtest.DecodeS16(wavtest.Run(t, "ffmpeg", "-v", "error", "-sseof", "-0.001", "-i", path, "-f", "s16le", "-")), n)
	// Back under 4 GiB: the file stays RF64, which every tool reads.
	if err := f.Resize(1000); err != nil {
		t.Fatal(err)
	}
	if f.Header().Container != wavemap.RF64 {
		t.Errorf("shrunk file is %s", f.Header().Container)
	}
	checkResized(t, path, 1000, keep)
}
