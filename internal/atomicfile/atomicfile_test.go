package atomicfile

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// helperEnv names the target a re-executed test binary writes and then
// waits to be killed over (TestMain).
const helperEnv = "ATOMICFILE_KILL_HELPER"

func TestMain(m *testing.M) {
	if target := os.Getenv(helperEnv); target != "" {
		f, err := Create(target, nil)
		if err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(3)
		}
		f.File().Write(bytes.Repeat([]byte("new"), 1000))
		os.Stdout.WriteString("ready\n")
		time.Sleep(time.Minute) // killed long before
		os.Exit(4)
	}
	os.Exit(m.Run())
}

// write makes a regular file at path holding b with the given bits.
func write(t *testing.T, path string, b []byte, perm fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, b, perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil {
		t.Fatal(err)
	}
}

// replace writes b through Create and Commit.
func replace(t *testing.T, name string, b []byte, opts *Options) error {
	t.Helper()
	f, err := Create(name, opts)
	if err != nil {
		return err
	}
	if _, err := f.File().Write(b); err != nil {
		f.Abort()
		t.Fatal(err)
	}
	return f.Commit()
}

// same fails unless path holds want, as a regular file with bits perm.
func same(t *testing.T, path string, want []byte, perm fs.FileMode) {
	t.Helper()
	st, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Mode().IsRegular() {
		t.Fatalf("%s is %s, want a regular file", path, Kind(st.Mode()))
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s holds %q, want %q", path, trim(got), trim(want))
	}
	if st.Mode().Perm() != perm {
		t.Errorf("%s has mode %v, want %v", path, st.Mode().Perm(), perm)
	}
}

func trim(b []byte) []byte { return b[:min(len(b), 20)] }

// only fails unless dir holds exactly names.
func only(t *testing.T, dir string, names ...string) {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Name())
	}
	if strings.Join(got, "/") != strings.Join(names, "/") {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}

func umask() fs.FileMode {
	dir, _ := os.MkdirTemp("", "umask")
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "f")
	os.WriteFile(p, nil, 0o777)
	st, _ := os.Stat(p)
	return 0o777 &^ st.Mode().Perm()
}

func TestCreateCommit(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out.wav")
	f, err := Create(name, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(name); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the target exists before Commit: %v", err)
	}
	if target, ok := ParseName(f.TempName()); !ok || target != name {
		t.Errorf("ParseName(%s) = %q, %v", f.TempName(), target, ok)
	}
	f.File().WriteString("hello")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	same(t, name, []byte("hello"), 0o666&^umask())
	only(t, dir, "out.wav")
	if err := f.Commit(); !errors.Is(err, ErrDone) {
		t.Errorf("second Commit: %v", err)
	}
	if err := f.Abort(); !errors.Is(err, ErrDone) {
		t.Errorf("Abort after Commit: %v", err)
	}
	same(t, name, []byte("hello"), 0o666&^umask())
}

func TestAbortLeavesTarget(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out.wav")
	write(t, name, []byte("old"), 0o640)
	f, err := Create(name, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.File().WriteString("new new new")
	same(t, name, []byte("old"), 0o640) // nothing reaches the target before Commit
	if err := f.Abort(); err != nil {
		t.Fatal(err)
	}
	same(t, name, []byte("old"), 0o640)
	only(t, dir, "out.wav")
}

func TestPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no permission bits beyond read-only")
	}
	dir := t.TempDir()
	// A replaced file keeps its bits, whatever Perm says; the temporary
	// file has them from the start.
	name := filepath.Join(dir, "existing")
	write(t, name, []byte("old"), 0o600)
	f, err := Create(name, &Options{Perm: 0o644})
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(f.TempName()); st.Mode().Perm() != 0o600 {
		t.Errorf("temporary file has mode %v while written, want 0600", st.Mode().Perm())
	}
	f.File().WriteString("new")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	same(t, name, []byte("new"), 0o600)

	// A new file gets Perm exactly (the umask does not cut it).
	fresh := filepath.Join(dir, "fresh")
	if err := replace(t, fresh, []byte("x"), &Options{Perm: 0o660}); err != nil {
		t.Fatal(err)
	}
	same(t, fresh, []byte("x"), 0o660)

	// Special bits are never copied.
	suid := filepath.Join(dir, "suid")
	write(t, suid, []byte("old"), 0o755)
	if err := os.Chmod(suid, 0o755|fs.ModeSetuid); err != nil {
		t.Fatal(err)
	}
	if err := replace(t, suid, []byte("new"), nil); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(suid); st.Mode() != 0o755 {
		t.Errorf("replaced setuid file has mode %v, want 0755", st.Mode())
	}
}

