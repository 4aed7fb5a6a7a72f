package cli

// How the commands that make files could destroy one, tried on each of
// them: special files, "-", symlinks, read-only and private files, full
// disks, interruptions and kills. Whatever was at the output's name must
// come through every failure unchanged.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/atomicfile"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// makingCommand is a command line that makes the file out (from in, a
// WAVE file, unless noInput).
type makingCommand struct {
	name    string
	args    func(in, out string) []string
	noInput bool
	// stdout, stdin: the command writes to "-" (standard output), reads
	// from "-" (pipes_test.go checks those).
	stdout, stdin bool
}

// makingCommands are the commands that make a file. The tests name the
// outputs *.png: plot writes no other name, and the others do not mind.
// split, whose outputs are named after its channels, has its own tests
// (channels_trust_test.go).
var makingCommands = []makingCommand{
	{name: "gen", noInput: true, stdout: true, args: func(_, out string) []string { return []string{"gen", "--frames", "1000", out} }},
	{name: "convert", stdout: true, stdin: true, args: func(in, out string) []string { return []string{"convert", "--to", "f32", in, out} }},
	{name: "cut", stdout: true, stdin: true, args: func(in, out string) []string { return []string{"cut", "--from", "10s", in, out} }},
	{name: "cat", args: func(in, out string) []string { return []string{"cat", in, in, out} }},
	{name: "raw", stdout: true, stdin: true, args: func(in, out string) []string {
		return []string{"raw", "--type", "s16", "--channels", "1", "--rate", "8000", in, out}
	}},
	{name: "raw", stdout: true, stdin: true, args: func(in, out string) []string { return []string{"raw", "--extract", in, out} }},
	{name: "plot", args: func(in, out string) []string { return []string{"plot", in, out} }},
	{name: "merge", args: func(in, out string) []string { return []string{"merge", in, in, out} }},
	{name: "remix", args: func(in, out string) []string { return []string{"remix", in, out, "1v0.5", "1"} }},
}

// state is what is at a path, read without opening it (a FIFO must not
// be opened): type, bits, identity and, for a regular file, content.
type state struct {
	fi   fs.FileInfo
	hash [32]byte
}

func stateAt(t *testing.T, path string) state {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	s := state{fi: fi}
	if fi.Mode().IsRegular() {
		s.hash = wavtest.HashFile(t, path)
	}
	return s
}

func (s state) same(o state) bool {
	return s.fi.Mode() == o.fi.Mode() && os.SameFile(s.fi, o.fi) && s.hash == o.hash && s.fi.Size() == o.fi.Size()
}

// oneLineError fails unless r is exit code with one line on stderr that
// names the command and contains want, and nothing on stdout.
func oneLineError(t *testing.T, args []string, r result, code int, want string) {
	t.Helper()
	msg := errorMessage(r.stderr)
	if r.code != code || r.stdout != "" || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "wavemap "+args[0]+": ") || !strings.Contains(msg, want) {
		t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d and one line with %q", args, r.code, r.stdout, r.stderr, code, want)
	}
}

// makeInput makes the WAVE input of the tests, with the given bits.
func makeInput(t *testing.T, dir string, perm fs.FileMode) string {
	t.Helper()
	in := filepath.Join(dir, "in.wav")
	mustRun(t, "gen", "--frames", "20000", "--rate", "8000", in)
	if err := os.Chmod(in, perm); err != nil {
		t.Fatal(err)
	}
	return in
}

