package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// TestEmptyAudioEverywhere runs every command on files of 0 frames (s16
// and u8, whose silence is not zero bytes): each exits 0, the files made
// are valid and empty (check passes on them, sox and ffprobe open them),
// raw --extract writes an empty file, and the in-place edits leave the
// input as it was.
func TestEmptyAudioEverywhere(t *testing.T) {
	for _, tc := range []struct {
		name string
		fmt  []byte
		enc  string
	}{
		{"s16", wavtest.FmtPCM(1, 2, 8000, 16, 4), "s16"},
		{"u8", wavtest.FmtPCM(1, 1, 8000, 8, 1), "u8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "empty.wav")
			orig := wavtest.RIFF(wavtest.Chunk("fmt ", tc.fmt), wavtest.Chunk("data", nil))
			if err := os.WriteFile(in, orig, 0o644); err != nil {
				t.Fatal(err)
			}
			out := func(name string) string { return filepath.Join(dir, name) }
			rawOut := out("empty.raw")
			made := []string{out("conv.wav"), out("cut.wav"), out("cat.wav"), out("cat2.wav")}
			for _, args := range [][]string{
				{"info", in},
				{"info", "--json", in},
				{"stats", in},
				{"stats", "--json", in},
				{"check", in},
				{"check", "--data", in},
				{"gain", "--db", "3", in},
				{"normalize", in},
				{"convert", "--to", "f32", in, made[0]},
				{"cut", in, made[1]},
				{"cat", in, in, made[2]},
				{"cat", in, made[3]},
				{"raw", "--extract", in, rawOut},
				{"plot", in, out("empty.png")},
				{"fix", "--dry-run", in},
				{"fix", in},
			} {
				r := runCLI(t, args...)
				if r.code != 0 {
					t.Errorf("wavemap %s on a 0-frame file: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
				}
			}
			if b, err := os.ReadFile(in); err != nil || string(b) != string(orig) {
				t.Errorf("the commands changed the 0-frame input: %v", err)
			}
			if st, err := os.Stat(rawOut); err != nil || st.Size() != 0 {
				t.Errorf("raw --extract of a 0-frame file: %v, want an empty file", err)
			}
			if st, err := os.Stat(out("empty.png")); err != nil || st.Size() == 0 {
				t.Errorf("plot of a 0-frame file wrote no picture: %v", err)
			}
			for _, path := range made {
				f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
				if err != nil {
					t.Errorf("output %s: %v", path, err)
					continue
				}
				if f.Frames() != 0 || len(f.Warnings()) != 0 {
					t.Errorf("output %s: %d frames, warnings %v; want 0 frames and none", path, f.Frames(), f.Warnings())
				}
				f.Close()
				if r := runCLI(t, "check", path); r.code != 0 {
					t.Errorf("check %s: exit %d: %s%s", path, r.code, r.stdout, r.stderr)
				}
				if wavtest.Have(t, "sox") {
					if got := strings.TrimSpace(string(wavtest.Run(t, "sox", "--i", "-s", path))); got != "0" {
						t.Errorf("sox --i -s %s: %q, want 0", path, got)
					}
				}
				if wavtest.Have(t, "ffprobe") {
					wavtest.Run(t, "ffprobe", "-v", "error", "-show_streams", path) // opens it
				}
			}
		})
	}
}
