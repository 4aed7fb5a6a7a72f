package wavemap

import (
	"context"
	"io"
	"os"
)

// copyStep is the most copyData moves between two looks at its context.
const copyStep = 64 << 20

// copyPlain copies the n bytes of src at srcOff to dst at dstOff through
// a buffer of 1 MiB, with positioned reads and writes (no file offset
// moves), stopping with ctx.Err() between two steps of copyStep once ctx
// is cancelled.
func copyPlain(ctx context.Context, dst *os.File, dstOff int64, src *os.File, srcOff, n int64) error {
	buf := make([]byte, 1<<20)
	for n > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		step := min(n, copyStep)
		got, err := io.CopyBuffer(io.NewOffsetWriter(dst, dstOff), io.NewSectionReader(src, srcOff, step), buf)
		if err == nil && got < step {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return err
		}
		srcOff, dstOff, n = srcOff+step, dstOff+step, n-step
	}
	return nil
}
