module github.com/wavemap/wavemap

go 1.26.8

// golang.org/x/sys is the one dependency: mmap, madvise, msync and
// fadvise on Unix, file mappings on Windows, and CPU feature detection
// (AVX2) for the assembly kernels.
require golang.org/x/sys v0.50.0
