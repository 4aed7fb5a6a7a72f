package wavemap_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/riff"
	"github.com/wavemap/wavemap/internal/wavtest"
)

func audioHash(t *testing.T, path string) [32]byte {
	t.Helper()
	f, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Strict: true})
	if err != nil {
		t.Fatalf("open %s strictly: %v", path, err)
	}
	defer f.Close()
	return sha256.Sum256(f.Bytes())
}

// TestWriteMetadataFFmpegFile retags a file written by ffmpeg (bext and
// LIST/INFO before the data, no room around them): both chunks grow, so
// they move after the audio; ffprobe (which shows the bext description
// as comment, the originator as encoded_by), sox and a strict wavemap open read
// the new tags and the same audio. A second, third and fourth edit reuse
// the room the first left.
func TestWriteMetadataFFmpegFile(t *testing.T) {
	wavtest.Need(t, "ffmpeg")
	dir := t.TempDir()
	path := filepath.Join(dir, "ff.wav")
	wavtest.Run(t, "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=d=2:r=48000", "-ac", "2",
		"-write_bext", "1", "-metadata", "title=Old", "-metadata", "artist=A",
		"-metadata", "description=OldDesc", "-metadata", "originator=Orig", "-metadata", "time_reference=48000", path)
	before := audioHash(t, path)
	if tags := wavtest.FFprobeTags(t, path); tags["title"] != "Old" || tags["comment"] != "OldDesc" {
		t.Fatalf("ffmpeg's file: tags %v", tags)
	}
	var sizes []int64
	for round, title := range []string{"A much longer new title", "Short", "Another title, longer again than the first one", "x"} {
		m := mdOpen(t, path)
		i := m.IndexList(wavemap.FourCC([]byte("INFO")))
		j := m.Index(wavemap.FourCC([]byte("bext")))
		if i < 0 || j < 0 {
			t.Fatalf("round %d: metadata %+v lacks INFO or bext", round, m)
		}
		m.Chunks[i].Data = wavtest.InfoList("INAM", title, "IART", "B", "IGNR", strings.Repeat("c", 10*round))
		bext := append([]byte(nil), m.Chunks[j].Data...)
		copy(bext[:256], make([]byte, 256))
		copy(bext, "New description "+title)
		m.Chunks[j].Data = bext
		rep, err := wavemap.WriteMetadata(path, m, nil)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		t.Logf("round %d: %d bytes written, grew %d: %s", round, rep.Written, rep.Grew, strings.Join(rep.Notes, "; "))
		if !rep.Changed || rep.Written > 4096 {
			t.Errorf("round %d: report %+v", round, rep)
		}
		if round == 0 && len(rep.Moved) != 2 {
			t.Errorf("round 0: moved %v, want bext and LIST", rep.Moved)
		}
		if got := audioHash(t, path); got != before {
			t.Fatalf("round %d: the audio changed", round)
		}
		tags := wavtest.FFprobeTags(t, path)
		if tags["title"] != title || tags["artist"] != "B" || tags["comment"] != "New description "+title || tags["encoded_by"] != "Orig" || tags["time_reference"] != "48000" {
			t.Errorf("round %d: ffprobe reads %v", round, tags)
		}
		wavtest.Run(t, "sox", "--i", path)
		if s := wavtest.SoxFloat64(t, path); len(s) != 2*96000 {
			t.Errorf("round %d: sox decodes %d samples", round, len(s))
		}
		got := mdOpen(t, path)
		if !sameMeta(got, m) {
			t.Errorf("round %d: metadata read back differs", round)
		}
		st, _ := os.Stat(path)
		sizes = append(sizes, st.Size())
	}
	// The last edit reuses room: the file does not grow without bound.
	if sizes[3] > sizes[0]+2048 {
		t.Errorf("file sizes over four edits: %v", sizes)
	}
	// Writing the same metadata again writes nothing.
	m := mdOpen(t, path)
	rep, err := wavemap.WriteMetadata(path, m, nil)
	if err != nil || rep.Changed || rep.Written != 0 {
		t.Errorf("rewriting the same metadata: %+v, %v", rep, err)
	}
}

