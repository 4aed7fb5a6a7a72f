//go:build linux

package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// FuzzMain runs the command line on arbitrary arguments, in a directory
// holding two small WAVE files and a raw file, and asserts what must hold
// for any input: no panic, no hang, an exit code of 0, 1, 2 or 130, and a
// failure that says why. Nothing is written outside the directory
// (arguments with a path separator or "..", which could name files
// elsewhere, are skipped). Files are capped at 64 MiB (RLIMIT_FSIZE) and
// each run at 5 seconds, so that a fuzzer asking for a day of audio gets
// an error, not a full disk.
func FuzzMain(f *testing.F) {
	for _, seed := range []string{
		"info a.wav", "info --json a.wav b.wav", "stats a.wav", "gain --db -6 a.wav", "gain --factor 1e308 a.wav",
		"normalize --peak -1dB a.wav", "convert --to f32 a.wav c.wav", "convert --to s12 a.wav c.wav",
		"cut --from 0.1 --to 0.2 a.wav c.wav", "cut --from 50 --to 2:00 a.wav c.wav", "cat a.wav b.wav c.wav",
		"raw --type s16 --channels 2 --rate 48000 r.raw c.wav", "raw --extract a.wav c.raw", "gen --seconds 0.5 c.wav",
		"gen --rate 0 --seconds 1 c.wav", "gen --channels 0 c.wav", "plot a.wav -o c.png", "check a.wav b.wav",
		"fix --dry-run a.wav", "fix a.wav", "info -- -a.wav", "help gain", "gain -h", "nosuch", "", "gen --seconds 1e9 c.wav",
		"tag --set title=x --set bext.time_reference=01:00:00 a.wav b.wav", "tag --delete bext --json a.wav",
		"markers --add 0.05=m --region 0..0.01=r a.wav", "markers --delete 1 --clear a.wav",
		"meta export a.wav c.json", "meta import --dry-run a.wav c.json", "meta import a.wav -",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		for _, a := range args {
			if strings.ContainsAny(a, `/\`) || strings.Contains(a, "..") {
				t.Skip("argument could name a file outside the test directory")
			}
		}
		dir := t.TempDir()
		t.Chdir(dir)
		for _, name := range []string{"a.wav", "b.wav"} {
			if r := runCLI(t, "gen", "--frames", "4800", name); r.code != 0 {
				t.Fatalf("gen fixture: %s", r.stderr)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "r.raw"), make([]byte, 4000), 0o644); err != nil {
			t.Fatal(err)
		}
		var old unix.Rlimit
		if err := unix.Getrlimit(unix.RLIMIT_FSIZE, &old); err != nil {
			t.Fatal(err)
		}
		capped := old
		capped.Cur = min(old.Cur, 64<<20)
		if err := unix.Setrlimit(unix.RLIMIT_FSIZE, &capped); err != nil {
			t.Fatal(err)
		}
		defer unix.Setrlimit(unix.RLIMIT_FSIZE, &old)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done := make(chan result, 1)
		go func() { done <- runCLIContext(t, ctx, args...) }()
		var r result
		select {
		case r = <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("wavemap %q still running 15 s after its context was cancelled", args)
		}
		switch r.code {
		case 0, 1, 2, 130:
		default:
			t.Errorf("wavemap %q: exit code %d", args, r.code)
		}
		if r.code != 0 && strings.TrimSpace(r.stderr+r.stdout) == "" {
			t.Errorf("wavemap %q: exit %d and not a word of why", args, r.code)
		}
	})
}
