package wavemap_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// streamAll reads the rest of r in blocks of the given size.
func streamAll[T wavemap.Sample](t testing.TB, r *wavemap.Reader, block int) []T {
	t.Helper()
	var out []T
	for b, err := range wavemap.ReadBlocks[T](r, block) {
		if err != nil {
			t.Fatalf("ReadBlocks after %d samples: %v", len(out), err)
		}
		if b.Channels != r.Format().Channels || b.Len() == 0 || b.Len() > block {
			t.Fatalf("block of %d frames × %d channels", b.Len(), b.Channels)
		}
		out = append(out, b.Data...)
	}
	return out
}

// compareStream reads r to its end as T and checks every sample against
// the mapped file f and against ffmpeg's float64 decode of it.
func compareStream[T wavemap.Sample](t *testing.T, r *wavemap.Reader, f *wavemap.File, want []float64) {
	got := streamAll[T](t, r, 1001)
	if mapped, ok := mappedSamples[T](t, f); ok {
		if len(got) != len(mapped) {
			t.Fatalf("streamed %d samples, the mapped file has %d", len(got), len(mapped))
		}
		if i := firstMismatch(got, mapped); i >= 0 {
			t.Fatalf("sample %d: streamed %v, mapped %v", i, got[i], mapped[i])
		}
	}
	g := make([]float64, len(got))
	wavemap.Convert(g, got)
	if len(g) != len(want) {
		t.Fatalf("streamed %d samples, ffmpeg decodes %d", len(g), len(want))
	}
	if i := firstMismatch(g, want); i >= 0 {
		t.Fatalf("sample %d: streamed %v, ffmpeg %v", i, g[i], want[i])
	}
}

