//go:build unix && !linux

package mmap

// madvPopulateRead is 0 where the system has no MADV_POPULATE_READ
// (darwin, the BSDs, ...): PopulateRead is WillNeed there.
const madvPopulateRead = 0

// madvPopulateWrite is 0 where the system has no MADV_POPULATE_WRITE.
const madvPopulateWrite = 0
