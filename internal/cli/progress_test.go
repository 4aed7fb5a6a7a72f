package cli

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
)

// fakeClock is a settable clock for the progress bar.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time                    { return c.t }
func (c *fakeClock) advance(d time.Duration)           { c.t = c.t.Add(d) }
func newFakeClock() *fakeClock                         { return &fakeClock{t: time.Unix(1_000_000, 0)} }
func lastLine(s string) string                         { i := strings.LastIndexByte(s, '\r'); return s[i+1:] }
func countRedraws(s string) int                        { return strings.Count(s, "\r") }
func testProgress(w io.Writer, c *fakeClock) *progress { return newProgress(w, "x.wav", 100e6, c.now) }

func TestProgressQuietUnderOneSecond(t *testing.T) {
	var buf bytes.Buffer
	c := newFakeClock()
	p := testProgress(&buf, c)
	for i := range 10 {
		c.advance(90 * time.Millisecond)
		p.Update(int64(i+1) * 10e6)
	}
	p.Done()
	if buf.Len() != 0 {
		t.Errorf("work done in 0.9 s drew %q", buf.String())
	}
}

func TestProgressDrawsAndClears(t *testing.T) {
	var buf bytes.Buffer
	c := newFakeClock()
	p := testProgress(&buf, c)
	// 2 s at 25 MB/s reaches 50 MB: half done, 2 s left.
	c.advance(2 * time.Second)
	p.Update(50e6)
	line := lastLine(buf.String())
	for _, want := range []string{"x.wav", " 50%", "25.0 MB/s", "ETA 0:02", "[" + strings.Repeat("=", progressBarWidth/2) + strings.Repeat(" ", progressBarWidth/2) + "]"} {
		if !strings.Contains(line, want) {
			t.Errorf("bar %q lacks %q", line, want)
		}
	}
	// Updates within 100 ms of the last redraw are not drawn.
	n := countRedraws(buf.String())
	for range 5 {
		c.advance(10 * time.Millisecond)
		p.Update(51e6)
	}
	if got := countRedraws(buf.String()); got != n {
		t.Errorf("%d redraws within 50 ms, want none", got-n)
	}
	c.advance(100 * time.Millisecond)
	p.Add(49e6)
	if !strings.Contains(lastLine(buf.String()), "100%") {
		t.Errorf("after Add to the total: %q", lastLine(buf.String()))
	}
	width := len(lastLine(buf.String()))
	p.Done()
	out := buf.String()
	if want := "\r" + strings.Repeat(" ", width) + "\r"; !strings.HasSuffix(out, want) {
		t.Errorf("Done did not erase the line: ends %q", out[max(0, len(out)-width-4):])
	}
	before := buf.Len()
	p.Update(1)
	p.Done()
	if buf.Len() != before {
		t.Errorf("calls after Done drew %q", buf.String()[before:])
	}
}

func TestProgressFramesAdapter(t *testing.T) {
	var buf bytes.Buffer
	c := newFakeClock()
	p := testProgress(&buf, c)
	f := p.Frames(4)
	c.advance(4 * time.Second)
	f(5e6, 25e6) // 5e6 frames of 4 bytes: 20 MB of 100
	if line := lastLine(buf.String()); !strings.Contains(line, " 20%") || !strings.Contains(line, "5.0 MB/s") {
		t.Errorf("frames adapter: %q", line)
	}
}

func TestProgressDisabled(t *testing.T) {
	// Not a terminal: a bytes.Buffer, and an *os.File that is a pipe or
	// regular file in tests.
	var buf bytes.Buffer
	e := &env{stderr: &buf}
	if p := e.progress("a", false, 10); p != nil {
		t.Errorf("progress on a buffer: %+v", p)
	}
	var p *progress // what a quiet or non-terminal caller gets
	p.Update(1)
	p.Add(1)
	p.Done()
	if p.Frames(2) != nil {
		t.Error("nil progress gave a Progress func")
	}
	for _, arg := range []string{"-q", "--quiet"} {
		e := &env{stdout: io.Discard, stderr: io.Discard}
		fs := newFlags(e, "t", "")
		q := quietFlag(fs)
		if _, err := parse(fs, []string{arg}); err != nil || !*q || e.stderr != io.Discard {
			t.Errorf("%s: %v %v", arg, *q, err)
		}
	}
}

func TestProgressLineLongRun(t *testing.T) {
	line := progressLine("a-very-long-name-that-will-not-fit-in-the-bar.wav", 1e9, 4e9, 1000*time.Second)
	for _, want := range []string{"...", " 25%", "1.0 MB/s", "ETA 50:00"} {
		if !strings.Contains(line, want) {
			t.Errorf("%q lacks %q", line, want)
		}
	}
	if got := shortDuration(3*time.Hour + 2*time.Minute + 5*time.Second); got != "3:02:05" {
		t.Errorf("shortDuration: %q", got)
	}
}
