package riff

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/wavemap/wavemap/internal/wavtest"
)

var (
	fmtMono16 = wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 16, 2)) // 24 bytes
	pcm5      = wavtest.S16(1, -2, 3, -4, 5)                             // 10 bytes
	// base is the smallest sane file: fmt at 12 (payload 20), data at 36
	// (payload 44, 10 bytes), 54 bytes in all.
	base = wavtest.RIFF(fmtMono16, wavtest.Chunk("data", pcm5))
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