// TestOutputSpecialFilesRefused gives every command a FIFO, a device, a
// directory, a symlink to a FIFO and "-" as output: each is refused with
// one line saying why, and nothing is created, removed or changed.
func TestOutputSpecialFilesRefused(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // "-" taken as a name would land here
	in := makeInput(t, dir, 0o644)
	sub := filepath.Join(dir, "dir.png") // .png: plot takes no other name
	os.Mkdir(sub, 0o755)
	os.WriteFile(filepath.Join(sub, "inside"), []byte("x"), 0o644)
	outs := []struct{ path, want string }{{sub, sub + " is a directory: wavemap writes regular files only"}}
	if runtime.GOOS != "windows" {
		fifo := filepath.Join(dir, "fifo.png")
		if err := mkfifo(fifo); err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(dir, "link.png")
		os.Symlink(fifo, link)
		outs = append(outs, struct{ path, want string }{fifo, fifo + " is a FIFO: wavemap writes regular files only"},
			struct{ path, want string }{link, link + " is a FIFO: wavemap writes regular files only"})
		if _, err := os.Stat("/dev/null"); err == nil {
			// As root a regular file would replace the system's /dev/null.
			outs = append(outs, struct{ path, want string }{"/dev/null", "/dev/null is a device: wavemap writes regular files only"})
		}
	}
	entries := dirNames(t, dir)
	for _, cmd := range makingCommands {
		for _, o := range outs {
			before := stateAt(t, o.path)
			args := cmd.args(in, o.path)
			oneLineError(t, args, runCLI(t, args...), exitFailure, o.want)
			if !stateAt(t, o.path).same(before) {
				t.Errorf("%q changed %s", args, o.path)
			}
		}
		if !cmd.stdout {
			args := cmd.args(in, "-")
			oneLineError(t, args, runCLI(t, args...), exitUsage, "writing to standard output (-) is not supported yet")
		}
		if !cmd.noInput && !cmd.stdin {
			args := cmd.args("-", filepath.Join(dir, "out.wav"))
			oneLineError(t, args, runCLI(t, args...), exitUsage, "reading from standard input (-) is not supported yet")
		}
		if now := dirNames(t, dir); !slices.Equal(now, entries) {
			t.Fatalf("%s left %q in the directory, which held %q", cmd.name, now, entries)
		}
		if n := dirNames(t, sub); !slices.Equal(n, []string{"inside"}) {
			t.Fatalf("%s wrote into the output directory: %q", cmd.name, n)
		}
	}
	// check reads standard input as a stream: an empty one is an error
	// of the input, not of the command line.
	args := []string{"check", "-"}
	oneLineError(t, args, runCLI(t, args...), exitFailure, "standard input: at byte 0")
}

// TestOutputPermissions: a new output has the input's bits (a 0600
// input gives a 0600 output); an output that is replaced keeps its own.
func TestOutputPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no permission bits beyond read-only")
	}
	dir := t.TempDir()
	in := makeInput(t, dir, 0o600)
	umask := func() fs.FileMode {
		p := filepath.Join(dir, "probe")
		os.WriteFile(p, nil, 0o777)
		defer os.Remove(p)
		st, _ := os.Stat(p)
		return 0o777 &^ st.Mode().Perm()
	}()
	for _, cmd := range makingCommands {
		out := filepath.Join(dir, "out.png")
		want := fs.FileMode(0o600)
		if cmd.noInput {
			want = 0o666 &^ umask
		}
		args := cmd.args(in, out)
		mustRun(t, args...)
		if st, _ := os.Stat(out); st.Mode().Perm() != want {
			t.Errorf("%q: new output has mode %v, want %v", args, st.Mode().Perm(), want)
		}
		// Replacing: the output keeps its own bits, whatever the input's.
		os.Chmod(out, 0o640)
		mustRun(t, args...)
		if st, _ := os.Stat(out); st.Mode().Perm() != 0o640 {
			t.Errorf("%q: replaced 0640 output has mode %v", args, st.Mode().Perm())
		}
		os.Remove(out)
	}
}