// mappedSamples returns the samples of f, or false on a big-endian CPU,
// which cannot map multi-byte samples (the streams convert them).
func mappedSamples[T wavemap.Sample](t testing.TB, f *wavemap.File) ([]T, bool) {
	t.Helper()
	s, err := wavemap.Samples[T](f)
	if errors.Is(err, errors.ErrUnsupported) {
		t.Log("no mapped comparison:", err)
		return nil, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return s, true
}

func firstMismatch[T comparable](a, b []T) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

// compareByEncoding dispatches compareStream on the stream's encoding.
func compareByEncoding(t *testing.T, r *wavemap.Reader, f *wavemap.File, want []float64) {
	switch e := r.Format().Encoding; e {
	case wavemap.EncodingUint8:
		compareStream[uint8](t, r, f, want)
	case wavemap.EncodingInt16:
		compareStream[int16](t, r, f, want)
	case wavemap.EncodingInt24:
		compareStream[wavemap.Int24](t, r, f, want)
	case wavemap.EncodingInt32:
		compareStream[int32](t, r, f, want)
	case wavemap.EncodingFloat32:
		compareStream[float32](t, r, f, want)
	case wavemap.EncodingFloat64:
		compareStream[float64](t, r, f, want)
	case wavemap.EncodingALaw:
		compareStream[wavemap.ALaw](t, r, f, want)
	case wavemap.EncodingMuLaw:
		compareStream[wavemap.MuLaw](t, r, f, want)
	default:
		t.Fatalf("encoding %v", e)
	}
}

// lavfiSource returns an ffmpeg lavfi source of distinct tones, one per
// channel.
func lavfiSource(channels int) string {
	var exprs []string
	for c := range channels {
		exprs = append(exprs, fmt.Sprintf("0.%d*sin(2*PI*%d*t+%d)", 9-c%8, 300+110*c, c))
	}
	return "aevalsrc=exprs=" + strings.Join(exprs, "|") + ":s=8000:d=0.7"
}

// TestReaderFFmpegPipe pipes ffmpeg's WAVE output (written with the
// streaming sizes 0xFFFFFFFF, since a pipe cannot seek) into NewReader,
// and checks every sample against the same audio written to a file by
// ffmpeg and mapped with Open, and against ffmpeg's own decode of that file.
func TestReaderFFmpegPipe(t *testing.T) {
	wavtest.Need(t, "ffmpeg")
	dir := t.TempDir()
	for _, c := range []struct {
		codec    string
		channels int
		enc      wavemap.Encoding
		mux      []string // the muxer and its options; -f wav if nil
	}{
		{"pcm_s16le", 2, wavemap.EncodingInt16, []string{"-f", "wav", "-rf64", "always"}},
		{"pcm_f32le", 2, wavemap.EncodingFloat32, []string{"-f", "w64"}},
		{"pcm_u8", 3, wavemap.EncodingUint8, []string{"-f", "w64"}},
		{"pcm_s16le", 1, wavemap.EncodingInt16, nil},
		{"pcm_s16le", 2, wavemap.EncodingInt16, nil},
		{"pcm_s16le", 6, wavemap.EncodingInt16, nil},
		{"pcm_s24le", 1, wavemap.EncodingInt24, nil},
		{"pcm_s24le", 3, wavemap.EncodingInt24, nil},
		{"pcm_s32le", 2, wavemap.EncodingInt32, nil},
		{"pcm_f32le", 2, wavemap.EncodingFloat32, nil},
		{"pcm_f32le", 5, wavemap.EncodingFloat32, nil},
		{"pcm_f64le", 1, wavemap.EncodingFloat64, nil},
		{"pcm_u8", 1, wavemap.EncodingUint8, nil},
		{"pcm_u8", 2, wavemap.EncodingUint8, nil},
		{"pcm_alaw", 1, wavemap.EncodingALaw, nil},
		{"pcm_mulaw", 2, wavemap.EncodingMuLaw, nil},
	} {
		if c.mux == nil {
			c.mux = []string{"-f", "wav"}
		}
		name := fmt.Sprintf("%s-%dch-%s", c.codec, c.channels, strings.Join(c.mux[1:], ""))
		t.Run(name, func(t *testing.T) {
			args := append([]string{"-v", "error", "-f", "lavfi", "-i", lavfiSource(c.channels), "-c:a", c.codec}, c.mux...)
			path := filepath.Join(dir, name+".wav")
			wavtest.Run(t, "ffmpeg", append(args, "-y", path)...)
			f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			want := wavtest.FFmpegFloat64(t, path)

			cmd := exec.Command("ffmpeg", append(args, "-")...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() {
				io.Copy(io.Discard, out)
				if err := cmd.Wait(); err != nil {
					t.Errorf("ffmpeg: %v\n%s", err, stderr.Bytes())
				}
			}()
			var warned []wavemap.WarningKind
			r, err := wavemap.NewReader(out, &wavemap.Options{Warn: func(w wavemap.Warning) { warned = append(warned, w.Kind) }})
			if err != nil {
				t.Fatal(err)
			}
			if r.Format() != f.Format() || r.Format().Encoding != c.enc || r.Format().Channels != c.channels || r.Header().Container != f.Header().Container {
				t.Fatalf("stream format %v in %v, file %v in %v, want %v %dch", r.Format(), r.Header().Container, f.Format(), f.Header().Container, c.enc, c.channels)
			}
			// ffmpeg cannot patch a pipe: the data size is the placeholder.
			if r.Header().Frames != -1 || !slices.Contains(warned, wavemap.WarnStreamingSize) {
				t.Errorf("frames %d, warnings %v: want -1 and a streaming-size warning", r.Header().Frames, warned)
			}
			compareByEncoding(t, r, f, want)
			if r.Offset() != f.Frames() {
				t.Errorf("Offset %d after the whole stream, the file has %d frames", r.Offset(), f.Frames())
			}
		})
	}
}

// TestReaderSoxPipe reads sox's WAVE output from a pipe (sox writes a
// data size of about 2 GiB there, so the stream ends early with a
// warning) and compares it with the same audio written to a file.
func TestReaderSoxPipe(t *testing.T) {
	wavtest.Need(t, "sox")
	for _, enc := range []struct {
		args []string
		enc  wavemap.Encoding
	}{
		{[]string{"-e", "signed-integer", "-b", "16"}, wavemap.EncodingInt16},
		{[]string{"-e", "signed-integer", "-b", "24"}, wavemap.EncodingInt24},
		{[]string{"-e", "floating-point", "-b", "32"}, wavemap.EncodingFloat32},
		{[]string{"-e", "mu-law"}, wavemap.EncodingMuLaw},
	} {
		t.Run(enc.enc.String(), func(t *testing.T) {
			gen := []string{"-V1", "-D", "-n", "-r", "8000", "-c", "2"} // -D: no dither, so both runs agree
			gen = append(gen, enc.args...)
			synth := []string{"synth", "0.5", "sine", "440", "sine", "1234"}
			path := filepath.Join(t.TempDir(), "sox.wav")
			wavtest.Run(t, "sox", append(append(gen, path), synth...)...)
			f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			want := wavtest.SoxFloat64(t, path)

			cmd := exec.Command("sox", append(append(gen, "-t", "wav", "-"), synth...)...)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Wait()
			defer io.Copy(io.Discard, out)
			var warned []wavemap.Warning
			r, err := wavemap.NewReader(out, &wavemap.Options{Warn: func(w wavemap.Warning) { warned = append(warned, w) }})
			if err != nil {
				t.Fatal(err)
			}
			if r.Format() != f.Format() || r.Format().Encoding != enc.enc {
				t.Fatalf("stream format %v, file %v", r.Format(), f.Format())
			}
			compareByEncoding(t, r, f, want)
			t.Log("warnings:", warned)
		})
	}
}

// TestReaderOneByte parses and reads a stream that delivers one byte per
// Read, through ReadFrames with a buffer that is not a whole number of
// frames.
func TestReaderOneByte(t *testing.T) {
	wavtest.Need(t, "ffmpeg")
	path := filepath.Join(t.TempDir(), "s.wav")
	wavtest.Run(t, "ffmpeg", "-v", "error", "-f", "lavfi", "-i", lavfiSource(3), "-c:a", "pcm_s24le", "-y", path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mapped, _ := mappedSamples[wavemap.Int24](t, f)
	r, err := wavemap.NewReader(iotest.OneByteReader(bytes.NewReader(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	// A file with its sizes written: the length is known up front.
	if r.Header().Frames != f.Frames() || len(r.Header().Warnings) != 0 {
		t.Fatalf("frames %d (file %d), warnings %v", r.Header().Frames, f.Frames(), r.Header().Warnings)
	}
	buf := make([]wavemap.Int24, 3*100+2) // 100 frames and 2 spare samples
	var got []wavemap.Int24
	for {
		n, err := wavemap.ReadFrames(r, buf)
		got = append(got, buf[:3*n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n != 100 && int64(len(got)) != 3*f.Frames() {
			t.Fatalf("short read of %d frames before the end", n)
		}
	}
	if i := firstMismatch(got, mapped); i >= 0 && mapped != nil {
		t.Fatalf("sample %d differs (%d streamed, %d mapped)", i, len(got), len(mapped))
	}
	if int64(len(got)) != 3*f.Frames() {
		t.Fatalf("streamed %d samples, want %d", len(got), 3*f.Frames())
	}
	if n, err := wavemap.ReadFrames(r, buf); n != 0 || err != io.EOF {
		t.Errorf("after the end: %d, %v", n, err)
	}
}

// writeCase is a Writer test: a format and a generator of sample i with
// the value a decoder must give for it, in x / 2^(bits-1) scaling.
type writeCase struct {
	name   string
	format wavemap.Format
	write  func(w *wavemap.Writer, frames int) ([]float64, error)
}

func writeCaseOf[T wavemap.Sample](name string, enc wavemap.Encoding, channels int, gen func(i int) (T, float64)) writeCase {
	return writeCase{
		name:   name,
		format: wavemap.Format{Encoding: enc, Channels: channels, SampleRate: 11025},
		write: func(w *wavemap.Writer, frames int) ([]float64, error) {
			var want []float64
			all := make([]T, frames*channels)
			for i := range all {
				v, x := gen(i)
				all[i], want = v, append(want, x)
			}
			// Blocks of uneven sizes, so buffer boundaries fall anywhere.
			for i, step := 0, 1; i < frames; i, step = i+step, step*3+1 {
				j := min(frames, i+step)
				if err := wavemap.WriteFrames(w, all[i*channels:j*channels]); err != nil {
					return nil, err
				}
			}
			return want, nil
		},
	}
}

// noise returns a reproducible pseudo-random sequence.
func hashNoise(i int) uint64 {
	x := uint64(i)*0x9E3779B97F4A7C15 + 0x1234567
	x ^= x >> 29
	x *= 0xBF58476D1CE4E5B9
	return x ^ x>>32
}

var writeCases = []writeCase{
	writeCaseOf("s16-2ch", wavemap.EncodingInt16, 2, func(i int) (int16, float64) {
		v := int16(hashNoise(i))
		return v, float64(v) / (1 << 15)
	}),
	writeCaseOf("s16-1ch", wavemap.EncodingInt16, 1, func(i int) (int16, float64) {
		v := int16(hashNoise(i))
		return v, float64(v) / (1 << 15)
	}),
	writeCaseOf("s24-3ch", wavemap.EncodingInt24, 3, func(i int) (wavemap.Int24, float64) {
		v := int32(hashNoise(i)) >> 8
		return wavemap.Int24From(v), float64(v) / (1 << 23)
	}),
	writeCaseOf("s32-2ch", wavemap.EncodingInt32, 2, func(i int) (int32, float64) {
		v := int32(hashNoise(i))
		return v, float64(v) / (1 << 31)
	}),
	writeCaseOf("f32-2ch", wavemap.EncodingFloat32, 2, func(i int) (float32, float64) {
		v := float32(math.Sin(float64(i) / 7))
		return v, float64(v)
	}),
	writeCaseOf("f64-1ch", wavemap.EncodingFloat64, 1, func(i int) (float64, float64) {
		v := math.Sin(float64(i)/5) * 0.9
		return v, v
	}),
	writeCaseOf("u8-1ch", wavemap.EncodingUint8, 1, func(i int) (uint8, float64) {
		v := uint8(hashNoise(i))
		return v, (float64(v) - 128) / 128
	}),
	writeCaseOf("alaw-1ch", wavemap.EncodingALaw, 1, func(i int) (wavemap.ALaw, float64) {
		v := wavemap.ALaw(hashNoise(i))
		return v, float64(v.Int16()) / (1 << 15)
	}),
	writeCaseOf("ulaw-2ch", wavemap.EncodingMuLaw, 2, func(i int) (wavemap.MuLaw, float64) {
		v := wavemap.MuLaw(hashNoise(i))
		return v, float64(v.Int16()) / (1 << 15)
	}),
}

// streamFrames is the length of the Writer tests: an odd number, so that
// 1-byte mono audio needs its pad byte.
const streamFrames = 20001

// TestWriterPipeFFmpeg writes into an os.Pipe read by ffmpeg: the Writer
// cannot seek, so the header keeps the streaming sizes, and ffmpeg must
// decode exactly the samples written.
func TestWriterPipeFFmpeg(t *testing.T) {
	wavtest.Need(t, "ffmpeg")
	for _, c := range writeCases {
		t.Run(c.name, func(t *testing.T) {
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("ffmpeg", "-v", "error", "-i", "-", "-f", "f64le", "-")
			cmd.Stdin = pr
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			pr.Close()
			w, err := wavemap.NewWriter(pw, c.format, nil)
			if err != nil {
				t.Fatal(err)
			}
			if w.Seekable() {
				t.Error("a pipe is taken for a seekable file")
			}
			want, err := c.write(w, streamFrames)
			if err == nil {
				err = w.Close()
			}
			pw.Close()
			if werr := cmd.Wait(); werr != nil {
				t.Fatalf("ffmpeg: %v\n%s", werr, stderr.Bytes())
			}
			if err != nil {
				t.Fatal(err)
			}
			got := wavtest.DecodeF64(stdout.Bytes())
			if len(got) != len(want) {
				t.Fatalf("ffmpeg decoded %d samples, %d written", len(got), len(want))
			}
			if i := firstMismatch(got, want); i >= 0 {
				t.Fatalf("sample %d: ffmpeg %v, written %v", i, got[i], want[i])
			}
		})
	}
}

// TestWriterPipeSox writes into sox's standard input (an exec pipe),
// keeping a copy of the bytes to check the streaming header.
func TestWriterPipeSox(t *testing.T) {
	wavtest.Need(t, "sox")
	for _, c := range writeCases {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command("sox", "-V1", "-t", "wav", "-", "-t", "raw", "-e", "floating-point", "-b", "64", "-L", "-")
			in, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stdout, stderr, sent bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			w, err := wavemap.NewWriter(io.MultiWriter(in, &sent), c.format, nil)
			if err != nil {
				t.Fatal(err)
			}
			want, err := c.write(w, streamFrames)
			if err == nil {
				err = w.Close()
			}
			in.Close()
			if werr := cmd.Wait(); werr != nil {
				t.Fatalf("sox: %v\n%s", werr, stderr.Bytes())
			}
			if err != nil {
				t.Fatal(err)
			}
			compare(t, "sox", wavtest.DecodeF64(stdout.Bytes()), want, soxTolerance(c.format))
			// The header the pipe got: RIFF and data sizes unknown, and
			// no pad byte after odd-sized audio.
			b := sent.Bytes()
			if len(b) != int(w.Frames())*c.format.FrameSize()+dataHeaderEnd(t, b) || string(b[:4]) != "RIFF" || binary.LittleEndian.Uint32(b[4:]) != 0xFFFFFFFF {
				t.Errorf("stream of %d bytes starts %q", len(b), b[:8])
			}
			if h := dataHeaderEnd(t, b); binary.LittleEndian.Uint32(b[h-4:]) != 0xFFFFFFFF {
				t.Errorf("data size %#x, want the placeholder", binary.LittleEndian.Uint32(b[h-4:]))
			}
		})
	}
}

// soxTolerance is how far sox's decode may be from the exact value: sox
// carries samples as 32-bit integers, which rounds floating-point audio.
func soxTolerance(f wavemap.Format) float64 {
	if f.Encoding.IsFloat() {
		return 1.0 / (1 << 30)
	}
	return 0
}

// dataHeaderEnd finds the end of the data chunk header in a RIFF stream.
func dataHeaderEnd(t testing.TB, b []byte) int {
	t.Helper()
	for pos := 12; pos+8 <= len(b); {
		size := int(binary.LittleEndian.Uint32(b[pos+4:]))
		if string(b[pos:pos+4]) == "data" {
			return pos + 8
		}
		pos += 8 + size + size&1
	}
	t.Fatal("no data chunk")
	return 0
}

// TestWriterFile writes into an *os.File: Close writes the final sizes,
// so Open finds no problem at all and sox counts the frames.
func TestWriterFile(t *testing.T) {
	dir := t.TempDir()
	for _, c := range writeCases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name+".wav")
			osf, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			w, err := wavemap.NewWriter(osf, c.format, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !w.Seekable() {
				t.Error("a regular file is taken for a pipe")
			}
			want, err := c.write(w, streamFrames)
			if err != nil {
				t.Fatal(err)
			}
			if w.Frames() != streamFrames {
				t.Errorf("Frames %d, want %d", w.Frames(), streamFrames)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); !errors.Is(err, wavemap.ErrClosed) {
				t.Errorf("second Close: %v", err)
			}
			if err := wavemap.WriteFrames(w, []int16{1}); err == nil {
				t.Error("WriteFrames after Close succeeded")
			}
			// Close leaves the file offset at its end, not at the header.
			end, _ := osf.Seek(0, io.SeekCurrent)
			if err := osf.Close(); err != nil {
				t.Fatal(err)
			}
			fi, _ := os.Stat(path)
			if end != fi.Size() {
				t.Errorf("offset %d after Close, file of %d bytes", end, fi.Size())
			}
			var warned []wavemap.Warning
			f, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Strict: true, Warn: func(w wavemap.Warning) { warned = append(warned, w) }})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Frames() != streamFrames || f.Format() != c.format || len(warned) != 0 || f.Header().Container != wavemap.RIFF {
				t.Errorf("opened %d frames of %v in %v, warnings %v", f.Frames(), f.Format(), f.Header().Container, warned)
			}
			if fi.Size() != f.Header().DataOffset+int64(streamFrames*c.format.FrameSize())+int64(streamFrames*c.format.FrameSize()%2) {
				t.Errorf("file of %d bytes", fi.Size())
			}
			compare(t, "sox", wavtest.SoxFloat64(t, path), want, soxTolerance(c.format))
			if s := strings.TrimSpace(string(wavtest.Run(t, "sox", "--i", "-s", path))); s != strconv.Itoa(streamFrames) {
				t.Errorf("sox --i -s says %s samples", s)
			}
		})
	}
}

// memSeeker is an in-memory io.WriteSeeker without WriteAt, to take the
// Writer's Seek path; it starts with some bytes that are not the file's.
type memSeeker struct {
	b   []byte
	off int64
}

func (m *memSeeker) Write(p []byte) (int, error) {
	if need := m.off + int64(len(p)); need > int64(len(m.b)) {
		m.b = append(m.b, make([]byte, need-int64(len(m.b)))...)
	}
	copy(m.b[m.off:], p)
	m.off += int64(len(p))
	return len(p), nil
}

func (m *memSeeker) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		off += m.off
	case io.SeekEnd:
		off += int64(len(m.b))
	}
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	m.off = off
	return off, nil
}

