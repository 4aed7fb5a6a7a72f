package wavemap_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// RIFX (big-endian RIFF) files: sox -B writes them in every encoding,
// and wavemap must map, measure, edit, convert and write them as sox
// reads them.

// rifxEncodings are the encodings of RIFX files: the little-endian one
// sox is asked for and the encoding wavemap must report.
var rifxEncodings = []struct {
	le, be wavemap.Encoding
	args   []string
	tol    float64 // sox goes through 32-bit integers internally
}{
	{wavemap.EncodingUint8, wavemap.EncodingUint8, []string{"-e", "unsigned-integer", "-b", "8"}, 0},
	{wavemap.EncodingInt16, wavemap.EncodingInt16BE, []string{"-e", "signed-integer", "-b", "16"}, 0},
	{wavemap.EncodingInt24, wavemap.EncodingInt24BE, []string{"-e", "signed-integer", "-b", "24"}, 0},
	{wavemap.EncodingInt32, wavemap.EncodingInt32BE, []string{"-e", "signed-integer", "-b", "32"}, 0},
	{wavemap.EncodingFloat32, wavemap.EncodingFloat32BE, []string{"-e", "floating-point", "-b", "32"}, 1.0 / (1 << 30)},
	{wavemap.EncodingFloat64, wavemap.EncodingFloat64BE, []string{"-e", "floating-point", "-b", "64"}, 1.0 / (1 << 30)},
	{wavemap.EncodingALaw, wavemap.EncodingALaw, []string{"-e", "a-law"}, 0},
	{wavemap.EncodingMuLaw, wavemap.EncodingMuLaw, []string{"-e", "mu-law"}, 0},
}

// soxRIFX makes a file with sox of the given encoding arguments and
// channels, big-endian (RIFX) when be is set, of 2000 frames at 8 kHz.
func soxRIFX(t *testing.T, path string, args []string, ch int, be bool) {
	t.Helper()
	a := []string{"-V1", "-n", "-r", "8000", "-c", fmt.Sprint(ch)}
	if be {
		a = append(a, "-B")
	}
	a = append(a, args...)
	a = append(a, path, "synth", "0.25", "sine", "300", "sine", "1234", "square", "50", "noise", "sine", "3000", "sawtooth", "77", "gain", "-0.5")
	wavtest.Run(t, "sox", a...)
}

// soxEndian returns the byte order sox reports for a file: "big" or
// "little".
func soxEndian(t *testing.T, path string) string {
	t.Helper()
	out := string(wavtest.RunStderr(t, "sox", "-V3", path, "-n"))
	for line := range strings.Lines(out) {
		if v, ok := strings.CutPrefix(line, "Endian Type"); ok {
			return strings.TrimSpace(strings.TrimLeft(v, " :"))
		}
	}
	t.Fatalf("sox -V3 does not say the byte order of %s:\n%s", path, out)
	return ""
}

// TestRIFXSoxFiles opens RIFX files written by sox in every encoding,
// mono, stereo and 6 channels (WAVE_FORMAT_EXTENSIBLE), and compares
// every sample with sox's own decoding; opening them read-only, viewing
// and measuring them leaves every byte as it was.
func TestRIFXSoxFiles(t *testing.T) {
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	for _, e := range rifxEncodings {
		for _, ch := range []int{1, 2, 4, 6} {
			name := fmt.Sprintf("%s-%dch", e.be, ch)
			t.Run(name, func(t *testing.T) {
				path := filepath.Join(dir, name+".wav")
				soxRIFX(t, path, e.args, ch, true)
				head, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.HasPrefix(head, []byte("RIFX")) {
					t.Fatalf("sox -B did not write RIFX: %q", head[:4])
				}
				if e.le.Size() > 1 {
					if got := soxEndian(t, path); got != "big" {
						t.Fatalf("sox says %s endian", got)
					}
				}
				hash := wavtest.HashFile(t, path)
				f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
				if err != nil {
					t.Fatal(err)
				}
				fm := f.Format()
				if fm.Encoding != e.be || fm.Channels != ch || fm.SampleRate != 8000 || f.Frames() != 2000 || f.Header().Container != wavemap.RIFX {
					t.Fatalf("format %v in %s, %d frames; want %s %dch 8000Hz in RIFX, 2000 frames", fm, f.Header().Container, f.Frames(), e.be, ch)
				}
				if len(f.Warnings()) != 0 {
					t.Errorf("warnings on a clean sox file: %v", f.Warnings())
				}
				compare(t, name, asFloat64(t, f), wavtest.SoxFloat64(t, path), e.tol)
				if _, err := wavemap.Measure(context.Background(), f, nil); err != nil {
					t.Fatal(err)
				}
				if _, err := wavemap.Overview(context.Background(), f, 100, nil); err != nil {
					t.Fatal(err)
				}
				if err := f.Close(); err != nil {
					t.Fatal(err)
				}
				if wavtest.HashFile(t, path) != hash {
					t.Error("a read-only open changed the file")
				}
			})
		}
	}
}

