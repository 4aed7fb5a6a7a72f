package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// conventionRuns gives, for every command, a run that succeeds, made in
// dir from in (a 1 s stereo s16 file) and copy (a copy of it, for the
// commands that edit in place). The table test fails for a command that
// is not here, so a new command cannot skip the conventions.
var conventionRuns = map[string]func(dir, in, copy string) []string{
	"cat":   func(dir, in, _ string) []string { return []string{"cat", in, in, filepath.Join(dir, "cat.wav")} },
	"check": func(_, in, _ string) []string { return []string{"check", in, in} },
	"convert": func(dir, in, _ string) []string {
		return []string{"convert", "--to", "F32", in, filepath.Join(dir, "c.wav")}
	},
	"cut": func(dir, in, _ string) []string {
		return []string{"cut", "--from", "0.25", "--to", "9", in, filepath.Join(dir, "cut.wav")}
	},
	"fix":  func(_, _, copy string) []string { return []string{"fix", copy} },
	"gain": func(_, _, copy string) []string { return []string{"gain", "--db", "-1", copy} },
	"gen": func(dir, _, _ string) []string {
		return []string{"gen", "--frames", "100", filepath.Join(dir, "gen.wav")}
	},
	"info": func(_, in, _ string) []string { return []string{"info", in, in} },
	"loudness": func(_, in, _ string) []string {
		return []string{"loudness", in}
	},
	"markers": func(_, _, copy string) []string { return []string{"markers", "--add", "0.5=Mark", copy} },
	"merge":   func(dir, in, _ string) []string { return []string{"merge", in, in, filepath.Join(dir, "m.wav")} },
	"meta": func(dir, _, copy string) []string {
		return []string{"meta", "import", "--dry-run", copy, filepath.Join(dir, "doc.json")}
	},
	"normalize": func(_, _, copy string) []string { return []string{"normalize", copy} },
	"peaks": func(dir, in, _ string) []string {
		return []string{"peaks", "-z", "64", in, filepath.Join(dir, "p.dat")}
	},
	"plot": func(dir, in, _ string) []string { return []string{"plot", in, filepath.Join(dir, "p.png")} },
	"remix": func(dir, in, _ string) []string {
		return []string{"remix", in, filepath.Join(dir, "r.wav"), "2", "1v0.5,2v0.5"}
	},
	"split": func(dir, in, _ string) []string { return []string{"split", in, dir} },
	"raw":   func(dir, in, _ string) []string { return []string{"raw", "--extract", in, filepath.Join(dir, "x.raw")} },
	// serve runs until it is interrupted: its run is not checked here
	// (TestServeJSON checks its --json object against the schema;
	// serve_test.go runs it); its flags and help are.
	"serve": nil,
	"scan":  func(_, in, _ string) []string { return []string{"scan", in} },
	"stats": func(_, in, _ string) []string { return []string{"stats", in, in} },
	"tag":   func(_, _, copy string) []string { return []string{"tag", "--set", "title=T", copy} },
}

// singleDashLong matches a help line offering a long flag with one dash
// (-json), which the GNU convention writes --json.
var singleDashLong = regexp.MustCompile(`(?m)^\s+-[a-z][a-z-]+\b`)

