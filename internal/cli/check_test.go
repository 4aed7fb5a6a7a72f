package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

func TestCheckClean(t *testing.T) {
	wavtest.Need(t, "sox")
	wavtest.Need(t, "ffmpeg")
	dir := t.TempDir()
	g, s, f := filepath.Join(dir, "g.wav"), filepath.Join(dir, "s.wav"), filepath.Join(dir, "f.wav")
	mustRun(t, "gen", "--type", "s24", "--frames", "500", g)
	wavtest.Run(t, "sox", "-r", "8000", "-c", "6", "-n", "-b", "24", s, "synth", "0.1", "sine", "300")
	wavtest.Run(t, "ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "sine=d=0.1", "-metadata", "title=x", f)
	r := mustRun(t, "check", g, s, f)
	if want := fmt.Sprintf("%s: ok\n%s: ok\n%s: ok\n", g, s, f); r.stdout != want || r.stderr != "" {
		t.Errorf("check of clean files: stdout %q, stderr %q; want %q", r.stdout, r.stderr, want)
	}
}

// TestCheckStreamed checks files that sox and ffmpeg wrote to a pipe,
// whose headers hold placeholder sizes.
func TestCheckStreamed(t *testing.T) {
	dir := t.TempDir()
	clean := filepath.Join(dir, "clean.wav")
	mustRun(t, "gen", "--frames", "100", clean)
	soxPipe, ffPipe := filepath.Join(dir, "sox.wav"), filepath.Join(dir, "ff.wav")
	toolToFile(t, soxPipe, "sox", "-r", "8000", "-n", "-t", "wav", "-", "synth", "800s", "sine", "300")
	toolToFile(t, ffPipe, "ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "sine=d=0.1", "-f", "wav", "-")
	before := digest(t, ffPipe)

	r := runCLI(t, "check", clean, soxPipe, ffPipe)
	if r.code != exitFailure || r.stderr != "" {
		t.Errorf("check: exit %d, stderr %q; want 1 and nothing on stderr", r.code, r.stderr)
	}
	for _, want := range []string{
		clean + ": ok\n",
		fmt.Sprintf("%s: warning riff-size at byte 4: ", soxPipe),
		fmt.Sprintf("%s: warning data-size at byte %d: ", soxPipe, dataSizeOffset(t, soxPipe)),
		fmt.Sprintf("%s: warning streaming-size at byte 4: ", ffPipe),
		fmt.Sprintf("%s: warning streaming-size at byte %d: ", ffPipe, dataSizeOffset(t, ffPipe)),
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("check output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, soxPipe+": ok") || strings.Contains(r.stdout, ffPipe+": ok") {
		t.Errorf("a defective file is called ok:\n%s", r.stdout)
	}

	// --json: one object per line, in order.
	r = runCLI(t, "check", "--json", clean, ffPipe)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != exitFailure || len(lines) != 2 {
		t.Fatalf("check --json: exit %d, output:\n%s", r.code, r.stdout)
	}
	var a, b checkJSON
	if err := json.Unmarshal([]byte(lines[0]), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &b); err != nil {
		t.Fatal(err)
	}
	if a.File != clean || !a.OK || len(a.Warnings) != 0 {
		t.Errorf("check --json, clean file: %+v", a)
	}
	if b.File != ffPipe || b.OK || len(b.Warnings) != 2 || b.Warnings[0].Kind != "streaming-size" {
		t.Errorf("check --json, streamed file: %+v", b)
	}
	if digest(t, ffPipe) != before {
		t.Error("check changed a file")
	}

	// A file that cannot be opened: stderr, exit 1, the others still
	// checked.
	missing := filepath.Join(dir, "missing.wav")
	r = runCLI(t, "check", missing, clean)
	if r.code != exitFailure || r.stdout != clean+": ok\n" || !strings.Contains(r.stderr, missing) {
		t.Errorf("check of a missing and a clean file: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestCheckData puts NaN and infinite samples into a float file through
// the library and checks that --data counts them.
func TestCheckData(t *testing.T) {
	dir := t.TempDir()
	fl, in := filepath.Join(dir, "f.wav"), filepath.Join(dir, "i.wav")
	mustRun(t, "gen", "--type", "f32", "--channels", "2", "--frames", "3000", fl)
	mustRun(t, "gen", "--type", "s16", "--frames", "3000", in)
	f, err := wavemap.Open(fl, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := wavemap.Samples[float32](f)
	if err != nil {
		t.Fatal(err)
	}
	s[7] = float32(math.NaN())
	s[1000] = float32(math.Inf(1))
	s[5999] = float32(math.Inf(-1))
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	// The header is fine: without --data the file is clean.
	mustRun(t, "check", fl)
	r := runCLI(t, "check", "--data", fl, in)
	if r.code != exitFailure || !strings.Contains(r.stdout, fl+": 3 samples are NaN or infinite") || !strings.Contains(r.stdout, in+": ok") {
		t.Errorf("check --data: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, "check", "--data", "--json", fl)
	var j checkJSON
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
		t.Fatalf("check --data --json %q: %v", r.stdout, err)
	}
	if j.OK || j.NonFinite == nil || *j.NonFinite != 3 {
		t.Errorf("check --data --json: %s", r.stdout)
	}
}
