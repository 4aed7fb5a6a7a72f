package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// bin is the wavemap binary built once for the end-to-end tests.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wavemap-cli")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "wavemap")
	build := exec.Command("go", "build", "-o", bin, "github.com/wavemap/wavemap/cmd/wavemap")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the wavemap binary:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one run of the binary produced.
type result struct {
	stdout, stderr string
	code           int
}

// wavemapCmd runs the built binary with args (stdin empty, not a
// terminal) and returns its output and exit code.
func wavemapCmd(t testing.TB, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("running wavemap %q: %v", args, err)
	}
	return r
}

// mustRun runs the binary and fails the test unless it exits 0.
func mustRun(t testing.TB, args ...string) result {
	t.Helper()
	r := wavemapCmd(t, args...)
	if r.code != 0 {
		t.Fatalf("wavemap %q: exit %d\nstdout: %s\nstderr: %s", args, r.code, r.stdout, r.stderr)
	}
	return r
}

// needTool skips the test when an independent tool is missing, except
// when WAVEMAP_REQUIRE_TOOLS is set (CI), where it fails.
func needTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("WAVEMAP_REQUIRE_TOOLS") != "" {
			t.Fatalf("%s is required (WAVEMAP_REQUIRE_TOOLS is set) but not installed", name)
		}
		t.Skipf("%s not installed: install it (apt-get install sox ffmpeg) to run this check", name)
	}
}

// TestGenInfo is the smallest end-to-end check: gen makes a file that
// info describes and sox agrees with.
func TestGenInfo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.wav")
	mustRun(t, "gen", "--type", "s24", "--channels", "3", "--rate", "44100", "--frames", "1000", path)
	r := mustRun(t, "info", "--json", path)
	var info struct {
		Encoding   string `json:"encoding"`
		Channels   int    `json:"channels"`
		SampleRate int    `json:"sample_rate"`
		Frames     int64  `json:"frames"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &info); err != nil {
		t.Fatalf("info --json: %v\n%s", err, r.stdout)
	}
	if info.Encoding != "s24" || info.Channels != 3 || info.SampleRate != 44100 || info.Frames != 1000 {
		t.Errorf("info --json: %+v", info)
	}
	needTool(t, "sox")
	out, err := exec.Command("sox", "--i", "-s", path).Output()
	if err != nil || string(bytes.TrimSpace(out)) != "1000" {
		t.Errorf("soxi -s: %q %v", out, err)
	}
	if r := wavemapCmd(t, "info", filepath.Join(t.TempDir(), "missing.wav")); r.code != 1 || r.stderr == "" {
		t.Errorf("missing file: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := wavemapCmd(t, "nosuchcommand"); r.code != 2 {
		t.Errorf("unknown command: exit %d", r.code)
	}
}
