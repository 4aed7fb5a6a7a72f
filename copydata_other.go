//go:build !linux

package wavemap

import "os"

// copyData copies the n bytes of src at srcOff to dst at dstOff (see
// copyPlain).
func copyData(dst *os.File, dstOff int64, src *os.File, srcOff, n int64) error {
	return copyPlain(dst, dstOff, src, srcOff, n)
}