// TestOutputReadOnlyRefused: a 0444 output is refused and kept, byte for
// byte. (rename(2) could replace it, but a file made read-only is one
// its owner wants kept, as cp and the shell's > keep it.)
func TestOutputReadOnlyRefused(t *testing.T) {
	dir := t.TempDir()
	in := makeInput(t, dir, 0o644)
	out := filepath.Join(dir, "out.png")
	mustRun(t, "gen", "--frames", "77", out)
	os.Chmod(out, 0o444)
	t.Cleanup(func() { os.Chmod(out, 0o644) })
	before := stateAt(t, out)
	entries := dirNames(t, dir)
	for _, cmd := range makingCommands {
		args := cmd.args(in, out)
		oneLineError(t, args, runCLI(t, args...), exitFailure, out+" is read-only (-r--r--r--): wavemap does not replace read-only files")
		if !stateAt(t, out).same(before) {
			t.Fatalf("%q changed the read-only output", args)
		}
	}
	if now := dirNames(t, dir); !slices.Equal(now, entries) {
		t.Errorf("left %q in the directory, which held %q", now, entries)
	}
}

// TestOutputSymlink: a symlink at the output is replaced by the new
// file; the file it points to is never written. A link to a directory is
// refused.
func TestOutputSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	dir := t.TempDir()
	in := makeInput(t, dir, 0o644)
	real := filepath.Join(dir, "real.wav")
	mustRun(t, "gen", "--frames", "99", real)
	keep := stateAt(t, real)
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	for _, cmd := range makingCommands {
		link := filepath.Join(dir, "link.png")
		os.Remove(link)
		os.Symlink(real, link)
		mustRun(t, cmd.args(in, link)...)
		if st, err := os.Lstat(link); err != nil || !st.Mode().IsRegular() {
			t.Errorf("%s: the link is now %v (%v), want the new regular file", cmd.name, st, err)
		}
		if !stateAt(t, real).same(keep) {
			t.Fatalf("%s wrote through the symlink", cmd.name)
		}
		dangling := filepath.Join(dir, "dangling.png")
		os.Remove(dangling)
		os.Symlink(filepath.Join(dir, "nowhere.wav"), dangling)
		mustRun(t, cmd.args(in, dangling)...)
		if _, err := os.Lstat(filepath.Join(dir, "nowhere.wav")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s created the dangling link's target", cmd.name)
		}
		dirLink := filepath.Join(dir, "dirlink.png")
		os.Remove(dirLink)
		os.Symlink(sub, dirLink)
		args := cmd.args(in, dirLink)
		oneLineError(t, args, runCLI(t, args...), exitFailure, dirLink+" is a directory: wavemap writes regular files only")
		if st, err := os.Lstat(dirLink); err != nil || st.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("%s: the link to a directory is now %v (%v)", cmd.name, st, err)
		}
		if n := dirNames(t, sub); len(n) != 0 {
			t.Errorf("%s wrote %q into the linked directory", cmd.name, n)
		}
	}
	if ps, _ := atomicfile.PartialsIn(dir); len(ps) != 0 {
		t.Errorf("partial files left: %+v", ps)
	}
}

// TestOutputKeptWhenInterrupted interrupts every command over an
// existing, private output: it is still there, byte for byte, with its
// bits, and no partial file is left.
func TestOutputKeptWhenInterrupted(t *testing.T) {
	dir := t.TempDir()
	in := makeInput(t, dir, 0o644)
	out := filepath.Join(dir, "out.png")
	mustRun(t, "gen", "--frames", "5", out)
	os.Chmod(out, 0o600)
	before := stateAt(t, out)
	for _, cmd := range makingCommands {
		args := cmd.args(in, out)
		if r := runCLIContext(t, cancelled(), args...); r.code != exitInterrupted {
			t.Errorf("%q interrupted: exit %d (%s)", args, r.code, r.stderr)
		}
		if !stateAt(t, out).same(before) {
			t.Fatalf("%q interrupted changed the old output", args)
		}
	}
	if n := dirNames(t, dir); !slices.Equal(n, []string{"in.wav", "out.png"}) {
		t.Errorf("the directory holds %q", n)
	}
}

