package cli

import (
	"bytes"
	"os"

	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/wavemap/wavemap"
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

// madeJSON is what the commands that make a file print with --json:
// the input (head; none for gen, several in Inputs for cat and merge),
// the part of it used, the output and the notes on its metadata.
type madeJSON struct {
	head
	Inputs  []fileJSON `json:"inputs,omitempty"` // cat, merge
	Range   *rangeJSON `json:"range,omitempty"`  // cut
	Output  fileJSON   `json:"output"`
	Clipped *int64     `json:"clipped_samples,omitempty"` // convert: samples that had to be clipped
	// Notes are the notes on the metadata chunks carried over from the
	// input: what was changed or left out (see metadataNotes).
	Notes []string `json:"metadata_notes"`
}

// describeOutput describes the output name that a command has written
// with frames frames of format fm: a file is opened and its header read
// back; for standard output ("-"), the header a Writer with opts writes
// to a stream is made in memory and read back.
func describeOutput(name string, fm wavemap.Format, opts *wavemap.Options, frames int64) (fileJSON, error) {
	if name != "-" {
		f, err := wavemap.Open(name, wavemap.ReadOnly, &wavemap.Options{NoLock: true})
		if err != nil {
			return fileJSON{}, fileError(name, err)
		}
		defer f.Close()
		j := fileOf(name, f)
		if st, err := os.Stat(name); err == nil {
			j.Bytes = st.Size()
		}
		return j, nil
	}
	var buf bytes.Buffer
	w, err := wavemap.NewWriter(&buf, fm, &wavemap.Options{Container: opts.Container})
	if err == nil {
		err = w.Close()
	}
	var r *wavemap.Reader
	if err == nil {
		r, err = wavemap.NewReader(&buf, nil)
	}
	if err != nil {
		return fileJSON{}, err
	}
	h := r.Header()
	return fileJSON{File: name, Format: formatFromHeader(h, h.Format), Frames: frames, Duration: seconds(frames, fm.SampleRate)}, nil
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
