package wavemap_test

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// ffmpegCodecs are the ffmpeg codec names of each encoding.
var ffmpegCodecs = []struct {
	enc   wavemap.Encoding
	codec string
}{
	{wavemap.EncodingUint8, "pcm_u8"},
	{wavemap.EncodingInt16, "pcm_s16le"},
	{wavemap.EncodingInt24, "pcm_s24le"},
	{wavemap.EncodingInt32, "pcm_s32le"},
	{wavemap.EncodingFloat32, "pcm_f32le"},
	{wavemap.EncodingFloat64, "pcm_f64le"},
	{wavemap.EncodingALaw, "pcm_alaw"},
	{wavemap.EncodingMuLaw, "pcm_mulaw"},
}

// synthSource makes a float file of a few sines with sox, the source the
// other tools convert from.
func synthSource(t *testing.T, dir string, channels int) string {
	t.Helper()
	src := filepath.Join(dir, fmt.Sprintf("src%d.wav", channels))
	args := []string{"-V1", "-n", "-r", "44100", "-c", fmt.Sprint(channels), "-e", "floating-point", "-b", "64", src, "synth", "0.25"}
	for c := range channels {
		args = append(args, "sine", fmt.Sprint(200+150*c))
	}
	wavtest.Run(t, "sox", append(args, "vol", "0.9")...)
	return src
}

// checkToolFile opens a file another tool wrote and compares every sample
// with what ffmpeg and sox decode from it.
// soxType is the file type to give sox, or "" when sox cannot be trusted
// with the file. ffmpeg pads the data chunk of a Wave64 file to a multiple
// of 8 bytes and counts the padding in its size: for those files
// (ffmpegW64) a ragged tail shorter than 8 bytes is the only warning
// allowed; every other file must open without any.
func checkToolFile(t *testing.T, path string, container wavemap.Container, enc wavemap.Encoding, channels int, soxType string, ffmpegW64 bool) {
	t.Helper()
	f, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Strict: !ffmpegW64})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, w := range f.Warnings() {
		tail := f.Header().DataOffset + int64(len(f.Bytes()))
		c, _ := f.Header().Chunk(wavemap.FourCC{'d', 'a', 't', 'a'})
		if w.Kind != wavemap.WarnRaggedTail || c.DataOffset+c.Size-tail >= 8 {
			t.Errorf("unexpected warning: %v", w)
		}
	}
	h := f.Header()
	if h.Container != container || h.Format.Encoding != enc || h.Format.Channels != channels || h.Format.SampleRate != 44100 {
		t.Fatalf("opened as %s %s, want %s %s %dch 44100Hz", h.Container, h.Format, container, enc, channels)
	}
	if f.Frames() < 11000 {
		t.Fatalf("%d frames, want 11025", f.Frames())
	}
	got := asFloat64(t, f)
	compare(t, "against ffmpeg", got, wavtest.FFmpegFloat64(t, path), 0)
	g711 := enc == wavemap.EncodingALaw || enc == wavemap.EncodingMuLaw
	if soxType == "" || container == wavemap.Wave64 && h.Extensible && g711 {
		// libsndfile ignores the sub-format of an extensible Wave64 fmt
		// chunk and reads G.711 codes as u8 PCM.
		return
	}
	// sox goes through 32-bit integers: floats lose their low bits.
	tol := 0.0
	if enc.IsFloat() {
		tol = 1.0 / (1 << 30)
	}
	want := wavtest.DecodeF64(wavtest.Run(t, "sox", "-V1", "-t", soxType, path, "-t", "raw", "-e", "floating-point", "-b", "64", "-L", "-"))
	compare(t, "against sox", got, want, tol)
}

// soxW64 returns the sox file type for checking a Wave64 file of the
// given encoding with sox, or "" for float files: sox reads and writes
// Wave64 through libsndfile without float normalisation, so it writes
// floats scaled by 2^31 (ffmpeg and wavemap agree on the values it
// actually stores) and misreads other writers' floats.
func soxW64(e wavemap.Encoding) string {
	if e.IsFloat() {
		return ""
	}
	return "w64"
}

