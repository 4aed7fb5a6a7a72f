package cli

// Tests of info's metadata, tag, markers and meta. What the commands
// write is read back by independent readers: ffprobe and mediainfo for
// the INFO tags and the bext fields, and for the chunks themselves (cue
// points, their adtl texts, the audio's bytes) the walker below, written
// from the RIFF byte layout without the library's code.

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wavemap/wavemap/internal/wavtest"
)

// testChunk is one top-level chunk of a RIFF file as the walker finds it.
type testChunk struct {
	id   string
	off  int // of the header
	data []byte
}

// walkRIFF returns the top-level chunks of a RIFF WAVE file, walking them
// by their sizes (and pad bytes), as every reader does.
func walkRIFF(t *testing.T, b []byte) []testChunk {
	t.Helper()
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		t.Fatalf("not a RIFF WAVE file (%d bytes)", len(b))
	}
	end := 8 + int(binary.LittleEndian.Uint32(b[4:]))
	if end != len(b) {
		t.Errorf("RIFF size says %d bytes, the file has %d", end, len(b))
	}
	var cs []testChunk
	for pos := 12; pos+8 <= min(end, len(b)); {
		n := int(binary.LittleEndian.Uint32(b[pos+4:]))
		if pos+8+n > len(b) {
			t.Fatalf("chunk %q at %d: %d bytes past the end of the file", b[pos:pos+4], pos, n)
		}
		cs = append(cs, testChunk{string(b[pos : pos+4]), pos, b[pos+8 : pos+8+n]})
		pos += 8 + n + n&1
	}
	return cs
}

func readChunks(t *testing.T, path string) []testChunk {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return walkRIFF(t, b)
}

// chunksNamed returns the payloads of the chunks with the given id (for
// "LIST/xxxx", of the LIST chunks of that form type).
func chunksNamed(cs []testChunk, id string) [][]byte {
	var out [][]byte
	typ := ""
	if l, ok := strings.CutPrefix(id, "LIST/"); ok {
		id, typ = "LIST", l
	}
	for _, c := range cs {
		if c.id == id && (typ == "" || len(c.data) >= 4 && string(c.data[:4]) == typ) {
			out = append(out, c.data)
		}
	}
	return out
}

// audioDigest returns the offset and SHA-256 of the data chunk's payload.
func audioDigest(t *testing.T, path string) string {
	t.Helper()
	for _, c := range readChunks(t, path) {
		if c.id == "data" {
			s := sha256.Sum256(c.data)
			return strconv.Itoa(c.off) + " " + hex.EncodeToString(s[:])
		}
	}
	t.Fatalf("%s has no data chunk", path)
	return ""
}

// testCue is a cue point with what the adtl list says about it.
type testCue struct {
	id, position, playPosition uint32
	chunk                      string
	label, note                string
	hasLtxt                    bool
	length                     uint32
	purpose                    string
}

// readCuePoints reads the cue chunk (a count, then 24-byte points:
// dwName, dwPosition, fccChunk, dwChunkStart, dwBlockStart,
// dwSampleOffset) and the LIST/adtl sub-chunks (labl and note: dwName and
// a NUL-terminated text; ltxt: dwName, dwSampleLength, dwPurpose,
// wCountry, wLanguage, wDialect, wCodePage, text) of a file.
func readCuePoints(t *testing.T, path string) []testCue {
	t.Helper()
	cs := readChunks(t, path)
	cues := chunksNamed(cs, "cue ")
	if len(cues) == 0 {
		return nil
	}
	if len(cues) > 1 {
		t.Errorf("%s has %d cue chunks", path, len(cues))
	}
	le := binary.LittleEndian
	b := cues[0]
	n := int(le.Uint32(b))
	if len(b) != 4+24*n {
		t.Fatalf("cue chunk of %d bytes for %d points", len(b), n)
	}
	var out []testCue
	byID := map[uint32]int{}
	for i := range n {
		p := b[4+24*i:]
		out = append(out, testCue{id: le.Uint32(p), playPosition: le.Uint32(p[4:]), chunk: string(p[8:12]), position: le.Uint32(p[20:])})
		byID[le.Uint32(p)] = i
	}
	zstr := func(b []byte) string {
		if i := bytes.IndexByte(b, 0); i >= 0 {
			return string(b[:i])
		}
		return string(b)
	}
	for _, l := range chunksNamed(cs, "LIST/adtl") {
		for pos := 4; pos+8 <= len(l); {
			id, size := string(l[pos:pos+4]), int(le.Uint32(l[pos+4:]))
			d := l[pos+8 : pos+8+size]
			pos += 8 + size + size&1
			i, ok := byID[le.Uint32(d)]
			if !ok {
				t.Errorf("adtl %s for id %d, which is no cue point", id, le.Uint32(d))
				continue
			}
			switch id {
			case "labl":
				out[i].label = zstr(d[4:])
			case "note":
				out[i].note = zstr(d[4:])
			case "ltxt":
				out[i].hasLtxt, out[i].length, out[i].purpose = true, le.Uint32(d[4:]), string(d[8:12])
			}
		}
	}
	return out
}

// ffprobeTags returns the format tags ffprobe reads from a file.
func ffprobeTags(t *testing.T, path string) map[string]string {
	t.Helper()
	var doc struct {
		Format struct {
			Tags map[string]string `json:"tags"`
		} `json:"format"`
	}
	out := wavtest.Run(t, "ffprobe", "-v", "error", "-show_entries", "format_tags", "-of", "json", path)
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("ffprobe output %q: %v", out, err)
	}
	return doc.Format.Tags
}

// mediaInfo returns the tracks mediainfo reports for a file, by type
// ("General", "Audio"), with the "extra" fields merged in.
func mediaInfo(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	var doc struct {
		Media struct {
			Track []map[string]any `json:"track"`
		} `json:"media"`
	}
	out := wavtest.Run(t, "mediainfo", "--Output=JSON", path)
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("mediainfo output %q: %v", out, err)
	}
	tracks := map[string]map[string]string{}
	for _, tr := range doc.Media.Track {
		m := map[string]string{}
		for k, v := range tr {
			switch v := v.(type) {
			case string:
				m[k] = v
			case map[string]any:
				for k2, v2 := range v {
					if s, ok := v2.(string); ok {
						m[k2] = s
					}
				}
			}
		}
		tracks[m["@type"]] = m
	}
	return tracks
}

// latin1 returns the bytes of s read as Latin-1.
func latin1(s string) string {
	r := make([]rune, len(s))
	for i := range len(s) {
		r[i] = rune(s[i])
	}
	return string(r)
}

