package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/wavemap/wavemap"
)

type chunkJSON struct {
	ID         string `json:"id"`
	Offset     int64  `json:"offset"`
	DataOffset int64  `json:"data_offset"`
	Declared   int64  `json:"declared"`
	Size       int64  `json:"size"`
}

// warningJSON is schema.json's warning object.
type warningJSON struct {
	Kind    string `json:"kind"`
	Offset  int64  `json:"offset_bytes"`
	Chunk   string `json:"chunk,omitempty"`
	Message string `json:"message"`
}

type infoJSON struct {
	File        string            `json:"file"`
	Container   string            `json:"container"`
	Encoding    string            `json:"encoding"`
	FormatTag   uint16            `json:"format_tag"`
	Extensible  bool              `json:"extensible"`
	Channels    int               `json:"channels"`
	SampleRate  int               `json:"sample_rate"`
	Frames      int64             `json:"frames"`
	Duration    float64           `json:"duration_seconds"`
	Bits        int               `json:"bits"`
	ValidBits   int               `json:"valid_bits"`
	ChannelMask uint32            `json:"channel_mask"`
	Speakers    []string          `json:"speakers"` // the channel mask's speaker positions, in order
	DataOffset  int64             `json:"data_offset"`
	DataBytes   int64             `json:"data_bytes"`
	Chunks      []chunkJSON       `json:"chunks"`
	Tags        map[string]string `json:"tags"` // LIST/INFO entries by id; the first of repeated ids
	tagOrder    []string          // ids in file order, for the text output
	Warnings    []warningJSON     `json:"warnings"`
	// Metadata decodes every metadata chunk (see metadataJSON); info
	// sets it, describe does not.
	Metadata *metadataJSON `json:"metadata,omitempty"`
}

func describe(name string, f *wavemap.File) infoJSON {
	h := f.Header()
	fm := h.Format
	j := infoJSON{
		File: name, Container: h.Container.String(), Encoding: fm.Encoding.String(), FormatTag: h.FormatTag,
		Extensible: h.Extensible, Channels: fm.Channels, SampleRate: fm.SampleRate, Frames: h.Frames,
		Duration: fm.Duration(h.Frames).Seconds(), Bits: fm.Encoding.Bits(), ValidBits: fm.Bits(),
		ChannelMask: fm.ChannelMask, DataOffset: h.DataOffset, DataBytes: int64(len(f.Bytes())),
		Chunks: []chunkJSON{}, Tags: map[string]string{},
		Speakers: speakerNames(fm.ChannelMask),
	}
	for _, c := range h.Chunks {
		j.Chunks = append(j.Chunks, chunkJSON{c.ID.String(), c.Offset, c.DataOffset, c.Declared, c.Size})
	}
	for _, t := range h.Tags {
		id := t.ID.String()
		if _, dup := j.Tags[id]; !dup {
			j.Tags[id] = t.Value
			j.tagOrder = append(j.tagOrder, id)
		}
	}
	j.Warnings = warningsOf(h)
	return j
}

// warningsOf lists the warnings of a header (never nil, so that JSON
// shows an empty list).
func warningsOf(h *wavemap.Header) []warningJSON {
	ws := make([]warningJSON, 0, len(h.Warnings))
	for _, w := range h.Warnings {
		wj := warningJSON{Kind: w.Kind.String(), Offset: w.Offset, Message: w.Msg}
		if w.Chunk != (wavemap.FourCC{}) {
			wj.Chunk = w.Chunk.String()
		}
		ws = append(ws, wj)
	}
	return ws
}

