package cli

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// The tests of issue #13, "every chunk survives", for the commands that
// make a file from another (convert, cut, cat, raw) or change one in
// place (fix, gain, normalize): every metadata chunk of the input is in
// the output, byte for byte, in its order and on its side of the data,
// but for the changes the library's metadata edits make (Excerpt,
// AppendCues, AudioChanged), which the output must hold exactly; and sox
// and ffmpeg still read the samples.

const keepFrames = 1000 // frames of the rich input: stereo s16 at 48 kHz

func keepSamples() []int16 {
	s := make([]int16, 2*keepFrames)
	for i := range s {
		s[i] = int16((i*7919)%60000 - 30000)
	}
	return s
}

// keepFmt is the fmt chunk of the rich input.
var keepFmt = wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 48000, 16, 4))

// richInput writes the rich input (wavtest.RichChunks around the
// samples of keepSamples) as name in dir.
func richInput(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, wavtest.RichWAV(keepFmt, wavtest.S16(keepSamples()...), wavtest.RichChunks()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// toMeta converts the library's chunks for comparison.
func toMeta(m *wavemap.Metadata) []wavtest.MetaChunk {
	var out []wavtest.MetaChunk
	for _, c := range m.Chunks {
		out = append(out, wavtest.MetaChunk{ID: string(c.ID[:]), Data: c.Data, After: c.AfterData})
	}
	return out
}

// metadataOf reads the metadata chunks of a file with the library.
func readMetadataOf(t *testing.T, path string) *wavemap.Metadata {
	t.Helper()
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := f.Metadata()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// untouched are the chunks of the rich input that no metadata edit has
// a reason to change: they must be in every output exactly as they were.
func untouched(cs []wavtest.MetaChunk) []wavtest.MetaChunk {
	var out []wavtest.MetaChunk
	for _, c := range cs {
		switch {
		case c.ID == "iXML", c.ID == "zzzz", c.ID == "yyyy", c.ID == "_PMX",
			c.ID == "LIST" && strings.HasPrefix(string(c.Data), "INFO"):
			out = append(out, c)
		}
	}
	return out
}

// checkOutput checks the output file at path: its chunks, walked by
// wavtest, are want (their AfterData ones moved before the data in
// Wave64), and hold the chunks no edit changes exactly as the input
// had them; a strict Open finds nothing wrong; sox (but for BW64, which
// it does not know) and ffmpeg decode samples (float64, sox's scaling).
func checkOutput(t *testing.T, path string, want []wavtest.MetaChunk, samples []float64) {
	t.Helper()
	w := checkKept(t, path, want, samples)
	if len(want) > 0 && (w.DataOffset%4096 != 0 || len(w.Junk) == 0 || w.Junk[len(w.Junk)-1] < 1024) {
		t.Errorf("%s: data at %d after JUNK chunks of %v bytes: want a multiple of 4096 after 1 KiB of room", path, w.DataOffset, w.Junk)
	}
	if len(want) == 0 && w.DataOffset%16 != 0 {
		t.Errorf("%s: data at %d", path, w.DataOffset)
	}
}

// checkKept is checkOutput but for the layout: for a file changed in
// place. A nil samples skips the decoding.
func checkKept(t *testing.T, path string, want []wavtest.MetaChunk, samples []float64) wavtest.Walked {
	t.Helper()
	w := wavtest.WalkChunks(t, path)
	if w.Container == "W64" {
		want = wavtest.BeforeData(want)
	}
	wavtest.SameChunks(t, path, w.Chunks, want)
	if len(want) > 0 {
		keep := untouched(wavtest.RichChunks())
		if w.Container == "W64" {
			keep = wavtest.BeforeData(keep)
		}
		wavtest.SameChunks(t, path+" (chunks no edit changes)", untouched(w.Chunks), keep)
	}
	wantSize := w.End - 8
	if w.Container == "W64" {
		wantSize = w.End
	}
	if w.SizeField != wantSize {
		t.Errorf("%s: container size %d, the chunks end at %d", path, w.SizeField, w.End)
	}
	f, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	float := f.Format().Encoding.IsFloat()
	f.Close()
	if samples == nil {
		return w
	}
	decodeF64 := []string{"-t", "raw", "-e", "floating-point", "-b", "64", "-L", "-"}
	switch {
	case w.Container == "BW64": // sox 14.4.2 does not know BW64
	case w.Container == "W64" && float:
		// libsndfile (sox's Wave64 reader) scales float samples by the
		// file's peak.
	case w.Container == "W64":
		sameFloats(t, path+" (sox)", wavtest.DecodeF64(wavtest.Run(t, "sox", append([]string{"-V1", "-t", "w64", path}, decodeF64...)...)), samples)
	default:
		sameFloats(t, path+" (sox)", wavtest.SoxFloat64(t, path), samples)
	}
	sameFloats(t, path+" (ffmpeg)", wavtest.FFmpegFloat64(t, path), samples)
	return w
}

// sameFloats fails at the first sample that differs.
func sameFloats(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d samples, want %d", what, len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: sample %d is %v, want %v", what, i, got[i], want[i])
		}
	}
}