// TestWriterSeekerAndReader writes through a plain io.WriteSeeker after a
// prefix, in every container, and reads the result back with NewReader:
// sizes final, samples as written, the offset left at the end.
func TestWriterSeekerAndReader(t *testing.T) {
	for _, ct := range []wavemap.Container{wavemap.AutoContainer, wavemap.RIFF, wavemap.RF64, wavemap.BW64, wavemap.Wave64} {
		t.Run(ct.String(), func(t *testing.T) {
			m := &memSeeker{}
			m.Write([]byte("prefix"))
			format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 3, SampleRate: 8000}
			w, err := wavemap.NewWriter(m, format, &wavemap.Options{Container: ct})
			if err != nil {
				t.Fatal(err)
			}
			src := make([]int16, 3*777)
			for i := range src {
				src[i] = int16(hashNoise(i))
			}
			if err := wavemap.WriteFrames(w, src); err != nil {
				t.Fatal(err)
			}
			if err := wavemap.WriteFrames(w, src[:4]); err == nil {
				t.Error("a partial frame was accepted")
			}
			if err := wavemap.WriteFrames(w, []float32{0, 0, 0}); !errors.Is(err, wavemap.ErrTypeMismatch) {
				t.Errorf("float32 into s16: %v", err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if m.off != int64(len(m.b)) {
				t.Errorf("offset %d after Close, %d bytes written", m.off, len(m.b))
			}
			if string(m.b[:6]) != "prefix" {
				t.Fatalf("prefix overwritten: %q", m.b[:6])
			}
			var warned []wavemap.Warning
			r, err := wavemap.NewReader(bytes.NewReader(m.b[6:]), &wavemap.Options{Warn: func(w wavemap.Warning) { warned = append(warned, w) }})
			if err != nil {
				t.Fatal(err)
			}
			wantC := ct
			if ct == wavemap.AutoContainer {
				wantC = wavemap.RIFF
			}
			if r.Header().Frames != 777 || r.Header().Container != wantC || len(warned) != 0 || r.Format() != format {
				t.Errorf("%d frames of %v in %v, warnings %v", r.Header().Frames, r.Format(), r.Header().Container, warned)
			}
			if got := streamAll[int16](t, r, 100); !slices.Equal(got, src) {
				t.Errorf("read back %d samples, differing from the %d written", len(got), len(src))
			}
			// The same bytes, mapped.
			path := filepath.Join(t.TempDir(), "x.wav")
			os.WriteFile(path, m.b[6:], 0o644)
			f, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if s, ok := mappedSamples[int16](t, f); ok && !slices.Equal(s, src) {
				t.Error("mapped samples differ from those written")
			}
		})
	}
}

// TestWriterRaggedAndRaw writes raw bytes that stop inside a frame: Close
// finishes the file and reports the ragged tail.
func TestWriterRaggedAndRaw(t *testing.T) {
	m := &memSeeker{}
	w, err := wavemap.NewWriter(m, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 8000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte{1, 0, 2, 0, 3, 0, 4}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); !errors.Is(err, wavemap.ErrArgument) {
		t.Errorf("Close after a ragged write: %v", err)
	}
	var warned []wavemap.WarningKind
	r, err := wavemap.NewReader(bytes.NewReader(m.b), &wavemap.Options{Warn: func(w wavemap.Warning) { warned = append(warned, w.Kind) }})
	if err != nil {
		t.Fatal(err)
	}
	if got := streamAll[int16](t, r, 10); !slices.Equal(got, []int16{1, 2}) || !slices.Equal(warned, []wavemap.WarningKind{wavemap.WarnRaggedTail}) {
		t.Errorf("read %v, warnings %v", got, warned)
	}
}

// TestWriterRIFFLimit checks that a forced RIFF container refuses audio
// past 4 GiB before writing it (no audio is actually written).
func TestWriterRIFFLimit(t *testing.T) {
	w, err := wavemap.NewWriter(io.Discard, wavemap.Format{Encoding: wavemap.EncodingUint8, Channels: 1, SampleRate: 8000}, &wavemap.Options{Container: wavemap.RIFF})
	if err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 1<<20)
	var err2 error
	for i := 0; i < 4096 && err2 == nil; i++ {
		_, err2 = w.Write(big)
	}
	if !errors.Is(err2, wavemap.ErrSizeLimit) || w.Frames() > math.MaxUint32 || w.Frames() < math.MaxUint32-(1<<20) {
		t.Errorf("after %d bytes: %v", w.Frames(), err2)
	}
}

