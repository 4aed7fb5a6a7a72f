//go:build !(386 || amd64 || arm64 || ppc64le || s390x || loong64)

package wavemap

// unalignedOK reports whether the CPU loads and stores multi-byte values at
// any address. On this CPU it does not, so views must be naturally aligned.
const unalignedOK = false
