package cli

// Files from the wild (issue #14): damaged headers that other readers
// forgive, files cut mid-frame or with junk appended, and RIFF files past
// 4 GiB whose 32-bit sizes wrapped. Each is built from a good file by
// patching bytes; each must open with its warning and the right frames
// and samples, stay byte for byte the same under the commands that only
// read, and pass check once fix has run (with the flag that case needs),
// with sox and ffprobe agreeing on the frames.

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// readF64 reads every sample of path with the library, as float64 in
// sox's scaling (x / 2^(container bits - 1)).
func readF64(t *testing.T, path string) []float64 {
	t.Helper()
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := make([]float64, f.Frames()*int64(f.Format().Channels))
	switch f.Format().Encoding {
	case wavemap.EncodingInt16:
		s, _ := wavemap.Samples[int16](f)
		wavemap.Convert(out, s)
	case wavemap.EncodingInt32:
		s, _ := wavemap.Samples[int32](f)
		wavemap.Convert(out, s)
	default:
		t.Fatalf("%s: encoding %v not handled by the test", path, f.Format().Encoding)
	}
	return out
}

// headHash hashes the first and last MiB of a file and its length: for
// the files of several GiB, whose every byte between is a hole that no
// header write touches.
func headHash(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	io.Copy(h, io.NewSectionReader(f, 0, 1<<20))
	io.Copy(h, io.NewSectionReader(f, max(0, st.Size()-1<<20), 1<<20))
	return string(h.Sum(nil)) + strconv.FormatInt(st.Size(), 10)
}

// readOnlyStays runs the commands that must not write on path and checks
// that its bytes stay the same (through hash).
func readOnlyStays(t *testing.T, path string, hash func(*testing.T, string) string, cmds ...[]string) {
	t.Helper()
	before := hash(t, path)
	for _, args := range cmds {
		runCLI(t, append(args, path)...)
		if hash(t, path) != before {
			t.Fatalf("wavemap %s changed %s", strings.Join(args, " "), path)
		}
	}
}

func fullHash(t *testing.T, path string) string {
	t.Helper()
	h := wavtest.HashFile(t, path)
	return string(h[:])
}

// toolFrames returns the frames sox (soxi -s, if withSox) and ffprobe
// (duration_ts) count in path; "" for a tool not asked or not there.
func toolFrames(t *testing.T, path string, withSox bool) (sox, ffprobe string) {
	t.Helper()
	if withSox && wavtest.Have(t, "sox") {
		sox = strings.TrimSpace(string(wavtest.Run(t, "sox", "--i", "-s", path)))
	}
	if wavtest.Have(t, "ffprobe") {
		ffprobe = ffprobeEntry(t, path, "duration_ts")
	}
	return sox, ffprobe
}

// agreeOnFrames checks that check passes on path and that sox and ffprobe
// count the frames wavemap maps.
func agreeOnFrames(t *testing.T, path string, frames int64) {
	t.Helper()
	agreeOnFramesSox(t, path, frames, true)
}

// agreeOnFramesSox is agreeOnFrames, asking sox only if withSox is set.
func agreeOnFramesSox(t *testing.T, path string, frames int64, withSox bool) {
	t.Helper()
	if r := runCLI(t, "check", path); r.code != 0 || strings.TrimSpace(r.stdout) != path+": ok" {
		t.Errorf("check %s: exit %d\n%s%s", path, r.code, r.stdout, r.stderr)
	}
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := f.Frames()
	f.Close()
	if got != frames {
		t.Errorf("%s: wavemap maps %d frames, want %d", path, got, frames)
	}
	want := strconv.FormatInt(frames, 10)
	sox, ff := toolFrames(t, path, withSox)
	if sox != "" && sox != want || ff != "" && ff != want {
		t.Errorf("%s: sox counts %q frames, ffprobe %q, want %s", path, sox, ff, want)
	}
}

// insertAt returns b with ins inserted at off and the RIFF size counting
// it.
func insertAt(b []byte, off int, ins []byte) []byte {
	out := slices.Concat(b[:off], ins, b[off:])
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out
}

