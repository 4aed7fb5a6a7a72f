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

// TestFixStaleSizes runs fix on a recorder's file whose sizes stop short
// of its audio (both stale, 920,000 bytes after them): check reports the
// trailing bytes, fix without --trailing-audio leaves them and says how to
// take them, fix --trailing-audio --dry-run says which reading it chose
// and writes nothing, fix --trailing-audio extends the sizes, check then
// exits 0, and sox counts every frame.
// A file ending in a partial frame gets fixed as far as sizes go, fix
// says what it leaves and why and exits 1, and fix --truncate cuts it.
func TestFixStaleSizes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rec.wav")
	v := make([]int16, 2*480_000) // 10 s of 48 kHz stereo
	for i := range v {
		v[i] = int16(i%2000 - 1000) // no four bytes in a row are printable
	}
	audio := wavtest.S16(v...)
	orig := wavtest.Wave("RIFF", 36+1_000_000, wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 48000, 16, 4)), wavtest.RawChunk("data", 1_000_000, audio, true))
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, "check", path); r.code != 1 || !strings.Contains(r.stdout, "warning trailing-bytes at byte 1000044") {
		t.Errorf("check of the stale file: exit %d\n%s", r.code, r.stdout)
	}
	// Without a flag, fix leaves the bytes, says how to take them (or cut
	// them) and fails: check will go on failing.
	if r := runCLI(t, "fix", path); r.code != 1 || !strings.Contains(r.stdout, "left as is: warning trailing-bytes") || !strings.Contains(r.stdout, "--trailing-audio") ||
		!strings.Contains(r.stdout, "--truncate") || !strings.Contains(r.stdout, "1 problem(s) left") {
		t.Errorf("fix without --trailing-audio: exit %d\n%s", r.code, r.stdout)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, orig) {
		t.Fatal("fix without --trailing-audio changed the file")
	}
	r := mustRun(t, "fix", "--trailing-audio", "--dry-run", path)
	for _, want := range []string{
		"byte 40: data size 1000000 -> 1920000 (920000 bytes after the declared end of the audio (byte 1000044) run to the end of the file and do not start a chunk: taken as audio, data size extended)",
		"byte 4: RIFF size 1000036 -> 1920036 (the chunks end at byte 1920044)",
		"2 field(s) would change (dry run: nothing written)",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("fix --dry-run output lacks %q:\n%s", want, r.stdout)
		}
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, orig) {
		t.Fatal("fix --dry-run changed the file")
	}
	if r := mustRun(t, "fix", "--trailing-audio", path); !strings.Contains(r.stdout, "fixed 2 field(s)") {
		t.Errorf("fix output:\n%s", r.stdout)
	}
	if r := mustRun(t, "check", path); strings.TrimSpace(r.stdout) != path+": ok" {
		t.Errorf("check after fix: %s", r.stdout)
	}
	if r := mustRun(t, "fix", path); !strings.Contains(r.stdout, "nothing to fix") {
		t.Errorf("second fix: %s", r.stdout)
	}
	if wavtest.Have(t, "sox") {
		if out := wavtest.Run(t, "sox", "--i", "-s", path); string(bytes.TrimSpace(out)) != "480000" {
			t.Errorf("soxi -s after fix: %q, want 480000", out)
		}
	}

	// A partial frame at the end: the sizes are fixed, the partial frame
	// is left out of the audio, and both fix (exit 1) and check say so;
	// fix --truncate then cuts it, and check passes.
	ragged := filepath.Join(dir, "ragged.wav")
	if err := os.WriteFile(ragged, wavtest.Cat(orig, []byte{1, 2}), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, "fix", "--trailing-audio", ragged)
	for _, want := range []string{
		"byte 40: data size 1000000 -> 1920002",
		"left as is: warning ragged-tail at byte 1920044: ",
		"(the audio ends in a partial frame: Repair keeps it unless asked to cut it (RepairOptions.Truncate, fix --truncate))",
		"fixed 2 field(s)",
		"1 problem(s) left",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("fix output lacks %q:\n%s", want, r.stdout)
		}
	}
	r = runCLI(t, "check", ragged)
	if r.code != 1 || !strings.Contains(r.stdout, "warning ragged-tail at byte 1920044") || strings.Count(r.stdout, "warning") != 1 {
		t.Errorf("check after fix of the ragged file: exit %d\n%s", r.code, r.stdout)
	}
	if r := runCLI(t, "fix", ragged); r.code != 1 || !strings.Contains(r.stdout, "no field to fix") || !strings.Contains(r.stdout, "left as is: warning ragged-tail") {
		t.Errorf("second fix of the ragged file: exit %d\n%s", r.code, r.stdout)
	}
	r = mustRun(t, "fix", "--truncate", ragged)
	for _, want := range []string{
		"byte 40: data size 1920002 -> 1920000 (the audio is cut to whole frames: 1920000 bytes from byte 44)",
		"byte 4: RIFF size 1920038 -> 1920036",
		"byte 1920044: file length 1920046 -> 1920044 (the audio ends in a partial frame of 2 bytes: cut (truncate))",
		"fixed 3 field(s)",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("fix --truncate output lacks %q:\n%s", want, r.stdout)
		}
	}
	if r := mustRun(t, "check", ragged); strings.TrimSpace(r.stdout) != ragged+": ok" {
		t.Errorf("check after fix --truncate: %s", r.stdout)
	}
}
