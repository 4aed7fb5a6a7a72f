//go:build !race

package cli

// raceEnabled: the race detector is on (tests then use smaller sizes).
const raceEnabled = false
