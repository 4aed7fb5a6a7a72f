package wavemap_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// The tests of issue #13, "every chunk survives": every way of making a
// file from another keeps its metadata chunks byte for byte, in their
// order, on their side of the data, and sox and ffmpeg still read the
// samples.

// richFrames is the length of the rich test file: 1000 stereo s16 frames.
const richFrames = 1000

// richSamples returns the samples of the rich test file.
func richSamples() []int16 {
	s := make([]int16, 2*richFrames)
	for i := range s {
		s[i] = int16((i*7919)%60000 - 30000)
	}
	return s
}

// richFile writes the rich test file (wavtest.RichChunks around 1000
// frames of stereo s16 at 48 kHz) and returns its path.
func richFile(t testing.TB) string {
	t.Helper()
	fmtc := wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 48000, 16, 4))
	return wavtest.WriteTemp(t, wavtest.RichWAV(fmtc, wavtest.S16(richSamples()...), wavtest.RichChunks()))
}

// asMeta converts the library's chunks for comparison.
func asMeta(m *wavemap.Metadata) []wavtest.MetaChunk {
	var out []wavtest.MetaChunk
	for _, c := range m.Chunks {
		out = append(out, wavtest.MetaChunk{ID: string(c.ID[:]), Data: c.Data, After: c.AfterData})
	}
	return out
}

// fromMeta converts test chunks into the library's.
func fromMeta(cs []wavtest.MetaChunk) *wavemap.Metadata {
	m := &wavemap.Metadata{}
	for _, c := range cs {
		m.Chunks = append(m.Chunks, wavemap.RawChunk{ID: wavemap.FourCC([]byte(c.ID)), Data: c.Data, AfterData: c.After})
	}
	return m
}

// checkKept checks the chunks of the file at path against want, as an
// independent walker finds them and as the library reads them (want's
// chunks after the data are expected before it in Wave64), the layout
// (the data at a multiple of 4096 with at least 1 KiB of JUNK before it
// when there are chunks, the sizes counting every chunk: a strict Open
// has no warning) and the samples: the library's, sox's and ffmpeg's
// decoding against want (float64 in sox's scaling).
func checkKept(t *testing.T, path string, chunks []wavtest.MetaChunk, samples []float64) {
	t.Helper()
	w := wavtest.WalkChunks(t, path)
	if w.Container == "W64" {
		chunks = wavtest.BeforeData(chunks)
	}
	wavtest.SameChunks(t, path+" (walked)", w.Chunks, chunks)
	if len(chunks) > 0 {
		if w.DataOffset%4096 != 0 {
			t.Errorf("%s: data at %d, not a multiple of 4096", path, w.DataOffset)
		}
		if n := len(w.Junk); n == 0 || w.Junk[n-1] < 1024 || w.JunkEnd[n-1] != w.DataOffset-map[bool]int64{false: 8, true: 24}[w.Container == "W64"] {
			t.Errorf("%s: JUNK chunks %v ending at %v: want one of 1024 bytes at least right before the data chunk", path, w.Junk, w.JunkEnd)
		}
	} else if w.DataOffset%16 != 0 {
		t.Errorf("%s: data at %d, not a multiple of 16", path, w.DataOffset)
	}
	wantSize := w.End - 8
	if w.Container == "W64" {
		wantSize = w.End
	}
	if w.SizeField != wantSize {
		t.Errorf("%s: container size %d, want %d (the chunks end at %d)", path, w.SizeField, wantSize, w.End)
	}
	f, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := f.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	wavtest.SameChunks(t, path+" (Metadata)", asMeta(m), chunks)
	compare(t, path+" (wavemap)", asFloat64(t, f), samples, 0)
	switch {
	case w.Container == "BW64": // sox 14.4.2 does not know BW64
	case w.Container == "W64" && f.Format().Encoding.IsFloat():
		// sox reads Wave64 through libsndfile, asking it to scale float
		// samples by the file's peak (SFC_SET_SCALE_FLOAT_INT_READ): 0.5
		// at the peak reads as 1.
	case w.Container == "W64":
		compare(t, path+" (sox)", wavtest.DecodeF64(wavtest.Run(t, "sox", "-V1", "-t", "w64", path, "-t", "raw", "-e", "floating-point", "-b", "64", "-L", "-")), samples, 1e-7)
	default:
		compare(t, path+" (sox)", wavtest.SoxFloat64(t, path), samples, 1e-7)
	}
	compare(t, path+" (ffmpeg)", wavtest.FFmpegFloat64(t, path), samples, 1e-7)
}