// sameMeta compares two Metadata kind by kind, in order (a chunk may
// change side when it has to move).
func sameMeta(a, b *wavemap.Metadata) bool {
	key := func(c wavemap.RawChunk) string { return c.ID.String() + c.ListType().String() }
	seq := func(m *wavemap.Metadata) map[string][]string {
		s := map[string][]string{}
		for _, c := range m.Chunks {
			s[key(c)] = append(s[key(c)], string(c.Data))
		}
		return s
	}
	x, y := seq(a), seq(b)
	if len(x) != len(y) {
		return false
	}
	for k, v := range x {
		w := y[k]
		if len(v) != len(w) {
			return false
		}
		for i := range v {
			if v[i] != w[i] {
				return false
			}
		}
	}
	return true
}

// TestWriteMetadataInRoom rewrites a LIST/INFO that has a JUNK chunk
// after it: the new list goes into the JUNK chunk, the file keeps its
// length, and the chunks keep their side of the data.
func TestWriteMetadataInRoom(t *testing.T) {
	file := wavtest.RIFF(
		wavtest.Chunk("JUNK", make([]byte, 28)),
		wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 48000, 16, 4)),
		wavtest.Chunk("LIST", wavtest.InfoList("INAM", "Old")),
		wavtest.Chunk("JUNK", make([]byte, 1000)),
		wavtest.Chunk("data", wavtest.S16(1, 2, 3, 4, 5, 6, 7, 8)),
		wavtest.Chunk("zzzz", []byte("after")),
	)
	path := wavtest.WriteTemp(t, file)
	before := audioHash(t, path)
	m := mdOpen(t, path)
	m.Set(wavemap.RawChunk{ID: wavemap.FourCC([]byte("LIST")), Data: wavtest.InfoList("INAM", "A new title", "IART", "Someone")})
	m.Set(wavemap.RawChunk{ID: wavemap.FourCC([]byte("iXML")), Data: []byte("<BWFXML><PROJECT>p</PROJECT></BWFXML>")})
	rep, err := wavemap.WriteMetadata(path, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Grew != 0 || len(rep.InPlace) != 2 || len(rep.Moved) != 0 || len(rep.Tail) != 0 {
		t.Errorf("report %+v", rep)
	}
	if st, _ := os.Stat(path); st.Size() != int64(len(file)) {
		t.Errorf("file is %d bytes, was %d", st.Size(), len(file))
	}
	if audioHash(t, path) != before {
		t.Fatal("the audio changed")
	}
	got := mdOpen(t, path)
	if !sameMeta(got, m) {
		t.Fatalf("read back %+v, want %+v", got, m)
	}
	for _, c := range got.Chunks {
		if c.AfterData != (c.ID.String() == "zzzz") {
			t.Errorf("chunk %s on the wrong side of the data", c.ID)
		}
	}
	if wavtest.Have(t, "ffprobe") {
		if tags := wavtest.FFprobeTags(t, path); tags["title"] != "A new title" || tags["artist"] != "Someone" {
			t.Errorf("ffprobe reads %v", tags)
		}
	}
}

