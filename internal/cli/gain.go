package cli

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/wavemap/wavemap"
)

// dbValue is a flag holding a level in dB, written "-6", "-6dB" or
// "-6 dBFS".
type dbValue struct {
	v   float64
	set bool
}

// Type names the value in the help.
func (*dbValue) Type() string { return "dB" }

func (d *dbValue) String() string {
	if d == nil || !d.set {
		return ""
	}
	return strconv.FormatFloat(d.v, 'g', -1, 64) + "dB"
}

func (d *dbValue) Set(s string) error {
	v, err := parseDB(s)
	if err != nil {
		return err
	}
	d.v, d.set = v, true
	return nil
}

// parseDB reads a finite number of decibels with an optional dB or dBFS
// unit.
func parseDB(s string) (float64, error) {
	t := strings.TrimSpace(s)
	low := strings.ToLower(t)
	for _, unit := range []string{"dbfs", "db"} {
		if strings.HasSuffix(low, unit) {
			t = strings.TrimSpace(t[:len(t)-len(unit)])
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a level in dB (such as -6 or -6dB)", s)
	}
	return v, nil
}

// factorValue is a flag holding a finite gain factor.
type factorValue struct {
	v   float64
	set bool
}

// Type names the value in the help.
func (*factorValue) Type() string { return "factor" }

func (f *factorValue) String() string {
	if f == nil || !f.set {
		return ""
	}
	return strconv.FormatFloat(f.v, 'g', -1, 64)
}

func (f *factorValue) Set(s string) error {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%q is not a finite number", s)
	}
	f.v, f.set = v, true
	return nil
}

// gainJSON is what gain and normalize print with --json.
type gainJSON struct {
	head
	Factor float64   `json:"factor"`
	DB     jsonFloat `json:"gain_db"`
	// Clipped counts samples clipped (integer encodings) or left past
	// full scale (float encodings, which are never clipped).
	Clipped int64 `json:"clipped_samples"`
	DryRun  bool  `json:"dry_run"`
	// Normalize only.
	PeakBefore *jsonFloat `json:"peak_before_dbfs,omitempty"`
	Target     *jsonFloat `json:"target_dbfs,omitempty"`
	Silent     bool       `json:"silent,omitempty"`
	// Metadata holds the notes on the file's metadata chunks that the
	// edit made stale, removed or cleared before it began (see clearStale).
	Metadata []string `json:"metadata_notes"`
}

// clearStale removes from the file f, opened for an in-place edit of its
// samples, the metadata that describes the samples as they are (what
// AudioChanged changes in m, its chunks: an MD5 of the audio, a levl peak
// envelope, bext loudness values), before the edit begins, so that the
// file never holds a checksum or a measurement that its samples
// contradict, even if the edit is interrupted. It returns the notes to
// report. A file whose chunks cannot be rewritten in place (Wave64, damaged
// sizes) keeps them, and the notes say they are stale.
func clearStale(f *wavemap.File, m *wavemap.Metadata) []string {
	notes := m.AudioChanged()
	if len(notes) == 0 {
		return nil
	}
	if _, err := f.WriteMetadata(m); err != nil {
		out := make([]string, len(notes))
		for i, n := range notes {
			out[i] = "stale after the edit, not updated in the file (" + oneLine(err) + "): " + n
		}
		return out
	}
	return notes
}

func runGain(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "gain", "FILE")
	var db dbValue
	var factor factorValue
	fs.Var(&db, "db", "gain in dB, such as -6 or 3.5dB")
	fs.Var(&factor, "factor", "gain as a factor, such as 0.5 (negative inverts the polarity)")
	dry := fs.Bool("dry-run", false, "only count the samples that would clip; change nothing")
	sync := syncFlag(fs)
	jo := journalFlags(fs)
	asJSON := &e.json
	quiet := quietFlag(fs)
	withExample(fs, e, "wavemap gain --db -6 take.wav")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want exactly one file")
	}
	onlyDiscard := *jo.discard && !db.set && !factor.set && !*dry
	if db.set == factor.set && !onlyDiscard {
		return usagef("give exactly one of --db and --factor (or --discard-journal alone)")
	}
	k := factor.v
	if db.set {
		k = math.Pow(10, db.v/20)
	}
	name := pos[0]
	if *dry {
		noteDryRun(e, "gain", name)
	} else {
		if err := refuseReadOnly(name); err != nil {
			return err
		}
	}
	var journal string
	if !*dry {
		journal, _, err = prepareJournal(e, "gain", name, jo, func(i *wavemap.JournalInfo) bool {
			return !onlyDiscard && i.Factor == k && !strings.HasPrefix(i.Note, "normalize")
		})
		if err != nil || onlyDiscard {
			return err
		}
	}
	f, err := openForEdit(e, "gain", name, *dry)
	if err != nil {
		return err
	}
	m, err := inputMetadata(f)
	if err != nil {
		f.Close()
		return err
	}
	var stale []string
	if !*dry {
		stale = clearStale(f, m)
	}
	fm := f.Format()
	p := e.progress(name, *quiet, f.Frames()*int64(fm.FrameSize()))
	clipped, err := wavemap.Gain(ctx, f, k, &wavemap.PassOptions{DryRun: *dry, Progress: p.Frames(fm.FrameSize()),
		Journal: journal, JournalNote: gainNote(db, factor), Sync: *sync})
	p.Done()
	if err = finishEdit(f, err); err != nil {
		keptJournal(e, "gain", name, journal)
		return fileError(name, journalHint(err, journal))
	}
	j := gainJSON{head: headOf("gain", name, f), Factor: k, DB: jsonFloat(20 * math.Log10(math.Abs(k))), Clipped: clipped, DryRun: *dry,
		Metadata: metadataNotes(e, "gain", name, *quiet, stale)}
	if *asJSON {
		return printJSON(e, j)
	}
	fmt.Fprintf(e.stdout, "%s: gain %s dB (factor %.6g): %s\n", name, num(j.DB, 3), k, clipReport(fm, clipped, *dry))
	return nil
}

