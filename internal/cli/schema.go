package cli

import (
	_ "embed"
	"strconv"

	"github.com/wavemap/wavemap"
)

// The JSON every command prints with --json follows one schema,
// schema.json (printed by 'wavemap help json'; schema_test.go validates
// every command's output against it). The rules:
//
//   - One object per line (JSON Lines): per file read, or per output.
//     Every object has "command" (the command's name) and, when it is about
//     one file, "file". A file that failed gives {"command", "file",
//     "error": {"message"}} in its place, so there is a line for every
//     file named.
//   - The audio format is the object "format" (formatJSON), the same in
//     every command; an output's is under "output". Lengths are given in
//     "frames" and "duration_seconds" both; positions as *_frame and
//     *_seconds.
//   - "channels" is always an array of objects, one per channel, numbered
//     from 0 like the library ("channel"), with "speaker" when the channel
//     mask names the channel's position.
//   - Units are in the key names: _hz, _seconds, _frame(s), _bytes, _dbfs,
//     _dbtp, _lufs, _lu, _db. A header field is shown as the number it
//     holds (0xFFFFFFFF, the "size unknown" of streams, is 4294967295).
//   - Numbers that are not finite (the dBFS of silence) are null.
//   - "full_scale_samples" counts samples at the encoding's extreme values
//     (stats); "clipped_samples" counts samples that an operation had to
//     clip (gain, normalize, convert, remix). They are different things.
//
//go:embed schema.json
var jsonSchema []byte

// formatJSON is the format of a file: what info prints and every other
// command repeats.
type formatJSON struct {
	Container   string   `json:"container"`
	Encoding    string   `json:"encoding"`
	FormatTag   uint16   `json:"format_tag"`
	Extensible  bool     `json:"extensible"`
	Bits        int      `json:"bits"`
	ValidBits   int      `json:"valid_bits"`
	Channels    int      `json:"channels"`
	ChannelMask uint32   `json:"channel_mask"`
	Speakers    []string `json:"speakers"` // the mask's positions, in channel order
	SampleRate  int      `json:"sample_rate_hz"`
	FrameBytes  int      `json:"frame_bytes"`
}

// formatOf returns the format object of f.
func formatOf(f *wavemap.File) formatJSON {
	return formatFromHeader(f.Header(), f.Format())
}

// formatFromHeader returns the format object of a header (h may be nil,
// for a file without one: raw data or a stream) and format.
func formatFromHeader(h *wavemap.Header, fm wavemap.Format) formatJSON {
	j := formatJSON{
		Container: wavemap.RawData.String(), Encoding: fm.Encoding.String(),
		Bits: fm.Encoding.Bits(), ValidBits: fm.Bits(), Channels: fm.Channels,
		ChannelMask: fm.ChannelMask, Speakers: speakerNames(fm.ChannelMask),
		SampleRate: fm.SampleRate, FrameBytes: fm.FrameSize(),
	}
	if h != nil {
		j.Container = h.Container.String()
		j.FormatTag = h.FormatTag
		j.Extensible = h.Extensible
	}
	return j
}

// channelJSON names one channel: its index from 0 and, when the channel
// mask gives it one, its speaker position.
type channelJSON struct {
	Channel int    `json:"channel"`
	Speaker string `json:"speaker,omitempty"`
}

// channelOf returns the name of channel c of a file of format fm.
func channelOf(fm wavemap.Format, c int) channelJSON {
	return channelJSON{Channel: c, Speaker: speakerOf(fm.ChannelMask, c)}
}

// channelsOf lists the channels of fm.
func channelsOf(fm wavemap.Format) []channelJSON {
	cs := make([]channelJSON, fm.Channels)
	for c := range cs {
		cs[c] = channelOf(fm, c)
	}
	return cs
}

// speakerOf returns the speaker position of channel c under mask: the
// c-th set bit's name, or "" when the mask has fewer bits set.
func speakerOf(mask uint32, c int) string {
	names := speakerNames(mask)
	if c < len(names) {
		return names[c]
	}
	return ""
}

// channelLabel is how text output names channel c: "0 FL", or "0".
func channelLabel(fm wavemap.Format, c int) string {
	if s := speakerOf(fm.ChannelMask, c); s != "" {
		return strconv.Itoa(c) + " " + s
	}
	return strconv.Itoa(c)
}

// head is what every per-file object starts with: the command, the file,
// its format and its length.
type head struct {
	Command  string      `json:"command"`
	File     string      `json:"file,omitempty"`
	Format   *formatJSON `json:"format,omitempty"`
	Frames   int64       `json:"frames"`
	Duration jsonFloat   `json:"duration_seconds"`
}

// headOf returns the head of an object about f, read by cmd under name.
func headOf(cmd, name string, f *wavemap.File) head {
	fm := formatOf(f)
	return head{Command: cmd, File: name, Format: &fm, Frames: f.Frames(),
		Duration: seconds(f.Frames(), f.Format().SampleRate)}
}

// fileJSON describes a file a command wrote (or would write), or one of
// several inputs.
type fileJSON struct {
	File     string     `json:"file"`
	Format   formatJSON `json:"format"`
	Frames   int64      `json:"frames"`
	Duration jsonFloat  `json:"duration_seconds"`
	Bytes    int64      `json:"bytes,omitempty"` // the file's size, where known
}

// fileOf describes f, known as name.
func fileOf(name string, f *wavemap.File) fileJSON {
	return fileJSON{File: name, Format: formatOf(f), Frames: f.Frames(),
		Duration: seconds(f.Frames(), f.Format().SampleRate)}
}

// rangeJSON is a range of frames, [from, to), as frames and seconds.
type rangeJSON struct {
	FromFrame   int64     `json:"from_frame"`
	ToFrame     int64     `json:"to_frame"`
	FromSeconds jsonFloat `json:"from_seconds"`
	ToSeconds   jsonFloat `json:"to_seconds"`
	// Clamped is set when the range asked for reached past the end of
	// the file and was cut to it.
	Clamped bool `json:"clamped"`
}

// rangeOf returns the range [a, b) at rate.
func rangeOf(a, b int64, rate int, clamped bool) rangeJSON {
	sec := func(n int64) jsonFloat { return jsonFloat(float64(n) / float64(rate)) }
	return rangeJSON{FromFrame: a, ToFrame: b, FromSeconds: sec(a), ToSeconds: sec(b), Clamped: clamped}
}

// errorJSON is the object printed in place of a file's result when it
// failed.
type errorJSON struct {
	Command string `json:"command"`
	File    string `json:"file"`
	Error   struct {
		Message string `json:"message"`
	} `json:"error"`
}

// errorRecord returns the error object for name.
func errorRecord(cmd, name string, err error) errorJSON {
	j := errorJSON{Command: cmd, File: name}
	j.Error.Message = oneLine(err)
	return j
}

// seconds is the duration of n frames at rate, for JSON.
func seconds(n int64, rate int) jsonFloat {
	if rate <= 0 {
		return 0
	}
	return jsonFloat(float64(n) / float64(rate))
}
