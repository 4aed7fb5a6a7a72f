package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/spf13/pflag"

	"github.com/wavemap/wavemap"
)

// loudnessJSON is what loudness --json prints for one file. Levels that
// nothing defines (silence, a file shorter than the window) are null.
type loudnessJSON struct {
	head
	IntegratedLUFS       jsonFloat             `json:"integrated_lufs"`
	RangeLU              jsonFloat             `json:"range_lu"`
	MomentaryMaxLUFS     jsonFloat             `json:"momentary_max_lufs"`
	ShortTermMaxLUFS     jsonFloat             `json:"short_term_max_lufs"`
	SamplePeakDBFS       jsonFloat             `json:"sample_peak_dbfs"`
	TruePeakDBTP         jsonFloat             `json:"true_peak_dbtp"`
	TruePeakOversampling int                   `json:"true_peak_oversampling"`
	NonFinite            int64                 `json:"non_finite_samples"`
	Channels             []channelLoudnessJSON `json:"channels"`
	Series               *seriesJSON           `json:"series,omitempty"`
	// Bext is what --write-bext wrote into the file's bext chunk.
	Bext *bextLoudnessJSON `json:"bext_loudness,omitempty"`
}

// bextLoudnessJSON is what --write-bext wrote into a bext chunk: the five
// loudness fields of EBU Tech 3285 version 2 as the levels they stand for
// (the stored value / 100; null for LoudnessNotSet) and the chunk's
// version.
type bextLoudnessJSON struct {
	Version          uint16    `json:"version"`
	IntegratedLUFS   jsonFloat `json:"loudness_value_lufs"`
	RangeLU          jsonFloat `json:"loudness_range_lu"`
	MaxTruePeakDBTP  jsonFloat `json:"max_true_peak_level_dbtp"`
	MomentaryMaxLUFS jsonFloat `json:"max_momentary_loudness_lufs"`
	ShortTermMaxLUFS jsonFloat `json:"max_short_term_loudness_lufs"`
}

// bextField is a bext loudness field as the level it stands for (NaN,
// printed as null, for LoudnessNotSet).
func bextField(v int16) jsonFloat {
	if v == wavemap.LoudnessNotSet {
		return jsonFloat(math.NaN())
	}
	return jsonFloat(float64(v) / 100)
}

// writeBextLoudness writes the measurement l into the bext chunk of f,
// opened ReadWrite (Bext.SetLoudness; a version-2 chunk is added when f
// has none, and an older one becomes version 2), in place through
// File.WriteMetadata: the audio is not written. It returns what it wrote
// and the note that metadataNotes prints.
func writeBextLoudness(f *wavemap.File, l *wavemap.Loudness) (*bextLoudnessJSON, string, error) {
	m, err := f.Metadata()
	if err != nil {
		return nil, "", err
	}
	b, ok, err := m.Bext()
	if err != nil {
		return nil, "", fmt.Errorf("its bext chunk cannot be read, so the loudness was not written into it: %w", err)
	}
	note := "wrote the loudness into the bext chunk"
	switch {
	case !ok:
		b = &wavemap.Bext{}
		note = "added a bext chunk (version 2) holding the loudness"
	case b.Version < 2:
		note += fmt.Sprintf(" (version %d -> 2)", b.Version)
	}
	b.SetLoudness(l)
	m.SetBext(b)
	if _, err := f.WriteMetadata(m); err != nil {
		return nil, "", fmt.Errorf("the loudness was not written into the bext chunk: %w", err)
	}
	j := &bextLoudnessJSON{Version: b.Version, IntegratedLUFS: bextField(b.LoudnessValue), RangeLU: bextField(b.LoudnessRange),
		MaxTruePeakDBTP: bextField(b.MaxTruePeakLevel), MomentaryMaxLUFS: bextField(b.MaxMomentaryLoudness),
		ShortTermMaxLUFS: bextField(b.MaxShortTermLoudness)}
	note += fmt.Sprintf(": integrated %s LUFS, range %s LU, true peak %s dBTP, momentary max %s LUFS, short-term max %s LUFS",
		num(j.IntegratedLUFS, 2), num(j.RangeLU, 2), num(j.MaxTruePeakDBTP, 2), num(j.MomentaryMaxLUFS, 2), num(j.ShortTermMaxLUFS, 2))
	return j, note, nil
}

