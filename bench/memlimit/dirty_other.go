//go:build !linux

package main

import "errors"

// dirty needs MADV_POPULATE_WRITE, which only Linux has.
func dirty(path string, n int64) error {
	return errors.New("memlimit dirty: Linux only")
}
