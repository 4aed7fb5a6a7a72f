package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/wavemap/wavemap"
)

// runFix repairs each file's header with wavemap.Repair. For every file
// it first prints what it will change, one line per field ("FILE: byte N:
// FIELD OLD -> NEW (REASON)": the reason says which reading of the file
// was chosen when a size was stale), then each problem that the changes
// leave ("FILE: left as is: warning KIND at byte N: MESSAGE (WHY)", what
// check will still report, and why, with the flag that mends it where
// one does), or "FILE: nothing to fix"; then it makes the changes and
// says so. --truncate lets it cut junk after the chunks and a partial
// frame at the end of the audio. With --output NEW.wav (one input only)
// it writes a repaired copy instead (wavemap.RepairTo), for what cannot
// be mended in place: a RIFF file past 4 GiB with no room for a ds64
// chunk, a pad byte missing inside the file ... With --dry-run it stops
// after saying. The exit code is 0 when every file was fine or was fixed
// (or, with --dry-run, could be) and check will pass on it, 1 when a file
// could not be read or repaired or a problem is left; nothing is written
// to a file that cannot be repaired.
func runFix(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "fix", "[--dry-run] [--truncate] [--trailing-audio] FILE... | --output NEW.wav FILE")
	dry := fs.Bool("dry-run", false, "only print the changes, write nothing")
	trailing := fs.Bool("trailing-audio", false, "take whole frames after sizes that agree, up to the end of the file, for audio (a recorder killed before it updated its header)")
	truncate := fs.Bool("truncate", false, "cut what ends the file but is neither audio nor a chunk: junk after the chunks, a partial frame at the end of the audio")
	output := fs.String("output", "", "write a repaired copy to this file instead of changing FILE (RF64 past 4 GiB, every chunk kept)")
	withExample(fs, e, "wavemap fix --dry-run take.wav && wavemap fix take.wav")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("want at least one file")
	}
	if *output != "" {
		if len(files) != 1 {
			return usagef("--output takes one input file, not %d", len(files))
		}
		if *truncate {
			return usagef("--truncate changes the file in place; a copy made with --output leaves out junk and partial frames anyway")
		}
		if err := fixCopy(ctx, e, files[0], *output, *dry, *trailing); err != nil {
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				return err
			}
			if err != errSilentFailure {
				fmt.Fprintf(e.stderr, "wavemap fix: %s\n", oneLine(err))
			}
			return errSilentFailure
		}
		return nil
	}
	failed := false
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fixFile(e, name, *dry, *trailing, *truncate); err != nil {
			if err != errSilentFailure {
				fmt.Fprintf(e.stderr, "wavemap fix: %s\n", oneLine(err))
			}
			failed = true
		}
	}
	if failed {
		return errSilentFailure
	}
	return nil
}

// fixJSON is what fix prints with --json for a file: the changes (made,
// or with --dry-run to be made) and the problems left.
type fixJSON struct {
	Command string          `json:"command"`
	File    string          `json:"file"`
	DryRun  bool            `json:"dry_run"`
	Changes []fixChangeJSON `json:"changes"`
	Left    []string        `json:"left"`  // problems left as they are, and why
	Fixed   bool            `json:"fixed"` // every change was made (and none is left)
	Output  *fileJSON       `json:"output,omitempty"`
}

// fixChangeJSON is one field fix changes: its values as the file holds
// them (a 0xFFFFFFFF size is 4294967295).
type fixChangeJSON struct {
	Offset int64  `json:"offset_bytes"`
	Width  int    `json:"width_bytes"`
	Field  string `json:"field"`
	Old    uint64 `json:"old"`
	New    uint64 `json:"new"`
	Reason string `json:"reason"`
}

func fixChanges(plan []wavemap.Fix) []fixChangeJSON {
	cs := []fixChangeJSON{}
	for _, x := range plan {
		cs = append(cs, fixChangeJSON{x.Offset, x.Width, x.Field, x.Old, x.New, x.Reason})
	}
	return cs
}

