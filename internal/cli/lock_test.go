package cli

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// needLocks skips the test where the library takes no locks.
func needLocks(t *testing.T) {
	t.Helper()
	switch runtime.GOOS {
	case "darwin", "dragonfly", "freebsd", "linux", "netbsd", "openbsd", "solaris", "illumos", "windows", "android", "ios":
		return
	}
	t.Skipf("no file locks on %s", runtime.GOOS)
}

// contestedFrames is the length of the files the concurrent tests fight
// over: 64 MiB of s16 stereo, long enough to edit that two commands
// started together overlap.
const contestedFrames = 16 << 20

// together runs every command line at once, in process (released at the
// same moment), and returns their results in order.
func together(t *testing.T, lines ...[]string) []result {
	t.Helper()
	res := make([]result, len(lines))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, args := range lines {
		wg.Go(func() {
			<-start
			res[i] = runCLI(t, args...)
		})
	}
	close(start)
	wg.Wait()
	return res
}

// wantInUse fails unless r is a failure (exit 1) whose one-line message
// comes from cmd, names path and says that it is in use.
func wantInUse(t *testing.T, cmd string, r result, path string) {
	t.Helper()
	msg := errorMessage(r.stderr)
	switch {
	case r.code != exitFailure:
		t.Errorf("%s: exit %d, want 1 (stderr %q)", cmd, r.code, r.stderr)
	case strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "wavemap "+cmd+": "):
		t.Errorf("%s: want one line starting \"wavemap %s: \", got %q", cmd, cmd, r.stderr)
	case !strings.Contains(msg, path) || !strings.Contains(msg, "in use"):
		t.Errorf("%s: %q does not name %s and say it is in use", cmd, msg, path)
	}
}

// TestConcurrentGain runs two gains on one file at the same moment.
// Without a lock both succeed and the file ends up a mix of samples
// gained once and twice; with it exactly one runs, the other says the
// file is in use, and the file is the original gained once. Should the
// two fail to overlap at all (the first finished before the second
// started), both succeed and the file must be gained exactly twice; the
// test then tries again, and fails if the runs never overlap.
func TestConcurrentGain(t *testing.T) {
	needLocks(t)
	dir := t.TempDir()
	orig := filepath.Join(dir, "orig.wav")
	mustRun(t, "gen", "--type", "s16", "--channels", "2", "--signal", "noise", "--amp", "0.9", "--frames", strconv.Itoa(contestedFrames), orig)
	once := filepath.Join(dir, "once.wav")
	copyFile(t, once, orig)
	mustRun(t, "gain", "--factor", "0.5", once)
	wantOnce := readS16(t, once)
	twice := filepath.Join(dir, "twice.wav")
	copyFile(t, twice, once)
	mustRun(t, "gain", "--factor", "0.5", twice)
	wantTwice := readS16(t, twice)
	if slices.Equal(wantOnce, wantTwice) {
		t.Fatal("gaining once and twice give the same file: the test cannot tell them apart")
	}
	os.Remove(once)
	os.Remove(twice)

	path := filepath.Join(dir, "take.wav")
	for attempt := 1; attempt <= 3; attempt++ {
		copyFile(t, path, orig)
		gain := []string{"gain", "--factor", "0.5", path}
		res := together(t, gain, gain)
		got := readS16(t, path)
		switch {
		case res[0].code == exitOK && res[1].code == exitOK:
			if !slices.Equal(got, wantTwice) {
				t.Fatal("both gains succeeded and the file is not gained twice: updates were lost")
			}
			t.Logf("attempt %d: both gains succeeded, one after the other (the file is gained twice); again", attempt)
			continue
		case res[0].code == exitOK:
			wantInUse(t, "gain", res[1], path)
		case res[1].code == exitOK:
			wantInUse(t, "gain", res[0], path)
		default:
			t.Fatalf("neither gain succeeded: %+v", res)
		}
		if !slices.Equal(got, wantOnce) {
			t.Error("the file is not the original gained once")
		}
		if names := dirNames(t, dir); !slices.Equal(names, []string{"orig.wav", "take.wav"}) {
			t.Errorf("the directory holds %q", names)
		}
		return
	}
	t.Fatal("the two gains never overlapped in 3 attempts")
}

