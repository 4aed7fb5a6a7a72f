package wavemap_test

// Tests of how Create makes its file, written as an attacker would: for
// each way of making a file, how could it destroy the one already at the
// name? The old file must come through every failure byte for byte.

import (
	"bufio"
	"bytes"
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

var s16Stereo = wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 8000}

// fileState is what is at a path: its type, bits and content.
type fileState struct {
	mode fs.FileMode
	hash [32]byte
}

func stateOf(t *testing.T, path string) fileState {
	t.Helper()
	st, err := os.Lstat(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	s := fileState{mode: st.Mode()}
	if st.Mode().IsRegular() {
		s.hash = wavtest.HashFile(t, path)
	}
	return s
}

// names lists dir.
func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var n []string
	for _, e := range es {
		n = append(n, e.Name())
	}
	return n
}

// noPartials fails if a partial file is left in dir.
func noPartials(t *testing.T, dir string) {
	t.Helper()
	if ps, err := atomicfile.PartialsIn(dir); err != nil || len(ps) != 0 {
		t.Errorf("partial files left in %s: %+v (%v)", dir, ps, err)
	}
}

func fileUmask(t *testing.T) fs.FileMode {
	p := filepath.Join(t.TempDir(), "probe")
	if err := os.WriteFile(p, nil, 0o777); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	return 0o777 &^ st.Mode().Perm()
}