// channelLoudnessJSON is one channel's measurement: the channel alone,
// with weight 1 (see wavemap.ChannelLoudness).
type channelLoudnessJSON struct {
	channelJSON
	Weight           float64   `json:"weight"`
	IntegratedLUFS   jsonFloat `json:"integrated_lufs"`
	RangeLU          jsonFloat `json:"range_lu"`
	MomentaryMaxLUFS jsonFloat `json:"momentary_max_lufs"`
	ShortTermMaxLUFS jsonFloat `json:"short_term_max_lufs"`
	SamplePeakDBFS   jsonFloat `json:"sample_peak_dbfs"`
	TruePeakDBTP     jsonFloat `json:"true_peak_dbtp"`
	NonFinite        int64     `json:"non_finite_samples"`
}

// seriesJSON holds the momentary and short-term loudness every step:
// momentary_lufs[j] is the 400 ms from j·step_seconds, short_term_lufs[j]
// the 3 s from j·step_seconds.
type seriesJSON struct {
	StepSeconds   float64     `json:"step_seconds"`
	MomentaryLUFS []jsonFloat `json:"momentary_lufs"`
	ShortTermLUFS []jsonFloat `json:"short_term_lufs"`
}

func jsonFloats(v []float64) []jsonFloat {
	out := make([]jsonFloat, len(v))
	for i, x := range v {
		out[i] = jsonFloat(x)
	}
	return out
}

func describeLoudness(name string, f *wavemap.File, l *wavemap.Loudness, series bool) loudnessJSON {
	return loudnessRecord(headOf("loudness", name, f), f.Format(), l, series)
}

// loudnessRecord is the loudness object of a file or stream of format fm
// with head h.
func loudnessRecord(h head, fm wavemap.Format, l *wavemap.Loudness, series bool) loudnessJSON {
	j := loudnessJSON{
		head:           h,
		IntegratedLUFS: jsonFloat(l.Integrated), RangeLU: jsonFloat(l.Range),
		MomentaryMaxLUFS: jsonFloat(l.MomentaryMax), ShortTermMaxLUFS: jsonFloat(l.ShortTermMax),
		SamplePeakDBFS: jsonFloat(l.SamplePeakDB()), TruePeakDBTP: jsonFloat(l.TruePeakDB()),
		TruePeakOversampling: l.Oversampling, NonFinite: l.NonFinite,
		Channels: make([]channelLoudnessJSON, len(l.Channels)),
	}
	for c, cl := range l.Channels {
		cj := channelLoudnessJSON{
			channelJSON: channelOf(fm, c), Weight: cl.Weight,
			IntegratedLUFS: jsonFloat(cl.Integrated), RangeLU: jsonFloat(cl.Range),
			MomentaryMaxLUFS: jsonFloat(cl.MomentaryMax), ShortTermMaxLUFS: jsonFloat(cl.ShortTermMax),
			SamplePeakDBFS: jsonFloat(cl.SamplePeakDB()), TruePeakDBTP: jsonFloat(cl.TruePeakDB()),
			NonFinite: cl.NonFinite,
		}
		j.Channels[c] = cj
	}
	if series {
		j.Series = &seriesJSON{StepSeconds: float64(l.Hop) / float64(l.SampleRate),
			MomentaryLUFS: jsonFloats(l.Momentary), ShortTermLUFS: jsonFloats(l.ShortTerm)}
	}
	return j
}

