package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/wavemap/wavemap"
)

// chunkJSON is one chunk of a file, as info lists it.
type chunkJSON struct {
	ID         string `json:"id"`
	Offset     int64  `json:"offset_bytes"`      // of its header
	DataOffset int64  `json:"data_offset_bytes"` // of its payload
	// Declared is the payload size the header holds (for an RF64 data
	// chunk, the ds64's): 4294967295 is the 0xFFFFFFFF of streams.
	Declared int64 `json:"declared_bytes"`
	Size     int64 `json:"size_bytes"` // the payload size used
}

// warningJSON is a header problem, in every command that reports them.
type warningJSON struct {
	Kind    string `json:"kind"`
	Offset  int64  `json:"offset_bytes"`
	Chunk   string `json:"chunk,omitempty"`
	Message string `json:"message"`
}

// warningsOf returns the warnings of h, never nil.
func warningsOf(h *wavemap.Header) []warningJSON {
	ws := []warningJSON{}
	for _, w := range h.Warnings {
		wj := warningJSON{Kind: w.Kind.String(), Offset: w.Offset, Message: w.Msg}
		if w.Chunk != (wavemap.FourCC{}) {
			wj.Chunk = w.Chunk.String()
		}
		ws = append(ws, wj)
	}
	return ws
}

type infoJSON struct {
	head
	Channels   []channelJSON     `json:"channels"`
	DataOffset int64             `json:"data_offset_bytes"`
	DataBytes  int64             `json:"data_bytes"`
	Chunks     []chunkJSON       `json:"chunks"`
	Tags       map[string]string `json:"tags"` // LIST/INFO entries by id; the first of repeated ids
	tagOrder   []string          // ids in file order, for the text output
	Warnings   []warningJSON     `json:"warnings"`
	// Metadata decodes every metadata chunk (see metadataJSON); info
	// sets it, describe does not.
	Metadata *metadataJSON `json:"metadata,omitempty"`
}

func describe(name string, f *wavemap.File) infoJSON {
	return describeHeader(headOf("info", name, f), f.Header(), int64(len(f.Bytes())))
}

// describeHeader is the description of a file or stream with head hd,
// header h and dataBytes bytes of audio.
func describeHeader(hd head, h *wavemap.Header, dataBytes int64) infoJSON {
	j := infoJSON{
		head: hd, Channels: channelsOf(h.Format),
		DataOffset: h.DataOffset, DataBytes: dataBytes,
		Chunks: []chunkJSON{}, Tags: map[string]string{}, Warnings: warningsOf(h),
	}
	for _, c := range h.Chunks {
		decl := c.Declared
		if decl < 0 {
			decl = 0xFFFFFFFF
		}
		j.Chunks = append(j.Chunks, chunkJSON{c.ID.String(), c.Offset, c.DataOffset, decl, c.Size})
	}
	for _, t := range h.Tags {
		id := t.ID.String()
		if _, dup := j.Tags[id]; !dup {
			j.Tags[id] = t.Value
			j.tagOrder = append(j.tagOrder, id)
		}
	}
	return j
}

// runInfo describes each file. With --json it prints one JSON object per
// file, one per line (JSON Lines), in the order given; a file that cannot
// be opened gives an error object there (and its error on standard
// error), and the exit code is 1 once every other file is described.
// Files are opened -j at a time.
func runInfo(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "info", "[--type T --channels N --rate HZ] FILE...")
	rf := addRawFlags(fs)
	jobs := fs.jobsFlag()
	withExample(fs, e, "wavemap info --json take.wav other.wav")
	files, err := parseFiles(fs, args, jobs)
	if err != nil {
		return err
	}
	if rf.given() {
		if _, err := rf.spec(); err != nil {
			return err
		}
	}
	if rf.given() && slices.Contains(files, stdinName) {
		return usagef("standard input (-) is read as a WAVE stream: the raw flags describe files")
	}
	failed := false
	first := true
	err = forEachFile(ctx, files, *jobs, func(ctx context.Context, name string) (infoJSON, error) {
		if name == stdinName {
			return infoStream(ctx, e)
		}
		f, err := rf.open(name, nil) // warnings are part of the description
		if err != nil {
			return infoJSON{}, err
		}
		defer f.Close()
		j := describe(name, f)
		m, err := f.Metadata()
		if err != nil {
			return infoJSON{}, fileError(name, err)
		}
		j.Metadata = metadataOf(m, j.Format.SampleRate)
		return j, nil
	}, func(name string, j infoJSON, err error) error {
		if err != nil {
			failed = true
			e.failf("info", err)
			if e.json {
				return printJSON(e, errorRecord("info", name, err))
			}
			return nil
		}
		if e.json {
			return printJSON(e, j)
		}
		if !first {
			fmt.Fprintln(e.stdout)
		}
		first = false
		printInfo(e, j)
		return nil
	})
	if err != nil {
		return err
	}
	if failed {
		return errSilentFailure
	}
	return nil
}

func printInfo(e *env, j infoJSON) {
	w := e.stdout
	fm := j.Format
	fmt.Fprintf(w, "%s\n", j.File)
	fmt.Fprintf(w, "  container    %s\n", fm.Container)
	ext := ""
	if fm.Extensible {
		ext = ", WAVE_FORMAT_EXTENSIBLE"
	}
	if fm.Container == wavemap.RawData.String() {
		fmt.Fprintf(w, "  encoding     %s\n", fm.Encoding)
	} else {
		fmt.Fprintf(w, "  encoding     %s (format tag %#04x%s)\n", fm.Encoding, fm.FormatTag, ext)
	}
	fmt.Fprintf(w, "  bits         %d (%d valid)\n", fm.Bits, fm.ValidBits)
	fmt.Fprintf(w, "  channels     %d", fm.Channels)
	if fm.ChannelMask != 0 {
		fmt.Fprintf(w, " (mask %#x: %s)", fm.ChannelMask, strings.Join(fm.Speakers, " "))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  sample rate  %d Hz\n", fm.SampleRate)
	fmt.Fprintf(w, "  frames       %d (%s)\n", j.Frames, clock(float64(j.Duration)))
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
		printMetadata(w, j.Metadata, fm.SampleRate)
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