func keepFloats() []float64 {
	s := keepSamples()
	v := make([]float64, len(s))
	for i, x := range s {
		v[i] = float64(x) / 32768
	}
	return v
}

// jsonMetadata returns the "metadata_notes" member of a --json line, which
// must be an array of strings (empty, not null, when there is nothing to
// say).
func jsonMetadata(t *testing.T, r result) []string {
	t.Helper()
	var j map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
		t.Fatalf("--json output %q: %v", r.stdout, err)
	}
	raw, ok := j["metadata_notes"]
	if !ok || string(raw) == "null" {
		t.Fatalf("--json output %q has no \"metadata\" array", r.stdout)
	}
	var notes []string
	if err := json.Unmarshal(raw, &notes); err != nil {
		t.Fatalf("--json \"metadata\" %s: %v", raw, err)
	}
	return notes
}

// wantNotes checks the notes of a command: in --json, and one line each
// on standard error.
func wantNotes(t *testing.T, cmd, name string, r result, want []string) {
	t.Helper()
	if got := jsonMetadata(t, r); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Errorf("%s --json metadata %q, want %q", cmd, got, want)
	}
	var lines []string
	for _, n := range want {
		lines = append(lines, fmt.Sprintf("wavemap %s: %s: metadata: %s\n", cmd, name, n))
	}
	if r.stderr != strings.Join(lines, "") {
		t.Errorf("%s stderr %q, want %q", cmd, r.stderr, strings.Join(lines, ""))
	}
}

func TestKeepConvert(t *testing.T) {
	dir := t.TempDir()
	in := richInput(t, dir, "in.wav")
	m := readMetadataOf(t, in)
	notes := m.AudioChanged()
	for _, c := range []string{"same", "rf64", "bw64", "w64"} {
		out := filepath.Join(dir, "out-"+c+".wav")
		r := mustRun(t, "convert", "--json", "--to", "f32", "--container", c, in, out)
		wantNotes(t, "convert", out, r, notes)
		checkOutput(t, out, toMeta(m), keepFloats())
	}
	// s24 and back to s16: the samples are those of the input.
	s24, s16 := filepath.Join(dir, "s24.wav"), filepath.Join(dir, "s16.wav")
	mustRun(t, "convert", "--to", "s24", in, s24)
	mustRun(t, "convert", "--to", "s16", s24, s16)
	m2 := readMetadataOf(t, s24)
	m2.AudioChanged()
	checkOutput(t, s16, toMeta(m2), keepFloats())
}

