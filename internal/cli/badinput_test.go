package cli

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// badInputCommand says how to run one command on an input file.
type badInputCommand struct {
	name string
	// args returns the command line for input in, writing (if the
	// command writes a new file) into out.
	args func(in, out string) []string
	// inPlace: the command writes to its input (gain, normalize, fix),
	// so a read-only input must be refused; the others must accept it.
	inPlace bool
	// needsDamage: the command only writes when there is something to
	// repair (fix), so its read-only input gets a wrong RIFF size.
	needsDamage bool
	// wantsWAVE: the input must be a WAVE file. raw's wrapping mode
	// accepts any bytes, so only some cases apply to it.
	wantsWAVE bool
	// noInput: the command has no input file (gen); only the output
	// cases apply.
	noInput bool
}

var badInputCommands = []badInputCommand{
	{name: "info", wantsWAVE: true, args: func(in, _ string) []string { return []string{"info", in} }},
	{name: "stats", wantsWAVE: true, args: func(in, _ string) []string { return []string{"stats", in} }},
	{name: "gain", wantsWAVE: true, inPlace: true, args: func(in, _ string) []string { return []string{"gain", "--db", "-6", in} }},
	{name: "normalize", wantsWAVE: true, inPlace: true, args: func(in, _ string) []string { return []string{"normalize", in} }},
	{name: "convert", wantsWAVE: true, args: func(in, out string) []string { return []string{"convert", "--to", "f32", in, out} }},
	{name: "cut", wantsWAVE: true, args: func(in, out string) []string { return []string{"cut", "--from", "0", in, out} }},
	{name: "cat", wantsWAVE: true, args: func(in, out string) []string { return []string{"cat", in, out} }},
	{name: "raw", wantsWAVE: true, args: func(in, out string) []string { return []string{"raw", "--extract", in, out} }},
	{name: "raw", args: func(in, out string) []string {
		return []string{"raw", "--type", "s16", "--channels", "2", "--rate", "8000", in, out}
	}},
	{name: "gen", noInput: true, args: func(_, out string) []string { return []string{"gen", "--frames", "10", out} }},
	{name: "plot", wantsWAVE: true, args: func(in, out string) []string {
		return []string{"plot", in, strings.TrimSuffix(strings.TrimSuffix(out, ".wav"), ".png") + ".png"}
	}},
	{name: "check", wantsWAVE: true, args: func(in, _ string) []string { return []string{"check", in} }},
	{name: "fix", wantsWAVE: true, inPlace: true, needsDamage: true, args: func(in, _ string) []string { return []string{"fix", in} }},
	{name: "tag", wantsWAVE: true, args: func(in, _ string) []string { return []string{"tag", in} }},
	{name: "tag", wantsWAVE: true, inPlace: true, args: func(in, _ string) []string { return []string{"tag", "--set", "title=x", in} }},
	{name: "markers", wantsWAVE: true, args: func(in, _ string) []string { return []string{"markers", in} }},
	{name: "markers", wantsWAVE: true, inPlace: true, args: func(in, _ string) []string { return []string{"markers", "--add", "0", in} }},
	{name: "meta", wantsWAVE: true, args: func(in, out string) []string { return []string{"meta", "export", in, out} }},
}

// badInputCase is one kind of bad input: make prepares it at path.
type badInputCase struct {
	name string
	make func(t *testing.T, path string)
	// needsWAVE: the case is only bad for commands that read WAVE files.
	needsWAVE bool
	readOnly  bool
}