func TestReadOnlyTargetRefused(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "ro")
	write(t, name, []byte("keep"), 0o444)
	t.Cleanup(func() { os.Chmod(name, 0o644) })
	var ro *ReadOnlyError
	if err := Check(name, nil); !errors.As(err, &ro) || !errors.Is(err, fs.ErrPermission) || ro.Path != name {
		t.Errorf("Check of a 0444 file: %v", err)
	}
	if _, err := Create(name, nil); !errors.As(err, &ro) {
		t.Errorf("Create over a 0444 file: %v, want a *ReadOnlyError", err)
	}
	same(t, name, []byte("keep"), 0o444)
	only(t, dir, "ro")
}

// specials makes every kind of special file this system allows in dir,
// by name.
func specials(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	d := filepath.Join(dir, "dir")
	if err := os.Mkdir(d, 0o755); err != nil {
		t.Fatal(err)
	}
	m["a directory"] = d
	if runtime.GOOS == "windows" {
		return m
	}
	fifo := filepath.Join(dir, "fifo")
	if err := mkfifo(fifo); err != nil {
		t.Fatal(err)
	}
	m["a FIFO"] = fifo
	sock := filepath.Join(dir, "sock")
	if l, err := net.Listen("unix", sock); err == nil {
		t.Cleanup(func() { l.Close() })
		m["a socket"] = sock
	}
	if st, err := os.Stat("/dev/null"); err == nil && st.Mode()&fs.ModeDevice != 0 {
		m["a device"] = "/dev/null"
		// A link to it is followed: the device decides.
		link := filepath.Join(dir, "null-link")
		if err := os.Symlink("/dev/null", link); err != nil {
			t.Fatal(err)
		}
		m["a device (through a symlink)"] = link
	}
	link := filepath.Join(dir, "dir-link")
	if err := os.Symlink(d, link); err != nil {
		t.Fatal(err)
	}
	m["a directory (through a symlink)"] = link
	return m
}

func TestSpecialTargetsRefused(t *testing.T) {
	dir := t.TempDir()
	for kind, path := range specials(t, dir) {
		before, _ := os.Lstat(path)
		var nr *NotRegularError
		if err := Check(path, nil); !errors.As(err, &nr) || nr.Path != path || !strings.HasPrefix(kind, Kind(nr.Mode)) {
			t.Errorf("%s: Check gives %v", kind, err)
		}
		f, err := Create(path, nil)
		if !errors.As(err, &nr) {
			t.Errorf("%s: Create gives %v, %v; want a *NotRegularError", kind, f, err)
			if f != nil {
				f.Abort()
			}
		}
		after, err := os.Lstat(path)
		if err != nil || after.Mode() != before.Mode() || !os.SameFile(before, after) {
			t.Errorf("%s: now %v (%v), was %v", kind, after, err, before)
		}
	}
	ps, err := PartialsIn(dir)
	if err != nil || len(ps) != 0 {
		t.Errorf("partial files left: %v (%v)", ps, err)
	}
	if ps, _ := Partials("/dev/null"); len(ps) != 0 {
		t.Errorf("partial files in /dev: %v", ps)
	}
}

func TestSymlinkTarget(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	write(t, real, []byte("the file the link points to"), 0o640)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := replace(t, link, []byte("new"), nil); err != nil {
		t.Fatal(err)
	}
	// The link became the new file, with the bits read through it; the
	// file it pointed to is untouched.
	same(t, link, []byte("new"), 0o640)
	same(t, real, []byte("the file the link points to"), 0o640)

	// A dangling link is replaced; its target is not created.
	dangling := filepath.Join(dir, "dangling")
	nowhere := filepath.Join(dir, "nowhere")
	if err := os.Symlink(nowhere, dangling); err != nil {
		t.Fatal(err)
	}
	if err := replace(t, dangling, []byte("new"), &Options{NoClobber: true}); !errors.Is(err, fs.ErrExist) {
		t.Errorf("NoClobber over a dangling link: %v", err)
	}
	if err := replace(t, dangling, []byte("new"), nil); err != nil {
		t.Fatal(err)
	}
	same(t, dangling, []byte("new"), 0o666&^umask())
	if _, err := os.Lstat(nowhere); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the dangling link's target was created: %v", err)
	}
	only(t, dir, "dangling", "link", "real")
}

