package mmap

// madvPopulateRead is MADV_POPULATE_READ (Linux 5.14): fault the range in
// now. Older kernels answer EINVAL and WillNeed is used instead.
const madvPopulateRead = 22
