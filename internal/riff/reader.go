package riff

import (
	"errors"
	"fmt"
	"io"
)

// window is the read-ahead of a file parse: chunk headers are small and
// often close together, so one ReadAt serves many of them.
const window = 4096

// unknownEnd stands for the end of a stream of unknown length.
const unknownEnd = 1<<63 - 1

// read returns up to n bytes at off. It returns fewer only at the end of
// the input: where the known size stops, or where the reader reported
// io.EOF, which then becomes the end of the input (the file is shorter than
// its size said, and everything that follows treats it as truncated). The
// result may alias an internal buffer: use it before the next read.
//
// In stream mode it asks for exactly the bytes needed, so that a reader
// fed by a pipe is never made to wait for bytes beyond the header.
func (p *parser) read(off int64, n int) ([]byte, error) {
	if off < 0 || n < 0 {
		return nil, nil
	}
	if off >= p.end {
		return nil, nil
	}
	if rest := p.end - off; int64(n) > rest {
		n = int(rest)
	}
	if n == 0 {
		return nil, nil
	}
	if off >= p.winOff && off-p.winOff <= int64(len(p.win)) && int64(n) <= int64(len(p.win))-(off-p.winOff) {
		i := off - p.winOff
		return p.win[i : i+int64(n)], nil
	}
	if n > window {
		return p.readLarge(off, n)
	}
	want := n
	if !p.opts.Stream {
		want = int(min(int64(window), p.end-off))
	}
	if cap(p.buf) < want {
		p.buf = make([]byte, window)
	}
	b := p.buf[:want]
	got, err := p.readAt(b, off)
	p.win, p.winOff = b[:got], off
	if got < n {
		if err != nil {
			return nil, err
		}
		return b[:got], nil
	}
	return b[:n], nil
}

// readLarge reads n > window bytes at off into a new slice that grows as
// the bytes arrive, so a size claimed by a header never decides an
// allocation by itself.
func (p *parser) readLarge(off int64, n int) ([]byte, error) {
	var out []byte
	piece := make([]byte, window)
	for len(out) < n {
		k := min(window, n-len(out))
		got, err := p.readAt(piece[:k], off+int64(len(out)))
		out = append(out, piece[:got]...)
		if err != nil {
			return nil, err
		}
		if got < k {
			break
		}
	}
	return out, nil
}

// readAt calls the reader. A short read with io.EOF (or
// io.ErrUnexpectedEOF) marks the end of the input; any other error stops the
// parse with an *Error of kind ErrIO.
func (p *parser) readAt(b []byte, off int64) (int, error) {
	got, err := p.r.ReadAt(b, off)
	if got > len(b) || got < 0 {
		return 0, &Error{Kind: ErrIO, Offset: off, Msg: fmt.Sprintf("reader returned %d bytes for a %d-byte read", got, len(b))}
	}
	if got == len(b) {
		return got, nil
	}
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		if end := off + int64(got); end < p.end {
			p.end = end
			p.eof = true
		}
		return got, nil
	}
	return got, &Error{Kind: ErrIO, Offset: off, Msg: fmt.Sprintf("reading %d bytes", len(b)), Err: err}
}
