package cli

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/wavemap/wavemap"
)

// markersHelp is printed by markers -h after the flags.
const markersHelp = `notes:
  Without edits, markers lists the cue points. --clear is done first,
  then --delete, --add and --region in the order given. A new cue point
  gets the smallest unused id; a region is an ltxt of purpose "rgn "
  holding its length in frames. A time past the end of the audio is
  refused (exit 2). The edit is written in place without moving the
  audio; in a Wave64 file it must fit in room before the audio, or it is
  refused and nothing changes.
`

// markerOp is one --add, --region or --delete, in the order given.
type markerOp struct {
	flag     string // "add", "region" or "delete"
	arg      string // as given, for messages
	from, to string // times: --add has from only
	label    string
	id       uint32 // --delete
}

// parseMarkerAdd reads TIME[=LABEL].
func parseMarkerAdd(s string) (markerOp, error) {
	t, label, _ := strings.Cut(s, "=")
	if _, err := parseTimeSpec(t, 1); err != nil {
		return markerOp{}, usagef("--add %q: %v", s, err)
	}
	return markerOp{flag: "add", arg: s, from: t, label: label}, nil
}

// parseMarkerRegion reads START..END[=LABEL].
func parseMarkerRegion(s string) (markerOp, error) {
	r, label, _ := strings.Cut(s, "=")
	a, b, ok := strings.Cut(r, "..")
	if !ok {
		return markerOp{}, usagef("--region %q: want START..END[=LABEL]", s)
	}
	for _, t := range []string{a, b} {
		if _, err := parseTimeSpec(t, 1); err != nil {
			return markerOp{}, usagef("--region %q: %v", s, err)
		}
	}
	return markerOp{flag: "region", arg: s, from: a, to: b, label: label}, nil
}

func parseMarkerDelete(s string) (markerOp, error) {
	id, err := strconv.ParseUint(strings.TrimSpace(s), 10, 32)
	if err != nil {
		return markerOp{}, usagef("--delete %q: want the id of a cue point (a whole number, as markers lists them)", s)
	}
	return markerOp{flag: "delete", arg: s, id: uint32(id)}, nil
}

// markersJSON is what markers prints with --json.
type markersJSON struct {
	Command    string          `json:"command"`
	File       string          `json:"file"`
	SampleRate int             `json:"sample_rate_hz"`
	Frames     int64           `json:"frames"`
	Cues       []cueJSON       `json:"cues"`
	Added      []uint32        `json:"added,omitempty"` // the ids of the new cue points
	Report     *metaReportJSON `json:"report,omitempty"`
}

// runMarkers lists or edits the cue points of a file: markers (a cue
// point with a labl) and regions (with an ltxt of purpose "rgn " holding
// the length).
func runMarkers(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "markers", "[--add TIME[=LABEL]]... [--region START..END[=LABEL]]... [--delete ID]... [--clear] FILE")
	var raw []flagValue
	fs.Func("add", "add a marker at TIME ("+timeSpecHelp+"), with an optional label (repeatable)", recordFlag(&raw, "add"))
	fs.Func("region", "add a region from START to END (excluded), with an optional label (repeatable)", recordFlag(&raw, "region"))
	fs.Func("delete", "remove the cue point ID with its label, note and region (repeatable)", recordFlag(&raw, "delete"))
	clearAll := fs.Bool("clear", false, "remove every cue point first")
	dry := fs.Bool("dry-run", false, "only say what would be written")
	asJSON := &e.json
	quiet := quietFlag(fs)
	withText(fs, e, markersHelp)
	withExample(fs, e, "wavemap markers --add 1:30=Chorus --region 2:00..2:15.5=Solo take.wav")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	var ops []markerOp
	for _, r := range raw {
		parse := map[string]func(string) (markerOp, error){"add": parseMarkerAdd, "region": parseMarkerRegion, "delete": parseMarkerDelete}[r.flag]
		op, err := parse(r.value)
		if err != nil {
			return err
		}
		ops = append(ops, op)
	}
	if len(pos) != 1 {
		return usagef("want one file")
	}
	name := pos[0]
	if err := refuseStdio("", name); err != nil {
		return err
	}
	if !*clearAll && len(ops) == 0 {
		return listMarkers(e, name, *asJSON)
	}
	var added []uint32
	var rate int
	var frames int64
	m, rep, err := metaEdit{cmd: "markers", name: name, dry: *dry, edit: func(f *wavemap.File, m *wavemap.Metadata) error {
		rate, frames = f.Format().SampleRate, f.Frames()
		var err error
		added, err = applyMarkers(m, ops, *clearAll, rate, frames)
		return err
	}}.run(ctx, e)
	if err != nil {
		return err
	}
	cues, _ := m.Cues()
	if *asJSON {
		j := markersJSON{Command: "markers", File: name, SampleRate: rate, Frames: frames, Cues: cuesJSON(cues, rate), Added: added, Report: reportOf(rep, *dry)}
		return printJSON(e, j)
	}
	if !*quiet {
		for _, c := range cues {
			if slices.Contains(added, c.ID) {
				kind := "marker"
				if c.Length > 0 {
					kind = "region"
				}
				fmt.Fprintf(e.stdout, "%s: added %s %d at %s\n", name, kind, c.ID, formatFrames(c.Position, rate))
			}
		}
	}
	printReport(e, name, rep, *dry, *quiet)
	return nil
}

