package mmap

import "golang.org/x/sys/unix"

// madvPopulateRead is MADV_POPULATE_READ (Linux 5.14): fault the range in
// now. Older kernels answer EINVAL and WillNeed is used instead.
const madvPopulateRead = unix.MADV_POPULATE_READ

// madvPopulateWrite is MADV_POPULATE_WRITE (Linux 5.14): fault the range
// in writable now, one system call instead of a fault per page.
const madvPopulateWrite = unix.MADV_POPULATE_WRITE
