package serve

// The viewer in a real browser: Debian's chromium, driven over the
// DevTools protocol by chromedp (a test-only dependency: the library and
// the command import neither).

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// findChromium returns the browser to drive, skipping the test when there
// is none (or failing it under WAVEMAP_REQUIRE_TOOLS).
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(wavtest.RequireToolsEnv) != "" {
		t.Fatalf("chromium is required (%s is set) but not found: apt-get install chromium", wavtest.RequireToolsEnv)
	}
	t.Skip("chromium not installed: install it (apt-get install chromium) to run the browser test")
	return ""
}

// The synthetic signal: 2 h at 8 kHz, stereo (FL, FR). Channel 0 is a
// square wave of period 1600 frames (0.2 s) whose amplitude steps every
// 10 minutes through squareAmps; channel 1 a square wave of period 4000
// frames at a quarter of full scale.
const (
	sqRate    = 8000
	sqFrames  = 2 * 3600 * sqRate
	sqPeriod0 = 1600
	sqPeriod1 = 4000
	sqStep    = 600 * sqRate
)

var squareAmps = []int16{9830, 16384, 22938, 29491, 19660, 13107, 6553, 26214, 16384, 32767, 3276, 24576}

func squareSample(i int64, c int) int16 {
	if c == 0 {
		a := squareAmps[int(i/sqStep)%len(squareAmps)]
		if i%sqPeriod0 < sqPeriod0/2 {
			return a
		}
		return -a
	}
	if i%sqPeriod1 < sqPeriod1/2 {
		return 8192
	}
	return -8192
}