func TestBadInput(t *testing.T) {
	// A valid file to take a truncated header from and to make read-only.
	valid := filepath.Join(t.TempDir(), "valid.wav")
	mustRun(t, "gen", "--frames", "100", "--rate", "8000", valid)
	validBytes, err := os.ReadFile(valid)
	if err != nil {
		t.Fatal(err)
	}
	write := func(b []byte) func(t *testing.T, path string) {
		return func(t *testing.T, path string) {
			if err := os.WriteFile(path, b, 0o666); err != nil {
				t.Fatal(err)
			}
		}
	}
	cases := []badInputCase{
		{name: "missing", make: func(*testing.T, string) {}},
		{name: "directory", make: func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o777); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "dangling-symlink", make: func(t *testing.T, path string) {
			if err := os.Symlink(filepath.Join(filepath.Dir(path), "nowhere.wav"), path); err != nil {
				t.Skipf("no symlinks here: %v", err)
			}
		}},
		{name: "symlink-loop", make: func(t *testing.T, path string) {
			if err := os.Symlink(filepath.Base(path), path); err != nil {
				t.Skipf("no symlinks here: %v", err)
			}
		}},
		{name: "symlink-to-directory", make: func(t *testing.T, path string) {
			if err := os.Mkdir(path+".d", 0o777); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(filepath.Base(path)+".d", path); err != nil {
				t.Skipf("no symlinks here: %v", err)
			}
		}},
		{name: "empty", make: write(nil)},
		{name: "truncated-header", needsWAVE: true, make: write(validBytes[:30])},
		{name: "text", needsWAVE: true, make: write([]byte("This is a text file, not audio.\nIt has two lines.\n"))},
		{name: "unsupported-codec", needsWAVE: true, make: write(pcmHeader(2, 1, 8000, 4, 512))},
		{name: "read-only", readOnly: true, make: func(t *testing.T, path string) {
			write(validBytes)(t, path)
			if err := os.Chmod(path, 0o444); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, cmd := range badInputCommands {
		label := cmd.name
		if cmd.name == "raw" && !cmd.wantsWAVE {
			label = "raw-wrap"
		}
		t.Run(label, func(t *testing.T) {
			if lookup(cmd.name) == nil {
				t.Skipf("command %s is not registered yet", cmd.name)
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					switch {
					case cmd.noInput && c.name != "missing" && c.name != "directory":
						t.Skipf("%s reads no input", cmd.name)
					case c.needsWAVE && !cmd.wantsWAVE:
						t.Skipf("%s takes any bytes as raw samples", label)
					}
					badInputRun(t, cmd, c)
				})
			}
			t.Run("usage", func(t *testing.T) {
				r := runCLI(t, cmd.name, "--no-such-flag")
				if r.code != exitUsage || r.stdout != "" || !strings.Contains(r.stderr, "no-such-flag") {
					t.Errorf("%s --no-such-flag: exit %d, stdout %q, stderr %q; want exit 2 naming the flag",
						cmd.name, r.code, r.stdout, r.stderr)
				}
			})
		})
	}
}

func badInputRun(t *testing.T, cmd badInputCommand, c badInputCase) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.wav")
	out := filepath.Join(dir, "out.wav")
	if cmd.noInput {
		// gen: the output is what is bad, a directory or in a missing one.
		out = filepath.Join(dir, "nodir", "out.wav")
		if c.name == "directory" {
			out = in
		}
	}
	c.make(t, in)
	if c.readOnly && cmd.needsDamage {
		b, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		b[4]++ // RIFF size one too large
		if err := os.Chmod(in, 0o666); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(in, b, 0o444); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(in, 0o444); err != nil {
			t.Fatal(err)
		}
	}
	if c.readOnly {
		if runtime.GOOS == "windows" {
			t.Skip("read-only permission bits are not enforced the same way on Windows")
		}
		t.Cleanup(func() { os.Chmod(in, 0o666) }) // let TempDir's cleanup remove it
		if writable(in) {
			// root ignores permission bits: make the file immutable instead.
			makeImmutable(t, in)
		}
	}
	before := digest(t, in)
	entries := dirNames(t, dir)
	args := cmd.args(in, out)
	r := runCLI(t, args...)

	if c.readOnly && !cmd.inPlace {
		// A command that only reads its input works on a read-only file.
		if r.code != exitOK {
			t.Errorf("wavemap %q on a read-only input: exit %d, want 0\nstderr: %s", args, r.code, r.stderr)
		}
		if after := digest(t, in); after != before {
			t.Errorf("wavemap %q changed the read-only input: %s, was %s", args, after, before)
		}
		return
	}
	if r.code != exitFailure {
		t.Errorf("wavemap %q: exit %d, want 1\nstderr: %s", args, r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("wavemap %q: printed %q on standard output", args, r.stdout)
	}
	msg := errorMessage(r.stderr)
	named := in
	if cmd.noInput {
		named = out
	}
	switch {
	case msg == "":
		t.Errorf("wavemap %q: no error message", args)
	case strings.Contains(msg, "\n"):
		t.Errorf("wavemap %q: error message of more than one line:\n%s", args, r.stderr)
	case !strings.HasPrefix(msg, "wavemap "+cmd.name+": "):
		t.Errorf("wavemap %q: error %q does not start with \"wavemap %s: \"", args, msg, cmd.name)
	case !strings.Contains(msg, named) && !strings.Contains(msg, filepath.Dir(named)):
		t.Errorf("wavemap %q: error %q does not name %s", args, msg, named)
	}
	if after := digest(t, in); after != before {
		t.Errorf("wavemap %q changed the input: %s, was %s", args, after, before)
	}
	if now := dirNames(t, dir); strings.Join(now, "/") != strings.Join(entries, "/") {
		t.Errorf("wavemap %q left %q in the directory, which held %q", args, now, entries)
	}
}