func cuesJSON(cues []wavemap.Cue, rate int) []cueJSON {
	out := []cueJSON{}
	for _, c := range cues {
		out = append(out, cueOf(c, rate))
	}
	return out
}

func listMarkers(e *env, name string, asJSON bool) error {
	f, err := openAudio(e, "markers", name, wavemap.ReadOnly)
	if err != nil {
		return err
	}
	defer f.Close()
	m, err := f.Metadata()
	if err != nil {
		return fileError(name, err)
	}
	cues, err := m.Cues()
	if err != nil {
		fmt.Fprintf(e.stderr, "wavemap markers: %s: warning: %s\n", name, trimLib(err))
	}
	rate := f.Format().SampleRate
	if asJSON {
		return printJSON(e, markersJSON{Command: "markers", File: name, SampleRate: rate, Frames: f.Frames(), Cues: cuesJSON(cues, rate)})
	}
	if len(cues) == 0 {
		fmt.Fprintf(e.stdout, "%s: no cue points\n", name)
		return nil
	}
	fmt.Fprintf(e.stdout, "%s: %d cue point(s)\n", name, len(cues))
	printCues(e.stdout, "  ", cuesJSON(cues, rate), rate)
	return nil
}

// applyMarkers makes the edits in m for a file of frames frames at rate:
// --clear first, then the others in order. It returns the ids of the new
// cue points, each the smallest not in use when it is added. A time past
// the end of the audio and an id that is not there are usage errors.
func applyMarkers(m *wavemap.Metadata, ops []markerOp, clearAll bool, rate int, frames int64) ([]uint32, error) {
	cues, err := m.Cues()
	if err != nil {
		return nil, fmt.Errorf("the cue chunk cannot be read (%s): --clear replaces it", trimLib(err))
	}
	if clearAll {
		cues = nil
	}
	at := func(op markerOp, t string) (int64, error) {
		n, err := parseTimeSpec(t, rate)
		if err != nil {
			return 0, usagef("--%s %q: %v", op.flag, op.arg, err)
		}
		if n > frames {
			return 0, usagef("--%s %q: %s is past the end of the audio (%d frames, %s)", op.flag, op.arg,
				formatFrames(n, rate), frames, frameClock(frames, rate))
		}
		return n, nil
	}
	var added []uint32
	for _, op := range ops {
		switch op.flag {
		case "delete":
			n := len(cues)
			cues = slices.DeleteFunc(cues, func(c wavemap.Cue) bool { return c.ID == op.id })
			if len(cues) == n {
				return nil, usagef("--delete %d: the file has no cue point %d", op.id, op.id)
			}
			continue
		}
		a, err := at(op, op.from)
		if err != nil {
			return nil, err
		}
		c := wavemap.NewCue(smallestUnusedID(cues), a, op.label)
		if op.flag == "region" {
			b, err := at(op, op.to)
			if err != nil {
				return nil, err
			}
			if b <= a {
				return nil, usagef("--region %q: the end (%s) is not after the start (%s)", op.arg, formatFrames(b, rate), formatFrames(a, rate))
			}
			c.Length, c.Purpose = b-a, idRgn
		}
		cues = append(cues, c)
		added = append(added, c.ID)
	}
	if err := m.SetCues(cues); err != nil {
		return nil, usageError{trimLib(err)}
	}
	return added, nil
}

// smallestUnusedID returns the smallest cue point id from 1 that no cue
// uses.
func smallestUnusedID(cues []wavemap.Cue) uint32 {
	used := map[uint32]bool{}
	for _, c := range cues {
		used[c.ID] = true
	}
	id := uint32(1)
	for used[id] {
		id++
	}
	return id
}
