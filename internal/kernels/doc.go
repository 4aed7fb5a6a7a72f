// Package kernels holds wavemap's inner loops: plain functions over
// slices of samples, with AVX2 assembly for the hottest ones on amd64 and
// portable Go everywhere.
//
// # Contents
//
//   - Statistics (stats.go): StatsS16, StatsS24, StatsS32, StatsU8,
//     StatsTable (8-bit codes through a decoding table: A-law, mu-law),
//     StatsF32 and StatsF64 reduce one run of interleaved samples to one
//     IntPart or FloatPart per channel. Each channel is walked by a
//     "lane" kernel with independent accumulators; float minima and
//     maxima are taken on integer ordering keys (conditional moves, not
//     branches), and float sums go to four lanes in a fixed order, so a
//     run's result does not depend on how it was cut.
//   - Gain (gain.go): IntGain and its Apply define the integer arithmetic;
//     NewGainS16 picks the s16 kernel (AVX2, a 65536-entry table, or
//     direct), CodeGain tabulates 8-bit encodings, and GainS24, GainS32,
//     GainF32 and GainF64 do the rest.
//   - Conversion (convert.go): the common PowerOfTwo pairs of
//     wavemap.Convert (S16ToF32, S24ToF32, S32ToS16 ...).
//
// The package does not import wavemap (which imports it), so it knows no
// sample types: packed 24-bit samples come as their bytes, 3 per sample,
// and A-law and mu-law codes as []uint8. The G.711 decoding tables stay
// in wavemap, where ALaw.Int16 and MuLaw.Int16 also use them, and are
// passed in (StatsTable) or wrapped in functions (NewCodeGain).
//
// # Builds
//
//	build                          files                                  kernels
//	amd64 (GOEXPERIMENT=simd too)  stubs_amd64.go, vector_amd64.go,       AVX2 when the CPU has it,
//	                               kernels_amd64.s                        else portable Go
//	amd64 -tags purego, and        stubs_noasm.go                         portable Go only
//	every other GOARCH
//
// stubs_amd64.go declares the assembly functions and the layouts of the
// accumulators they leave; vector_amd64.go is the Go half of each vector
// kernel (it folds those accumulators into parts and hands the tail to
// the scalar kernel); stubs_noasm.go makes every vector kernel decline.
// The choice of AVX2 is made at run time, from golang.org/x/sys/cpu.
//
// There is one SIMD implementation per kernel. The GOEXPERIMENT=simd
// build used to carry a simd/archsimd version of the s16 statistics
// kernel and to turn the assembly off for everything else: that build was
// slower, and it was one more implementation to keep bit-exact. A
// GOEXPERIMENT=simd build now uses the same assembly. Should archsimd
// become stable and as fast, it would replace the assembly, not sit
// beside it.
//
// # Exactness
//
// Every vector kernel gives exactly what its scalar twin gives, bit for
// bit (NaN payloads aside: any NaN stands for any other, and a NaN makes
// the statistics NaN anyway): integer statistics are integer arithmetic
// throughout, with sums modulo 2^64 as the scalar kernels take them;
// float sums and squares are added in the scalar kernels' lane order and
// never fused; gain and conversion round as Go does. The scalar kernels
// themselves are checked against wavemap's reference computations by the
// root package's tests (Measure, Gain, Convert).
//
// The *_amd64_test.go files compare each vector kernel with its scalar
// twin: over every length up to 100 or 200 frames at every start offset
// modulo the vector width, from fresh parts and from parts that already
// hold values; over runs past the assembly's flushes of its 32-bit sums,
// filled with the values that bring them closest to overflow, and over a
// full MaxRun; right before and right after an inaccessible page, so a
// read past either end of the slice faults; for gain and s16 -> f32, over
// all 65536 s16 values (gain with factors that tie, clip, underflow and
// overflow, in place and dry). Run them under GOAMD64=v3 too after
// touching a float kernel: that is where the compiler could fuse a scalar
// square with its sum. .ci/run runs the portable tests of this package
// and the root's Measure, Gain and Convert tests in the purego build as
// well, where they check the scalar kernels alone; it only vets the
// GOEXPERIMENT=simd build, which has the same kernels as the default one.
package kernels