// sparseFile writes runs of zero bytes by seeking over them, so that a
// file of several GiB costs no disk space.
type sparseFile struct {
	f   *os.File
	end int64
}

func (s *sparseFile) Write(p []byte) (int, error) {
	var n int
	var err error
	if isZeroBlock(p) {
		_, err = s.f.Seek(int64(len(p)), io.SeekCurrent)
		n = len(p)
	} else {
		n, err = s.f.Write(p)
	}
	off, _ := s.f.Seek(0, io.SeekCurrent)
	s.end = max(s.end, off)
	return n, err
}

func (s *sparseFile) Seek(off int64, whence int) (int64, error) { return s.f.Seek(off, whence) }

var zeroPage = make([]byte, 1<<16)

// isZeroBlock compares with bytes.Equal (assembly, so fast even under
// -race, where a byte loop over 4 GiB takes most of a minute).
func isZeroBlock(b []byte) bool {
	for len(b) > 0 {
		n := min(len(b), len(zeroPage))
		if !bytes.Equal(b[:n], zeroPage[:n]) {
			return false
		}
		b = b[n:]
	}
	return true
}

// TestWriterLarge writes 4 GiB + 10 frames of s16 stereo into a sparse
// file: Close must turn the reserved JUNK chunk into ds64 and the file
// into RF64, which Open and sox read with the right length.
func TestWriterLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 4 GiB sparse file")
	}
	path := filepath.Join(t.TempDir(), "big.wav")
	osf, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer osf.Close()
	sf := &sparseFile{f: osf}
	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}
	w, err := wavemap.NewWriter(sf, format, nil)
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]int16, 2<<20) // 4 MiB
	const blocks = 1 << 10        // 4 GiB
	for range blocks {
		if err := wavemap.WriteFrames(w, zeros); err != nil {
			t.Fatal(err)
		}
	}
	last := []int16{1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7, 8, -8, 9, -9, 10, -10}
	if err := wavemap.WriteFrames(w, last); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := osf.Truncate(sf.end); err != nil {
		t.Fatal(err)
	}
	frames := int64(blocks)*int64(len(zeros))/2 + int64(len(last))/2
	f, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Frames() != frames || f.Header().Container != wavemap.RF64 {
		t.Fatalf("%d frames in %v, want %d in RF64", f.Frames(), f.Header().Container, frames)
	}
	if s, ok := mappedSamples[int16](t, f); ok && !slices.Equal(s[len(s)-len(last):], last) {
		t.Errorf("last frames %v", s[len(s)-len(last):])
	}
	// ffprobe reads the header only (sox --i reads the whole file here).
	wavtest.Need(t, "ffprobe")
	if s := strings.TrimSpace(string(wavtest.Run(t, "ffprobe", "-v", "error", "-show_entries", "stream=duration_ts", "-of", "csv=p=0", path))); s != strconv.FormatInt(frames, 10) {
		t.Errorf("ffprobe counts %s frames, want %d", s, frames)
	}
}