// TestKeepConvertFFmpegTags: the tags ffmpeg writes (LIST/INFO, bext)
// survive a convert, as ffprobe reads them.
func TestKeepConvertFFmpegTags(t *testing.T) {
	wavtest.Need(t, "ffmpeg")
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.wav"), filepath.Join(dir, "out.wav")
	wavtest.Run(t, "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=d=1", "-write_bext", "1", "-metadata", "title=T", "-metadata", "artist=A",
		"-metadata", "originator=O", "-metadata", "time_reference=48000", in)
	mustRun(t, "convert", "--to", "s16", in, out)
	for _, path := range []string{in, out} {
		probe := string(wavtest.Run(t, "ffprobe", "-v", "error", "-show_format", path))
		// ffmpeg reports bext's originator as encoded_by.
		for _, tag := range []string{"TAG:title=T", "TAG:artist=A", "TAG:encoded_by=O", "TAG:time_reference=48000"} {
			if !strings.Contains(probe, tag) {
				t.Errorf("ffprobe -show_format %s lacks %s:\n%s", path, tag, probe)
			}
		}
	}
	m := readMetadataOf(t, in)
	m.AudioChanged()
	want := toMeta(m)
	if len(want) < 2 {
		t.Fatalf("ffmpeg wrote %d metadata chunks, want bext and LIST at least", len(want))
	}
	w := wavtest.WalkChunks(t, out)
	wavtest.SameChunks(t, out, w.Chunks, want)
	sameFloats(t, "ffmpeg decodes the output as the input", wavtest.FFmpegFloat64(t, out), wavtest.FFmpegFloat64(t, in))
	sameFloats(t, "sox decodes the output as the input", wavtest.SoxFloat64(t, out), wavtest.SoxFloat64(t, in))
}

func TestKeepCut(t *testing.T) {
	dir := t.TempDir()
	in := richInput(t, dir, "in.wav")
	for _, c := range []string{"same", "w64"} {
		out := filepath.Join(dir, "cut-"+c+".wav")
		r := mustRun(t, "cut", "--json", "--from", "100s", "--to", "600s", "--container", c, in, out)
		m, notes := readMetadataOf(t, in).Excerpt(100, 600, 48000)
		wantNotes(t, "cut", out, r, notes)
		checkOutput(t, out, toMeta(m), keepFloats()[200:1200])
	}
}

func TestKeepCat(t *testing.T) {
	dir := t.TempDir()
	a := richInput(t, dir, "a.wav")
	b := filepath.Join(dir, "b.wav")
	mustRun(t, "gen", "--signal", "silence", "--type", "s16", "--channels", "2", "--rate", "48000", "--frames", "500", b)
	c := richInput(t, dir, "c.wav")
	out := filepath.Join(dir, "out.wav")
	r := mustRun(t, "cat", "--json", a, b, c, out)
	m := readMetadataOf(t, a)
	notes := m.AppendCues(readMetadataOf(t, b), keepFrames)
	notes = append(notes, m.AppendCues(readMetadataOf(t, c), keepFrames+500)...)
	wantNotes(t, "cat", out, r, notes)
	samples := slices.Concat(keepFloats(), make([]float64, 1000), keepFloats())
	checkOutput(t, out, toMeta(m), samples)

	// The first input without metadata: the later ones' cue points only.
	out2 := filepath.Join(dir, "out2.wav")
	mustRun(t, "cat", b, a, out2)
	m = readMetadataOf(t, b)
	m.AppendCues(readMetadataOf(t, a), 500)
	w := wavtest.WalkChunks(t, out2)
	wavtest.SameChunks(t, out2, w.Chunks, toMeta(m))
}