// TestToolWrittenRF64AndWave64 reads RF64 files written by ffmpeg with
// -rf64 always and Wave64 files written by ffmpeg (-f w64) and by sox, in
// every encoding, and checks every sample against ffmpeg's and sox's
// decoding. (sox 14.4.2 cannot write RF64: it has no rf64 handler, and its
// libsndfile handler finds no output encoding for .rf64.)
func TestToolWrittenRF64AndWave64(t *testing.T) {
	wavtest.Need(t, "sox")
	wavtest.Need(t, "ffmpeg")
	dir := t.TempDir()
	for _, channels := range []int{2, 6} {
		src := synthSource(t, dir, channels)
		for _, c := range ffmpegCodecs {
			name := fmt.Sprintf("%s-%dch", c.enc, channels)
			t.Run("ffmpeg-rf64-"+name, func(t *testing.T) {
				out := filepath.Join(dir, name+".rf64.wav")
				wavtest.Run(t, "ffmpeg", "-v", "error", "-y", "-i", src, "-c:a", c.codec, "-rf64", "always", out)
				checkToolFile(t, out, wavemap.RF64, c.enc, channels, "wav", false)
			})
			t.Run("ffmpeg-w64-"+name, func(t *testing.T) {
				out := filepath.Join(dir, name+".ff.w64")
				wavtest.Run(t, "ffmpeg", "-v", "error", "-y", "-i", src, "-c:a", c.codec, "-f", "w64", out)
				checkToolFile(t, out, wavemap.Wave64, c.enc, channels, soxW64(c.enc), true)
			})
		}
		for _, e := range soxEncodings {
			name := fmt.Sprintf("%s-%dch", e.enc, channels)
			t.Run("sox-w64-"+name, func(t *testing.T) {
				out := filepath.Join(dir, name+".sox.w64")
				wavtest.Run(t, "sox", append(append([]string{"-V1", src}, e.args...), out)...)
				checkToolFile(t, out, wavemap.Wave64, e.enc, channels, soxW64(e.enc), false)
			})
		}
	}
}

// TestRF64TableAndDataPast4GiB builds an RF64 file whose data chunk
// starts past 4 GiB, after a chunk whose size only the ds64 table gives
// (sparse, so cheap), and checks that the audio is found and mapped. The
// mapping is small: this runs on 32-bit builds too.
func TestRF64TableAndDataPast4GiB(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped with -short: writes a sparse 4 GiB file")
	}
	const big = 1<<32 + 10 // payload of the chunk the table sizes
	vals := []int16{1, -2, 3, -4, 32767, -32768, 7, 8}
	ds64 := wavtest.Cat(wavtest.LE64(0), wavtest.LE64(uint64(2*len(vals))), wavtest.LE64(uint64(len(vals)/2)), wavtest.LE32(1), []byte("bigc"), wavtest.LE64(big))
	head := wavtest.Cat([]byte("RF64"), wavtest.LE32(0xFFFFFFFF), []byte("WAVE"), wavtest.Chunk("ds64", ds64),
		wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 48000, 16, 4)), []byte("bigc"), wavtest.LE32(0xFFFFFFFF))
	dataOff := int64(len(head)) + big + 8
	total := dataOff + int64(2*len(vals))
	binary.LittleEndian.PutUint64(head[20:], uint64(total-8)) // ds64 RIFF size
	path := filepath.Join(t.TempDir(), "table.wav")
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	tail := wavtest.Cat([]byte("data"), wavtest.LE32(0xFFFFFFFF), wavtest.S16(vals...))
	if _, err := fh.WriteAt(head, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := fh.WriteAt(tail, dataOff-8); err != nil {
		t.Fatal(err)
	}
	f, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, ok := f.Header().Chunk(wavemap.FourCC{'b', 'i', 'g', 'c'})
	if !ok || c.Declared != big || c.Size != big {
		t.Errorf("bigc chunk: %+v, want %d bytes from the ds64 table", c, int64(big))
	}
	if f.Header().DataOffset != dataOff || f.Frames() != int64(len(vals)/2) {
		t.Fatalf("data at %d, %d frames; want %d, %d", f.Header().DataOffset, f.Frames(), dataOff, len(vals)/2)
	}
	s, err := wavemap.Samples[int16](f)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s, vals) {
		t.Errorf("samples past 4 GiB: %v, want %v", s, vals)
	}
}