// TestOutputKeptOnFullDisk replaces a file on a full 1 MiB file system
// with each command: each fails saying so, and the old file is intact.
func TestOutputKeptOnFullDisk(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("mounts a tmpfs")
	}
	small := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs (%v: %s): not root?", err, bytes.TrimSpace(out))
	}
	defer exec.Command("umount", small).Run()
	in := filepath.Join(t.TempDir(), "in.wav")
	mustRun(t, "gen", "--frames", "150000", "--channels", "1", "--rate", "48000", in) // 300 KB
	out := filepath.Join(small, "out.wav")
	mustRun(t, "gen", "--frames", "200000", "--channels", "1", out) // 400 KB, and 400 KB of filler: 300 KB more do not fit
	mustRun(t, "gen", "--frames", "200000", "--channels", "1", filepath.Join(small, "filler.wav"))
	before := stateAt(t, out)
	for _, args := range [][]string{
		{"gen", "--frames", "150000", "--channels", "1", out},
		{"convert", "--to", "s24", in, out},
		{"cut", in, out},
		{"cat", in, out},
		{"raw", "--type", "s16", "--channels", "1", "--rate", "8000", in, out},
		{"raw", "--extract", in, out},
	} {
		r := runCLI(t, args...)
		if r.code != exitFailure || !strings.Contains(r.stderr, "no space") || !strings.Contains(r.stderr, out) {
			t.Errorf("%q on a full disk: exit %d, stderr %q", args, r.code, r.stderr)
		}
		if !stateAt(t, out).same(before) {
			t.Fatalf("%q on a full disk changed the old output", args)
		}
		if ps, _ := atomicfile.PartialsIn(small); len(ps) != 0 {
			t.Fatalf("%q left %+v", args, ps)
		}
	}
}

// killedOutputEnv names the output a re-executed test binary starts to
// write, as cut does, before it waits to be killed.
const killedOutputEnv = "WAVEMAP_CLI_KILLED_OUTPUT"

