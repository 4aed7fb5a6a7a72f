package cli

import (
	"context"
	"fmt"

	"github.com/wavemap/wavemap"
)

func runStats(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "stats", "FILE")
	asJSON := &e.json
	quiet := quietFlag(fs)
	withExample(fs, e, "wavemap stats --json take.wav")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want exactly one file")
	}
	name := pos[0]
	f, err := openAudio(e, "stats", name, wavemap.ReadOnly)
	if err != nil {
		return err
	}
	defer f.Close()
	fm := f.Format()
	p := e.progress(name, *quiet, f.Frames()*int64(fm.FrameSize()))
	st, err := wavemap.Measure(ctx, f, &wavemap.PassOptions{Progress: p.Frames(fm.FrameSize())})
	p.Done()
	if err != nil {
		return fileError(name, err)
	}
	j := statsJSON{File: name, Format: fm.String(), Frames: f.Frames(), Channels: make([]channelStatsJSON, len(st))}
	for c, s := range st {
		j.Channels[c] = channelStatsJSON{
			Channel: c + 1, Peak: jsonFloat(s.Peak), PeakDBFS: jsonFloat(s.PeakDB()),
			RMS: jsonFloat(s.RMS), RMSDBFS: jsonFloat(s.RMSDB()), DC: jsonFloat(s.DC),
			Min: jsonFloat(s.Min), Max: jsonFloat(s.Max), Clipped: s.FullScale, Samples: s.Samples,
		}
	}
	if *asJSON {
		return printJSON(e, j)
	}
	w := e.stdout
	fmt.Fprintf(w, "%s: %s, %d frames (%s)\n", name, j.Format, j.Frames, clock(fm.Duration(j.Frames).Seconds()))
	fmt.Fprintf(w, "%-8s %10s %10s %10s %10s %10s %10s %10s %10s\n",
		"channel", "peak", "peak dBFS", "rms", "rms dBFS", "dc", "min", "max", "clipped")
	for _, c := range j.Channels {
		fmt.Fprintf(w, "%-8d %10s %10s %10s %10s %10s %10s %10s %10d\n", c.Channel,
			num(c.Peak, 6), num(c.PeakDBFS, 2), num(c.RMS, 6), num(c.RMSDBFS, 2),
			num(c.DC, 6), num(c.Min, 6), num(c.Max, 6), c.Clipped)
	}
	return nil
}

type statsJSON struct {
	File     string             `json:"file"`
	Format   string             `json:"format"`
	Frames   int64              `json:"frames"`
	Channels []channelStatsJSON `json:"channels"`
}

// channelStatsJSON is one channel's statistics. Channels count from 1.
type channelStatsJSON struct {
	Channel  int       `json:"channel"`
	Peak     jsonFloat `json:"peak"`
	PeakDBFS jsonFloat `json:"peak_dbfs"`
	RMS      jsonFloat `json:"rms"`
	RMSDBFS  jsonFloat `json:"rms_dbfs"`
	DC       jsonFloat `json:"dc"`
	Min      jsonFloat `json:"min"`
	Max      jsonFloat `json:"max"`
	Clipped  int64     `json:"clipped"`
	Samples  int64     `json:"samples"`
}
