package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/wavemap/wavemap"
)

// infoAliases are the friendly names tag takes for LIST/INFO ids.
var infoAliases = []struct{ alias, id string }{
	{"title", "INAM"}, {"artist", "IART"}, {"comment", "ICMT"}, {"date", "ICRD"}, {"genre", "IGNR"},
	{"software", "ISFT"}, {"copyright", "ICOP"}, {"album", "IPRD"}, {"track", "ITRK"}, {"engineer", "IENG"},
}

// aliasOf returns the friendly name of an INFO id, or "".
func aliasOf(id string) string {
	for _, a := range infoAliases {
		if a.id == id {
			return a.alias
		}
	}
	return ""
}

// bextKeys are the bext fields tag sets, with the size of the fixed-size
// text fields (0 for the others).
var bextKeys = []struct {
	name string
	size int
}{
	{"description", 256}, {"originator", 32}, {"originator_reference", 32},
	{"origination_date", 10}, {"origination_time", 8},
	{"time_reference", 0}, {"coding_history", 0}, {"umid", 0},
}

const tagKeyHelp = "a 4-letter INFO id (INAM, IART, ICMT ...), an alias (title, artist, comment, date, genre, software, copyright, album, track, engineer) or bext.FIELD (description, originator, originator_reference, origination_date, origination_time, time_reference, coding_history, umid)"

// tagHelp is printed by tag -h after the flags.
const tagHelp = `notes:
  Without --set or --delete, tag lists each file's tags under the keys
  --set takes. The edits are made in the order given, on every file.
  bext text fields hold at most: description 256 bytes, originator and
  originator_reference 32, origination_date 10 (yyyy-mm-dd),
  origination_time 8 (hh:mm:ss); a longer value is refused (exit 2).
  bext.time_reference is in samples, or hh:mm:ss[.fff] at the file's
  rate; bext.umid is hex. A bext field set on a file without bext makes
  a version-2 chunk with the loudness not set; --delete bext removes it.
  The edit is written in place without moving the audio; in a Wave64
  file it must fit in room before the audio (nothing may follow Wave64
  audio), or it is refused and nothing changes.
`

// tagKey is what a KEY of --set or --delete names: an INFO id, a bext
// field, or (--delete only) the whole bext chunk.
type tagKey struct {
	info wavemap.FourCC // when bext is ""
	bext string         // a field of bextKeys, or "*" for the chunk
	size int            // the bext field's size, for fixed-size text fields
}

// parseTagKey reads a KEY: an alias (any case), bext.FIELD (any case),
// or four printable ASCII characters taken as an INFO id as they are.
func parseTagKey(s string, forDelete bool) (tagKey, error) {
	low := strings.ToLower(s)
	for _, a := range infoAliases {
		if low == a.alias {
			return tagKey{info: fourCC(a.id)}, nil
		}
	}
	if low == "bext" {
		if forDelete {
			return tagKey{bext: "*"}, nil
		}
		return tagKey{}, usagef("key %q: name a field of the bext chunk, such as bext.description (--delete bext removes the chunk)", s)
	}
	if f, ok := strings.CutPrefix(low, "bext."); ok {
		for _, k := range bextKeys {
			if f == k.name {
				return tagKey{bext: k.name, size: k.size}, nil
			}
		}
		return tagKey{}, usagef("unknown bext field %q (want %s)", s, bextFieldList())
	}
	if len(s) == 4 && printableFourCC(fourCC(s)) {
		return tagKey{info: fourCC(s)}, nil
	}
	return tagKey{}, usagef("unknown key %q: want %s", s, tagKeyHelp)
}

func bextFieldList() string {
	var names []string
	for _, k := range bextKeys {
		names = append(names, "bext."+k.name)
	}
	return strings.Join(names, ", ")
}

// tagOp is one --set or --delete, in the order given.
type tagOp struct {
	key   tagKey
	arg   string // the KEY as given, for messages
	value string
	del   bool
}

