//go:build !(wavemap_debug && unix)

package mmap

// poisonUnmapped is false in normal builds: Unmap releases the range (see
// poison_debug.go for the wavemap_debug build).
const poisonUnmapped = false

func poison([]byte) error { return nil }
