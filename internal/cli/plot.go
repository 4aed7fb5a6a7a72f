package cli

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"

	"github.com/wavemap/wavemap"
)

// Picture limits: big enough for any screen, small enough that a typo in
// --width cannot ask for gigabytes.
const (
	plotMaxSide   = 32768
	plotMaxPixels = 64 << 20
)

// Layout of the picture, in pixels.
const (
	plotLeft    = 34 // lane labels
	plotRight   = 8
	plotTop     = 6
	plotBottom  = 24 // time axis and its labels
	plotGap     = 3  // between lanes
	plotMinLane = 6
)

// Palette indices.
const (
	pxBackground = iota
	pxLane
	pxGrid
	pxWave
	pxText
	pxClip
)

var plotPalette = color.Palette{
	pxBackground: color.RGBA{0xff, 0xff, 0xff, 0xff},
	pxLane:       color.RGBA{0xee, 0xf1, 0xf5, 0xff},
	pxGrid:       color.RGBA{0xb8, 0xc0, 0xcc, 0xff},
	pxWave:       color.RGBA{0x1f, 0x5f, 0xbf, 0xff},
	pxText:       color.RGBA{0x30, 0x30, 0x30, 0xff},
	pxClip:       color.RGBA{0xd0, 0x30, 0x30, 0xff},
}

type plotJSON struct {
	File     string  `json:"file"`
	Output   string  `json:"output"`
	Width    int     `json:"width"`
	Height   int     `json:"height"`
	Channels int     `json:"channels"`
	Frames   int64   `json:"frames"`
	Seconds  float64 `json:"duration_seconds"`
}

func runPlot(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "plot", "FILE -o OUT.png")
	out := fs.String("o", "", "PNG file to write (required)")
	width := fs.Int("width", 1600, "picture width in pixels")
	height := fs.Int("height", 400, "picture height in pixels")
	asJSON := &e.json
	quiet := quietFlag(fs)
	withExample(fs, e, "wavemap plot take.wav -o take.png --width 1600 --height 400")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want exactly one input file")
	}
	if *out == "" {
		return usagef("-o OUT.png is required")
	}
	if *width < plotLeft+plotRight+16 || *height < plotTop+plotBottom+plotMinLane ||
		*width > plotMaxSide || *height > plotMaxSide || int64(*width)*int64(*height) > plotMaxPixels {
		return usagef("picture size %dx%d out of range (at least %dx%d, at most %d pixels a side and %d in all)",
			*width, *height, plotLeft+plotRight+16, plotTop+plotBottom+plotMinLane, plotMaxSide, plotMaxPixels)
	}
	name := pos[0]
	if err := refuseStdio(*out, name); err != nil {
		return err
	}
	f, err := openAudio(e, "plot", name, wavemap.ReadOnly)
	if err != nil {
		return err
	}
	defer f.Close()
	fm := f.Format()
	if lanes := (*height - plotTop - plotBottom + plotGap) / fm.Channels; lanes-plotGap < plotMinLane {
		return usagef("%s has %d channels: --height %d leaves under %d pixels a channel", name, fm.Channels, *height, plotMinLane)
	}
	o, err := newOutputFile(e, "plot", *out, name)
	if err != nil {
		return err
	}
	p := e.progress(name, *quiet, f.Frames()*int64(fm.FrameSize()))
	cols, err := wavemap.Overview(ctx, f, *width-plotLeft-plotRight, &wavemap.PassOptions{Progress: p.Frames(fm.FrameSize())})
	p.Done()
	if err != nil {
		return fileError(name, err)
	}
	dur := fm.Duration(f.Frames()).Seconds()
	img := drawWaveform(cols, *width, *height, dur)
	if err := writePNG(o, img); err != nil {
		return err
	}
	j := plotJSON{File: name, Output: *out, Width: *width, Height: *height, Channels: fm.Channels, Frames: f.Frames(), Seconds: dur}
	if *asJSON {
		return printJSON(e, j)
	}
	fmt.Fprintf(e.stdout, "%s -> %s: %dx%d, %d channels, %s\n", name, *out, *width, *height, fm.Channels, clock(dur))
	return nil
}

// writePNG writes img to o's temporary file and renames it into place.
func writePNG(o *outputFile, img image.Image) error {
	w, err := o.createPlain()
	if err != nil {
		return err
	}
	return o.finish(png.Encode(w, img)) // syncs, closes and renames the file, or removes it
}

