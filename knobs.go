package wavemap

import (
	"os"
	"strconv"
)

// Benchmarking knobs: how the whole-file passes move their bytes.
//
// Each pass has one way that is the default, and the others are kept so
// that a measurement on a quiet machine can compare them (bench/readpath.sh,
// BenchmarkMeasurePath, BenchmarkGainPath, BenchmarkConvertPath). They are
// read once, when the program starts, from environment variables; they are
// a benchmarking aid, not an interface: the variables may go away once the
// defaults are settled, and an unknown value means the default.
//
//	WAVEMAP_READPATH=auto|map|pread|populate
//	                                      read-only passes (Measure, Overview,
//	                                      peaks, loudness; Gain's dry run)
//	WAVEMAP_GAINPATH=map|populate|ahead|pwrite
//	                                      in-place Gain (with or without a journal)
//	WAVEMAP_CONVERTPATH=pair|ring|direct  TranscodeTo (the convert command)
//	WAVEMAP_READBUF=KiB                   the per-worker buffer of the pread
//	                                      and pwrite paths (default 512)
//	WAVEMAP_WRITEBACK=0                   no early write-back in Writer.Reserve
//	WAVEMAP_FALLOCATE=0                   Writer.Reserve extends the file
//	                                      instead of allocating it
//
// No variant changes a result: every path gives the same bytes and
// statistics (readpath_internal_test.go checks it for every encoding).

// readPath is how a read-only pass gets at the samples.
type readPath uint8

const (
	// readMap touches the mapping: a page fault per page not yet mapped
	// into the process (with the passAdvisor's read-ahead and release).
	readMap readPath = iota
	// readPread copies each block out of the page cache with pread(2)
	// ((*os.File).ReadAt) into a buffer of readBuffer bytes per worker,
	// reused, and hands the pass a view of that buffer: no page of the
	// file enters the process.
	readPread
	// readPopulate touches the mapping, but each worker first asks the
	// kernel to map its next block (MADV_POPULATE_READ, Linux 5.14; the
	// fault-per-page path elsewhere), from a helper goroutine, while it
	// works on the current one.
	readPopulate
	// readAuto chooses between readMap and readPread for each block, per
	// worker, by the time each way has taken on the blocks before (see
	// autoBlocks). Where a pass cannot be read with pread, it is
	// readMap.
	readAuto
)

// gainPath is how an in-place Gain writes.
type gainPath uint8

const (
	// gainMap stores through the mapping, a write fault per page.
	gainMap gainPath = iota
	// gainPopulate makes each block writable with one
	// MADV_POPULATE_WRITE as it starts (the behaviour before the knobs).
	gainPopulate
	// gainAhead populates (MADV_POPULATE_WRITE) each worker's next
	// block from a helper goroutine while it works on the current one.
	gainAhead
	// gainPwrite reads each piece of a block with pread into a
	// per-worker buffer, applies the kernel there and writes it back with
	// pwrite; under a journal, chunk by chunk, each saved before it is
	// written (see journalBlockBuffered).
	gainPwrite
)

// convertPath is how TranscodeTo overlaps conversion and writing.
type convertPath uint8

const (
	// convertPair converts each 1 Mi-sample block on all workers at
	// once into one of two buffers while the other is written.
	convertPair convertPath = iota
	// convertRing gives each worker whole small blocks of its own, in a
	// ring of buffers that one writer drains in order: no barrier
	// between blocks, so the writer always has the next buffer ready.
	convertRing
	// convertDirect converts one block at a time on all workers, as
	// convertPair does, and writes the output with O_DIRECT, several
	// blocks at once (Linux, outputs of 64 MiB and more on a file system
	// that takes it; see directio.go and transcode_direct.go), so that
	// the sync before the rename has nothing left to write.
	convertDirect
)

// The knobs' values for this process, and the default of each.
var (
	knobRead    = readKnob(os.Getenv("WAVEMAP_READPATH"), readAuto)
	knobGain    = gainKnob(os.Getenv("WAVEMAP_GAINPATH"), gainPopulate)
	knobConvert = convertKnob(os.Getenv("WAVEMAP_CONVERTPATH"), convertDirect)
	// readBuffer is the target size in bytes of the per-worker buffers
	// of the pread and pwrite paths.
	readBuffer = kibKnob(os.Getenv("WAVEMAP_READBUF"), 512<<10)
	// noWriteback turns off Writer.Reserve's early write-back.
	noWriteback = os.Getenv("WAVEMAP_WRITEBACK") == "0"
	// noFallocate makes Writer.Reserve extend the file instead of
	// allocating its blocks.
	noFallocate = os.Getenv("WAVEMAP_FALLOCATE") == "0"
)

func readKnob(s string, def readPath) readPath {
	switch s {
	case "map":
		return readMap
	case "pread":
		return readPread
	case "populate":
		return readPopulate
	case "auto":
		return readAuto
	}
	return def
}

func gainKnob(s string, def gainPath) gainPath {
	switch s {
	case "map":
		return gainMap
	case "populate":
		return gainPopulate
	case "ahead":
		return gainAhead
	case "pwrite":
		return gainPwrite
	}
	return def
}

func convertKnob(s string, def convertPath) convertPath {
	switch s {
	case "pair":
		return convertPair
	case "ring":
		return convertRing
	case "direct":
		return convertDirect
	}
	return def
}

// kibKnob parses a size in KiB between 4 KiB and 64 MiB.
func kibKnob(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 4 || n > 64<<10 {
		return def
	}
	return n << 10
}

func (r readPath) String() string {
	return [...]string{readMap: "map", readPread: "pread", readPopulate: "populate", readAuto: "auto"}[r]
}

func (g gainPath) String() string {
	return [...]string{gainMap: "map", gainPopulate: "populate", gainAhead: "ahead", gainPwrite: "pwrite"}[g]
}

func (c convertPath) String() string {
	return [...]string{convertPair: "pair", convertRing: "ring", convertDirect: "direct"}[c]
}
