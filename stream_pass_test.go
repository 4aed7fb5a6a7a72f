package wavemap_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// randomAudio returns frames of random audio of format fm as the bytes of
// a file (in its byte order). Integer codes are uniform with a sprinkling
// of the extreme ones. Float channel 0 is finite, of every magnitude from
// denormals to 2^20 with some exactly ±1; channel 1 adds infinities of
// both signs and, in float64, values near 1e300 (whose squares
// overflow); channel 2 one NaN.
func randomAudio(fm wavemap.Format, frames int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	enc, ch := fm.Encoding, fm.Channels
	size := enc.Size()
	order := binary.ByteOrder(binary.LittleEndian)
	if enc.BigEndian() {
		order = binary.BigEndian
	}
	d := make([]byte, frames*ch*size)
	for i := range d {
		d[i] = byte(rng.Uint32())
	}
	nanAt := rng.IntN(max(1, frames))
	for i := 0; i < frames*ch; i++ {
		s := d[i*size : (i+1)*size]
		if !enc.IsFloat() {
			if enc == wavemap.EncodingALaw || enc == wavemap.EncodingMuLaw || rng.IntN(40) != 0 {
				continue
			}
			// The largest or the smallest code.
			var v uint64 = 1<<(8*size-1) - 1
			if rng.IntN(2) == 0 {
				v++
			}
			if enc == wavemap.EncodingUint8 {
				v ^= 0x80
			}
			for k := range size {
				b := byte(v >> (8 * k))
				if enc.BigEndian() {
					s[size-1-k] = b
				} else {
					s[k] = b
				}
			}
			continue
		}
		var v float64
		switch r := rng.IntN(100); {
		case r < 3:
			v = float64(1 - 2*rng.IntN(2))
		case r < 6: // denormal in float32 or float64
			if size == 4 {
				v = float64(math.Float32frombits(uint32(rng.IntN(1 << 23))))
			} else {
				v = math.Float64frombits(uint64(rng.Int64N(1 << 52)))
			}
		case r < 8 && size == 8 && i%ch == 1:
			v = 1e300 * (rng.Float64() - 0.5)
		case r < 10:
			v = math.Ldexp(rng.Float64()-0.5, rng.IntN(60)-40)
		default:
			v = rng.Float64()*2.5 - 1.25
		}
		c := i % ch
		if c == 1 && rng.IntN(500) == 0 {
			v = math.Inf(1 - 2*rng.IntN(2))
		}
		if c == 2 && i/ch == nanAt {
			v = math.NaN()
		}
		if size == 4 {
			order.PutUint32(s, math.Float32bits(float32(v)))
		} else {
			order.PutUint64(s, math.Float64bits(v))
		}
	}
	return d
}

// createAudio writes a file of format fm holding the audio bytes d.
func createAudio(t testing.TB, path string, fm wavemap.Format, d []byte) {
	t.Helper()
	f, err := wavemap.Create(path, fm, int64(len(d)/fm.FrameSize()), nil)
	if err != nil {
		t.Fatal(err)
	}
	copy(f.Bytes(), d)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// streamOf returns a stream of format fm and audio d as a Writer writes
// it to a pipe: with the streaming sizes, and the metadata m before the
// audio.
func streamOf(t testing.TB, fm wavemap.Format, d []byte, m *wavemap.Metadata) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := wavemap.NewWriter(&buf, fm, &wavemap.Options{Metadata: m})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(d); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// chunkyReader returns its bytes in reads of varying, small sizes.
type chunkyReader struct {
	b []byte
	i int
}

func (c *chunkyReader) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	c.i++
	n := copy(p[:min(len(p), 1+(c.i*7919)%20011)], c.b)
	c.b = c.b[n:]
	return n, nil
}

