package cli

import (
	"context"
	"fmt"

	"github.com/wavemap/wavemap"
)

// runFix repairs the size fields of each file's header with
// wavemap.Repair. For every file it first prints what it will change, one
// line per field ("FILE: byte N: FIELD OLD -> NEW (REASON)"), or "FILE:
// nothing to fix", then makes the changes and says so. With --dry-run it
// stops after saying. The exit code is 0 when every file was fine or was
// fixed (or, with --dry-run, could be), 1 when a file could not be read
// or repaired; nothing is written to a file that cannot be repaired.
func runFix(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "fix", "[--dry-run] FILE...")
	dry := fs.Bool("dry-run", false, "only print the changes, write nothing")
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
		if err := fixFile(e, name, *dry); err != nil {
			fmt.Fprintf(e.stderr, "wavemap fix: %s\n", oneLine(err))
			failed = true
		}
	}
	if failed {
		return errSilentFailure
	}
	return nil
}

func fixFile(e *env, name string, dry bool) error {
	plan, err := wavemap.Repair(name, &wavemap.RepairOptions{DryRun: true})
	if err != nil {
		return err
	}
	if len(plan) == 0 {
		fmt.Fprintf(e.stdout, "%s: nothing to fix\n", name)
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
	if dry {
		fmt.Fprintf(e.stdout, "%s: %d field(s) would change (dry run: nothing written)\n", name, len(plan))
		return nil
	}
	done, err := wavemap.Repair(name, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: fixed %d field(s)\n", name, len(done))
	return nil
}