// tagsOfFile runs tag --json on one file.
func tagsOfFile(t *testing.T, path string) tagJSON {
	t.Helper()
	r := mustRun(t, "tag", "--json", path)
	var j tagJSON
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
		t.Fatalf("tag --json: %q: %v", r.stdout, err)
	}
	return j
}

// metaInfoOf runs info --json on one file, which must have a metadata object.
func metaInfoOf(t *testing.T, path string) infoJSON {
	t.Helper()
	r := mustRun(t, "info", "--json", path)
	var j infoJSON
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
		t.Fatalf("info --json: %q: %v", r.stdout, err)
	}
	if j.Metadata == nil {
		t.Fatalf("info --json has no metadata object: %s", r.stdout)
	}
	return j
}

// genFile makes a 1 s 48 kHz stereo s16 sine file, without metadata.
func genFile(t *testing.T, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	mustRun(t, "gen", "--rate", "48000", "--frames", "48000", "--channels", "2", p)
	return p
}

// TestTagInfoReaders sets every INFO alias and two raw ids with tag and
// checks what ffprobe, mediainfo and tag --json read back, and that the
// audio's bytes did not change.
func TestTagInfoReaders(t *testing.T) {
	path := genFile(t, t.TempDir(), "info.wav")
	audio := audioDigest(t, path)
	sets := []struct{ key, id, value, ffprobe, mediainfo string }{
		{"title", "INAM", "Ein Titel", "title", "Title"},
		{"Artist", "IART", "Some Artist", "artist", "Director"},
		{"comment", "ICMT", "A comment, with ü", "comment", "Comment"},
		{"date", "ICRD", "2021-05-06", "date", "Recorded_Date"},
		{"GENRE", "IGNR", "Field recording", "genre", "Genre"},
		{"software", "ISFT", "wavemap test", "encoder", "Encoded_Application"},
		{"copyright", "ICOP", "(c) nobody", "copyright", "Copyright"},
		{"album", "IPRD", "An Album", "album", "OriginalSourceForm_Name"},
		{"track", "ITRK", "7", "track", "ITRK"},
		{"engineer", "IENG", "An Engineer", "IENG", "EncodedBy"},
		{"ISBJ", "ISBJ", "Subject", "ISBJ", "Subject"},
		{"IKEY", "IKEY", "key; words", "IKEY", "Keywords"},
	}
	args := []string{"tag"}
	for _, s := range sets {
		args = append(args, "--set", s.key+"="+s.value)
	}
	mustRun(t, append(args, path)...)
	probe, mi := ffprobeTags(t, path), mediaInfo(t, path)["General"]
	j := tagsOfFile(t, path)
	if len(j.Info) != len(sets) || j.Bext != nil {
		t.Errorf("tag --json lists %d INFO entries and bext %v, want %d and none", len(j.Info), j.Bext, len(sets))
	}
	for i, s := range sets {
		if got := probe[s.ffprobe]; got != s.value {
			t.Errorf("--set %s: ffprobe %s = %q, want %q", s.key, s.ffprobe, got, s.value)
		}
		// mediainfo decodes INFO text as Latin-1; tag writes UTF-8 (as
		// ffmpeg does, and as ffprobe reads it).
		if got := mi[s.mediainfo]; got != latin1(s.value) {
			t.Errorf("--set %s: mediainfo %s = %q, want %q", s.key, s.mediainfo, got, latin1(s.value))
		}
		if i < len(j.Info) && (j.Info[i].ID != s.id || j.Info[i].Value != s.value) {
			t.Errorf("tag --json entry %d: %+v, want %s=%q", i, j.Info[i], s.id, s.value)
		}
	}
	if a := audioDigest(t, path); a != audio {
		t.Errorf("the audio changed: %s, was %s", a, audio)
	}

	// Deleting and re-setting: the others stay, in their order.
	mustRun(t, "tag", "--delete", "comment", "--set", "title=Zweiter Titel", "--delete", "IKEY", path)
	probe = ffprobeTags(t, path)
	if probe["comment"] != "" || probe["IKEY"] != "" || probe["title"] != "Zweiter Titel" || probe["artist"] != "Some Artist" {
		t.Errorf("after --delete comment, IKEY and --set title: ffprobe reads %v", probe)
	}
	j = tagsOfFile(t, path)
	if len(j.Info) != len(sets)-2 || j.Info[0].ID != "INAM" || j.Info[1].ID != "IART" {
		t.Errorf("after the deletes: %+v", j.Info)
	}
	if a := audioDigest(t, path); a != audio {
		t.Errorf("the audio changed: %s, was %s", a, audio)
	}
}

