package cli

import (
	"context"
	"fmt"

	"github.com/wavemap/wavemap"
)

// runStats measures every file given (one pass each, -j at once) and
// prints them in the order given; a file that fails is reported and the
// others go on (exit 1 at the end).
func runStats(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "stats", "FILE...")
	jobs := fs.jobsFlag()
	withExample(fs, e, "wavemap stats --json take.wav")
	withExample(fs, e, "wavemap stats -j 8 --json corpus/*.wav > stats.jsonl")
	withExample(fs, e, "ffmpeg -i take.flac -f wav - | wavemap stats -")
	files, err := parseFiles(fs, args, jobs)
	if err != nil {
		return err
	}
	// One file gets a progress bar and every core; many files get a core
	// each and no bar.
	workers := 0
	if len(files) > 1 && *jobs > 1 {
		workers = 1
	}
	failed := false
	err = forEachFile(ctx, files, *jobs, func(ctx context.Context, name string) (statsJSON, error) {
		if name == stdinName {
			return statsStream(ctx, e)
		}
		return statsOf(ctx, e, name, len(files) == 1, workers)
	}, func(name string, j statsJSON, err error) error {
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			failed = true
			e.failf("stats", err)
			if e.json {
				return printJSON(e, errorRecord("stats", name, err))
			}
			return nil
		}
		if e.json {
			return printJSON(e, j)
		}
		printStats(e, j)
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

// statsOf measures one file.
func statsOf(ctx context.Context, e *env, name string, bar bool, workers int) (statsJSON, error) {
	f, err := openAudio(e, "stats", name, wavemap.ReadOnly)
	if err != nil {
		return statsJSON{}, err
	}
	defer f.Close()
	fm := f.Format()
	var p *progress
	if bar {
		p = e.progress(name, e.quiet, f.Frames()*int64(fm.FrameSize()))
	}
	st, err := wavemap.Measure(ctx, f, &wavemap.PassOptions{Progress: p.Frames(fm.FrameSize()), Workers: workers})
	p.Done()
	if err != nil {
		return statsJSON{}, fileError(name, err)
	}
	return statsRecord(headOf("stats", name, f), fm, st), nil
}

// statsRecord is the stats object of a file with head h and statistics st.
func statsRecord(h head, fm wavemap.Format, st []wavemap.ChannelStats) statsJSON {
	j := statsJSON{head: h, Channels: make([]channelStatsJSON, len(st))}
	for c, s := range st {
		j.Channels[c] = channelStatsJSON{
			channelJSON: channelOf(fm, c), Peak: jsonFloat(s.Peak), PeakDBFS: jsonFloat(s.PeakDB()),
			RMS: jsonFloat(s.RMS), RMSDBFS: jsonFloat(s.RMSDB()), DC: jsonFloat(s.DC),
			Min: jsonFloat(s.Min), Max: jsonFloat(s.Max), FullScale: s.FullScale, Samples: s.Samples,
		}
	}
	return j
}

func printStats(e *env, j statsJSON) {
	w := e.stdout
	fm := j.Format
	fmt.Fprintf(w, "%s: %s %dch %dHz, %d frames (%s)\n", j.File, fm.Encoding, fm.Channels, fm.SampleRate, j.Frames, clock(float64(j.Duration)))
	fmt.Fprintf(w, "%-8s %10s %10s %10s %10s %10s %10s %10s %12s\n",
		"channel", "peak", "peak dBFS", "rms", "rms dBFS", "dc", "min", "max", "full scale")
	for _, c := range j.Channels {
		label := fmt.Sprint(c.Channel)
		if c.Speaker != "" {
			label += " " + c.Speaker
		}
		fmt.Fprintf(w, "%-8s %10s %10s %10s %10s %10s %10s %10s %12d\n", label,
			num(c.Peak, 6), num(c.PeakDBFS, 2), num(c.RMS, 6), num(c.RMSDBFS, 2),
			num(c.DC, 6), num(c.Min, 6), num(c.Max, 6), c.FullScale)
	}
}

type statsJSON struct {
	head
	Channels []channelStatsJSON `json:"channels"`
}

// channelStatsJSON is one channel's statistics.
type channelStatsJSON struct {
	channelJSON
	Peak      jsonFloat `json:"peak"`
	PeakDBFS  jsonFloat `json:"peak_dbfs"`
	RMS       jsonFloat `json:"rms"`
	RMSDBFS   jsonFloat `json:"rms_dbfs"`
	DC        jsonFloat `json:"dc"`
	Min       jsonFloat `json:"min"`
	Max       jsonFloat `json:"max"`
	FullScale int64     `json:"full_scale_samples"` // at the encoding's extreme values (not a count of clipped samples)
	Samples   int64     `json:"samples"`
}
