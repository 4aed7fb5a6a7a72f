package riff

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/wavemap/wavemap/internal/wavtest"
)

// fuzzSeeds returns hand-made headers, encoded headers and the first
// 64 KiB of every corpus file present.
func fuzzSeeds() [][]byte {
	info := wavtest.Chunk("LIST", wavtest.Cat([]byte("INFO"), wavtest.Chunk("INAM", []byte("Kick\x00")), wavtest.RawChunk("ISFT", -1, []byte("odd"), false), wavtest.Chunk("ICMT", []byte("x"))))
	rf64 := wavtest.Wave("RF64", 0xFFFFFFFF, wavtest.Chunk("ds64", wavtest.Cat(wavtest.LE64(100), wavtest.LE64(10), wavtest.LE64(5), wavtest.LE32(1), []byte("bext"), wavtest.LE64(7))),
		fmtMono16, wavtest.RawChunk("bext", 0xFFFFFFFF, make([]byte, 7), true), wavtest.RawChunk("data", 0xFFFFFFFF, pcm5, true))
	seeds := [][]byte{
		base,
		wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtEx(3, 2, 48000, 32, 8)), wavtest.Chunk("fact", wavtest.LE32(3)), info, wavtest.Chunk("data", make([]byte, 24))),
		wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtExtensible(2, 96000, 24, 6, 20, 3, wavtest.SubFormat(1))), wavtest.Chunk("data", make([]byte, 12)), info),
		wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.Cat(wavtest.LE16(1), wavtest.LE16(2), wavtest.LE32(8000), wavtest.LE32(32000), wavtest.LE16(4))), wavtest.Chunk("data", pcm5)),
		wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.Cat(wavtest.FmtPCM(0x31, 1, 8000, 0, 65), wavtest.LE16(2), wavtest.LE16(320))), wavtest.Chunk("data", pcm5)),
		wavtest.Wave("RIFF", 20, fmtMono16, wavtest.RawChunk("data", 0xFFFFFFFF, pcm5, true)),
		wavtest.RIFF(fmtMono16, wavtest.RawChunk("odd ", -1, []byte{1, 2, 3}, false), wavtest.Chunk("data", pcm5), []byte{1, 2, 3}),
		wavtest.RIFF(fmtMono16, wavtest.RawChunk("data", 0, pcm5, true)),
		wavtest.RIFF(fmtMono16, wavtest.Chunk("data", pcm5), wavtest.RawChunk("LIST", 500, []byte("INFOxx"), false)),
		wavtest.RIFF(wavtest.Chunk("data", pcm5), fmtMono16),
		rf64,
		wavtest.Cat(base, []byte("\x01\x02\x03\x04abcdefg")), // stale sizes, frames after them
		wavtest.Wave("RIFF", 42, fmtMono16, wavtest.RawChunk("data", 2, wavtest.S16(1, -2, 3), true), wavtest.Chunk("LIST", []byte("INFO"))),
		wavtest.W64File(wavtest.Cat(w64Fmt[:], wavtest.LE64(16), wavtest.FmtPCM(1, 1, 8000, 16, 2)), wavtest.W64Chunk(w64Data, pcm5)), // size without its header
		wavtest.W64File(wavtest.W64Chunk(w64Fmt, wavtest.FmtEx(3, 2, 44100, 32, 8)), wavtest.W64Chunk(w64Fact, wavtest.LE64(3)), wavtest.W64Chunk(w64Data, make([]byte, 24)), wavtest.W64Chunk(w64List, []byte("INFO"))),
		// RIFX: big-endian sizes and fields.
		rifxBase,
		wavtest.RIFX(wavtest.ChunkBE("fmt ", wavtest.FmtExBE(3, 1, 8000, 32, 4)), wavtest.ChunkBE("fact", wavtest.BE32(2)),
			wavtest.ChunkBE("LIST", wavtest.Cat([]byte("INFO"), wavtest.ChunkBE("INAM", []byte("Kick\x00")), wavtest.RawChunkBE("ISFT", -1, []byte("odd"), false))),
			wavtest.ChunkBE("data", make([]byte, 8))),
		wavtest.RIFX(wavtest.ChunkBE("fmt ", wavtest.FmtExtensibleBE(2, 96000, 24, 6, 20, 3, wavtest.SubFormatSox(1))), wavtest.ChunkBE("data", make([]byte, 12))),
		wavtest.RIFX(wavtest.ChunkBE("fmt ", wavtest.FmtExtensibleBE(1, 8000, 8, 1, 8, 0, wavtest.SubFormatSwapped(7))), wavtest.RawChunkBE("data", 0xFFFFFFFF, pcm5, true)),
		wavtest.RIFXSized(7, fmtStereo16BE, wavtest.RawChunkBE("odd ", -1, []byte{1, 2, 3}, false), wavtest.ChunkBE("data", pcm5), []byte{1, 2}),
		wavtest.Cat([]byte("RIFX"), base[4:]),
	}
	for _, s := range []Spec{
		{Tag: TagPCM, Channels: 2, SampleRate: 44100, BitsPerSample: 16, DataSize: 16},
		{Tag: TagFloat, Channels: 6, SampleRate: 48000, BitsPerSample: 32, DataSize: 48},
		{Tag: TagMuLaw, Channels: 1, SampleRate: 8000, BitsPerSample: 8, DataSize: -1},
		{Container: ContainerRF64, Tag: TagPCM, Channels: 1, SampleRate: 8000, BitsPerSample: 24, DataSize: 9},
		{Container: ContainerWave64, Tag: TagFloat, Channels: 2, SampleRate: 8000, BitsPerSample: 64, DataSize: 32},
		{Container: ContainerRIFX, Tag: TagPCM, Channels: 2, SampleRate: 44100, BitsPerSample: 24, DataSize: 18},
		{Container: ContainerRIFX, Tag: TagFloat, Channels: 3, SampleRate: 8000, BitsPerSample: 64, ChannelMask: 7, DataSize: 48},
	} {
		h, err := Encode(s)
		if err != nil {
			panic(err)
		}
		seeds = append(seeds, wavtest.Cat(h, pattern(int(max(s.DataSize, 16)))))
	}
	files, _ := filepath.Glob(filepath.Join(wavtest.CorpusDir(), "*", "*.wav"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err == nil {
			seeds = append(seeds, b[:min(len(b), 64<<10)])
		}
	}
	return seeds
}