func newReader(t testing.TB, src io.Reader, opts *wavemap.Options) *wavemap.Reader {
	t.Helper()
	r, err := wavemap.NewReader(src, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// sameStatsBits fails unless got and want are equal to the bit (NaN
// equal to NaN).
func sameStatsBits(t testing.TB, what string, got, want []wavemap.ChannelStats) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d channels, want %d", what, len(got), len(want))
	}
	same := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) || a != a && b != b }
	for c := range got {
		g, w := got[c], want[c]
		if !same(g.Min, w.Min) || !same(g.Max, w.Max) || !same(g.Peak, w.Peak) || !same(g.RMS, w.RMS) || !same(g.DC, w.DC) ||
			g.FullScale != w.FullScale || g.Samples != w.Samples {
			t.Errorf("%s ch %d:\n got %+v\nwant %+v", what, c, g, w)
		}
	}
}

// TestMeasureReaderMatchesMeasure measures random audio of every encoding
// (and 20 valid bits in 24) as a mapped file with Measure and as a stream
// with MeasureReader, with the same options, and wants the same bits:
// from the file read as a stream (declared sizes, reads of odd sizes)
// and from the same audio written to a pipe (streaming sizes). The length
// is no multiple of the runs Measure sums (statChunk, 65536 frames) nor
// of the blocks.
func TestMeasureReaderMatchesMeasure(t *testing.T) {
	dir := t.TempDir()
	const frames = 1<<18 + 4321 // two of Measure's default blocks, 5 of 65536 frames
	opts := []*wavemap.PassOptions{nil, {Workers: 1, BlockFrames: 100003}, {Workers: 3, BlockFrames: 1 << 16}}
	formats := []wavemap.Format{{Encoding: wavemap.EncodingInt24, Channels: 2, SampleRate: 48000, ValidBits: 20}}
	for _, e := range everyEncoding {
		ch := 2
		if e.IsFloat() {
			ch = 3 // finite, infinite and NaN channels
		}
		formats = append(formats, wavemap.Format{Encoding: e, Channels: ch, SampleRate: 44100})
	}
	for i, fm := range formats {
		name := fmt.Sprintf("%s-%dbits", fm.Encoding, fm.ValidBits)
		t.Run(name, func(t *testing.T) {
			d := randomAudio(fm, frames, uint64(i))
			path := filepath.Join(dir, name+".wav")
			createAudio(t, path, fm, d)
			f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			file, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			pipe := streamOf(t, fm, d, nil)
			for k, o := range opts {
				want, err := wavemap.Measure(context.Background(), f, o)
				if err != nil {
					t.Fatal(err)
				}
				if fm.Encoding.IsFloat() && (math.IsInf(want[0].RMS, 0) || !math.IsInf(want[1].Peak, 1) || !math.IsNaN(want[2].DC)) {
					t.Fatalf("the float channels are not finite, infinite and NaN: %+v", want)
				}
				sources := map[string][]byte{"pipe": pipe}
				if o == nil {
					sources["file"] = file
				}
				for src, b := range sources {
					r := newReader(t, &chunkyReader{b: b}, nil)
					if r.Format() != fm {
						t.Fatalf("%s: format %+v, want %+v", src, r.Format(), fm)
					}
					got, err := wavemap.MeasureReader(context.Background(), r, o)
					if err != nil {
						t.Fatalf("%s, options %d: %v", src, k, err)
					}
					sameStatsBits(t, fmt.Sprintf("%s, options %d", src, k), got, want)
				}
			}
		})
	}
}