// TestTagBextReaders sets every bext field tag takes on a file without
// bext: tag makes a version-2 chunk with the loudness not set, and
// ffprobe, mediainfo and the chunk's bytes say what was set.
func TestTagBextReaders(t *testing.T) {
	path := genFile(t, t.TempDir(), "bext.wav")
	audio := audioDigest(t, path)
	const umid = "060A2B340101010101010201130000000102030405060708090A0B0C0D0E0F10"
	r := mustRun(t, "tag",
		"--set", "bext.description=A description of the take",
		"--set", "BEXT.Originator=Recorder X",
		"--set", "bext.originator_reference=REF-0001",
		"--set", "bext.origination_date=2025-03-04",
		"--set", "bext.origination_time=05:06:07",
		"--set", "bext.time_reference=00:00:02.500",
		"--set", "bext.coding_history=A=PCM,F=48000,W=16,M=stereo,T=wavemap",
		"--set", "bext.umid=0x"+umid,
		path)
	if !strings.Contains(r.stdout, path+": ") {
		t.Errorf("tag printed no notes: %q", r.stdout)
	}
	probe := ffprobeTags(t, path)
	for k, want := range map[string]string{
		"comment": "A description of the take", "encoded_by": "Recorder X", "originator_reference": "REF-0001",
		"date": "2025-03-04", "creation_time": "05:06:07", "time_reference": "120000",
		"coding_history": "A=PCM,F=48000,W=16,M=stereo,T=wavemap", "umid": "0x" + umid,
	} {
		if probe[k] != want {
			t.Errorf("ffprobe %s = %q, want %q", k, probe[k], want)
		}
	}
	mi := mediaInfo(t, path)
	g := mi["General"]
	for k, want := range map[string]string{
		"Description": "A description of the take", "Producer": "Recorder X", "Producer_Reference": "REF-0001",
		"Encoded_Date": "2025-03-04 05:06:07", "Encoded_Library_Settings": "A=PCM,F=48000,W=16,M=stereo,T=wavemap",
		"bext_Version": "2",
	} {
		if g[k] != want {
			t.Errorf("mediainfo %s = %q, want %q", k, g[k], want)
		}
	}
	if d, err := strconv.ParseFloat(mi["Audio"]["Delay"], 64); err != nil || d != 2.5 || mi["Audio"]["Delay_Source"] != "Container (bext)" {
		t.Errorf("mediainfo Delay %q from %q, want 2.5 s from bext", mi["Audio"]["Delay"], mi["Audio"]["Delay_Source"])
	}
	bs := chunksNamed(readChunks(t, path), "bext")
	if len(bs) != 1 || len(bs[0]) < 602 {
		t.Fatalf("%d bext chunks", len(bs))
	}
	b := bs[0]
	if v := binary.LittleEndian.Uint16(b[346:]); v != 2 {
		t.Errorf("bext version %d, want 2", v)
	}
	for i := 412; i < 422; i += 2 {
		if v := binary.LittleEndian.Uint16(b[i:]); v != 0x7FFF {
			t.Errorf("loudness field at byte %d is %#x, want 0x7fff (not set)", i, v)
		}
	}
	if tr := binary.LittleEndian.Uint64(b[338:]); tr != 120000 {
		t.Errorf("time reference %d, want 120000", tr)
	}
	j := tagsOfFile(t, path)
	if j.Bext == nil || j.Bext.TimeReferenceTime != "00:00:02.500" || j.Bext.LoudnessValue != nil ||
		!strings.EqualFold(j.Bext.UMID, umid+strings.Repeat("0", 64)) {
		t.Errorf("tag --json bext: %+v", j.Bext)
	}
	if a := audioDigest(t, path); a != audio {
		t.Errorf("the audio changed: %s, was %s", a, audio)
	}

	// Samples, with or without s, and --delete of one field and of the
	// chunk.
	for _, c := range []struct{ value, want string }{{"441000", "441000"}, {"96000s", "96000"}, {"10:00:00", "1728000000"}} {
		mustRun(t, "tag", "-q", "--set", "bext.time_reference="+c.value, path)
		if got := ffprobeTags(t, path)["time_reference"]; got != c.want {
			t.Errorf("--set bext.time_reference=%s: ffprobe reads %s, want %s", c.value, got, c.want)
		}
	}
	mustRun(t, "tag", "--delete", "bext.originator", path)
	if probe := ffprobeTags(t, path); probe["encoded_by"] != "" || probe["comment"] != "A description of the take" {
		t.Errorf("after --delete bext.originator: %v", probe)
	}
	mustRun(t, "tag", "--delete", "bext", path)
	if bs := chunksNamed(readChunks(t, path), "bext"); len(bs) != 0 {
		t.Errorf("--delete bext left %d bext chunks", len(bs))
	}
	if a := audioDigest(t, path); a != audio {
		t.Errorf("the audio changed: %s, was %s", a, audio)
	}
}

// TestTagFFmpegInput reads a file ffmpeg tagged (INFO and bext) with
// info --json and tag, edits it, and has ffprobe read the result.
func TestTagFFmpegInput(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ff.wav")
	wavtest.Run(t, "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=d=1", "-write_bext", "1",
		"-metadata", "title=T", "-metadata", "artist=A", "-metadata", "description=Dsc", "-metadata", "originator=Org",
		"-metadata", "originator_reference=Ref", "-metadata", "origination_date=2024-01-02",
		"-metadata", "origination_time=10:11:12", "-metadata", "time_reference=441000",
		"-metadata", "coding_history=A=PCM,F=44100", path)
	audio := audioDigest(t, path)
	j := metaInfoOf(t, path)
	md := j.Metadata
	if j.Tags["INAM"] != "T" || j.Chunks == nil || j.Format.Encoding != "s16" {
		t.Errorf("info --json lost its fields: %+v", j)
	}
	var ids []string
	for _, e := range md.Info {
		ids = append(ids, e.ID+"="+e.Value)
	}
	if got := strings.Join(ids, " "); !strings.Contains(got, "INAM=T") || !strings.Contains(got, "IART=A") || !strings.Contains(got, "ISFT=Lavf") {
		t.Errorf("info --json metadata.info: %s", got)
	}
	b := md.Bext
	if b == nil || b.Description != "Dsc" || b.Originator != "Org" || b.OriginatorReference != "Ref" ||
		b.OriginationDate != "2024-01-02" || b.OriginationTime != "10:11:12" || b.TimeReference != 441000 ||
		b.TimeReferenceTime != "00:00:10.000" || b.CodingHistory != "A=PCM,F=44100" || b.LoudnessValue != nil {
		t.Errorf("info --json metadata.bext: %+v", b)
	}
	if len(md.Chunks) != 0 || len(md.Problems) != 0 || md.IXML != nil || len(md.Cues) != 0 {
		t.Errorf("info --json metadata: other chunks %v, problems %v", md.Chunks, md.Problems)
	}
	text := mustRun(t, "info", path).stdout
	for _, want := range []string{"bext (version", fmt.Sprintf("%-21s %s", "description", "Dsc"),
		fmt.Sprintf("%-21s %s", "time_reference", "441000 (00:00:10.000 at 44100 Hz)")} {
		if !strings.Contains(text, want) {
			t.Errorf("info text lacks %q:\n%s", want, text)
		}
	}
	list := mustRun(t, "tag", path).stdout
	for _, want := range []string{"INAM (title)", " T\n", "bext.description", " Dsc\n", "bext.originator ", " Org\n"} {
		if !strings.Contains(list, want) {
			t.Errorf("tag lists no %q:\n%s", want, list)
		}
	}
	tj := tagsOfFile(t, path)
	if tj.Bext == nil || *tj.Bext != *b || len(tj.Info) != len(md.Info) {
		t.Errorf("tag --json %+v disagrees with info --json %+v", tj.Bext, b)
	}

	mustRun(t, "tag", "--set", "title=New title", "--set", "bext.description=New description", path)
	probe := ffprobeTags(t, path)
	if probe["title"] != "New title" || probe["comment"] != "New description" || probe["encoded_by"] != "Org" ||
		probe["artist"] != "A" || probe["time_reference"] != "441000" {
		t.Errorf("ffprobe after the edit: %v", probe)
	}
	if a := audioDigest(t, path); a != audio {
		t.Errorf("the audio changed: %s, was %s", a, audio)
	}
}

