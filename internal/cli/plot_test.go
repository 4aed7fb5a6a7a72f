package cli

import (
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wavemap/wavemap/internal/wavtest"
)

func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s does not decode as PNG: %v", path, err)
	}
	return img
}

func isColor(img image.Image, x, y, idx int) bool {
	r, g, b, a := img.At(x, y).RGBA()
	r2, g2, b2, a2 := plotPalette[idx].RGBA()
	return r == r2 && g == g2 && b == b2 && a == a2
}

// inLane reports whether (x, y) has a colour drawn inside a lane.
func inLane(img image.Image, x, y int) bool {
	return isColor(img, x, y, pxLane) || isColor(img, x, y, pxWave) || isColor(img, x, y, pxGrid)
}

// lanes finds the channel lanes in column x: the vertical runs of lane or
// waveform pixels.
func lanes(img image.Image, x int) [][2]int {
	var out [][2]int
	in := false
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		inside := inLane(img, x, y)
		switch {
		case inside && !in:
			out = append(out, [2]int{y, y})
		case !inside && in:
			out[len(out)-1][1] = y
		}
		in = inside
	}
	return out
}

// plotArea returns the columns [x0, x1) of the plot area, found on row y
// (a row inside a lane).
func plotArea(t *testing.T, img image.Image, y int) (x0, x1 int) {
	t.Helper()
	x0, x1 = -1, -1
	for x := 0; x < img.Bounds().Dx(); x++ {
		if inLane(img, x, y) {
			if x0 < 0 {
				x0 = x
			}
			x1 = x + 1
		}
	}
	if x0 < 0 {
		t.Fatalf("no lane on row %d", y)
	}
	return x0, x1
}

// waveSpan returns the first and last row of waveform pixels in column x
// between rows top and bot, and how many there are.
func waveSpan(img image.Image, x, top, bot int) (first, last, n int) {
	first, last = -1, -1
	for y := top; y < bot; y++ {
		if isColor(img, x, y, pxWave) {
			if first < 0 {
				first = y
			}
			last = y
			n++
		}
	}
	return first, last, n
}

