//go:build !purego

package kernels

// The Go half of the AVX2 MinMaxRuns kernels: the assembly leaves 8 lanes
// per run (lane l holds the samples at indices l mod 8 of the run), and
// since the channel count divides 8 and every run starts on a frame,
// lane l holds channel l % ch only.

//go:noescape
func s16MinMaxRunsAVX2(d []int16, run int, out *int16)

//go:noescape
func f32MinMaxRunsAVX2(d []float32, run int, out *int32)

//go:noescape
func s24MinMaxRunsAVX2(d []byte, runs, run int, out *int32)

// runsChunk is the number of runs per assembly call, whose lanes are
// kept on the stack.
const runsChunk = 64

// s16RunsVector does the whole runs of MinMaxRunsS16 when the channel
// count divides 8 and a run is a multiple of 32 samples, and returns how
// many it did (0 without AVX2 or for other shapes).
func s16RunsVector(d []int16, ch, run int, lo, hi []int16) int {
	per := run * ch
	if !haveAVX2 || ch <= 0 || 8%ch != 0 || per%32 != 0 {
		return 0
	}
	runs := len(d) / per
	var lanes [runsChunk * 16]int16
	for r0 := 0; r0 < runs; r0 += runsChunk {
		n := min(runsChunk, runs-r0)
		s16MinMaxRunsAVX2(d[r0*per:(r0+n)*per], per, &lanes[0])
		for r := range n {
			l := lanes[16*r : 16*r+16]
			o := (r0 + r) * ch
			for c := range ch {
				mn, mx := l[c], l[8+c]
				for j := c + ch; j < 8; j += ch {
					mn, mx = min(mn, l[j]), max(mx, l[8+j])
				}
				lo[o+c], hi[o+c] = mn, mx
			}
		}
	}
	return runs
}

// s24RunsVector is s16RunsVector for packed 24-bit samples (d their
// bytes): runs of a multiple of 8 samples. The assembly reads 4 bytes
// past the last run it does: within len(d), or within cap(d).
func s24RunsVector(d []byte, ch, run int, lo, hi []int32) int {
	per := run * ch
	if !haveAVX2 || ch <= 0 || 8%ch != 0 || per%8 != 0 || cap(d) < 4 {
		return 0
	}
	runs := min(len(d), cap(d)-4) / (3 * per)
	var lanes [runsChunk * 16]int32
	for r0 := 0; r0 < runs; r0 += runsChunk {
		n := min(runsChunk, runs-r0)
		s24MinMaxRunsAVX2(d[3*r0*per:], n, per, &lanes[0])
		foldInt32Lanes(lanes[:16*n], ch, lo[r0*ch:], hi[r0*ch:])
	}
	return runs
}

// f32RunsVector is s16RunsVector for float32 samples, runs of a multiple
// of 16 samples; a run and channel that holds a NaN is walked again by
// MinMaxF32.
func f32RunsVector(d []float32, ch, run int, lo, hi []float32) int {
	per := run * ch
	if !haveAVX2 || ch <= 0 || 8%ch != 0 || per%16 != 0 {
		return 0
	}
	runs := len(d) / per
	var lanes [runsChunk * 16]int32
	klo := make([]int32, runsChunk*ch)
	khi := make([]int32, runsChunk*ch)
	for r0 := 0; r0 < runs; r0 += runsChunk {
		n := min(runsChunk, runs-r0)
		f32MinMaxRunsAVX2(d[r0*per:(r0+n)*per], per, &lanes[0])
		foldInt32Lanes(lanes[:16*n], ch, klo, khi)
		for i := range n * ch {
			r, c := r0+i/ch, i%ch
			mn, mx := klo[i], khi[i]
			if mn < keyNegInf32 || mx > keyInf32 { // a NaN
				lo[r*ch+c], hi[r*ch+c] = MinMaxF32(d, r*per+c, ch, run)
				continue
			}
			lo[r*ch+c], hi[r*ch+c] = unfkey32(mn), unfkey32(mx)
		}
	}
	return runs
}

// foldInt32Lanes folds runs of 8 minimum and 8 maximum lanes into ch
// channels: lo[r*ch+c], hi[r*ch+c].
func foldInt32Lanes(lanes []int32, ch int, lo, hi []int32) {
	for r := range len(lanes) / 16 {
		l := lanes[16*r : 16*r+16]
		o := r * ch
		for c := range ch {
			mn, mx := l[c], l[8+c]
			for j := c + ch; j < 8; j += ch {
				mn, mx = min(mn, l[j]), max(mx, l[8+j])
			}
			lo[o+c], hi[o+c] = mn, mx
		}
	}
}