func TestCreateNotVisibleUntilClose(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.wav")
	makeS16(t, path, 500)
	old := stateOf(t, path)
	f, err := wavemap.Create(path, s16Stereo, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := wavemap.Samples[int16](f)
	for i := range s {
		s[i] = int16(i + 1)
	}
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	if f.Name() != path {
		t.Errorf("Name() = %q, want %q", f.Name(), path)
	}
	if got := stateOf(t, path); got != old {
		t.Error("the old file changed before Close")
	}
	ps, _ := atomicfile.Partials(path)
	if len(ps) != 1 {
		t.Fatalf("partial files while writing: %+v", ps)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	noPartials(t, dir)
	g, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	gs, _ := wavemap.Samples[int16](g)
	if len(gs) != 200 || gs[0] != 1 || gs[199] != 200 {
		t.Errorf("committed file: %d samples, %d ... %d", len(gs), gs[0], gs[len(gs)-1])
	}

	// A new name does not exist until Close.
	fresh := filepath.Join(dir, "fresh.wav")
	f, err = wavemap.Create(fresh, s16Stereo, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(fresh); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a created file is at its name before Close: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); !errors.Is(err, wavemap.ErrClosed) {
		t.Errorf("second Close: %v", err)
	}
	if st, err := os.Stat(fresh); err != nil || st.Mode().Perm() != 0o666&^fileUmask(t) {
		t.Errorf("new file: %v, %v; want mode %v", st, err, 0o666&^fileUmask(t))
	}
}

func TestCreateDiscard(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.wav")
	makeS16(t, path, 500)
	old := stateOf(t, path)
	f, err := wavemap.Create(path, s16Stereo, 1000, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := wavemap.Samples[int16](f)
	s[0] = 1
	if err := f.Discard(); err != nil {
		t.Fatal(err)
	}
	if f.Bytes() != nil {
		t.Error("Bytes after Discard is not nil")
	}
	if err := f.Close(); !errors.Is(err, wavemap.ErrClosed) {
		t.Errorf("Close after Discard: %v", err)
	}
	if err := f.Discard(); !errors.Is(err, wavemap.ErrClosed) {
		t.Errorf("second Discard: %v", err)
	}
	if got := stateOf(t, path); got != old {
		t.Error("Discard changed the old file")
	}
	if n := names(t, dir); !slices.Equal(n, []string{"a.wav"}) {
		t.Errorf("after Discard the directory holds %q", n)
	}

	// Discard on an opened file closes it and removes nothing.
	g, err := wavemap.Open(path, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Discard(); err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); !errors.Is(err, wavemap.ErrClosed) {
		t.Errorf("Close after Discard of an opened file: %v", err)
	}
	if got := stateOf(t, path); got != old {
		t.Error("Discard of an opened file changed it")
	}
}

// TestCreateWorksBeforeClose grows, shrinks, appends to and flushes a
// created file before it has its name.
func TestCreateWorksBeforeClose(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.wav")
	f, err := wavemap.Create(path, s16Stereo, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Resize(5); err != nil {
		t.Fatal(err)
	}
	if err := wavemap.Append(f, wavemap.Frames[int16]{Data: []int16{1, 2, 3, 4}, Channels: 2}); err != nil {
		t.Fatal(err)
	}
	if err := f.Resize(8); err != nil {
		t.Fatal(err)
	}
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the file has its name before Close: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	g, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	s, _ := wavemap.Samples[int16](g)
	if want := []int16{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0}; !slices.Equal(s, want) {
		t.Errorf("samples %v, want %v", s, want)
	}
	noPartials(t, dir)
}

// TestCopyToOwnSource copies part of a file over itself: the source keeps
// reading the old file while the copy is made, and the name ends up with
// the copied frames, not with silence.
func TestCopyToOwnSource(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows cannot rename over a file that is open")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "a.wav")
	makeS16(t, path, 1000)
	src, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	all, _ := wavemap.Samples[int16](src)
	want := slices.Clone(all[2*100 : 2*300])
	dst, err := src.CopyTo(src.Name(), 100, 300, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	// The source still maps the old file, whole.
	if len(all) != 2000 || all[0] != -1000 || all[1999] != int16(1999*7-1000) {
		t.Errorf("source after the copy replaced its name: %d samples, %d ... %d", len(all), all[0], all[len(all)-1])
	}
	g, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	got, _ := wavemap.Samples[int16](g)
	if !slices.Equal(got, want) {
		t.Errorf("copy over the source holds %d samples starting %v, want %d starting %v", len(got), got[:min(4, len(got))], len(want), want[:4])
	}

	// CreateFrom of a view of a file, onto that file's name.
	m, _ := wavemap.FramesOf[int16](g)
	h, err := wavemap.CreateFrom(path, m.Slice(0, 10), 8000, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	k, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if ks, _ := wavemap.Samples[int16](k); !slices.Equal(ks, want[:20]) {
		t.Errorf("CreateFrom over its source: %v, want %v", ks, want[:20])
	}
}

func TestCreatePermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no permission bits beyond read-only")
	}
	dir := t.TempDir()
	// An existing 0600 file stays 0600, and so is its replacement while
	// it is written.
	path := filepath.Join(dir, "private.wav")
	makeS16(t, path, 10)
	os.Chmod(path, 0o600)
	f, err := wavemap.Create(path, s16Stereo, 20, &wavemap.Options{Perm: 0o644})
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := atomicfile.Partials(path)
	if len(ps) != 1 {
		t.Fatalf("partial files: %+v", ps)
	}
	if st, _ := os.Stat(ps[0].Path); st.Mode().Perm() != 0o600 {
		t.Errorf("the new file is %v while written, want 0600", st.Mode().Perm())
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("replaced 0600 file is %v", st.Mode().Perm())
	}
	// A new file gets Options.Perm exactly.
	fresh := filepath.Join(dir, "fresh.wav")
	f, err = wavemap.Create(fresh, s16Stereo, 20, &wavemap.Options{Perm: 0o600})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if st, _ := os.Stat(fresh); st.Mode().Perm() != 0o600 {
		t.Errorf("new file with Perm 0600 is %v", st.Mode().Perm())
	}
	// A read-only file is refused, even for root, and left as it was.
	ro := filepath.Join(dir, "ro.wav")
	makeS16(t, ro, 10)
	os.Chmod(ro, 0o444)
	old := stateOf(t, ro)
	if _, err := wavemap.Create(ro, s16Stereo, 20, nil); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("Create over a 0444 file: %v, want fs.ErrPermission", err)
	}
	if got := stateOf(t, ro); got != old {
		t.Error("the read-only file changed")
	}
	noPartials(t, dir)
}

func TestCreateOverSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	dir := t.TempDir()
	real := filepath.Join(dir, "real.wav")
	makeS16(t, real, 50)
	old := stateOf(t, real)
	link := filepath.Join(dir, "link.wav")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	f, err := wavemap.Create(link, s16Stereo, 7, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if got := stateOf(t, real); got != old {
		t.Error("Create wrote through the symlink")
	}
	if st, err := os.Lstat(link); err != nil || !st.Mode().IsRegular() || st.Mode().Perm() != old.mode.Perm() {
		t.Errorf("the link is now %v (%v), want a regular file with the bits of the file it pointed to", st, err)
	}

	// A dangling link: replaced, and its target is not created.
	dangling := filepath.Join(dir, "dangling.wav")
	os.Symlink(filepath.Join(dir, "nowhere.wav"), dangling)
	f, err = wavemap.Create(dangling, s16Stereo, 7, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if st, err := os.Lstat(dangling); err != nil || !st.Mode().IsRegular() {
		t.Errorf("the dangling link is now %v (%v)", st, err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "nowhere.wav")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the dangling link's target was created: %v", err)
	}

	// A link to a directory is refused and stays.
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	dirLink := filepath.Join(dir, "dirlink.wav")
	os.Symlink(sub, dirLink)
	if _, err := wavemap.Create(dirLink, s16Stereo, 7, nil); !errors.Is(err, wavemap.ErrArgument) {
		t.Errorf("Create over a link to a directory: %v, want ErrArgument", err)
	}
	if st, err := os.Lstat(dirLink); err != nil || st.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link to a directory is now %v (%v)", st, err)
	}
	if n := names(t, sub); len(n) != 0 {
		t.Errorf("Create wrote %q into the linked directory", n)
	}
	noPartials(t, dir)
}

func TestCreateOverSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	targets := map[string]string{"directory": filepath.Join(dir, "d.wav")}
	os.Mkdir(targets["directory"], 0o755)
	if runtime.GOOS != "windows" {
		targets["FIFO"] = filepath.Join(dir, "fifo.wav")
		if err := mkfifo(targets["FIFO"]); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat("/dev/null"); err == nil {
			targets["device"] = "/dev/null"
		}
	}
	for what, path := range targets {
		old := stateOf(t, path)
		f, err := wavemap.Create(path, s16Stereo, 7, nil)
		if !errors.Is(err, wavemap.ErrArgument) {
			t.Errorf("Create over a %s: %v, want ErrArgument", what, err)
		}
		if err == nil {
			f.Discard()
		} else if !strings.Contains(err.Error(), path) {
			t.Errorf("error %q does not name %s", err, path)
		}
		if got := stateOf(t, path); got != old {
			t.Errorf("the %s changed: %v, was %v", what, got.mode, old.mode)
		}
	}
	if n := names(t, dir); !slices.Equal(n, []string{"d.wav", "fifo.wav"}) && !slices.Equal(n, []string{"d.wav"}) {
		t.Errorf("the directory holds %q", n)
	}
	if n := names(t, targets["directory"]); len(n) != 0 {
		t.Errorf("Create wrote %q into the directory", n)
	}
}

func TestCreateNoClobber(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.wav")
	makeS16(t, path, 10)
	old := stateOf(t, path)
	if _, err := wavemap.Create(path, s16Stereo, 20, &wavemap.Options{NoClobber: true}); !errors.Is(err, fs.ErrExist) {
		t.Errorf("NoClobber over a file: %v", err)
	}
	if got := stateOf(t, path); got != old {
		t.Error("NoClobber changed the file")
	}
	noPartials(t, dir)

	// A file that appears at the name while the new one is written is
	// kept: Close fails and removes the new file.
	late := filepath.Join(dir, "late.wav")
	f, err := wavemap.Create(late, s16Stereo, 20, &wavemap.Options{NoClobber: true})
	if err != nil {
		t.Fatal(err)
	}
	makeS16(t, late, 3)
	theirs := stateOf(t, late)
	if err := f.Close(); !errors.Is(err, fs.ErrExist) {
		t.Errorf("NoClobber Close onto a file that appeared: %v", err)
	}
	if got := stateOf(t, late); got != theirs {
		t.Error("the file that appeared was replaced")
	}
	noPartials(t, dir)
}

// TestCreateFullDisk fills a 1 MiB file system: every failure leaves the
// old file byte for byte and no partial file.
func TestCreateFullDisk(t *testing.T) {
	dir := smallFS(t, "1m")
	path := filepath.Join(dir, "a.wav")
	makeS16(t, path, 150000) // 600 KB
	old := stateOf(t, path)
	for _, frames := range []int64{150000, 1 << 20} {
		if _, err := wavemap.Create(path, s16Stereo, frames, nil); !errors.Is(err, wavemap.ErrNoSpace) {
			t.Errorf("Create of %d frames over a 600 KB file on a 1 MiB disk: %v, want ErrNoSpace", frames, err)
		}
		if got := stateOf(t, path); got != old {
			t.Fatalf("a failed Create of %d frames changed the old file", frames)
		}
		noPartials(t, dir)
	}

	// Sparse: the disk fills while the samples are written; the fault is
	// caught, and Discard leaves the old file.
	f, err := wavemap.Create(path, s16Stereo, 150000, &wavemap.Options{Sparse: true})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := wavemap.Samples[int16](f)
	err = wavemap.Guard(func() error {
		for i := range s {
			s[i] = 1
		}
		return nil
	})
	if !errors.As(err, new(*wavemap.FaultError)) {
		t.Errorf("writing 600 KB onto a full disk: %v, want a *FaultError", err)
	}
	if err := f.Discard(); err != nil {
		t.Error(err)
	}
	if got := stateOf(t, path); got != old {
		t.Fatal("a discarded sparse Create changed the old file")
	}
	noPartials(t, dir)

	// A replacement that fits next to the old file works.
	f, err = wavemap.Create(path, s16Stereo, 50000, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if g, err := wavemap.Open(path, wavemap.ReadOnly, nil); err != nil || g.Frames() != 50000 {
		t.Errorf("the replacement: %v", err)
	} else {
		g.Close()
	}
}

// killedCreateEnv names the file a re-executed test binary creates and
// then waits to be killed over.
const killedCreateEnv = "WAVEMAP_KILLED_CREATE"

// TestCreateKilled kills a process that is writing a file over an old
// one: the old file is still at the name, whole, and the new one is left
// as a recognisable partial file.
func TestCreateKilled(t *testing.T) {
	if path := os.Getenv(killedCreateEnv); path != "" {
		f, err := wavemap.Create(path, s16Stereo, 100000, nil)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := wavemap.Samples[int16](f)
		for i := range s[:len(s)/2] {
			s[i] = 7
		}
		f.Flush()
		os.Stdout.WriteString("ready\n")
		select {} // until killed
	}
	if runtime.GOOS == "windows" || runtime.GOOS == "js" {
		t.Skip("needs a process to kill")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "a.wav")
	makeS16(t, path, 1000)
	old := stateOf(t, path)
	cmd := exec.Command(os.Args[0], "-test.run=^TestCreateKilled$")
	cmd.Env = append(os.Environ(), killedCreateEnv+"="+path)
	out, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	cmd.Process.Kill() // SIGKILL: no cleanup runs
	cmd.Wait()
	if line != "ready\n" {
		t.Fatalf("helper said %q (%v): %s", line, err, stderr.String())
	}
	if got := stateOf(t, path); got != old {
		t.Error("a killed Create changed the old file")
	}
	ps, err := atomicfile.Partials(path)
	if err != nil || len(ps) != 1 || ps[0].InUse {
		t.Fatalf("partial files after the kill: %+v (%v)", ps, err)
	}
	if !strings.HasPrefix(filepath.Base(ps[0].Path), ".a.wav.wavemap-") || !strings.HasSuffix(ps[0].Path, ".partial") {
		t.Errorf("partial file %s is not named after its target", ps[0].Path)
	}
	if err := atomicfile.RemovePartial(ps[0].Path); err != nil {
		t.Fatal(err)
	}
	if n := names(t, dir); !slices.Equal(n, []string{"a.wav"}) {
		t.Errorf("the directory holds %q", n)
	}
}

// TestCreateOverMappedFile replaces a file that another File maps: that
// File keeps its samples until it is closed.
func TestCreateOverMappedFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows cannot rename over a file that is open")
	}
	path := filepath.Join(t.TempDir(), "a.wav")
	makeS16(t, path, 100)
	g, err := wavemap.Open(path, wavemap.ReadWrite, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	gs, _ := wavemap.Samples[int16](g)
	f, err := wavemap.Create(path, s16Stereo, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if gs[5] != 5*7-1000 {
		t.Errorf("the mapping of the replaced file reads %d", gs[5])
	}
	gs[5] = 1 // reaches the old file only
	if err := g.Flush(); err != nil {
		t.Fatal(err)
	}
	h, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if hs, _ := wavemap.Samples[int16](h); hs[5] != 0 {
		t.Errorf("the new file reads %d, want its own silence", hs[5])
	}
}

// TestCloseFailureKeepsTarget makes the commit fail, by putting a
// directory at the name while the file is written: Close reports it,
// removes the new file and leaves the directory as it is.
func TestCloseFailureKeepsTarget(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.wav")
	makeS16(t, path, 10)
	f, err := wavemap.Create(path, s16Stereo, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(path)
	os.Mkdir(path, 0o755)
	os.WriteFile(filepath.Join(path, "inside"), []byte("x"), 0o644)
	var nr *atomicfile.NotRegularError
	if err := f.Close(); !errors.As(err, &nr) || !strings.Contains(err.Error(), path) {
		t.Errorf("Close onto a directory that appeared: %v", err)
	}
	if n := names(t, path); !slices.Equal(n, []string{"inside"}) {
		t.Errorf("the directory holds %q", n)
	}
	noPartials(t, dir)
	if err := f.Close(); !errors.Is(err, wavemap.ErrClosed) {
		t.Errorf("Close after a failed Close: %v", err)
	}
}