// checkParse checks the invariants every result of Parse keeps,
// whatever the input.
func checkParse(t *testing.T, h *Header, err error, size int64, opts Options) {
	t.Helper()
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error %v is a %T, not a *Error", err, err)
		}
		if e.Kind < ErrNotWAVE || e.Kind > ErrIO || e.Msg == "" || e.Offset < 0 || size >= 0 && e.Offset > size {
			t.Fatalf("bad error %+v for a %d-byte input", e, size)
		}
		if e.Kind == ErrStrict && (e.Warning == nil || !opts.Strict) {
			t.Fatalf("strict error %+v", e)
		}
		return
	}
	if opts.Strict && len(h.Warnings) > 0 {
		t.Fatalf("strict parse returned warnings %v", h.Warnings)
	}
	f := h.Fmt
	if f.Channels <= 0 || f.BlockAlign <= 0 || f.BlockAlign%f.Channels != 0 || f.SampleRate <= 0 ||
		f.BitsPerSample <= 0 || f.BitsPerSample > 8*f.BlockAlign/f.Channels || f.ValidBits > f.BitsPerSample {
		t.Fatalf("insane fmt %+v", f)
	}
	switch f.SubFormat {
	case TagPCM, TagFloat, TagALaw, TagMuLaw:
	default:
		t.Fatalf("unmappable format %#x accepted", f.SubFormat)
	}
	limit := size
	if limit < 0 {
		limit = 1<<63 - 1
	}
	if h.DataOffset < 0 || h.DataOffset > limit || h.FmtOffset < 0 || h.FmtOffset > limit {
		t.Fatalf("data at %d, fmt at %d in a %d-byte input", h.DataOffset, h.FmtOffset, size)
	}
	switch {
	case h.DataSize == -1 && opts.Stream:
	case h.DataSize < 0, h.DataSize > limit-h.DataOffset, h.DataSize%int64(f.BlockAlign) != 0:
		t.Fatalf("%d bytes of data at %d, frames of %d, in a %d-byte input", h.DataSize, h.DataOffset, f.BlockAlign, size)
	}
	if h.FactFrames < -1 || len(h.Chunks) > maxChunks+5 || len(h.Warnings) > maxWarnings {
		t.Fatalf("fact %d, %d chunks, %d warnings", h.FactFrames, len(h.Chunks), len(h.Warnings))
	}
	for _, c := range h.Chunks {
		if c.Offset < 0 || c.DataOffset < c.Offset || c.DataOffset > limit || c.Declared < -1 {
			t.Fatalf("chunk %+v in a %d-byte input", c, size)
		}
		if c.Size == -1 && opts.Stream && c.ID == IDData {
			continue
		}
		if c.Size < 0 || c.Size > limit-c.DataOffset {
			t.Fatalf("chunk %+v in a %d-byte input", c, size)
		}
	}
	for _, w := range h.Warnings {
		if w.Kind < WarnRIFFSize || w.Kind > WarnAmbiguousLayout || w.Msg == "" || w.Offset < 0 || w.Offset > limit {
			t.Fatalf("warning %+v in a %d-byte input", w, size)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		size := int64(len(data))
		for _, strict := range []bool{false, true} {
			opts := Options{Strict: strict}
			r := &recorder{r: bytes.NewReader(data)}
			h, err := Parse(r, size, opts)
			checkParse(t, h, err, size, opts)
			if r.max > size {
				t.Fatalf("read up to %d of %d bytes", r.max, size)
			}
		}
	})
}

// FuzzParseStream parses in stream mode, with the size unknown and known,
// and checks that nothing past the data chunk header is read.
func FuzzParseStream(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		whole, wholeErr := parse(data, Options{})
		for _, size := range []int64{-1, int64(len(data))} {
			opts := Options{Stream: true}
			r := &recorder{r: bytes.NewReader(data)}
			h, err := Parse(r, size, opts)
			checkParse(t, h, err, size, opts)
			if err != nil {
				continue
			}
			// Finding a missing pad byte takes one byte more.
			slack := int64(0)
			for _, w := range h.Warnings {
				if w.Kind == WarnMissingPad {
					slack = 1
				}
			}
			if r.max > h.DataOffset+slack {
				t.Fatalf("stream parse read up to %d, data at %d", r.max, h.DataOffset)
			}
			if size >= 0 && wholeErr == nil && (whole.DataOffset != h.DataOffset || whole.Fmt != h.Fmt) {
				t.Fatalf("stream parse: data at %d, fmt %+v; file parse: %d, %+v", h.DataOffset, h.Fmt, whole.DataOffset, whole.Fmt)
			}
		}
	})
}
