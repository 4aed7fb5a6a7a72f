//go:build !linux

package wavemap

import (
	"context"
	"os"
)

// copyData copies the n bytes of src at srcOff to dst at dstOff (see
// copyPlain).
func copyData(ctx context.Context, dst *os.File, dstOff int64, src *os.File, srcOff, n int64) error {
	return copyPlain(ctx, dst, dstOff, src, srcOff, n)
}