// ink returns the pixels of colour idx inside r, cut to their bounding
// box bb, as rows of '#' and '.' (nil and an empty box if there are none).
func ink(img image.Image, r image.Rectangle, idx int) (rows []string, bb image.Rectangle) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if isColor(img, x, y, idx) {
				bb = bb.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	for y := bb.Min.Y; y < bb.Max.Y; y++ {
		var row strings.Builder
		for x := bb.Min.X; x < bb.Max.X; x++ {
			row.WriteByte(".#"[b2i(isColor(img, x, y, idx))])
		}
		rows = append(rows, row.String())
	}
	return rows, bb
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// rendered is what drawText draws for s, cut to its bounding box as ink
// returns it.
func rendered(s string) []string {
	img := image.NewPaletted(image.Rect(0, 0, textWidth(s)+1, glyphH), plotPalette)
	drawText(img, 0, 0, s, pxText)
	rows, _ := ink(img, img.Bounds(), pxText)
	return rows
}

// inkGroups splits the pixels of colour idx inside r into groups
// separated by at least gap empty columns (vertical is false) or rows
// (vertical is true), each cut to its bounding box.
func inkGroups(img image.Image, r image.Rectangle, idx, gap int, vertical bool) (groups [][]string, boxes []image.Rectangle) {
	lo, hi := r.Min.X, r.Max.X
	if vertical {
		lo, hi = r.Min.Y, r.Max.Y
	}
	has := func(i int) bool {
		band := image.Rect(i, r.Min.Y, i+1, r.Max.Y)
		if vertical {
			band = image.Rect(r.Min.X, i, r.Max.X, i+1)
		}
		rows, _ := ink(img, band, idx)
		return rows != nil
	}
	start, empty := -1, 0
	flush := func(end int) {
		band := image.Rect(start, r.Min.Y, end, r.Max.Y)
		if vertical {
			band = image.Rect(r.Min.X, start, r.Max.X, end)
		}
		rows, bb := ink(img, band, idx)
		groups, boxes = append(groups, rows), append(boxes, bb)
		start = -1
	}
	for i := lo; i < hi; i++ {
		switch {
		case has(i):
			if start < 0 {
				start = i
			}
			empty = 0
		case start >= 0:
			if empty++; empty >= gap {
				flush(i)
			}
		}
	}
	if start >= 0 {
		flush(hi)
	}
	return groups, boxes
}

// timeLabels returns the time axis labels of img as ink, left to right,
// with their boxes. Within a label no more than four columns are empty;
// labels are further apart.
func timeLabels(img image.Image) ([][]string, []image.Rectangle) {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	y := h - plotBottom + 7
	return inkGroups(img, image.Rect(0, y, w, y+glyphH), pxText, 5, false)
}

// wantTimeLabels lists the labels the axis of a plot area w pixels wide
// has room for, from start to end seconds: every round time.
func wantTimeLabels(start, end float64, w int) []string {
	step := niceStep((end - start) * 90 / float64(w))
	var out []string
	for k := max(0, math.Ceil(start/step-1e-9)); k*step <= end+step*1e-9; k++ {
		out = append(out, timeLabel(k*step, step, end))
	}
	return out
}

// writeS16 writes a WAVE file with the fmt chunk payload fmtChunk and the
// interleaved s16 samples v.
func writeS16(t *testing.T, path string, fmtChunk []byte, v []int16) {
	t.Helper()
	b := wavtest.RIFF(wavtest.Chunk("fmt ", fmtChunk), wavtest.Chunk("data", wavtest.S16(v...)))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// sines returns frames of a sine per channel at half scale.
func sines(channels, frames int) []int16 {
	v := make([]int16, channels*frames)
	for i := range v {
		c := i % channels
		v[i] = int16(16384 * math.Sin(float64(i/channels)*float64(c+1)*0.05))
	}
	return v
}

// TestPlotSine plots a gen sine and a sox file with a silent second
// channel, and measures the pictures.
func TestPlotSine(t *testing.T) {
	dir := t.TempDir()
	sine := filepath.Join(dir, "sine.wav")
	mustRun(t, "gen", "--type", "s24", "--channels", "2", "--seconds", "2", "--amp", "0.5", sine)
	png1 := filepath.Join(dir, "sine.png")
	r := mustRun(t, "plot", "--json", "--width", "500", "--height", "240", sine, png1)
	var j struct {
		Command, File string
		Frames        int64
		Format        struct{ Channels int }
		Range         struct {
			FromFrame int64 `json:"from_frame"`
			ToFrame   int64 `json:"to_frame"`
			Clamped   bool
		}
		Output struct {
			File   string
			Width  int `json:"width_px"`
			Height int `json:"height_px"`
			Bytes  int64
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
		t.Fatalf("plot --json: %v\n%s", err, r.stdout)
	}
	st, err := os.Stat(png1)
	if err != nil {
		t.Fatal(err)
	}
	if j.Command != "plot" || j.File != sine || j.Frames != 96000 || j.Format.Channels != 2 ||
		j.Range.FromFrame != 0 || j.Range.ToFrame != 96000 || j.Range.Clamped ||
		j.Output.File != png1 || j.Output.Width != 500 || j.Output.Height != 240 || j.Output.Bytes != st.Size() {
		t.Errorf("plot --json: %+v (file of %d bytes)\n%s", j, st.Size(), r.stdout)
	}
	img := decodePNG(t, png1)
	if b := img.Bounds(); b.Dx() != 500 || b.Dy() != 240 {
		t.Fatalf("picture is %v, want 500x240", b)
	}
	checkLanes(t, img, []float64{0.5, 0.5})

	// sox: a louder sine on channel 1 (a period shorter than a column),
	// silence on channel 2.
	wavtest.Need(t, "sox")
	mixed := filepath.Join(dir, "mixed.wav")
	wavtest.Run(t, "sox", "-D", "-r", "8000", "-n", "-b", "16", mixed, "synth", "3", "sine", "1000", "vol", "0.8", "remix", "1", "0")
	png2 := filepath.Join(dir, "mixed.png")
	mustRun(t, "plot", mixed, png2) // default size
	img = decodePNG(t, png2)
	if b := img.Bounds(); b.Dx() != 1600 || b.Dy() != 400 {
		t.Fatalf("default picture is %v, want 1600x400", b)
	}
	checkLanes(t, img, []float64{0.8, 0})
}

// checkLanes checks that img has one lane per channel, with the
// waveform of a steady sine of the given peak in each lane: spanning
// peak times the lane's half height either side of its middle, in every
// column of the plot area.
func checkLanes(t *testing.T, img image.Image, peaks []float64) {
	t.Helper()
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	ls := lanes(img, w/2)
	if len(ls) != len(peaks) {
		t.Fatalf("%d lanes at x=%d, want %d: %v", len(ls), w/2, len(peaks), ls)
	}
	for c, l := range ls {
		top, bot := l[0], l[1]
		half := float64(bot-1-top) / 2
		mid := float64(top+bot-1) / 2
		want := peaks[c] * half
		columns := 0
		for x := 0; x < w; x++ {
			if !isColor(img, x, top, pxLane) && !isColor(img, x, top, pxWave) {
				continue // outside the plot area
			}
			first, last, n := waveSpan(img, x, top, bot)
			if n == 0 {
				t.Fatalf("lane %d column %d has no waveform", c, x)
			}
			columns++
			if n != last-first+1 {
				t.Errorf("lane %d column %d: broken vertical line (%d pixels over %d rows)", c, x, n, last-first+1)
			}
			// Allow a pixel of rounding at each end.
			if d := mid - float64(first); d < want-1.5 || d > want+1.5 {
				t.Fatalf("lane %d column %d: wave reaches %.1f px above the middle, want %.1f", c, x, d, want)
			}
			if d := float64(last) - mid; d < want-1.5 || d > want+1.5 {
				t.Fatalf("lane %d column %d: wave reaches %.1f px below the middle, want %.1f", c, x, d, want)
			}
		}
		if columns < w*3/4 {
			t.Errorf("lane %d: waveform in %d of %d columns", c, columns, w)
		}
	}
	// The time axis is labelled: text below the last lane.
	text := 0
	for y := ls[len(ls)-1][1] + 2; y < h; y++ {
		for x := 0; x < w; x++ {
			if isColor(img, x, y, pxText) {
				text++
			}
		}
	}
	if text < 100 {
		t.Errorf("only %d text pixels under the lanes: no time axis labels", text)
	}
}

// TestPlotLaneLabels plots a 6-channel file with a 5.1 channel mask and
// the same samples without a mask: the lanes are labelled "0 FL" ...
// "5 BR" in the first picture and "0" ... "5" in the second, each label
// left of its lane and centred on it, pixel for pixel as drawText draws
// it.
func TestPlotLaneLabels(t *testing.T) {
	dir := t.TempDir()
	v := sines(6, 4000)
	for _, tc := range []struct {
		name     string
		fmtChunk []byte
		want     []string
	}{
		{"51.wav", wavtest.FmtExtensible(6, 8000, 16, 12, 16, 0x3F, wavtest.SubFormat(1)),
			[]string{"0 FL", "1 FR", "2 FC", "3 LFE", "4 BL", "5 BR"}},
		{"nomask.wav", wavtest.FmtPCM(1, 6, 8000, 16, 12), []string{"0", "1", "2", "3", "4", "5"}},
	} {
		in, out := filepath.Join(dir, tc.name), filepath.Join(dir, tc.name+".png")
		writeS16(t, in, tc.fmtChunk, v)
		mustRun(t, "plot", "--width", "800", "--height", "600", in, out)
		img := decodePNG(t, out)
		ls := lanes(img, 400)
		if len(ls) != 6 {
			t.Fatalf("%s: %d lanes, want 6: %v", tc.name, len(ls), ls)
		}
		x0, _ := plotArea(t, img, ls[0][0])
		for c, l := range ls {
			top, bot := l[0], l[1]
			got, bb := ink(img, image.Rect(0, top, x0, bot), pxText)
			if want := rendered(tc.want[c]); !slices.Equal(got, want) {
				t.Errorf("%s: lane %d's label:\n%s\nwant %q:\n%s", tc.name, c, strings.Join(got, "\n"), tc.want[c], strings.Join(want, "\n"))
				continue
			}
			if mid := (top + bot - 1) / 2; bb.Min.Y > mid-glyphH/2+1 || bb.Max.Y < mid+glyphH/2 {
				t.Errorf("%s: lane %d (rows %d to %d): label on rows %d to %d, not centred", tc.name, c, top, bot, bb.Min.Y, bb.Max.Y)
			}
			if bb.Min.X > 3 {
				t.Errorf("%s: lane %d: label starts at column %d, want the left edge", tc.name, c, bb.Min.X)
			}
		}
	}
}

// TestPlotDBScale checks the dB scale's ticks against 20*log10 of the
// linear positions they mark, and its labels; in thin lanes labels are
// left out rather than run together.
func TestPlotDBScale(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "mono.wav")
	writeS16(t, in, wavtest.FmtPCM(1, 1, 8000, 16, 2), sines(1, 8000))
	for _, tc := range []struct {
		height   int
		channels int
	}{{400, 1}, {600, 1}, {140, 6}, {300, 6}} {
		name := in
		if tc.channels > 1 {
			name = filepath.Join(dir, fmt.Sprintf("six%d.wav", tc.height))
			writeS16(t, name, wavtest.FmtPCM(1, 6, 8000, 16, 12), sines(6, 8000))
		}
		out := filepath.Join(dir, fmt.Sprintf("scale%d.png", tc.height))
		mustRun(t, "plot", "--width", "600", "--height", strconv.Itoa(tc.height), name, out)
		img := decodePNG(t, out)
		ls := lanes(img, 300)
		if len(ls) != tc.channels {
			t.Fatalf("%d lanes, want %d", len(ls), tc.channels)
		}
		x0, _ := plotArea(t, img, ls[0][0])
		for c, l := range ls {
			top, bot := l[0], l[1]
			mid := float64((top + bot - 1) / 2)
			half := float64(bot-1-top) / 2
			what := fmt.Sprintf("height %d lane %d (rows %d to %d)", tc.height, c, top, bot)
			// Ticks: rows of scale colour just left of the lane.
			var ticks []int
			for y := top - 2; y < bot+2; y++ {
				if isColor(img, x0-1, y, pxScale) && isColor(img, x0-plotTick, y, pxScale) {
					ticks = append(ticks, y)
				}
			}
			count := map[[2]int]int{} // level, above the centre
			for _, y := range ticks {
				d := math.Abs(mid - float64(y)) // pixels from the centre
				// The level of the row's centre and of its edges: the
				// tick's level must be in that span.
				lo, hi := 20*math.Log10((d-0.5)/half), 20*math.Log10((d+0.5)/half)
				level := math.NaN()
				for _, db := range plotLevels {
					if float64(db) >= lo-1e-9 && float64(db) <= hi+1e-9 {
						level = float64(db)
					}
				}
				if math.IsNaN(level) {
					t.Errorf("%s: tick on row %d, %.0f px from the centre, is at %.1f to %.1f dBFS: no level of the scale", what, y, d, lo, hi)
					continue
				}
				count[[2]int{int(level), b2i(float64(y) < mid)}]++
			}
			if tc.height >= 300 && len(ticks) != 2*len(plotLevels) {
				t.Errorf("%s: ticks on rows %v, want one above and one below the centre for each of %v dBFS", what, ticks, plotLevels)
			}
			for k, n := range count {
				if n != 1 {
					t.Errorf("%s: %d ticks for level %d (above the centre: %d)", what, n, k[0], k[1])
				}
			}
			// Labels: groups of scale-coloured text left of the ticks,
			// top to bottom, each a level's number as drawText draws it.
			groups, boxes := inkGroups(img, image.Rect(0, top, x0-plotTick, bot), pxScale, 1, true)
			var got []string
			for i, g := range groups {
				s := "?"
				for _, db := range plotLevels {
					if slices.Equal(g, rendered(strconv.Itoa(db))) {
						s = strconv.Itoa(db)
					}
				}
				if s == "?" {
					t.Errorf("%s: label at %v is no level's number:\n%s", what, boxes[i], strings.Join(g, "\n"))
				}
				got = append(got, s)
			}
			if tc.height >= 300 && tc.channels == 1 {
				if want := []string{"0", "-6", "-20", "-20", "-6", "0"}; !slices.Equal(got, want) {
					t.Errorf("%s: labels %q, want %q", what, got, want)
				}
			}
			if len(got) == 0 {
				t.Errorf("%s: no scale label at all", what)
			}
		}
	}
}

// TestPlotWindow plots a window of a signal that is silent for its first
// second and a full-scale square wave for the second: a window over the
// second second is waveform in every pixel of the lane, one over the
// first is the centre line only, and the time axis gives the file's
// times.
func TestPlotWindow(t *testing.T) {
	dir := t.TempDir()
	v := make([]int16, 16000)
	for i := 8000; i < len(v); i++ {
		v[i] = 32767
		if i/20%2 == 1 {
			v[i] = -32768
		}
	}
	in := filepath.Join(dir, "half.wav")
	writeS16(t, in, wavtest.FmtPCM(1, 1, 8000, 16, 2), v)
	for _, tc := range []struct {
		from, to string
		loud     bool
	}{{"1", "2", true}, {"8000s", "", true}, {"0:01.000", "2.0", true}, {"0", "1", false}, {"0.25", "0.75", false}} {
		out := filepath.Join(dir, "w.png")
		args := []string{"plot", "--json", "--width", "400", "--height", "200", "--from", tc.from, in, out}
		if tc.to != "" {
			args = append(args, "--to", tc.to)
		}
		r := mustRun(t, args...)
		var j struct {
			Range struct {
				FromFrame   int64   `json:"from_frame"`
				ToFrame     int64   `json:"to_frame"`
				FromSeconds float64 `json:"from_seconds"`
				ToSeconds   float64 `json:"to_seconds"`
			}
		}
		if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
			t.Fatal(err)
		}
		img := decodePNG(t, out)
		ls := lanes(img, 200)
		if len(ls) != 1 {
			t.Fatalf("%v: %d lanes", args, len(ls))
		}
		top, bot := ls[0][0], ls[0][1]
		mid := (top + bot - 1) / 2
		x0, x1 := plotArea(t, img, top)
		for x := x0; x < x1; x++ {
			for y := top; y < bot; y++ {
				wave := isColor(img, x, y, pxWave)
				if want := tc.loud || y == mid; wave != want {
					t.Fatalf("--from %s --to %s: pixel (%d, %d) of the lane (columns %d to %d, rows %d to %d) is waveform: %v, want %v",
						tc.from, tc.to, x, y, x0, x1, top, bot, wave, want)
				}
			}
		}
		// The axis gives the window's times in the file.
		start, end := j.Range.FromSeconds, j.Range.ToSeconds
		if j.Range.FromFrame != int64(start*8000) || j.Range.ToFrame != int64(end*8000) {
			t.Errorf("range %+v", j.Range)
		}
		want := wantTimeLabels(start, end, x1-x0)
		got, _ := timeLabels(img)
		if len(got) < 2 || !slices.Equal(got[0], rendered(want[0])) || !slices.Equal(got[len(got)-1], rendered(want[len(want)-1])) {
			t.Errorf("--from %s --to %s: time labels do not run from %q to %q", tc.from, tc.to, want[0], want[len(want)-1])
		}
	}
}

// TestPlotOutputFormat: PNG is the only format written, and another
// extension is a usage error found before anything is read or written.
func TestPlotOutputFormat(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.wav")
	mustRun(t, "gen", "--frames", "1000", in)
	for _, out := range []string{"out.jpg", "out.svg", "out", "out.png.gz", "out.jpeg"} {
		for _, src := range []string{in, filepath.Join(dir, "missing.wav")} {
			path := filepath.Join(dir, out)
			r := runCLI(t, "plot", src, path)
			if r.code != 2 || !strings.Contains(r.stderr, "PNG only") || !strings.Contains(r.stderr, path) {
				t.Errorf("plot %s %s: exit %d, %q; want a usage error naming the file and PNG", src, out, r.code, r.stderr)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("plot to %s wrote a file", out)
			}
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("the refused plots left files behind: %v", ents)
	}
	up := filepath.Join(dir, "UP.PNG")
	mustRun(t, "plot", in, up)
	decodePNG(t, up)
}

// TestPlotClampsTo: a --to past the end stops at the end, with a warning;
// a window that selects nothing is a usage error.
func TestPlotClampsTo(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.wav")
	writeS16(t, in, wavtest.FmtPCM(1, 1, 8000, 16, 2), sines(1, 16000))
	out := filepath.Join(dir, "out.png")
	r := mustRun(t, "plot", "--json", "--from", "1", "--to", "5", in, out)
	want := fmt.Sprintf("wavemap plot: %s: warning: --to frame 40000 (5.000 s) is past the end (frame 16000 (2.000 s)): stopping at the end\n", in)
	if r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
	var j struct {
		Range struct {
			FromFrame int64 `json:"from_frame"`
			ToFrame   int64 `json:"to_frame"`
			Clamped   bool
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil || j.Range.FromFrame != 8000 || j.Range.ToFrame != 16000 || !j.Range.Clamped {
		t.Errorf("range %+v %v", j.Range, err)
	}
	if r := mustRun(t, "plot", "-q", "--to", "99", in, out); r.stderr != "" {
		t.Errorf("-q: stderr %q", r.stderr)
	}
	os.Remove(out)
	for _, args := range [][]string{
		{"--from", "3"},                  // past the end
		{"--from", "1", "--to", "1"},     // empty
		{"--from", "1.5", "--to", "0.5"}, // backwards
		{"--from", "2"},                  // at the end: empty
		{"--from", "-1"},                 // not a time
		{"--to", "1:99"},                 // not a time
	} {
		r := runCLI(t, append(append([]string{"plot"}, args...), in, out)...)
		if r.code != 2 || strings.Count(r.stderr, "\n") != 2 {
			t.Errorf("%q: exit %d, %q; want a usage error", args, r.code, r.stderr)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%q wrote %s", args, out)
		}
	}
	// A bad time is found before the input is read.
	if r := runCLI(t, "plot", "--from", "soon", filepath.Join(dir, "missing.wav"), out); r.code != 2 {
		t.Errorf("bad time with a missing input: exit %d, want 2", r.code)
	}
}

// TestPlotLastLabelInside checks the time axis labels: the first and the
// last round time are labelled, every label is drawn whole (pixel for
// pixel as drawText draws it) and inside the picture, in order, and no
// two labels touch.
func TestPlotLastLabelInside(t *testing.T) {
	dir := t.TempDir()
	short := filepath.Join(dir, "short.wav")
	mustRun(t, "gen", "--channels", "1", "--seconds", "2", short)
	minute := filepath.Join(dir, "minute.wav")
	mustRun(t, "gen", "--channels", "1", "--rate", "1000", "--seconds", "61", minute)
	hour := filepath.Join(dir, "hour.wav")
	mustRun(t, "gen", "--channels", "1", "--rate", "200", "--seconds", "3700", "--signal", "silence", hour)
	for _, tc := range []struct {
		in         string
		width      int
		from, to   string
		start, end float64
	}{
		{short, 500, "0", "", 0, 2},
		{short, 1600, "0", "", 0, 2},
		{short, 301, "0", "", 0, 2},
		{short, 777, "0.3", "1.7", 0.3, 1.7},
		{short, 64, "0", "", 0, 2},
		{minute, 450, "0", "", 0, 61},
		{minute, 1000, "59.5", "", 59.5, 61},
		{hour, 640, "0", "", 0, 3700},
		{hour, 900, "3599", "3601", 3599, 3601},
	} {
		out := filepath.Join(dir, "axis.png")
		args := []string{"plot", "--width", strconv.Itoa(tc.width), "--height", "120", "--from", tc.from, tc.in, out}
		if tc.to != "" {
			args = append(args, "--to", tc.to)
		}
		mustRun(t, args...)
		img := decodePNG(t, out)
		ls := lanes(img, tc.width/2)
		x0, x1 := plotArea(t, img, ls[0][0])
		want := wantTimeLabels(tc.start, tc.end, x1-x0)
		got, boxes := timeLabels(img)
		what := fmt.Sprintf("%s %d px [%s, %s]", filepath.Base(tc.in), tc.width, tc.from, tc.to)
		if len(got) == 0 {
			t.Errorf("%s: no time labels", what)
			continue
		}
		var names []string
		i := 0
		for k, g := range got {
			for i < len(want) && !slices.Equal(g, rendered(want[i])) {
				i++
			}
			if i == len(want) {
				t.Errorf("%s: label %d (%v) is not a whole label of %q, in order:\n%s", what, k, boxes[k], want, strings.Join(g, "\n"))
				break
			}
			names = append(names, want[i])
			if b := boxes[k]; b.Min.X < 1 || b.Max.X > tc.width-1 {
				t.Errorf("%s: label %q on columns %d to %d, not inside the picture of %d", what, want[i], b.Min.X, b.Max.X, tc.width)
			}
		}
		if len(names) == 0 || names[0] != want[0] || names[len(names)-1] != want[len(want)-1] {
			t.Errorf("%s: labels %q, want the first and last of %q", what, names, want)
		}
	}
}

// TestPlotLastLabelMakesRoom draws an axis whose last label, pushed left
// to stay inside the picture, would run into the one before: the last
// stays, the one before goes.
func TestPlotLastLabelMakesRoom(t *testing.T) {
	const width = 370
	l := plotLayout{width: width, height: plotBottom + 10, x0: 10, x1: width, y1: 10}
	img := image.NewPaletted(image.Rect(0, 0, l.width, l.height), plotPalette)
	l.drawTimeAxis(img, 3599, 3601) // ticks 90 px apart, labels 53 px wide
	got, boxes := timeLabels(img)
	var names []string
	for _, g := range got {
		for _, s := range []string{"0:59:59.0", "0:59:59.5", "1:00:00.0", "1:00:00.5", "1:00:01.0"} {
			if slices.Equal(g, rendered(s)) {
				names = append(names, s)
			}
		}
	}
	if want := []string{"0:59:59.0", "0:59:59.5", "1:00:00.0", "1:00:01.0"}; !slices.Equal(names, want) || len(got) != len(want) {
		t.Errorf("labels %q at %v, want %q", names, boxes, want)
	}
	if b := boxes[len(boxes)-1]; b.Max.X > width-1 {
		t.Errorf("last label ends at column %d of %d", b.Max.X, width)
	}
}

func TestPlotBadInput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.png")
	for _, b := range badInputs(t) {
		checkRefused(t, b, "plot", "@", out)
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%s: plot left %s behind", b.what, out)
			os.Remove(out)
		}
	}
	in := filepath.Join(dir, "in.wav")
	mustRun(t, "gen", "--frames", "1000", in)
	// A WAVE file named .png, so that only the identity of the files is
	// wrong.
	inPNG := filepath.Join(dir, "wave.png")
	mustRun(t, "gen", "--frames", "1000", inPNG)
	checkRefused(t, badInput{"output is the input", inPNG, true}, "plot", inPNG, inPNG)
	checkRefused(t, badInput{"output in a missing directory", filepath.Join(dir, "no", "out.png"), false}, "plot", in, "@")
	many := filepath.Join(dir, "many.wav")
	mustRun(t, "gen", "--channels", "40", "--frames", "100", many)
	for _, args := range [][]string{
		{"plot", in},                                               // no output
		{"plot", in, "-o", out},                                    // -o is gone
		{"plot", in, out, "--width", "20"},                         // too narrow
		{"plot", in, out, "--height", "0"},                         // too low
		{"plot", in, out, "--width", "100000"},                     // too wide
		{"plot", in, out, "--width", "30000", "--height", "30000"}, // too many pixels
		{"plot", in, out, "--width", "wide"},                       // not a number
		{"plot", many, out, "--height", "100"},                     // lanes too thin
		{"plot", in, in, out},                                      // two inputs
		{"plot", in, "-"},                                          // standard output
	} {
		if r := runCLI(t, args...); r.code != 2 {
			t.Errorf("%q: exit %d, want 2 (%s)", args, r.code, r.stderr)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("usage errors left %s behind", out)
	}
	if r := runCLI(t, "plot", "-h"); r.code != 0 || !strings.Contains(r.stdout, "example") || !strings.Contains(r.stdout, "dBFS") {
		t.Errorf("plot -h: exit %d, %q", r.code, r.stdout)
	}
}

func TestPlotAxisLabels(t *testing.T) {
	for _, c := range []struct {
		least, step float64
	}{{0.37, 0.5}, {0.0009, 0.001}, {1, 1}, {3.1, 5}, {7, 10}, {29, 30}, {45, 60}, {61, 120}, {4000, 7200}, {200000, 3 * 86400}} {
		if got := niceStep(c.least); got != c.step {
			t.Errorf("niceStep(%v) = %v, want %v", c.least, got, c.step)
		}
	}
	for _, c := range []struct {
		t, step, end float64
		want         string
	}{
		{1.5, 0.5, 3, "1.5s"}, {0.25, 0.05, 1, "0.25s"}, {20, 10, 59, "20s"}, {90, 30, 600, "1:30"},
		{3600, 1800, 7200, "1:00:00"}, {60.5, 0.5, 61, "1:00.5"}, {3600.05, 0.05, 3601, "1:00:00.05"}, {59.95, 0.05, 61, "0:59.95"},
	} {
		if got := timeLabel(c.t, c.step, c.end); got != c.want {
			t.Errorf("timeLabel(%v, %v, %v) = %q, want %q", c.t, c.step, c.end, got, c.want)
		}
	}
}

// TestPlotFont checks the glyph table: every entry well formed, every
// character the labels and common file names use present, no two glyphs
// alike.
func TestPlotFont(t *testing.T) {
	for r, s := range glyphRows {
		if _, ok := parseGlyph(s); !ok {
			t.Errorf("glyph %q is malformed: %q", r, s)
		}
	}
	for r := rune(' '); r <= '~'; r++ {
		if _, ok := glyphs[r]; !ok {
			t.Errorf("no glyph for %q", r)
		}
	}
	seen := map[glyph]rune{}
	for r, g := range glyphs {
		if o, ok := seen[g]; ok {
			t.Errorf("%q and %q look the same", r, o)
		}
		seen[g] = r
	}
	// A character outside the font is drawn as '?'.
	if !slices.Equal(rendered("é"), rendered("?")) {
		t.Error("é is not drawn as ?")
	}
}

// TestPlotTitle: the file name is drawn at the top, as drawText draws
// it, or its end after "..." when it is too long for the line.
func TestPlotTitle(t *testing.T) {
	dir := t.TempDir()
	long := filepath.Join(dir, strings.Repeat("a_very-long.name ", 6)+"end.wav")
	for _, in := range []string{filepath.Join(dir, "Take_01-mix.wav"), long} {
		mustRun(t, "gen", "--channels", "1", "--frames", "800", in)
		out := filepath.Join(dir, "t.png")
		mustRun(t, "plot", "--width", "300", "--height", "100", in, out)
		img := decodePNG(t, out)
		ls := lanes(img, 150)
		x0, x1 := plotArea(t, img, ls[0][0])
		got, bb := ink(img, image.Rect(x0, 0, 300, plotTitleY+glyphH), pxText)
		room := (300 - plotRight - x0 + 1) / (glyphW + 1)
		want := in
		if len(in) > room {
			want = "..." + in[len(in)-(room-3):]
		}
		if !slices.Equal(got, rendered(want)) {
			t.Errorf("title of %s:\n%s\nwant %q", in, strings.Join(got, "\n"), want)
		}
		if bb.Max.X > x1 {
			t.Errorf("title reaches column %d, past the plot area's end %d", bb.Max.X, x1)
		}
	}
}
