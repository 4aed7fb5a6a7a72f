package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/wavemap/wavemap"
)

func init() {
	register("stats", "per-channel peak, RMS, DC offset and clipping, in dBFS too", runStats)
}

func runStats(e *env, args []string) error {
	fs := newFlags(e, "stats", "FILE")
	asJSON := fs.Bool("json", false, "print a JSON object")
	quiet := quietFlag(fs)
	withExample(fs, e, "wavemap stats --json take.wav")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want exactly one file")
	}
	name := pos[0]
	f, err := openAudio(e, "stats", name, wavemap.ReadOnly)
	if err != nil {
		return err
	}
	defer f.Close()
	fm := f.Format()
	p := e.progress(name, *quiet, f.Frames()*int64(fm.FrameSize()))
	st, err := wavemap.Measure(context.TODO(), f, &wavemap.PassOptions{Progress: p.Frames(fm.FrameSize())})
	p.Done()
	if err != nil {
		return fileError(name, err)
	}
	j := statsJSON{File: name, Format: fm.String(), Frames: f.Frames(), Channels: make([]channelStatsJSON, len(st))}
	for c, s := range st {
		j.Channels[c] = channelStatsJSON{
			Channel: c + 1, Peak: jsonFloat(s.Peak), PeakDBFS: jsonFloat(s.PeakDB()),
			RMS: jsonFloat(s.RMS), RMSDBFS: jsonFloat(s.RMSDB()), DC: jsonFloat(s.DC),
			Min: jsonFloat(s.Min), Max: jsonFloat(s.Max), Clipped: s.Clipped, Samples: s.Samples,
		}
	}
	if *asJSON {
		return printJSON(e, j)
	}
	w := e.stdout
	fmt.Fprintf(w, "%s: %s, %d frames (%s)\n", name, j.Format, j.Frames, clock(fm.Duration(j.Frames).Seconds()))
	fmt.Fprintf(w, "%-8s %10s %10s %10s %10s %10s %10s %10s %10s\n",
		"channel", "peak", "peak dBFS", "rms", "rms dBFS", "dc", "min", "max", "clipped")
	for _, c := range j.Channels {
		fmt.Fprintf(w, "%-8d %10s %10s %10s %10s %10s %10s %10s %10d\n", c.Channel,
			num(c.Peak, 6), num(c.PeakDBFS, 2), num(c.RMS, 6), num(c.RMSDBFS, 2),
			num(c.DC, 6), num(c.Min, 6), num(c.Max, 6), c.Clipped)
	}
	return nil
}

type statsJSON struct {
	File     string             `json:"file"`
	Format   string             `json:"format"`
	Frames   int64              `json:"frames"`
	Channels []channelStatsJSON `json:"channels"`
}

// channelStatsJSON is one channel's statistics. Channels count from 1.
type channelStatsJSON struct {
	Channel  int       `json:"channel"`
	Peak     jsonFloat `json:"peak"`
	PeakDBFS jsonFloat `json:"peak_dbfs"`
	RMS      jsonFloat `json:"rms"`
	RMSDBFS  jsonFloat `json:"rms_dbfs"`
	DC       jsonFloat `json:"dc"`
	Min      jsonFloat `json:"min"`
	Max      jsonFloat `json:"max"`
	Clipped  int64     `json:"clipped"`
	Samples  int64     `json:"samples"`
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

// num formats v with prec decimals, and infinities as -inf/inf.
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

// printJSON writes v as one line of JSON to standard output.
func printJSON(e *env, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(e.stdout, string(b))
	return err
}

// withExample adds an example line to the usage fs prints for -h.
func withExample(fs *flag.FlagSet, e *env, example string) {
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		fmt.Fprintf(e.stderr, "example:\n  %s\n", example)
	}
}

// openAudio opens a WAVE file for a command, for sequential reading,
// reporting header warnings on standard error and naming the file in any
// error.
func openAudio(e *env, cmd, name string, mode wavemap.Mode) (*wavemap.File, error) {
	f, err := wavemap.Open(name, mode, inputOptions(e, cmd, name))
	if err != nil {
		return nil, fileError(name, err)
	}
	return f, nil
}

// namedError is an error whose message names the file concerned once,
// without the library's "wavemap: " prefix (the command prints its own).
type namedError struct {
	msg string
	err error
}

func (n *namedError) Error() string { return n.msg }
func (n *namedError) Unwrap() error { return n.err }

// fileError returns err with a message that names the file: the library's
// and the os package's errors usually do already; others get the name in
// front.
func fileError(name string, err error) error {
	if err == nil {
		return nil
	}
	var ne *namedError
	if errors.As(err, &ne) {
		return err
	}
	msg := strings.TrimPrefix(err.Error(), "wavemap: ")
	var pe *os.PathError
	if !strings.Contains(msg, name) || (errors.As(err, &pe) && pe.Path != name) {
		msg = name + ": " + msg
	}
	return &namedError{msg, err}
}
