package wavemap_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wavemap/wavemap"
)

// killChildEnv holds, for the child process of TestJournalKill, the file,
// factor, workers and block size of the Gain to run.
const killChildEnv = "WAVEMAP_JOURNAL_KILL_CHILD"

// TestJournalKillChild is the process that TestJournalKill kills: it
// runs a journaled Gain on the file named in its environment, saying "go"
// when it starts and the clipped count when it is done.
func TestJournalKillChild(t *testing.T) {
	spec := os.Getenv(killChildEnv)
	if spec == "" {
		t.Skip("the child process of TestJournalKill")
	}
	var path string
	var factor float64
	var workers, block int
	if _, err := fmt.Sscanf(spec, "%q %g %d %d", &path, &factor, &workers, &block); err != nil {
		t.Fatal(err)
	}
	f, err := wavemap.Open(path, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("go")
	n, err := wavemap.Gain(context.Background(), f, factor,
		&wavemap.PassOptions{Workers: workers, BlockFrames: block, Journal: wavemap.JournalPath(path)})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("clipped %d\n", n)
}

// TestJournalKill runs journaled Gains in child processes and kills them
// (SIGKILL on Unix) at random moments, the reruns too, until each edit is
// finished by a run that is not killed: the samples and the clipped count
// must be those of one uninterrupted Gain, and the journal gone. The
// moments are drawn from a seeded generator over the time an
// uninterrupted run takes. A kill after Gain has removed the journal, as
// the child reports and exits, finds the edit complete: the file is then
// checked, not edited again (nothing can tell such a kill from success).
func TestJournalKill(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip("no test executable to run as a child:", err)
	}
	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}
	frames, wantKills := int64(4<<20), 60 // 16 MiB
	if testing.Short() {
		frames, wantKills = 2<<20, 24
	}
	const factor, workers, block = 1.9, 3, 8192
	f, path := randomFile(t, format, frames, 41)
	orig := bytes.Clone(f.Bytes())
	f.Close()
	want, wantClipped := refGain(format, orig, factor)
	wantHash := sha256.Sum256(want)

	var lastRun time.Duration // from "go" to the end of the last run that finished

	// run starts a child on path and kills it after delay, or lets it
	// finish if delay < 0. It returns whether the child finished and the
	// clipped count it reported.
	run := func(delay time.Duration) (finished bool, clipped int64) {
		t.Helper()
		cmd := exec.Command(exe, "-test.run=^TestJournalKillChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%q %v %d %d", killChildEnv, path, factor, workers, block))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(out)
		if !lines.Scan() || lines.Text() != "go" {
			cmd.Wait()
			t.Fatalf("child did not start: %q %s", lines.Text(), stderr.String())
		}
		started := time.Now()
		if delay >= 0 {
			time.Sleep(delay)
			cmd.Process.Kill()
		}
		var rest []string
		for lines.Scan() {
			rest = append(rest, lines.Text())
		}
		err = cmd.Wait()
		for _, l := range rest {
			if s, ok := strings.CutPrefix(l, "clipped "); ok {
				// Done, though the kill may have come before the exit.
				n, perr := strconv.ParseInt(s, 10, 64)
				if perr != nil {
					t.Fatalf("child: %q, %v", l, err)
				}
				lastRun = time.Since(started)
				return true, n
			}
		}
		if delay < 0 || err == nil {
			t.Fatalf("child neither finished nor was killed: %v\n%s\n%s", err, strings.Join(rest, "\n"), stderr.String())
		}
		return false, 0
	}
	check := func(clipped int64) {
		t.Helper()
		g, err := wavemap.Open(path, wavemap.ReadOnly, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer g.Close()
		if sha256.Sum256(g.Bytes()) != wantHash || clipped != wantClipped {
			t.Fatalf("after the kills: other samples (hash) or %d clipped, want %d", clipped, wantClipped)
		}
		if _, err := os.Stat(wavemap.JournalPath(path)); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("journal left after the edit: %v", err)
		}
	}
	reset := func() {
		t.Helper()
		g, err := wavemap.Open(path, wavemap.ReadWrite, nil)
		if err != nil {
			t.Fatal(err)
		}
		copy(g.Bytes(), orig)
		g.Close()
	}

	// An uninterrupted run, to time.
	if ok, n := run(-1); !ok {
		t.Fatal("uninterrupted child did not finish")
	} else {
		check(n)
	}
	span := lastRun
	t.Logf("an uninterrupted child takes %v", span)

	rng := rand.New(rand.NewPCG(2026, 12))
	kills, midPass, late, edits := 0, 0, 0, 0
	reset()
	// Kill until wantKills kills, two thirds of them during the edit (on
	// a loaded machine more kills miss it: at most four times as many).
	for (kills < wantKills || midPass < wantKills*2/3) && kills < 4*wantKills {
		finished, n := run(time.Duration(rng.Int64N(int64(span))))
		if finished { // too late: aim earlier from now on
			check(n)
			edits++
			reset()
			span = span * 9 / 10
			continue
		}
		kills++
		if _, err := os.Stat(wavemap.JournalPath(path)); err == nil {
			midPass++
		} else {
			// Killed before the journal was made (the file as it was) or
			// after it was removed (the edit complete, but not reported):
			// nothing in between.
			g, err := wavemap.Open(path, wavemap.ReadOnly, nil)
			if err != nil {
				t.Fatal(err)
			}
			done, untouched := sha256.Sum256(g.Bytes()) == wantHash, bytes.Equal(g.Bytes(), orig)
			g.Close()
			if !done && !untouched {
				t.Fatalf("kill %d left a partly edited file without a journal", kills)
			}
			if done {
				late++
				reset()
				continue
			}
		}
		if kills%4 == 0 { // then let it finish
			finished, n := run(-1)
			if !finished {
				t.Fatal("rerun did not finish")
			}
			check(n)
			edits++
			reset()
		}
	}
	if kills%4 != 0 { // the last kill's edit, finished
		finished, n := run(-1)
		if !finished {
			t.Fatal("rerun did not finish")
		}
		check(n)
		edits++
	}
	t.Logf("%d kills (%d with a journal left, %d after the edit was complete), %d edits finished exactly", kills, midPass, late, edits)
	if midPass < wantKills*2/3 {
		t.Errorf("only %d of %d kills landed during the edit", midPass, kills)
	}
}

