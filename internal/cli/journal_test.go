package cli

import (
	"context"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
)

// interrupt leaves name as a gain by factor with the journal note would
// if it were stopped halfway: half its blocks done, the journal beside
// it. It returns the journal's path.
func interrupt(t *testing.T, name string, factor float64, note string) string {
	t.Helper()
	f, err := wavemap.Open(name, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	half := f.Frames() / 2
	jp := wavemap.JournalPath(name)
	_, err = wavemap.Gain(ctx, f, factor, &wavemap.PassOptions{Workers: 1, BlockFrames: 10000, Journal: jp, JournalNote: note,
		Progress: func(done, _ int64) {
			if done >= half {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupting a gain of %s: %v", name, err)
	}
	return jp
}

// copyFile copies src to a new file dst.
func copyFile(t *testing.T, dst, src string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// wantStderr fails unless r exited with code and its stderr holds every
// one of parts.
func wantStderr(t *testing.T, what string, r result, code int, parts ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("%s: exit %d, want %d; stderr %q", what, r.code, code, r.stderr)
	}
	for _, p := range parts {
		if !strings.Contains(r.stderr, p) {
			t.Errorf("%s: stderr %q lacks %q", what, r.stderr, p)
		}
	}
}

// TestGainResume interrupts a gain, checks that every other edit is
// refused with a message saying what happened and how to proceed, then
// that the same command finishes it exactly once.
func TestGainResume(t *testing.T) {
	dir := t.TempDir()
	name, ref := filepath.Join(dir, "take.wav"), filepath.Join(dir, "ref.wav")
	mustRun(t, "gen", "--type", "s16", "--channels", "2", "--signal", "noise", "--amp", "0.9", "--frames", "200000", name)
	copyFile(t, ref, name)
	want := gainJSONOf(t, "gain", "--no-journal", "--db", "6", ref) // clips a little
	jp := interrupt(t, name, math.Pow(10, 6.0/20), "gain --db 6")
	partly := digest(t, name)
	journal := digest(t, jp)

	r := runCLI(t, "check", name)
	if r.code != exitFailure || !strings.Contains(r.stdout, name+": interrupted edit: a gain of 6 dB (10 of 20 blocks were done") ||
		!strings.Contains(r.stdout, "rerun 'wavemap gain --db 6 "+name+"' to finish it") {
		t.Errorf("check: exit %d, stdout %q", r.code, r.stdout)
	}
	rerun := "rerun 'wavemap gain --db 6 " + name + "' to finish it"
	for _, c := range []struct {
		args  []string
		parts []string
	}{
		{[]string{"gain", "--db", "-3", name}, []string{"wavemap gain: " + name + ": an interrupted gain of 6 dB is not finished (10 of 20 blocks were done)", rerun, "--discard-journal", "nothing changed"}},
		{[]string{"gain", "--factor", "2", name}, []string{"an interrupted gain of 6 dB is not finished", rerun}},
		{[]string{"normalize", name}, []string{"wavemap normalize: " + name + ": an interrupted gain of 6 dB is not finished", rerun}},
		{[]string{"gain", "--no-journal", "--db", "6", name}, []string{"--no-journal cannot finish it", "(without --no-journal)"}},
	} {
		r := runCLI(t, c.args...)
		wantStderr(t, strings.Join(c.args, " "), r, exitFailure, c.parts...)
		if r.stdout != "" || strings.Count(errorMessage(r.stderr)+"\n", "\n") != 1 {
			t.Errorf("%q: stdout %q, stderr %q: want one line on stderr", c.args, r.stdout, r.stderr)
		}
		if digest(t, name) != partly || digest(t, jp) != journal {
			t.Fatalf("%q changed the file or its journal", c.args)
		}
	}
	r = runCLI(t, "gain", "--dry-run", "--db", "6", name)
	wantStderr(t, "dry run", r, exitOK, "note: an interrupted gain of 6 dB is not finished", "the dry run measures the file as it is")
	if digest(t, name) != partly || digest(t, jp) != journal {
		t.Fatal("the dry run changed the file or its journal")
	}

	// The same command, with the factor spelt differently, finishes it.
	r = runCLI(t, "gain", "--json", "--factor", fmtNum(math.Pow(10, 6.0/20)), name)
	wantStderr(t, "rerun", r, exitOK, "wavemap gain: "+name+": resuming an interrupted gain of 6 dB: 10 of 20 blocks were done\n")
	if digest(t, name) != digest(t, ref) {
		t.Error("the rerun gives other samples than one uninterrupted gain")
	}
	if !strings.Contains(r.stdout, `"clipped_samples":`+itoa(want.Clipped)) || want.Clipped == 0 {
		t.Errorf("rerun reports %s, want the %d clipped samples of the whole edit", r.stdout, want.Clipped)
	}
	if _, err := os.Stat(jp); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("journal left after the rerun: %v", err)
	}
	if r := runCLI(t, "check", name); r.code != exitOK {
		t.Errorf("check after the rerun: exit %d, %q", r.code, r.stdout)
	}
}

func itoa(n int64) string { return fmtNum(float64(n)) }

// TestNormalizeResume: an interrupted normalize is finished with the
// factor it measured the first time (measuring the partly scaled file
// again would give another), and a normalize to another peak is refused.
func TestNormalizeResume(t *testing.T) {
	dir := t.TempDir()
	name, ref := filepath.Join(dir, "take.wav"), filepath.Join(dir, "ref.wav")
	mustRun(t, "gen", "--type", "s24", "--signal", "noise", "--amp", "0.3", "--frames", "150000", name)
	copyFile(t, ref, name)
	want := gainJSONOf(t, "normalize", "--no-journal", "--peak", "-1", ref)
	jp := interrupt(t, name, want.Factor, "normalize --peak -1")
	partly := digest(t, name)

	r := runCLI(t, "normalize", "--peak", "-3", name)
	wantStderr(t, "normalize to another peak", r, exitFailure,
		"an interrupted normalize to -1 dBFS (gain of "+num(jsonFloat(20*math.Log10(want.Factor)), 3)+" dB) is not finished (8 of 15 blocks were done)",
		"rerun 'wavemap normalize --peak -1 "+name+"' to finish it")
	if digest(t, name) != partly {
		t.Fatal("the refusal changed the file")
	}
	wantStderr(t, "gain", runCLI(t, "gain", "--factor", fmtNum(want.Factor), name), exitFailure, "an interrupted normalize to -1 dBFS")

	got := gainJSONOf(t, "normalize", "--peak", "-1dB", name)
	if got.Factor != want.Factor || *got.PeakBefore-*want.PeakBefore > 1e-9 || got.Clipped != want.Clipped {
		t.Errorf("resumed normalize: %+v, want %+v", got, want)
	}
	if digest(t, name) != digest(t, ref) {
		t.Error("the resumed normalize gives other samples than one uninterrupted normalize")
	}
	if _, err := os.Stat(jp); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("journal left after the rerun: %v", err)
	}
}

// TestDiscardJournal: --discard-journal accepts a partly edited file as it
// is, alone (gain) or before the edit asked for; a damaged journal is
// refused until it is discarded.
func TestDiscardJournal(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "take.wav")
	mustRun(t, "gen", "--type", "f32", "--signal", "noise", "--frames", "100000", name)
	jp := interrupt(t, name, 0.5, "gain --factor 0.5")
	partly := digest(t, name)
	r := runCLI(t, "gain", "--discard-journal", name)
	wantStderr(t, "discard alone", r, exitOK,
		"wavemap gain: "+name+": discarded the journal of an interrupted gain by a factor of 0.5 (5 of 10 blocks were done): the file is kept as it was")
	if digest(t, name) != partly {
		t.Error("discarding the journal changed the file")
	}
	if _, err := os.Stat(jp); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("journal left: %v", err)
	}

	// Then an edit of its own, and a journal that cannot be read.
	interrupt(t, name, 0.5, "gain --factor 0.5")
	r = runCLI(t, "normalize", "--discard-journal", name)
	wantStderr(t, "discard, then normalize", r, exitOK, "discarded the journal of an interrupted gain")
	if !strings.Contains(r.stdout, "peak") {
		t.Errorf("normalize after the discard: %q", r.stdout)
	}
	if err := os.WriteFile(jp, []byte("WMJRNL\r\n not really"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := digest(t, name)
	r = runCLI(t, "gain", "--db", "-1", name)
	wantStderr(t, "damaged journal", r, exitFailure, "wavemap gain: "+name+": the journal of an interrupted edit cannot be used", "damaged", "--discard-journal")
	if r := runCLI(t, "check", name); r.code != exitFailure || !strings.Contains(r.stdout, "interrupted edit: the file may be partly edited") {
		t.Errorf("check of a damaged journal: exit %d, %q", r.code, r.stdout)
	}
	if digest(t, name) != before {
		t.Error("refusing a damaged journal changed the file")
	}
	r = runCLI(t, "gain", "--db", "-1", "--discard-journal", name)
	wantStderr(t, "discard a damaged journal", r, exitOK, "discarded a damaged journal")
	if _, err := os.Stat(jp); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("journal left: %v", err)
	}
}

// TestEditJournalLeftAlone: a finished edit, a dry run and --no-journal
// leave no journal; a read-only file is refused before one is written; a
// gain without --db or --factor is a usage error unless it only discards.
func TestEditJournalLeftAlone(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "take.wav")
	mustRun(t, "gen", "--frames", "50000", name)
	for _, args := range [][]string{
		{"gain", "--db", "-6", name},
		{"gain", "--db", "-6", "--sync", name},
		{"gain", "--db", "-6", "--no-journal", name},
		{"gain", "--db", "-6", "--dry-run", name},
		{"normalize", name},
		{"normalize", "--dry-run", name},
		{"normalize", "--sync", "--no-journal", name},
	} {
		mustRun(t, args...)
		if names := dirNames(t, dir); len(names) != 1 {
			t.Errorf("%q left %v", args, names)
		}
	}
	if r := runCLI(t, "gain", name); r.code != exitUsage {
		t.Errorf("gain without a level: exit %d", r.code)
	}
	if err := os.Chmod(name, 0o444); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"gain", "normalize"} {
		args := []string{cmd, name}
		if cmd == "gain" {
			args = []string{cmd, "--db", "3", name}
		}
		wantStderr(t, cmd+" of a read-only file", runCLI(t, args...), exitFailure, "read-only")
		if names := dirNames(t, dir); len(names) != 1 {
			t.Errorf("%s of a read-only file left %v", cmd, names)
		}
	}
}
