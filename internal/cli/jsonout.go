package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// printJSON writes v as one line of JSON to standard output.
func printJSON(e *env, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "%s\n", b)
	return err
}

// outputJSON is what cut, cat and raw print with --json.
type outputJSON struct {
	File       string   `json:"file"`
	Container  string   `json:"container"`
	Encoding   string   `json:"encoding"`
	Channels   int      `json:"channels"`
	SampleRate int      `json:"sample_rate"`
	Frames     int64    `json:"frames"`
	Bytes      int64    `json:"bytes,omitempty"` // raw --extract only
	From       int64    `json:"from"`
	To         int64    `json:"to"`
	Inputs     []string `json:"inputs,omitempty"` // cat only
	// Metadata holds the notes on the metadata chunks carried over from
	// the input: what was changed or left out (see metadataNotes).
	Metadata []string `json:"metadata"`
}

// jsonFloat is a float64 that JSON encodes as null when it is infinite or
// NaN (the dBFS of silence is -Inf), since JSON has no such numbers.
type jsonFloat float64

// MarshalJSON writes the number, or null if it is not finite.
func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// UnmarshalJSON reads a number, or null as NaN.
func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = jsonFloat(math.NaN())
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	*f = jsonFloat(v)
	return err
}

// num formats v for the text output with prec decimals, and infinities
// as -inf/inf.
func num(v jsonFloat, prec int) string {
	x := float64(v)
	switch {
	case math.IsInf(x, -1):
		return "-inf"
	case math.IsInf(x, 1):
		return "inf"
	case math.IsNaN(x):
		return "nan"
	}
	return strconv.FormatFloat(x, 'f', prec, 64)
}