// runLoudness measures each file. With --json it prints one JSON object
// per file, one per line, in the order given; a file that cannot be
// measured prints nothing on standard output, its error goes to standard
// error, and the exit code is 1 once every other file is measured.
func runLoudness(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "loudness", "FILE...")
	asJSON := &e.json
	series := fs.Bool("series", false, "also print the momentary and short-term loudness every 100 ms")
	noTP := fs.Bool("no-true-peak", false, "do not measure the true peak (the slowest part)")
	writeBext := fs.Bool("write-bext", false, "write the measurement into the file's bext chunk (EBU Tech 3285 v2 loudness fields; the chunk is added if missing), in place")
	quiet := quietFlag(fs)
	jobs := fs.jobsFlag()
	withExample(fs, e, "wavemap loudness --json take.wav other.wav")
	files, err := parseFiles(fs, args, jobs)
	if err != nil {
		return err
	}
	if *writeBext && slices.Contains(files, stdinName) {
		return usagef("--write-bext edits files in place: not standard input (-)")
	}
	// One file gets every core and a progress bar; many get a core each.
	one := len(files) == 1 || *jobs == 1
	var failed atomic.Bool
	first := true
	err = forEachFile(ctx, files, *jobs, func(ctx context.Context, name string) (loudnessJSON, error) {
		if name == stdinName {
			return loudnessStream(ctx, e, &wavemap.LoudnessOptions{Series: *series, NoTruePeak: *noTP}, *series)
		}
		mode := wavemap.ReadOnly
		if *writeBext {
			mode = wavemap.ReadWrite
			if err := refuseReadOnly(name); err != nil {
				return loudnessJSON{}, err
			}
		}
		f, err := openAudio(e, "loudness", name, mode)
		if err != nil {
			return loudnessJSON{}, err
		}
		defer f.Close()
		fm := f.Format()
		var p *progress
		opts := &wavemap.LoudnessOptions{Series: *series, NoTruePeak: *noTP, Workers: 1}
		if one {
			p = e.progress(name, *quiet, f.Frames()*int64(fm.FrameSize()))
			opts.Progress, opts.Workers = p.Frames(fm.FrameSize()), 0
		}
		l, err := wavemap.MeasureLoudness(ctx, f, opts)
		p.Done()
		if err != nil {
			return loudnessJSON{}, fileError(name, err)
		}
		if l.NonFinite > 0 {
			fmt.Fprintf(e.stderr, "wavemap loudness: %s: warning: %d NaN or infinite samples, measured as silence\n", name, l.NonFinite)
		}
		j := describeLoudness(name, f, l, *series)
		if *writeBext {
			bj, note, err := writeBextLoudness(f, l)
			if err != nil {
				return loudnessJSON{}, fileError(name, err)
			}
			j.Bext = bj
			metadataNotes(e, "loudness", name, *quiet, []string{note})
		}
		if err := f.Close(); err != nil {
			return loudnessJSON{}, fileError(name, err)
		}
		return j, nil
	}, func(name string, j loudnessJSON, err error) error {
		if err != nil {
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				return err
			}
			failed.Store(true)
			e.failf("loudness", err)
			if *asJSON {
				return printJSON(e, errorRecord("loudness", name, err))
			}
			return nil
		}
		if *asJSON {
			return printJSON(e, j)
		}
		if !first {
			fmt.Fprintln(e.stdout)
		}
		first = false
		printLoudness(e.stdout, j)
		return nil
	})
	if err != nil {
		return err
	}
	if failed.Load() {
		return errSilentFailure
	}
	return nil
}

func printLoudness(w io.Writer, j loudnessJSON) {
	fm := j.Format
	fmt.Fprintf(w, "%s: %s %dch %dHz, %d frames (%s)\n", j.File, fm.Encoding, fm.Channels, fm.SampleRate, j.Frames, clock(float64(j.Duration)))
	fmt.Fprintf(w, "  integrated      %8s LUFS\n", num(j.IntegratedLUFS, 1))
	fmt.Fprintf(w, "  range           %8s LU\n", num(j.RangeLU, 1))
	fmt.Fprintf(w, "  momentary max   %8s LUFS\n", num(j.MomentaryMaxLUFS, 1))
	fmt.Fprintf(w, "  short-term max  %8s LUFS\n", num(j.ShortTermMaxLUFS, 1))
	fmt.Fprintf(w, "  sample peak     %8s dBFS\n", num(j.SamplePeakDBFS, 2))
	if j.TruePeakOversampling > 0 {
		fmt.Fprintf(w, "  true peak       %8s dBTP (%dx oversampling)\n", num(j.TruePeakDBTP, 2), j.TruePeakOversampling)
	}
	if len(j.Channels) > 1 {
		fmt.Fprintf(w, "  %-11s %6s %11s %7s %14s %15s %12s %10s\n", "channel", "weight", "integrated", "range",
			"momentary max", "short-term max", "sample peak", "true peak")
		for _, c := range j.Channels {
			tp := num(c.TruePeakDBTP, 2)
			if j.TruePeakOversampling == 0 {
				tp = "-" // not measured
			}
			ch := fmt.Sprint(c.Channel)
			if c.Speaker != "" {
				ch += " " + c.Speaker
			}
			fmt.Fprintf(w, "  %-11s %6.2f %11s %7s %14s %15s %12s %10s\n", ch, c.Weight, num(c.IntegratedLUFS, 1), num(c.RangeLU, 1),
				num(c.MomentaryMaxLUFS, 1), num(c.ShortTermMaxLUFS, 1), num(c.SamplePeakDBFS, 2), tp)
		}
	}
	if s := j.Series; s != nil {
		fmt.Fprintf(w, "  %9s %10s %11s\n", "time", "momentary", "short-term")
		for k, m := range s.MomentaryLUFS {
			st := ""
			if k >= 26 && k-26 < len(s.ShortTermLUFS) {
				st = num(s.ShortTermLUFS[k-26], 1) // the 3 s window ending with this 400 ms one
			}
			fmt.Fprintf(w, "  %9.1f %10s %11s\n", float64(k+4)*s.StepSeconds, num(m, 1), st)
		}
	}
}

