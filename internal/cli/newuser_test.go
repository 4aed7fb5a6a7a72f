package cli

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// TestNewUserEdges replays what a new user tried (issue #15) and checks
// each answer: usage errors with a message naming the flag, exit 2, for
// every value a flag cannot take.
func TestNewUserEdges(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.wav")
	mustRun(t, "gen", "--seconds", "1", in)
	out := filepath.Join(dir, "out.wav")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"convert", "--to", "s12", in, out}, `unknown encoding "s12"`},
		{[]string{"gen", "--channels", "0", out}, "--channels 0: want 1 to 65535"},
		{[]string{"gen", "--rate", "0", "--seconds", "1", out}, "--rate 0"},
		{[]string{"gen", "--amp", "1.5", "--seconds", "1", out}, "--amp 1.5: want a number from 0 to 1"},
		{[]string{"gen", "--amp", "NaN", "--seconds", "1", out}, "--amp"},
		{[]string{"gen", "--freq", "30000", "--seconds", "1", out}, "--freq 30000"},
		{[]string{"gen", "--seconds", "-1", out}, "--seconds -1"},
		{[]string{"gen", "--channels", "x", out}, `invalid argument "x"`},
		{[]string{"stats", "-j", "0", in}, "--jobs 0"},
		{[]string{"plot", "--width", "5", in, filepath.Join(dir, "p.png")}, "--width 5"},
		{[]string{"plot", in, filepath.Join(dir, "p.jpg")}, "PNG only"},
	} {
		r := runCLI(t, c.args...)
		msg := errorMessage(r.stderr)
		if r.code != exitUsage || !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") || strings.Contains(msg, "wavemap: ") {
			t.Errorf("%q: exit %d, stderr %q; want 2 and one line with %q", c.args, r.code, r.stderr, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%q made %s", c.args, out)
		}
	}
	// Encoding names as people type them.
	for _, enc := range []string{"F32", "float", "pcm_s16le", "f32le", "PCM_S24LE", "double"} {
		mustRun(t, "convert", "--to", enc, in, out)
	}
}

// TestCatJoinsPlainAndExtensible: a plain PCM header and an EXTENSIBLE one
// with the default stereo mask are the same audio, which sox joins; so
// does cat, with a note. Different masks are refused.
func TestCatJoinsPlainAndExtensible(t *testing.T) {
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	plain, ext, out := filepath.Join(dir, "plain.wav"), filepath.Join(dir, "ext.wav"), filepath.Join(dir, "out.wav")
	mustRun(t, "gen", "--frames", "1000", plain)
	fm := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000, ChannelMask: 0x3}
	f, err := wavemap.Create(ext, fm, 500, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "cat", plain, ext, out)
	if r.code != 0 || !strings.Contains(r.stderr, "note: format") {
		t.Fatalf("cat plain ext: exit %d, %q", r.code, r.stderr)
	}
	want := wavtest.Run(t, "sox", plain, ext, "-t", "raw", "-")
	if got := wavtest.Run(t, "sox", out, "-t", "raw", "-"); string(got) != string(want) {
		t.Error("cat of plain and EXTENSIBLE differs from sox's join")
	}
	other := filepath.Join(dir, "other.wav")
	fm.ChannelMask = 0x30 // back left, back right
	if f, err = wavemap.Create(other, fm, 500, nil); err != nil || f.Close() != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, "cat", ext, other, filepath.Join(dir, "o2.wav")); r.code != 1 || !strings.Contains(r.stderr, "differs") {
		t.Errorf("cat of two masks: exit %d, %q", r.code, r.stderr)
	}
}

// TestStreamingSizeShownOneWay: the 0xFFFFFFFF of a stream is 4294967295
// in info's chunk list and in fix's change, the number the header holds.
func TestStreamingSizeShownOneWay(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "s.wav")
	mustRun(t, "gen", "--frames", "100", p)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(b), "data")
	binary.LittleEndian.PutUint32(b[i+4:], 0xFFFFFFFF)
	if err := os.WriteFile(p, b, 0o666); err != nil {
		t.Fatal(err)
	}
	if r := mustRun(t, "info", "--json", p); !strings.Contains(r.stdout, `"declared_bytes":4294967295`) {
		t.Errorf("info: %s", r.stdout)
	}
	if r := runCLI(t, "fix", "--json", "--dry-run", p); !strings.Contains(r.stdout, `"old":4294967295`) {
		t.Errorf("fix: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
}
