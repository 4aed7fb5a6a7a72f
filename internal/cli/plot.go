package cli

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/atomicfile"
)

// plotHelp is the part of plot's help that says what the picture shows.
const plotHelp = `The picture has one lane per channel, named by the channel's number (from 0,
as in the library and the JSON) and, when the channel mask gives one, its
speaker position: "0 FL", "3 LFE". The waveform is linear in amplitude, full
scale at the edges of the lane; the scale on the left of each lane marks where
0, -6 and -20 dBFS fall on that linear scale (labels are left out where a lane
is too low for them). The file name is the title; the time axis gives times in
the file, for a --from/--to window too. A --to past the end stops at the end,
with a warning. The output must be a .png file: PNG is the only format written.`

// Picture limits: big enough for any screen, small enough that a typo in
// --width cannot ask for gigabytes.
const (
	plotMaxSide   = 32768
	plotMaxPixels = 64 << 20
)

// Layout of the picture, in pixels. The left margin depends on the
// labels: see layoutPlot.
const (
	plotTitleY  = 3                       // top of the title line
	plotTop     = plotTitleY + glyphH + 4 // first lane
	plotRight   = 8
	plotBottom  = 24 // time axis and its labels
	plotGap     = 3  // between lanes
	plotMinLane = 6
	plotTick    = 4 // length of a dB scale tick
	plotMinArea = 32

	plotMinWidth  = 64
	plotMinHeight = plotTop + plotBottom + plotMinLane
)

// plotLevels are the levels, in dBFS, the scale marks, most important
// first: a label that does not fit is left out, so the first ones win.
var plotLevels = []int{0, -6, -20}

// Palette indices.
const (
	pxBackground = iota
	pxLane
	pxGrid
	pxWave
	pxText
	pxClip
	pxScale
)

var plotPalette = color.Palette{
	pxBackground: color.RGBA{0xff, 0xff, 0xff, 0xff},
	pxLane:       color.RGBA{0xee, 0xf1, 0xf5, 0xff},
	pxGrid:       color.RGBA{0xb8, 0xc0, 0xcc, 0xff},
	pxWave:       color.RGBA{0x1f, 0x5f, 0xbf, 0xff},
	pxText:       color.RGBA{0x30, 0x30, 0x30, 0xff},
	pxClip:       color.RGBA{0xd0, 0x30, 0x30, 0xff},
	pxScale:      color.RGBA{0x70, 0x78, 0x88, 0xff},
}

// plotJSON is what plot prints with --json.
type plotJSON struct {
	head
	Range  rangeJSON   `json:"range"`
	Output pictureJSON `json:"output"`
}

// pictureJSON describes a picture plot wrote.
type pictureJSON struct {
	File   string `json:"file"`
	Width  int    `json:"width_px"`
	Height int    `json:"height_px"`
	Bytes  int64  `json:"bytes"`
}