// TestTagNoChangeAndDryRun: setting what the file holds writes nothing;
// --dry-run reports and leaves the file; --json prints the report.
func TestTagNoChangeAndDryRun(t *testing.T) {
	path := genFile(t, t.TempDir(), "x.wav")
	mustRun(t, "tag", "--set", "title=Same", path)
	before := digest(t, path)
	r := mustRun(t, "tag", "--json", "--set", "title=Same", path)
	var j tagJSON
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil || j.Report == nil || j.Report.Changed || j.Report.Written != 0 {
		t.Errorf("same title again: %q (%v)", r.stdout, err)
	}
	r = mustRun(t, "tag", "--dry-run", "--json", "--set", "title=Other", "--set", "bext.originator=Me", path)
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil || j.Report == nil || !j.Report.Changed || !j.Report.DryRun ||
		len(j.Report.Notes) == 0 || j.Info[0].Value != "Other" || j.Bext == nil || j.Bext.Originator != "Me" {
		t.Errorf("dry run: %q (%v)", r.stdout, err)
	}
	if r := mustRun(t, "tag", "--dry-run", "--set", "title=Other", path); !strings.Contains(r.stdout, "dry run: nothing written") {
		t.Errorf("dry run text: %q", r.stdout)
	}
	if r := mustRun(t, "tag", "-q", "--set", "title=Same", path); r.stdout != "" {
		t.Errorf("-q printed %q", r.stdout)
	}
	if d := digest(t, path); d != before {
		t.Errorf("no-change edits and dry runs changed the file")
	}
}

// TestTagManyFiles gives each file the same edit; a file that fails is
// reported on its own line and the exit code is 1.
func TestTagManyFiles(t *testing.T) {
	dir := t.TempDir()
	a, b := genFile(t, dir, "a.wav"), genFile(t, dir, "b.wav")
	missing := filepath.Join(dir, "missing.wav")
	r := runCLI(t, "tag", "--set", "artist=Both", "--set", "bext.time_reference=00:00:01", a, missing, b)
	lines := strings.Split(errorMessage(r.stderr), "\n")
	if r.code != exitFailure || len(lines) != 1 || !strings.HasPrefix(lines[0], "wavemap tag: ") || !strings.Contains(lines[0], missing) {
		t.Errorf("exit %d, stderr %q; want 1 and one line naming %s", r.code, r.stderr, missing)
	}
	for _, p := range []string{a, b} {
		if probe := ffprobeTags(t, p); probe["artist"] != "Both" || probe["time_reference"] != "48000" {
			t.Errorf("%s: ffprobe reads %v", p, probe)
		}
	}
	r = mustRun(t, "tag", "--json", a, b)
	if n := strings.Count(r.stdout, "\n"); n != 2 {
		t.Errorf("tag --json of two files printed %d lines", n)
	}
}

// TestTagBadInputs: a missing file, a Wave64 file, a read-only file and
// bad keys or values are refused with one line and the right exit code,
// and leave the file as it was.
func TestTagBadInputs(t *testing.T) {
	dir := t.TempDir()
	good := genFile(t, dir, "good.wav")
	mustRun(t, "tag", "--set", "title=Kept", good)
	w64 := filepath.Join(dir, "x.w64")
	mustRun(t, "gen", "--frames", "100", "--container", "w64", w64)
	ro := filepath.Join(dir, "ro.wav")
	mustRun(t, "gen", "--frames", "100", ro)
	if err := os.Chmod(ro, 0o444); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", 257)
	for _, c := range []struct {
		args []string
		code int
		want string // in the message
	}{
		{[]string{"tag", "--set", "title=x", filepath.Join(dir, "missing.wav")}, exitFailure, "missing.wav"},
		{[]string{"tag", "--set", "title=x", w64}, exitFailure, "Wave64"},
		{[]string{"markers", "--add", "0", w64}, exitFailure, "Wave64"},
		{[]string{"tag", "--set", "title=x", ro}, exitFailure, "read-only"},
		{[]string{"markers", "--add", "0", ro}, exitFailure, "read-only"},
		{[]string{"tag", "--set", "nonsense=x", good}, exitUsage, `unknown key "nonsense"`},
		{[]string{"tag", "--set", "INA=x", good}, exitUsage, `unknown key "INA"`},
		{[]string{"tag", "--set", "IN\tM=x", good}, exitUsage, "unknown key"},
		{[]string{"tag", "--delete", "bext.nothing", good}, exitUsage, "unknown bext field"},
		{[]string{"tag", "--set", "bext=x", good}, exitUsage, "bext.description"},
		{[]string{"tag", "--set", "title", good}, exitUsage, "KEY=VALUE"},
		{[]string{"tag", "--set", "bext.description=" + long, good}, exitUsage, "256 bytes"},
		{[]string{"tag", "--set", "bext.originator=" + long[:33], good}, exitUsage, "32 bytes"},
		{[]string{"tag", "--set", "bext.origination_date=2024-01-02x", good}, exitUsage, "10 bytes"},
		{[]string{"tag", "--set", "bext.time_reference=12.5", good}, exitUsage, "time reference"},
		{[]string{"tag", "--set", "bext.time_reference=1:2:3:4", good}, exitUsage, "time reference"},
		{[]string{"tag", "--set", "bext.umid=xyz", good}, exitUsage, "hex"},
		{[]string{"tag", "--set", "bext.umid=" + strings.Repeat("00", 65), good}, exitUsage, "64"},
		{[]string{"tag", "--set", "title=a\x00b", good}, exitUsage, "NUL"},
		{[]string{"tag", "--set", "title=x"}, exitUsage, "no files"},
		{[]string{"tag", "--set", "title=x", "-"}, exitUsage, "standard input"},
	} {
		before := map[string]string{}
		for _, p := range []string{good, w64, ro} {
			before[p] = digest(t, p)
		}
		r := runCLI(t, c.args...)
		msg := errorMessage(r.stderr)
		if r.code != c.code || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "wavemap "+c.args[0]+": ") ||
			!strings.Contains(msg, c.want) || r.stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %d and one line with %q", c.args, r.code, r.stdout, r.stderr, c.code, c.want)
		}
		for p, d := range before {
			if digest(t, p) != d {
				t.Errorf("%q changed %s", c.args, p)
			}
		}
	}
	// Reading works on Wave64 and read-only files.
	if r := mustRun(t, "tag", w64, ro); !strings.Contains(r.stdout, "no tags") {
		t.Errorf("tag of untagged files: %q", r.stdout)
	}
	if p := ffprobeTags(t, good); p["title"] != "Kept" {
		t.Errorf("good.wav: %v", p)
	}
}

