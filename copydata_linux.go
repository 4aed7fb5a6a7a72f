package wavemap

import (
	"context"
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// copyData copies the n bytes of src at srcOff to dst at dstOff, whose
// range must read as zeros (new file space). Only the stretches of src
// that hold data are copied (SEEK_DATA, SEEK_HOLE), so the holes of a
// sparse file stay holes, and each by copy_file_range, which moves the
// bytes inside the kernel (or shares the blocks, on file systems that
// can). Where either is missing it falls back to copyPlain. It stops
// with ctx.Err() between two steps of copyStep once ctx is cancelled.
func copyData(ctx context.Context, dst *os.File, dstOff int64, src *os.File, srcOff, n int64) error {
	sc, err := src.SyscallConn()
	if err != nil {
		return copyPlain(ctx, dst, dstOff, src, srcOff, n)
	}
	dc, err := dst.SyscallConn()
	if err != nil {
		return copyPlain(ctx, dst, dstOff, src, srcOff, n)
	}
	var cerr error
	err = sc.Control(func(sfd uintptr) {
		err := dc.Control(func(dfd uintptr) {
			cerr = copyExtents(ctx, dst, dstOff, src, srcOff, n, int(sfd), int(dfd))
		})
		if cerr == nil {
			cerr = err
		}
	})
	if cerr == nil {
		cerr = err
	}
	return cerr
}

// copyExtents is copyData on the descriptors sfd and dfd of src and dst.
func copyExtents(ctx context.Context, dst *os.File, dstOff int64, src *os.File, srcOff, n int64, sfd, dfd int) error {
	end := srcOff + n
	for pos := srcOff; pos < end; {
		data, err := unix.Seek(sfd, pos, unix.SEEK_DATA)
		switch {
		case errors.Is(err, unix.ENXIO):
			return nil // a hole to the end of the file
		case err != nil:
			return copyRange(ctx, dst, dstOff+pos-srcOff, src, pos, end-pos, sfd, dfd) // no SEEK_DATA here
		case data >= end:
			return nil
		}
		hole, err := unix.Seek(sfd, data, unix.SEEK_HOLE)
		if err != nil || hole > end {
			hole = end
		}
		if err := copyRange(ctx, dst, dstOff+data-srcOff, src, data, hole-data, sfd, dfd); err != nil {
			return err
		}
		pos = hole
	}
	return nil
}

// copyRange copies n bytes with copy_file_range, or copyPlain where the
// system or the file systems cannot.
func copyRange(ctx context.Context, dst *os.File, dstOff int64, src *os.File, srcOff, n int64, sfd, dfd int) error {
	for n > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		so, do := srcOff, dstOff
		w, err := unix.CopyFileRange(sfd, &so, dfd, &do, int(min(n, copyStep)), 0)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EXDEV), errors.Is(err, unix.EINVAL),
			errors.Is(err, unix.EOPNOTSUPP), errors.Is(err, unix.EPERM):
			return copyPlain(ctx, dst, dstOff, src, srcOff, n)
		case err != nil:
			return err
		case w == 0:
			return io.ErrUnexpectedEOF // src ended early
		}
		srcOff, dstOff, n = srcOff+int64(w), dstOff+int64(w), n-int64(w)
	}
	return nil
}
