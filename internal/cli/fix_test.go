package cli

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wavemap/wavemap/internal/wavtest"
)

// TestFix runs fix on a file with streaming sizes: the dry run says what
// would change and writes nothing; the real run fixes the two fields, after
// which sox counts the samples from the header and fix finds nothing left.
func TestFix(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.wav")
	orig := streamingWAV()
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, "fix", "--dry-run", path)
	for _, want := range []string{"byte 40: data size 4294967295 -> 10", "byte 4: RIFF size 4294967295 -> 46", "dry run"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("fix --dry-run output lacks %q:\n%s", want, r.stdout)
		}
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, orig) {
		t.Fatal("fix --dry-run changed the file")
	}
	r = mustRun(t, "fix", path)
	if !strings.Contains(r.stdout, "byte 40: data size 4294967295 -> 10") || !strings.Contains(r.stdout, "fixed 2 field(s)") {
		t.Errorf("fix output:\n%s", r.stdout)
	}
	b, _ := os.ReadFile(path)
	want := append([]byte(nil), orig...)
	binary.LittleEndian.PutUint32(want[4:], 46)
	binary.LittleEndian.PutUint32(want[40:], 10)
	if !bytes.Equal(b, want) {
		t.Errorf("fixed file:\n% x\nwant\n% x", b, want)
	}
	if r := mustRun(t, "fix", path); !strings.Contains(r.stdout, "nothing to fix") {
		t.Errorf("second fix: %s", r.stdout)
	}
	r = mustRun(t, "check", path)
	if !strings.Contains(r.stdout, "ok") {
		t.Errorf("check after fix: %s", r.stdout)
	}
	wavtest.Need(t, "sox")
	// soxi reads the sample count from the header, which now says 5.
	if out, err := exec.Command("sox", "--i", "-s", path).Output(); err != nil || string(bytes.TrimSpace(out)) != "5" {
		t.Errorf("soxi -s after fix: %q %v", out, err)
	}
}

// TestFixFailures checks the exit codes for unusable input.
func TestFixFailures(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "t.wav")
	if err := os.WriteFile(text, []byte("not a wave file, just text"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, "fix", text); r.code != 1 || !strings.Contains(r.stderr, "t.wav") {
		t.Errorf("fix of a text file: exit %d, stderr %q", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(text); string(b) != "not a wave file, just text" {
		t.Error("fix changed a file it refused")
	}
	if r := runCLI(t, "fix"); r.code != 2 {
		t.Errorf("fix without a file: exit %d", r.code)
	}
	good := filepath.Join(dir, "g.wav")
	mustRun(t, "gen", "--frames", "100", good)
	// One bad file among good ones: the good one is still handled, exit 1.
	r := runCLI(t, "fix", good, text)
	if r.code != 1 || !strings.Contains(r.stdout, "g.wav: nothing to fix") {
		t.Errorf("fix good bad: exit %d, stdout %q", r.code, r.stdout)
	}
}