// TestDamagedHeaders opens the four kinds of damaged header that sox,
// ffmpeg or libsndfile forgive, each made from a sox-written file: a
// block align that disagrees with the channels and bits, an odd-sized
// chunk without its pad byte before the data, an odd-sized last chunk
// without its final pad byte, and 24 bits in 4-byte slots in a plain fmt
// chunk (left-justified opens with a warning saying so, right-justified
// is refused). Each opens with its warning at the right byte, the frames
// and samples of the good file; info, stats, check and fix --dry-run
// leave it as it was; fix (in place, or --output where it says the file
// needs it) leaves a file that check passes and that sox and ffprobe
// count the same frames in, with the same samples.
func TestDamagedHeaders(t *testing.T) {
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	good := filepath.Join(dir, "good.wav")
	wavtest.Run(t, "sox", "-n", "-r", "8000", "-c", "2", "-b", "16", good, "synth", "0.05", "sine", "440", "sine", "660")
	g, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if string(g[36:40]) != "data" || len(g) != 44+1600 {
		t.Fatalf("sox wrote an unexpected layout: % x", g[:44])
	}
	goodSamples := readF64(t, good)
	const frames = 400

	good32 := filepath.Join(dir, "good32.wav")
	wavtest.Run(t, "sox", "-n", "-r", "8000", "-c", "2", "-b", "32", good32, "synth", "0.05", "sine", "440", "sine", "660")
	g32, err := os.ReadFile(good32)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(g32, []byte("data"))
	audio32 := slices.Clone(g32[i+8 : i+8+frames*8])
	// Left-justified 24 bits: the low byte of every 32-bit slot zero.
	left := slices.Clone(audio32)
	right := make([]byte, len(audio32))
	for k := 0; k < len(left); k += 4 {
		left[k] = 0
		binary.LittleEndian.PutUint32(right[k:], uint32(int32(binary.LittleEndian.Uint32(audio32[k:]))>>8))
	}
	plain24 := func(audio []byte) []byte {
		return wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 8000, 24, 8)), wavtest.Chunk("data", audio))
	}
	leftWant := make([]float64, frames*2)
	for k := range leftWant {
		leftWant[k] = float64(int32(binary.LittleEndian.Uint32(left[4*k:]))) / (1 << 31)
	}

	blockAlign := slices.Clone(g)
	binary.LittleEndian.PutUint16(blockAlign[32:], 6)
	for _, c := range []struct {
		name    string
		file    []byte
		kind    wavemap.WarningKind
		offset  int64
		samples []float64
		soxOK   bool // sox reads the damaged file the same
		copy    bool // fix says it needs --output
	}{
		{"block align", blockAlign, wavemap.WarnBlockAlign, 32, goodSamples, true, false},
		{"odd chunk without its pad byte", insertAt(g, 36, wavtest.RawChunk("abcd", -1, []byte("xyz"), false)), wavemap.WarnMissingPad, 47, goodSamples, false, true},
		{"odd last chunk without its pad byte", insertAt(g, len(g), wavtest.RawChunk("abcd", -1, []byte("hello"), false)), wavemap.WarnMissingPad, int64(len(g)) + 13, goodSamples, true, false},
		{"24 bits in 4-byte slots", plain24(left), wavemap.WarnAmbiguousLayout, 32, leftWant, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "damaged.wav")
			if err := os.WriteFile(path, c.file, 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
			if err != nil {
				t.Fatal(err)
			}
			ws := f.Warnings()
			f.Close()
			if len(ws) != 1 || ws[0].Kind != c.kind || ws[0].Offset != c.offset {
				t.Fatalf("warnings %v, want one %v at byte %d", ws, c.kind, c.offset)
			}
			t.Logf("%v", ws[0])
			sameFloats(t, "wavemap", readF64(t, path), c.samples)
			if c.soxOK {
				sameFloats(t, "sox", wavtest.SoxFloat64(t, path), c.samples)
			}
			readOnlyStays(t, path, fullHash, []string{"info"}, []string{"info", "--json"}, []string{"stats"}, []string{"check"}, []string{"check", "--data"}, []string{"fix", "--dry-run"})
			fixed := path
			r := runCLI(t, "fix", path)
			if c.copy {
				if r.code != 1 || !strings.Contains(r.stdout, "--output") {
					t.Errorf("fix in place: exit %d, want 1 naming --output\n%s", r.code, r.stdout)
				}
				fixed = filepath.Join(filepath.Dir(path), "fixed.wav")
				r = runCLI(t, "fix", "--output", fixed, path)
			}
			if r.code != 0 {
				t.Fatalf("fix: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			agreeOnFrames(t, fixed, frames)
			sameFloats(t, "wavemap after fix", readF64(t, fixed), c.samples)
			sameFloats(t, "sox after fix", wavtest.SoxFloat64(t, fixed), c.samples)
			if wavtest.Have(t, "ffmpeg") {
				sameFloats(t, "ffmpeg after fix", wavtest.FFmpegFloat64(t, fixed), c.samples)
			}
		})
	}

	// Right-justified 24 bits (arecord's S24_LE) cannot be mapped: every
	// command refuses them, saying so, and nothing is written.
	path := filepath.Join(dir, "right.wav")
	if err := os.WriteFile(path, plain24(right), 0o644); err != nil {
		t.Fatal(err)
	}
	readOnlyStays(t, path, fullHash, []string{"info"}, []string{"check"}, []string{"fix", "--dry-run"}, []string{"fix"})
	if r := runCLI(t, "info", path); r.code != 1 || !strings.Contains(r.stderr, "right-justified") || !strings.Contains(r.stderr, "at byte 32") {
		t.Errorf("info of right-justified 24-bit slots: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestFixFinishesTheJob tries what a new user would: a sox-written file
// cut mid-frame (head -c) and one with 17 bytes of junk appended. check
// fails on both; fix without a flag fixes what sizes can, names what it
// leaves and the flag that mends it, and exits 1; fix --truncate leaves
// files that check passes, with every whole frame of the audio, which sox
// and ffprobe count too.
func TestFixFinishesTheJob(t *testing.T) {
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	good := filepath.Join(dir, "good.wav")
	wavtest.Run(t, "sox", "-n", "-r", "8000", "-c", "2", "-b", "16", good, "synth", "0.05", "sine", "440")
	g, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	samples := readF64(t, good)
	junk := []byte("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11")
	for _, c := range []struct {
		name   string
		file   []byte
		frames int64
		leaves string // what fix without --truncate leaves
	}{
		{"cut mid-frame", g[:len(g)-3], 399, "warning ragged-tail"},
		{"17 bytes of junk", wavtest.Cat(g, junk), 400, "warning trailing-bytes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f.wav")
			if err := os.WriteFile(path, c.file, 0o644); err != nil {
				t.Fatal(err)
			}
			if r := runCLI(t, "check", path); r.code != 1 {
				t.Errorf("check of the damaged file: exit %d", r.code)
			}
			readOnlyStays(t, path, fullHash, []string{"info"}, []string{"stats"}, []string{"check"}, []string{"fix", "--dry-run"}, []string{"fix", "--dry-run", "--truncate"})
			r := runCLI(t, "fix", path)
			if r.code != 1 || !strings.Contains(r.stdout, "left as is: "+c.leaves) || !strings.Contains(r.stdout, "--truncate") {
				t.Errorf("fix without --truncate: exit %d\n%s", r.code, r.stdout)
			}
			r = mustRun(t, "fix", "--truncate", path)
			if !strings.Contains(r.stdout, "file length") {
				t.Errorf("fix --truncate says nothing of the length:\n%s", r.stdout)
			}
			agreeOnFrames(t, path, c.frames)
			sameFloats(t, "wavemap", readF64(t, path), samples[:2*c.frames])
			sameFloats(t, "sox", wavtest.SoxFloat64(t, path), samples[:2*c.frames])
			if b, _ := os.ReadFile(path); !bytes.Equal(b[44:], g[44:44+4*c.frames]) {
				t.Error("the audio changed")
			}
		})
	}
}

// bigWrapped writes a sparse RIFF file of 5 GiB of s16 stereo audio
// whose 32-bit RIFF and data sizes wrapped, with a LIST/INFO chunk before
// the data (as ffmpeg writes), and with a 28-byte JUNK chunk at byte 12
// if junk is set. Known frames are written at the start, across the
// 4 GiB boundary and at the end (see bigKnown); every other byte is a
// hole.
func bigWrapped(t *testing.T, path string, junk bool) {
	t.Helper()
	var chunks [][]byte
	if junk {
		chunks = append(chunks, wavtest.Chunk("JUNK", make([]byte, 28)))
	}
	chunks = append(chunks, wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 48000, 16, 4)),
		wavtest.Chunk("LIST", wavtest.Cat([]byte("INFO"), wavtest.Chunk("ISFT", []byte("Lavf60.16.100\x00")))))
	head := wavtest.RIFF(chunks...)
	head = wavtest.Cat(head, []byte("data"), wavtest.LE32(uint32(bigAudio%(1<<32))))
	binary.LittleEndian.PutUint32(head[4:], uint32((int64(len(head))-8+bigAudio)%(1<<32)))
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(head); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(int64(len(head)) + bigAudio); err != nil {
		t.Skipf("no room for a sparse 5 GiB file: %v", err)
	}
	for _, k := range bigKnown {
		if _, err := f.WriteAt(wavtest.S16(k.v...), int64(len(head))+4*k.frame); err != nil {
			t.Fatal(err)
		}
	}
}

