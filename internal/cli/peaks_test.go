package cli

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wavemap/wavemap/internal/wavtest"
)

// TestPeaksCommandGolden runs `wavemap peaks` with the options of every
// line of the audiowaveform 1.10.3 reference set's manifest and compares
// the file it writes byte for byte with audiowaveform's.
func TestPeaksCommandGolden(t *testing.T) {
	dir := wavtest.PeaksDir()
	mf, err := os.Open(filepath.Join(dir, "golden", "MANIFEST.tsv"))
	if err != nil {
		t.Skipf("no reference waveform data: %v", err)
	}
	defer mf.Close()
	out := t.TempDir()
	sc := bufio.NewScanner(mf)
	sc.Scan()
	n := 0
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		in, golden, opts := cols[0], cols[1], cols[2]
		dst := filepath.Join(out, golden)
		args := append(append([]string{"peaks", "-q"}, strings.Fields(opts)...), filepath.Join(dir, "input", in), dst)
		mustRun(t, args...)
		got, _ := os.ReadFile(dst)
		want, _ := os.ReadFile(filepath.Join(dir, "golden", golden))
		if !bytes.Equal(got, want) {
			t.Errorf("wavemap %s: output differs from audiowaveform's %s", strings.Join(args, " "), golden)
		}
		n++
	}
	if n == 0 {
		t.Fatal("empty manifest")
	}
}

// TestPeaksCommandErrors: options audiowaveform refuses, and ones it does
// not know, are usage errors that write nothing.
func TestPeaksCommandErrors(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.wav")
	mustRun(t, "gen", "--seconds", "1", in)
	for _, args := range [][]string{
		{"-z", "256", "-e", "1", in, filepath.Join(dir, "a.dat")},
		{"-b", "12", in, filepath.Join(dir, "a.dat")},
		{"-z", "10", "--pixels-per-second", "5", in, filepath.Join(dir, "a.dat")},
		{in, filepath.Join(dir, "a.png")},
		{"--output-format", "xml", in, filepath.Join(dir, "a.dat")},
		{in},
	} {
		r := runCLI(t, append([]string{"peaks"}, args...)...)
		if r.code != exitUsage {
			t.Errorf("peaks %q: exit %d, want %d\n%s", args, r.code, exitUsage, r.stderr)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("refused runs left files: %v", entries)
	}
}