// startPipe starts name with args, its standard output a pipe returned to
// read; wait waits for the command, failing the test if it failed, after
// reading what is left.
func startPipe(t *testing.T, name string, args ...string) (out io.Reader, wait func()) {
	t.Helper()
	cmd := exec.Command(wavtest.Need(t, name), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return stdout, func() {
		t.Helper()
		io.Copy(io.Discard, stdout)
		if err := cmd.Wait(); err != nil {
			t.Errorf("%s %q: %v\n%s", name, args, err, stderr.Bytes())
		}
	}
}

// pipeInto starts name with args reading a pipe, which it returns for
// writing; wait closes the pipe, waits for the command and returns its
// standard output.
func pipeInto(t *testing.T, name string, args ...string) (in *os.File, wait func() []byte) {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(wavtest.Need(t, name), args...)
	cmd.Stdin = pr
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pr.Close()
	return pw, func() []byte {
		t.Helper()
		pw.Close()
		if err := cmd.Wait(); err != nil {
			t.Fatalf("%s %q: %v\n%s", name, args, err, stderr.Bytes())
		}
		return stdout.Bytes()
	}
}

// TestStreamFFmpegPipes runs wavemap between real pipes, for every
// encoding ffmpeg writes: ffmpeg writes a file's audio to a pipe (with
// the streaming sizes), MeasureReader measures it as Measure measures
// the file, and TranscodeReader converts it into a Writer on a pipe
// read by ffmpeg, which must decode the values ffmpeg decodes from the
// file itself (to f32), and by sox, which must decode the bytes
// Transcode writes for the file (s24).
func TestStreamFFmpegPipes(t *testing.T) {
	wavtest.Need(t, "ffmpeg")
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	src := "aevalsrc=exprs=0.9*sin(2*PI*440*t)+0.1*random(0)|0.5*sin(2*PI*97*t)-0.3:s=8000:d=17.3"
	for _, c := range ffmpegCodecs {
		t.Run(c.codec, func(t *testing.T) {
			path := filepath.Join(dir, c.codec+".wav")
			wavtest.Run(t, "ffmpeg", "-v", "error", "-f", "lavfi", "-i", src, "-c:a", c.codec, "-y", path)
			f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Format().Encoding != c.enc {
				t.Fatalf("ffmpeg wrote %v", f.Format())
			}
			want, err := wavemap.Measure(context.Background(), f, nil)
			if err != nil {
				t.Fatal(err)
			}
			pipe := func() (*wavemap.Reader, func()) {
				out, wait := startPipe(t, "ffmpeg", "-v", "error", "-i", path, "-c:a", c.codec, "-f", "wav", "-")
				r := newReader(t, out, nil)
				if r.Header().Frames != -1 {
					t.Errorf("ffmpeg's pipe declares %d frames, want the streaming size", r.Header().Frames)
				}
				return r, wait
			}

			r, wait := pipe()
			got, err := wavemap.MeasureReader(context.Background(), r, nil)
			wait()
			if err != nil {
				t.Fatal(err)
			}
			sameStatsBits(t, "MeasureReader of ffmpeg's pipe", got, want)

			// Into ffmpeg, as f32.
			ffOut, ffWait := pipeInto(t, "ffmpeg", "-v", "error", "-f", "wav", "-i", "-", "-f", "f32le", "-")
			fm := f.Format()
			fm.Encoding = wavemap.EncodingFloat32
			r, wait = pipe()
			w, err := wavemap.NewWriter(ffOut, fm, nil)
			if err != nil {
				t.Fatal(err)
			}
			copied, _, err := wavemap.TranscodeReader(context.Background(), w, r, -1, nil)
			wait()
			if err == nil {
				err = w.Close()
			}
			decoded := ffWait()
			if err != nil || copied != f.Frames() {
				t.Fatalf("TranscodeReader copied %d of %d frames: %v", copied, f.Frames(), err)
			}
			direct := wavtest.Run(t, "ffmpeg", "-v", "error", "-i", path, "-f", "f32le", "-")
			if !bytes.Equal(decoded, direct) {
				t.Errorf("ffmpeg decodes %d bytes from wavemap's f32 pipe, %d from the file as f32: not the same", len(decoded), len(direct))
			}

			// Into sox, as s24, against Transcode of the file.
			fm.Encoding = wavemap.EncodingInt24
			g, err := wavemap.Create(filepath.Join(dir, "ref.wav"), fm, f.Frames(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			wantClipped, err := wavemap.Transcode(context.Background(), g, f, nil)
			if err != nil {
				t.Fatal(err)
			}
			soxOut, soxWait := pipeInto(t, "sox", "-V1", "-t", "wav", "-", "-t", "raw", "-e", "signed", "-b", "24", "-L", "-")
			r, wait = pipe()
			w, err = wavemap.NewWriter(soxOut, fm, nil)
			if err != nil {
				t.Fatal(err)
			}
			copied, clipped, err := wavemap.TranscodeReader(context.Background(), w, r, -1, nil)
			wait()
			if err == nil {
				err = w.Close()
			}
			decoded = soxWait()
			if err != nil || copied != f.Frames() || clipped != wantClipped {
				t.Fatalf("TranscodeReader copied %d of %d frames, clipped %d (Transcode %d): %v", copied, f.Frames(), clipped, wantClipped, err)
			}
			if !bytes.Equal(decoded, g.Bytes()) {
				t.Errorf("sox decodes %d bytes from wavemap's s24 pipe, Transcode wrote %d: not the same", len(decoded), len(g.Bytes()))
			}
		})
	}
}

// TestMeasureReaderSoxRIFX measures the big-endian RIFX streams sox
// writes to a pipe (-B) as Measure measures the files sox writes.
func TestMeasureReaderSoxRIFX(t *testing.T) {
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		enc  wavemap.Encoding
	}{
		{[]string{"-e", "signed", "-b", "16"}, wavemap.EncodingInt16BE},
		{[]string{"-e", "signed", "-b", "24"}, wavemap.EncodingInt24BE},
		{[]string{"-e", "signed", "-b", "32"}, wavemap.EncodingInt32BE},
		{[]string{"-e", "floating-point", "-b", "32"}, wavemap.EncodingFloat32BE},
		{[]string{"-e", "floating-point", "-b", "64"}, wavemap.EncodingFloat64BE},
	} {
		t.Run(c.enc.String(), func(t *testing.T) {
			path := filepath.Join(dir, c.enc.String()+".wav")
			gen := append([]string{"-V1", "-n", "-r", "8000", "-c", "2"}, c.args...)
			gen = append(gen, "-B", path, "synth", "11", "sine", "300", "sine", "1000", "vol", "0.9")
			wavtest.Run(t, "sox", gen...)
			f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Format().Encoding != c.enc {
				t.Fatalf("sox wrote %v", f.Format())
			}
			want, err := wavemap.Measure(context.Background(), f, nil)
			if err != nil {
				t.Fatal(err)
			}
			out, wait := startPipe(t, "sox", "-V1", path, "-B", "-t", "wav", "-")
			r := newReader(t, out, nil)
			got, err := wavemap.MeasureReader(context.Background(), r, nil)
			wait()
			if err != nil {
				t.Fatal(err)
			}
			if r.Format().Encoding != c.enc {
				t.Fatalf("sox's pipe is %v", r.Format())
			}
			sameStatsBits(t, "MeasureReader of sox's RIFX pipe", got, want)
		})
	}
}

// transcodeBytes converts the audio d of format sf with Transcode into
// encoding de, through mapped files, and returns the output's bytes and
// the clipped count.
func transcodeBytes(t *testing.T, dir string, sf wavemap.Format, d []byte, de wavemap.Encoding, o *wavemap.PassOptions) ([]byte, int64) {
	t.Helper()
	in := filepath.Join(dir, "in.wav")
	createAudio(t, in, sf, d)
	f, err := wavemap.Open(in, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	df := sf
	df.Encoding = de
	g, err := wavemap.Create(filepath.Join(dir, "out.wav"), df, f.Frames(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	clipped, err := wavemap.Transcode(context.Background(), g, f, o)
	if err != nil {
		t.Fatal(err)
	}
	return slices.Clone(g.Bytes()), clipped
}

// transcodeStream converts the stream b with TranscodeReader into a
// Writer of encoding de on an unseekable buffer, copying at most frames
// frames after skipping skip, and returns the output's audio bytes, the
// skipped, copied and clipped counts, and the output's metadata.
func transcodeStream(t *testing.T, b []byte, de wavemap.Encoding, skip, frames int64, o *wavemap.PassOptions) (audio []byte, skipped, copied, clipped int64, m *wavemap.Metadata) {
	t.Helper()
	r := newReader(t, &chunkyReader{b: b}, nil)
	skipped, err := r.Skip(skip)
	if err != nil {
		t.Fatalf("Skip(%d): %v", skip, err)
	}
	df := r.Format()
	df.Encoding = de
	var out bytes.Buffer
	w, err := wavemap.NewWriter(&out, df, &wavemap.Options{Metadata: r.Metadata()})
	if err != nil {
		t.Fatal(err)
	}
	copied, clipped, err = wavemap.TranscodeReader(context.Background(), w, r, frames, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if w.Frames() != copied {
		t.Errorf("the Writer has %d frames, TranscodeReader copied %d", w.Frames(), copied)
	}
	back := newReader(t, &out, &wavemap.Options{Strict: false})
	audio, err = io.ReadAll(back)
	if err != nil {
		t.Fatal(err)
	}
	return audio, skipped, copied, clipped, back.Metadata()
}

// TestTranscodeReaderAllPairs converts random audio between every pair
// of encodings (NaN, infinities and values past full scale included) and
// wants the bytes and the clipped count of Transcode. Longer streams
// of a few pairs cross TranscodeReader's blocks, with several workers and
// both scalings.
func TestTranscodeReaderAllPairs(t *testing.T) {
	dir := t.TempDir()
	type job struct {
		from, to wavemap.Encoding
		frames   int
		o        *wavemap.PassOptions
	}
	var jobs []job
	for _, a := range everyEncoding {
		for _, b := range everyEncoding {
			jobs = append(jobs, job{a, b, 3001, nil})
		}
	}
	for _, o := range []*wavemap.PassOptions{{Workers: 3}, {Workers: 2, Scaling: wavemap.FullRange}} {
		jobs = append(jobs,
			job{wavemap.EncodingInt16, wavemap.EncodingFloat32, 300007, o},
			job{wavemap.EncodingFloat64BE, wavemap.EncodingInt24, 300007, o},
			job{wavemap.EncodingInt32, wavemap.EncodingInt16BE, 300007, o},
			job{wavemap.EncodingInt24, wavemap.EncodingInt24, 300007, o})
	}
	for i, j := range jobs {
		sf := wavemap.Format{Encoding: j.from, Channels: 3, SampleRate: 22050}
		d := randomAudio(sf, j.frames, uint64(i))
		want, wantClipped := transcodeBytes(t, dir, sf, d, j.to, j.o)
		got, _, copied, clipped, _ := transcodeStream(t, streamOf(t, sf, d, nil), j.to, 0, -1, j.o)
		what := fmt.Sprintf("%v -> %v, %d frames, options %+v", j.from, j.to, j.frames, j.o)
		if copied != int64(j.frames) || clipped != wantClipped {
			t.Errorf("%s: copied %d, clipped %d; Transcode clipped %d", what, copied, clipped, wantClipped)
		}
		if k := firstMismatch(got, want); k >= 0 {
			t.Errorf("%s: byte %d of %d differs from Transcode's (%d bytes)", what, k, len(got), len(want))
		}
	}
}

// TestStreamCutBounds skips and copies ranges of a stream, within it and
// past its end, and with metadata before the audio, which the copy
// keeps.
func TestStreamCutBounds(t *testing.T) {
	sf := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}
	const frames = 300001
	d := randomAudio(sf, frames, 1)
	meta := &wavemap.Metadata{}
	for _, c := range wavtest.RichChunks() {
		if !c.After {
			meta.Chunks = append(meta.Chunks, wavemap.RawChunk{ID: wavemap.FourCC([]byte(c.ID)), Data: c.Data})
		}
	}
	stream := streamOf(t, sf, d, meta)
	f32 := make([]float32, len(d)/2)
	wavemap.Convert(f32, wavtest.DecodeS16(d))
	for _, c := range []struct {
		from, n               int64
		wantSkipped, wantCopy int64
	}{
		{0, -1, 0, frames},
		{0, 0, 0, 0},
		{0, frames, 0, frames},
		{123, 456, 123, 456},
		{1, 200000, 1, 200000},
		{frames - 1, -1, frames - 1, 1},
		{290000, 50000, 290000, frames - 290000}, // clamped at the end
		{frames, 10, frames, 0},
		{frames + 5000, 10, frames, 0}, // the stream ends before from
	} {
		for _, de := range []wavemap.Encoding{wavemap.EncodingInt16, wavemap.EncodingFloat32} {
			what := fmt.Sprintf("from %d, %d frames, to %v", c.from, c.n, de)
			got, skipped, copied, _, m := transcodeStream(t, stream, de, c.from, c.n, nil)
			if skipped != c.wantSkipped || copied != c.wantCopy {
				t.Errorf("%s: skipped %d, copied %d; want %d, %d", what, skipped, copied, c.wantSkipped, c.wantCopy)
				continue
			}
			a, b := int(skipped)*2, int(skipped+copied)*2
			want := d[a*2 : b*2]
			if de == wavemap.EncodingFloat32 {
				want = make([]byte, 0, 4*(b-a))
				for _, v := range f32[a:b] {
					want = binary.LittleEndian.AppendUint32(want, math.Float32bits(v))
				}
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s: %d bytes of audio, not the %d of the range", what, len(got), len(want))
			}
			if len(m.Chunks) != len(meta.Chunks) {
				t.Fatalf("%s: %d metadata chunks, want %d", what, len(m.Chunks), len(meta.Chunks))
			}
			for i, ch := range m.Chunks {
				if ch.ID != meta.Chunks[i].ID || !bytes.Equal(ch.Data, meta.Chunks[i].Data) {
					t.Errorf("%s: chunk %d is %q (%d bytes), want %q (%d bytes)", what, i, ch.ID, len(ch.Data), meta.Chunks[i].ID, len(meta.Chunks[i].Data))
				}
			}
		}
	}
}

// TestStreamMetadataFFmpeg copies a stream with metadata into a Writer
// on a pipe read by ffmpeg, which must see its INFO tags.
func TestStreamMetadataFFmpeg(t *testing.T) {
	wavtest.Need(t, "ffmpeg")
	sf := wavemap.Format{Encoding: wavemap.EncodingInt24, Channels: 1, SampleRate: 8000}
	d := randomAudio(sf, 8000, 3)
	info := &wavemap.Metadata{Chunks: []wavemap.RawChunk{{ID: wavemap.FourCC([]byte("LIST")), Data: wavtest.InfoList("INAM", "Piped Title", "IART", "Someone")}}}
	r := newReader(t, bytes.NewReader(streamOf(t, sf, d, info)), nil)
	df := sf
	df.Encoding = wavemap.EncodingFloat32
	dir := t.TempDir()
	out := filepath.Join(dir, "out.wav")
	in, wait := pipeInto(t, "ffmpeg", "-v", "error", "-f", "wav", "-i", "-", "-c", "copy", "-y", out)
	w, err := wavemap.NewWriter(in, df, &wavemap.Options{Metadata: r.Metadata()})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := wavemap.TranscodeReader(context.Background(), w, r, -1, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	wait()
	tags := wavtest.FFprobeTags(t, out)
	if tags["title"] != "Piped Title" || tags["artist"] != "Someone" {
		t.Errorf("ffprobe tags %v", tags)
	}
}

// TestStreamTruncated checks streams that end early: inside a frame (an
// error after the whole frames, never garbage), at a frame boundary
// before the declared size (a warning, or an error when strict), and
// with a failing source.
func TestStreamTruncated(t *testing.T) {
	fmtChunk := wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 8000, 16, 4))
	pcm := randomAudio(wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 8000}, 1000, 5)
	declared := func(audio []byte) []byte {
		return wavtest.RIFF(fmtChunk, wavtest.RawChunk("data", 4000, audio, false))
	}
	ctx := context.Background()
	t.Run("inside a frame", func(t *testing.T) {
		b := declared(pcm[:2002]) // 500 frames and half of one
		if _, err := wavemap.MeasureReader(ctx, newReader(t, bytes.NewReader(b), nil), nil); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("MeasureReader: %v, want io.ErrUnexpectedEOF", err)
		}
		var out bytes.Buffer
		r := newReader(t, bytes.NewReader(b), nil)
		w, _ := wavemap.NewWriter(&out, r.Format(), nil)
		copied, _, err := wavemap.TranscodeReader(ctx, w, r, -1, nil)
		if !errors.Is(err, io.ErrUnexpectedEOF) || copied != 500 || w.Frames() != 500 {
			t.Errorf("TranscodeReader: %d frames copied, %d written, %v; want 500 and io.ErrUnexpectedEOF", copied, w.Frames(), err)
		}
		w.Close()
		if got := out.Bytes()[out.Len()-2000:]; !bytes.Equal(got, pcm[:2000]) {
			t.Error("the copied frames differ from the stream's")
		}
		r = newReader(t, bytes.NewReader(b), nil)
		if n, err := r.Skip(800); n != 500 || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("Skip: %d, %v; want 500, io.ErrUnexpectedEOF", n, err)
		}
		// Streaming sizes too.
		s := streamOf(t, r.Format(), nil, nil)
		s = append(s, pcm[:2003]...)
		if _, err := wavemap.MeasureReader(ctx, newReader(t, bytes.NewReader(s), nil), nil); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("MeasureReader of a stream of unknown length: %v, want io.ErrUnexpectedEOF", err)
		}
	})
	t.Run("at a frame", func(t *testing.T) {
		b := declared(pcm[:2000])
		var warned []wavemap.WarningKind
		r := newReader(t, bytes.NewReader(b), &wavemap.Options{Warn: func(w wavemap.Warning) { warned = append(warned, w.Kind) }})
		st, err := wavemap.MeasureReader(ctx, r, nil)
		if err != nil || st[0].Samples != 500 || !slices.Contains(warned, wavemap.WarnDataSize) {
			t.Errorf("MeasureReader: %v, %v, warnings %v; want 500 samples and a data-size warning", st, err, warned)
		}
		_, err = wavemap.MeasureReader(ctx, newReader(t, bytes.NewReader(b), &wavemap.Options{Strict: true}), nil)
		var fe *wavemap.FormatError
		if !errors.As(err, &fe) {
			t.Errorf("strict MeasureReader: %v, want a *FormatError", err)
		}
		r = newReader(t, bytes.NewReader(b), nil)
		w, _ := wavemap.NewWriter(io.Discard, r.Format(), nil)
		if copied, _, err := wavemap.TranscodeReader(ctx, w, r, 700, nil); err != nil || copied != 500 {
			t.Errorf("TranscodeReader: %d, %v; want 500 frames", copied, err)
		}
	})
	t.Run("failing source", func(t *testing.T) {
		boom := errors.New("boom")
		src := func() io.Reader {
			return io.MultiReader(bytes.NewReader(declared(pcm[:1000])), &errReader{boom})
		}
		if _, err := wavemap.MeasureReader(ctx, newReader(t, src(), nil), nil); !errors.Is(err, boom) {
			t.Errorf("MeasureReader: %v, want boom", err)
		}
		r := newReader(t, src(), nil)
		w, _ := wavemap.NewWriter(io.Discard, r.Format(), nil)
		if copied, _, err := wavemap.TranscodeReader(ctx, w, r, -1, nil); !errors.Is(err, boom) || copied != 250 {
			t.Errorf("TranscodeReader: %d, %v; want 250 frames and boom", copied, err)
		}
		err := wavemap.ReadPass(ctx, newReader(t, src(), nil), nil, func(int64, wavemap.Frames[int16]) error { return nil })
		if !errors.Is(err, boom) {
			t.Errorf("ReadPass: %v, want boom", err)
		}
	})
}