func TestKeepRaw(t *testing.T) {
	dir := t.TempDir()
	in := richInput(t, dir, "in.wav")
	h := wavtest.WalkChunks(t, in)
	fi, err := os.Stat(in)
	if err != nil {
		t.Fatal(err)
	}
	trailer := fi.Size() - h.DataOffset - h.DataSize
	flags := []string{"--type", "s16", "--channels", "2", "--rate", "48000", "--offset", fmt.Sprint(h.DataOffset)}

	// The header skipped exactly, the chunks after the audio left as
	// the trailer: a WAVE input's chunks are kept.
	out := filepath.Join(dir, "kept.wav")
	r := mustRun(t, slices.Concat([]string{"raw", "--json"}, flags, []string{"--trailer", fmt.Sprint(trailer), in, out})...)
	wantNotes(t, "raw", out, r, []string{fmt.Sprintf("kept the %d chunks of %s's WAVE header", len(wavtest.RichChunks()), in)})
	checkOutput(t, out, wavtest.RichChunks(), keepFloats())
	if r := mustRun(t, slices.Concat([]string{"raw", "-q"}, flags, []string{"--trailer", fmt.Sprint(trailer), in, out})...); r.stderr != "" {
		t.Errorf("raw -q wrote %q on standard error", r.stderr)
	}

	// Without --trailer the frames taken run over the chunks after the
	// audio: the chunks are left out, with a note.
	out = filepath.Join(dir, "over.wav")
	r = mustRun(t, slices.Concat([]string{"raw", "--json"}, flags, []string{in, out})...)
	if notes := jsonMetadata(t, r); len(notes) != 1 || !strings.Contains(notes[0], "left out") || !strings.Contains(r.stderr, notes[0]) {
		t.Errorf("raw over the chunks: notes %q, stderr %q", notes, r.stderr)
	}
	if w := wavtest.WalkChunks(t, out); len(w.Chunks) != 0 || w.DataOffset%16 != 0 {
		t.Errorf("raw over the chunks: chunks %v, data at %d", w.Chunks, w.DataOffset)
	}

	// Headerless samples: nothing to keep, nothing to say.
	pcm := filepath.Join(dir, "in.pcm")
	if err := os.WriteFile(pcm, wavtest.S16(keepSamples()...), 0o644); err != nil {
		t.Fatal(err)
	}
	out = filepath.Join(dir, "plain.wav")
	r = mustRun(t, "raw", "--json", "--type", "s16", "--channels", "2", "--rate", "48000", pcm, out)
	wantNotes(t, "raw", out, r, nil)
	checkOutput(t, out, nil, keepFloats())
}

// TestKeepFix: fix changes sizes only, so every chunk stays as it was,
// and the sizes then count the chunks after the data.
func TestKeepFix(t *testing.T) {
	dir := t.TempDir()
	body := wavtest.RichWAV(keepFmt, wavtest.S16(keepSamples()...), wavtest.RichChunks())
	dataEnd := int64(-1)
	for _, c := range []struct {
		name string
		riff func(b []byte) uint32
	}{
		{"streaming RIFF size", func([]byte) uint32 { return 0xFFFFFFFF }},
		{"RIFF size up to the audio", func([]byte) uint32 { return uint32(dataEnd - 8) }},
		{"RIFF size one chunk short", func(b []byte) uint32 { return uint32(len(b) - 8 - 16) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			if dataEnd < 0 {
				w := wavtest.WalkChunks(t, wavtest.WriteTemp(t, body))
				dataEnd = w.DataOffset + w.DataSize
			}
			b := append([]byte(nil), body...)
			binary.LittleEndian.PutUint32(b[4:], c.riff(b))
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".wav")
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			r := mustRun(t, "fix", path)
			if !strings.Contains(r.stdout, "RIFF size") {
				t.Errorf("fix did not fix the RIFF size:\n%s", r.stdout)
			}
			got, _ := os.ReadFile(path)
			if binary.LittleEndian.Uint32(got[4:]) != uint32(len(body)-8) || string(got[8:]) != string(body[8:]) {
				t.Errorf("fixed file: RIFF size %d, want %d, the rest unchanged", binary.LittleEndian.Uint32(got[4:]), len(body)-8)
			}
			checkKept(t, path, wavtest.RichChunks(), keepFloats())
		})
	}
}

// TestKeepGain: an in-place edit changes samples only; its notes name
// the chunks it leaves stale.
func TestKeepGain(t *testing.T) {
	dir := t.TempDir()
	for _, cmd := range [][]string{{"gain", "--factor", "0.5"}, {"normalize", "--peak", "-6"}} {
		in := richInput(t, dir, cmd[0]+".wav")
		r := mustRun(t, slices.Concat(cmd, []string{"--json", "--no-journal", in})...)
		var stale []string
		for _, n := range readMetadataOf(t, in).AudioChanged() {
			stale = append(stale, "stale after the edit, not updated in the file: "+n)
		}
		wantNotes(t, cmd[0], in, r, stale)
		checkKept(t, in, wavtest.RichChunks(), nil)
		if cmd[0] == "gain" {
			// Half the input, to the nearest 16-bit value, as ffmpeg
			// decodes it.
			got := wavtest.FFmpegFloat64(t, in)
			want := keepFloats()
			if len(got) != len(want) {
				t.Fatalf("ffmpeg decodes %d samples of the gained file, want %d", len(got), len(want))
			}
			for i := range want {
				if d := got[i] - want[i]/2; d > 1.0/32768 || d < -1.0/32768 {
					t.Fatalf("gained sample %d: %v, want %v", i, got[i], want[i]/2)
				}
			}
		}
	}
}

