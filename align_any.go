//go:build 386 || amd64 || arm64 || ppc64le || s390x || loong64

package wavemap

// unalignedOK reports whether the CPU loads and stores multi-byte values at
// any address, so a view may start where the file puts it (44 bytes into a
// plain WAVE file puts float64 samples at 4 mod 8).
const unalignedOK = true