// richFloat64 returns the rich file's samples in sox's scaling.
func richFloat64() []float64 {
	s := richSamples()
	v := make([]float64, len(s))
	for i, x := range s {
		v[i] = float64(x) / 32768
	}
	return v
}

func openRich(t *testing.T) (*wavemap.File, []wavtest.MetaChunk) {
	t.Helper()
	f, err := wavemap.Open(richFile(t), wavemap.ReadOnly, &wavemap.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	m, err := f.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	want := wavtest.RichChunks()
	wavtest.SameChunks(t, "the input's Metadata", asMeta(m), want)
	return f, want
}

// TestMetadataKeptCreate: Create with the rich file's metadata, in every
// container, and its samples copied in.
func TestMetadataKeptCreate(t *testing.T) {
	src, want := openRich(t)
	m, _ := src.Metadata()
	for _, c := range []wavemap.Container{wavemap.AutoContainer, wavemap.RIFF, wavemap.RF64, wavemap.BW64, wavemap.Wave64} {
		t.Run(c.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "out.wav")
			dst, err := wavemap.Create(path, src.Format(), src.Frames(), &wavemap.Options{Container: c, Metadata: m})
			if err != nil {
				t.Fatal(err)
			}
			// Before Close the file's Metadata already lists the chunks
			// that Close writes after the data.
			dm, err := dst.Metadata()
			if err != nil {
				t.Fatal(err)
			}
			if c == wavemap.Wave64 {
				wavtest.SameChunks(t, "Metadata before Close", asMeta(dm), wavtest.BeforeData(want))
			} else {
				wavtest.SameChunks(t, "Metadata before Close", asMeta(dm), want)
			}
			copy(dst.Bytes(), src.Bytes())
			if err := dst.Close(); err != nil {
				t.Fatal(err)
			}
			checkKept(t, path, want, richFloat64())
		})
	}
	// The caller's Metadata is not kept by reference: changing it after
	// Create changes nothing.
	path := filepath.Join(t.TempDir(), "copy.wav")
	mc := m.Clone()
	dst, err := wavemap.Create(path, src.Format(), src.Frames(), &wavemap.Options{Metadata: mc})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range mc.Chunks {
		clear(c.Data)
	}
	copy(dst.Bytes(), src.Bytes())
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	checkKept(t, path, want, richFloat64())
}