// TestWriteMetadataRefuses: files whose chunk walk is in doubt, Wave64,
// a dry run, a locked file and a read-only one are left byte for byte as
// they were.
func TestWriteMetadataRefuses(t *testing.T) {
	fmtc := wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 16, 2))
	data := wavtest.Chunk("data", wavtest.S16(1, 2, 3))
	badSize := wavtest.Wave("RIFF", 1000, fmtc, data)
	w64 := wavtest.W64File(wavtest.W64Chunk(wavtest.W64GUID("fmt "), wavtest.FmtPCM(1, 1, 8000, 16, 2)), wavtest.W64Chunk(wavtest.W64GUID("data"), wavtest.S16(1, 2, 3)))
	m := &wavemap.Metadata{Chunks: []wavemap.RawChunk{{ID: wavemap.FourCC([]byte("LIST")), Data: wavtest.InfoList("INAM", "x")}}}
	for _, tc := range []struct {
		name string
		file []byte
		want error
	}{
		{"riff-size", badSize, wavemap.ErrInvalid},
		{"wave64", w64, wavemap.ErrUnsupported},
	} {
		path := wavtest.WriteTemp(t, tc.file)
		if _, err := wavemap.WriteMetadata(path, m, nil); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
		if b, _ := os.ReadFile(path); !bytes.Equal(b, tc.file) {
			t.Errorf("%s: file changed", tc.name)
		}
	}
	good := wavtest.RIFF(fmtc, data)
	path := wavtest.WriteTemp(t, good)
	rep, err := wavemap.WriteMetadata(path, m, &wavemap.WriteMetadataOptions{DryRun: true})
	if err != nil || !rep.Changed || rep.Written == 0 {
		t.Errorf("dry run: %+v, %v", rep, err)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, good) {
		t.Error("dry run changed the file")
	}
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wavemap.WriteMetadata(path, m, nil); !errors.Is(err, wavemap.ErrLocked) {
		t.Errorf("while open: %v, want ErrLocked", err)
	}
	if _, err := f.WriteMetadata(m); !errors.Is(err, wavemap.ErrReadOnly) {
		t.Errorf("File opened r: %v, want ErrReadOnly", err)
	}
	f.Close()
	if b, _ := os.ReadFile(path); !bytes.Equal(b, good) {
		t.Error("refused writes changed the file")
	}
	if os.Getuid() != 0 {
		os.Chmod(path, 0o444)
		if _, err := wavemap.WriteMetadata(path, m, nil); !errors.Is(err, os.ErrPermission) {
			t.Errorf("read-only file: %v", err)
		}
	}
}