// squareRange is the exact minimum and maximum of channel c over the
// frames [a, b), from the signal's definition.
func squareRange(a, b int64, c int) (lo, hi int16) {
	lo, hi = math.MaxInt16, math.MinInt16
	for i := a; i < b; i++ {
		v := squareSample(i, c)
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// pageState is what the test reads back from the page.
type pageState struct {
	Drawn    int      `json:"drawn"`
	Pending  int      `json:"pending"`
	Requests []string `json:"requests"`
	View     struct{ Start, End float64 }
	Last     *struct {
		URL      string `json:"url"`
		Start    int64  `json:"start"`
		End      int64  `json:"end"`
		Px       int    `json:"px"`
		Channels int    `json:"channels"`
		Bits     int    `json:"bits"`
	} `json:"last"`
	Lanes []struct {
		Top, Height, Mid, Half int
	} `json:"lanes"`
	Width  int        `json:"width"`
	Labels []string   `json:"labels"`
	Cols   [][][2]int `json:"cols"` // per lane, per column: the topmost and bottommost waveform pixel, -1 if none
}

// readState reads the viewer's state and scans the detail canvas: for
// each lane and column, the extent of the pixels in the waveform colour.
const readState = `(() => {
  const S = window.wavemap;
  const cv = document.getElementById('detail');
  const img = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
  const [r, g, b] = S.colors.wave;
  const cols = S.lanes.map((lane) => {
    const out = [];
    for (let x = 0; x < cv.width; x++) {
      let top = -1, bottom = -1;
      for (let y = lane.top; y < lane.top + lane.height; y++) {
        const i = (y * cv.width + x) * 4;
        if (img[i] === r && img[i + 1] === g && img[i + 2] === b) {
          if (top < 0) top = y;
          bottom = y;
        }
      }
      out.push([top, bottom]);
    }
    return out;
  });
  const last = S.last && {url: S.last.url, start: S.last.start, end: S.last.end, px: S.last.px, channels: S.last.channels, bits: S.last.bits};
  return JSON.stringify({drawn: S.drawn, pending: S.pending, requests: S.requests, view: S.view, last, lanes: S.lanes,
    width: cv.width, labels: [...document.querySelectorAll('#labels .lane')].map((e) => e.textContent), cols});
})()`

// viewer is the page of the 2-hour square-wave file open in chromium,
// with the server behind it.
type viewer struct {
	t     *testing.T
	ctx   context.Context
	url   string // the test server's
	shots string // the screenshots' folder
	mu    sync.Mutex
	seen  []string                     // every /api/peaks request the server saw, in order
	rect  struct{ X, Y, W, H float64 } // the detail canvas, in CSS pixels
}

// openViewer writes the square-wave file, serves it, loads the page in
// chromium and returns once the first picture (the whole file) is drawn.
// Screenshots go to a temporary folder (WAVEMAP_SCREENSHOTS names one to
// keep them).
func openViewer(t *testing.T) (*viewer, pageState) {
	t.Helper()
	chrome := findChromium(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "two-hours.wav")
	f, err := wavemap.Create(path, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: sqRate, ChannelMask: 3}, sqFrames, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := wavemap.Samples[int16](f)
	for i := range int64(sqFrames) {
		s[2*i], s[2*i+1] = squareSample(i, 0), squareSample(i, 1)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	f, err = wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	h := f.Header()
	var chunks []map[string]any
	for _, c := range h.Chunks {
		chunks = append(chunks, map[string]any{"id": c.ID.String(), "offset": c.Offset, "size": c.Size})
	}
	// The shape of 'wavemap info --json' (internal/cli builds the real one).
	info, _ := json.Marshal(map[string]any{"file": path, "container": h.Container.String(), "encoding": "s16", "format_tag": h.FormatTag,
		"extensible": h.Extensible, "bits": 16, "valid_bits": 16, "channels": 2, "channel_mask": 3, "speakers": []string{"FL", "FR"},
		"sample_rate": sqRate, "frames": sqFrames, "duration_seconds": 7200, "data_offset": h.DataOffset, "data_bytes": 4 * sqFrames,
		"chunks": chunks, "tags": map[string]string{"INAM": "Square waves", "ICMT": "two hours for the browser test"}, "warnings": []string{}})
	srv := New(context.Background(), []File{{Name: path, File: f, Info: info,
		Speakers: []string{"FL", "FR"}}}, &Options{Peaks: &wavemap.PeakIndexOptions{CacheDir: filepath.Join(dir, "cache")}})
	t.Cleanup(func() { srv.Close() })
	v := &viewer{t: t}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/peaks" {
			v.mu.Lock()
			v.seen = append(v.seen, r.URL.RequestURI())
			v.mu.Unlock()
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	v.url = ts.URL

	v.shots = os.Getenv("WAVEMAP_SCREENSHOTS")
	if v.shots == "" {
		v.shots = t.TempDir()
	} else if err := os.MkdirAll(v.shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 900), chromedp.Flag("force-device-scale-factor", "1"), chromedp.UserDataDir(t.TempDir()))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelA)
	ctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(cancelB)
	ctx, cancelT := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(cancelT)
	v.ctx = ctx

	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/")); err != nil {
		t.Fatal(err)
	}
	st := v.settled(0)
	if st.Last.Start != 0 || st.Last.End != sqFrames {
		t.Fatalf("first view: [%d, %d), want the whole file", st.Last.Start, st.Last.End)
	}
	rs, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify((() => { const r = document.getElementById('detail').getBoundingClientRect(); return {x: r.left, y: r.top, w: r.width, h: r.height}; })())`))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(rs), &v.rect); err != nil {
		t.Fatal(err)
	}
	return v, st
}

// settled waits for a detail picture newer than after, drawn from data
// with nothing on the way, and returns the page's state.
func (v *viewer) settled(after int) pageState {
	t := v.t
	t.Helper()
	var st pageState
	for deadline := time.Now().Add(60 * time.Second); ; {
		ok, err := chromedp.Run(v.ctx, chromedp.Evaluate[bool](`(() => { const S = window.wavemap;
			return !!S && S.drawn > `+fmt.Sprint(after)+` && S.pending === 0 && !!S.overview && !!S.last &&
			S.last.start === Math.max(0, Math.floor(S.view.start)) && S.last.end === Math.min(S.frames, Math.ceil(S.view.end)); })()`))
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			msg, _ := chromedp.Run(v.ctx, chromedp.Evaluate[string](`JSON.stringify({error: window.wavemap && window.wavemap.error, drawn: window.wavemap && window.wavemap.drawn})`))
			t.Fatalf("the page did not settle: %s", msg)
		}
		time.Sleep(50 * time.Millisecond)
	}
	js, err := chromedp.Run(v.ctx, chromedp.Evaluate[string](readState))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(js), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// do runs input actions on the page.
func (v *viewer) do(actions ...chromedp.Action[chromedp.Void]) {
	v.t.Helper()
	if err := chromedp.Do(v.ctx, actions...); err != nil {
		v.t.Fatal(err)
	}
}

// at returns the viewport point at fraction fx of the detail canvas's
// width, halfway down, on whole CSS pixels.
func (v *viewer) at(fx float64) (x, y float64) {
	return math.Round(v.rect.X + fx*v.rect.W), math.Round(v.rect.Y + v.rect.H/2)
}

// shoot saves a screenshot and checks that every request the server
// has seen is one for the file's peaks.
func (v *viewer) shoot(name string) {
	t := v.t
	t.Helper()
	// The viewport as it is: a full-page capture resizes it, which
	// the page answers by fetching its pictures again.
	png, err := chromedp.Run(v.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(v.shots, name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", p)
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, u := range v.seen {
		if !strings.HasPrefix(u, "/api/peaks?f=0&start=") {
			t.Errorf("unexpected request %s", u)
		}
	}
}

// check compares the picture with the server and the signal.
func (v *viewer) check(step string, st pageState) {
	t := v.t
	t.Helper()
	l := st.Last
	if l.Px != st.Width || l.Channels != 2 || l.Bits != 16 || len(st.Lanes) != 2 {
		t.Fatalf("%s: drew %d pixels of %d channels on a canvas of %d", step, l.Px, l.Channels, st.Width)
	}
	if strings.Join(st.Labels, " ") != "FL FR" {
		t.Errorf("%s: lane labels %q", step, st.Labels)
	}
	want := fmt.Sprintf("/api/peaks?f=0&start=%d&end=%d&px=%d", l.Start, l.End, l.Px)
	if l.URL != want || st.Requests[len(st.Requests)-1] != want {
		t.Errorf("%s: the page drew %s, asked last for %s; want %s", step, l.URL, st.Requests[len(st.Requests)-1], want)
	}
	// The server must have been asked for the window drawn. Not
	// necessarily last: the browser sends a drag's requests over several
	// connections, so one sent earlier can reach the handler after it.
	v.mu.Lock()
	served := slices.Contains(v.seen, want)
	v.mu.Unlock()
	if !served {
		t.Errorf("%s: the server was never asked for %s", step, want)
	}
	code, _, body := get(t, v.url+want+"&format=json")
	var ans struct{ Data []int16 }
	if err := json.Unmarshal(body, &ans); code != 200 || err != nil || len(ans.Data) != 4*l.Px {
		t.Fatalf("%s: %s: %d %v", step, want, code, err)
	}
	n := l.End - l.Start
	bad := 0
	for c, lane := range st.Lanes {
		for x := range l.Px {
			a := l.Start + int64(x)*n/int64(l.Px)
			b := max(a+1, l.Start+int64(x+1)*n/int64(l.Px))
			lo, hi := ans.Data[(x*2+c)*2], ans.Data[(x*2+c)*2+1]
			if tlo, thi := squareRange(a, b, c); tlo != lo || thi != hi {
				t.Fatalf("%s: channel %d pixel %d (frames %d-%d): the server says [%d, %d], the signal [%d, %d]", step, c, x, a, b, lo, hi, tlo, thi)
			}
			// The page's scale: y = round(mid - v/32768*half), JavaScript's round.
			y := func(v int16) int {
				return int(math.Floor(float64(lane.Mid) - float64(v)/32768*float64(lane.Half) + 0.5))
			}
			got := st.Cols[c][x]
			if got[0] < 0 || abs(got[0]-y(hi)) > 1 || abs(got[1]-y(lo)) > 1 {
				if bad++; bad <= 5 {
					t.Errorf("%s: channel %d column %d: drawn from y=%d to %d, the server's [%d, %d] is y=%d to %d", step, c, x, got[0], got[1], lo, hi, y(hi), y(lo))
				}
			}
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d columns drawn wrong", step, bad)
	}
}

// TestBrowser loads the viewer of a 2-hour file in chromium, zooms in
// three wheel steps around a point, and after each step reads back the
// canvas and the requests: the page asked for exactly one minimum and
// maximum per device pixel of the window it shows, the server's answer
// equals the synthetic signal's true extremes over each pixel, and the
// drawn extents of every column are those values on the lane's scale.
func TestBrowser(t *testing.T) {
	v, st := openViewer(t)
	v.check("whole file", st)
	v.shoot("serve-0-whole.png")

	// The anchor: 37% across, the point that stays put while zooming.
	ax, ay := v.rect.X+0.37*v.rect.W, v.rect.Y+v.rect.H/2
	anchor := 0.37 * sqFrames
	prev := float64(sqFrames)
	requests := len(st.Requests)
	for step := 1; step <= 3; step++ {
		v.do(wheel(ax, ay, -1500))
		st = v.settled(st.Drawn)
		name := fmt.Sprintf("step %d", step)
		width := st.View.End - st.View.Start
		if r := prev / width; math.Abs(r-math.Exp(3)) > 0.05*math.Exp(3) {
			t.Errorf("%s: zoomed by %.2f, want e^3 = %.2f", name, r, math.Exp(3))
		}
		// Within a CSS pixel of the first window: the cursor's position
		// is a whole pixel.
		if at := st.View.Start + 0.37*width; math.Abs(at-anchor) > sqFrames/v.rect.W {
			t.Errorf("%s: the point under the cursor moved from frame %.0f to %.0f", name, anchor, at)
		}
		if len(st.Requests) <= requests {
			t.Errorf("%s: no new request", name)
		}
		requests = len(st.Requests)
		prev = width
		v.check(name, st)
		v.shoot(fmt.Sprintf("serve-%d-zoom.png", step))
	}
	t.Logf("after three steps: frames [%d, %d), %.2f frames per pixel; %d requests: %s", st.Last.Start, st.Last.End,
		float64(st.Last.End-st.Last.Start)/float64(st.Last.Px), len(st.Requests), strings.Join(st.Requests, " "))

	// Down to single samples: two more steps, and a look.
	for range 2 {
		v.do(wheel(ax, ay, -1500))
		st = v.settled(st.Drawn)
	}
	if n := st.Last.End - st.Last.Start; n > int64(st.Last.Px)/8 {
		t.Errorf("five steps in: %d frames on %d pixels, want single samples", n, st.Last.Px)
	}
	v.shoot("serve-5-samples.png")
}

// TestBrowserGestures drives the detail view of the 2-hour file by
// hand: a mouse drag each way, a two-finger touch pinch apart and back
// together, and a trackpad pinch (the wheel with ctrl, as browsers report
// it). After each gesture the window must have moved or scaled as the
// pointers did (the frames under them stay under them), every request
// made on the way must ask for one minimum and maximum per device pixel,
// and the picture must be the server's answer, which must be the
// signal's, as in TestBrowser.
func TestBrowserGestures(t *testing.T) {
	v, st := openViewer(t)
	// Somewhere in the middle first: two wheel steps at the centre, a
	// window of e^-6 of the file (about 120 frames per pixel).
	cx, cy := v.at(0.5)
	v.do(wheel(cx, cy, -1500), wheel(cx, cy, -1500))
	st = v.settle(st.Drawn)
	v.check("zoomed in", st)

	// frameAt is the frame at viewport x in window w.
	frameAt := func(w struct{ Start, End float64 }, x float64) float64 {
		return w.Start + (x-v.rect.X)/v.rect.W*(w.End-w.Start)
	}
	// expect checks the window after a gesture: n frames wide, with the
	// frame 'frame' at viewport x, and the requests made since the
	// state before.
	expect := func(step string, before, after pageState, n, frame, x float64) {
		t.Helper()
		got := after.View.End - after.View.Start
		if math.Abs(got-n) > 1e-6*n {
			t.Errorf("%s: the window is %.1f frames wide, want %.1f", step, got, n)
		}
		if f := frameAt(after.View, x); math.Abs(f-frame) > 1e-6*n {
			t.Errorf("%s: frame %.1f is at x=%.0f, want frame %.1f there", step, f, x, frame)
		}
		if len(after.Requests) <= len(before.Requests) {
			t.Errorf("%s: no new request", step)
		}
		for _, u := range after.Requests[len(before.Requests):] {
			if !strings.HasSuffix(u, fmt.Sprintf("&px=%d", after.Width)) {
				t.Errorf("%s: asked for %s on a canvas of %d device pixels", step, u, after.Width)
			}
		}
		v.check(step, after)
		t.Logf("%s: frames [%.0f, %.0f), %d request(s)", step, after.View.Start, after.View.End, len(after.Requests)-len(before.Requests))
	}

	// A drag: the frame under the mouse stays under it.
	for i, d := range []struct{ from, to float64 }{{0.7, 0.45}, {0.2, 0.9}} {
		x0, y := v.at(d.from)
		x1, _ := v.at(d.to)
		before := st
		var acts []chromedp.Action[chromedp.Void]
		acts = append(acts, chromedp.MouseEvent(chromedp.MousePressed, x0, y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
		for k := 1; k <= 10; k++ {
			x := math.Round(x0 + (x1-x0)*float64(k)/10)
			acts = append(acts, chromedp.MouseEvent(chromedp.MouseMoved, x, y, chromedp.ButtonLeft, buttons(1)))
		}
		acts = append(acts, chromedp.MouseEvent(chromedp.MouseReleased, x1, y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
		v.do(acts...)
		st = v.settle(st.Drawn)
		n := before.View.End - before.View.Start
		expect(fmt.Sprintf("drag %d", i+1), before, st, n, frameAt(before.View, x0), x1)
		v.shoot(fmt.Sprintf("serve-drag-%d.png", i+1))
	}

	// A pinch with two fingers: one held at 30% across, the other moved
	// from 45% to 75% (apart: the window shrinks by 15/45), then back to
	// 40% (together: it grows by 45/10). The frames under the fingers
	// stay under them, so the frame halfway between them moves with
	// their midpoint.
	a, y := v.at(0.30)
	b0, _ := v.at(0.45)
	b1, _ := v.at(0.75)
	b2, _ := v.at(0.40)
	var acts []chromedp.Action[chromedp.Void]
	acts = append(acts, touch(input.DispatchTouchEventTypeTouchStart, y, a, b0))
	for k := 1; k <= 10; k++ {
		acts = append(acts, touch(input.DispatchTouchEventTypeTouchMove, y, a, math.Round(b0+(b1-b0)*float64(k)/10)))
	}
	v.do(acts...)
	before := st
	st = v.settle(st.Drawn)
	n := before.View.End - before.View.Start
	expect("pinch apart", before, st, n*(b0-a)/(b1-a), frameAt(before.View, (a+b0)/2), (a+b1)/2)
	v.shoot("serve-pinch-1-apart.png")
	acts = acts[:0]
	for k := 1; k <= 10; k++ {
		acts = append(acts, touch(input.DispatchTouchEventTypeTouchMove, y, a, math.Round(b1+(b2-b1)*float64(k)/10)))
	}
	acts = append(acts, touch(input.DispatchTouchEventTypeTouchEnd, y))
	v.do(acts...)
	before = st
	st = v.settle(st.Drawn)
	n = before.View.End - before.View.Start
	expect("pinch together", before, st, n*(b1-a)/(b2-a), frameAt(before.View, (a+b1)/2), (a+b2)/2)
	v.shoot("serve-pinch-2-together.png")

	// A trackpad pinch: the wheel with ctrl, around the cursor, e^(dy/100).
	px, py := v.at(0.62)
	before = st
	v.do(chromedp.MouseEvent(chromedp.MouseWheel, px, py, func(p *input.DispatchMouseEventParams) {
		p.DeltaX, p.DeltaY, p.Modifiers = 1e-9, -150, int64(chromedp.ModifierCtrl)
	}))
	st = v.settle(st.Drawn)
	n = before.View.End - before.View.Start
	expect("ctrl+wheel", before, st, n*math.Exp(-1.5), frameAt(before.View, px), px)
	v.shoot("serve-pinch-3-trackpad.png")
}

// settle waits until the page has handled every input event sent (two
// animation frames: pointer moves are delivered with frames), then
// for the picture of the window it shows (see settled).
func (v *viewer) settle(after int) pageState {
	v.t.Helper()
	if _, err := chromedp.Run(v.ctx, chromedp.Evaluate[bool](`new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`, chromedp.EvalAwaitPromise)); err != nil {
		v.t.Fatal(err)
	}
	return v.settled(after)
}

// buttons sets the buttons held during a mouse event (1: the left one).
func buttons(b int64) chromedp.MouseOption {
	return func(p *input.DispatchMouseEventParams) { p.Buttons = b }
}

// touch is a touch event with one finger at each of xs, at height y,
// finger k having id k. A touchEnd has no fingers: they all lift.
func touch(typ input.DispatchTouchEventType, y float64, xs ...float64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		p := input.DispatchTouchEventParams{Type: typ, TouchPoints: []*input.TouchPoint{}}
		for k, x := range xs {
			id := float64(k)
			p.TouchPoints = append(p.TouchPoints, &input.TouchPoint{X: x, Y: y, ID: &id})
		}
		_, err := cdp.Call(ctx, t, input.DispatchTouchEvent, p)
		return err
	})
}

// wheel turns the mouse wheel by dy CSS pixels at (x, y). (The protocol
// wants deltaX too, which cdproto leaves out when it is zero: a
// negligible one is sent.)
func wheel(x, y, dy float64) chromedp.Action[chromedp.Void] {
	return chromedp.MouseEvent(chromedp.MouseWheel, x, y, func(p *input.DispatchMouseEventParams) { p.DeltaX, p.DeltaY = 1e-9, dy })
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
