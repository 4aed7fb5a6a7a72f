//go:build unix

package wavemap_test

import "syscall"

func mkfifo(path string) error { return syscall.Mkfifo(path, 0o666) }
