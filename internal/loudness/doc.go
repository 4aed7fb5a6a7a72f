// Package loudness measures loudness as ITU-R BS.1770 (4 and 5) and EBU
// R 128 define it, on float64 samples at any sample rate: K-weighting
// (kweight.go), the true peak (truepeak.go), one run of frames
// (analyzer.go) and the gating of BS.1770 and EBU Tech 3342 (gate.go).
// The wavemap package reads files and streams and hands their decoded
// frames to it; this package knows nothing of files.
//
// # How a measurement is cut up
//
// Everything BS.1770 and Tech 3342 compute from the K-weighted signal is
// a mean square over windows that start on a grid of 100 ms (Hop frames):
// the gating blocks and momentary windows of 400 ms (4 hops, 75%
// overlap), and the short-term windows of 3 s (30 hops) taken at 10 Hz
// as Tech 3342 asks. So a measurement keeps, for every complete hop, the
// sum of the squares of each K-weighted channel and their
// channel-weighted total, and every window's value is added up afresh
// from those sums (Compute).
//
// That makes the measurement parallel in time. An Analyzer measures one
// run of frames starting on a hop boundary; before its run it is fed a
// warm-up (half a second, say) so that its recursive filters reach the
// state a measurement from the beginning would have: the K-weighting's
// slowest pole (the high-pass's, at 38 Hz) forgets its past as
// e^(-t/4.2 ms), below 1e-50 after 0.5 s. The true peak's interpolator
// is a finite filter: it gets the 5 frames before the run and the 6
// after it. The hop sums of the runs then combine into exactly what one
// run over the whole signal gives, up to the last bits of the filter
// states.
//
// Samples that are NaN or infinite are measured as 0 (silence) by every
// part of the measurement, and counted.
//
// # Kernels
//
// On amd64 (without the purego tag) two inner loops have vector versions
// in kernels_amd64.s, chosen at run time from golang.org/x/sys/cpu: the
// K-weighting of a pair of channels straight from the interleaved frames
// (AVX, the two channels in the two lanes of a register: the scalar
// kernel's operations in the same order, so the same bits, which
// TestKweightPairKernel checks), and the interpolator's largest
// magnitude (AVX2 and FMA: 16 intervals and their three phases at a time
// at 4x, with nothing stored but the running maximum; the same bits as
// phasePeakFused, which finishes what the kernel leaves, and within
// rounding of the portable kernel: TestFIRKernel). kernels_other.go declines both elsewhere. The
// true peak also skips, exactly, the runs of samples too quiet to raise
// the peak found so far (TestPeakSkips), which makes it cheap on
// programme material and costs nothing on a steady signal.
package loudness
