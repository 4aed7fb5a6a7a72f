//go:build unix

package crashtest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/atomicfile"
)

// chanOp is a channel command under test: its arguments (IN and OUT are
// replaced by the paths of in.wav and out.wav in the run's directory) and
// the names it writes, in the order it commits them.
type chanOp struct {
	name string
	args []string
	outs []string
}

func chanOps() []chanOp {
	return []chanOp{
		// A stereo input without a mask: FL and FR, committed in that order.
		{name: "split", args: []string{"split", "IN", "OUT"}, outs: []string{"out.FL.wav", "out.FR.wav"}},
		{name: "merge", args: []string{"merge", "IN", "IN", "OUT"}, outs: []string{"out.wav"}},
		// A mix (decode, sum, round) and a byte copy in one output.
		{name: "remix", args: []string{"remix", "IN", "OUT", "1v0.5,2v0.5", "2", "1v-1"}, outs: []string{"out.wav"}},
	}
}

// chanFixture writes a fresh directory for one run: in.wav (a copy of the
// pristine input) and, at every output name, an older file that is none
// of the outputs (mono sine, shorter).
func chanFixture(t *testing.T, in, old []byte, outs []string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "in.wav"), in, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, o := range outs {
		if err := os.WriteFile(filepath.Join(dir, o), old, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func (o chanOp) cmd(bin, dir string) *exec.Cmd {
	a := slices.Clone(o.args)
	for i, s := range a {
		switch s {
		case "IN":
			a[i] = filepath.Join(dir, "in.wav")
		case "OUT":
			a[i] = filepath.Join(dir, "out.wav")
		}
	}
	return exec.Command(bin, a...)
}

// TestKillChannelCommands SIGKILLs split, merge and remix at seeded random
// moments (as TestKillAnywhere does the older commands) over existing
// outputs. What the commands promise, and what is checked after each
// kill:
//
//   - every output name holds the old file or the complete new one (each
//     output is renamed into place whole);
//   - split commits its outputs one after the other, in order, once the
//     pass is done: the outputs that are new form a prefix of that order;
//   - a kill between two commits leaves the outputs not yet committed
//     old, each with its partial file beside it, so the mixed state is
//     detectable: wavemap check reports every file left that is not an
//     output (and they are then removed);
//   - the input, opened read-only, has not changed by a byte.
//
// The old file and the new outputs of an uninterrupted run are opened in
// wavemap, sox and ffprobe once: a file left after a kill must be one of
// them byte for byte, which is checked by hash.
func TestKillChannelCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test runs hundreds of processes: skipped under -short")
	}
	bin := buildTools(t)
	pristine := t.TempDir()
	// 60 s of s16 stereo: 11.5 MB, so that a run lasts long enough for
	// the kills to land in the pass and between the commits.
	run(t, bin, "gen", "--seconds", "60", "--signal", "noise", filepath.Join(pristine, "in.wav"))
	run(t, bin, "gen", "--seconds", "2", "--channels", "1", "--signal", "sine", filepath.Join(pristine, "old.wav"))
	in, err := os.ReadFile(filepath.Join(pristine, "in.wav"))
	if err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(filepath.Join(pristine, "old.wav"))
	if err != nil {
		t.Fatal(err)
	}
	oldHash := hash(t, filepath.Join(pristine, "old.wav"))
	inHash := hash(t, filepath.Join(pristine, "in.wav"))
	opens(t, filepath.Join(pristine, "old.wav"))
	seed := uint64(envInt("WAVEMAP_CRASH_SEED", 1))
	kills := envInt("WAVEMAP_CRASH_KILLS", 20)
	for _, o := range chanOps() {
		t.Run(o.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, uint64(len(o.name))))
			ref := chanFixture(t, in, old, o.outs)
			start := time.Now()
			if out, err := o.cmd(bin, ref).CombinedOutput(); err != nil {
				t.Fatalf("uninterrupted run: %v\n%s", err, out)
			}
			took := time.Since(start)
			newHash := map[string]string{}
			for _, name := range o.outs {
				newHash[name] = hash(t, filepath.Join(ref, name))
				if newHash[name] == oldHash {
					t.Fatalf("the uninterrupted run left %s as it was", name)
				}
				opens(t, filepath.Join(ref, name))
			}
			var landed, mixed int
			for k := range kills {
				dir := chanFixture(t, in, old, o.outs)
				delay := time.Duration(rng.Int64N(int64(took) + int64(took)/5 + 1))
				cmd := o.cmd(bin, dir)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				time.Sleep(delay)
				cmd.Process.Signal(syscall.SIGKILL)
				if cmd.Wait() != nil {
					landed++
				}
				what := fmt.Sprintf("%s killed after %v (kill %d, seed %d)", o.name, delay, k, seed)
				fresh := 0 // outputs that are new, counted from the first
				for i, name := range o.outs {
					switch got := hash(t, filepath.Join(dir, name)); {
					case got == newHash[name] && fresh == i:
						fresh++
					case got == newHash[name]:
						t.Errorf("%s: %s is new but an output committed before it is not: the commits are out of order", what, name)
					case got != oldHash:
						t.Errorf("%s: %s is neither the old file nor the complete new one", what, name)
					}
				}
				if fresh > 0 && fresh < len(o.outs) {
					mixed++
					for _, name := range o.outs[fresh:] {
						if ps, _ := atomicfile.Partials(filepath.Join(dir, name)); len(ps) == 0 {
							t.Errorf("%s: %v are new, %s is old and no partial file says it was being replaced", what, o.outs[:fresh], name)
						}
					}
				}
				if hash(t, filepath.Join(dir, "in.wav")) != inHash {
					t.Errorf("%s: the input changed", what)
				}
				leftovers(t, bin, dir, what, append([]string{"in.wav"}, o.outs...))
			}
			t.Logf("%d kills: %d landed during the run, %d between two commits (run takes %v)", kills, landed, mixed, took)
		})
	}
}

// leftovers asserts that every file in dir but those named known is
// reported by wavemap check as unfinished, and removes it.
func leftovers(t *testing.T, bin, dir, what string, known []string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if slices.Contains(known, e.Name()) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if out, err := exec.Command(bin, "check", path).CombinedOutput(); err == nil {
			t.Errorf("%s: %s is left behind and check says nothing of it:\n%s", what, e.Name(), out)
		}
		os.Remove(path)
	}
}

// opens fails unless wavemap, sox and ffprobe all open the WAVE file at
// path without a complaint.
func opens(t *testing.T, path string) {
	t.Helper()
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Errorf("wavemap cannot open %s: %v", path, err)
	} else {
		f.Close()
	}
	if out, err := exec.Command("sox", "--i", path).CombinedOutput(); err != nil {
		t.Errorf("sox cannot open %s: %v\n%s", path, err, out)
	}
	if out, err := exec.Command("ffprobe", "-v", "error", path).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("ffprobe on %s: %v\n%s", path, err, out)
	}
}
