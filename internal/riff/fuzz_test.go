package riff

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fuzzSeeds returns hand-made headers, encoded headers and the first
// 64 KiB of every corpus file present.
func fuzzSeeds() [][]byte {
	info := ckp("LIST", cat([]byte("INFO"), ckp("INAM", []byte("Kick\x00")), ck("ISFT", -1, []byte("odd"), false), ckp("ICMT", []byte("x"))))
	rf64 := wave("RF64", 0xFFFFFFFF, ckp("ds64", cat(b64(100), b64(10), b64(5), b32(1), []byte("bext"), b64(7))),
		fmtMono16, ck("bext", 0xFFFFFFFF, make([]byte, 7), true), ck("data", 0xFFFFFFFF, pcm5, true))
	seeds := [][]byte{
		base,
		riffWave(ckp("fmt ", exFmt(3, 2, 48000, 32, 8)), ckp("fact", b32(3)), info, ckp("data", make([]byte, 24))),
		riffWave(ckp("fmt ", extFmt(2, 96000, 24, 6, 20, 3, ksGUID(1))), ckp("data", make([]byte, 12)), info),
		riffWave(ckp("fmt ", cat(b16(1), b16(2), b32(8000), b32(32000), b16(4))), ckp("data", pcm5)),
		riffWave(ckp("fmt ", cat(pcmFmt(0x31, 1, 8000, 0, 65), b16(2), b16(320))), ckp("data", pcm5)),
		wave("RIFF", 20, fmtMono16, ck("data", 0xFFFFFFFF, pcm5, true)),
		riffWave(fmtMono16, ck("odd ", -1, []byte{1, 2, 3}, false), ckp("data", pcm5), []byte{1, 2, 3}),
		riffWave(fmtMono16, ck("data", 0, pcm5, true)),
		riffWave(fmtMono16, ckp("data", pcm5), ck("LIST", 500, []byte("INFOxx"), false)),
		riffWave(ckp("data", pcm5), fmtMono16),
		rf64,
		w64file(w64chunk(w64Fmt, exFmt(3, 2, 44100, 32, 8)), w64chunk(w64Fact, b64(3)), w64chunk(w64Data, make([]byte, 24)), w64chunk(w64List, []byte("INFO"))),
	}
	for _, s := range []Spec{
		{Tag: TagPCM, Channels: 2, SampleRate: 44100, BitsPerSample: 16, DataSize: 16},
		{Tag: TagFloat, Channels: 6, SampleRate: 48000, BitsPerSample: 32, DataSize: 48},
		{Tag: TagMuLaw, Channels: 1, SampleRate: 8000, BitsPerSample: 8, DataSize: -1},
		{Container: ContainerRF64, Tag: TagPCM, Channels: 1, SampleRate: 8000, BitsPerSample: 24, DataSize: 9},
		{Container: ContainerWave64, Tag: TagFloat, Channels: 2, SampleRate: 8000, BitsPerSample: 64, DataSize: 32},
	} {
		h, err := Encode(s)
		if err != nil {
			panic(err)
		}
		seeds = append(seeds, cat(h, pattern(int(max(s.DataSize, 16)))))
	}
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*", "*.wav"))
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
	if h.FactFrames < -1 || len(h.Chunks) > maxChunks || len(h.Warnings) > maxWarnings {
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
		if w.Kind < WarnRIFFSize || w.Kind > WarnBadField || w.Msg == "" || w.Offset < 0 || w.Offset > limit {
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