// TestReaderMalformed feeds broken streams: typed errors as Open gives,
// never a panic.
func TestReaderMalformed(t *testing.T) {
	fmtS16 := wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 8000, 16, 4))
	pcm := []byte{1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0}
	good := wavtest.RIFF(fmtS16, wavtest.Chunk("data", pcm))
	for _, c := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, wavemap.ErrNotWAVE},
		{"truncated header", good[:30], nil},
		{"not WAVE", wavtest.Cat([]byte("RIFF"), wavtest.LE32(100), []byte("AVI LIST")), wavemap.ErrNotWAVE},
		{"text", []byte("hello, this is not audio at all"), wavemap.ErrNotWAVE},
		{"ADPCM", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.Cat(wavtest.FmtPCM(2, 1, 8000, 4, 256), wavtest.LE16(2), wavtest.LE16(505))), wavtest.Chunk("data", make([]byte, 256))), wavemap.ErrUnsupported},
		{"no fmt", wavtest.RIFF(wavtest.Chunk("data", pcm)), wavemap.ErrNoFormat},
		{"no data", wavtest.RIFF(fmtS16), wavemap.ErrNoData},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := wavemap.NewReader(bytes.NewReader(c.data), nil)
			var fe *wavemap.FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T), want a *FormatError", err, err)
			}
			if c.want != nil && !errors.Is(err, c.want) {
				t.Errorf("error %v, want %v", err, c.want)
			}
			// Open says the same of the same bytes.
			if c.want != nil {
				if _, oerr := wavemap.Open(wavtest.WriteTemp(t, c.data), wavemap.ReadOnly, nil); !errors.Is(oerr, c.want) {
					t.Errorf("Open: %v; NewReader: %v", oerr, err)
				}
			}
		})
	}
	if _, err := wavemap.NewReader(bytes.NewReader(wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.Cat(wavtest.FmtPCM(2, 1, 8000, 4, 256), wavtest.LE16(2), wavtest.LE16(505))), wavtest.Chunk("data", nil))), nil); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("ADPCM: %v does not match errors.ErrUnsupported", err)
	}

	t.Run("read error in header", func(t *testing.T) {
		boom := errors.New("boom")
		_, err := wavemap.NewReader(io.MultiReader(bytes.NewReader(good[:20]), iotest.ErrReader(boom)), nil)
		if !errors.Is(err, boom) {
			t.Errorf("error %v does not wrap the reader's", err)
		}
	})
	t.Run("read error in data", func(t *testing.T) {
		boom := errors.New("boom")
		r, err := wavemap.NewReader(io.MultiReader(bytes.NewReader(good[:len(good)-6]), iotest.ErrReader(boom)), nil)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]int16, 20)
		n, err := wavemap.ReadFrames(r, buf)
		if n != 1 || err != nil || !slices.Equal(buf[:2], []int16{1, 2}) {
			t.Fatalf("%d frames %v, %v", n, buf[:2*n], err)
		}
		if n, err := wavemap.ReadFrames(r, buf); n != 0 || !errors.Is(err, boom) {
			t.Errorf("then %d, %v", n, err)
		}
	})
	t.Run("wrong type", func(t *testing.T) {
		r, err := wavemap.NewReader(bytes.NewReader(good), nil)
		if err != nil {
			t.Fatal(err)
		}
		var te *wavemap.TypeError
		if _, err := wavemap.ReadFrames(r, make([]float32, 4)); !errors.As(err, &te) || te.Have != wavemap.EncodingInt16 {
			t.Errorf("ReadFrames[float32]: %v", err)
		}
		for _, err := range wavemap.ReadBlocks[int32](r, 4) {
			if !errors.Is(err, wavemap.ErrTypeMismatch) {
				t.Errorf("ReadBlocks[int32]: %v", err)
			}
		}
		if n, err := wavemap.ReadFrames(r, make([]int16, 1)); n != 0 || err != io.ErrShortBuffer {
			t.Errorf("one sample of a stereo frame: %d, %v", n, err)
		}
		// The type errors consumed nothing.
		if got := streamAll[int16](t, r, 2); !slices.Equal(got, []int16{1, 2, 3, 4, 5, 6}) {
			t.Errorf("read %v", got)
		}
	})
	t.Run("partial frame", func(t *testing.T) {
		// Streaming size, and the stream stops 2 bytes into frame 3.
		data := wavtest.Wave("RIFF", 0xFFFFFFFF, fmtS16, wavtest.RawChunk("data", 0xFFFFFFFF, pcm[:10], false))
		r, err := wavemap.NewReader(bytes.NewReader(data), nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []int16
		var last error
		for b, err := range wavemap.ReadBlocks[int16](r, 10) {
			if err != nil {
				last = err
				break
			}
			got = append(got, b.Data...)
		}
		if !slices.Equal(got, []int16{1, 2, 3, 4}) || last != io.ErrUnexpectedEOF {
			t.Errorf("read %v then %v; want 2 frames, then io.ErrUnexpectedEOF", got, last)
		}
	})
	t.Run("declared size cut short", func(t *testing.T) {
		data := wavtest.RIFF(fmtS16, wavtest.RawChunk("data", 400, pcm[:8], false))
		var warned []wavemap.Warning
		r, err := wavemap.NewReader(bytes.NewReader(data), &wavemap.Options{Warn: func(w wavemap.Warning) { warned = append(warned, w) }})
		if err != nil {
			t.Fatal(err)
		}
		if r.Header().Frames != 100 {
			t.Errorf("frames %d, the header says 100", r.Header().Frames)
		}
		if got := streamAll[int16](t, r, 64); !slices.Equal(got, []int16{1, 2, 3, 4}) {
			t.Errorf("read %v", got)
		}
		if len(warned) != 1 || warned[0].Kind != wavemap.WarnDataSize || warned[0].Offset != 44+8 || len(r.Header().Warnings) != 1 {
			t.Errorf("warnings %v", warned)
		}
		r, err = wavemap.NewReader(bytes.NewReader(data), &wavemap.Options{Strict: true})
		if err != nil {
			t.Fatal(err)
		}
		var fe *wavemap.FormatError
		for _, err := range wavemap.ReadBlocks[int16](r, 64) {
			if err != nil && (!errors.As(err, &fe) || !errors.As(err, new(wavemap.Warning))) {
				t.Errorf("strict: %v", err)
			}
		}
		if fe == nil {
			t.Error("strict: no error for a truncated stream")
		}
	})
	t.Run("strict streaming size", func(t *testing.T) {
		data := wavtest.Wave("RIFF", 0xFFFFFFFF, fmtS16, wavtest.RawChunk("data", 0xFFFFFFFF, pcm, false))
		_, err := wavemap.NewReader(bytes.NewReader(data), &wavemap.Options{Strict: true})
		var w wavemap.Warning
		if !errors.As(err, &w) || w.Kind != wavemap.WarnStreamingSize {
			t.Errorf("strict: %v", err)
		}
	})
}

