package cli

import (
	"encoding/json"
	"fmt"

	"github.com/wavemap/wavemap"
)

func init() {
	register("info", "print format, size, chunks, tags and warnings of WAVE files", runInfo)
}

type chunkJSON struct {
	ID         string `json:"id"`
	Offset     int64  `json:"offset"`
	DataOffset int64  `json:"data_offset"`
	Declared   int64  `json:"declared"`
	Size       int64  `json:"size"`
}

type warningJSON struct {
	Kind    string `json:"kind"`
	Offset  int64  `json:"offset"`
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
	DataOffset  int64             `json:"data_offset"`
	DataBytes   int64             `json:"data_bytes"`
	Chunks      []chunkJSON       `json:"chunks"`
	Tags        map[string]string `json:"tags"`
	Warnings    []warningJSON     `json:"warnings"`
}

func describe(name string, f *wavemap.File) infoJSON {
	h := f.Header()
	fm := h.Format
	j := infoJSON{
		File: name, Container: h.Container.String(), Encoding: fm.Encoding.String(), FormatTag: h.FormatTag,
		Extensible: h.Extensible, Channels: fm.Channels, SampleRate: fm.SampleRate, Frames: h.Frames,
		Duration: fm.Duration(h.Frames).Seconds(), Bits: fm.Encoding.Bits(), ValidBits: fm.Bits(),
		ChannelMask: fm.ChannelMask, DataOffset: h.DataOffset, DataBytes: int64(len(f.Bytes())),
		Chunks: []chunkJSON{}, Tags: map[string]string{}, Warnings: []warningJSON{},
	}
	for _, c := range h.Chunks {
		j.Chunks = append(j.Chunks, chunkJSON{c.ID.String(), c.Offset, c.DataOffset, c.Declared, c.Size})
	}
	for _, t := range h.Tags {
		j.Tags[t.ID.String()] = t.Value
	}
	for _, w := range h.Warnings {
		wj := warningJSON{Kind: w.Kind.String(), Offset: w.Offset, Message: w.Msg}
		if w.Chunk != (wavemap.FourCC{}) {
			wj.Chunk = w.Chunk.String()
		}
		j.Warnings = append(j.Warnings, wj)
	}
	return j
}

func runInfo(e *env, args []string) error {
	fs := newFlags(e, "info", "FILE...")
	asJSON := fs.Bool("json", false, "print one JSON object per file")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("no files given")
	}
	failed := false
	for _, name := range files {
		f, err := wavemap.Open(name, wavemap.ReadOnly, nil)
		if err != nil {
			fmt.Fprintf(e.stderr, "wavemap info: %s\n", oneLine(err))
			failed = true
			continue
		}
		j := describe(name, f)
		f.Close()
		if *asJSON {
			b, _ := json.Marshal(j)
			fmt.Fprintln(e.stdout, string(b))
			continue
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
	fmt.Fprintf(w, "  encoding     %s (format tag %#04x%s)\n", j.Encoding, j.FormatTag, ext)
	fmt.Fprintf(w, "  bits         %d (%d valid)\n", j.Bits, j.ValidBits)
	fmt.Fprintf(w, "  channels     %d", j.Channels)
	if j.ChannelMask != 0 {
		fmt.Fprintf(w, " (mask %#x)", j.ChannelMask)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  sample rate  %d Hz\n", j.SampleRate)
	fmt.Fprintf(w, "  frames       %d (%s)\n", j.Frames, clock(j.Duration))
	fmt.Fprintf(w, "  audio        %d bytes at offset %d\n", j.DataBytes, j.DataOffset)
	fmt.Fprintf(w, "  chunks\n")
	for _, c := range j.Chunks {
		decl := ""
		if c.Declared != c.Size {
			decl = fmt.Sprintf(" (declares %d)", c.Declared)
		}
		fmt.Fprintf(w, "    %-6s at %-10d %d bytes%s\n", c.ID, c.Offset, c.Size, decl)
	}
	for k, v := range j.Tags {
		fmt.Fprintf(w, "  tag %s  %s\n", k, v)
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