// interruptedGain runs a journaled Gain on path that stops (its context
// cancelled) after about half the blocks, and returns the journal's path.
func interruptedGain(t *testing.T, path string, factor float64) string {
	t.Helper()
	f, err := wavemap.Open(path, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	total := f.Frames()
	jp := wavemap.JournalPath(path)
	_, err = wavemap.Gain(ctx, f, factor, &wavemap.PassOptions{Workers: 1, BlockFrames: 1000, Journal: jp,
		Progress: func(done, _ int64) {
			if done >= total/2 {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted gain: %v", err)
	}
	return jp
}

// fileHash returns the SHA-256 of the file at path.
func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// TestJournalRefuses checks that a journal is never finished on the wrong
// terms: another factor, another file, or the file changed since. Each
// refusal wraps ErrInterrupted and changes neither file nor journal.
func TestJournalRefuses(t *testing.T) {
	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 44100}
	f, path := randomFile(t, format, 10000, 1)
	f.Close()
	jp := interruptedGain(t, path, 0.5)
	info, err := wavemap.ReadJournal(jp)
	if err != nil || info.Op != "gain" || info.Factor != 0.5 || info.Blocks != 10 || info.Done != 5 || info.Complete || info.Restarted {
		t.Fatalf("ReadJournal: %+v, %v", info, err)
	}
	refuse := func(what, path, jp string, factor float64) {
		t.Helper()
		before, jbefore := fileHash(t, path), fileHash(t, jp)
		g, err := wavemap.Open(path, wavemap.ReadWrite, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = wavemap.Gain(context.Background(), g, factor, &wavemap.PassOptions{Journal: jp})
		g.Close()
		if !errors.Is(err, wavemap.ErrInterrupted) {
			t.Errorf("%s: Gain returned %v, want ErrInterrupted", what, err)
		} else {
			t.Logf("%s: %v", what, err)
		}
		if fileHash(t, path) != before || fileHash(t, jp) != jbefore {
			t.Errorf("%s: the refusal changed the file or its journal", what)
		}
	}
	refuse("another factor", path, jp, 0.7)
	refuse("the factor negated", path, jp, -0.5)

	// Another file with the same header and size (another inode).
	if runtime.GOOS != "windows" {
		g, other := randomFile(t, format, 10000, 2)
		g.Close()
		b, err := os.ReadFile(jp)
		if err != nil {
			t.Fatal(err)
		}
		ojp := wavemap.JournalPath(other)
		if err := os.WriteFile(ojp, b, 0o644); err != nil {
			t.Fatal(err)
		}
		refuse("another file", other, ojp, 0.5)
	}

	// The file changed: a header byte (the RIFF size), or its length.
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	changed := bytes.Clone(b)
	changed[4]++
	if err := os.WriteFile(path, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	refuse("a header byte changed", path, jp, 0.5)
	if err := os.WriteFile(path, append(bytes.Clone(b), 0, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	refuse("the file grown", path, jp, 0.5)

	// The file as it was: the same factor finishes the edit.
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	g, err := wavemap.Open(path, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if _, err := wavemap.Gain(context.Background(), g, 0.5, &wavemap.PassOptions{Journal: jp}); err != nil {
		t.Fatalf("finishing: %v", err)
	}
	if _, err := wavemap.ReadJournal(jp); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("journal after the edit: %v", err)
	}
}

// TestJournalWritesNothingWhenItShouldNot: a dry run, a ReadOnly or
// CopyOnWrite file, a note too long, a file without frames and a
// cancelled context write no journal; the first three refuse.
func TestJournalWritesNothingWhenItShouldNot(t *testing.T) {
	format := wavemap.Format{Encoding: wavemap.EncodingFloat32, Channels: 1, SampleRate: 8000}
	f, path := randomFile(t, format, 5000, 3)
	f.Close()
	jp := wavemap.JournalPath(path)
	before := fileHash(t, path)
	for _, c := range []struct {
		what string
		mode wavemap.Mode
		opts wavemap.PassOptions
		ctx  func() context.Context
		want error
	}{
		{"dry run", wavemap.ReadOnly, wavemap.PassOptions{DryRun: true}, nil, nil},
		{"dry run read-write", wavemap.ReadWrite, wavemap.PassOptions{DryRun: true}, nil, nil},
		{"read-only", wavemap.ReadOnly, wavemap.PassOptions{}, nil, wavemap.ErrReadOnly},
		{"copy-on-write", wavemap.CopyOnWrite, wavemap.PassOptions{}, nil, wavemap.ErrArgument},
		{"note too long", wavemap.ReadWrite, wavemap.PassOptions{JournalNote: strings.Repeat("x", 257)}, nil, wavemap.ErrArgument},
		{"cancelled", wavemap.ReadWrite, wavemap.PassOptions{}, func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, context.Canceled},
	} {
		g, err := wavemap.Open(path, c.mode, nil)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if c.ctx != nil {
			ctx = c.ctx()
		}
		c.opts.Journal = jp
		_, err = wavemap.Gain(ctx, g, 2, &c.opts)
		g.Close()
		if (c.want == nil && err != nil) || !errors.Is(err, c.want) {
			t.Errorf("%s: Gain returned %v, want %v", c.what, err, c.want)
		}
		if _, err := os.Stat(jp); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: a journal was written (%v)", c.what, err)
		}
		if _, err := os.Stat(jp + ".new"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: a temporary journal was written (%v)", c.what, err)
		}
		if fileHash(t, path) != before {
			t.Fatalf("%s: the file changed", c.what)
		}
	}

	// No frames: nothing to journal.
	empty := filepath.Join(t.TempDir(), "empty.wav")
	g, err := wavemap.Create(empty, format, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wavemap.Gain(context.Background(), g, 2, &wavemap.PassOptions{Journal: wavemap.JournalPath(empty)}); err != nil {
		t.Errorf("empty file: %v", err)
	}
	g.Close()
	if _, err := os.Stat(wavemap.JournalPath(empty)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("empty file: a journal was written (%v)", err)
	}
	if _, err := wavemap.ReadJournal(jp); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadJournal of no journal: %v, want fs.ErrNotExist", err)
	}
}

// TestJournalSameAsGain: a journaled Gain, with and without Sync, gives
// the same bytes and count as a plain one, for every encoding, and leaves
// no journal.
func TestJournalSameAsGain(t *testing.T) {
	for _, enc := range allEncodings {
		format := wavemap.Format{Encoding: enc, Channels: 2, SampleRate: 8000}
		f, path := randomFile(t, format, 7001, uint64(enc))
		orig := bytes.Clone(f.Bytes())
		want, wantClipped := refGain(format, orig, -1.3)
		for _, sync := range []bool{false, true} {
			copy(f.Bytes(), orig)
			opts := &wavemap.PassOptions{BlockFrames: 1000, Journal: wavemap.JournalPath(path), Sync: sync}
			n, err := wavemap.Gain(context.Background(), f, -1.3, opts)
			if err != nil || n != wantClipped || !bytes.Equal(f.Bytes(), want) {
				t.Errorf("%s sync %v: %d clipped (want %d), %v, samples equal: %v", enc, sync, n, wantClipped, err, bytes.Equal(f.Bytes(), want))
			}
			if _, err := os.Stat(opts.Journal); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s: journal left: %v", enc, err)
			}
		}
		f.Close()
	}
}

// FuzzReadJournal: no input makes ReadJournal panic, and what it accepts
// is consistent.
func FuzzReadJournal(f *testing.F) {
	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 1, SampleRate: 8000}
	path := filepath.Join(f.TempDir(), "seed.wav")
	g, err := wavemap.Create(path, format, 3000, nil)
	if err != nil {
		f.Fatal(err)
	}
	g.Close()
	seed := seedJournal(f, path)
	f.Add(seed)
	f.Add(seed[:4096])
	f.Add([]byte("WMJRNL\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), ".x.wav.wavemap-journal")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		info, err := wavemap.ReadJournal(p)
		if err != nil {
			if !errors.Is(err, wavemap.ErrInterrupted) {
				t.Fatalf("error %v does not wrap ErrInterrupted", err)
			}
			return
		}
		if info.Done < 0 || info.Done > info.Blocks || info.BlockFrames < 1 || (info.Complete && info.Done != info.Blocks) {
			t.Fatalf("inconsistent journal accepted: %+v", info)
		}
	})
}

// seedJournal returns the journal of a gain of path interrupted halfway.
func seedJournal(f *testing.F, path string) []byte {
	g, err := wavemap.Open(path, wavemap.ReadWrite, nil)
	if err != nil {
		f.Fatal(err)
	}
	defer g.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	jp := wavemap.JournalPath(path)
	wavemap.Gain(ctx, g, 0.5, &wavemap.PassOptions{Workers: 1, BlockFrames: 500, Journal: jp,
		Progress: func(done, _ int64) {
			if done >= 1500 {
				cancel()
			}
		}})
	b, err := os.ReadFile(jp)
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// BenchmarkGainJournal is BenchmarkGain with a journal: the price of an
// edit that can be finished after a kill (one copy of every block into
// the journal's reused pages, and the journal's creation, fsync included).
func BenchmarkGainJournal(b *testing.B) {
	for _, enc := range []wavemap.Encoding{wavemap.EncodingInt16, wavemap.EncodingFloat32} {
		b.Run(enc.String(), func(b *testing.B) {
			f := passFile(b, enc, wavemap.ReadWrite)
			b.SetBytes(int64(len(f.Bytes())))
			opts := &wavemap.PassOptions{Journal: wavemap.JournalPath(f.Name())}
			factor := 0.5
			for b.Loop() {
				if _, err := wavemap.Gain(context.Background(), f, factor, opts); err != nil {
					b.Fatal(err)
				}
				factor = 1 / factor
			}
		})
	}
}