// parseTagSet reads KEY=VALUE and checks the value: no NUL, no longer than
// a fixed-size bext field, a time reference and a UMID that parse.
func parseTagSet(s string) (tagOp, error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return tagOp{}, usagef("--set %q: want KEY=VALUE", s)
	}
	key, err := parseTagKey(k, false)
	if err != nil {
		return tagOp{}, err
	}
	op := tagOp{key: key, arg: k, value: v}
	switch {
	case strings.IndexByte(v, 0) >= 0:
		return tagOp{}, usagef("--set %s: the value holds a NUL byte", k)
	case key.size > 0 && len(v) > key.size:
		return tagOp{}, usagef("--set %s: the value is %d bytes, more than the %d bytes of the bext field", k, len(v), key.size)
	case key.bext == "time_reference":
		if _, err := parseTimeReference(v, 1); err != nil {
			return tagOp{}, usagef("--set %s: %v", k, err)
		}
	case key.bext == "umid":
		if _, err := parseUMID(v); err != nil {
			return tagOp{}, usagef("--set %s: %v", k, err)
		}
	}
	return op, nil
}

// parseTimeReference reads a bext time reference: samples ("441000", or
// "441000s" as in cut), or hh:mm:ss[.fff] counted at rate.
func parseTimeReference(s string, rate int) (uint64, error) {
	t := strings.TrimSuffix(strings.TrimSpace(s), "s")
	if timeDigits(t) {
		v, err := strconv.ParseUint(t, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("time reference %q is out of range", s)
		}
		return v, nil
	}
	if strings.Count(s, ":") == 2 {
		n, err := parseTimeSpec(s, rate)
		if err != nil {
			return 0, err
		}
		return uint64(n), nil
	}
	return 0, fmt.Errorf("bad time reference %q (want samples, such as 441000, or hh:mm:ss.fff)", s)
}

// applyTags makes the --set and --delete edits in m, in order, for a file
// of the given sample rate. Chunks whose contents end up as they were are
// left as they are.
func applyTags(m *wavemap.Metadata, ops []tagOp, rate int) error {
	orig := m.Info()
	tags := append([]wavemap.InfoTag(nil), orig...)
	b, _, berr := m.Bext()
	touched := false
	for _, op := range ops {
		switch {
		case op.key.bext == "":
			tags = setInfoTag(tags, op.key.info, op.value, op.del)
			continue
		case op.key.bext == "*":
			b, berr, touched = nil, nil, true
			continue
		case berr != nil:
			return fmt.Errorf("the bext chunk cannot be read (%s): --delete bext removes it", trimLib(berr))
		case b == nil && op.del:
			continue
		case b == nil:
			// A new chunk: version 2, loudness not measured.
			b = &wavemap.Bext{Version: 2}
			b.ClearLoudness()
		}
		if err := setBextField(b, op, rate); err != nil {
			return err
		}
		touched = true
	}
	if !sameTags(tags, orig) {
		m.SetInfo(tags)
	}
	if touched {
		m.SetBext(b)
	}
	return nil
}

// setInfoTag sets the first entry with the given id to value, in place,
// dropping later ones, or appends it; del or an empty value removes every
// entry with that id.
func setInfoTag(tags []wavemap.InfoTag, id wavemap.FourCC, value string, del bool) []wavemap.InfoTag {
	out := tags[:0]
	done := del || value == ""
	for _, t := range tags {
		if t.ID == id {
			if done {
				continue
			}
			t.Value, done = wavemap.TextOf(value), true
		}
		out = append(out, t)
	}
	if !done {
		out = append(out, wavemap.InfoTag{ID: id, Value: wavemap.TextOf(value)})
	}
	return out
}

func sameTags(a, b []wavemap.InfoTag) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ID != b[i].ID || string(a[i].Value) != string(b[i].Value) {
			return false
		}
	}
	return true
}

// setBextField sets (or, for --delete, clears) one field of b.
func setBextField(b *wavemap.Bext, op tagOp, rate int) error {
	v := op.value
	if op.del {
		v = ""
	}
	text := wavemap.TextOf(v)
	switch op.key.bext {
	case "description":
		b.Description = text
	case "originator":
		b.Originator = text
	case "originator_reference":
		b.OriginatorReference = text
	case "origination_date":
		b.OriginationDate = text
	case "origination_time":
		b.OriginationTime = text
	case "coding_history":
		b.CodingHistory = text
	case "time_reference":
		b.TimeReference = 0
		if v != "" {
			n, err := parseTimeReference(v, rate)
			if err != nil {
				return err
			}
			b.TimeReference = n
		}
	case "umid":
		u, err := parseUMID(v)
		if err != nil {
			return err
		}
		b.UMID = u
		if u != ([64]byte{}) && b.Version < 1 {
			b.Version = 1 // the version that has a UMID
		}
	}
	return nil
}