// TestFileWriteMetadata writes metadata through a File open read-write:
// its view of the samples stays valid and its header lists the new chunks.
func TestFileWriteMetadata(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.wav")
	f, err := wavemap.Create(path, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 1, SampleRate: 8000}, 1000, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := wavemap.Samples[int16](f)
	for i := range s {
		s[i] = int16(i)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	f, err = wavemap.Open(path, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := &wavemap.Metadata{Chunks: []wavemap.RawChunk{{ID: wavemap.FourCC([]byte("LIST")), Data: wavtest.InfoList("INAM", "t"), AfterData: true}}}
	if _, err := f.WriteMetadata(m); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Header().Chunk(wavemap.FourCC([]byte("LIST"))); !ok {
		t.Error("header does not list the new LIST chunk")
	}
	if v, ok := f.Header().Tag("INAM"); !ok || v != "t" {
		t.Errorf("header tag INAM %q %v", v, ok)
	}
	s, _ = wavemap.Samples[int16](f)
	s[999] = 7
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	got, err := f.Metadata()
	if err != nil || !sameMeta(got, m) {
		t.Errorf("Metadata after write: %+v, %v", got, err)
	}
}

// TestWriteMetadataEveryCrashState applies the plan for moving the bext
// and LIST chunks of an ffmpeg file one write at a time, as a crash after
// each write would leave the file, and reads every state with ffprobe,
// sox and wavemap: each opens, with the same audio and the old or the new
// title and description.
func TestWriteMetadataEveryCrashState(t *testing.T) {
	wavtest.Need(t, "ffmpeg")
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	path := filepath.Join(dir, "ff.wav")
	wavtest.Run(t, "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=d=1:r=48000", "-write_bext", "1",
		"-metadata", "title=Old", "-metadata", "description=OldDesc", path)
	orig, _ := os.ReadFile(path)
	before := audioHash(t, path)
	m := mdOpen(t, path)
	i, j := m.IndexList(wavemap.FourCC([]byte("INFO"))), m.Index(wavemap.FourCC([]byte("bext")))
	m.Chunks[i].Data = wavtest.InfoList("INAM", "A new and much longer title")
	bext := append([]byte(nil), m.Chunks[j].Data...)
	copy(bext[:256], append([]byte("NewDesc"), make([]byte, 249)...))
	m.Chunks[j].Data = bext
	rh, err := riff.Parse(bytes.NewReader(orig), int64(len(orig)), riff.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var want []riff.MetaChunk
	for _, c := range m.Chunks {
		want = append(want, riff.MetaChunk{ID: riff.FourCC(c.ID), Data: c.Data, After: c.AfterData})
	}
	plan, err := riff.PlanMetadata(rh, int64(len(orig)), bytes.NewReader(orig), want)
	if err != nil {
		t.Fatal(err)
	}
	state := append([]byte(nil), orig...)
	n := 0
	for _, s := range plan.Steps {
		for _, w := range s.Writes {
			if end := w.Offset + int64(len(w.Data)); end > int64(len(state)) {
				state = append(state, make([]byte, end-int64(len(state)))...)
			}
			copy(state[w.Offset:], w.Data)
			n++
			p := filepath.Join(dir, "state.wav")
			if err := os.WriteFile(p, state, 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := wavemap.Open(p, wavemap.ReadOnly, nil)
			if err != nil {
				t.Fatalf("after write %d (%s): %v", n, s.What, err)
			}
			if sha256.Sum256(f.Bytes()) != before {
				t.Errorf("after write %d: audio changed", n)
			}
			f.Close()
			wavtest.Run(t, "sox", "--i", p)
			if out := wavtest.RunStderr(t, "ffprobe", "-v", "error", p); len(out) > 0 {
				t.Errorf("after write %d: ffprobe: %s", n, out)
			}
			tags := wavtest.FFprobeTags(t, p)
			if title := tags["title"]; title != "Old" && title != "A new and much longer title" {
				t.Errorf("after write %d (%s): title %q", n, s.What, title)
			}
			if d := tags["comment"]; d != "OldDesc" && d != "NewDesc" {
				t.Errorf("after write %d (%s): description %q", n, s.What, d)
			}
		}
	}
	if n < 4 {
		t.Errorf("only %d writes: the plan did not move the chunks", n)
	}
}

// TestWriteMetadataWave64 retags a Wave64 file that Create wrote with
// metadata (and so with room before its audio): the chunks are rewritten
// before the audio, the file keeps its length, and sox, ffprobe and a
// strict open read it with the same audio.
func TestWriteMetadataWave64(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.w64")
	m := &wavemap.Metadata{Chunks: []wavemap.RawChunk{{ID: wavemap.FourCC([]byte("LIST")), Data: wavtest.InfoList("INAM", "old")}}}
	f, err := wavemap.Create(path, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}, 4801,
		&wavemap.Options{Container: wavemap.Wave64, Metadata: m})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := wavemap.Samples[int16](f)
	for i := range s {
		s[i] = int16(i * 7)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	before := audioHash(t, path)
	st0, _ := os.Stat(path)
	m = mdOpen(t, path)
	m.SetInfoValue("INAM", "a new and longer title")
	m.SetIXML([]byte("<BWFXML><SCENE>4</SCENE></BWFXML>"))
	rep, err := wavemap.WriteMetadata(path, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Grew != 0 || len(rep.Tail) != 0 {
		t.Errorf("report %+v: Wave64 metadata must stay before the audio", rep)
	}
	if st, _ := os.Stat(path); st.Size() != st0.Size() {
		t.Errorf("file is %d bytes, was %d", st.Size(), st0.Size())
	}
	if audioHash(t, path) != before {
		t.Fatal("the audio changed")
	}
	if !sameMeta(mdOpen(t, path), m) {
		t.Error("metadata read back differs")
	}
	if wavtest.Have(t, "sox") {
		if n := len(wavtest.SoxFloat64(t, path)); n != 2*4801 {
			t.Errorf("sox decodes %d samples, want %d", n, 2*4801)
		}
	}
	if wavtest.Have(t, "ffprobe") {
		if out := wavtest.RunStderr(t, "ffprobe", "-v", "error", path); len(out) > 0 {
			t.Errorf("ffprobe: %s", out)
		}
	}
}