func runNormalize(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "normalize", "FILE")
	peak := dbValue{v: -1, set: true}
	fs.Var(&peak, "peak", "peak level to reach, in dBFS")
	lt := loudnessFlags(fs) // --lufs, --true-peak: see loudness.go
	writeBext := fs.Bool("write-bext", false, "with --lufs: write the loudness of the normalized file (measured again) into its bext chunk")
	dry := fs.Bool("dry-run", false, "only measure and count the samples that would clip; change nothing")
	sync := syncFlag(fs)
	jo := journalFlags(fs)
	asJSON := &e.json
	quiet := quietFlag(fs)
	withExample(fs, e, "wavemap normalize --peak -1dB take.wav")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if lt.wanted(fs) {
		return runNormalizeLoudness(ctx, e, fs, pos, lt, *dry, *sync, jo, *asJSON, *quiet, *writeBext)
	}
	if *writeBext {
		return usagef("--write-bext goes with --lufs")
	}
	if len(pos) != 1 {
		return usagef("want exactly one file")
	}
	name := pos[0]
	var journal string
	var resume *wavemap.JournalInfo
	if *dry {
		noteDryRun(e, "normalize", name)
	} else {
		if err := refuseReadOnly(name); err != nil {
			return err
		}
		// A rerun finishes the gain with the factor measured the first
		// time: the file it would measure now is partly scaled.
		journal, resume, err = prepareJournal(e, "normalize", name, jo, func(i *wavemap.JournalInfo) bool {
			return i.Note == normalizeNote(peak.v)
		})
		if err != nil {
			return err
		}
	}
	f, err := openForEdit(e, "normalize", name, *dry)
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
	p := e.progress(name, *quiet, passes*size)
	defer p.Done()

	// Pass 1: the peak over all channels.
	top := 0.0
	if resume != nil {
		top = math.Pow(10, peak.v/20) / resume.Factor
	} else {
		st, err := wavemap.Measure(ctx, f, &wavemap.PassOptions{Progress: p.Frames(fm.FrameSize())})
		if err != nil {
			f.Close()
			return fileError(name, err)
		}
		for _, s := range st {
			if math.IsNaN(s.Peak) || math.IsInf(s.Peak, 0) {
				f.Close()
				return fileError(name, fmt.Errorf("holds NaN or infinite samples: its peak is undefined, nothing changed"))
			}
			top = max(top, s.Peak)
		}
	}
	before := jsonFloat(20 * math.Log10(top))
	target := jsonFloat(peak.v)
	j := gainJSON{head: headOf("normalize", name, f), Factor: 1, DB: 0, DryRun: *dry, PeakBefore: &before, Target: &target, Metadata: []string{}}
	if top == 0 {
		j.Silent = true
		if err := f.Close(); err != nil {
			return fileError(name, err)
		}
		if *asJSON {
			return printJSON(e, j)
		}
		fmt.Fprintf(e.stdout, "%s: silent, left unchanged\n", name)
		return nil
	}

	// Pass 2: the gain. Not begun if the command was interrupted while
	// measuring (Measure then fails), so that the file is then unchanged.
	j.Factor = math.Pow(10, peak.v/20) / top
	if resume != nil {
		j.Factor = resume.Factor
	}
	j.DB = jsonFloat(20 * math.Log10(j.Factor))
	var prog func(done, total int64)
	if p != nil {
		prog = func(done, _ int64) { p.Update((passes-1)*size + done*int64(fm.FrameSize())) }
	}
	var stale []string
	if !*dry {
		stale = clearStale(f, m)
	}
	j.Clipped, err = wavemap.Gain(ctx, f, j.Factor, &wavemap.PassOptions{DryRun: *dry, Progress: prog,
		Journal: journal, JournalNote: normalizeNote(peak.v), Sync: *sync})
	p.Done()
	if err = finishEdit(f, err); err != nil {
		keptJournal(e, "normalize", name, journal)
		return fileError(name, journalHint(err, journal))
	}
	if !*dry {
		j.Metadata = metadataNotes(e, "normalize", name, *quiet, stale)
	}
	if *asJSON {
		return printJSON(e, j)
	}
	fmt.Fprintf(e.stdout, "%s: peak %s dBFS -> %s dBFS, gain %s dB (factor %.6g): %s\n",
		name, num(before, 2), num(target, 2), num(j.DB, 3), j.Factor, clipReport(fm, j.Clipped, *dry))
	return nil
}

// clipReport says how many samples clipped, or would clip in a dry run.
// Float files are never clipped: the count is of samples past full scale.
func clipReport(fm wavemap.Format, n int64, dry bool) string {
	what := "clipped"
	if fm.Encoding.IsFloat() {
		what = "past full scale (floats are not clipped)"
	}
	if dry {
		return fmt.Sprintf("%d samples would be %s (dry run: file unchanged)", n, what)
	}
	return fmt.Sprintf("%d samples %s", n, what)
}
