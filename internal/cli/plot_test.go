package cli

import (
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
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

// lanes finds the channel lanes in column x: the vertical runs of lane or
// waveform pixels.
func lanes(img image.Image, x int) [][2]int {
	var out [][2]int
	in := false
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		inside := isColor(img, x, y, pxLane) || isColor(img, x, y, pxWave) || isColor(img, x, y, pxGrid)
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

// TestPlotSine plots a gen sine and a sox file with a silent second
// channel, and measures the pictures.
func TestPlotSine(t *testing.T) {
	dir := t.TempDir()
	sine := filepath.Join(dir, "sine.wav")
	mustRun(t, "gen", "--type", "s24", "--channels", "2", "--seconds", "2", "--amp", "0.5", sine)
	png1 := filepath.Join(dir, "sine.png")
	r := mustRun(t, "plot", "--json", "--width", "500", "--height", "240", sine, "-o", png1)
	var j struct {
		Width, Height, Channels int
		Frames                  int64
	}
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil || j.Width != 500 || j.Height != 240 || j.Channels != 2 || j.Frames != 96000 {
		t.Errorf("plot --json: %+v %v", j, err)
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
	mustRun(t, "plot", mixed, "-o", png2) // default size
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
				t.Fatalf("lane %d column %d has no waveform", c+1, x)
			}
			columns++
			if n != last-first+1 {
				t.Errorf("lane %d column %d: broken vertical line (%d pixels over %d rows)", c+1, x, n, last-first+1)
			}
			// Allow a pixel of rounding at each end.
			if d := mid - float64(first); d < want-1.5 || d > want+1.5 {
				t.Fatalf("lane %d column %d: wave reaches %.1f px above the middle, want %.1f", c+1, x, d, want)
			}
			if d := float64(last) - mid; d < want-1.5 || d > want+1.5 {
				t.Fatalf("lane %d column %d: wave reaches %.1f px below the middle, want %.1f", c+1, x, d, want)
			}
		}
		if columns < w*3/4 {
			t.Errorf("lane %d: waveform in %d of %d columns", c+1, columns, w)
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

func TestPlotBadInput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.png")
	for _, b := range badInputs(t) {
		checkRefused(t, b, "plot", "@", "-o", out)
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%s: plot left %s behind", b.what, out)
			os.Remove(out)
		}
	}
	in := filepath.Join(dir, "in.wav")
	mustRun(t, "gen", "--frames", "1000", in)
	checkRefused(t, badInput{"output is the input", in, true}, "plot", in, "-o", in)
	checkRefused(t, badInput{"output in a missing directory", filepath.Join(dir, "no", "out.png"), false}, "plot", in, "-o", "@")
	many := filepath.Join(dir, "many.wav")
	mustRun(t, "gen", "--channels", "40", "--frames", "100", many)
	for _, args := range [][]string{
		{"plot", in},                                 // no -o
		{"plot", in, "-o", out, "--width", "20"},     // too narrow
		{"plot", in, "-o", out, "--height", "0"},     // too low
		{"plot", in, "-o", out, "--width", "100000"}, // too wide
		{"plot", many, "-o", out, "--height", "100"}, // lanes too thin
		{"plot", in, in, "-o", out},                  // two inputs
	} {
		if r := runCLI(t, args...); r.code != 2 {
			t.Errorf("%q: exit %d, want 2 (%s)", args, r.code, r.stderr)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("usage errors left %s behind", out)
	}
	if r := runCLI(t, "plot", "-h"); r.code != 0 || !strings.Contains(r.stdout, "example:") {
		t.Errorf("plot -h: exit %d, %q", r.code, r.stderr)
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
		t, step, dur float64
		want         string
	}{{1.5, 0.5, 3, "1.5s"}, {0.25, 0.05, 1, "0.25s"}, {20, 10, 59, "20s"}, {90, 30, 600, "1:30"}, {3600, 1800, 7200, "1:00:00"}} {
		if got := timeLabel(c.t, c.step, c.dur); got != c.want {
			t.Errorf("timeLabel(%v, %v, %v) = %q, want %q", c.t, c.step, c.dur, got, c.want)
		}
	}
	for r, g := range glyphs {
		if len(g) != glyphW*glyphH || strings.Trim(g, ".#") != "" {
			t.Errorf("glyph %q is malformed", r)
		}
	}
	for _, r := range "0123456789:.-+sch" {
		if _, ok := glyphs[r]; !ok {
			t.Errorf("no glyph for %q", r)
		}
	}
}
