package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/wavemap/wavemap"
)

// Helpers of the commands that edit metadata in place: tag, markers and
// meta import. Every edit is written by wavemap.WriteMetadata, which
// never moves or writes the audio.

// metaReportJSON is a wavemap.MetadataReport as the commands print it
// with --json.
type metaReportJSON struct {
	DryRun  bool     `json:"dry_run"`
	Changed bool     `json:"changed"`       // false: the file already held it, nothing was written
	Written int64    `json:"written_bytes"` // bytes written
	Grew    int64    `json:"grew_bytes"`    // bytes the file grew by
	InPlace []string `json:"in_place"`
	Tail    []string `json:"tail"`
	Moved   []string `json:"moved"`
	Removed []string `json:"removed"`
	Notes   []string `json:"notes"`
}

func reportOf(rep *wavemap.MetadataReport, dry bool) *metaReportJSON {
	ids := func(cs []wavemap.FourCC) []string {
		out := []string{}
		for _, c := range cs {
			out = append(out, fourCCText(c))
		}
		return out
	}
	notes := rep.Notes
	if notes == nil {
		notes = []string{}
	}
	return &metaReportJSON{DryRun: dry, Changed: rep.Changed, Written: rep.Written, Grew: rep.Grew,
		InPlace: ids(rep.InPlace), Tail: ids(rep.Tail), Moved: ids(rep.Moved), Removed: ids(rep.Removed), Notes: notes}
}

// metaEdit is one metadata edit of a file.
type metaEdit struct {
	cmd  string
	name string
	dry  bool
	// edit changes m, the metadata of f (opened read-write, or read-only
	// for a dry run). An error stops the edit: nothing is written.
	edit func(f *wavemap.File, m *wavemap.Metadata) error
}

// run opens the file, exclusively unless it is a dry run (see
// openForEdit: a read-only file is refused), applies the edit and writes
// the result with wavemap.WriteMetadata while the file is held, so that no
// other wavemap changes it in between. It returns the metadata as the
// file now holds it (or, in a dry run, would) and the report.
func (x metaEdit) run(ctx context.Context, e *env) (*wavemap.Metadata, *wavemap.MetadataReport, error) {
	f, err := openForEdit(e, x.cmd, x.name, x.dry)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	m, err := f.Metadata()
	if err != nil {
		return nil, nil, fileError(x.name, err)
	}
	if err := x.edit(f, m); err != nil {
		if errors.As(err, new(usageError)) {
			return nil, nil, err
		}
		return nil, nil, fileError(x.name, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	// The File holds the lock: WriteMetadata takes none of its own.
	rep, err := wavemap.WriteMetadata(x.name, m, &wavemap.WriteMetadataOptions{DryRun: x.dry, NoLock: true})
	if err != nil {
		if errors.Is(err, wavemap.ErrInvalid) && strings.Contains(err.Error(), "repair") {
			err = &namedError{fmt.Sprintf("%s; nothing changed (wavemap fix %s repairs it)", fileError(x.name, err), x.name), err}
		}
		return nil, nil, fileError(x.name, err)
	}
	return m, rep, nil
}

// printReport says in text what an edit of name did: the report's notes,
// one line each, or that nothing had to change; quiet prints nothing.
func printReport(e *env, name string, rep *wavemap.MetadataReport, dry, quiet bool) {
	if quiet {
		return
	}
	if !rep.Changed {
		fmt.Fprintf(e.stdout, "%s: nothing to change: the file already holds this metadata\n", name)
		return
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(e.stdout, "%s: %s\n", name, n)
	}
	if dry {
		fmt.Fprintf(e.stdout, "%s: dry run: nothing written\n", name)
	}
}

// flagValue is one value of a repeatable flag, in command-line order.
type flagValue struct{ flag, value string }

// recordFlag returns a flag.Func that appends each value of the flag
// name to *list; the values are checked after parsing.
func recordFlag(list *[]flagValue, name string) func(string) error {
	return func(s string) error {
		*list = append(*list, flagValue{name, s})
		return nil
	}
}