// TestTagRF64AndDamaged: an RF64 file is tagged in place (ffprobe reads
// the tags, sox the same samples); a file whose sizes need repair is
// refused, pointing to fix, and left as it was.
func TestTagRF64AndDamaged(t *testing.T) {
	dir := t.TempDir()
	rf := filepath.Join(dir, "rf.wav")
	mustRun(t, "gen", "--frames", "4800", "--container", "rf64", rf)
	samples := decodeS16(t, rf)
	mustRun(t, "tag", "--set", "title=RF title", "--set", "bext.description=RF description", rf)
	mustRun(t, "markers", "--add", "0.05=m", rf)
	if p := ffprobeTags(t, rf); p["title"] != "RF title" || p["comment"] != "RF description" {
		t.Errorf("ffprobe reads %v from the RF64 file", p)
	}
	if j := metaInfoOf(t, rf); j.Format.Container != "RF64" || len(j.Metadata.Cues) != 1 || j.Metadata.Cues[0].Position != 2400 {
		t.Errorf("info of the RF64 file: %s, cues %+v", j.Format.Container, j.Metadata.Cues)
	}
	sameBytes(t, "RF64 samples after tag and markers", wavtest.S16(decodeS16(t, rf)...), wavtest.S16(samples...))

	damaged := filepath.Join(dir, "damaged.wav")
	if err := os.WriteFile(damaged, streamingWAV(), 0o644); err != nil {
		t.Fatal(err)
	}
	before := digest(t, damaged)
	r := runCLI(t, "tag", "--set", "title=x", damaged)
	lines := strings.Split(errorMessage(r.stderr), "\n")
	last := lines[len(lines)-1]
	if r.code != exitFailure || !strings.HasPrefix(last, "wavemap tag: "+damaged) || !strings.Contains(last, "wavemap fix") {
		t.Errorf("tag of a file needing repair: exit %d, stderr %q", r.code, r.stderr)
	}
	if digest(t, damaged) != before {
		t.Error("tag changed the file needing repair")
	}
}

// TestMarkersLayout adds markers and regions with every time syntax
// (cut's parser) and checks the cue and adtl chunks byte by byte with the
// walker above; deletes and --clear; ids are the smallest unused.
func TestMarkersLayout(t *testing.T) {
	path := genFile(t, t.TempDir(), "m.wav") // 48000 frames at 48 kHz
	audio := audioDigest(t, path)
	r := mustRun(t, "markers", "--add", "0.5=Half way", "--region", "0:00.25..00:00:00.75=Middle part",
		"--add", "100s", "--add", "48000s=End", path)
	for _, want := range []string{"added marker 1 at frame 24000", "added region 2 at frame 12000", "added marker 3 at frame 100", "added marker 4 at frame 48000"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("markers output lacks %q:\n%s", want, r.stdout)
		}
	}
	want := []testCue{
		{id: 1, position: 24000, playPosition: 24000, chunk: "data", label: "Half way"},
		{id: 2, position: 12000, playPosition: 12000, chunk: "data", label: "Middle part", hasLtxt: true, length: 24000, purpose: "rgn "},
		{id: 3, position: 100, playPosition: 100, chunk: "data"},
		{id: 4, position: 48000, playPosition: 48000, chunk: "data", label: "End"},
	}
	checkCues := func(what string, want []testCue) {
		t.Helper()
		got := readCuePoints(t, path)
		if len(got) != len(want) {
			t.Fatalf("%s: %d cue points %+v, want %d", what, len(got), got, len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: cue point %d is %+v, want %+v", what, i, got[i], want[i])
			}
		}
	}
	checkCues("after adding", want)

	// The listing and info say the same.
	var mj markersJSON
	if err := json.Unmarshal([]byte(mustRun(t, "markers", "--json", path).stdout), &mj); err != nil {
		t.Fatal(err)
	}
	if len(mj.Cues) != 4 || mj.Cues[1].Length != 24000 || mj.Cues[1].LengthSeconds != 0.5 || mj.Cues[0].Time != "0:00:00.500" ||
		mj.Cues[0].Label != "Half way" || mj.SampleRate != 48000 || mj.Frames != 48000 {
		t.Errorf("markers --json: %+v", mj)
	}
	if md := metaInfoOf(t, path).Metadata; len(md.Cues) != 4 || md.Cues[1].Purpose != "rgn " {
		t.Errorf("info --json cues: %+v", md.Cues)
	}
	if text := mustRun(t, "markers", path).stdout; !strings.Contains(text, `region of 24000 frames`) || !strings.Contains(text, `"Middle part"`) {
		t.Errorf("markers listing:\n%s", text)
	}

	// Delete 1 and 3: the next two new ones take ids 1 and 3.
	r = mustRun(t, "markers", "--json", "--delete", "1", "--delete", "3", "--add", "00:00.1=x", "--region", "0..0.1", path)
	if err := json.Unmarshal([]byte(r.stdout), &mj); err != nil || len(mj.Added) != 2 || mj.Added[0] != 1 || mj.Added[1] != 3 || mj.Report == nil || !mj.Report.Changed {
		t.Errorf("markers --json after delete and add: %s (%v)", r.stdout, err)
	}
	checkCues("after deleting and adding", []testCue{
		want[1], want[3],
		{id: 1, position: 4800, playPosition: 4800, chunk: "data", label: "x"},
		{id: 3, position: 0, playPosition: 0, chunk: "data", hasLtxt: true, length: 4800, purpose: "rgn "},
	})
	if a := audioDigest(t, path); a != audio {
		t.Errorf("the audio changed: %s, was %s", a, audio)
	}

	// Times past the end and bad ranges are usage errors, the file as it was.
	before := digest(t, path)
	for _, args := range [][]string{
		{"--add", "1.001"}, {"--add", "48001s"}, {"--region", "0.5..2"}, {"--region", "0.5..0.5"},
		{"--region", "0.5"}, {"--add", "x"}, {"--add", "-1"}, {"--delete", "9"}, {"--delete", "one"},
	} {
		r := runCLI(t, append(append([]string{"markers"}, args...), path)...)
		msg := errorMessage(r.stderr)
		if r.code != exitUsage || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "wavemap markers: ") {
			t.Errorf("markers %q: exit %d, stderr %q; want 2 and one line", args, r.code, r.stderr)
		}
		if digest(t, path) != before {
			t.Errorf("markers %q changed the file", args)
		}
	}
	if r := runCLI(t, "markers", "--add", "1.5", path); !strings.Contains(r.stderr, "past the end") {
		t.Errorf("past the end: %q", r.stderr)
	}

	mustRun(t, "markers", "--clear", path)
	if got := readCuePoints(t, path); got != nil {
		t.Errorf("after --clear: %+v", got)
	}
	if r := mustRun(t, "markers", path); !strings.Contains(r.stdout, "no cue points") {
		t.Errorf("listing after --clear: %q", r.stdout)
	}
	mustRun(t, "markers", "--clear", "--add", "0.25=Again", path)
	checkCues("after --clear --add", []testCue{{id: 1, position: 12000, playPosition: 12000, chunk: "data", label: "Again"}})
	if a := audioDigest(t, path); a != audio {
		t.Errorf("the audio changed: %s, was %s", a, audio)
	}
}

