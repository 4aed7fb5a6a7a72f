//go:build !race

package wavemap

// raceEnabled: see loudness_race_test.go.
const raceEnabled = false
