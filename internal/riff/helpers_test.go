package riff

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
)

// Builders for hand-made headers. They spell out the bytes of the format
// from its definition, independently of Encode.

func b16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func b32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func b64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// ck builds a RIFF chunk: id, size (declared, or the payload length when
// declared < 0), payload, and a zero pad byte after an odd payload when
// pad is set.
func ck(id string, declared int64, payload []byte, pad bool) []byte {
	size := uint32(len(payload))
	if declared >= 0 {
		size = uint32(declared)
	}
	b := cat([]byte(id), b32(size), payload)
	if pad && len(payload)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// ckp is ck with the payload length as size and the pad byte.
func ckp(id string, payload []byte) []byte { return ck(id, -1, payload, true) }

// wave wraps chunks in a RIFF (or RF64...) header; size < 0 means the
// correct size.
func wave(id string, size int64, chunks ...[]byte) []byte {
	body := cat(append([][]byte{[]byte("WAVE")}, chunks...)...)
	s := uint32(len(body))
	if size >= 0 {
		s = uint32(size)
	}
	return cat([]byte(id), b32(s), body)
}

func riffWave(chunks ...[]byte) []byte { return wave("RIFF", -1, chunks...) }

// pcmFmt is a 16-byte PCMWAVEFORMAT payload with a consistent byte rate.
func pcmFmt(tag uint16, channels, rate, bits, align int) []byte {
	return cat(b16(tag), b16(uint16(channels)), b32(uint32(rate)), b32(uint32(rate*align)), b16(uint16(align)), b16(uint16(bits)))
}

// exFmt is an 18-byte WAVEFORMATEX payload (cbSize 0).
func exFmt(tag uint16, channels, rate, bits, align int) []byte {
	return cat(pcmFmt(tag, channels, rate, bits, align), b16(0))
}

// ksGUID is the KSDATAFORMAT_SUBTYPE GUID of a format tag, spelled out.
func ksGUID(tag uint16) []byte {
	return cat(b16(tag), []byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71})
}

// extFmt is a 40-byte WAVE_FORMAT_EXTENSIBLE payload.
func extFmt(channels, rate, bits, align, valid int, mask uint32, guid []byte) []byte {
	return cat(pcmFmt(0xFFFE, channels, rate, bits, align), b16(22), b16(uint16(valid)), b32(mask), guid)
}

// s16 encodes int16 samples.
func s16(v ...int16) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint16(b, uint16(x))
	}
	return b
}

var (
	fmtMono16 = ckp("fmt ", pcmFmt(1, 1, 8000, 16, 2)) // 24 bytes
	pcm5      = s16(1, -2, 3, -4, 5)                   // 10 bytes
	// base is the smallest sane file: fmt at 12 (payload 20), data at 36
	// (payload 44, 10 bytes), 54 bytes in all.
	base = riffWave(fmtMono16, ckp("data", pcm5))
)

func parse(b []byte, opts Options) (*Header, error) {
	return Parse(bytes.NewReader(b), int64(len(b)), opts)
}

func mustParse(t *testing.T, b []byte, opts Options) *Header {
	t.Helper()
	h, err := parse(b, opts)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return h
}

// asError extracts the *Error of err.
func asError(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *Error", err, err)
	}
	return e
}

// sparse is a virtual file: zeros, except for the given pieces. It stands
// for files far larger than a test may write.
type sparse struct {
	size   int64
	pieces []piece
}

type piece struct {
	off int64
	b   []byte
}

func (s *sparse) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.size {
		return 0, io.EOF
	}
	n := len(p)
	if int64(n) > s.size-off {
		n = int(s.size - off)
	}
	clear(p[:n])
	for _, pc := range s.pieces {
		lo := max(off, pc.off)
		hi := min(off+int64(n), pc.off+int64(len(pc.b)))
		if lo < hi {
			copy(p[lo-off:hi-off], pc.b[lo-pc.off:hi-pc.off])
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// recorder remembers how far a parse read.
type recorder struct {
	r     io.ReaderAt
	reads int
	max   int64 // highest offset read + 1
	bytes int64
}

func (r *recorder) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.r.ReadAt(p, off)
	r.reads++
	r.bytes += int64(n)
	r.max = max(r.max, off+int64(n))
	return n, err
}

// kinds lists the kinds of the warnings of h.
func kinds(ws []Warning) []WarningKind {
	var k []WarningKind
	for _, w := range ws {
		k = append(k, w.Kind)
	}
	return k
}
