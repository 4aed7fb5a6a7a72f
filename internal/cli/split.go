package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/wavemap/wavemap"
)

// channelsJSON is what split, merge and remix print with --json: one
// object listing the files written.
type channelsJSON struct {
	head                        // split, remix: the input
	Inputs  []fileJSON          `json:"inputs,omitempty"`          // merge: the inputs, in order
	Output  *channelOutputJSON  `json:"output,omitempty"`          // merge, remix
	Outputs []channelOutputJSON `json:"outputs,omitempty"`         // split
	Clipped *int64              `json:"clipped_samples,omitempty"` // remix: samples clipped to the output encoding
}

// channelOutputJSON describes one file written by split, merge or remix:
// the common file object, with each channel's source.
type channelOutputJSON struct {
	fileJSON
	Channels []channelSourceJSON `json:"channels"`
	// Notes are the notes on the metadata chunks carried over.
	Notes []string `json:"metadata_notes"`
}

// channelSourceJSON is one channel of an output and what it is made of,
// in the inputs' terms: the input channel (from 0, as everywhere in the
// JSON; split, remix), FILE:N (merge), or for remix the mix in sox's
// notation ("1v0.5,2v0.5", "0" for silence; sox numbers channels from
// 1).
type channelSourceJSON struct {
	channelJSON
	Source string `json:"source"`
}

// channelOutputOf describes a file written, from the library's report.
func channelOutputOf(o wavemap.ChannelOutput, sources, notes []string) channelOutputJSON {
	j := channelOutputJSON{fileJSON: fileJSON{File: o.Name, Format: formatFromHeader(nil, o.Format), Frames: o.Frames,
		Duration: seconds(o.Frames, o.Format.SampleRate)}, Notes: notes}
	j.Format.Container = o.Container.String()
	if st, err := os.Stat(o.Name); err == nil {
		j.Bytes = st.Size()
	}
	for c := range o.Format.Channels {
		cj := channelSourceJSON{channelJSON: channelOf(o.Format, c)}
		if c < len(sources) {
			cj.Source = sources[c]
		}
		j.Channels = append(j.Channels, cj)
	}
	return j
}

// channelError returns err, an error of a channel operation, as an error
// about the output it names, if it names one, or else about the input it
// names, or else about the first input.
func channelError(outs []*outputFile, inputs []string, err error) error {
	msg := err.Error()
	for _, o := range outs {
		if strings.Contains(msg, o.name) || o.tmp.MatchString(msg) {
			return o.errorf(err)
		}
	}
	for _, in := range inputs {
		if strings.Contains(msg, in) {
			return fileError(in, err)
		}
	}
	return fileError(inputs[0], err)
}

// parseChannelList reads a list of channels numbered from 0: "0,2",
// ranges "1-3", "2-" (to the last channel, n-1) and "-1" (from the
// first). It returns them in the order given. n < 0 checks the syntax
// only.
func parseChannelList(s string, n int) ([]int, error) {
	var out []int
	for part := range strings.SplitSeq(s, ",") {
		a, b, isRange := strings.Cut(part, "-")
		lo, hi := 0, n-1
		var err error
		if a != "" || !isRange {
			if lo, err = strconv.Atoi(a); err != nil || lo < 0 {
				return nil, usagef("channel %q: want a number from 0 (channels count from 0), or a range such as 2-4", part)
			}
			hi = lo
		}
		if isRange {
			hi = n - 1
			if b != "" {
				if hi, err = strconv.Atoi(b); err != nil || hi < 0 {
					return nil, usagef("channel range %q: want numbers from 0, such as 2-4", part)
				}
			}
		}
		if n < 0 {
			continue
		}
		if lo >= n || hi >= n {
			return nil, usagef("channel %d asked for, but the file has %d channel(s), 0 to %d", max(lo, hi), n, n-1)
		}
		if hi < lo {
			lo, hi = hi, lo
		}
		for c := lo; c <= hi; c++ {
			out = append(out, c)
		}
	}
	return out, nil
}