// TestMetadataKeptCreateLikeCopyTo: CreateLike and CopyTo copy the
// source's chunks unless told otherwise; an empty Metadata gives the
// layout of a file without metadata.
func TestMetadataKeptCreateLikeCopyTo(t *testing.T) {
	src, want := openRich(t)
	dir := t.TempDir()

	like := filepath.Join(dir, "like.wav")
	dst, err := wavemap.CreateLike(like, src, -1, nil)
	if err != nil {
		t.Fatal(err)
	}
	copy(dst.Bytes(), src.Bytes())
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	checkKept(t, like, want, richFloat64())

	whole := filepath.Join(dir, "whole.wav")
	dst, err = src.CopyTo(whole, 0, src.Frames(), &wavemap.Options{Container: wavemap.RF64})
	if err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	checkKept(t, whole, want, richFloat64())

	part := filepath.Join(dir, "part.wav")
	dst, err = src.CopyTo(part, 100, 600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	checkKept(t, part, want, richFloat64()[200:1200])

	// Other metadata, and none.
	only := want[:2:2]
	other := filepath.Join(dir, "other.wav")
	dst, err = src.CopyTo(other, 0, 10, &wavemap.Options{Metadata: fromMeta(only)})
	if err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	checkKept(t, other, only, richFloat64()[:20])

	plain := filepath.Join(dir, "plain.wav")
	ref, err := wavemap.Create(plain, src.Format(), src.Frames(), nil)
	if err != nil {
		t.Fatal(err)
	}
	copy(ref.Bytes(), src.Bytes())
	if err := ref.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"none-like.wav", "none-copy.wav"} {
		path := filepath.Join(dir, name)
		if name == "none-like.wav" {
			dst, err = wavemap.CreateLike(path, src, -1, &wavemap.Options{Metadata: &wavemap.Metadata{}})
			if err == nil {
				copy(dst.Bytes(), src.Bytes())
			}
		} else {
			dst, err = src.CopyTo(path, 0, src.Frames(), &wavemap.Options{Metadata: &wavemap.Metadata{}})
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := dst.Close(); err != nil {
			t.Fatal(err)
		}
		checkKept(t, path, nil, richFloat64())
		a, _ := os.ReadFile(path)
		b, _ := os.ReadFile(plain)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: with an empty Metadata, not the file Create makes without metadata", name)
		}
	}
}

