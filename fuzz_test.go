package wavemap_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// FuzzOpen writes arbitrary bytes to a file and opens it in every mode.
// Whatever the input: no panic, no mapping past the end of the file, a
// typed view of the right length, and every mapped byte readable.
func FuzzOpen(f *testing.F) {
	f.Add(wavtest.RIFF(fmt16, wavtest.Chunk("data", pcm)))
	f.Add(wavtest.Wave("RIFF", 20, fmt16, wavtest.RawChunk("data", 0xFFFFFFFF, pcm, true), []byte{1, 2, 3}))
	f.Add(wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtExtensible(2, 8000, 24, 6, 20, 3, wavtest.SubFormat(1))),
		wavtest.Chunk("data", make([]byte, 12))))
	f.Add(wavtest.RIFX(wavtest.ChunkBE("fmt ", wavtest.FmtPCMBE(1, 2, 8000, 16, 4)), wavtest.ChunkBE("data", wavtest.S16BE(1, -2, 3, -4))))
	f.Add(wavtest.RIFX(wavtest.ChunkBE("fmt ", wavtest.FmtExtensibleBE(2, 8000, 24, 6, 20, 3, wavtest.SubFormatSox(1))),
		wavtest.ChunkBE("data", make([]byte, 12))))
	for _, name := range []string{"Perverse/Pmiscck.wav", "Perverse/Ptjunk.wav", "random/Kick.wav", "AFsp/M1F1-int12WE-AFsp.wav", "Goldwave/addf8-GSM-GW.wav"} {
		if b, err := os.ReadFile(filepath.Join(wavtest.CorpusDir(), name)); err == nil {
			f.Add(b[:min(len(b), 4096)])
		}
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "fuzz.wav")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, mode := range []wavemap.Mode{wavemap.ReadOnly, wavemap.CopyOnWrite} {
			w, err := wavemap.Open(path, mode, nil)
			if err != nil {
				continue
			}
			h := w.Header()
			n := int64(len(w.Bytes()))
			if n != h.Frames*int64(h.Format.FrameSize()) || h.DataOffset < 0 || h.DataOffset+n > int64(len(data)) {
				t.Fatalf("mapped %d bytes at %d for %d frames of %d bytes in a %d-byte file",
					n, h.DataOffset, h.Frames, h.Format.FrameSize(), len(data))
			}
			if err := h.Format.Validate(); err != nil {
				t.Fatalf("opened with an invalid format %+v: %v", h.Format, err)
			}
			if e := h.Format.Encoding; e.BigEndian() != (h.Container == wavemap.RIFX && e.Size() > 1) {
				t.Fatalf("%s samples in a %s file", e, h.Container)
			}
			var sum byte
			for _, b := range w.Bytes() {
				sum += b
			}
			if string(w.Bytes()) != string(data[h.DataOffset:h.DataOffset+n]) {
				t.Fatal("mapped bytes differ from the file's")
			}
			_ = sum
			if mode == wavemap.CopyOnWrite && n > 0 {
				w.Bytes()[0] ^= 0xFF
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
		}
		if b, _ := os.ReadFile(path); string(b) != string(data) {
			t.Fatal("opening changed the file")
		}
	})
}
