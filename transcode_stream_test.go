package wavemap_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// TestTranscodeTo checks that the streamed conversion writes exactly what
// the mapped Transcode writes, across buffer boundaries and for several
// encoding pairs, and that sox reads the result.
func TestTranscodeTo(t *testing.T) {
	dir := t.TempDir()
	const frames = 700001 // crosses the 1 Mi-sample buffers with 2 channels
	pairs := []struct{ from, to wavemap.Encoding }{
		{wavemap.EncodingInt16, wavemap.EncodingFloat32},
		{wavemap.EncodingInt24, wavemap.EncodingInt16},
		{wavemap.EncodingFloat32, wavemap.EncodingInt16},
		{wavemap.EncodingInt16, wavemap.EncodingMuLaw},
	}
	for _, p := range pairs {
		t.Run(p.from.String()+"-"+p.to.String(), func(t *testing.T) {
			src := filepath.Join(dir, p.from.String()+".wav")
			f, err := wavemap.Create(src, wavemap.Format{Encoding: p.from, Channels: 2, SampleRate: 48000}, frames, nil)
			if err != nil {
				t.Fatal(err)
			}
			d := f.Bytes()
			for i := range d {
				d[i] = byte(i*7919 + i>>11)
			}
			if p.from == wavemap.EncodingFloat32 { // finite values, some beyond full scale
				s, _ := wavemap.Samples[float32](f)
				for i := range s {
					s[i] = float32(i%2001-1000) / 700
				}
			}
			// Reference: the mapped Transcode.
			ref := filepath.Join(dir, "ref.wav")
			df := f.Format()
			df.Encoding = p.to
			g, err := wavemap.Create(ref, df, frames, nil)
			if err != nil {
				t.Fatal(err)
			}
			wantClipped, err := wavemap.Transcode(context.Background(), g, f, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := append([]byte(nil), g.Bytes()...)
			g.Close()

			out := filepath.Join(dir, "out.wav")
			o, err := os.Create(out)
			if err != nil {
				t.Fatal(err)
			}
			w, err := wavemap.NewWriter(o, df, nil)
			if err != nil {
				t.Fatal(err)
			}
			var last int64
			clipped, err := wavemap.TranscodeTo(context.Background(), w, f, &wavemap.PassOptions{Workers: 3, Progress: func(done, total int64) {
				if done < last || total != frames {
					t.Errorf("progress %d/%d after %d", done, total, last)
				}
				last = done
			}})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			o.Close()
			f.Close()
			if clipped != wantClipped || last != frames {
				t.Errorf("clipped %d, Transcode clipped %d; progress ended at %d", clipped, wantClipped, last)
			}
			h, err := wavemap.Open(out, wavemap.ReadOnly, &wavemap.Options{Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			if h.Frames() != frames || !bytes.Equal(h.Bytes(), want) {
				t.Fatalf("streamed output differs from Transcode's (%d frames)", h.Frames())
			}
		})
	}
	// sox agrees on the frame count of the last output.
	if wavtest.Need(t, "sox"); true {
		if got := string(bytes.TrimSpace(wavtest.Run(t, "sox", "--i", "-s", filepath.Join(dir, "out.wav")))); got != "700001" {
			t.Errorf("soxi -s: %s", got)
		}
	}
}

type failWriter struct{ n int64 }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n -= int64(len(p)); f.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestTranscodeToErrors(t *testing.T) {
	src := filepath.Join(t.TempDir(), "s.wav")
	f, err := wavemap.Create(src, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 8000}, 3<<20, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := wavemap.NewWriter(&failWriter{n: 5 << 20}, wavemap.Format{Encoding: wavemap.EncodingFloat32, Channels: 2, SampleRate: 8000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wavemap.TranscodeTo(context.Background(), w, f, nil); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("write error: %v", err)
	}
	w2, _ := wavemap.NewWriter(&failWriter{n: 1 << 40}, wavemap.Format{Encoding: wavemap.EncodingFloat32, Channels: 1, SampleRate: 8000}, nil)
	if _, err := wavemap.TranscodeTo(context.Background(), w2, f, nil); !errors.Is(err, wavemap.ErrArgument) {
		t.Errorf("channel mismatch: %v", err)
	}
}