// tagJSON is what tag prints for a file with --json: its tags (after the
// edit, if there was one) and the edit's report.
type tagJSON struct {
	Command string          `json:"command"`
	File    string          `json:"file"`
	Info    []infoTagJSON   `json:"info"`
	Bext    *bextJSON       `json:"bext"`
	Report  *metaReportJSON `json:"report,omitempty"`
}

// runTag lists or edits the LIST/INFO tags and the bext fields of files.
func runTag(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "tag", "[--set KEY=VALUE]... [--delete KEY]... [--dry-run] FILE...")
	// The values are checked after parsing, so that a bad one is a
	// one-line error, not the flag package's message and usage.
	var raw []flagValue
	fs.Func("set", "set KEY to VALUE (repeatable); KEY is "+tagKeyHelp+"; an empty VALUE removes an INFO entry", recordFlag(&raw, "set"))
	fs.Func("delete", "remove the INFO entries KEY, clear the bext field KEY, or with 'bext' remove the bext chunk (repeatable)", recordFlag(&raw, "delete"))
	dry := fs.Bool("dry-run", false, "only say what would be written")
	asJSON := &e.json
	quiet := quietFlag(fs)
	withText(fs, e, tagHelp)
	withExample(fs, e, "wavemap tag --set title='Take 3' --set bext.originator=Field --set bext.time_reference=10:00:00 take.wav")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	var ops []tagOp
	for _, r := range raw {
		var op tagOp
		if r.flag == "set" {
			op, err = parseTagSet(r.value)
		} else {
			var key tagKey
			key, err = parseTagKey(r.value, true)
			op = tagOp{key: key, arg: r.value, del: true}
		}
		if err != nil {
			return err
		}
		ops = append(ops, op)
	}
	if len(files) == 0 {
		return usagef("no files given")
	}
	if err := refuseStdio("", files...); err != nil {
		return err
	}
	failed := false
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		if len(ops) == 0 {
			err = listTags(e, name, *asJSON)
		} else {
			err = editTags(ctx, e, name, ops, *dry, *asJSON, *quiet)
		}
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "wavemap tag: %s\n", oneLine(fileError(name, err)))
			failed = true
		}
	}
	if failed {
		return errSilentFailure
	}
	return nil
}

func listTags(e *env, name string, asJSON bool) error {
	f, err := openAudio(e, "tag", name, wavemap.ReadOnly)
	if err != nil {
		return err
	}
	defer f.Close()
	m, err := f.Metadata()
	if err != nil {
		return err
	}
	if _, ok, err := m.Bext(); ok && err != nil {
		fmt.Fprintf(e.stderr, "wavemap tag: %s: warning: the bext chunk cannot be read: %s\n", name, trimLib(err))
	}
	j := tagsOf(name, m, f.Format().SampleRate)
	if asJSON {
		return printJSON(e, j)
	}
	printTags(e.stdout, j, f.Format().SampleRate)
	return nil
}

func editTags(ctx context.Context, e *env, name string, ops []tagOp, dry, asJSON, quiet bool) error {
	rate := 0
	m, rep, err := metaEdit{cmd: "tag", name: name, dry: dry, edit: func(f *wavemap.File, m *wavemap.Metadata) error {
		rate = f.Format().SampleRate
		return applyTags(m, ops, rate)
	}}.run(ctx, e)
	if err != nil {
		return err
	}
	if asJSON {
		j := tagsOf(name, m, rate)
		j.Report = reportOf(rep, dry)
		return printJSON(e, j)
	}
	printReport(e, name, rep, dry, quiet)
	return nil
}

func tagsOf(name string, m *wavemap.Metadata, rate int) tagJSON {
	j := tagJSON{Command: "tag", File: name, Info: infoTagsJSON(m.Info())}
	if b, ok, err := m.Bext(); ok && err == nil {
		j.Bext = bextOf(b, rate)
	}
	return j
}

// printTags lists a file's tags under the keys --set takes.
func printTags(w io.Writer, j tagJSON, rate int) {
	fmt.Fprintf(w, "%s\n", j.File)
	if len(j.Info) == 0 && j.Bext == nil {
		fmt.Fprintf(w, "  no tags\n")
	}
	for _, t := range j.Info {
		k := t.ID
		if a := aliasOf(t.ID); a != "" {
			k += " (" + a + ")"
		}
		fmt.Fprintf(w, "  %-26s %s\n", oneLineText(k), oneLineText(t.Value))
	}
	if j.Bext != nil {
		printBextFields(w, "  ", "bext.", 26, j.Bext, rate)
	}
}