// TestGainClearsComputedChunks: a file whose chunks describe its samples
// (an MD5 of the audio, a levl peak envelope, a version-2 bext with
// loudness values) loses them (MD5, levl) or has them cleared (loudness
// 0x7FFF) before gain and normalize change the samples, so that it never
// holds a checksum its samples contradict; every other chunk stays byte for
// byte, and the notes say what was done.
func TestGainClearsComputedChunks(t *testing.T) {
	dir := t.TempDir()
	for _, cmd := range [][]string{{"gain", "--factor", "0.5"}, {"normalize", "--peak", "-6"}} {
		chunks := wavtest.RichChunks()
		bext := append([]byte(nil), chunks[0].Data...)
		binary.LittleEndian.PutUint16(bext[346:], 2) // version 2: loudness
		for i, v := range []int16{-2300, 500, -100, -1800, -2000} {
			binary.LittleEndian.PutUint16(bext[412+2*i:], uint16(v))
		}
		chunks[0].Data = bext
		samples := wavtest.S16(keepSamples()...)
		sum := md5.Sum(samples)
		chunks = append(chunks,
			wavtest.MetaChunk{ID: "MD5 ", Data: sum[:]},
			wavtest.MetaChunk{ID: "levl", Data: make([]byte, 128), After: true})
		in := filepath.Join(dir, cmd[0]+".wav")
		if err := os.WriteFile(in, wavtest.RichWAV(keepFmt, samples, chunks), 0o644); err != nil {
			t.Fatal(err)
		}
		r := mustRun(t, slices.Concat(cmd, []string{"--json", "--no-journal", in})...)
		notes := jsonMetadata(t, r)
		if len(notes) != 3 {
			t.Errorf("%s: notes %q, want one each for MD5, levl and the bext loudness", cmd[0], notes)
		}
		for _, n := range notes {
			if strings.Contains(n, "stale") {
				t.Errorf("%s: %q: the chunks were not updated", cmd[0], n)
			}
		}
		// What the file holds now, by a walk of its own.
		var want []wavtest.MetaChunk
		for _, c := range chunks {
			switch c.ID {
			case "MD5 ", "levl":
				continue
			case "bext":
				c.Data = append([]byte(nil), c.Data...)
				for i := range 5 {
					binary.LittleEndian.PutUint16(c.Data[412+2*i:], 0x7FFF)
				}
			}
			want = append(want, c)
		}
		got := readMetadataOf(t, in)
		sameKinds(t, cmd[0], toMeta(got), want)
		f, err := wavemap.Open(in, wavemap.ReadOnly, &wavemap.Options{Strict: true})
		if err != nil {
			t.Fatalf("%s: strict open: %v", cmd[0], err)
		}
		if bytes.Equal(f.Bytes(), samples) {
			t.Errorf("%s: the samples did not change", cmd[0])
		}
		f.Close()
		wavtest.Run(t, "sox", "--i", in)
	}
}

// sameKinds compares chunk lists kind by kind in order (a rewritten chunk
// may have changed its place).
func sameKinds(t *testing.T, what string, got, want []wavtest.MetaChunk) {
	t.Helper()
	seq := func(cs []wavtest.MetaChunk) map[string][]string {
		m := map[string][]string{}
		for _, c := range cs {
			k := c.ID
			if c.ID == "LIST" && len(c.Data) >= 4 {
				k += string(c.Data[:4])
			}
			m[k] = append(m[k], string(c.Data))
		}
		return m
	}
	g, w := seq(got), seq(want)
	if len(g) != len(w) {
		t.Errorf("%s: %d kinds of chunk, want %d: %v", what, len(g), len(w), got)
	}
	for k, v := range w {
		if !slices.Equal(g[k], v) {
			t.Errorf("%s: chunk %s differs", what, k)
		}
	}
}
