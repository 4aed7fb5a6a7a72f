package wavemap_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// Helpers for the metadata codec tests. The spec* builders spell chunk
// payloads out from the RIFF specification's field lists, independently of
// the codecs under test.

// specZstr returns s with a terminating NUL.
func specZstr(s string) []byte { return append([]byte(s), 0) }

// specCuePoint is one cue point record: dwName, dwPosition, fccChunk,
// dwChunkStart, dwBlockStart, dwSampleOffset.
func specCuePoint(name, position uint32, chunk string, chunkStart, blockStart, sampleOffset uint32) []byte {
	return wavtest.Cat(wavtest.LE32(name), wavtest.LE32(position), []byte(chunk),
		wavtest.LE32(chunkStart), wavtest.LE32(blockStart), wavtest.LE32(sampleOffset))
}

// specCue returns a cue chunk: dwCuePoints, then the points.
func specCue(points ...[]byte) []byte {
	return wavtest.Chunk("cue ", wavtest.Cat(append([][]byte{wavtest.LE32(uint32(len(points)))}, points...)...))
}

// specList returns a LIST chunk of the given form type.
func specList(typ string, subs ...[]byte) []byte {
	return wavtest.Chunk("LIST", wavtest.Cat(append([][]byte{[]byte(typ)}, subs...)...))
}

// specLabl returns a labl (or, with id "note", a note) sub-chunk:
// dwName and a NUL-terminated text.
func specLabl(id string, name uint32, text string) []byte {
	return wavtest.Chunk(id, wavtest.Cat(wavtest.LE32(name), specZstr(text)))
}

// specLtxt returns an ltxt sub-chunk: dwName, dwSampleLength, dwPurpose,
// wCountry, wLanguage, wDialect, wCodePage, then the text as given.
func specLtxt(name, length uint32, purpose string, country, language, dialect, codePage uint16, text []byte) []byte {
	return wavtest.Chunk("ltxt", wavtest.Cat(wavtest.LE32(name), wavtest.LE32(length), []byte(purpose),
		wavtest.LE16(country), wavtest.LE16(language), wavtest.LE16(dialect), wavtest.LE16(codePage), text))
}

// mdFmt and mdPCM are the fmt chunk and the audio of the test files: mono
// s16 at 48 kHz, 16 frames.
var (
	mdFmt = wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 48000, 16, 2))
	mdPCM = make([]byte, 32)
)

// mdFile returns a RIFF/WAVE file: fmt, the chunks before, data, the
// chunks after.
func mdFile(before, after [][]byte) []byte {
	parts := append([][]byte{mdFmt}, before...)
	parts = append(parts, wavtest.Chunk("data", mdPCM))
	return wavtest.RIFF(append(parts, after...)...)
}

// mdFileOf lays the chunks of m out in a RIFF/WAVE file around mdPCM.
func mdFileOf(m *wavemap.Metadata) []byte {
	var before, after [][]byte
	for _, c := range m.Chunks {
		b := wavtest.Chunk(string(c.ID[:]), c.Data)
		if c.AfterData {
			after = append(after, b)
		} else {
			before = append(before, b)
		}
	}
	return mdFile(before, after)
}

// mdOpen opens the file at path and returns its metadata.
func mdOpen(t testing.TB, path string) *wavemap.Metadata {
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

// mdRead writes data to a file and returns its metadata as Open reads it.
func mdRead(t testing.TB, data []byte) *wavemap.Metadata {
	t.Helper()
	return mdOpen(t, wavtest.WriteTemp(t, data))
}

// ffmpegWAV runs ffmpeg to make a 0.1 s 48 kHz mono s16 sine file with
// the given extra arguments (before the output name) and returns its path.
func ffmpegWAV(t testing.TB, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "ff.wav")
	a := append([]string{"-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "0.1"}, args...)
	wavtest.Run(t, "ffmpeg", append(a, out)...)
	return out
}

// mdChunk returns the payload of the first chunk with the id, failing the
// test if there is none.
func mdChunk(t testing.TB, m *wavemap.Metadata, id string) []byte {
	t.Helper()
	b, ok := m.Get(wavemap.FourCC([]byte(id)))
	if !ok {
		t.Fatalf("no %q chunk in %v", id, mdIDs(m))
	}
	return b
}

// mdIDs lists the chunk ids of m, LIST chunks with their form type.
func mdIDs(m *wavemap.Metadata) []string {
	var ids []string
	for _, c := range m.Chunks {
		s := string(c.ID[:])
		if lt := c.ListType(); lt != (wavemap.FourCC{}) {
			s += "/" + string(lt[:])
		}
		if c.AfterData {
			s += "(after data)"
		}
		ids = append(ids, s)
	}
	return ids
}

// writeFile writes data at path, failing the test on error.
func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