// richFile is a RIFF file built byte by byte with one chunk of every kind
// the commands decode, and some they do not: a LIST/INFO with a Latin-1
// value and a repeated id, a bext with bytes after a NUL in its
// description, reserved bytes set and padding after the history, an
// iXML document, cue points with adtl texts, a smpl chunk, a _PMX chunk
// of odd size before the audio and an unknown chunk after it.
func richFile(t *testing.T, dir string) string {
	t.Helper()
	zs := func(s string) []byte { return append([]byte(s), 0) }
	info := wavtest.Cat([]byte("INFO"), wavtest.Chunk("INAM", zs("Caf\xe9")), wavtest.Chunk("IART", zs("Someone")),
		wavtest.Chunk("INAM", zs("Second title")))
	bext := make([]byte, 602)
	copy(bext, "Desc\x00after the NUL")
	copy(bext[256:], "Orig")
	copy(bext[320:], "2020-01-01")
	binary.LittleEndian.PutUint64(bext[338:], 123456)
	binary.LittleEndian.PutUint16(bext[346:], 2)
	binary.LittleEndian.PutUint16(bext[412:], uint16(0xF6D8)) // -2344: -23.44 LUFS
	for i := 414; i < 422; i += 2 {
		binary.LittleEndian.PutUint16(bext[i:], 0x7FFF)
	}
	bext[500] = 7 // reserved
	bext = wavtest.Cat(bext, []byte("A=PCM,F=8000\r\n"), make([]byte, 5))
	ixml := []byte(`<?xml version="1.0" encoding="UTF-8"?><BWFXML><PROJECT>P</PROJECT><SCENE>1</SCENE><TAKE>2</TAKE>` +
		`<TRACK_LIST><TRACK><CHANNEL_INDEX>1</CHANNEL_INDEX><NAME>Boom</NAME></TRACK></TRACK_LIST></BWFXML>`)
	cue := wavtest.Cat(wavtest.LE32(2),
		wavtest.LE32(1), wavtest.LE32(10), []byte("data"), wavtest.LE32(0), wavtest.LE32(0), wavtest.LE32(10),
		wavtest.LE32(2), wavtest.LE32(0), []byte("data"), wavtest.LE32(0), wavtest.LE32(0), wavtest.LE32(20))
	adtl := wavtest.Cat([]byte("adtl"), wavtest.Chunk("labl", wavtest.Cat(wavtest.LE32(1), zs("One"))),
		wavtest.Chunk("note", wavtest.Cat(wavtest.LE32(1), zs("a note"))),
		wavtest.Chunk("ltxt", wavtest.Cat(wavtest.LE32(2), wavtest.LE32(30), []byte("rgn "), make([]byte, 8))))
	smpl := wavtest.Cat(make([]byte, 12), wavtest.LE32(60), make([]byte, 12), wavtest.LE32(1), wavtest.LE32(0),
		wavtest.LE32(0), wavtest.LE32(0), wavtest.LE32(5), wavtest.LE32(50), wavtest.LE32(0), wavtest.LE32(0))
	audio := make([]byte, 200)
	for i := range audio {
		audio[i] = byte(i * 7)
	}
	b := wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 16, 2)),
		wavtest.Chunk("LIST", info), wavtest.Chunk("bext", bext), wavtest.Chunk("iXML", ixml),
		wavtest.Chunk("_PMX", []byte("<x:xmpmeta/>")), wavtest.Chunk("data", audio),
		wavtest.Chunk("cue ", cue), wavtest.Chunk("LIST", adtl), wavtest.Chunk("smpl", smpl),
		wavtest.Chunk("zzzz", []byte("odd")))
	p := filepath.Join(dir, "rich.wav")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestInfoMetadata reads every section of the rich file with info.
func TestInfoMetadata(t *testing.T) {
	path := richFile(t, t.TempDir())
	j := metaInfoOf(t, path)
	md := j.Metadata
	if len(md.Info) != 3 || md.Info[0] != (infoTagJSON{"INAM", "Café"}) || md.Info[2] != (infoTagJSON{"INAM", "Second title"}) {
		t.Errorf("info: %+v", md.Info)
	}
	if j.Tags["IART"] != "Someone" || len(j.Chunks) != 10 {
		t.Errorf("the old fields: tags %v, %d chunks", j.Tags, len(j.Chunks))
	}
	b := md.Bext
	if b == nil || b.Description != "Desc" || b.Originator != "Orig" || b.TimeReference != 123456 || b.TimeReferenceTime != "00:00:15.432" ||
		b.LoudnessValue == nil || *b.LoudnessValue != -23.44 || b.LoudnessRange != nil || b.CodingHistory != "A=PCM,F=8000\r\n" || b.UMID != "" {
		t.Errorf("bext: %+v", b)
	}
	x := md.IXML
	if x == nil || x.Project != "P" || x.Scene != "1" || x.Take != "2" || len(x.Tracks) != 1 || x.Tracks[0].Name != "Boom" || !strings.HasPrefix(x.Document, "<?xml") {
		t.Errorf("ixml: %+v", x)
	}
	if len(md.Cues) != 2 || md.Cues[0].Label != "One" || md.Cues[0].Note != "a note" || md.Cues[1].Length != 30 || md.Cues[1].Position != 20 {
		t.Errorf("cues: %+v", md.Cues)
	}
	if s := md.Sampler; s == nil || s.MIDIUnityNote != 60 || len(s.Loops) != 1 || s.Loops[0].Start != 5 || s.Loops[0].End != 50 || s.Loops[0].TypeName != "forward" {
		t.Errorf("sampler: %+v", md.Sampler)
	}
	if len(md.Chunks) != 2 || md.Chunks[0] != (otherChunkJSON{ID: "_PMX", Size: 12}) || md.Chunks[1] != (otherChunkJSON{ID: "zzzz", Size: 3, AfterData: true}) {
		t.Errorf("other chunks: %+v", md.Chunks)
	}
	text := mustRun(t, "info", path).stdout
	for _, want := range []string{"bext (version 2)", "loudness -23.44 LUFS", "iXML (", "project  P", "track 1  Boom",
		"markers", `"One"  note "a note"`, "region of 30 frames", "smpl (unity note 60, 1 loop(s))", "loop 1  forward, frames 5 to 50, forever",
		"other chunks", "_PMX      12 bytes, before the audio", "zzzz      3 bytes, after the audio"} {
		if !strings.Contains(text, want) {
			t.Errorf("info text lacks %q:\n%s", want, text)
		}
	}
}