// TestMetadataKeptTranscode: a file created with the metadata and
// filled by Transcode, and a Writer given it and filled by TranscodeTo,
// into a file (seekable) and into a pipe (not: every chunk goes before
// the data), read back by the streaming Reader too.
func TestMetadataKeptTranscode(t *testing.T) {
	src, want := openRich(t)
	m, _ := src.Metadata()
	dir := t.TempDir()
	f32 := src.Format()
	f32.Encoding = wavemap.EncodingFloat32

	path := filepath.Join(dir, "transcode.wav")
	dst, err := wavemap.Create(path, f32, src.Frames(), &wavemap.Options{Metadata: m})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wavemap.Transcode(context.Background(), dst, src, nil); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	checkKept(t, path, want, richFloat64())

	for _, c := range []wavemap.Container{wavemap.AutoContainer, wavemap.BW64, wavemap.Wave64} {
		path := filepath.Join(dir, "writer-"+c.String()+".wav")
		osf, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w, err := wavemap.NewWriter(osf, f32, &wavemap.Options{Container: c, Metadata: m})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := wavemap.TranscodeTo(context.Background(), w, src, nil); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := osf.Close(); err != nil {
			t.Fatal(err)
		}
		checkKept(t, path, want, richFloat64())
	}

	// A pipe: the sizes stay placeholders, so nothing may follow the
	// audio.
	var buf bytes.Buffer
	w, err := wavemap.NewWriter(&buf, f32, &wavemap.Options{Metadata: m})
	if err != nil {
		t.Fatal(err)
	}
	if w.Seekable() {
		t.Fatal("a bytes.Buffer is seekable")
	}
	if _, err := wavemap.TranscodeTo(context.Background(), w, src, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	stream := buf.Bytes()
	pipe := filepath.Join(dir, "pipe.wav")
	if err := os.WriteFile(pipe, stream, 0o644); err != nil {
		t.Fatal(err)
	}
	wk := wavtest.WalkChunks(t, pipe)
	wavtest.SameChunks(t, "the stream's chunks", wk.Chunks, wavtest.BeforeData(want))
	if wk.DataOffset%4096 != 0 {
		t.Errorf("stream: data at %d", wk.DataOffset)
	}
	// sox and ffmpeg read the stream from a pipe.
	compare(t, "sox from a pipe", wavtest.DecodeF64(wavtest.RunInput(t, stream, "sox", "-V1", "-t", "wav", "-", "-t", "raw", "-e", "floating-point", "-b", "64", "-L", "-")), richFloat64(), 1e-7)
	compare(t, "ffmpeg from a pipe", wavtest.DecodeF64(wavtest.RunInput(t, stream, "ffmpeg", "-v", "error", "-f", "wav", "-i", "-", "-f", "f64le", "-")), richFloat64(), 1e-7)
	r, err := wavemap.NewReader(bytes.NewReader(stream), nil)
	if err != nil {
		t.Fatal(err)
	}
	wavtest.SameChunks(t, "Reader.Metadata of the stream", asMeta(r.Metadata()), wavtest.BeforeData(want))
	got := streamAll[float32](t, r, 333)
	for i, v := range got {
		if float64(v) != richFloat64()[i] {
			t.Fatalf("stream sample %d: %v, want %v", i, v, richFloat64()[i])
		}
	}
}

// TestReaderMetadata: the streaming Reader sees the chunks before the
// audio only, and hands out copies.
func TestReaderMetadata(t *testing.T) {
	path := richFile(t)
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	r, err := wavemap.NewReader(struct{ io.Reader }{in}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var before []wavtest.MetaChunk
	for _, c := range wavtest.RichChunks() {
		if !c.After {
			before = append(before, c)
		}
	}
	m := r.Metadata()
	wavtest.SameChunks(t, "Reader.Metadata", asMeta(m), before)
	clear(m.Chunks[0].Data)
	wavtest.SameChunks(t, "Reader.Metadata after changing a copy", asMeta(r.Metadata()), before)
	got := streamAll[int16](t, r, 100)
	if len(got) != 2*richFrames || got[0] != richSamples()[0] || got[len(got)-1] != richSamples()[len(got)-1] {
		t.Errorf("stream: %d samples", len(got))
	}
}

// TestMetadataResizeBeforeClose: Resize and Append work on a created file
// whose metadata has chunks after the data (Close writes them), and the
// sizes count them.
func TestMetadataResizeBeforeClose(t *testing.T) {
	src, want := openRich(t)
	m, _ := src.Metadata()
	for _, c := range []wavemap.Container{wavemap.AutoContainer, wavemap.RF64, wavemap.Wave64} {
		t.Run(c.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "grow.wav")
			dst, err := wavemap.Create(path, src.Format(), 10, &wavemap.Options{Container: c, Metadata: m})
			if err != nil {
				t.Fatal(err)
			}
			if err := dst.Resize(300); err != nil {
				t.Fatal(err)
			}
			sm, _ := wavemap.FramesOf[int16](src)
			copy(dst.Bytes(), src.Bytes()[:300*4])
			if err := wavemap.Append(dst, sm.Slice(300, 1000)); err != nil {
				t.Fatal(err)
			}
			if err := dst.Close(); err != nil {
				t.Fatal(err)
			}
			checkKept(t, path, want, richFloat64())
		})
	}
	// An odd amount of audio: u8 mono, the pad byte before the chunks.
	path := filepath.Join(t.TempDir(), "odd.wav")
	dst, err := wavemap.Create(path, wavemap.Format{Encoding: wavemap.EncodingUint8, Channels: 1, SampleRate: 8000}, 1001, &wavemap.Options{Metadata: m})
	if err != nil {
		t.Fatal(err)
	}
	if err := dst.Resize(1003); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	checkKept(t, path, want, make([]float64, 1003))
}