// fixFile repairs one file in place. It returns errSilentFailure when
// problems are left, which it has printed.
func fixFile(e *env, name string, dry, trailing, truncate bool) error {
	var left []string
	unfixed := func(w wavemap.Warning, why string) {
		left = append(left, fmt.Sprintf("warning %s at byte %d: %s (%s)", w.Kind, w.Offset, w.Msg, why))
	}
	plan, err := wavemap.Repair(name, &wavemap.RepairOptions{DryRun: true, TrailingAudio: trailing, Truncate: truncate, Unfixed: unfixed})
	if err != nil {
		return err
	}
	j := fixJSON{Command: "fix", File: name, DryRun: dry, Changes: fixChanges(plan), Left: append([]string{}, left...)}
	report := func() error {
		j.Fixed = len(left) == 0
		if e.json {
			if err := printJSON(e, j); err != nil {
				return err
			}
		}
		if len(left) == 0 {
			return nil
		}
		if !e.json {
			fmt.Fprintf(e.stdout, "%s: %d problem(s) left: check will report them\n", name, len(left))
		}
		return errSilentFailure
	}
	say := func(format string, a ...any) {
		if !e.json {
			fmt.Fprintf(e.stdout, format, a...)
		}
	}
	if len(plan) == 0 {
		for _, l := range left {
			say("%s: left as is: %s\n", name, l)
		}
		if len(left) == 0 {
			say("%s: nothing to fix\n", name)
		} else {
			say("%s: no field to fix\n", name)
		}
		return report()
	}
	if !dry {
		// Find out that the file cannot be written before announcing
		// changes.
		if err := refuseReadOnly(name); err != nil {
			return err
		}
		if err := checkWritable(name); err != nil {
			return err
		}
	}
	for _, x := range plan {
		say("%s: %s\n", name, x)
	}
	for _, l := range left {
		say("%s: left as is: %s\n", name, l)
	}
	if dry {
		say("%s: %d field(s) would change (dry run: nothing written)\n", name, len(plan))
		return report()
	}
	done, err := wavemap.Repair(name, &wavemap.RepairOptions{TrailingAudio: trailing, Truncate: truncate})
	if err != nil {
		return err
	}
	j.Changes = fixChanges(done)
	say("%s: fixed %d field(s)\n", name, len(done))
	return report()
}

// fixCopy writes a repaired copy of name to out with wavemap.RepairTo.
// It prints the problems of name, then what it wrote, then the problems
// the copy still has ("OUT: left as is: ..."), which make it return
// errSilentFailure.
func fixCopy(ctx context.Context, e *env, name, out string, dry, trailing bool) error {
	o, err := newOutputFile(e, "fix", out, name)
	if err != nil {
		return err
	}
	warn := func(w wavemap.Warning) {
		fmt.Fprintf(e.stdout, "%s: warning %s at byte %d: %s\n", name, w.Kind, w.Offset, w.Msg)
	}
	h, err := wavemap.RepairTo(ctx, name, out, &wavemap.RepairOptions{DryRun: dry, TrailingAudio: trailing, Warn: warn})
	if err != nil {
		return o.errorf(err)
	}
	if dry {
		fmt.Fprintf(e.stdout, "%s: would write a repaired copy to %s (dry run: nothing written)\n", name, out)
		return nil
	}
	var chunks int
	for _, c := range h.Chunks {
		switch string(c.ID[:]) {
		case "fmt ", "data", "ds64", "fact", "JUNK":
		default:
			chunks++
		}
	}
	fmt.Fprintf(e.stdout, "%s: wrote a repaired copy to %s: %s, %s, %d frames, %d other chunk(s) kept\n",
		name, out, h.Container, h.Format, h.Frames, chunks)
	for _, w := range h.Warnings {
		fmt.Fprintf(e.stdout, "%s: left as is: warning %s at byte %d: %s\n", out, w.Kind, w.Offset, w.Msg)
	}
	if len(h.Warnings) > 0 {
		return errSilentFailure
	}
	return nil
}
