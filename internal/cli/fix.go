package cli

import (
	"context"
	"fmt"

	"github.com/wavemap/wavemap"
)

// runFix repairs the size fields of each file's header with
// wavemap.Repair. For every file it first prints what it will change, one
// line per field ("FILE: byte N: FIELD OLD -> NEW (REASON)": the reason
// says which reading of the file was chosen when a size was stale), then
// each problem that no size field can remove ("FILE: left as is: warning
// KIND at byte N: MESSAGE (WHY)", what check will still report), or
// "FILE: nothing to fix"; then it makes the changes and says so. With
// --dry-run it stops after saying. The exit code is 0 when every file was
// fine or was fixed (or, with --dry-run, could be), problems left as is
// included, 1 when a file could not be read or repaired; nothing is
// written to a file that cannot be repaired.
func runFix(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "fix", "[--dry-run] FILE...")
	dry := fs.Bool("dry-run", false, "only print the changes, write nothing")
	trailing := fs.Bool("trailing-audio", false, "take whole frames after sizes that agree, up to the end of the file, for audio (a recorder killed before it updated its header)")
	withExample(fs, e, "wavemap fix --dry-run take.wav && wavemap fix take.wav")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("want at least one file")
	}
	failed := false
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fixFile(e, name, *dry, *trailing); err != nil {
			fmt.Fprintf(e.stderr, "wavemap fix: %s\n", oneLine(err))
			failed = true
		}
	}
	if failed {
		return errSilentFailure
	}
	return nil
}

func fixFile(e *env, name string, dry, trailing bool) error {
	var left []string
	unfixed := func(w wavemap.Warning, why string) {
		left = append(left, fmt.Sprintf("%s: left as is: warning %s at byte %d: %s (%s)", name, w.Kind, w.Offset, w.Msg, why))
	}
	plan, err := wavemap.Repair(name, &wavemap.RepairOptions{DryRun: true, TrailingAudio: trailing, Unfixed: unfixed})
	if err != nil {
		return err
	}
	if len(plan) == 0 {
		for _, l := range left {
			fmt.Fprintln(e.stdout, l)
		}
		if len(left) == 0 {
			fmt.Fprintf(e.stdout, "%s: nothing to fix\n", name)
		} else {
			fmt.Fprintf(e.stdout, "%s: no size field to fix\n", name)
		}
		return nil
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
		fmt.Fprintf(e.stdout, "%s: %s\n", name, x)
	}
	for _, l := range left {
		fmt.Fprintln(e.stdout, l)
	}
	if dry {
		fmt.Fprintf(e.stdout, "%s: %d field(s) would change (dry run: nothing written)\n", name, len(plan))
		return nil
	}
	done, err := wavemap.Repair(name, &wavemap.RepairOptions{TrailingAudio: trailing})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: fixed %d field(s)\n", name, len(done))
	return nil
}