// TestReaderChunksAfterData reads a stream of two WAVE files back to back,
// the first with chunks after its odd-sized data: the Reader stops at the
// end of the declared audio, so the second file follows.
func TestReaderChunksAfterData(t *testing.T) {
	mono8 := wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 8, 1))
	first := wavtest.RIFF(mono8, wavtest.Chunk("data", []byte{10, 20, 30}), wavtest.Chunk("LIST", wavtest.Cat([]byte("INFO"), wavtest.Chunk("INAM", []byte("x\x00")))))
	second := wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 8000, 16, 4)), wavtest.Chunk("data", []byte{1, 0, 2, 0}))
	src := bytes.NewReader(wavtest.Cat(first, second))
	r, err := wavemap.NewReader(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := streamAll[uint8](t, r, 2); !slices.Equal(got, []uint8{10, 20, 30}) {
		t.Errorf("first file: %v", got)
	}
	// Skip the pad byte and the LIST chunk, as a caller reading a sequence
	// of files does.
	if _, err := src.Seek(int64(len(first)), io.SeekStart); err != nil {
		t.Fatal(err)
	}
	r, err = wavemap.NewReader(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := streamAll[int16](t, r, 2); !slices.Equal(got, []int16{1, 2}) {
		t.Errorf("second file: %v", got)
	}
}

// TestReaderMissingPad reads a stream whose header parse looks one byte
// into the audio (a chunk before data lacks its pad byte): that byte must
// still be the first audio byte delivered.
func TestReaderMissingPad(t *testing.T) {
	fmt16 := wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 16, 2))
	data := wavtest.RIFF(fmt16, wavtest.RawChunk("odd ", -1, []byte{1, 2, 3}, false), wavtest.Chunk("data", wavtest.S16(0x0102, -3, 500, 7)))
	var warned []wavemap.WarningKind
	r, err := wavemap.NewReader(iotest.HalfReader(bytes.NewReader(data)), &wavemap.Options{Warn: func(w wavemap.Warning) { warned = append(warned, w.Kind) }})
	if err != nil {
		t.Fatal(err)
	}
	if got := streamAll[int16](t, r, 3); !slices.Equal(got, []int16{0x0102, -3, 500, 7}) || !slices.Contains(warned, wavemap.WarnMissingPad) {
		t.Errorf("read %v, warnings %v", got, warned)
	}
	// Read gives the same bytes raw.
	r, _ = wavemap.NewReader(bytes.NewReader(data), nil)
	raw, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(raw, wavtest.S16(0x0102, -3, 500, 7)) {
		t.Errorf("Read: %v, %v", raw, err)
	}
}

