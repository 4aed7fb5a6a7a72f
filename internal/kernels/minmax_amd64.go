//go:build !purego

package kernels

// The Go half of the AVX2 MinMaxRuns kernels: the assembly leaves 8 lanes
// per run (lane l holds the samples at indices l mod 8 of the run), and
// since the channel count divides 8 and every run starts on a frame,
// lane l holds channel l % ch only.

//go:noescape
func s16MinMaxRunsAVX2(d []int16, run, ch int, out *int16)

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
func s16RunsVector(d []int16, ch, run int, out [][]int16, at int) int {
	per := run * ch
	if !haveAVX2 || ch <= 0 || 8%ch != 0 || per%32 != 0 {
		return 0
	}
	runs := len(d) / per
	var lanes [runsChunk * 16]int16
	for r0 := 0; r0 < runs; r0 += runsChunk {
		n := min(runsChunk, runs-r0)
		s16MinMaxRunsAVX2(d[r0*per:(r0+n)*per], per, ch, &lanes[0])
		foldedLanes(lanes[:16*n], ch, out, at+r0)
	}
	return runs
}

// s24RunsVector is s16RunsVector for packed 24-bit samples (d their
// bytes): runs of a multiple of 8 samples. The assembly reads 4 bytes
// past the last run it does: within len(d), or within cap(d).
func s24RunsVector(d []byte, ch, run int, out [][]int32, at int) int {
	per := run * ch
	if !haveAVX2 || ch <= 0 || 8%ch != 0 || per%8 != 0 || cap(d) < 4 {
		return 0
	}
	runs := min(len(d), cap(d)-4) / (3 * per)
	var lanes [runsChunk * 16]int32
	for r0 := 0; r0 < runs; r0 += runsChunk {
		n := min(runsChunk, runs-r0)
		s24MinMaxRunsAVX2(d[3*r0*per:], n, per, &lanes[0])
		foldRunLanes(lanes[:16*n], ch, out, at+r0)
	}
	return runs
}

// f32RunsVector is s16RunsVector for float32 samples, runs of a multiple
// of 16 samples; a run and channel that holds a NaN is walked again by
// MinMaxF32.
func f32RunsVector(d []float32, ch, run int, out [][]float32, at int) int {
	per := run * ch
	if !haveAVX2 || ch <= 0 || 8%ch != 0 || per%16 != 0 {
		return 0
	}
	runs := len(d) / per
	var lanes [runsChunk * 16]int32
	keys := make([][]int32, ch) // the runs of a chunk as (min, max) keys
	for c := range keys {
		keys[c] = make([]int32, 2*runsChunk)
	}
	for r0 := 0; r0 < runs; r0 += runsChunk {
		n := min(runsChunk, runs-r0)
		f32MinMaxRunsAVX2(d[r0*per:(r0+n)*per], per, &lanes[0])
		foldRunLanes(lanes[:16*n], ch, keys, 0)
		for c, k := range keys {
			o := out[c][2*(at+r0) : 2*(at+r0+n)]
			for i := range n {
				mn, mx := k[2*i], k[2*i+1]
				if mn < keyNegInf32 || mx > keyInf32 { // a NaN
					o[2*i], o[2*i+1] = MinMaxF32(d, (r0+i)*per+c, ch, run)
					continue
				}
				o[2*i], o[2*i+1] = unfkey32(mn), unfkey32(mx)
			}
		}
	}
	return runs
}

// foldedLanes puts the runs of lanes that the assembly folded down to
// the channels (lane c and 8+c: channel c's minimum and maximum) into
// out, as foldRunLanes does.
func foldedLanes(lanes []int16, ch int, out [][]int16, at int) {
	runs := len(lanes) / 16
	for c := range ch {
		o := out[c][2*at : 2*(at+runs)]
		for r := range runs {
			l := (*[16]int16)(lanes[16*r:])
			o[2*r], o[2*r+1] = l[c], l[8+c]
		}
	}
}

// foldRunLanes folds runs of 8 minimum and 8 maximum lanes into ch
// channels: the pair of run r goes to out[c][2*(at+r)] and the element
// after it. Mono and stereo, the common cases, are written out (the
// general loop costs a tenth of a pyramid pass).
func foldRunLanes[V int16 | int32](lanes []V, ch int, out [][]V, at int) {
	runs := len(lanes) / 16
	switch ch {
	case 1:
		o := out[0][2*at : 2*(at+runs)]
		for r := range runs {
			l := (*[16]V)(lanes[16*r:])
			o[2*r] = min(min(l[0], l[1], l[2], l[3]), min(l[4], l[5], l[6], l[7]))
			o[2*r+1] = max(max(l[8], l[9], l[10], l[11]), max(l[12], l[13], l[14], l[15]))
		}
	case 2:
		o0, o1 := out[0][2*at:2*(at+runs)], out[1][2*at:2*(at+runs)]
		for r := range runs {
			l := (*[16]V)(lanes[16*r:])
			o0[2*r], o0[2*r+1] = min(l[0], l[2], l[4], l[6]), max(l[8], l[10], l[12], l[14])
			o1[2*r], o1[2*r+1] = min(l[1], l[3], l[5], l[7]), max(l[9], l[11], l[13], l[15])
		}
	default:
		for r := range runs {
			l := (*[16]V)(lanes[16*r:])
			for c := range ch {
				mn, mx := l[c], l[8+c]
				for j := c + ch; j < 8; j += ch {
					mn, mx = min(mn, l[j]), max(mx, l[8+j])
				}
				out[c][2*(at+r)], out[c][2*(at+r)+1] = mn, mx
			}
		}
	}
}