type errReader struct{ err error }

func (e *errReader) Read([]byte) (int, error) { return 0, e.err }

// endless is a stream of s16 stereo silence that never ends.
type endless struct{ head []byte }

func (e *endless) Read(p []byte) (int, error) {
	if len(e.head) > 0 {
		n := copy(p, e.head)
		e.head = e.head[n:]
		return n, nil
	}
	clear(p)
	return len(p), nil
}

// TestStreamCancel cancels the passes before they start and midway
// through an endless stream: they return an error wrapping
// context.Canceled, and stop.
func TestStreamCancel(t *testing.T) {
	fm := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}
	newEndless := func() *wavemap.Reader {
		return newReader(t, &endless{head: streamOf(t, fm, nil, nil)}, nil)
	}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := wavemap.MeasureReader(done, newEndless(), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("MeasureReader: %v", err)
	}
	w, _ := wavemap.NewWriter(io.Discard, wavemap.Format{Encoding: wavemap.EncodingFloat32, Channels: 2, SampleRate: 48000}, nil)
	if n, _, err := wavemap.TranscodeReader(done, w, newEndless(), -1, nil); !errors.Is(err, context.Canceled) || n != 0 {
		t.Errorf("TranscodeReader: %d, %v", n, err)
	}
	if err := wavemap.ReadPass(done, newEndless(), nil, func(int64, wavemap.Frames[int16]) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("ReadPass: %v", err)
	}

	midway := func() (context.Context, *wavemap.PassOptions) {
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		calls := 0
		return ctx, &wavemap.PassOptions{Progress: func(done, total int64) {
			if total != -1 {
				t.Errorf("progress total %d for a stream of unknown length", total)
			}
			if calls++; calls == 3 {
				cancel()
			}
		}}
	}
	ctx, o := midway()
	if _, err := wavemap.MeasureReader(ctx, newEndless(), o); !errors.Is(err, context.Canceled) {
		t.Errorf("MeasureReader midway: %v", err)
	}
	ctx, o = midway()
	n, _, err := wavemap.TranscodeReader(ctx, w, newEndless(), -1, o)
	if !errors.Is(err, context.Canceled) || n == 0 || n != w.Frames() {
		t.Errorf("TranscodeReader midway: %d frames copied, %d written, %v", n, w.Frames(), err)
	}
	ctx, o = midway()
	blocks := 0
	err = wavemap.ReadPass(ctx, newEndless(), o, func(int64, wavemap.Frames[int16]) error { blocks++; return nil })
	if !errors.Is(err, context.Canceled) || blocks != 3 {
		t.Errorf("ReadPass midway: %d blocks, %v; want 3 and context.Canceled", blocks, err)
	}
}

