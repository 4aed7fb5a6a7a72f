package cli

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// runStdin runs the command line in process with stdin as standard
// input.
func runStdin(t testing.TB, stdin io.Reader, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, stdin, &out, &errb)
	return result{stdout: out.String(), stderr: errb.String(), code: code}
}

// channelsOfJSON returns the "channels" member of a --json line, for
// comparing the measurements of a file and of the same audio piped.
func channelsOfJSON(t *testing.T, line string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatalf("%v: %s", err, line)
	}
	return string(m["channels"])
}

var speakerKey = regexp.MustCompile(`"speaker":"[A-Z]+",`)

// TestPipeFromFFmpeg: what ffmpeg writes to a pipe (streaming sizes:
// 0xFFFFFFFF) is read from standard input by info, stats, check and
// loudness, with the same measurements as the file.
func TestPipeFromFFmpeg(t *testing.T) {
	wavtest.Need(t, "ffmpeg")
	dir := t.TempDir()
	in := filepath.Join(dir, "in.wav")
	mustRun(t, "gen", "--type", "s24", "--signal", "noise", "--seconds", "2.5", "--rate", "44100", in)
	piped := wavtest.Run(t, "ffmpeg", "-v", "error", "-i", in, "-c:a", "pcm_s24le", "-f", "wav", "-")
	if i := bytes.Index(piped, []byte("data")); i < 0 || binary.LittleEndian.Uint32(piped[i+4:]) != 0xFFFFFFFF {
		t.Fatalf("ffmpeg's pipe output has no streaming data size")
	}
	for _, cmd := range []string{"stats", "loudness"} {
		want := mustRun(t, cmd, "--json", in).stdout
		r := runStdin(t, bytes.NewReader(piped), cmd, "--json", "-")
		if r.code != 0 {
			t.Fatalf("%s -: exit %d, %s", cmd, r.code, r.stderr)
		}
		// ffmpeg writes 24-bit stereo as EXTENSIBLE with the stereo mask:
		// the stream names the speakers, the file does not.
		got := speakerKey.ReplaceAllString(channelsOfJSON(t, r.stdout), "")
		if got != channelsOfJSON(t, want) {
			t.Errorf("%s - differs from %s FILE:\n%s\n%s", cmd, cmd, got, channelsOfJSON(t, want))
		}
		var j struct {
			File   string
			Frames int64
		}
		json.Unmarshal([]byte(r.stdout), &j)
		if j.File != "-" || j.Frames != 110250 {
			t.Errorf("%s -: file %q, frames %d", cmd, j.File, j.Frames)
		}
	}
	r := runStdin(t, bytes.NewReader(piped), "info", "--json", "-")
	var info infoJSON
	if err := json.Unmarshal([]byte(r.stdout), &info); err != nil || r.code != 0 {
		t.Fatalf("info -: exit %d, %v: %s", r.code, err, r.stderr)
	}
	if info.Frames != 110250 || info.Format.Encoding != "s24" || info.Format.SampleRate != 44100 {
		t.Errorf("info -: %+v", info.head)
	}
	if r := runStdin(t, bytes.NewReader(piped), "check", "--data", "-"); r.code != 1 || !strings.Contains(r.stdout, "streaming") {
		// A streaming size is a defect of a file, reported as such.
		t.Logf("check - of a stream: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A stream cut short inside a frame is an error, not garbage.
	short := piped[:len(piped)-1]
	if r := runStdin(t, bytes.NewReader(short), "stats", "-"); r.code != 1 || !strings.Contains(r.stderr, "standard input") {
		t.Errorf("stats of a truncated stream: exit %d, %q", r.code, r.stderr)
	}
	if r := runStdin(t, strings.NewReader(""), "stats", "-", "-"); r.code != exitUsage {
		t.Errorf("stats - -: exit %d, want 2", r.code)
	}
}

// TestPipeToFFmpeg: convert, cut, raw and gen write WAVE streams to
// standard output that ffmpeg and sox read back to the same samples as
// the files the commands write.
func TestPipeToFFmpeg(t *testing.T) {
	wavtest.Need(t, "ffmpeg")
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	in := filepath.Join(dir, "in.wav")
	mustRun(t, "gen", "--signal", "noise", "--seconds", "2", in)
	file := filepath.Join(dir, "f32.wav")
	mustRun(t, "convert", "--to", "f32", in, file)
	r := mustRun(t, "convert", "--to", "f32", in, "-")
	if !strings.HasPrefix(r.stdout, "RIFF") || !strings.Contains(r.stderr, in+" -> -") {
		t.Fatalf("convert to -: stdout starts %q", r.stdout[:min(16, len(r.stdout))])
	}
	decoded := wavtest.RunInput(t, []byte(r.stdout), "ffmpeg", "-v", "error", "-f", "wav", "-i", "-", "-f", "f32le", "-")
	if want := audioOf(t, file); !bytes.Equal(decoded, want) {
		t.Errorf("ffmpeg reads %d bytes from convert -, the file holds %d (or other values)", len(decoded), len(want))
	}
	// Stream to stream: sox writes, wavemap converts, ffmpeg reads.
	soxOut := wavtest.Run(t, "sox", in, "-t", "wav", "-")
	r = runStdin(t, bytes.NewReader(soxOut), "convert", "--to", "f32", "-", "-")
	if r.code != 0 {
		t.Fatalf("convert - -: exit %d, %s", r.code, r.stderr)
	}
	if d := wavtest.RunInput(t, []byte(r.stdout), "ffmpeg", "-v", "error", "-f", "wav", "-i", "-", "-f", "f32le", "-"); !bytes.Equal(d, audioOf(t, file)) {
		t.Error("sox | convert - - | ffmpeg gives other samples than convert to a file")
	}
	// cut from a pipe and to a pipe: the same samples as the file's cut.
	cutFile := filepath.Join(dir, "cut.wav")
	mustRun(t, "cut", "--from", "0.5", "--to", "1.25", in, cutFile)
	cutPiped := filepath.Join(dir, "cut-piped.wav")
	if r := runStdin(t, bytes.NewReader(soxOut), "cut", "--from", "0.5", "--to", "1.25", "-", cutPiped); r.code != 0 {
		t.Fatalf("cut - FILE: exit %d, %s", r.code, r.stderr)
	}
	if !bytes.Equal(audioOf(t, cutPiped), audioOf(t, cutFile)) {
		t.Error("cut of a pipe differs from cut of the file")
	}
	r = mustRun(t, "cut", "--from", "0.5", "--to", "1.25", in, "-")
	if d := wavtest.RunInput(t, []byte(r.stdout), "sox", "-t", "wav", "-", "-t", "raw", "-"); !bytes.Equal(d, audioOf(t, cutFile)) {
		t.Error("sox reads other samples from cut to - than the file's cut holds")
	}
	// --to past the end of a stream stops at its end, with a warning.
	r = runStdin(t, bytes.NewReader(soxOut), "cut", "--json", "--from", "1.5", "--to", "9", "-", filepath.Join(dir, "tail.wav"))
	if j := outputJSONOf(t, r); r.code != 0 || !j.Range.Clamped || j.Output.Frames != 24000 || !strings.Contains(r.stderr, "stopping at the end") {
		t.Errorf("cut --to past the end of a stream: exit %d, %+v, %q", r.code, j.Range, r.stderr)
	}
	// raw --extract both ways, and a wrap from standard input.
	r = runStdin(t, bytes.NewReader(soxOut), "raw", "--extract", "-", "-")
	if !bytes.Equal([]byte(r.stdout), audioOf(t, in)) {
		t.Error("raw --extract - - is not the audio")
	}
	wrapped := filepath.Join(dir, "wrapped.wav")
	if r := runStdin(t, bytes.NewReader(audioOf(t, in)), "raw", "--type", "s16", "--channels", "2", "--rate", "48000", "-", wrapped); r.code != 0 {
		t.Fatalf("raw - FILE: exit %d, %s", r.code, r.stderr)
	}
	if !bytes.Equal(audioOf(t, wrapped), audioOf(t, in)) {
		t.Error("raw wrap from standard input changed the samples")
	}
	// gen - | stats -.
	g := mustRun(t, "gen", "--frames", "4800", "--amp", "1", "-")
	if r := runStdin(t, strings.NewReader(g.stdout), "stats", "--json", "-"); !strings.Contains(r.stdout, `"peak":1,`) {
		t.Errorf("gen - | stats -: %s %s", r.stdout, r.stderr)
	}
	// --json with audio on standard output is refused.
	if r := runCLI(t, "convert", "--json", "--to", "f32", in, "-"); r.code != exitUsage {
		t.Errorf("convert --json to -: exit %d", r.code)
	}
}

// endlessFrames is n bytes of s16 stereo noise-like frames.
type endlessFrames struct {
	n, i int64
	x    uint32
}

func (r *endlessFrames) Read(p []byte) (int, error) {
	if r.i >= r.n {
		return 0, io.EOF
	}
	k := int(min(int64(len(p)), r.n-r.i)) &^ 3
	for j := 0; j+4 <= k; j += 4 {
		r.x = r.x*1664525 + 1013904223
		binary.LittleEndian.PutUint32(p[j:], r.x&0x3fff3fff) // below full scale
	}
	r.i += int64(k)
	return k, nil
}

// TestPipeBoundedMemory pushes a 4 GiB stream (1 GiB under the race
// detector) through stats - and convert - -: the memory the run
// allocates stays a few megabytes.
func TestPipeBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("a 4 GiB stream")
	}
	size := int64(4) << 30
	if raceEnabled {
		size = 1 << 30
	}
	var hdr bytes.Buffer
	w, err := wavemap.NewWriter(&hdr, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}, nil)
	if err != nil || w.Close() != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"stats", "--json", "-"}, {"convert", "-q", "--to", "s24", "-", "-"}} {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		stdin := io.MultiReader(bytes.NewReader(hdr.Bytes()), &endlessFrames{n: size})
		var errb bytes.Buffer
		code := Main(context.Background(), args, stdin, io.Discard, &errb)
		runtime.ReadMemStats(&after)
		if code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, errb.String())
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
			t.Errorf("%q over %d MiB of stream allocated %d MiB", args, size>>20, grew>>20)
		}
		t.Logf("%q: %d MiB streamed, %.1f MiB allocated", args, size>>20, float64(after.TotalAlloc-before.TotalAlloc)/(1<<20))
	}
}
