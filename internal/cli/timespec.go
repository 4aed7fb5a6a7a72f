package cli

import (
	"fmt"
	"math"
	"math/big"
	"strings"
)

// A time position on the command line (cut --from/--to) is one of:
//
//	1.5           seconds, a decimal number
//	72000s        a count of frames (samples per channel), as in sox
//	01:02.500     minutes and seconds
//	00:01:02.500  hours, minutes and seconds
//
// Seconds are converted to frames exactly (decimal arithmetic, no float
// rounding) and rounded to the nearest frame, halves up.
const timeSpecHelp = "seconds (1.5), frames (72000s) or [hh:]mm:ss.ms"

// parseTimeSpec returns the frame index that s names at the given sample
// rate.
func parseTimeSpec(s string, rate int) (int64, error) {
	bad := func(why string) (int64, error) {
		return 0, fmt.Errorf("bad time %q: %s (want %s)", s, why, timeSpecHelp)
	}
	if rate <= 0 {
		return bad("no sample rate")
	}
	t := strings.TrimSpace(s)
	if t == "" {
		return bad("empty")
	}
	if n, ok := strings.CutSuffix(t, "s"); ok {
		if !timeDigits(n) {
			return bad("a frame count is a whole number followed by s")
		}
		v, ok := new(big.Int).SetString(n, 10)
		if !ok || !v.IsInt64() {
			return bad("frame count out of range")
		}
		return v.Int64(), nil
	}
	parts := strings.Split(t, ":")
	if len(parts) > 3 {
		return bad("too many colons")
	}
	total := new(big.Rat)
	for i, p := range parts {
		last := i == len(parts)-1
		if !timeDecimal(p, last) {
			return bad(fmt.Sprintf("%q is not a number", p))
		}
		v, ok := new(big.Rat).SetString(p)
		if !ok {
			return bad(fmt.Sprintf("%q is not a number", p))
		}
		if i > 0 && v.Cmp(big.NewRat(60, 1)) >= 0 {
			return bad(fmt.Sprintf("%q is not below 60", p))
		}
		total.Mul(total, big.NewRat(60, 1))
		total.Add(total, v)
	}
	// frames = floor(total*rate + 1/2)
	x := new(big.Rat).Mul(total, new(big.Rat).SetInt64(int64(rate)))
	x.Add(x, big.NewRat(1, 2))
	q := new(big.Int).Quo(x.Num(), x.Denom())
	if !q.IsInt64() || q.Int64() > math.MaxInt64/2 {
		return bad("out of range")
	}
	return q.Int64(), nil
}

func timeDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// timeDecimal reports whether s is digits with, if frac is true, an optional
// fractional part: "12", "12.5", ".5", "12.". Signs and exponents are
// refused.
func timeDecimal(s string, frac bool) bool {
	ip, fp, dot := strings.Cut(s, ".")
	if dot && !frac {
		return false
	}
	if ip == "" && fp == "" {
		return false
	}
	return (ip == "" || timeDigits(ip)) && (fp == "" || timeDigits(fp))
}

// formatFrames describes a frame position for messages: "72000 (1.500 s)".
func formatFrames(n int64, rate int) string {
	return fmt.Sprintf("frame %d (%.3f s)", n, float64(n)/float64(rate))
}
