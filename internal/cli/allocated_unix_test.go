//go:build unix

package cli

import (
	"os"
	"syscall"
	"testing"
)

// allocated returns the bytes of disk that the file at path takes.
func allocated(t *testing.T, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Sys().(*syscall.Stat_t).Blocks * 512
}