// TestConventions checks every convention of flags.go for every command.
func TestConventions(t *testing.T) {
	sch := compileSchema(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.wav")
	mustRun(t, "gen", "--seconds", "1", in)
	mustRun(t, "meta", "export", in, filepath.Join(dir, "doc.json"))
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			run, listed := conventionRuns[c.name]
			if !listed {
				t.Fatalf("%s is not in conventionRuns", c.name)
			}
			// Help: on stdout, exit 0, the same for 'help CMD', flags in
			// GNU style, the common flags listed.
			h := runCLI(t, c.name, "--help")
			if h.code != exitOK || h.stderr != "" || !strings.HasPrefix(h.stdout, "usage: wavemap "+c.name+" [flags]") {
				t.Errorf("--help: exit %d, stdout %q, stderr %q", h.code, h.stdout, h.stderr)
			}
			for _, alt := range [][]string{{c.name, "-h"}, {"help", c.name}} {
				if r := runCLI(t, alt...); r.code != exitOK || r.stdout != h.stdout || r.stderr != "" {
					t.Errorf("%q differs from %s --help: exit %d, stderr %q", alt, c.name, r.code, r.stderr)
				}
			}
			for _, want := range []string{"-h, --help", "-q, --quiet", "    --json", c.summary} {
				if !strings.Contains(h.stdout, want) {
					t.Errorf("--help lacks %q:\n%s", want, h.stdout)
				}
			}
			if m := singleDashLong.FindString(h.stdout); m != "" {
				t.Errorf("--help shows a long flag with one dash: %q", m)
			}
			// A usage error: once, with a one-line hint, exit 2.
			r := runCLI(t, c.name, "--no-such-flag", "x.wav")
			want := "wavemap " + c.name + ": unknown flag: --no-such-flag\nrun 'wavemap " + c.name + " --help' for usage\n"
			if r.code != exitUsage || r.stdout != "" || r.stderr != want {
				t.Errorf("bad flag: exit %d, stdout %q, stderr %q; want 2 and %q", r.code, r.stdout, r.stderr, want)
			}
			if run == nil {
				return
			}
			copy := filepath.Join(dir, c.name+"-copy.wav")
			copyFile(t, copy, in)
			args := run(dir, in, copy)
			// -q: nothing on stderr.
			if r := runCLI(t, append(args[:len(args):len(args)], "-q")...); r.code != exitOK || r.stderr != "" {
				t.Errorf("-q %q: exit %d, stderr %q", args, r.code, r.stderr)
			}
			copyFile(t, copy, in)
			// --json, anywhere among the arguments: one object per line,
			// each valid in the schema, naming the command.
			r = runCLI(t, append(args, "--json")...)
			if r.code != exitOK || r.stdout == "" || !strings.HasSuffix(r.stdout, "\n") {
				t.Fatalf("%q --json: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
			}
			for _, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
				validateLine(t, sch, line)
				var head struct{ Command string }
				if json.Unmarshal([]byte(line), &head) != nil || head.Command != c.name {
					t.Errorf("%q --json: command %q in %s", args, head.Command, line)
				}
			}
			// "--" ends the flags: a name starting with "-" after it is a
			// file, never a flag. It is in a folder that does not exist,
			// so that a command taking it for its output fails too
			// instead of making a file in the package's folder.
			if c.name == "gen" {
				return
			}
			const missing = "-no-such-folder/x.wav"
			dashed := append(args[:len(args):len(args)], "--", missing)
			if r := runCLI(t, dashed...); r.code == exitUsage && strings.Contains(r.stderr, "unknown shorthand") {
				t.Errorf("%q: %s after -- taken for a flag: %q", dashed, missing, r.stderr)
			}
			if _, err := os.Stat(missing); err == nil {
				t.Errorf("%q made %s", dashed, missing)
			}
		})
	}
	// Global: --version, help json, unknown command.
	if r := runCLI(t, "--version"); r.code != exitOK || !strings.HasPrefix(r.stdout, "wavemap ") || r.stderr != "" {
		t.Errorf("--version: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, "help", "json"); r.code != exitOK || !bytes.Equal([]byte(r.stdout), jsonSchema) {
		t.Errorf("help json: exit %d", r.code)
	}
	if r := runCLI(t, "help", "nosuch"); r.code != exitUsage || r.stdout != "" {
		t.Errorf("help nosuch: exit %d", r.code)
	}
}

// TestDoubleDash: "--" makes every later word a file name, for every
// word, not only the next one.
func TestDoubleDash(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "-a.wav")
	mustRun(t, "gen", "--frames", "10", "--", a)
	old, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(old)
	r := runCLI(t, "info", "--json", "--", "-a.wav", "-a.wav")
	if r.code != exitOK || strings.Count(r.stdout, `"file":"-a.wav"`) != 2 {
		t.Errorf("info -- -a.wav -a.wav: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// compileSchema compiles schema.json.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(jsonSchema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const url = "https://github.com/wavemap/wavemap/internal/cli/schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// validateLine fails unless line is a JSON object valid in the schema.
func validateLine(t *testing.T, sch *jsonschema.Schema, line string) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(line))
	if err != nil {
		t.Errorf("not JSON: %v: %s", err, line)
		return
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("not valid in schema.json: %v\n%s", err, line)
	}
}

// TestSchemaRejects checks that the schema is strict where it says so:
// the objects of the older outputs, and the mistakes it exists to catch,
// fail it.
func TestSchemaRejects(t *testing.T) {
	sch := compileSchema(t)
	format := `{"container":"RIFF","encoding":"s16","format_tag":1,"extensible":false,"bits":16,"valid_bits":16,"channels":2,"channel_mask":0,"speakers":[],"sample_rate_hz":48000,"frame_bytes":4}`
	good := `{"command":"stats","file":"a.wav","format":` + format + `,"frames":1,"duration_seconds":0.1,"channels":[{"channel":0}]}`
	validateLine(t, sch, good)
	for _, bad := range []string{
		`{"file":"a.wav"}`, // no command
		`{"command":"stats","file":"a.wav","format":"s16 2ch 48000Hz","frames":1,"duration_seconds":0.1,"channels":[]}`,
		`{"command":"stats","file":"a.wav","format":` + format + `,"frames":1,"duration_seconds":0.1,"channels":2}`,
		`{"command":"stats","file":"a.wav","format":` + strings.Replace(format, "sample_rate_hz", "sample_rate", 1) + `,"frames":1,"duration_seconds":0.1,"channels":[]}`,
		`{"command":"stats","file":"a.wav","format":` + format + `,"frames":1,"duration_seconds":0.1,"channels":[{"channel":-1}]}`,
		`{"command":"stats","file":"a.wav","format":` + format + `,"frames":1,"duration_seconds":0.1,"channels":[],"peakDB":1}`,
		`{"command":"stats","file":"a.wav","format":` + format + `,"frames":1,"channels":[]}`, // no seconds
		`{"command":"info","file":"a.wav","error":{"message":"x"},"frames":1}`,
		`{"command":"cut","file":"a.wav","format":` + format + `,"frames":1,"duration_seconds":0.1,"output":{"file":"b.wav"}}`,
	} {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if sch.Validate(v) == nil {
			t.Errorf("the schema accepts %s", bad)
		}
	}
}