func TestNoClobber(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out")
	write(t, name, []byte("old"), 0o644)
	if _, err := Create(name, &Options{NoClobber: true}); !errors.Is(err, fs.ErrExist) {
		t.Errorf("NoClobber Create over a file: %v", err)
	}
	same(t, name, []byte("old"), 0o644)
	only(t, dir, "out")

	// A file that appears between Create and Commit is left alone.
	late := filepath.Join(dir, "late")
	f, err := Create(late, &Options{NoClobber: true})
	if err != nil {
		t.Fatal(err)
	}
	f.File().WriteString("mine")
	write(t, late, []byte("theirs"), 0o644)
	if err := f.Commit(); !errors.Is(err, fs.ErrExist) {
		t.Errorf("NoClobber Commit onto a file that appeared: %v", err)
	}
	same(t, late, []byte("theirs"), 0o644)
	only(t, dir, "late", "out")

	// Onto a free name it works.
	free := filepath.Join(dir, "free")
	if err := replace(t, free, []byte("mine"), &Options{NoClobber: true}); err != nil {
		t.Fatal(err)
	}
	same(t, free, []byte("mine"), 0o666&^umask())
	only(t, dir, "free", "late", "out")
}

func TestCommitRefusesSpecialThatAppeared(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs on Windows")
	}
	dir := t.TempDir()
	name := filepath.Join(dir, "out")
	f, err := Create(name, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := mkfifo(name); err != nil {
		t.Fatal(err)
	}
	var nr *NotRegularError
	if err := f.Commit(); !errors.As(err, &nr) {
		t.Errorf("Commit over a FIFO that appeared: %v", err)
	}
	if st, err := os.Lstat(name); err != nil || st.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO is now %v (%v)", st, err)
	}
	only(t, dir, "out")
}

func TestParseName(t *testing.T) {
	long := strings.Repeat("é", 200) // 400 bytes
	for _, c := range []struct {
		name, target string
		ok           bool
	}{
		{".take.wav.wavemap-0123abcd.partial", "take.wav", true},
		{"..hidden.wavemap-0123abcd.partial", ".hidden", true},
		{".a.wavemap-b.wav.wavemap-ffffffff.partial", "a.wavemap-b.wav", true},
		{".take.wav.wavemap-0123ABCD.partial", "", false},
		{".take.wav.wavemap-0123abc.partial", "", false},
		{"take.wav.wavemap-0123abcd.partial", "", false},
		{".take.wav.wavemap-0123abcd.part", "", false},
		{"..wavemap-0123abcd.partial", "", false},
		{".take.wav.0123abcd.wavemap-tmp", "", false},
	} {
		target, ok := ParseName(filepath.Join("d", c.name))
		if want := filepath.Join("d", c.target); ok != c.ok || (ok && target != want) {
			t.Errorf("ParseName(%q) = %q, %v; want %q, %v", c.name, target, ok, want, c.ok)
		}
	}
	tmp := tempName(filepath.Join("d", long))
	if b := filepath.Base(tmp); len(b) > 255 {
		t.Errorf("partial name of %d bytes for a long target", len(b))
	}
	if target, ok := ParseName(tmp); !ok || !strings.HasPrefix(long, filepath.Base(target)) {
		t.Errorf("ParseName of a long target's partial name: %q, %v", target, ok)
	}
}