// TestConvertDuringGain starts a convert of a file at the moment a gain
// of it starts. The convert must either fail at once (the file is in
// use) and leave no output, or, if it ran before or after the gain,
// write a copy of the file entirely as it was or entirely as gained
// (byte for byte the convert of either): never a mix of old and new
// samples.
func TestConvertDuringGain(t *testing.T) {
	needLocks(t)
	dir := t.TempDir()
	orig := filepath.Join(dir, "orig.wav")
	mustRun(t, "gen", "--type", "s16", "--channels", "2", "--signal", "noise", "--amp", "0.9", "--frames", strconv.Itoa(contestedFrames), orig)
	ref := filepath.Join(dir, "ref.wav")
	mustRun(t, "convert", "--to", "f32", orig, ref)
	wantOld := wavtest.HashFile(t, ref)
	gained := filepath.Join(dir, "gained.wav")
	copyFile(t, gained, orig)
	mustRun(t, "gain", "--factor", "0.5", gained)
	wantGained := wavtest.HashFile(t, gained)
	mustRun(t, "convert", "--to", "f32", gained, ref)
	wantNew := wavtest.HashFile(t, ref)
	if wantOld == wantNew {
		t.Fatal("the converts before and after the gain are the same: the test cannot tell them apart")
	}
	os.Remove(ref)
	os.Remove(gained)

	path := filepath.Join(dir, "take.wav")
	out := filepath.Join(dir, "out.wav")
	for attempt := 1; attempt <= 3; attempt++ {
		copyFile(t, path, orig)
		os.Remove(out)
		res := together(t, []string{"gain", "--factor", "0.5", path}, []string{"convert", "--to", "f32", path, out})
		gain, conv := res[0], res[1]
		if gain.code != exitOK {
			wantInUse(t, "gain", gain, path)
		} else if wavtest.HashFile(t, path) != wantGained {
			t.Error("gain succeeded but the file is not the original gained once")
		}
		want := []string{"orig.wav", "take.wav"}
		if conv.code != exitOK {
			wantInUse(t, "convert", conv, path)
		} else {
			want = []string{"orig.wav", "out.wav", "take.wav"}
			if h := wavtest.HashFile(t, out); h != wantOld && h != wantNew {
				t.Fatal("convert wrote a mix of samples from before and after the gain")
			}
		}
		if names := dirNames(t, dir); !slices.Equal(names, want) {
			t.Errorf("the directory holds %q, want %q", names, want)
		}
		switch {
		case gain.code != exitOK && conv.code != exitOK:
			t.Fatalf("both failed: gain %q, convert %q", gain.stderr, conv.stderr)
		case gain.code != exitOK || conv.code != exitOK:
			return // they overlapped, and one of them stood back
		}
		t.Logf("attempt %d: gain and convert did not overlap; again", attempt)
	}
	t.Fatal("gain and convert never overlapped in 3 attempts")
}

// TestCommandsWhileLocked runs every command on a file that another
// File holds: while a writer (as gain) has it, every command fails at
// once saying the file is in use, changes nothing and leaves no output;
// while a reader has it, the commands that only read work and those that
// edit in place are refused.
func TestCommandsWhileLocked(t *testing.T) {
	needLocks(t)
	for _, holder := range []wavemap.Mode{wavemap.ReadWrite, wavemap.ReadOnly} {
		for _, cmd := range badInputCommands {
			if cmd.noInput {
				continue
			}
			label := cmd.name
			if cmd.name == "raw" && !cmd.wantsWAVE {
				label = "raw-wrap"
			}
			t.Run(holder.String()+"/"+label, func(t *testing.T) {
				dir := t.TempDir()
				in := filepath.Join(dir, "in.wav")
				out := filepath.Join(dir, "out.wav")
				mustRun(t, "gen", "--frames", "1000", "--rate", "8000", "--signal", "noise", in)
				if cmd.needsDamage {
					b, err := os.ReadFile(in)
					if err != nil {
						t.Fatal(err)
					}
					b[4]++ // RIFF size one too large: fix has work to do
					if err := os.WriteFile(in, b, 0o666); err != nil {
						t.Fatal(err)
					}
				}
				f, err := wavemap.Open(in, holder, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				before := digest(t, in)
				entries := dirNames(t, dir)
				r := runCLI(t, cmd.args(in, out)...)
				if holder == wavemap.ReadOnly && !cmd.inPlace {
					if r.code != exitOK {
						t.Errorf("beside a reader: exit %d, want 0 (stderr %q)", r.code, r.stderr)
					}
					return
				}
				wantInUse(t, cmd.name, r, in)
				if after := digest(t, in); after != before {
					t.Error("the input changed")
				}
				if now := dirNames(t, dir); !slices.Equal(now, entries) {
					t.Errorf("left %q in the directory, which held %q", now, entries)
				}
				if cmd.name != "fix" && r.stdout != "" {
					t.Errorf("printed %q on standard output", r.stdout)
				}
			})
		}
	}
}