// loudnessTarget holds normalize's --lufs and --true-peak flags.
type loudnessTarget struct {
	lufs     dbValue
	ceiling  ceilingValue
	explicit bool // --peak was given
}

// ceilingValue is --true-peak: a level in dBTP, or "none".
type ceilingValue struct {
	v    float64
	none bool
}

// Type names the value in the help.
func (*ceilingValue) Type() string { return "dBTP" }

func (c *ceilingValue) String() string {
	if c == nil {
		return ""
	}
	if c.none {
		return "none"
	}
	return fmtNum(c.v)
}

func (c *ceilingValue) Set(s string) error {
	if strings.EqualFold(strings.TrimSpace(s), "none") {
		c.none = true
		return nil
	}
	t := strings.TrimSpace(s)
	if low := strings.ToLower(t); strings.HasSuffix(low, "dbtp") {
		t = t[:len(t)-4]
	}
	v, err := parseDB(t)
	if err != nil {
		return fmt.Errorf("%q is not a level in dBTP (such as -1) or none", s)
	}
	c.v, c.none = v, false
	return nil
}

// loudnessFlags adds --lufs and --true-peak to normalize's flags.
func loudnessFlags(fs *flagSet) *loudnessTarget {
	lt := &loudnessTarget{ceiling: ceilingValue{v: -1}}
	fs.Var(&lt.lufs, "lufs", "normalize the integrated loudness (EBU R 128) to this level in LUFS, such as -23, instead of the peak")
	fs.Var(&lt.ceiling, "true-peak", "with --lufs: the true-peak ceiling in dBTP that the gain may not push the file past, or none")
	return lt
}

// wanted reports whether normalize was asked for a loudness: --lufs or
// --true-peak given (runNormalizeLoudness refuses the latter alone).
func (lt *loudnessTarget) wanted(fs *flagSet) bool {
	ceiling := false
	fs.Visit(func(f *pflag.Flag) { ceiling = ceiling || f.Name == "true-peak" })
	return lt.lufs.set || ceiling
}

// lufsNote is the journal note of normalize to a loudness.
func lufsNote(lt *loudnessTarget) string {
	return "normalize --lufs " + fmtNum(lt.lufs.v) + " --true-peak " + lt.ceiling.String()
}

// lufsNormalizeJSON is what normalize --lufs prints with --json: gain's
// fields (factor, db, clipped, dry_run, silent, metadata) and the
// measurement. measured_lufs and true_peak_before_dbtp are null when the
// edit resumed an interrupted one (the file was partly scaled: it is not
// measured again); expected_lufs and expected_true_peak_dbtp are what the
// gain makes of them.
type lufsNormalizeJSON struct {
	gainJSON
	TargetLUFS      jsonFloat  `json:"target_lufs"`
	CeilingDBTP     *jsonFloat `json:"true_peak_ceiling_dbtp"`
	MeasuredLUFS    jsonFloat  `json:"measured_lufs"`
	TruePeakBefore  jsonFloat  `json:"true_peak_before_dbtp"`
	ExpectedLUFS    jsonFloat  `json:"expected_lufs"`
	ExpectedPeak    jsonFloat  `json:"expected_true_peak_dbtp"`
	LimitedByCeil   bool       `json:"limited_by_true_peak"`
	Resumed         bool       `json:"resumed"`
	TruePeakOversam int        `json:"true_peak_oversampling"`
	// Bext is what --write-bext wrote: the loudness of the file as
	// measured again after the gain.
	Bext *bextLoudnessJSON `json:"bext_loudness,omitempty"`
}