// FuzzReader streams arbitrary bytes through NewReader and Read: no panic,
// and the audio delivered is exactly the input's bytes from the data
// offset on, whole frames through ReadFrames.
func FuzzReader(f *testing.F) {
	fmtS16 := wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 8000, 16, 4))
	f.Add(wavtest.RIFF(fmtS16, wavtest.Chunk("data", []byte{1, 0, 2, 0, 3, 0, 4, 0})))
	f.Add(wavtest.Wave("RIFF", 0xFFFFFFFF, fmtS16, wavtest.RawChunk("data", 0xFFFFFFFF, []byte{1, 0, 2, 0, 3}, true)))
	f.Add(wavtest.RIFF(fmtS16, wavtest.RawChunk("data", 0, []byte{1, 0, 2, 0, 3, 0, 4, 0}, true)))
	f.Add(wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 16, 2)), wavtest.RawChunk("odd ", -1, []byte{1, 2, 3}, false), wavtest.Chunk("data", []byte{1, 2, 3, 4})))
	f.Add(wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(3, 1, 8000, 32, 4)), wavtest.Chunk("fact", wavtest.LE32(1)), wavtest.RawChunk("data", 4000, []byte{0, 0, 0x80, 0x3f}, true), wavtest.Chunk("LIST", []byte("INFO"))))
	f.Add(wavtest.Cat([]byte("RF64"), wavtest.LE32(0xFFFFFFFF), []byte("WAVEds64"), wavtest.LE32(28), make([]byte, 28), wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 8, 1)), wavtest.RawChunk("data", 0xFFFFFFFF, []byte{1, 2, 3}, true)))
	for _, name := range []string{"Perverse/Pmiscck.wav", "random/Kick.wav", "AFsp/M1F1-int12WE-AFsp.wav"} {
		if b, err := os.ReadFile(filepath.Join(wavtest.CorpusDir(), name)); err == nil {
			f.Add(b[:min(len(b), 4096)])
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := wavemap.NewReader(iotest.HalfReader(bytes.NewReader(data)), nil)
		if err != nil {
			var fe *wavemap.FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is %T, not a *FormatError", err, err)
			}
			return
		}
		h := r.Header()
		if err := h.Format.Validate(); err != nil {
			t.Fatalf("invalid format %+v: %v", h.Format, err)
		}
		off := h.DataOffset
		if off < 0 || off > int64(len(data)) {
			t.Fatalf("audio at %d in %d bytes", off, len(data))
		}
		fsz := h.Format.FrameSize()
		var got []byte
		if h.Format.Encoding == wavemap.EncodingInt16 {
			buf := make([]int16, 3*h.Format.Channels)
			for {
				n, err := wavemap.ReadFrames(r, buf)
				for _, v := range buf[:n*h.Format.Channels] {
					got = binary.LittleEndian.AppendUint16(got, uint16(v))
				}
				if err != nil {
					break
				}
			}
		} else {
			got, _ = io.ReadAll(r)
		}
		if int64(len(got)) > int64(len(data))-off || !bytes.Equal(got, data[off:off+int64(len(got))]) {
			t.Fatalf("delivered %d bytes that are not the input's from %d", len(got), off)
		}
		if h.Frames >= 0 && int64(len(got)) > h.Frames*int64(fsz) {
			t.Fatalf("delivered %d bytes, more than the %d frames declared", len(got), h.Frames)
		}
	})
}