func runSplit(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "split", "IN [OUT | DIR]")
	channels := fs.String("channels", "", "the channels to write, numbered from 0 as everywhere but in remix's OUT-SPECs: 0,2 or 1-3 or 4- (default: all)")
	container := containerFlag(fs, "same")
	asJSON := &e.json
	quiet := quietFlag(fs)
	withExample(fs, e, "wavemap split take.wav   (take.FL.wav take.FR.wav ..., or take.Boom.wav ... after the iXML track names)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 && len(pos) != 2 {
		return usagef("want an input file and, optionally, the name to label (stems/mix.wav: stems/mix.FL.wav ...) or a directory (default: the input's name)")
	}
	if *channels != "" {
		if _, err := parseChannelList(*channels, -1); err != nil {
			return err
		}
	}
	in, base := pos[0], pos[0]
	if len(pos) == 2 {
		base = pos[1]
		if st, err := os.Stat(base); (err == nil && st.IsDir()) || strings.HasSuffix(base, "/") || strings.HasSuffix(base, string(os.PathSeparator)) {
			base = filepath.Join(base, filepath.Base(in)) // a directory: the input's name in it
		}
	}
	if err := refuseStdio(base, in); err != nil {
		return err
	}
	src, err := openAudio(e, "split", in, wavemap.ReadOnly)
	if err != nil {
		return err
	}
	defer src.Close()
	var chans []int
	if *channels != "" {
		if chans, err = parseChannelList(*channels, src.Format().Channels); err != nil {
			return err
		}
		if len(chans) == 0 {
			return usagef("--channels %s names no channel", *channels)
		}
		seen := map[int]bool{}
		for _, c := range chans {
			if seen[c] {
				return usagef("--channels %s names channel %d twice", *channels, c)
			}
			seen[c] = true
		}
	}
	c, err := container.resolve(src)
	if err != nil {
		return err
	}
	names, err := wavemap.SplitNames(base, src, chans)
	if err != nil {
		return fileError(in, err)
	}
	if chans == nil {
		for i := range names {
			chans = append(chans, i)
		}
	}
	outs := make([]*outputFile, len(names))
	for i, n := range names {
		if outs[i], err = newOutputFile(e, "split", n, in); err != nil {
			return err
		}
	}
	sf := src.Format()
	p := e.progress(in, *quiet, src.Frames()*int64(sf.FrameSize()))
	r, err := wavemap.Split(ctx, src, names, &wavemap.SplitOptions{
		PassOptions: wavemap.PassOptions{Progress: p.Frames(sf.FrameSize())},
		Channels:    chans,
		Output:      &wavemap.Options{Container: c, Perm: outs[0].perm},
	})
	p.Done()
	if err != nil {
		return channelError(outs, []string{in}, err)
	}
	j := channelsJSON{head: headOf("split", in, src)}
	speakers := channelSpeakers(sf)
	for i, o := range r.Outputs {
		notes := metadataNotes(e, "split", o.Name, *quiet, o.Notes)
		j.Outputs = append(j.Outputs, channelOutputOf(o, []string{strconv.Itoa(chans[i])}, notes))
		if !*asJSON {
			fmt.Fprintf(e.stdout, "%s channel %d%s -> %s\n", in, chans[i], speakers[chans[i]], o.Name)
		}
	}
	if *asJSON {
		return printJSON(e, j)
	}
	return nil
}

// channelSpeakers returns, for each channel of fm, " (POSITION)" from its
// channel mask, or "" for a channel the mask does not name.
func channelSpeakers(fm wavemap.Format) []string {
	sp := speakerNames(fm.ChannelMask)
	out := make([]string, fm.Channels)
	for c := range out {
		if c < len(sp) {
			out[c] = " (" + sp[c] + ")"
		}
	}
	return out
}
