package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/wavemap/wavemap"
)

// The journal of gain and normalize. Both edit their file in place under
// a journal (wavemap.PassOptions.Journal) kept beside it, at
// wavemap.JournalPath(FILE), so that after a kill, a crash or Ctrl-C the
// same command run again finishes the edit exactly once. The journal
// records the command in its note ("gain --db -6", "normalize --peak -1"),
// which is how a rerun is told from another edit.

// journalOpts are the flags about the journal.
type journalOpts struct {
	none    *bool // --no-journal
	discard *bool // --discard-journal
}

func journalFlags(fs *flagSet) journalOpts {
	return journalOpts{
		none: fs.Bool("no-journal", false,
			"edit without a journal: faster, but an interrupted edit can then neither be finished nor noticed"),
		discard: fs.Bool("discard-journal", false,
			"first remove the journal of an interrupted edit, accepting the file as it is (partly edited)"),
	}
}

// fmtNum formats v as the shortest decimal that reads back as v.
func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// gainNote is the journal note of gain with --db (db.set) or --factor.
func gainNote(db dbValue, factor factorValue) string {
	if db.set {
		return "gain --db " + fmtNum(db.v)
	}
	return "gain --factor " + fmtNum(factor.v)
}

// normalizeNote is the journal note of normalize to peak dBFS.
func normalizeNote(peak float64) string { return "normalize --peak " + fmtNum(peak) }

// describeEdit says what the journal i records, such as "gain of -6 dB"
// or "normalize to -1 dBFS (gain of 4.2 dB)".
func describeEdit(i *wavemap.JournalInfo) string {
	db := num(jsonFloat(20*math.Log10(math.Abs(i.Factor))), 3)
	f := strings.Fields(i.Note)
	switch {
	case len(f) == 3 && f[0] == "gain" && f[1] == "--db":
		return "gain of " + f[2] + " dB"
	case len(f) == 3 && f[0] == "gain" && f[1] == "--factor":
		return "gain by a factor of " + f[2]
	case len(f) == 3 && f[0] == "normalize" && f[1] == "--peak":
		return "normalize to " + f[2] + " dBFS (gain of " + db + " dB)"
	case len(f) >= 3 && f[0] == "normalize" && f[1] == "--lufs":
		return "normalize to " + f[2] + " LUFS (gain of " + db + " dB)"
	}
	return fmt.Sprintf("%s by a factor of %.6g (%s dB)", i.Op, i.Factor, db)
}

// rerunHint says how to finish the edit i records on name; extra is
// added to the command line.
func rerunHint(i *wavemap.JournalInfo, name, extra string) string {
	f := strings.Fields(i.Note)
	if len(f) >= 3 && (f[0] == "gain" || f[0] == "normalize") {
		return fmt.Sprintf("rerun 'wavemap %s %s'%s to finish it", i.Note, name, extra)
	}
	return "finish it with the program that started it"
}

// refusal is the error of an edit refused because of the journal beside
// name: one line that names the file first, wrapping err.
func refusal(name string, err error, format string, args ...any) error {
	return &namedError{name + ": " + fmt.Sprintf(format, args...), err}
}

// progressOf says how far the edit i got.
func progressOf(i *wavemap.JournalInfo) string {
	return fmt.Sprintf("%d of %d blocks were done", i.Done, i.Blocks)
}

