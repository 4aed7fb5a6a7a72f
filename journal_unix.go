//go:build unix

package wavemap

import (
	"os"
	"syscall"
)

// fileID returns the device and inode of the file st describes.
func fileID(st os.FileInfo) (dev, ino uint64) {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return uint64(s.Dev), uint64(s.Ino)
	}
	return 0, 0
}
