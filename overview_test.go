package wavemap

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"testing"
)

// naiveOverview is the definition of Overview computed the slow way: all
// samples decoded, then each column scanned on its own.
func naiveOverview(v []float64, channels, columns int) [][]MinMax {
	n := len(v) / channels
	out := make([][]MinMax, channels)
	for c := range out {
		out[c] = make([]MinMax, columns)
		for k := range columns {
			lo, hi := k*n/columns, (k+1)*n/columns
			if hi == lo && lo < n {
				hi = lo + 1 // a column without frames shows the frame at its start
			}
			mm := MinMax{math.Inf(1), math.Inf(-1)}
			for i := lo; i < hi; i++ {
				x := v[i*channels+c]
				if x < mm.Min {
					mm.Min = x
				}
				if x > mm.Max {
					mm.Max = x
				}
			}
			if !(mm.Min <= mm.Max) {
				mm = MinMax{}
			}
			out[c][k] = mm
		}
	}
	return out
}

func TestOverviewMatchesDefinition(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		frames, columns, block int
	}{
		{1000, 37, 64}, {1000, 1000, 7}, {999, 1600, 50}, {5, 8, 1}, {1, 3, 0}, {4096, 1, 0}, {10007, 640, 333},
	} {
		for _, cd := range []codec{codecFor[int16](), codecFor[Int24](), codecFor[uint8](), codecFor[float32](), codecFor[MuLaw]()} {
			const channels = 3
			v := make([]float64, tc.frames*channels)
			for i := range v { // a different chirp per channel
				x := float64(i / channels)
				v[i] = 0.9 * math.Sin(x*x/float64(500*(i%channels+1)))
			}
			f, samples := cd.make(t, filepath.Join(dir, "o.wav"), channels, v)
			// The truth is computed from the samples as stored, decoded
			// by Convert.
			dec := make([]float64, len(v))
			cd.toFloat(samples, dec)
			want := naiveOverview(dec, channels, tc.columns)
			var last int64
			got, err := Overview(context.Background(), f, tc.columns, &PassOptions{Workers: 3, BlockFrames: tc.block, Progress: func(done, total int64) { last = done }})
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			if last != int64(tc.frames) {
				t.Errorf("progress ended at %d of %d", last, tc.frames)
			}
			if len(got) != channels {
				t.Fatalf("%d channels", len(got))
			}
			bad := 0
			for c := range want {
				if len(got[c]) != tc.columns {
					t.Fatalf("%d columns, want %d", len(got[c]), tc.columns)
				}
				for k := range want[c] {
					if got[c][k] != want[c][k] && bad < 3 {
						bad++
						t.Errorf("%s %d frames %d columns: channel %d column %d: %v, want %v",
							cd.enc, tc.frames, tc.columns, c, k, got[c][k], want[c][k])
					}
				}
			}
		}
	}
}

func TestOverviewEdges(t *testing.T) {
	dir := t.TempDir()
	v := []float64{0.5, math.NaN(), -0.25, math.NaN(), 0.75, math.NaN(), math.Inf(-1), math.NaN()}
	f, _ := codecFor[float64]().make(t, filepath.Join(dir, "n.wav"), 2, v)
	got, err := Overview(context.Background(), f, 2, nil)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]MinMax{{{-0.25, 0.5}, {math.Inf(-1), 0.75}}, {{0, 0}, {0, 0}}}
	for c := range want {
		for k := range want[c] {
			if got[c][k] != want[c][k] {
				t.Errorf("channel %d column %d: %v, want %v", c, k, got[c][k], want[c][k])
			}
		}
	}

	empty, err := Create(filepath.Join(dir, "e.wav"), Format{Encoding: EncodingInt16, Channels: 1, SampleRate: 8000}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	if got, err := Overview(context.Background(), empty, 4, nil); err != nil || len(got) != 1 || len(got[0]) != 4 || got[0][3] != (MinMax{}) {
		t.Errorf("empty file: %v %v", got, err)
	}
	if _, err := Overview(context.Background(), empty, 0, nil); err == nil {
		t.Error("0 columns accepted")
	}
	if _, err := Overview(context.Background(), nil, 4, nil); err == nil {
		t.Error("nil file accepted")
	}
	empty.Close()
	if _, err := Overview(context.Background(), empty, 4, nil); err == nil {
		t.Error("closed file accepted")
	}
}

// TestOverviewRange checks that a window's overview is the definition
// applied to the window's frames alone, and that ranges outside the file
// are refused.
func TestOverviewRange(t *testing.T) {
	dir := t.TempDir()
	const frames, channels = 5000, 2
	v := make([]float64, frames*channels)
	for i := range v {
		x := float64(i / channels)
		v[i] = 0.8 * math.Sin(x*x/float64(700*(i%channels+1)))
	}
	for _, cd := range []codec{codecFor[int16](), codecFor[float64](), codecFor[Int24]()} {
		f, samples := cd.make(t, filepath.Join(dir, "r.wav"), channels, v)
		dec := make([]float64, len(v))
		cd.toFloat(samples, dec)
		for _, w := range []struct {
			from, to int64
			columns  int
		}{{0, frames, 100}, {1234, 4321, 77}, {4990, 5000, 30}, {2500, 2501, 3}, {7, 7, 5}, {0, 1000, 1000}} {
			var total int64
			got, err := OverviewRange(context.Background(), f, w.from, w.to, w.columns,
				&PassOptions{Workers: 2, BlockFrames: 97, Progress: func(_, n int64) { total = n }})
			if err != nil {
				t.Fatal(err)
			}
			if w.to > w.from && total != w.to-w.from {
				t.Errorf("%s [%d, %d): progress total %d, want the window's %d frames", cd.enc, w.from, w.to, total, w.to-w.from)
			}
			want := naiveOverview(dec[w.from*channels:w.to*channels], channels, w.columns)
			for c := range want {
				for k := range want[c] {
					if got[c][k] != want[c][k] {
						t.Fatalf("%s [%d, %d) into %d: channel %d column %d: %v, want %v",
							cd.enc, w.from, w.to, w.columns, c, k, got[c][k], want[c][k])
					}
				}
			}
		}
		for _, bad := range [][2]int64{{-1, 10}, {10, 9}, {0, frames + 1}, {frames + 1, frames + 2}} {
			if _, err := OverviewRange(context.Background(), f, bad[0], bad[1], 10, nil); !errors.Is(err, ErrArgument) {
				t.Errorf("%s: range %v: %v, want ErrArgument", cd.enc, bad, err)
			}
		}
		f.Close()
	}
}