func TestPartials(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out.wav")
	write(t, name, []byte("old"), 0o644)
	f, err := Create(name, nil)
	if err != nil {
		t.Fatal(err)
	}
	other, err := Create(filepath.Join(dir, "other.wav"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Abort()
	// A symlink and a directory with a partial file's name are not
	// partial files.
	os.Symlink(name, filepath.Join(dir, ".out.wav.wavemap-00000000.partial"))
	os.Mkdir(filepath.Join(dir, ".out.wav.wavemap-11111111.partial"), 0o755)

	ps, err := Partials(name)
	if err != nil || len(ps) != 1 || ps[0].Path != f.TempName() || ps[0].Target != name {
		t.Fatalf("Partials(%s) = %+v, %v; want only %s", name, ps, err, f.TempName())
	}
	if runtime.GOOS != "windows" && !ps[0].InUse {
		t.Error("a partial file being written is not reported in use")
	}
	if runtime.GOOS != "windows" {
		if err := RemovePartial(f.TempName()); err == nil {
			t.Error("RemovePartial removed a file still being written")
		}
	}
	if all, _ := PartialsIn(dir); len(all) != 2 {
		t.Errorf("PartialsIn: %+v, want 2", all)
	}
	// What a killed process leaves: the file closed, never renamed.
	f.File().Close()
	ps, _ = Partials(name)
	if len(ps) != 1 || ps[0].InUse {
		t.Fatalf("after the writer is gone: %+v", ps)
	}
	if err := RemovePartial(name); err == nil {
		t.Error("RemovePartial removed the target, which is no partial file")
	}
	if err := RemovePartial(filepath.Join(dir, ".out.wav.wavemap-00000000.partial")); err == nil {
		t.Error("RemovePartial removed a symlink")
	}
	if err := RemovePartial(ps[0].Path); err != nil {
		t.Fatal(err)
	}
	if ps, _ := Partials(name); len(ps) != 0 {
		t.Errorf("after RemovePartial: %+v", ps)
	}
	same(t, name, []byte("old"), 0o644)
	if ps, err := Partials(filepath.Join(dir, "missing-dir", "x")); err != nil || len(ps) != 0 {
		t.Errorf("Partials in a missing directory: %v, %v", ps, err)
	}
}

// TestKilledWriter kills a process in the middle of writing a file over
// an existing one: the old file is still there, whole, and the partial
// file left beside it is found, not in use, and removable.
func TestKilledWriter(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "js" {
		t.Skip("needs SIGKILL")
	}
	dir := t.TempDir()
	name := filepath.Join(dir, "out.wav")
	old := bytes.Repeat([]byte("old"), 5000)
	write(t, name, old, 0o600)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+name)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "ready\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper said %q (%v): %s", line, err, stderr.String())
	}
	ps, _ := Partials(name)
	if len(ps) != 1 || !ps[0].InUse {
		t.Errorf("while the helper runs: %+v", ps)
	}
	cmd.Process.Kill() // SIGKILL on Unix
	cmd.Wait()
	same(t, name, old, 0o600)
	ps, err = Partials(name)
	if err != nil || len(ps) != 1 || ps[0].InUse || ps[0].Size != 3000 || ps[0].Target != name {
		t.Fatalf("after SIGKILL: %+v, %v", ps, err)
	}
	if st, _ := os.Stat(ps[0].Path); st.Mode().Perm() != 0o600 {
		t.Errorf("the partial file has mode %v, want the target's 0600", st.Mode().Perm())
	}
	if err := RemovePartial(ps[0].Path); err != nil {
		t.Fatal(err)
	}
	only(t, dir, "out.wav")
}

// NamePattern works on any file name: one that is not valid UTF-8 (a
// regular expression built from it panicked, found by FuzzMain) and one
// whose bytes are regexp syntax.
func TestNamePatternAnyName(t *testing.T) {
	for _, target := range []string{"/d/c.\x88av", "/d/a+b(1).wav", "/d/take.wav"} {
		n := NamePattern(target)
		dir, base := filepath.Split(target)
		partial := filepath.Join(dir, "."+base+Marker+"0123abcd"+Suffix)
		msg := "write " + partial + ": no space left on device"
		if !n.MatchString(msg) || n.MatchString("write "+target+": x") {
			t.Errorf("%q: MatchString of %q or of the target is wrong", target, msg)
		}
		if got := n.ReplaceAllLiteralString(msg, target); got != "write "+target+": no space left on device" {
			t.Errorf("%q: ReplaceAllLiteralString gives %q", target, got)
		}
		if bad := filepath.Join(dir, "."+base+Marker+"0123abcz"+Suffix); n.MatchString(bad) {
			t.Errorf("%q: %q is not a partial file's name", target, bad)
		}
	}
}