// TestWriterFlushReader connects a Writer and a Reader through an
// os.Pipe: after Flush, the frames written so far reach the Reader before
// any more are written (a broken Flush deadlocks and fails by the test
// timeout), and the stream ends cleanly after Close.
func TestWriterFlushReader(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	format := wavemap.Format{Encoding: wavemap.EncodingFloat64, Channels: 2, SampleRate: 44100}
	got := make(chan []float64)
	errc := make(chan error, 1)
	go func() {
		r, err := wavemap.NewReader(pr, nil)
		if err != nil {
			errc <- err
			return
		}
		buf := make([]float64, 2*100)
		for {
			n, err := wavemap.ReadFrames(r, buf)
			if err == io.EOF {
				close(got)
				errc <- nil
				return
			}
			if err != nil {
				errc <- err
				return
			}
			got <- slices.Clone(buf[:2*n])
		}
	}()
	w, err := wavemap.NewWriter(pw, format, nil)
	if err != nil {
		t.Fatal(err)
	}
	for round := range 5 {
		block := make([]float64, 2*100)
		for i := range block {
			block[i] = float64(round*1000 + i)
		}
		if err := wavemap.WriteFrames(w, block); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		b, ok := <-got
		if !ok || !slices.Equal(b, block) {
			t.Fatalf("round %d: reader got %d samples, %v", round, len(b), <-errc)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	if b, ok := <-got; ok {
		t.Errorf("%d samples after the end", len(b))
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// TestReaderMixedRead reads raw bytes that stop inside a frame, after
// which ReadFrames refuses to go on, and raw reads finish the audio.
func TestReaderMixedRead(t *testing.T) {
	data := wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 8000, 16, 4)), wavtest.Chunk("data", wavtest.S16(1, 2, 3, 4, 5, 6)))
	r, err := wavemap.NewReader(bytes.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]int16, 2)
	if n, err := wavemap.ReadFrames(r, buf); n != 1 || err != nil || !slices.Equal(buf, []int16{1, 2}) {
		t.Fatalf("first frame: %d %v %v", n, buf, err)
	}
	head := make([]byte, 3)
	if n, err := io.ReadFull(r, head); n != 3 || err != nil || !bytes.Equal(head, []byte{3, 0, 4}) {
		t.Fatalf("Read: %d %v %v", n, head, err)
	}
	if n, err := wavemap.ReadFrames(r, buf); n != 0 || err == nil {
		t.Errorf("ReadFrames inside a frame: %d, %v", n, err)
	}
	rest, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(rest, []byte{0, 5, 0, 6, 0}) || r.Offset() != 3 {
		t.Errorf("rest %v, %v, offset %d", rest, err, r.Offset())
	}
}
