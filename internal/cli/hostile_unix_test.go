//go:build unix

package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestHostileOutputs points every command that makes a file at outputs
// that must not be written through: a symlink loop and a symlink to a
// directory are refused (exit 1, one line naming the output, the link and
// the directory as they were); a dangling symlink is replaced by the new
// file, and nothing is created where it pointed.
func TestHostileOutputs(t *testing.T) {
	for _, cmd := range badInputCommands {
		if cmd.inPlace || cmd.name == "info" || cmd.name == "stats" || cmd.name == "check" || cmd.name == "tag" || cmd.name == "markers" {
			continue
		}
		label := cmd.name
		if cmd.name == "raw" && !cmd.wantsWAVE {
			label = "raw-wrap"
		}
		for _, kind := range []string{"loop", "to-directory", "dangling"} {
			t.Run(label+"/"+kind, func(t *testing.T) {
				dir := t.TempDir()
				in := filepath.Join(dir, "in.wav")
				mustRun(t, "gen", "--frames", "1000", in)
				out := filepath.Join(dir, "out.png") // plot writes no other name; the others do not mind
				var target string
				switch kind {
				case "loop":
					target = "out.png"
				case "to-directory":
					target = "d"
					if err := os.Mkdir(filepath.Join(dir, "d"), 0o777); err != nil {
						t.Fatal(err)
					}
				case "dangling":
					target = "nowhere.wav"
				}
				if err := os.Symlink(target, out); err != nil {
					t.Skipf("no symlinks here: %v", err)
				}
				before := dirNames(t, dir)
				args := cmd.args(in, out)
				r := runCLI(t, args...)
				if kind == "dangling" {
					st, err := os.Lstat(out)
					if r.code != exitOK || err != nil || !st.Mode().IsRegular() {
						t.Errorf("wavemap %q over a dangling link: exit %d (%s), output %v %v", args, r.code, r.stderr, st, err)
					}
					if _, err := os.Lstat(filepath.Join(dir, "nowhere.wav")); err == nil {
						t.Errorf("wavemap %q wrote through the dangling link", args)
					}
					return
				}
				msg := errorMessage(r.stderr)
				if r.code != exitFailure || msg == "" || strings.Contains(msg, "\n") || !strings.Contains(msg, out) {
					t.Errorf("wavemap %q: exit %d, stderr %q: want 1 and one line naming %s", args, r.code, r.stderr, out)
				}
				if got, err := os.Readlink(out); err != nil || got != target {
					t.Errorf("wavemap %q: the link now reads %q (%v), was %q", args, got, err, target)
				}
				if now := dirNames(t, dir); strings.Join(now, "/") != strings.Join(before, "/") {
					t.Errorf("wavemap %q left %q, the directory held %q", args, now, before)
				}
				if kind == "to-directory" {
					if names := dirNames(t, filepath.Join(dir, "d")); len(names) != 0 {
						t.Errorf("wavemap %q wrote %q into the linked directory", args, names)
					}
				}
			})
		}
	}
}

// TestUnprivileged runs the command as an unprivileged user (nobody) on
// files and folders root owns: every edit of a file it may not write and
// every output into a folder it may not write fails with exit 1 and a
// one-line message, and changes nothing; reading still works.
func TestUnprivileged(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("not root: every other test already runs unprivileged")
	}
	dir, binDir := t.TempDir(), t.TempDir()
	// The test folders must be searchable by nobody, the files readable.
	for _, leaf := range []string{dir, binDir} {
		for d := leaf; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	exe, err := os.ReadFile(wavemapBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(binDir, "wavemap")
	if err := os.WriteFile(bin, exe, 0o755); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in.wav")
	mustRun(t, "gen", "--frames", "48000", in)
	if err := os.Chmod(in, 0o644); err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(dir, "damaged.wav")
	b, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	b[4]++ // RIFF size one too large
	if err := os.WriteFile(damaged, b, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string) {
		c := exec.Command(bin, args...)
		c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		var stderr strings.Builder
		c.Stderr = &stderr
		err := c.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), stderr.String()
		}
		if err != nil {
			t.Skipf("cannot run as nobody: %v", err)
		}
		return 0, stderr.String()
	}
	if code, stderr := run("info", in); code != 0 {
		t.Fatalf("info as nobody: exit %d: %s", code, stderr)
	}
	doc := filepath.Join(binDir, "doc.json")
	if err := os.WriteFile(doc, []byte(`{"version": 1, "info": [{"id": "INAM", "value": "x"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	before := dirNames(t, dir)
	inDigest, damagedDigest := digest(t, in), digest(t, damaged)
	for _, args := range [][]string{
		{"gain", "--db", "-6", in},
		{"normalize", in},
		{"fix", damaged},
		{"convert", "--to", "f32", in, filepath.Join(dir, "out.wav")},
		{"cut", "--from", "0.1", in, filepath.Join(dir, "out.wav")},
		{"gen", "--frames", "10", filepath.Join(dir, "out.wav")},
		{"raw", "--extract", in, filepath.Join(dir, "out.raw")},
		{"plot", in, filepath.Join(dir, "out.png")},
		{"tag", "--set", "title=x", in},
		{"markers", "--add", "0.5", in},
		{"meta", "import", in, doc},
		{"meta", "export", in, filepath.Join(dir, "out.json")},
	} {
		code, stderr := run(args...)
		msg := strings.TrimSuffix(stderr, "\n")
		if code != exitFailure || msg == "" || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "wavemap "+args[0]+": ") {
			t.Errorf("wavemap %q as nobody: exit %d, stderr %q; want 1 and one line", args, code, stderr)
		}
	}
	if digest(t, in) != inDigest || digest(t, damaged) != damagedDigest {
		t.Error("a refused edit changed a file")
	}
	if now := dirNames(t, dir); strings.Join(now, "/") != strings.Join(before, "/") {
		t.Errorf("the folder holds %q, held %q", now, before)
	}

	// A file nobody may write, in a folder it may not write: no journal
	// can be made beside it, so gain refuses and says how to go on; with
	// --no-journal it edits.
	if err := os.Chmod(in, 0o666); err != nil {
		t.Fatal(err)
	}
	code, stderr := run("gain", "--db", "-6", in)
	if code != exitFailure || !strings.Contains(stderr, "--no-journal") || digest(t, in) == "" {
		t.Errorf("gain in a folder nobody may write: exit %d, stderr %q", code, stderr)
	}
	if d := digest(t, in); d[:64] != inDigest[:64] {
		t.Error("the refused gain changed the file")
	}
	if code, stderr := run("gain", "--no-journal", "--db", "-6", in); code != 0 {
		t.Errorf("gain --no-journal as nobody: exit %d: %s", code, stderr)
	}
	if d := digest(t, in); d[:64] == inDigest[:64] {
		t.Error("gain --no-journal changed nothing")
	}
}