// TestReadPass counts the NaN and infinite samples of a float stream
// (what check --data does) block by block, in order, and checks the
// blocks' starts, the progress reports, a *TypeError and fn's error.
func TestReadPass(t *testing.T) {
	fm := wavemap.Format{Encoding: wavemap.EncodingFloat32, Channels: 3, SampleRate: 44100}
	const frames = 123457
	d := randomAudio(fm, frames, 9)
	var want int64
	for i := 0; i < len(d); i += 4 {
		v := float64(math.Float32frombits(binary.LittleEndian.Uint32(d[i:])))
		if math.IsNaN(v) || math.IsInf(v, 0) {
			want++
		}
	}
	if want < 2 {
		t.Fatalf("only %d non-finite samples", want)
	}
	stream := wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(3, 3, 44100, 32, 12)), wavtest.Chunk("data", d))
	var count, next, last int64
	o := &wavemap.PassOptions{BlockFrames: 10000, Workers: 4, Progress: func(done, total int64) {
		if done != next || total != frames {
			t.Errorf("progress %d of %d, want %d of %d", done, total, next, frames)
		}
		last = done
	}}
	err := wavemap.ReadPass(context.Background(), newReader(t, &chunkyReader{b: stream}, nil), o, func(start int64, b wavemap.Frames[float32]) error {
		if start != next || b.Len() != min(10000, frames-int(start)) || b.Channels != 3 {
			t.Errorf("block at %d of %d frames, want %d", start, b.Len(), next)
		}
		next += int64(b.Len())
		for _, v := range b.Data {
			if x := float64(v); math.IsNaN(x) || math.IsInf(x, 0) {
				count++
			}
		}
		return nil
	})
	if err != nil || count != want || last != frames {
		t.Errorf("ReadPass: %d non-finite samples, progress at %d, %v; want %d, %d", count, last, err, want, frames)
	}
	var te *wavemap.TypeError
	if err := wavemap.ReadPass(context.Background(), newReader(t, bytes.NewReader(stream), nil), nil, func(int64, wavemap.Frames[int16]) error { return nil }); !errors.As(err, &te) {
		t.Errorf("ReadPass of the wrong type: %v", err)
	}
	stop := errors.New("stop")
	calls := 0
	err = wavemap.ReadPass(context.Background(), newReader(t, bytes.NewReader(stream), nil), o, func(int64, wavemap.Frames[float32]) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("ReadPass: %d calls, %v; want 1 and fn's error", calls, err)
	}
}
