// Package cli implements the wavemap command. It holds flags, progress and
// output only: every format decision is made by the wavemap package.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// Exit codes.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitInterrupted = 130 // the shell's code for a process ended by SIGINT
)

// env is what a command runs with.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// errw is where errors go: the original standard error, which
	// --quiet does not silence (it replaces stderr with io.Discard).
	errw io.Writer
	// The flags every command has (newFlags registers them).
	quiet, json bool
	// summary is the running command's line in 'wavemap help', for its
	// --help.
	summary string
}

// failf reports the failure of one file among many on standard error
// (never silenced), for the commands that go on with the next file.
func (e *env) failf(cmd string, err error) {
	fmt.Fprintf(e.errw, "wavemap %s: %s\n", cmd, oneLine(err))
}

// A command is one subcommand of wavemap. run parses args (the words after
// the command's name) and does the work; it stops early, through its
// normal error path, when ctx is cancelled, returning an error that wraps
// ctx.Err().
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
	// makes says what an interrupted run leaves, for the message.
	makes effect
}

// effect is what a command does to files.
type effect uint8

const (
	readsOnly    effect = iota // info, stats, check: nothing changes
	makesFiles                 // its outputs are written under a temporary name, removed when unfinished
	editsInPlace               // gain, normalize, fix: the input is changed in place
)

// commands lists every command, in the order 'wavemap help' prints them.
var commands = []*command{
	{"cat", "join WAVE files of the same format into a new file", runCat, makesFiles},
	{"check", "check WAVE files for header defects (and with --data unreadable or non-finite samples)", runCheck, readsOnly},
	{"convert", "write a copy of a file in another sample encoding", runConvert, makesFiles},
	{"cut", "copy a time range of a WAVE file into a new file", runCut, makesFiles},
	{"fix", "repair WAVE headers in place (--dry-run: only say what would change), or write a repaired copy (--output)", runFix, editsInPlace},
	{"gain", "change the level of a file in place (--db or --factor)", runGain, editsInPlace},
	{"gen", "create a file of any size with a sine, noise or silence", runGen, makesFiles},
	{"info", "print format, size, chunks, metadata and warnings of WAVE files", runInfo, readsOnly},
	{"loudness", "EBU R 128 loudness (integrated, range, momentary and short-term maxima) and true peak of WAVE files", runLoudness, readsOnly},
	{"markers", "list, add or remove the markers and regions (cue points) of a WAVE file, in place", runMarkers, editsInPlace},
	{"merge", "join the channels of WAVE files (mono stems ...) into one multichannel file", runMerge, makesFiles},
	{"meta", "export every metadata chunk of a WAVE file as JSON, or import such a document back, in place", runMeta, editsInPlace},
	{"normalize", "scale a file in place so that its peak (--peak) or its loudness (--lufs) is at a given level", runNormalize, editsInPlace},
	{"peaks", "write waveform data for web players, byte for byte as BBC audiowaveform does (.dat or .json)", runPeaks, makesFiles},
	{"plot", "draw a waveform overview of a file as a PNG picture", runPlot, makesFiles},
	{"raw", "wrap headerless samples in a WAVE header, or extract a WAVE file's samples", runRaw, makesFiles},
	{"remix", "write a file whose channels are picked, reordered or mixed from a file's channels (sox's remix syntax)", runRemix, makesFiles},
	{"scan", "walk directories and write one record per audio file (format, levels, full-scale runs, silence, defects) as JSON lines or CSV, on all cores, sharded for clusters", runScan, readsOnly},
	{"serve", "serve a waveform viewer of WAVE files to the browser (loopback only unless --public)", runServe, readsOnly},
	{"split", "write each channel of a WAVE file into a mono file of its own, named by track or speaker", runSplit, makesFiles},
	{"stats", "per-channel peak, RMS, DC offset and clipping, in dBFS too", runStats, readsOnly},
	{"tag", "list or set the INFO tags and bext fields of WAVE files, in place", runTag, editsInPlace},
}

// lookup returns the command called name, or nil.
func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// Main runs the command line args and returns the exit code: 0 success, 1
// failure, 2 usage error, 130 interrupted. Cancelling ctx (the caller does
// on SIGINT and SIGTERM) interrupts the command: it stops at the next
// block, removes the output files it had not finished and Main returns
// 130.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// Standard error is written by the workers of many-file commands
	// (warnings, notes) and by the loop that reports their results: one
	// lock keeps the lines whole.
	se := &syncWriter{w: stderr}
	e := &env{stdin: stdin, stdout: stdout, stderr: se, errw: se}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "--help":
		if len(args) == 1 || args[0] != "help" {
			usage(stdout)
			return exitOK
		}
		switch args[1] {
		case "json", "schema":
			_, err := stdout.Write(jsonSchema)
			if err != nil {
				return exitFailure
			}
			return exitOK
		}
		if lookup(args[1]) == nil {
			fmt.Fprintf(stderr, "wavemap help: unknown command %q\nrun 'wavemap help' for the list of commands\n", args[1])
			return exitUsage
		}
		args = []string{args[1], "--help"}
	case "version", "--version", "-V":
		fmt.Fprintln(stdout, versionLine())
		return exitOK
	}
	c := lookup(args[0])
	if c == nil {
		fmt.Fprintf(stderr, "wavemap: unknown command %q\nrun 'wavemap help' for the list of commands\n", args[0])
		return exitUsage
	}
	e.summary = c.summary
	err := c.run(ctx, e, args[1:])
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errHelp):
		return exitOK
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		msg := ""
		switch c.makes {
		case makesFiles:
			msg = "; the unfinished output was removed, nothing changed at its name"
		}
		// An in-place edit says itself what it leaves (a journal to
		// finish it with, or nothing changed).
		fmt.Fprintf(e.errw, "\nwavemap %s: interrupted (%s)%s\n", c.name, interruptCause(ctx), msg)
		return exitInterrupted
	case errors.As(err, new(usageError)):
		// A library's ErrArgument says "wavemap: invalid argument: ": the
		// line starts with the command already, and it is a usage error.
		msg := strings.TrimPrefix(oneLine(err), "invalid argument: ")
		fmt.Fprintf(e.errw, "wavemap %s: %s\nrun 'wavemap %s --help' for usage\n", c.name, msg, c.name)
		return exitUsage
	case errors.Is(err, errSilentFailure):
		return exitFailure
	}
	fmt.Fprintf(e.errw, "wavemap %s: %s\n", c.name, oneLine(err))
	return exitFailure
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: wavemap <command> [flags] [files]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, conventionsHelp)
}

// conventionsHelp is the part of 'wavemap help' that every command follows.
const conventionsHelp = `
Every command:
  -h, --help     its help, on standard output ('wavemap help CMD' is the same)
  -q, --quiet    nothing on standard error but errors
      --json     JSON instead of text, one object per line ('wavemap help json': the schema)
  --             ends the flags: every word after it is a file name
  -              standard input or output, where a command can stream
Inputs come first, the output (if any) last. Commands that read many files
take -j N (files at once) and print in the order given.
Exit codes: 0 success, 1 failure (some file failed), 2 usage error, 130 interrupted.
Also: wavemap --version.
`

// versionLine is what --version prints: the module version (or
// "(devel)") with the VCS revision the binary was built from, if known,
// and the Go version and platform.
func versionLine() string {
	v, rev := "(devel)", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = " " + s.Value[:12]
			}
		}
	}
	return fmt.Sprintf("wavemap %s%s (%s %s/%s)", v, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// syncWriter serializes the writes to w.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
