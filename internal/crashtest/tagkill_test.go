//go:build unix

package crashtest

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

const (
	oldTitle = "Old"
	newTitle = "A new title, much longer than the old one, so the list must move"
	oldDesc  = "OldDesc"
	newDesc  = "New description written by the killed process"
)

// tagWrite is the child's operation: it gives the file a longer title and
// a new bext description (both chunks sit before the audio with no room
// around them, so they move after it), says "ready" once the file is
// parsed and "done <ns>" with the time WriteMetadata took.
func tagWrite(path string) error {
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		return err
	}
	m, err := f.Metadata()
	f.Close()
	if err != nil {
		return err
	}
	i := m.IndexList(wavemap.FourCC([]byte("INFO")))
	j := m.Index(wavemap.FourCC([]byte("bext")))
	if i < 0 || j < 0 {
		return fmt.Errorf("fixture lacks LIST/INFO or bext")
	}
	m.Chunks[i].Data = wavtest.InfoList("INAM", newTitle, "IART", "B")
	bext := append([]byte(nil), m.Chunks[j].Data...)
	copy(bext[:256], make([]byte, 256))
	copy(bext, newDesc)
	m.Chunks[j].Data = bext
	fmt.Println("ready")
	start := time.Now()
	if _, err := wavemap.WriteMetadata(path, m, nil); err != nil {
		return err
	}
	fmt.Println("done", time.Since(start).Nanoseconds())
	return nil
}

// TestKillTagWrite kills a metadata write that must move its chunks at
// random moments during WriteMetadata (after the child has parsed the
// file): every file left opens in wavemap, sox and ffprobe, its audio is
// unchanged, and ffprobe reads the old or the new title and description.
func TestKillTagWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("runs dozens of processes: skipped under -short")
	}
	wavtest.Need(t, "ffmpeg")
	wavtest.Need(t, "sox")
	wavtest.Need(t, "ffprobe")
	test, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	pristine := filepath.Join(t.TempDir(), "in.wav")
	wavtest.Run(t, "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anoisesrc=d=3:r=48000", "-ac", "2",
		"-write_bext", "1", "-metadata", "title="+oldTitle, "-metadata", "artist=A",
		"-metadata", "description="+oldDesc, "-metadata", "time_reference=48000", pristine)
	orig, err := os.ReadFile(pristine)
	if err != nil {
		t.Fatal(err)
	}
	audio := audioHash(t, pristine)
	runChild := func(dir string) (*exec.Cmd, *bufio.Reader) {
		c := exec.Command(test, "-test.run=^$", filepath.Join(dir, "in.wav"), filepath.Join(dir, "out.wav"))
		c.Env = append(os.Environ(), childEnv+"=tagwrite")
		out, err := c.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		return c, bufio.NewReader(out)
	}
	fixture := func() string {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "in.wav"), orig, 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	// An uninterrupted run: how long the write takes.
	ref := fixture()
	c, out := runChild(ref)
	var took time.Duration // the write's own time
	if line, err := out.ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("child: %q, %v", line, err)
	}
	ready := time.Now()
	for {
		line, err := out.ReadString('\n')
		if err != nil {
			break
		}
		if ns, ok := strings.CutPrefix(strings.TrimSpace(line), "done "); ok {
			n, _ := strconv.ParseInt(ns, 10, 64)
			took = time.Duration(n)
		}
	}
	if err := c.Wait(); err != nil || took == 0 {
		t.Fatalf("uninterrupted run: %v (took %v)", err, took)
	}
	// Kills are drawn over the write's own duration: the pipe's latency
	// moves them a little later.
	window := time.Since(ready)
	seed := uint64(envInt("WAVEMAP_CRASH_SEED", 1))
	rng := rand.New(rand.NewPCG(seed, 99))
	kills := 2 * max(envInt("WAVEMAP_CRASH_KILLS", 20), 20)
	states := map[string]int{}
	for k := range kills {
		dir := fixture()
		c, out := runChild(dir)
		if line, err := out.ReadString('\n'); err != nil || line != "ready\n" {
			t.Fatalf("child: %q, %v", line, err)
		}
		delay := time.Duration(rng.Int64N(int64(took)))
		time.Sleep(delay)
		c.Process.Signal(syscall.SIGKILL)
		werr := c.Wait()
		what := fmt.Sprintf("kill %d after %v of the write (seed %d)", k, delay, seed)
		path := filepath.Join(dir, "in.wav")
		f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
		if err != nil {
			t.Errorf("%s: wavemap cannot open the file: %v", what, err)
			continue
		}
		if sha256.Sum256(f.Bytes()) != audio {
			t.Errorf("%s: the audio changed", what)
		}
		f.Close()
		if b, err := exec.Command("sox", "--i", path).CombinedOutput(); err != nil {
			t.Errorf("%s: sox: %v\n%s", what, err, b)
		}
		if b, err := exec.Command("ffprobe", "-v", "error", path).CombinedOutput(); err != nil || len(b) > 0 {
			t.Errorf("%s: ffprobe: %v\n%s", what, err, b)
		}
		tags := wavtest.FFprobeTags(t, path)
		title, desc := tags["title"], tags["comment"]
		state := ""
		switch {
		case title == oldTitle && desc == oldDesc:
			state = "old"
		case title == newTitle && desc == newDesc:
			state = "new"
		case (title == oldTitle || title == newTitle) && (desc == oldDesc || desc == newDesc):
			state = "each chunk old or new"
		default:
			t.Errorf("%s: ffprobe reads title %q, description %q", what, title, desc)
		}
		if werr == nil {
			state += " (finished before the kill)"
		}
		states[state]++
	}
	t.Logf("uninterrupted write %v (%v to the child's exit); %d kills: %v", took, window, kills, states)
	if states["old"] == 0 || states["new"]+states["new (finished before the kill)"] == 0 {
		t.Errorf("the kills did not land both before and after the switch: %v", states)
	}
}

func audioHash(t *testing.T, path string) [32]byte {
	t.Helper()
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return sha256.Sum256(f.Bytes())
}