func runPlot(ctx context.Context, e *env, args []string) error {
	e.summary += "\n\n" + plotHelp
	fs := newFlags(e, "plot", "IN OUT.png")
	width := fs.Int("width", 1600, "picture width in pixels")
	height := fs.Int("height", 400, "picture height in pixels (the lanes share it)")
	from := fs.String("from", "0", "start of the window to draw: "+timeSpecHelp)
	to := fs.String("to", "", "end of the window, excluded (default: the end of IN; past the end stops there)")
	asJSON := &e.json
	quiet := quietFlag(fs)
	withExample(fs, e, "wavemap plot --width 1600 --height 400 take.wav take.png")
	withExample(fs, e, "wavemap plot --from 1:30 --to 1:35 take.wav detail.png")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("want an input file and an output .png file")
	}
	name, outName := pos[0], pos[1]
	// Everything the command line alone decides is checked before a file
	// is read.
	if err := refuseStdio(outName, name); err != nil {
		return err
	}
	// What the output is (a FIFO, a directory ...) is said first: a
	// wrong extension is not the main trouble with /dev/null.
	if err := atomicfile.Check(outName, nil); err != nil {
		return (&outputFile{name: outName}).errorf(err)
	}
	if ext := filepath.Ext(outName); !strings.EqualFold(ext, ".png") {
		what := "has no extension"
		if ext != "" {
			what = "ends in " + ext
		}
		return usagef("%s %s: plot writes PNG only: name the output *.png", outName, what)
	}
	if err := intIn("width", int64(*width), plotMinWidth, plotMaxSide); err != nil {
		return err
	}
	if err := intIn("height", int64(*height), plotMinHeight, plotMaxSide); err != nil {
		return err
	}
	if px := int64(*width) * int64(*height); px > plotMaxPixels {
		return usagef("--width %d --height %d: %d pixels, want at most %d", *width, *height, px, plotMaxPixels)
	}
	for _, t := range []string{*from, *to} {
		if _, err := parseTimeSpec(t, 1); t != "" && err != nil {
			return usageError{err.Error()}
		}
	}
	f, err := openAudio(e, "plot", name, wavemap.ReadOnly)
	if err != nil {
		return err
	}
	defer f.Close()
	fm := f.Format()
	rate, n := fm.SampleRate, f.Frames()
	if lanes := (*height - plotTop - plotBottom + plotGap) / fm.Channels; lanes-plotGap < plotMinLane {
		return usagef("%s has %d channels: --height %d leaves under %d pixels a channel", name, fm.Channels, *height, plotMinLane)
	}
	a, err := parseTimeSpec(*from, rate)
	if err != nil {
		return usageError{err.Error()}
	}
	b := n
	if *to != "" {
		if b, err = parseTimeSpec(*to, rate); err != nil {
			return usageError{err.Error()}
		}
	}
	clamped := false
	if b > n {
		// As cut, sox's trim and ffmpeg's -to do: stop at the end.
		fmt.Fprintf(e.stderr, "wavemap plot: %s: warning: --to %s is past the end (%s): stopping at the end\n",
			name, formatFrames(b, rate), formatFrames(n, rate))
		b, clamped = n, true
	}
	switch {
	case a > n:
		return usagef("%s: --from %s is past the end (%s): nothing to plot", name, formatFrames(a, rate), formatFrames(n, rate))
	case b < a, b == a && n > 0:
		// An empty file plots as an empty picture, as it always did.
		return usagef("%s: --from %s and --to %s select no frames", name, formatFrames(a, rate), formatFrames(b, rate))
	}
	l := layoutPlot(*width, *height, fm)
	o, err := newOutputFile(e, "plot", outName, name)
	if err != nil {
		return err
	}
	p := e.progress(name, *quiet, (b-a)*int64(fm.FrameSize()))
	cols, err := wavemap.OverviewRange(ctx, f, a, b, l.x1-l.x0, &wavemap.PassOptions{Progress: p.Frames(fm.FrameSize())})
	p.Done()
	if err != nil {
		return fileError(name, err)
	}
	img := l.draw(cols, name, float64(a)/float64(rate), float64(b)/float64(rate))
	size, err := writePNG(o, img)
	if err != nil {
		return err
	}
	r := rangeOf(a, b, rate, clamped)
	if *asJSON {
		return printJSON(e, plotJSON{head: headOf("plot", name, f), Range: r,
			Output: pictureJSON{File: outName, Width: *width, Height: *height, Bytes: size}})
	}
	fmt.Fprintf(e.stdout, "%s -> %s: %dx%d, %d channels, %s to %s\n", name, outName, *width, *height, fm.Channels,
		clock(float64(r.FromSeconds)), clock(float64(r.ToSeconds)))
	return nil
}