// TestKilledRunLeftovers kills a process in the middle of writing an
// output over an old one. The old file is intact; the partial file left
// beside it, which looks like a WAVE file, is reported by check (given
// the output or the partial file), by the next command writing that
// output, and removed by check --clean.
func TestKilledRunLeftovers(t *testing.T) {
	if v := os.Getenv(killedOutputEnv); v != "" {
		in, out, _ := strings.Cut(v, "\n")
		e := &env{stdout: os.Stdout, stderr: os.Stderr}
		src, err := wavemap.Open(in, wavemap.ReadOnly, nil)
		if err != nil {
			t.Fatal(err)
		}
		o, err := newOutputFile(e, "cut", out, in)
		if err != nil {
			t.Fatal(err)
		}
		dst, err := o.create(src.Format(), src.Frames(), wavemap.AutoContainer, nil)
		if err != nil {
			t.Fatal(err)
		}
		copy(dst.Bytes()[:len(dst.Bytes())/2], src.Bytes())
		os.Stdout.WriteString("ready\n")
		select {}
	}
	if runtime.GOOS == "windows" || runtime.GOOS == "js" {
		t.Skip("needs a process to kill")
	}
	dir := t.TempDir()
	in := makeInput(t, dir, 0o644)
	out := filepath.Join(dir, "out.wav")
	mustRun(t, "gen", "--frames", "33", out)
	before := stateAt(t, out)
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledRunLeftovers$")
	cmd.Env = append(os.Environ(), killedOutputEnv+"="+in+"\n"+out)
	pipe, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(pipe).ReadString('\n')
	cmd.Process.Kill() // SIGKILL
	cmd.Wait()
	if line != "ready\n" {
		t.Fatalf("helper: %q, %s", line, stderr.String())
	}
	if !stateAt(t, out).same(before) {
		t.Fatal("the killed run changed the old output")
	}
	ps, _ := atomicfile.Partials(out)
	if len(ps) != 1 || ps[0].InUse {
		t.Fatalf("partial files after the kill: %+v", ps)
	}
	partial := ps[0].Path
	if !strings.HasPrefix(filepath.Base(partial), ".out.wav.wavemap-") || !strings.HasSuffix(partial, ".partial") {
		t.Errorf("partial file %s is not named after its output", partial)
	}

	r := runCLI(t, "check", out)
	if r.code != exitFailure || strings.Contains(r.stdout, ": ok") ||
		!strings.Contains(r.stdout, out+": leftover "+partial+" is the unfinished output of an interrupted run") || !strings.Contains(r.stdout, "can be removed") {
		t.Errorf("check of the output: exit %d, stdout %q", r.code, r.stdout)
	}
	r = runCLI(t, "check", "--data", partial)
	if r.code != exitFailure || r.stdout == "" || strings.Count(r.stdout, "\n") != 1 ||
		!strings.HasPrefix(r.stdout, partial+": the unfinished output of an interrupted run (it was to become "+out+";") {
		t.Errorf("check of the partial file: exit %d, stdout %q", r.code, r.stdout)
	}
	r = runCLI(t, "check", "--json", partial)
	var j checkJSON
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil || j.OK || j.UnfinishedOutputOf != out {
		t.Errorf("check --json of the partial file: %q (%v)", r.stdout, err)
	}

	// The next run writing that output says so, once, and works.
	r = mustRun(t, "cut", in, out)
	if want := "wavemap cut: note: " + partial + " is the unfinished output of an interrupted run"; !strings.HasPrefix(r.stderr, want) ||
		strings.Count(errorMessage(r.stderr)+"\n", "\n") != 1 || !strings.Contains(r.stderr, "can be removed") {
		t.Errorf("cut over an output with a leftover: stderr %q, want one line starting %q", r.stderr, want)
	}
	after := stateAt(t, out)

	r = runCLI(t, "check", "--clean", out)
	if r.code != exitOK || r.stdout != out+": ok\n"+out+": removed "+partial+", the unfinished output of an interrupted run\n" {
		t.Errorf("check --clean: exit %d, stdout %q", r.code, r.stdout)
	}
	if _, err := os.Lstat(partial); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("check --clean left %s", partial)
	}
	if !stateAt(t, out).same(after) {
		t.Error("check --clean changed the output")
	}
	if r := mustRun(t, "check", out); r.stdout != out+": ok\n" {
		t.Errorf("check after --clean: %q", r.stdout)
	}
}

// TestCheckCleanSparesRunning: a partial file that a running command
// holds is not a leftover: check neither reports it beside its output
// nor removes it.
func TestCheckCleanSparesRunning(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("partial files are not locked on Windows")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "out.wav")
	mustRun(t, "gen", "--frames", "10", out)
	af, err := atomicfile.Create(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer af.Abort()
	if r := mustRun(t, "check", "--clean", out); r.stdout != out+": ok\n" {
		t.Errorf("check --clean beside a running write: %q", r.stdout)
	}
	r := runCLI(t, "check", "--clean", af.TempName())
	if r.code != exitFailure || !strings.Contains(r.stdout, "still being written by a running command") {
		t.Errorf("check --clean of a partial file being written: exit %d, %q", r.code, r.stdout)
	}
	if _, err := os.Lstat(af.TempName()); err != nil {
		t.Errorf("check --clean removed a file being written: %v", err)
	}
	// Given by name, a partial file that is not running is removed.
	af.File().Close()
	r = runCLI(t, "check", "--clean", af.TempName())
	if r.code != exitOK || !strings.HasPrefix(r.stdout, af.TempName()+": removed") {
		t.Errorf("check --clean of a leftover: exit %d, %q", r.code, r.stdout)
	}
	if n := dirNames(t, dir); !slices.Equal(n, []string{"out.wav"}) {
		t.Errorf("the directory holds %q", n)
	}
}
