//go:build 386 || amd64 || arm || arm64 || loong64 || mips64le || mipsle || ppc64le || riscv64 || wasm

package wavemap

// hostLittleEndian reports whether the CPU stores integers little-endian,
// as WAVE files do, so that typed views can alias the file's bytes.
const hostLittleEndian = true