// runInfo describes each file. With --json it prints one JSON object per
// file, one per line (JSON Lines), in the order given; a file that cannot
// be opened prints nothing on standard output, its error goes to standard
// error, and the exit code is 1 once every other file is described.
func runInfo(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "info", "[--type T --channels N --rate HZ] FILE...")
	asJSON := &e.json
	rf := addRawFlags(fs)
	withExample(fs, e, "wavemap info --json take.wav other.wav")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("no files given")
	}
	if rf.given() {
		if _, err := rf.spec(); err != nil {
			return err
		}
	}
	failed := false
	for i, name := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := rf.open(name, nil)
		if err != nil {
			fmt.Fprintf(e.stderr, "wavemap info: %s\n", oneLine(err))
			failed = true
			continue
		}
		j := describe(name, f)
		m, err := f.Metadata()
		f.Close()
		if err != nil {
			fmt.Fprintf(e.stderr, "wavemap info: %s\n", oneLine(fileError(name, err)))
			failed = true
			continue
		}
		j.Metadata = metadataOf(m, j.SampleRate)
		if *asJSON {
			if err := printJSON(e, j); err != nil {
				return err
			}
			continue
		}
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		printInfo(e, j)
	}
	if failed {
		return errSilentFailure
	}
	return nil
}

func printInfo(e *env, j infoJSON) {
	w := e.stdout
	fmt.Fprintf(w, "%s\n", j.File)
	fmt.Fprintf(w, "  container    %s\n", j.Container)
	ext := ""
	if j.Extensible {
		ext = ", WAVE_FORMAT_EXTENSIBLE"
	}
	if j.Container == wavemap.RawData.String() {
		fmt.Fprintf(w, "  encoding     %s\n", j.Encoding)
	} else {
		fmt.Fprintf(w, "  encoding     %s (format tag %#04x%s)\n", j.Encoding, j.FormatTag, ext)
	}
	fmt.Fprintf(w, "  bits         %d (%d valid)\n", j.Bits, j.ValidBits)
	fmt.Fprintf(w, "  channels     %d", j.Channels)
	if j.ChannelMask != 0 {
		fmt.Fprintf(w, " (mask %#x: %s)", j.ChannelMask, strings.Join(j.Speakers, " "))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  sample rate  %d Hz\n", j.SampleRate)
	fmt.Fprintf(w, "  frames       %d (%s)\n", j.Frames, clock(j.Duration))
	fmt.Fprintf(w, "  audio        %d bytes at offset %d\n", j.DataBytes, j.DataOffset)
	if len(j.Chunks) > 0 {
		fmt.Fprintf(w, "  chunks\n")
	}
	for _, c := range j.Chunks {
		decl := ""
		if c.Declared != c.Size {
			decl = fmt.Sprintf(" (declares %d)", c.Declared)
		}
		fmt.Fprintf(w, "    %-6s at %-10d %d bytes%s\n", c.ID, c.Offset, c.Size, decl)
	}
	if len(j.tagOrder) > 0 {
		fmt.Fprintf(w, "  tags\n")
	}
	for _, id := range j.tagOrder {
		fmt.Fprintf(w, "    %-6s %s\n", id, oneLineText(j.Tags[id]))
	}
	if j.Metadata != nil {
		printMetadata(w, j.Metadata, j.SampleRate)
	}
	for _, wa := range j.Warnings {
		fmt.Fprintf(w, "  warning: %s at byte %d: %s\n", wa.Kind, wa.Offset, wa.Message)
	}
}

// clock formats seconds as h:mm:ss.mmm.
func clock(sec float64) string {
	ms := int64(sec*1000 + 0.5)
	return fmt.Sprintf("%d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

// oneLineText makes a tag value safe to print on one line.
func oneLineText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// speakerPositions are the WAVE_FORMAT_EXTENSIBLE channel mask bits, from
// bit 0 up, by their usual abbreviations.
var speakerPositions = [...]string{
	"FL", "FR", "FC", "LFE", "BL", "BR", "FLC", "FRC", "BC", "SL", "SR",
	"TC", "TFL", "TFC", "TFR", "TBL", "TBC", "TBR",
}

// speakerNames lists the speaker positions set in mask; bits past the
// defined ones appear as "bitN".
func speakerNames(mask uint32) []string {
	names := []string{}
	for b := range 32 {
		if mask&(1<<b) == 0 {
			continue
		}
		if b < len(speakerPositions) {
			names = append(names, speakerPositions[b])
		} else {
			names = append(names, fmt.Sprintf("bit%d", b))
		}
	}
	return names
}