const bigAudio = 5 << 30 // bytes of audio: 1,342,177,280 frames of s16 stereo

// bigKnown are the frames bigWrapped writes: at the start, across the
// 4 GiB boundary (frame 1<<30 starts there) and at the end.
var bigKnown = []struct {
	frame int64
	v     []int16
}{
	{0, []int16{1, -2, 3, -4}},
	{1<<30 - 1, []int16{1000, -1000, 32767, -32768}},
	{bigAudio/4 - 2, []int16{7, 8, -9, -10}},
}

// checkKnown reads the frames of bigKnown from path.
func checkKnown(t *testing.T, path string) {
	t.Helper()
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := wavemap.Samples[int16](f)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range bigKnown {
		if got := s[2*k.frame : 2*k.frame+int64(len(k.v))]; !slices.Equal(got, k.v) {
			t.Errorf("%s: frames from %d hold %v, want %v", path, k.frame, got, k.v)
		}
	}
}

// TestFixWrappedRIFF repairs sparse RIFF files of 5 GiB whose 32-bit
// sizes wrapped, as ffmpeg leaves them ("output file will be broken"):
// one with a JUNK chunk at byte 12 is upgraded to RF64 in place; one
// without (sox's layout) is refused in place, with a message naming
// --output, and fix --output writes an RF64 copy that keeps the LIST
// chunk and the holes. Afterwards check passes, sox and ffprobe count
// the frames wavemap maps, and the known samples read right.
//
// sox 14.4.2 takes one to two minutes of CPU to count the frames of an
// RF64 file past 4 GiB (it crawls through the audio 8 bytes at a time,
// see TestHuge5GiB in the root package), so it is asked only when
// WAVEMAP_SOX_HUGE is set; ffprobe always is.
func TestFixWrappedRIFF(t *testing.T) {
	if testing.Short() {
		t.Skip("files past 4 GiB (sparse)")
	}
	if strconv.IntSize == 32 {
		t.Skip("a 32-bit address space cannot map more than 2 GiB")
	}
	withSox := os.Getenv("WAVEMAP_SOX_HUGE") != ""
	const frames = bigAudio / 4
	dir := t.TempDir()

	inPlace := filepath.Join(dir, "junk.wav")
	bigWrapped(t, inPlace, true)
	if r := runCLI(t, "check", inPlace); r.code != 1 || strings.Count(r.stdout, "warning wrapped-size") != 2 {
		t.Errorf("check of the wrapped file: exit %d\n%s", r.code, r.stdout)
	}
	checkKnown(t, inPlace)
	readOnlyStays(t, inPlace, headHash, []string{"info"}, []string{"check"}, []string{"fix", "--dry-run"})
	r := mustRun(t, "fix", inPlace)
	for _, want := range []string{"byte 0: container id RIFF -> RF64", "byte 12: ds64 chunk id JUNK -> ds64", "ds64 data size 0 -> 5368709120", "fixed 7 field(s)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("fix output lacks %q:\n%s", want, r.stdout)
		}
	}
	agreeOnFramesSox(t, inPlace, frames, withSox)
	checkKnown(t, inPlace)

	noRoom := filepath.Join(dir, "sox.wav")
	bigWrapped(t, noRoom, false)
	readOnlyStays(t, noRoom, headHash, []string{"info"}, []string{"check"}, []string{"fix", "--dry-run"}, []string{"fix"})
	if r := runCLI(t, "fix", noRoom); r.code != 1 || !strings.Contains(r.stderr, "no JUNK chunk") || !strings.Contains(r.stderr, "fix --output NEW.wav") {
		t.Errorf("fix in place without room: exit %d, stderr %q", r.code, r.stderr)
	}
	copied := filepath.Join(dir, "copy.wav")
	r = mustRun(t, "fix", "--output", copied, noRoom)
	if !strings.Contains(r.stdout, "wrote a repaired copy to "+copied+": RF64") || !strings.Contains(r.stdout, "1342177280 frames, 1 other chunk(s) kept") {
		t.Errorf("fix --output:\n%s", r.stdout)
	}
	agreeOnFramesSox(t, copied, frames, withSox)
	checkKnown(t, copied)
	f, err := wavemap.Open(copied, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.Metadata()
	f.Close()
	if err != nil || len(m.Chunks) != 1 || m.Chunks[0].ID != (wavemap.FourCC{'L', 'I', 'S', 'T'}) || !strings.Contains(string(m.Chunks[0].Data), "Lavf60.16.100") {
		t.Errorf("the copy's metadata: %+v, %v; want the LIST chunk", m, err)
	}
	if in, out := allocated(t, noRoom), allocated(t, copied); in < 1<<20 && out > 1<<20 {
		t.Errorf("the copy of a sparse file takes %d bytes of disk (the input %d): its holes were written", out, in)
	}
}