// drawWaveform draws one lane per channel of cols (as Overview returns
// them, one column per pixel of the plot area) and a time axis for a file
// of dur seconds.
func drawWaveform(cols [][]wavemap.MinMax, width, height int, dur float64) *image.Paletted {
	img := image.NewPaletted(image.Rect(0, 0, width, height), plotPalette)
	x0, x1 := plotLeft, width-plotRight
	y0, y1 := plotTop, height-plotBottom
	n := len(cols)
	lane := (y1 - y0 + plotGap) / n // lane pitch, including the gap
	for c, col := range cols {
		top := y0 + c*lane
		bot := top + lane - plotGap // exclusive
		fillRect(img, x0, top, x1, bot, pxLane)
		mid := (top + bot - 1) / 2
		half := float64(bot-1-top) / 2
		hline(img, x0, x1, mid, pxGrid)
		label := "ch" + strconv.Itoa(c+1)
		drawText(img, max(1, x0-4-textWidth(label)), mid-glyphH/2, label)
		// y maps a sample value onto the lane: +1 at the top, -1 at
		// the bottom.
		y := func(v float64) int {
			return int(math.Round(float64(mid) - v*half))
		}
		for k, mm := range col {
			x := x0 + k
			if x >= x1 {
				break
			}
			ya, yb := y(mm.Max), y(mm.Min)
			clip := ya < top || yb > bot-1 // past full scale
			ya, yb = max(ya, top), min(yb, bot-1)
			for yy := ya; yy <= yb; yy++ {
				img.SetColorIndex(x, yy, pxWave)
			}
			if clip {
				img.SetColorIndex(x, top, pxClip)
				img.SetColorIndex(x, bot-1, pxClip)
			}
		}
	}
	drawTimeAxis(img, x0, x1, y1, dur)
	return img
}

// drawTimeAxis draws the axis line under the lanes at y, with ticks and
// labels at round times.
func drawTimeAxis(img *image.Paletted, x0, x1, y int, dur float64) {
	hline(img, x0, x1, y, pxText)
	if dur <= 0 {
		drawText(img, x0, y+6, "0")
		return
	}
	w := float64(x1 - x0)
	step := niceStep(dur * 90 / w) // labels about 90 pixels apart or more
	for i := 0; ; i++ {
		t := float64(i) * step
		if t > dur*(1+1e-9) {
			break
		}
		x := x0 + int(math.Round(t/dur*(w-1)))
		for yy := y; yy < y+4; yy++ {
			img.SetColorIndex(x, yy, pxText)
		}
		s := timeLabel(t, step, dur)
		lx := min(max(x-textWidth(s)/2, 1), img.Bounds().Dx()-textWidth(s)-1)
		drawText(img, lx, y+7, s)
	}
}

// niceStep returns the smallest round step of time, in seconds, of at
// least atLeast: 1, 2 or 5 times a power of ten up to 20 s, then half
// minutes, minutes and hours in clock-friendly amounts.
func niceStep(atLeast float64) float64 {
	if atLeast <= 20 {
		p := math.Pow(10, math.Floor(math.Log10(atLeast)))
		for _, m := range []float64{1, 2, 5, 10} {
			if m*p >= atLeast {
				return m * p
			}
		}
	}
	for _, s := range []float64{30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 3 * 3600, 6 * 3600, 12 * 3600, 24 * 3600} {
		if s >= atLeast {
			return s
		}
	}
	return 24 * 3600 * math.Ceil(atLeast/(24*3600))
}

// timeLabel formats t seconds for an axis of the given step and length:
// "1.5s" for short files, "m:ss" or "h:mm:ss" for long ones.
func timeLabel(t, step, dur float64) string {
	if dur < 60 {
		prec := 0
		if step < 1 {
			prec = int(math.Ceil(-math.Log10(step) - 1e-9))
		}
		return strconv.FormatFloat(t, 'f', prec, 64) + "s"
	}
	s := int64(math.Round(t))
	if dur >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

func fillRect(img *image.Paletted, x0, y0, x1, y1 int, c uint8) {
	for y := y0; y < y1; y++ {
		hline(img, x0, x1, y, c)
	}
}

func hline(img *image.Paletted, x0, x1, y int, c uint8) {
	for x := x0; x < x1; x++ {
		img.SetColorIndex(x, y, c)
	}
}

// A 5x7 pixel font for the few characters the labels use.
const (
	glyphW = 5
	glyphH = 7
)

var glyphs = map[rune]string{
	'0': ".###.#...##..###.#.###..##...#.###.",
	'1': "..#...##....#....#....#....#...###.",
	'2': ".###.#...#....#...#...#...#...#####",
	'3': "#####...#...#.....#.....##...#.###.",
	'4': "...#...##..#.#.#..#.#####...#....#.",
	'5': "######....####.....#....##...#.###.",
	'6': "..##..#...#....####.#...##...#.###.",
	'7': "#####....#...#...#...#....#....#...",
	'8': ".###.#...##...#.###.#...##...#.###.",
	'9': ".###.#...##...#.####....#...#..##..",
	':': "......##...##........##...##.......",
	'.': "..........................##...##..",
	's': "...........#####.....###.....#####.",
	'c': "...........###.#....#....#...#.###.",
	'h': "#....#....#.##.##..##...##...##...#",
	'm': "..........##.#.#.#.##.#.##...##...#",
	'-': "...............#####...............",
	'+': ".......#....#..#####..#....#.......",
}

func textWidth(s string) int { return len(s) * (glyphW + 1) }

// drawText draws s with its top left corner at (x, y).
func drawText(img *image.Paletted, x, y int, s string) {
	for _, r := range s {
		g := glyphs[r]
		if len(g) == glyphW*glyphH {
			for i, b := range g {
				if b == '#' {
					img.SetColorIndex(x+i%glyphW, y+i/glyphW, pxText)
				}
			}
		}
		x += glyphW + 1
	}
}
