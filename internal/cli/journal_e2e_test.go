//go:build unix

package cli

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wavemap/wavemap"
)

// TestBinaryKillEdits kills the wavemap binary with SIGKILL at random
// moments (seeded) while it runs gain or normalize, runs the same command
// again, killing it too at times, until a run is not killed: the file must
// then be the same as after one uninterrupted run, with no journal left.
func TestBinaryKillEdits(t *testing.T) {
	bin := wavemapBinary(t)
	dir := t.TempDir()
	name, ref := filepath.Join(dir, "take.wav"), filepath.Join(dir, "ref.wav")
	frames, kills := "8000000", 30 // 32 MiB
	if testing.Short() {
		frames, kills = "3000000", 12
	}
	mustRun(t, "gen", "--type", "s16", "--channels", "2", "--signal", "noise", "--amp", "0.5", "--frames", frames, name)
	orig, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	reset := func() {
		t.Helper()
		os.Remove(wavemap.JournalPath(name))
		if err := os.WriteFile(name, orig, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(7, 2026))
	for _, edit := range [][]string{{"gain", "-q", "--db", "-6"}, {"normalize", "-q", "--peak", "-0.5"}} {
		reset()
		copyFile(t, ref, name)
		mustRun(t, append(append(edit, "--no-journal"), ref)...)
		want := digest(t, ref)

		// run runs the edit on name, killing it after delay unless delay
		// is negative; it reports whether the run finished.
		run := func(delay time.Duration) (finished bool, took time.Duration, stderr string) {
			t.Helper()
			cmd := exec.Command(bin, append(edit, name)...)
			var errb bytes.Buffer
			cmd.Stderr = &errb
			start := time.Now()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			if delay >= 0 {
				time.AfterFunc(delay, func() { cmd.Process.Kill() })
			}
			err := cmd.Wait()
			took = time.Since(start)
			var ee *exec.ExitError
			switch {
			case err == nil:
				return true, took, errb.String()
			case errors.As(err, &ee) && !ee.Exited() && delay >= 0:
				return false, took, errb.String()
			}
			t.Fatalf("%q: %v\n%s", edit, err, errb.String())
			return
		}
		reset()
		_, span, _ := run(-1)
		if digest(t, name) != want {
			t.Fatalf("%q with a journal gives another file than without", edit)
		}
		killed, resumed, chains := 0, 0, 0
		for killed < kills {
			reset()
			chains++
			for chain := 0; ; chain++ {
				delay := time.Duration(rng.Int64N(int64(span)))
				if chain == 3 {
					delay = -1 // enough: let it finish
				}
				finished, _, stderr := run(delay)
				resumed += strings.Count(stderr, "resuming an interrupted")
				if finished {
					break
				}
				killed++
				if _, err := os.Stat(wavemap.JournalPath(name)); errors.Is(err, os.ErrNotExist) && digest(t, name) == want {
					break // killed after the edit was complete, as it exited
				}
			}
			if digest(t, name) != want {
				t.Fatalf("%q: after %d kills the file differs from one uninterrupted run", edit, killed)
			}
			if _, err := os.Stat(wavemap.JournalPath(name)); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("%q: journal left: %v", edit, err)
			}
		}
		t.Logf("%s: %d kills in %d edits (%d resumed), each run %v uninterrupted", edit[0], killed, chains, resumed, span)
	}
}
