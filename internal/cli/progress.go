package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Progress bar timing: nothing is drawn before progressDelay has passed
// since the start, and the bar is redrawn at most once per
// progressInterval.
const (
	progressDelay    = time.Second
	progressInterval = 100 * time.Millisecond
	progressBarWidth = 24
)

// quietFlag returns the command's -q/--quiet flag (newFlags registers it
// for every command). Commands pass it to env.progress.
func quietFlag(fs *flagSet) *bool { return &fs.e.quiet }

// progress is a one-line progress bar on standard error. It draws only when
// standard error is a terminal, only once the work has run for more than a
// second, and at most ten times a second; Done erases it. A nil or
// disabled *progress accepts every call and draws nothing, so callers
// never test for it.
//
// Amounts are bytes, so that the rate reads as MB/s whatever the sample
// format. Update may be called from any goroutine.
type progress struct {
	mu     sync.Mutex
	w      io.Writer
	label  string
	total  int64
	now    func() time.Time
	start  time.Time
	last   time.Time // last redraw; zero before the first
	width  int       // length of the last line drawn, for erasing
	done   int64
	closed bool
}

// progress starts a progress bar for total bytes of work labelled label
// (typically the file name). It is silent when quiet is set or when
// standard error is not a terminal.
//
// Use it as
//
//	p := e.progress(name, quiet, f.Frames()*int64(f.Format().FrameSize()))
//	defer p.Done()
//	opts := &wavemap.PassOptions{Progress: p.Frames(f.Format().FrameSize())}
func (e *env) progress(label string, quiet bool, total int64) *progress {
	if quiet || !isTerminal(e.stderr) {
		return nil
	}
	return newProgress(e.stderr, label, total, time.Now)
}

func newProgress(w io.Writer, label string, total int64, now func() time.Time) *progress {
	return &progress{w: w, label: label, total: total, now: now, start: now()}
}

// isTerminal reports whether w is a character device such as a terminal
// (and TERM does not say the terminal cannot move the cursor back).
func isTerminal(w io.Writer) bool {
	if s, ok := w.(*syncWriter); ok {
		w = s.w
	}
	f, ok := w.(*os.File)
	if !ok || f == nil {
		return false
	}
	if os.Getenv("TERM") == "dumb" {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Update records that done bytes of the total are finished and redraws
// the bar if it is due.
func (p *progress) Update(done int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.set(done)
}

// Add records n more bytes finished.
func (p *progress) Add(n int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.set(p.done + n)
}

// set stores done and redraws if due. p.mu is held.
func (p *progress) set(done int64) {
	if p.closed {
		return
	}
	p.done = done
	t := p.now()
	if t.Sub(p.start) <= progressDelay || (!p.last.IsZero() && t.Sub(p.last) < progressInterval) {
		return
	}
	p.last = t
	p.draw(t)
}

// Frames returns a function for wavemap.PassOptions.Progress, which counts
// frames, scaling them by frameSize bytes per frame.
func (p *progress) Frames(frameSize int) func(done, total int64) {
	if p == nil {
		return nil
	}
	return func(done, _ int64) { p.Update(done * int64(frameSize)) }
}

// Done erases the bar, if one was drawn. Later calls do nothing.
func (p *progress) Done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	if p.width > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.width))
	}
}

// draw writes the bar for time t. p.mu is held.
func (p *progress) draw(t time.Time) {
	line := progressLine(p.label, p.done, p.total, t.Sub(p.start))
	pad := ""
	if n := p.width - len(line); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	fmt.Fprintf(p.w, "\r%s%s", line, pad)
	p.width = len(line)
}

// progressLine formats one state of the bar: label, bar, percent, rate and
// the estimated time left.
func progressLine(label string, done, total int64, elapsed time.Duration) string {
	frac := 1.0
	if total > 0 {
		frac = min(1, max(0, float64(done)/float64(total)))
	}
	fill := int(frac * progressBarWidth)
	bar := strings.Repeat("=", fill) + strings.Repeat(" ", progressBarWidth-fill)
	if r := []rune(label); len(r) > 30 {
		label = "..." + string(r[len(r)-27:])
	}
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(done) / s
	}
	eta := "--:--"
	if rate > 0 && total >= done {
		eta = shortDuration(time.Duration(float64(total-done) / rate * float64(time.Second)))
	}
	return fmt.Sprintf("%s [%s] %3d%% %7.1f MB/s ETA %s", label, bar, int(frac*100), rate/1e6, eta)
}

// shortDuration formats d as m:ss, or h:mm:ss from an hour up.
func shortDuration(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
