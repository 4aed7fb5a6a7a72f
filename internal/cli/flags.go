package cli

import (
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"

	"github.com/spf13/pflag"
)

// The conventions every command follows (the table test in
// conventions_test.go checks each of them for every command):
//
//   - Flags are GNU style, parsed by spf13/pflag: --long, -s for the few
//     that have a short form, --flag=value or --flag value, flags before,
//     between or after the file names, and "--" ends the flags (every word
//     after it is a file name, even one starting with "-").
//   - -h and --help print the command's help on standard output and exit
//     0; 'wavemap help CMD' prints the same.
//   - A usage error (unknown flag, bad value, wrong number of files) is
//     printed once, on standard error, with a one-line hint, and the exit
//     code is 2. Other failures exit 1; an interrupted command exits 130.
//   - -q/--quiet silences everything on standard error but errors: progress
//     bars, warnings, notes.
//   - --json prints JSON instead of text: one object per file (or per
//     output), one per line, in the schema 'wavemap help json' prints.
//   - Inputs come first and the output, where there is one, is the last
//     file name. "-" names standard input or output where a command can
//     stream (see each command's help).
//   - Commands that read many files take -j/--jobs N and print their
//     results in the order the files were given.
//
// pflag does the parsing because it removes the hand-written code that
// allowed flags after file names and still got "--" wrong, and because it
// prints flags as users type them (-q, --quiet); it has no dependencies
// and is the parser under cobra and kubectl.

// flagSet is a command's flags: a pflag.FlagSet with the flags every
// command has (--help, --quiet, --json) already registered.
type flagSet struct {
	*pflag.FlagSet
	e        *env
	cmd      string
	synopsis string
	examples []string
	text     string // more help, after the examples
	help     bool
}

// newFlags returns the flag set of the command cmd, whose non-flag
// arguments synopsis describes ("IN OUT", "FILE..."). It registers
// --help, --quiet and --json; the command adds its own.
func newFlags(e *env, cmd, synopsis string) *flagSet {
	fs := &flagSet{FlagSet: pflag.NewFlagSet(cmd, pflag.ContinueOnError), e: e, cmd: cmd, synopsis: synopsis}
	fs.SetOutput(io.Discard) // errors are returned and printed once, by Main
	fs.Usage = func() {}
	fs.SortFlags = true
	fs.BoolVarP(&fs.help, "help", "h", false, "print this help and exit")
	fs.BoolVarP(&e.quiet, "quiet", "q", false, "print nothing on standard error but errors (no progress, warnings or notes)")
	fs.BoolVar(&e.json, "json", false, "print JSON, one object per line, in the schema 'wavemap help json' prints")
	return fs
}

// jobsFlag registers -j/--jobs for a command that reads many files.
func (fs *flagSet) jobsFlag() *int {
	return fs.IntP("jobs", "j", runtime.GOMAXPROCS(0), "files to work on at once (default: the number of cores)")
}

// parseFiles is parse for the commands that read many files: at least
// one file, a valid --jobs, and standard input ("-") at most once.
func parseFiles(fs *flagSet, args []string, jobs *int) ([]string, error) {
	files, err := parse(fs, args)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, usagef("no files given")
	}
	if err := intIn("jobs", int64(*jobs), 1, 4096); err != nil {
		return nil, err
	}
	if err := oneStdin(files); err != nil {
		return nil, err
	}
	return files, nil
}

// withExample adds an example line to the command's help.
func withExample(fs *flagSet, _ *env, example string) {
	fs.examples = append(fs.examples, example)
}

// errHelp is returned by parse when the help was asked for and printed;
// Main exits 0 on it.
var errHelp = errors.New("help printed")

// parse parses args and returns the file names (every non-flag word, in
// order). With --help it prints the help on standard output and returns
// errHelp. A parse error is a usage error. With --quiet standard error
// keeps only errors from here on.
func parse(fs *flagSet, args []string) ([]string, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			fs.printHelp(fs.e.stdout)
			return nil, errHelp
		}
		return nil, usageError{err.Error()}
	}
	if fs.help {
		fs.printHelp(fs.e.stdout)
		return nil, errHelp
	}
	if fs.e.quiet {
		fs.e.stderr = io.Discard
	}
	return fs.Args(), nil
}

// printHelp writes the command's help: usage line, summary, flags and
// examples.
func (fs *flagSet) printHelp(w io.Writer) {
	fmt.Fprintf(w, "usage: wavemap %s [flags] %s\n", fs.cmd, fs.synopsis)
	if fs.e.summary != "" && !strings.Contains(fs.cmd, " ") {
		fmt.Fprintf(w, "\n%s\n", fs.e.summary)
	}
	fmt.Fprintf(w, "\nflags:\n%s", fs.flagUsages())
	if len(fs.examples) > 0 {
		fmt.Fprintf(w, "\nexample%s:\n", map[bool]string{true: "s"}[len(fs.examples) > 1])
		for _, ex := range fs.examples {
			fmt.Fprintf(w, "  %s\n", ex)
		}
	}
	if fs.text != "" {
		fmt.Fprintf(w, "\n%s", fs.text)
	}
	fmt.Fprintf(w, "\nConventions for every command: 'wavemap help'. JSON schema: 'wavemap help json'.\n")
}

// flagUsages lists the flags as a user types them: "-q, --quiet" for a
// flag with a short form, "--to ENCODING" for one that takes a value,
// with its default when it has one worth saying.
func (fs *flagSet) flagUsages() string {
	type row struct{ left, usage string }
	var rows []row
	width := 0
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		left := "    --" + f.Name
		if f.Shorthand != "" {
			left = "-" + f.Shorthand + ", --" + f.Name
		}
		name, usage := pflag.UnquoteUsage(f)
		if f.Value.Type() != "bool" {
			if name == "" || name == "value" {
				name = "VALUE"
			}
			left += " " + strings.ToUpper(name)
		}
		switch f.DefValue {
		case "", "0", "false", "[]", "<nil>":
		default:
			if f.Name != "jobs" {
				usage += " (default " + f.DefValue + ")"
			}
		}
		rows = append(rows, row{left, usage})
		width = max(width, len(left))
	})
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, r.left, r.usage)
	}
	return b.String()
}

// Numeric flag checks, so that every numeric flag is validated with a
// message naming it.

// intIn returns a usage error unless lo <= v <= hi.
func intIn(flag string, v, lo, hi int64) error {
	if v < lo || v > hi {
		if hi == math.MaxInt64 {
			return usagef("--%s %d: want at least %d", flag, v, lo)
		}
		return usagef("--%s %d: want %d to %d", flag, v, lo, hi)
	}
	return nil
}

// floatIn returns a usage error unless v is finite and lo <= v <= hi.
func floatIn(flag string, v, lo, hi float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < lo || v > hi {
		switch {
		case math.IsInf(hi, 1):
			return usagef("--%s %g: want a number of at least %g", flag, v, lo)
		default:
			return usagef("--%s %g: want a number from %g to %g", flag, v, lo, hi)
		}
	}
	return nil
}