// TestMetaRoundTrip exports and imports, unedited, the rich file and an
// ffmpeg file: nothing is written (Changed=false) and the bytes stay.
func TestMetaRoundTrip(t *testing.T) {
	dir := t.TempDir()
	ff := filepath.Join(dir, "ff.wav")
	wavtest.Run(t, "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=d=0.2", "-write_bext", "1",
		"-metadata", "title=T", "-metadata", "description=D", "-metadata", "time_reference=99", ff)
	tagged := genFile(t, dir, "tagged.wav")
	mustRun(t, "tag", "--set", "title=x", "--set", "bext.umid=0102", tagged)
	mustRun(t, "markers", "--add", "0.5=m", "--region", "0.1..0.2=r", tagged)
	for _, path := range []string{richFile(t, dir), ff, tagged} {
		before := digest(t, path)
		doc := filepath.Join(dir, filepath.Base(path)+".json")
		mustRun(t, "meta", "export", path, doc)
		r := mustRun(t, "meta", "import", "--json", path, doc)
		var j struct {
			Report metaReportJSON `json:"report"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &j); err != nil || j.Report.Changed || j.Report.Written != 0 {
			t.Errorf("%s: import of its own export: %s (%v)", path, r.stdout, err)
		}
		if digest(t, path) != before {
			t.Errorf("%s: an unedited round trip changed the file", path)
		}
		// To and from standard output and input, the same.
		out := mustRun(t, "meta", "export", path).stdout
		if b, _ := os.ReadFile(doc); string(b) != out {
			t.Errorf("%s: export to a file and to standard output differ", path)
		}
		var res result
		var stdout, stderr bytes.Buffer
		res.code = Main(t.Context(), []string{"meta", "import", path, "-"}, strings.NewReader(out), &stdout, &stderr)
		if res.code != 0 || !strings.Contains(stdout.String(), "nothing to change") || digest(t, path) != before {
			t.Errorf("%s: import from standard input: exit %d, %q %q", path, res.code, stdout.String(), stderr.String())
		}
	}
}

// TestMetaImportEdits edits an export as a script would and imports it:
// every change is read back by the walker and ffprobe, what the document
// dropped is gone, and the audio is unchanged.
func TestMetaImportEdits(t *testing.T) {
	dir := t.TempDir()
	path := richFile(t, dir)
	audio := audioDigest(t, path)
	var doc map[string]any
	if err := json.Unmarshal([]byte(mustRun(t, "meta", "export", path).stdout), &doc); err != nil {
		t.Fatal(err)
	}
	doc["info"] = []any{map[string]any{"id": "INAM", "value": "Edited title"}, map[string]any{"id": "IART", "value": "Someone"}}
	doc["bext"].(map[string]any)["description"] = "New description"
	doc["bext"].(map[string]any)["loudness_range"] = 5.5
	doc["ixml"] = nil
	cues := doc["cues"].([]any)
	doc["cues"] = append(cues, map[string]any{"id": 7, "position": 90, "length": 0, "label": "Added", "note": ""})
	var kept []any
	for _, c := range doc["chunks"].([]any) {
		if c.(map[string]any)["id"] != "_PMX" {
			kept = append(kept, c)
		}
	}
	doc["chunks"] = append(kept, map[string]any{"id": "abcd", "after_data": true, "base64": "aGVsbG8="})
	edited, _ := json.Marshal(doc)
	in := filepath.Join(dir, "edited.json")
	if err := os.WriteFile(in, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "meta", "import", path, in)

	cs := readChunks(t, path)
	for id, n := range map[string]int{"bext": 1, "iXML": 0, "_PMX": 0, "zzzz": 1, "abcd": 1, "smpl": 1, "cue ": 1, "LIST/INFO": 1, "LIST/adtl": 1} {
		if got := len(chunksNamed(cs, id)); got != n {
			t.Errorf("after the import: %d %s chunks, want %d", got, id, n)
		}
	}
	if d := chunksNamed(cs, "abcd"); len(d) == 1 && string(d[0]) != "hello" {
		t.Errorf("abcd holds %q", d[0])
	}
	if b := chunksNamed(cs, "bext"); len(b) == 1 {
		if b[0][500] != 7 || !bytes.HasSuffix(b[0], []byte("A=PCM,F=8000\r\n\x00\x00\x00\x00\x00")) ||
			int16(binary.LittleEndian.Uint16(b[0][414:])) != 550 || int16(binary.LittleEndian.Uint16(b[0][412:])) != -2344 {
			t.Errorf("bext lost the reserved byte, the history's padding or the loudness: %q", b[0][400:])
		}
	}
	got := readCuePoints(t, path)
	if len(got) != 3 || got[0].label != "One" || got[0].note != "a note" || got[1].length != 30 ||
		got[2] != (testCue{id: 7, position: 90, playPosition: 90, chunk: "data", label: "Added"}) {
		t.Errorf("cue points after the import: %+v", got)
	}
	probe := ffprobeTags(t, path)
	if probe["title"] != "Edited title" || probe["artist"] != "Someone" || probe["comment"] != "New description" || probe["time_reference"] != "123456" {
		t.Errorf("ffprobe after the import: %v", probe)
	}
	if a := audioDigest(t, path); a != audio {
		t.Errorf("the audio changed: %s, was %s", a, audio)
	}
	// The document now round-trips as it is.
	before := digest(t, path)
	doc2 := filepath.Join(dir, "again.json")
	mustRun(t, "meta", "export", path, doc2)
	if r := mustRun(t, "meta", "import", path, doc2); !strings.Contains(r.stdout, "nothing to change") || digest(t, path) != before {
		t.Errorf("second round trip: %q", r.stdout)
	}

	// An empty document removes every metadata chunk.
	empty := filepath.Join(dir, "empty.json")
	if err := os.WriteFile(empty, []byte(`{"version": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "meta", "import", path, empty)
	for _, c := range readChunks(t, path) {
		if c.id != "fmt " && c.id != "data" && c.id != "JUNK" {
			t.Errorf("an empty document left a %q chunk", c.id)
		}
	}
	if a := audioDigest(t, path); a != audio {
		t.Errorf("the audio changed: %s, was %s", a, audio)
	}
}

// TestMetaImportBad: documents that are not exports, or that break the
// file, are refused with one line, exit 1 and the file as it was.
func TestMetaImportBad(t *testing.T) {
	dir := t.TempDir()
	path := richFile(t, dir)
	w64 := filepath.Join(dir, "x.w64")
	mustRun(t, "gen", "--frames", "100", "--container", "w64", w64)
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", mustRun(t, "meta", "export", path).stdout)
	for _, c := range []struct {
		file, doc, want string
	}{
		{path, "not json", "not a metadata document"},
		{path, `{"container": "RIFF"}`, "unknown field"},
		{path, `{"version": 2}`, "version 2"},
		{path, `{} {}`, "more than one"},
		{path, `{"chunks": [{"id": "data", "base64": ""}]}`, "frames the audio"},
		{path, `{"chunks": [{"id": "toolong", "base64": ""}]}`, "four characters"},
		{path, `{"chunks": [{"id": "abcd", "base64": "!!"}]}`, "base64"},
		{path, `{"info": [{"id": "IN", "value": "x"}]}`, "info[0]"},
		{path, `{"bext": {"originator": "` + strings.Repeat("o", 33) + `"}}`, "32 bytes"},
		{path, `{"bext": {"umid": "zz"}}`, "umid"},
		{path, `{"cues": [{"id": 1, "position": 101}]}`, "past the end"},
		{path, `{"ixml": {"document": "<notbwf/>"}}`, "ixml.document"},
		{w64, `{"info": [{"id": "INAM", "value": "a title with no room before the audio"}]}`, "Wave64"},
		{filepath.Join(dir, "missing.wav"), `{}`, "missing.wav"},
	} {
		in := write("bad.json", c.doc)
		before := digest(t, path)
		r := runCLI(t, "meta", "import", c.file, in)
		msg := errorMessage(r.stderr)
		if r.code != exitFailure || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "wavemap meta: ") || !strings.Contains(msg, c.want) {
			t.Errorf("import of %s: exit %d, stderr %q; want 1 and one line with %q", c.doc, r.code, r.stderr, c.want)
		}
		if digest(t, path) != before {
			t.Errorf("import of %s changed the file", c.doc)
		}
	}
	if r := runCLI(t, "meta", "import", path, filepath.Join(dir, "nodoc.json")); r.code != exitFailure || !strings.Contains(r.stderr, "nodoc.json") {
		t.Errorf("missing document: exit %d, %q", r.code, r.stderr)
	}
	for _, args := range [][]string{{"meta"}, {"meta", "frobnicate"}, {"meta", "import", path}, {"meta", "export"}, {"meta", "export", path, good, "x"}} {
		if r := runCLI(t, args...); r.code != exitUsage {
			t.Errorf("%q: exit %d, want 2", args, r.code)
		}
	}
	for _, args := range [][]string{{"meta", "-h"}, {"meta", "import", "-h"}, {"meta", "export", "-h"}} {
		if r := runCLI(t, args...); r.code != exitOK || !strings.Contains(r.stdout, "is removed from FILE") {
			t.Errorf("%q: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
	// export does not write over its input.
	if r := runCLI(t, "meta", "export", path, path); r.code != exitFailure {
		t.Errorf("export onto its input: exit %d", r.code)
	}
}

// infoEntries walks the entries of a LIST/INFO payload: id and value
// bytes as stored (the NUL terminator included).
func infoEntries(b []byte) []string {
	var out []string
	for pos := 4; pos+8 <= len(b); {
		n := int(binary.LittleEndian.Uint32(b[pos+4:]))
		out = append(out, string(b[pos:pos+4])+"="+string(b[pos+8:pos+8+n]))
		pos += 8 + n + n&1
	}
	return out
}

// TestTagKeepsBytes: an edit rewrites only what it names. The other INFO
// entries keep their bytes (a Latin-1 value included), a repeated id set
// by tag keeps its first place and loses its repeats, and a bext field
// set keeps every other byte of the chunk (text after a NUL, reserved
// bytes, loudness, the history's padding).
func TestTagKeepsBytes(t *testing.T) {
	path := richFile(t, t.TempDir())
	audio := audioDigest(t, path)
	oldBext := chunksNamed(readChunks(t, path), "bext")[0]
	mustRun(t, "tag", "--set", "IART=Another", path)
	lists := chunksNamed(readChunks(t, path), "LIST/INFO")
	if len(lists) != 1 {
		t.Fatalf("%d LIST/INFO chunks", len(lists))
	}
	if got, want := strings.Join(infoEntries(lists[0]), "|"), "INAM=Caf\xe9\x00|IART=Another\x00|INAM=Second title\x00"; got != want {
		t.Errorf("INFO entries %q, want %q", got, want)
	}
	mustRun(t, "tag", "--set", "title=Only title", path)
	lists = chunksNamed(readChunks(t, path), "LIST/INFO")
	if got, want := strings.Join(infoEntries(lists[0]), "|"), "INAM=Only title\x00|IART=Another\x00"; got != want {
		t.Errorf("INFO entries %q, want %q", got, want)
	}
	if b := chunksNamed(readChunks(t, path), "bext"); len(b) != 1 || !bytes.Equal(b[0], oldBext) {
		t.Error("editing INFO entries changed the bext chunk")
	}
	mustRun(t, "tag", "--set", "bext.originator=Someone else", path)
	newBext := chunksNamed(readChunks(t, path), "bext")[0]
	want := bytes.Clone(oldBext)
	copy(want[256:288], append([]byte("Someone else"), make([]byte, 20)...))
	if !bytes.Equal(newBext, want) {
		for i := range min(len(newBext), len(want)) {
			if newBext[i] != want[i] {
				t.Errorf("bext after --set bext.originator: first difference at byte %d (%d bytes, want %d)", i, len(newBext), len(want))
				break
			}
		}
	}
	if a := audioDigest(t, path); a != audio {
		t.Errorf("the audio changed: %s, was %s", a, audio)
	}
}