// TestRIFXTypeError: the native type of a big-endian file's encoding is
// refused, with an error naming the type to use.
func TestRIFXTypeError(t *testing.T) {
	path := wavtest.WriteTemp(t, wavtest.RIFX(wavtest.ChunkBE("fmt ", wavtest.FmtPCMBE(1, 2, 48000, 16, 4)), wavtest.ChunkBE("data", wavtest.S16BE(1, -2, 300, -400))))
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = wavemap.Samples[int16](f)
	var te *wavemap.TypeError
	if !errors.As(err, &te) || !errors.Is(err, wavemap.ErrTypeMismatch) || te.Have != wavemap.EncodingInt16BE || !strings.Contains(err.Error(), "wavemap.Int16BE") {
		t.Fatalf("Samples[int16] on s16be: %v", err)
	}
	s, err := wavemap.Samples[wavemap.Int16BE](f)
	if err != nil {
		t.Fatal(err)
	}
	got := []int16{s[0].Int16(), s[1].Int16(), s[2].Int16(), s[3].Int16()}
	if fmt.Sprint(got) != "[1 -2 300 -400]" {
		t.Errorf("samples %v", got)
	}
	if _, err := wavemap.FramesOf[wavemap.Int24BE](f); !errors.As(err, &te) {
		t.Errorf("FramesOf[Int24BE] on s16be: %v", err)
	}
}

// TestRIFXMeasureMatchesRIFF measures the same audio written by sox as
// RIFF and as RIFX: every statistic must be identical, whatever the block
// size.
func TestRIFXMeasureMatchesRIFF(t *testing.T) {
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	for _, e := range rifxEncodings {
		t.Run(e.be.String(), func(t *testing.T) {
			le, be := filepath.Join(dir, e.be.String()+"-le.wav"), filepath.Join(dir, e.be.String()+"-be.wav")
			for _, ch := range []int{1, 2, 3, 4} {
				soxRIFX(t, le, e.args, ch, false)
				wavtest.Run(t, "sox", "-V1", le, "-B", be)
				for _, opts := range []*wavemap.PassOptions{nil, {BlockFrames: 333, Workers: 3}} {
					want := measureFile(t, le, opts)
					got := measureFile(t, be, opts)
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Errorf("%d channels: RIFX %v\nRIFF %v", ch, got, want)
					}
				}
			}
		})
	}
}

