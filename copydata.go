package wavemap

import (
	"io"
	"os"
)

// copyPlain copies the n bytes of src at srcOff to dst at dstOff through
// a buffer of 1 MiB, with positioned reads and writes (no file offset
// moves).
func copyPlain(dst *os.File, dstOff int64, src *os.File, srcOff, n int64) error {
	got, err := io.CopyBuffer(io.NewOffsetWriter(dst, dstOff), io.NewSectionReader(src, srcOff, n), make([]byte, 1<<20))
	if err == nil && got < n {
		err = io.ErrUnexpectedEOF
	}
	return err
}