// prepareJournal looks, before cmd edits name in place, for the journal
// of an interrupted edit beside it. It returns the journal path to give
// Gain ("" for none, with --no-journal) and, if the journal records the
// very edit asked for (matches), what it says: the edit is then resumed,
// and said so on standard error. Any other journal is refused with an
// error saying what happened and how to proceed, unless --discard-journal
// removes it first.
func prepareJournal(e *env, cmd, name string, jo journalOpts, matches func(*wavemap.JournalInfo) bool) (string, *wavemap.JournalInfo, error) {
	path := wavemap.JournalPath(name)
	info, err := wavemap.ReadJournal(path)
	if errors.Is(err, fs.ErrNotExist) {
		if *jo.none {
			return "", nil, nil
		}
		return path, nil, nil
	}
	if *jo.discard || (err == nil && info.Complete && !matches(info)) {
		if rerr := os.Remove(path); rerr != nil {
			return "", nil, fileError(name, rerr)
		}
		switch {
		case err != nil:
			fmt.Fprintf(e.stderr, "wavemap %s: %s: discarded a damaged journal (%s): the file is kept as it was\n", cmd, name, oneLine(err))
		case info.Complete:
			fmt.Fprintf(e.stderr, "wavemap %s: %s: removed the journal of a %s that had finished\n", cmd, name, describeEdit(info))
		default:
			fmt.Fprintf(e.stderr, "wavemap %s: %s: discarded the journal of an interrupted %s (%s): the file is kept as it was\n",
				cmd, name, describeEdit(info), progressOf(info))
		}
		if *jo.none {
			return "", nil, nil
		}
		return path, nil, nil
	}
	const discard = "or add --discard-journal to accept the file as it is; nothing changed"
	switch {
	case err != nil:
		return "", nil, refusal(name, err, "the journal of an interrupted edit cannot be used (%s); the file may be partly edited: add --discard-journal to accept it as it is; nothing changed",
			oneLine(err))
	case info.Restarted:
		return "", nil, refusal(name, wavemap.ErrInterrupted, "an interrupted %s (%s by its journal %s) was cut short by a restart of the system: "+
			"the file may be partly edited, and the edit cannot be finished exactly: add --discard-journal to accept the file as it is; nothing changed",
			describeEdit(info), progressOf(info), path)
	case !matches(info):
		return "", nil, refusal(name, wavemap.ErrInterrupted, "an interrupted %s is not finished (%s): %s, %s",
			describeEdit(info), progressOf(info), rerunHint(info, name, ""), discard)
	case *jo.none:
		return "", nil, refusal(name, wavemap.ErrInterrupted, "an interrupted %s is not finished (%s), and --no-journal cannot finish it: %s, %s",
			describeEdit(info), progressOf(info), rerunHint(info, name, " (without --no-journal)"), discard)
	}
	fmt.Fprintf(e.stderr, "wavemap %s: %s: resuming an interrupted %s: %s\n", cmd, name, describeEdit(info), progressOf(info))
	return path, info, nil
}

// noteDryRun tells, on standard error, that a dry run measures a file
// whose journal says it is partly edited.
func noteDryRun(e *env, cmd, name string) {
	if info, err := wavemap.ReadJournal(wavemap.JournalPath(name)); err == nil && !info.Complete {
		fmt.Fprintf(e.stderr, "wavemap %s: %s: note: an interrupted %s is not finished (%s): the dry run measures the file as it is\n",
			cmd, name, describeEdit(info), progressOf(info))
	}
}

// journalHint adds to err, when the journal of an edit could not be
// written beside the file (a folder the user may not write), how to edit
// without one.
func journalHint(err error, journal string) error {
	if err == nil || journal == "" || !errors.Is(err, fs.ErrPermission) {
		return err
	}
	if _, serr := os.Stat(journal); serr == nil {
		return err // the journal is there: the failure is elsewhere
	}
	return fmt.Errorf("%w (no journal can be written beside the file: add --no-journal to edit without one, which an interruption then leaves partly edited)", err)
}

// keptJournal adds to a failed edit's error that its journal was kept,
// when it was: the same command then finishes the edit.
func keptJournal(e *env, cmd, name, path string) {
	if path == "" {
		return
	}
	if _, err := os.Stat(path); err == nil {
		fmt.Fprintf(e.stderr, "wavemap %s: %s: the file is partly edited; its journal %s was kept: rerun the same command to finish the edit\n",
			cmd, name, path)
	}
}

// interruptedEdit describes, for check, the journal of an interrupted
// edit beside name, or returns "" if there is none.
func interruptedEdit(name string) string {
	path := wavemap.JournalPath(name)
	info, err := wavemap.ReadJournal(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return ""
	case err != nil:
		return fmt.Sprintf("interrupted edit: the file may be partly edited, and its journal cannot be used (%s)", oneLine(err))
	case info.Complete:
		return fmt.Sprintf("interrupted edit: a %s that finished, but whose journal %s was not removed: rerun it to remove it", describeEdit(info), path)
	case info.Restarted:
		return fmt.Sprintf("interrupted edit: a %s (%s), cut short by a restart of the system: the file is partly edited, and the edit cannot be finished exactly",
			describeEdit(info), progressOf(info))
	}
	return fmt.Sprintf("interrupted edit: a %s (%s; journal %s): %s, or run gain or normalize with --discard-journal to accept the file as it is",
		describeEdit(info), progressOf(info), path, rerunHint(info, name, ""))
}