// TestMetadataRefused: chunks that frame the audio cannot be given.
func TestMetadataRefused(t *testing.T) {
	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 1, SampleRate: 8000}
	for _, id := range []string{"fmt ", "fact", "ds64", "data", "JUNK", "PAD "} {
		for _, after := range []bool{false, true} {
			m := &wavemap.Metadata{Chunks: []wavemap.RawChunk{{ID: wavemap.FourCC([]byte(id)), Data: []byte{1, 2}, AfterData: after}}}
			path := filepath.Join(t.TempDir(), "x.wav")
			if f, err := wavemap.Create(path, format, 10, &wavemap.Options{Metadata: m}); !errors.Is(err, wavemap.ErrArgument) {
				t.Errorf("Create with a %q chunk: %v, want ErrArgument", id, err)
				if err == nil {
					f.Discard()
				}
			}
			if _, err := wavemap.NewWriter(io.Discard, format, &wavemap.Options{Metadata: m}); !errors.Is(err, wavemap.ErrArgument) {
				t.Errorf("NewWriter with a %q chunk: %v, want ErrArgument", id, err)
			}
			if _, err := os.Stat(path); err == nil {
				t.Errorf("Create with a %q chunk left %s", id, path)
			}
		}
	}
}

// TestMetadataHugeRF64: a sparse file past 4 GiB with chunks after its
// data: RF64, the ds64 sizes counting the chunks, ffprobe's duration
// right, and the chunks found again when the file is reopened.
func TestMetadataHugeRF64(t *testing.T) {
	needHuge(t)
	const n int64 = 5 << 30 / 2 // frames of s16 mono: 5 GiB
	want := wavtest.RichChunks()
	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 1, SampleRate: 48000}
	path := filepath.Join(t.TempDir(), "huge.wav")
	f, err := wavemap.Create(path, format, n, &wavemap.Options{Sparse: true, Metadata: fromMeta(want)})
	if err != nil {
		t.Fatal(err)
	}
	if f.Header().Container != wavemap.RF64 {
		t.Errorf("Create wrote %s", f.Header().Container)
	}
	s, _ := wavemap.Samples[int16](f)
	for i := n - 16; i < n; i++ {
		s[i] = hugeValue(i)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	w := wavtest.WalkChunks(t, path)
	wavtest.SameChunks(t, "walked", w.Chunks, want)
	if w.Container != "RF64" || w.DataSize != 2*n || w.SizeField != w.End-8 {
		t.Errorf("%s, data %d bytes, ds64 RIFF size %d, chunks end at %d", w.Container, w.DataSize, w.SizeField, w.End)
	}
	g, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	m, err := g.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	wavtest.SameChunks(t, "reopened", asMeta(m), want)
	if g.Frames() != n {
		t.Errorf("reopened: %d frames, want %d", g.Frames(), n)
	}
	if d := ffprobeDurationTS(t, path); d != n {
		t.Errorf("ffprobe: duration %d samples, want %d", d, n)
	}
	wavtest.Need(t, "ffmpeg")
	tail := wavtest.DecodeS16(wavtest.Run(t, "ffmpeg", "-v", "error", "-sseof", "-0.001", "-i", path, "-f", "s16le", "-"))
	checkTail(t, "ffmpeg", tail, n)
	if probe := string(wavtest.Run(t, "ffprobe", "-v", "error", "-show_format", path)); !strings.Contains(probe, "TAG:title=Rich Title") {
		t.Errorf("ffprobe -show_format does not show the title:\n%s", probe)
	}
}

// TestReaderMetadataBound: the Reader keeps the first 16 MiB of a stream
// for Metadata, no more: a chunk that ends past them is left out, the
// ones before it are kept, and the audio is read all the same.
func TestReaderMetadataBound(t *testing.T) {
	small := []byte("small chunk")
	big := bytes.Repeat([]byte{7}, 17<<20)
	file := wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 16, 2)), wavtest.Chunk("aaaa", small), wavtest.Chunk("bbbb", big),
		wavtest.Chunk("data", wavtest.S16(1, 2, 3)))
	r, err := wavemap.NewReader(bytes.NewReader(file), nil)
	if err != nil {
		t.Fatal(err)
	}
	wavtest.SameChunks(t, "Reader.Metadata", asMeta(r.Metadata()), []wavtest.MetaChunk{{ID: "aaaa", Data: small}})
	if got := streamAll[int16](t, r, 10); len(got) != 3 || got[2] != 3 {
		t.Errorf("stream: %v", got)
	}
}