// writePNG writes img to o's temporary file and renames it into place. It
// returns the size of the file.
func writePNG(o *outputFile, img image.Image) (int64, error) {
	w, err := o.createPlain()
	if err != nil {
		return 0, err
	}
	cw := &countingWriter{w: w}
	err = png.Encode(cw, img)
	if err = o.finish(err); err != nil { // syncs, closes and renames the file, or removes it
		return 0, err
	}
	return cw.n, nil
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// plotLayout places the parts of a picture.
type plotLayout struct {
	width, height int
	x0, x1        int      // the plot area's columns, [x0, x1)
	y0, y1        int      // the lanes' rows, [y0, y1); the time axis is row y1
	labels        []string // lane labels, nil when there is no room for them
	scale         bool     // whether the dB scale has labels
}

// layoutPlot lays out a picture of the given size for a file of format
// fm. The left margin holds the lane labels, then the dB scale's labels,
// then its ticks. Lane labels are "0 FL" where the mask names channel 0;
// when that makes the margin take more than half the picture, they
// shorten to the speaker ("FL"), then the dB labels go (the ticks stay),
// then the lane labels.
func layoutPlot(width, height int, fm wavemap.Format) plotLayout {
	full := make([]string, fm.Channels)
	short := make([]string, fm.Channels)
	for c := range full {
		full[c] = channelLabel(fm, c)
		short[c] = speakerOf(fm.ChannelMask, c)
		if short[c] == "" {
			short[c] = strconv.Itoa(c)
		}
	}
	l := plotLayout{width: width, height: height, y0: plotTop, y1: height - plotBottom}
	for _, try := range []struct {
		labels []string
		scale  bool
	}{{full, true}, {short, true}, {short, false}, {nil, false}} {
		l.labels, l.scale = try.labels, try.scale
		l.x0 = l.margin()
		l.x1 = width - plotRight
		if l.x1-l.x0 >= max(plotMinArea, width/2) {
			break
		}
	}
	return l
}

// margin is the width of the left margin for l's labels and scale.
func (l plotLayout) margin() int {
	m := 2 + plotTick
	if w := l.labelWidth(); w > 0 {
		m += w + 6
	}
	if l.scale {
		m += l.scaleWidth() + 2
	}
	return m
}

func (l plotLayout) labelWidth() int {
	w := 0
	for _, s := range l.labels {
		w = max(w, inkWidth(s))
	}
	return w
}

func (l plotLayout) scaleWidth() int {
	w := 0
	for _, db := range plotLevels {
		w = max(w, inkWidth(strconv.Itoa(db)))
	}
	return w
}

// box is a rectangle of pixels, [x0, x1) x [y0, y1).
type box struct{ x0, y0, x1, y1 int }

// near reports whether b and c overlap or come within gap pixels of each
// other.
func (b box) near(c box, gap int) bool {
	return b.x0 < c.x1+gap && c.x0 < b.x1+gap && b.y0 < c.y1+gap && c.y0 < b.y1+gap
}

// draw draws the picture: the title, one lane per channel of cols (as
// Overview returns them, one column per pixel of the plot area) with its
// label and dB scale, and a time axis from start to end seconds.
func (l plotLayout) draw(cols [][]wavemap.MinMax, title string, start, end float64) *image.Paletted {
	img := image.NewPaletted(image.Rect(0, 0, l.width, l.height), plotPalette)
	l.drawTitle(img, title)
	n := len(cols)
	pitch := (l.y1 - l.y0 + plotGap) / n // lane pitch, including the gap
	for c, col := range cols {
		top := l.y0 + c*pitch
		l.drawLane(img, c, col, top, top+pitch-plotGap)
	}
	l.drawTimeAxis(img, start, end)
	return img
}

// drawTitle writes the file name above the plot area, "dBFS" above the
// scale. A name too long for the line keeps its end, the file's own name,
// after "...".
func (l plotLayout) drawTitle(img *image.Paletted, title string) {
	if l.scale {
		drawText(img, l.x0-plotTick-2-inkWidth("dBFS")+1, plotTitleY, "dBFS", pxScale)
	}
	room := (l.width - plotRight - l.x0 + 1) / (glyphW + 1) // characters
	rs := []rune(oneLineText(title))
	if len(rs) > room {
		if room < 4 {
			return
		}
		rs = append([]rune("..."), rs[len(rs)-(room-3):]...)
	}
	drawText(img, l.x0, plotTitleY, string(rs), pxText)
}

// drawLane draws channel c's lane, the rows [top, bot): background, centre
// line, waveform, label and dB scale.
func (l plotLayout) drawLane(img *image.Paletted, c int, col []wavemap.MinMax, top, bot int) {
	fillRect(img, l.x0, top, l.x1, bot, pxLane)
	mid := (top + bot - 1) / 2
	half := float64(bot-1-top) / 2
	// y maps a sample value onto the lane: +1 at the top, -1 at the
	// bottom.
	y := func(v float64) int {
		return int(math.Round(float64(mid) - v*half))
	}
	// The scale: a dotted line across the lane and a tick in the margin
	// at each level, both polarities; a level that falls on the centre
	// line or on a row already marked is left out.
	type mark struct {
		row int
		db  int
	}
	var marks []mark
	used := map[int]bool{mid: true}
	for _, db := range plotLevels {
		v := math.Pow(10, float64(db)/20)
		for _, row := range []int{y(v), y(-v)} {
			if used[row] || row < top || row >= bot {
				continue
			}
			used[row] = true
			marks = append(marks, mark{row, db})
			for x := l.x0 - plotTick; x < l.x0; x++ {
				img.SetColorIndex(x, row, pxScale)
			}
			if db != 0 {
				for x := l.x0; x < l.x1; x += 3 {
					img.SetColorIndex(x, row, pxGrid)
				}
			}
		}
	}
	hline(img, l.x0, l.x1, mid, pxGrid)
	for k, mm := range col {
		x := l.x0 + k
		if x >= l.x1 {
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
	// Text is centred on its row, kept inside the lane, and drawn only
	// where it has room: nothing overlaps.
	textRow := func(row int) int {
		return max(top, min(row-glyphH/2, bot-glyphH))
	}
	if c < len(l.labels) {
		drawText(img, 2, textRow(mid), l.labels[c], pxText)
	}
	if !l.scale || bot-top < glyphH {
		return
	}
	right := l.x0 - plotTick - 2 // last column of the scale's labels
	var placed []box
next:
	for _, m := range marks {
		s := strconv.Itoa(m.db)
		b := box{right - inkWidth(s) + 1, textRow(m.row), right + 1, textRow(m.row) + glyphH}
		for _, p := range placed {
			if b.near(p, 1) {
				continue next
			}
		}
		placed = append(placed, b)
		drawText(img, b.x0, b.y0, s, pxScale)
	}
}

// drawTimeAxis draws the axis line under the lanes, with ticks and
// labels at round times from start to end seconds. Every label is inside
// the picture; one that would come near the one before is left out,
// except the last, which makes room for itself: the end of the axis is
// always labelled.
func (l plotLayout) drawTimeAxis(img *image.Paletted, start, end float64) {
	y, x0, x1 := l.y1, l.x0, l.x1
	hline(img, x0, x1, y, pxText)
	dur := end - start
	if dur <= 0 {
		drawText(img, x0, y+7, timeLabel(start, 1, end), pxText)
		return
	}
	w := float64(x1 - x0)
	step := niceStep(dur * 90 / w) // labels about 90 pixels apart or more
	type label struct {
		x int
		s string
	}
	var labels []label
	// max(0, ...) also turns -0 into 0, which would print as "-0".
	for k := max(0, math.Ceil(start/step-1e-9)); ; k++ {
		t := k * step
		if t > end+step*1e-9 {
			break
		}
		x := x0 + int(math.Round((t-start)/dur*(w-1)))
		x = max(x0, min(x, x1-1))
		for yy := y; yy < y+4; yy++ {
			img.SetColorIndex(x, yy, pxText)
		}
		s := timeLabel(t, step, end)
		lx := max(1, min(x-inkWidth(s)/2, l.width-1-inkWidth(s)))
		labels = append(labels, label{lx, s})
	}
	const gap = 2 * (glyphW + 1) // between labels
	var kept []label
	for i, lb := range labels {
		near := func() bool {
			p := kept[len(kept)-1]
			return lb.x < p.x+inkWidth(p.s)+gap
		}
		if len(kept) > 0 && near() {
			if i < len(labels)-1 {
				continue
			}
			for len(kept) > 0 && near() {
				kept = kept[:len(kept)-1]
			}
		}
		kept = append(kept, lb)
	}
	for _, lb := range kept {
		drawText(img, lb.x, y+7, lb.s, pxText)
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

// timeLabel formats t seconds for an axis of the given step that ends at
// end seconds: "1.5s" before a minute, "m:ss" or "h:mm:ss" after, with
// as many decimals as the step needs.
func timeLabel(t, step, end float64) string {
	prec := 0
	if step < 1 {
		prec = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	if end < 60 {
		return strconv.FormatFloat(t, 'f', prec, 64) + "s"
	}
	unit := int64(math.Pow(10, float64(prec)))
	u := int64(math.Round(t * float64(unit)))
	s, frac := u/unit, u%unit
	dec := ""
	if prec > 0 {
		dec = fmt.Sprintf(".%0*d", prec, frac)
	}
	if end >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d%s", s/3600, s/60%60, s%60, dec)
	}
	return fmt.Sprintf("%d:%02d%s", s/60, s%60, dec)
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
