package wavemap_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/wavemap/wavemap"
)

// cancelAfter returns PassOptions whose Progress cancels the context once
// the pass has finished at least 'after' frames, and the context.
func cancelAfter(t *testing.T, after int64) (context.Context, *wavemap.PassOptions) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return ctx, &wavemap.PassOptions{BlockFrames: 1000, Workers: 1, Progress: func(done, total int64) {
		if done >= after {
			cancel()
		}
	}}
}

// Every long operation stops at a cancelled context between blocks, with
// an error wrapping context.Canceled, and leaves what it had not reached
// untouched.
func TestPassesCancel(t *testing.T) {
	dir := t.TempDir()
	const frames = 100000
	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}
	f, err := wavemap.Create(filepath.Join(dir, "a.wav"), format, frames, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, _ := wavemap.Samples[int16](f)
	for i := range s {
		s[i] = 1000
	}

	ctx, opts := cancelAfter(t, 5000)
	if _, err := wavemap.Measure(ctx, f, opts); !errors.Is(err, context.Canceled) {
		t.Errorf("Measure: %v, want context.Canceled", err)
	}
	ctx, opts = cancelAfter(t, 5000)
	if _, err := wavemap.Overview(ctx, f, 100, opts); !errors.Is(err, context.Canceled) {
		t.Errorf("Overview: %v, want context.Canceled", err)
	}
	ctx, opts = cancelAfter(t, 5000)
	if _, err := wavemap.Gain(ctx, f, 2, opts); !errors.Is(err, context.Canceled) {
		t.Errorf("Gain: %v, want context.Canceled", err)
	}
	// One worker, blocks of 1000 frames, cancelled after the fifth: the
	// first 5000 frames are doubled, the rest untouched.
	if s[0] != 2000 || s[2*5000-1] != 2000 || s[2*5000] != 1000 || s[len(s)-1] != 1000 {
		t.Errorf("Gain stopped at the wrong place: %d %d %d %d", s[0], s[2*5000-1], s[2*5000], s[len(s)-1])
	}

	dst, err := wavemap.Create(filepath.Join(dir, "b.wav"), wavemap.Format{Encoding: wavemap.EncodingFloat32, Channels: 2, SampleRate: 48000}, frames, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	ctx, opts = cancelAfter(t, 5000)
	if _, err := wavemap.Transcode(ctx, dst, f, opts); !errors.Is(err, context.Canceled) {
		t.Errorf("Transcode: %v, want context.Canceled", err)
	}
	out, _ := wavemap.Samples[float32](dst)
	if out[0] == 0 || out[len(out)-1] != 0 {
		t.Errorf("Transcode: first sample %v, last %v: want converted, then untouched", out[0], out[len(out)-1])
	}

	var buf bytes.Buffer
	w, err := wavemap.NewWriter(&buf, dst.Format(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := wavemap.TranscodeTo(ctx, w, f, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("TranscodeTo: %v, want context.Canceled", err)
	}
	if w.Frames() != 0 {
		t.Errorf("TranscodeTo under a done context wrote %d frames", w.Frames())
	}
	if err := wavemap.Pass(ctx, f, nil, func(int, wavemap.Frames[int16]) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Pass: %v, want context.Canceled", err)
	}
}