func measureFile(t *testing.T, path string, opts *wavemap.PassOptions) []wavemap.ChannelStats {
	t.Helper()
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := wavemap.Measure(context.Background(), f, opts)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestRIFXGainMatchesSox applies a gain of 0.5 in place to RIFX files and
// compares the result with sox's "vol 0.5" of the same file (to the last
// bit but for sox's rounding of halves, which wavemap rounds to even), and
// with wavemap's own gain of the same audio in RIFF, exactly.
func TestRIFXGainMatchesSox(t *testing.T) {
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	for _, e := range rifxEncodings {
		t.Run(e.be.String(), func(t *testing.T) {
			src := filepath.Join(dir, e.be.String()+".wav")
			soxRIFX(t, src, e.args, 2, true)
			ref := filepath.Join(dir, e.be.String()+"-sox.wav")
			wavtest.Run(t, "sox", "-V1", "-D", src, ref, "vol", "0.5")
			le := filepath.Join(dir, e.be.String()+"-le.wav")
			wavtest.Run(t, "sox", "-V1", src, "-L", le)
			var lsb float64 // one step of the encoding
			switch {
			case e.le.IsFloat():
				lsb = 1.0 / (1 << 23) // sox's vol rounds through float32 steps
			case e.le == wavemap.EncodingALaw || e.le == wavemap.EncodingMuLaw:
				lsb = 1.0 / 32 // a quantisation step of the loud segments
			default:
				lsb = 1 / math.Ldexp(1, e.le.Bits()-1)
			}
			got := gainFile(t, src, 0.5)
			compare(t, "gain 0.5 vs sox vol 0.5", got, wavtest.SoxFloat64(t, ref), lsb)
			compare(t, "gain 0.5 on RIFX vs RIFF", got, gainFile(t, le, 0.5), 0)
			if f, err := wavemap.Open(src, wavemap.ReadOnly, nil); err != nil || f.Header().Container != wavemap.RIFX || len(f.Warnings()) != 0 {
				t.Errorf("after the gain: %v, %v", err, f.Warnings())
			} else {
				f.Close()
			}
		})
	}
}

// gainFile applies factor to the file in place and returns its samples.
func gainFile(t *testing.T, path string, factor float64) []float64 {
	t.Helper()
	f, err := wavemap.Open(path, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := wavemap.Gain(context.Background(), f, factor, &wavemap.PassOptions{BlockFrames: 700}); err != nil {
		t.Fatal(err)
	}
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	return asFloat64(t, f)
}

// TestRIFXGainJournal: an interrupted journaled gain on a RIFX file
// finishes as one uninterrupted call does.
func TestRIFXGainJournal(t *testing.T) {
	dir := t.TempDir()
	want := filepath.Join(dir, "want.wav")
	makeRIFX(t, want, wavemap.EncodingInt24BE, 2, 5000)
	f, err := wavemap.Open(want, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wavemap.Gain(context.Background(), f, 0.7, nil); err != nil {
		t.Fatal(err)
	}
	f.Close()
	path := filepath.Join(dir, "edit.wav")
	makeRIFX(t, path, wavemap.EncodingInt24BE, 2, 5000)
	f, err = wavemap.Open(path, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	opts := &wavemap.PassOptions{Journal: wavemap.JournalPath(path), BlockFrames: 1000, Workers: 1, Progress: func(done, total int64) {
		if done >= 2000 {
			cancel()
		}
	}}
	if _, err := wavemap.Gain(ctx, f, 0.7, opts); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted gain: %v", err)
	}
	opts.Progress = nil
	if _, err := wavemap.Gain(context.Background(), f, 0.7, opts); err != nil {
		t.Fatal(err)
	}
	f.Flush()
	if !bytes.Equal(readFile(t, path), readFile(t, want)) {
		t.Error("the journaled gain, interrupted and finished, differs from one uninterrupted gain")
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testSignal returns n frames of ch channels of a test signal in [-1, 1),
// full scale included, with a float-only fraction in every sample.
func testSignal(ch, n int) []float64 {
	v := make([]float64, n*ch)
	for i := range v {
		v[i] = 0.9*math.Sin(float64(i)*0.0137+float64(i%ch)) + 1e-7*float64(i%7)
	}
	v[0], v[len(v)-1] = -1, 1-1.0/(1<<23)
	return v
}

// makeRIFX creates a RIFX file of the test signal in encoding e.
func makeRIFX(t *testing.T, path string, e wavemap.Encoding, ch, n int) []float64 {
	t.Helper()
	f, err := wavemap.Create(path, wavemap.Format{Encoding: e, Channels: ch, SampleRate: 44100}, int64(n), &wavemap.Options{Container: wavemap.RIFX})
	if err != nil {
		t.Fatal(err)
	}
	v := testSignal(ch, n)
	storeFloat64(t, f, v)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	f, err = wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return asFloat64(t, f) // v as the encoding holds it
}

// storeFloat64 converts v into every sample of f.
func storeFloat64(t *testing.T, f *wavemap.File, v []float64) {
	t.Helper()
	var err error
	switch f.Format().Encoding {
	case wavemap.EncodingUint8:
		err = storeAll[uint8](f, v)
	case wavemap.EncodingALaw:
		err = storeAll[wavemap.ALaw](f, v)
	case wavemap.EncodingMuLaw:
		err = storeAll[wavemap.MuLaw](f, v)
	case wavemap.EncodingInt16BE:
		err = storeAll[wavemap.Int16BE](f, v)
	case wavemap.EncodingInt24BE:
		err = storeAll[wavemap.Int24BE](f, v)
	case wavemap.EncodingInt32BE:
		err = storeAll[wavemap.Int32BE](f, v)
	case wavemap.EncodingFloat32BE:
		err = storeAll[wavemap.Float32BE](f, v)
	case wavemap.EncodingFloat64BE:
		err = storeAll[wavemap.Float64BE](f, v)
	default:
		t.Fatalf("no test store for %s", f.Format().Encoding)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func storeAll[T wavemap.Sample](f *wavemap.File, v []float64) error {
	s, err := wavemap.Samples[T](f)
	if err != nil {
		return err
	}
	wavemap.Convert(s, v)
	return nil
}

// TestCreateRIFXReadBySox creates RIFX files in every encoding (Create,
// and a Writer into a file and into a pipe) and checks that sox reads
// them as big-endian with the samples written.
func TestCreateRIFXReadBySox(t *testing.T) {
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	for _, e := range rifxEncodings {
		for _, ch := range []int{1, 2, 4, 6} {
			name := fmt.Sprintf("%s-%dch", e.be, ch)
			t.Run(name, func(t *testing.T) {
				path := filepath.Join(dir, name+".wav")
				want := makeRIFX(t, path, e.be, ch, 1001)
				if !bytes.HasPrefix(readFile(t, path), []byte("RIFX")) {
					t.Fatal("not a RIFX file")
				}
				if e.le.Size() > 1 {
					if got := soxEndian(t, path); got != "big" {
						t.Fatalf("sox says %s endian", got)
					}
				}
				compare(t, name+" via sox", wavtest.SoxFloat64(t, path), want, e.tol)
				f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if f.Format().Encoding != e.be || len(f.Warnings()) != 0 {
					t.Errorf("reopened: %v, warnings %v", f.Format(), f.Warnings())
				}
				// TranscodeTo a Writer in RIFX, seekable or not.
				for _, seek := range []bool{true, false} {
					out := filepath.Join(dir, fmt.Sprintf("%s-writer-%v.wav", name, seek))
					o, err := os.Create(out)
					if err != nil {
						t.Fatal(err)
					}
					var dst io.Writer = o
					if !seek {
						dst = writerOnly{o}
					}
					w, err := wavemap.NewWriter(dst, f.Format(), nil)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := wavemap.TranscodeTo(context.Background(), w, f, nil); err != nil {
						t.Fatal(err)
					}
					if err := w.Close(); err != nil {
						t.Fatal(err)
					}
					o.Close()
					if got := audioBytes(t, out); !bytes.Equal(got, audioBytes(t, path)) {
						t.Error("the Writer's audio bytes differ from Create's")
					}
					compare(t, name+" Writer via sox", wavtest.SoxFloat64(t, out), want, e.tol)
				}
			})
		}
	}
}

// audioBytes returns the bytes of the audio of the file at path.
func audioBytes(t *testing.T, path string) []byte {
	t.Helper()
	b := readFile(t, path)
	h, err := wavemap.ReadHeader(bytes.NewReader(b), int64(len(b)), nil)
	if err != nil {
		t.Fatal(err)
	}
	return b[h.DataOffset : h.DataOffset+h.Frames*int64(h.Format.FrameSize())]
}

// writerOnly hides everything but Write, as a pipe does.
type writerOnly struct{ w *os.File }

func (w writerOnly) Write(p []byte) (int, error) { return w.w.Write(p) }

// TestRIFXTranscodeToRIFF converts RIFX files written by sox into
// little-endian RIFF (the same encoding, and f32) with Transcode and
// TranscodeTo: sox and ffmpeg read the result as sox reads the source.
func TestRIFXTranscodeToRIFF(t *testing.T) {
	wavtest.Need(t, "sox")
	wavtest.Need(t, "ffmpeg")
	dir := t.TempDir()
	for _, e := range rifxEncodings {
		t.Run(e.be.String(), func(t *testing.T) {
			src := filepath.Join(dir, e.be.String()+".wav")
			soxRIFX(t, src, e.args, 2, true)
			want := wavtest.SoxFloat64(t, src)
			f, err := wavemap.Open(src, wavemap.ReadOnly, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			for _, to := range []wavemap.Encoding{e.le, wavemap.EncodingFloat32} {
				fm := f.Format()
				fm.Encoding = to
				out := filepath.Join(dir, fmt.Sprintf("%s-to-%s.wav", e.be, to))
				dst, err := wavemap.Create(out, fm, f.Frames(), nil)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := wavemap.Transcode(context.Background(), dst, f, nil); err != nil {
					t.Fatal(err)
				}
				if err := dst.Close(); err != nil {
					t.Fatal(err)
				}
				if !bytes.HasPrefix(readFile(t, out), []byte("RIFF")) {
					t.Fatalf("%s: not RIFF", out)
				}
				tol := max(e.tol, 1.0/(1<<23)) // f32 holds 24 bits
				if to == e.le {
					tol = e.tol
				}
				compare(t, "sox of "+out, wavtest.SoxFloat64(t, out), want, tol)
				compare(t, "ffmpeg of "+out, wavtest.FFmpegFloat64(t, out), want, tol)
			}
			// The stream path: TranscodeTo a Writer.
			var buf bytes.Buffer
			fm := f.Format()
			fm.Encoding = e.le
			w, err := wavemap.NewWriter(&buf, fm, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := wavemap.TranscodeTo(context.Background(), w, f, nil); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, e.be.String()+"-stream.wav")
			writeFile(t, out, buf.Bytes())
			compare(t, "sox of the stream", wavtest.SoxFloat64(t, out), want, e.tol)
		})
	}
}

// TestRIFXReader reads a RIFX stream (sox writes one to a pipe) with the
// streaming Reader.
func TestRIFXReader(t *testing.T) {
	wavtest.Need(t, "sox")
	for _, e := range rifxEncodings[1:3] {
		t.Run(e.be.String(), func(t *testing.T) {
			args := append([]string{"-V1", "-n", "-B", "-r", "8000", "-c", "2"}, e.args...)
			args = append(args, "-t", "wav", "-", "synth", "0.1", "sine", "300", "sine", "555")
			stream := wavtest.Run(t, "sox", args...)
			path := wavtest.WriteTemp(t, stream)
			want := wavtest.SoxFloat64(t, path)
			r, err := wavemap.NewReader(bytes.NewReader(stream), nil)
			if err != nil {
				t.Fatal(err)
			}
			if r.Header().Container != wavemap.RIFX || r.Format().Encoding != e.be {
				t.Fatalf("stream: %s %v", r.Header().Container, r.Format())
			}
			var got []float64
			switch e.be {
			case wavemap.EncodingInt16BE:
				got = readAll[wavemap.Int16BE](t, r)
			case wavemap.EncodingInt24BE:
				got = readAll[wavemap.Int24BE](t, r)
			}
			compare(t, "Reader", got, want, 0)
			r, _ = wavemap.NewReader(bytes.NewReader(stream), nil)
			if _, err := wavemap.ReadFrames(r, make([]int32, 10)); !errors.Is(err, wavemap.ErrTypeMismatch) {
				t.Errorf("ReadFrames[int32]: %v", err)
			}
		})
	}
}

func readAll[T wavemap.Sample](t *testing.T, r *wavemap.Reader) []float64 {
	t.Helper()
	var out []float64
	for b, err := range wavemap.ReadBlocks[T](r, 100) {
		if err != nil {
			t.Fatal(err)
		}
		v := make([]float64, len(b.Data))
		wavemap.Convert(v, b.Data)
		out = append(out, v...)
	}
	return out
}

// TestRIFXResizeAppendRepair grows, appends to and shrinks a RIFX file,
// then breaks its sizes and repairs them: each time the header is
// big-endian and sox reads the samples.
func TestRIFXResizeAppendRepair(t *testing.T) {
	wavtest.Need(t, "sox")
	path := filepath.Join(t.TempDir(), "x.wav")
	want := makeRIFX(t, path, wavemap.EncodingInt16BE, 2, 1000)
	f, err := wavemap.Open(path, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	more := []wavemap.Int16BE{wavemap.Int16BEFrom(1000), wavemap.Int16BEFrom(-1000), wavemap.Int16BEFrom(32767), wavemap.Int16BEFrom(-32768)}
	if err := wavemap.Append(f, wavemap.Frames[wavemap.Int16BE]{Data: more, Channels: 2}); err != nil {
		t.Fatal(err)
	}
	if err := f.Resize(1005); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	want = append(want, 1000.0/32768, -1000.0/32768, 32767.0/32768, -1, 0, 0, 0, 0, 0, 0)
	compare(t, "after Append and Resize", wavtest.SoxFloat64(t, path), want, 0)
	f, err = wavemap.Open(path, wavemap.ReadWrite, nil)
	if err != nil || len(f.Warnings()) != 0 || f.Frames() != 1005 {
		t.Fatalf("%v, %v", err, f.Warnings())
	}
	if err := f.Resize(500); err != nil {
		t.Fatal(err)
	}
	f.Close()
	compare(t, "after shrinking", wavtest.SoxFloat64(t, path), want[:1000], 0)

	// Break the data size (a recorder killed early) and the RIFX size.
	b := readFile(t, path)
	h, err := wavemap.ReadHeader(bytes.NewReader(b), int64(len(b)), nil)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := h.Chunk(wavemap.FourCC{'d', 'a', 't', 'a'})
	copy(b[d.Offset+4:], wavtest.BE32(0))
	copy(b[4:], wavtest.BE32(12345))
	writeFile(t, path, b)
	fixes, err := wavemap.Repair(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(fixes) != 2 || !fixes[0].BigEndian || fixes[0].New != 2000 || fixes[1].Field != "RIFX size" {
		t.Errorf("fixes %v", fixes)
	}
	if h, err := wavemap.ReadHeader(bytes.NewReader(readFile(t, path)), int64(len(b)), &wavemap.Options{Strict: true}); err != nil || h.Frames != 500 {
		t.Errorf("repaired: %v", err)
	}
	compare(t, "after Repair", wavtest.SoxFloat64(t, path), want[:1000], 0)
}

// TestCreateRIFXRefusals: byte orders that do not match the container,
// and RIFX past 4 GiB.
func TestCreateRIFXRefusals(t *testing.T) {
	dir := t.TempDir()
	fm := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}
	_, err := wavemap.Create(filepath.Join(dir, "a.wav"), fm, 10, &wavemap.Options{Container: wavemap.RIFX})
	if !errors.Is(err, wavemap.ErrArgument) || !strings.Contains(err.Error(), "s16be") {
		t.Errorf("RIFX of s16: %v", err)
	}
	fm.Encoding = wavemap.EncodingFloat32BE
	for _, c := range []wavemap.Container{wavemap.RIFF, wavemap.RF64, wavemap.BW64, wavemap.Wave64} {
		if _, err := wavemap.Create(filepath.Join(dir, "b.wav"), fm, 10, &wavemap.Options{Container: c}); !errors.Is(err, wavemap.ErrArgument) {
			t.Errorf("%s of f32be: %v", c, err)
		}
	}
	if _, err := wavemap.NewWriter(&bytes.Buffer{}, fm, &wavemap.Options{Container: wavemap.RIFF}); !errors.Is(err, wavemap.ErrArgument) {
		t.Errorf("Writer RIFF of f32be: %v", err)
	}
	for _, c := range []wavemap.Container{wavemap.AutoContainer, wavemap.RIFX} {
		if _, err := wavemap.Create(filepath.Join(dir, "c.wav"), fm, 1<<30, &wavemap.Options{Container: c, Sparse: true}); !errors.Is(err, wavemap.ErrSizeLimit) {
			t.Errorf("%s f32be past 4 GiB: %v", c, err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused Creates left %d files", len(entries))
	}
	// Resize refuses to take a RIFX file past 4 GiB.
	f, err := wavemap.Create(filepath.Join(dir, "d.wav"), fm, 10, &wavemap.Options{Sparse: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Discard()
	if err := f.Resize(1 << 29); !errors.Is(err, wavemap.ErrSizeLimit) {
		t.Errorf("Resize of RIFX past 4 GiB: %v", err)
	}
}

// TestRIFXOverview: the overview of RIFX audio is that of the same audio
// in RIFF.
func TestRIFXOverview(t *testing.T) {
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	le, be := filepath.Join(dir, "le.wav"), filepath.Join(dir, "be.wav")
	soxRIFX(t, le, []string{"-e", "signed-integer", "-b", "24"}, 2, false)
	wavtest.Run(t, "sox", "-V1", le, "-B", be)
	ov := func(path string) string {
		f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		o, err := wavemap.Overview(context.Background(), f, 37, nil)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(o)
	}
	if a, b := ov(be), ov(le); a != b {
		t.Errorf("RIFX overview\n%s\nRIFF\n%s", a, b)
	}
}

// TestRIFXMetadata: chunks given to Create go into a RIFX file with
// big-endian sizes, before and after the audio; File.Metadata reads them
// back byte for byte; WriteMetadata refuses RIFX (its in-place writer
// writes little-endian sizes) with ErrUnsupported.
func TestRIFXMetadata(t *testing.T) {
	wavtest.Need(t, "sox")
	path := filepath.Join(t.TempDir(), "m.wav")
	m := &wavemap.Metadata{Chunks: []wavemap.RawChunk{
		{ID: wavemap.FourCC{'L', 'I', 'S', 'T'}, Data: []byte("INFOINAM\x00\x00\x00\x05Kick\x00")},
		{ID: wavemap.FourCC{'x', 't', 'r', 'a'}, Data: []byte("odd"), AfterData: true},
	}}
	f, err := wavemap.Create(path, wavemap.Format{Encoding: wavemap.EncodingInt16BE, Channels: 1, SampleRate: 8000}, 5, &wavemap.Options{Metadata: m})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := wavemap.Samples[wavemap.Int16BE](f)
	for i := range s {
		s[i].Set(int16(1000 * (i + 1)))
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	f, err = wavemap.Open(path, wavemap.ReadWrite, &wavemap.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, ok := f.Header().Tag("INAM"); !ok || v != "Kick" {
		t.Errorf("INAM %q, %v", v, ok)
	}
	got, err := f.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Chunks) != 2 || !bytes.Equal(got.Chunks[0].Data, m.Chunks[0].Data) || !bytes.Equal(got.Chunks[1].Data, m.Chunks[1].Data) || !got.Chunks[1].AfterData {
		t.Errorf("metadata read back: %+v", got.Chunks)
	}
	compare(t, "sox", wavtest.SoxFloat64(t, path), []float64{1000.0 / 32768, 2000.0 / 32768, 3000.0 / 32768, 4000.0 / 32768, 5000.0 / 32768}, 0)
	if _, err := f.WriteMetadata(&wavemap.Metadata{}); !errors.Is(err, wavemap.ErrUnsupported) {
		t.Errorf("WriteMetadata on RIFX: %v, want ErrUnsupported", err)
	}
}
