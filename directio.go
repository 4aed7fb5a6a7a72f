package wavemap

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// Direct writes of a converted copy (the "direct" convert path, see
// knobs.go).
//
// A new file that is synced before it is renamed into place (as every
// output of the CLI is) has each byte copied twice: into the page cache
// by write(2), then to the disk by the sync. With O_DIRECT the disk reads
// the converted buffers themselves, the sync finds nothing to write, and
// the page cache does not fill with an output that is not about to be
// read (a 100 GB conversion leaves the rest of the system's cache alone).
// O_DIRECT wants the file offset, the length and the buffer's address
// aligned to the device's block (4096 bytes covers every common one), so
// the audio, which starts anywhere, is written as whole 4096-byte pages:
// each converted block is put in its buffer at the offset its first byte
// has within its page, the bytes of the page's start (the end of the
// previous block, or the header before the first) are copied in front
// of it, and the last partial page is kept for the next block. The final
// partial page goes through the ordinary descriptor, as do the header and
// what Close writes after the audio.

// directPage is the alignment of direct writes.
const directPage = 4096

// directMin is the size of output from which TranscodeTo writes directly:
// below it the page cache costs little and the file may well be read
// next. Tests lower it.
var directMin int64 = 64 << 20

// directDone counts the conversions that wrote directly, for tests.
var directDone atomic.Int64

// directOut is a Writer's audio being written with O_DIRECT.
type directOut struct {
	w     *Writer
	f     *os.File // the Writer's file opened again with O_DIRECT
	pos   int64    // file offset of the next audio byte
	carry []byte   // the bytes of the file in [pos &^ (directPage-1), pos): aligned, directPage long
	wrote bool     // a direct write has succeeded
	off   bool     // the first direct write was refused: the rest goes through w.write
}

// alignedBuffer returns n bytes (n > 0) whose first byte is at a multiple of
// directPage.
func alignedBuffer(n int) []byte {
	b := make([]byte, n+directPage)
	skip := (directPage - int(uintptr(unsafe.Pointer(&b[0]))%directPage)) % directPage
	return b[skip : skip+n : skip+n]
}

// startDirect returns w's audio opened for direct writes of the next n
// bytes, or nil when they should go through w.Write: a destination that
// is not a reserved regular file, an output below directMin, a system or
// file system without O_DIRECT. Between startDirect and finish only the
// directOut writes audio.
func (w *Writer) startDirect(n int64) *directOut {
	if w.res == nil || w.at == nil || w.seeker == nil || n < directMin || w.closed || w.err != nil {
		return nil
	}
	if err := w.bw.Flush(); err != nil {
		w.err = err
		return nil
	}
	f, err := openDirect(w.res.file)
	if err != nil {
		return nil
	}
	d := &directOut{w: w, f: f, pos: w.start + w.head + w.n, carry: alignedBuffer(directPage)}
	// The start of the first page: bytes already in the file (the header),
	// read back through the direct descriptor, which writes the cached
	// pages out first.
	if lead := int(d.pos % directPage); lead > 0 {
		if _, err := f.ReadAt(d.carry, d.pos-int64(lead)); err != nil {
			f.Close()
			return nil
		}
	}
	return d
}

// lead is the offset within its buffer at which the next block's first
// byte goes: where that byte falls within its page.
func (d *directOut) lead() int { return int(d.pos % directPage) }

// buffer returns a buffer for a block of n bytes written next or later:
// room for a page in front and a page behind it, aligned.
func directBuffer(n int) []byte { return alignedBuffer(n + 2*directPage) }

// seal makes the block of n bytes of audio at buf[lead:lead+n], lead
// being d.lead() (the caller put them there), ready to be written: the
// bytes of its first page before it (the carried end of the previous
// block, or the header) go in front, and its last partial page is kept
// for the next block. It returns the whole pages, buf[:k], and their
// file offset. Blocks are sealed in order, one at a time; their pages
// may then be written in any order, and at once (writePages): no two
// blocks share a page. buf's first lead bytes are overwritten.
func (d *directOut) seal(buf []byte, lead, n int) (pages []byte, at int64, err error) {
	if lead != d.lead() {
		return nil, 0, fmt.Errorf("wavemap: internal error: direct block at %d within its page, want %d", lead, d.lead())
	}
	if err := d.w.check(n); err != nil {
		return nil, 0, err
	}
	copy(buf[:lead], d.carry[:lead])
	end := lead + n
	whole := end &^ (directPage - 1)
	at = d.pos - int64(lead)
	copy(d.carry, buf[whole:end])
	d.pos += int64(n)
	d.w.n += int64(n)
	return buf[:whole], at, nil
}

// writePages writes the whole pages of a sealed block at their offset.
// Several may run at once (the disk takes concurrent writes faster than
// one stream of them).
func (d *directOut) writePages(pages []byte, at int64) error {
	for off := 0; off < len(pages); {
		k, err := d.pwrite(pages[off:], at+int64(off))
		off += k
		if err != nil {
			return fmt.Errorf("wavemap: writing audio: %w", err)
		}
	}
	return nil
}

// first writes the first block, sealing it: with O_DIRECT when the file
// system takes it, else (a file system that opens with O_DIRECT but
// refuses the writes, as some do for alignments they do not take)
// through the ordinary descriptor, which still stands after the header,
// and then d.off is set: every later block goes through the Writer, in
// order.
func (d *directOut) first(buf []byte, lead, n int) error {
	pos, wn := d.pos, d.w.n
	pages, at, err := d.seal(buf, lead, n)
	if err != nil {
		return err
	}
	k, err := d.pwrite(pages, at)
	if err != nil && k == 0 && errors.Is(err, syscall.EINVAL) {
		d.pos, d.w.n, d.off = pos, wn, true
		_, err := d.w.write(buf[lead : lead+n])
		return err
	}
	d.wrote = err == nil || k > 0
	if err == nil {
		err = d.writePages(pages[k:], at+int64(k)) // what a short write left
	} else {
		err = fmt.Errorf("wavemap: writing audio: %w", err)
	}
	if err != nil {
		d.w.err = err
	}
	return err
}

// directFault, when set (by tests), is asked before each direct write
// of the pages at file offset at; an error it returns is that write's,
// with nothing written.
var directFault func(at int64) error

// pwrite is one direct write.
func (d *directOut) pwrite(b []byte, at int64) (int, error) {
	if directFault != nil {
		if err := directFault(at); err != nil {
			return 0, err
		}
	}
	return d.f.WriteAt(b, at)
}

// finish writes the last partial page through the ordinary descriptor,
// leaves that descriptor's offset after the audio for Close, and closes
// the direct one.
func (d *directOut) finish() error {
	err := d.f.Close()
	if d.wrote {
		directDone.Add(1)
	}
	if d.off {
		return errors.Join(d.w.err, err)
	}
	if lead := d.lead(); lead > 0 && d.w.err == nil {
		if _, werr := d.w.at.WriteAt(d.carry[:lead], d.pos-int64(lead)); werr != nil {
			d.w.err = fmt.Errorf("wavemap: writing audio: %w", werr)
		}
	}
	if d.w.err == nil {
		if _, serr := d.w.seeker.Seek(d.pos, io.SeekStart); serr != nil {
			d.w.err = serr
		}
	}
	return errors.Join(d.w.err, err)
}
