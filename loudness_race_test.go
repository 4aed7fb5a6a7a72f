//go:build race

package wavemap

// raceEnabled: the race detector slows the loudness tests' signal
// generation and scalar loops some sixfold; they then cover less (see
// fullLoudnessGrid).
const raceEnabled = true
