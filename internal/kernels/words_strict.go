//go:build !(386 || amd64 || arm64 || ppc64le || s390x || loong64)

package kernels

// unalignedWords reports whether the CPU loads and stores 64-bit words at
// any address. On this CPU it does not: words must be aligned.
const unalignedWords = false