// roundingMargin is how far (dB) below a true-peak ceiling of ceil dBTP
// a gain limited by it aims, so that the rounding of the scaled samples
// to the encoding cannot lift the true peak past the ceiling: each
// sample moves by half a step at most, and the interpolator adds at most
// less than 2 times the largest move (the sum of its taps' magnitudes),
// so 3 half steps, relative to the ceiling. A-law and mu-law have steps
// of 1/32 of full scale at the top. Floats are rounded relative to the
// value: by 2^-24 of it at most in f32 (2^-53 in f64), so 3 times that
// of the ceiling.
func roundingMargin(enc wavemap.Encoding, ceil float64) float64 {
	var step float64
	switch {
	case enc == wavemap.EncodingFloat32:
		return 20 * math.Log10(1+3*0x1p-24)
	case enc.IsFloat():
		return 20 * math.Log10(1+3*0x1p-53)
	case enc == wavemap.EncodingALaw || enc == wavemap.EncodingMuLaw:
		step = 1.0 / 32
	default:
		step = math.Ldexp(1, 1-enc.Bits())
	}
	return 20 * math.Log10(1+1.5*step/math.Pow(10, ceil/20))
}

// runNormalizeLoudness is normalize --lufs: it measures the integrated
// loudness and the true peak of the one file in pos, then changes its
// level in place by the gain that brings the loudness to the target,
// unless that would push the true peak past the ceiling, in which case the
// gain is the one that puts the true peak at the ceiling (less the
// roundingMargin of integer encodings). fs is
// normalize's flag set, already parsed.
//
// With writeBext (--write-bext, not in a dry run) the file is measured
// once more after the gain, and that measurement, the loudness of the
// file as it now is (its samples rounded to the encoding, and clipped if
// they were), is written into its bext chunk (writeBextLoudness). It is
// measured rather than computed from the first measurement and the gain,
// which would miss the rounding and the clipping; the cost is one more
// reading pass.
func runNormalizeLoudness(ctx context.Context, e *env, fs *flagSet, pos []string, lt *loudnessTarget,
	dry, sync bool, jo journalOpts, asJSON, quiet, writeBext bool) error {
	fs.Visit(func(f *pflag.Flag) {
		if f.Name == "peak" {
			lt.explicit = true
		}
	})
	switch {
	case lt.explicit:
		return usagef("give --peak or --lufs, not both")
	case !lt.lufs.set:
		return usagef("--true-peak goes with --lufs")
	}
	if len(pos) != 1 {
		return usagef("want exactly one file")
	}
	name := pos[0]
	note := lufsNote(lt)
	var journal string
	var resume *wavemap.JournalInfo
	var err error
	if dry {
		noteDryRun(e, "normalize", name)
	} else {
		if err := refuseReadOnly(name); err != nil {
			return err
		}
		// A rerun finishes the gain with the factor chosen the first
		// time: the file it would measure now is partly scaled.
		journal, resume, err = prepareJournal(e, "normalize", name, jo, func(i *wavemap.JournalInfo) bool {
			return i.Note == note
		})
		if err != nil {
			return err
		}
	}
	f, err := openForEdit(e, "normalize", name, dry)
	if err != nil {
		return err
	}
	m, err := inputMetadata(f)
	if err != nil {
		f.Close()
		return err
	}
	fm := f.Format()
	size := f.Frames() * int64(fm.FrameSize())
	passes := int64(2)
	if resume != nil {
		passes = 1
	}
	writeBext = writeBext && !dry
	remeasure := int64(0) // passes after the gain
	if writeBext {
		remeasure = 1
	}
	passes += remeasure
	p := e.progress(name, quiet, passes*size)
	defer p.Done()
	nan := jsonFloat(math.NaN())
	j := lufsNormalizeJSON{
		gainJSON:   gainJSON{head: headOf("normalize", name, f), Factor: 1, DB: 0, DryRun: dry, Metadata: []string{}},
		TargetLUFS: jsonFloat(lt.lufs.v), MeasuredLUFS: nan, TruePeakBefore: nan, ExpectedLUFS: nan, ExpectedPeak: nan,
	}
	if !lt.ceiling.none {
		c := jsonFloat(lt.ceiling.v)
		j.CeilingDBTP = &c
	}

	// Pass 1: the loudness and the true peak.
	if resume != nil {
		j.Factor, j.Resumed = resume.Factor, true
	} else {
		l, err := wavemap.MeasureLoudness(ctx, f, &wavemap.LoudnessOptions{Progress: p.Frames(fm.FrameSize())})
		if err != nil {
			f.Close()
			return fileError(name, err)
		}
		if l.NonFinite > 0 {
			f.Close()
			return fileError(name, fmt.Errorf("holds %d NaN or infinite samples: its loudness is not defined, nothing changed", l.NonFinite))
		}
		j.MeasuredLUFS, j.TruePeakBefore, j.TruePeakOversam = jsonFloat(l.Integrated), jsonFloat(l.TruePeakDB()), l.Oversampling
		if math.IsInf(l.Integrated, -1) {
			j.Silent = true
			if writeBext { // the file stays as measured
				bj, note, err := writeBextLoudness(f, l)
				if err != nil {
					f.Close()
					return fileError(name, err)
				}
				j.Bext = bj
				j.Metadata = metadataNotes(e, "normalize", name, quiet, []string{note})
			}
			if err := f.Close(); err != nil {
				return fileError(name, err)
			}
			if asJSON {
				return printJSON(e, j)
			}
			fmt.Fprintf(e.stdout, "%s: no loudness to normalize (silent, or no 400 ms block above -70 LUFS), left unchanged\n", name)
			return nil
		}
		gainDB := lt.lufs.v - l.Integrated
		if ceil := lt.ceiling.v - roundingMargin(fm.Encoding, lt.ceiling.v); !lt.ceiling.none && l.TruePeakDB()+gainDB > ceil {
			gainDB = ceil - l.TruePeakDB()
			j.LimitedByCeil = true
		}
		j.Factor = math.Pow(10, gainDB/20)
		j.ExpectedLUFS = jsonFloat(l.Integrated + gainDB)
		j.ExpectedPeak = jsonFloat(l.TruePeakDB() + gainDB)
	}
	j.DB = jsonFloat(20 * math.Log10(j.Factor))

	// Pass 2: the gain. Not begun if the command was interrupted while
	// measuring (MeasureLoudness then fails): the file is then unchanged.
	var prog func(done, total int64)
	if p != nil {
		prog = func(done, _ int64) { p.Update((passes-1-remeasure)*size + done*int64(fm.FrameSize())) }
	}
	var stale []string
	if !dry {
		stale = clearStale(f, m)
	}
	j.Clipped, err = wavemap.Gain(ctx, f, j.Factor, &wavemap.PassOptions{DryRun: dry, Progress: prog,
		Journal: journal, JournalNote: note, Sync: sync})
	if err == nil && writeBext {
		// Pass 3: the loudness of the normalized file, into bext.
		var after *wavemap.Loudness
		after, err = wavemap.MeasureLoudness(ctx, f, &wavemap.LoudnessOptions{Progress: func(done, _ int64) {
			if p != nil {
				p.Update((passes-1)*size + done*int64(fm.FrameSize()))
			}
		}})
		var bnote string
		if err == nil {
			j.Bext, bnote, err = writeBextLoudness(f, after)
		}
		if err != nil {
			p.Done()
			f.Close()
			return fileError(name, fmt.Errorf("normalized (gain %s dB), but: %w", num(j.DB, 2), err))
		}
		stale = append(stale, bnote)
	}
	p.Done()
	if err = finishEdit(f, err); err != nil {
		keptJournal(e, "normalize", name, journal)
		return fileError(name, journalHint(err, journal))
	}
	if !dry {
		j.Metadata = metadataNotes(e, "normalize", name, quiet, stale)
	}
	if asJSON {
		return printJSON(e, j)
	}
	w := e.stdout
	if j.Resumed {
		fmt.Fprintf(w, "%s: finished the interrupted normalize to %s LUFS: gain %s dB (factor %.6g): %s\n",
			name, num(j.TargetLUFS, 1), num(j.DB, 2), j.Factor, clipReport(fm, j.Clipped, dry))
		return nil
	}
	ceiling := "no ceiling"
	if j.CeilingDBTP != nil {
		ceiling = "ceiling " + num(*j.CeilingDBTP, 2) + " dBTP"
	}
	limited := ""
	if j.LimitedByCeil {
		limited = fmt.Sprintf(": limited by the true-peak %s, %s LU short of the target", ceiling,
			num(jsonFloat(float64(j.TargetLUFS)-float64(j.ExpectedLUFS)), 2))
	}
	fmt.Fprintf(w, "%s: loudness %s LUFS -> %s LUFS (target %s%s), true peak %s -> %s dBTP (%s), gain %s dB (factor %.6g): %s\n",
		name, num(j.MeasuredLUFS, 2), num(j.ExpectedLUFS, 2), num(j.TargetLUFS, 2), limited,
		num(j.TruePeakBefore, 2), num(j.ExpectedPeak, 2), ceiling, num(j.DB, 2), j.Factor, clipReport(fm, j.Clipped, dry))
	return nil
}
