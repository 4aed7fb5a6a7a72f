package serve

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/wavemap/wavemap"
)

// TestPeaksWaveformData has BBC's waveform-data library (npm, 4.5.x: what
// peaks.js reads waveforms with) parse the .dat and JSON files that
// wavemap writes, for one channel (a .dat of version 1) and for two split
// channels (version 2), 8 and 16 bits, and checks every value it reads
// against ComputePeaks. It runs when node and the module are found: the
// module's folder (holding node_modules) in WAVEMAP_WAVEFORM_DATA, as
// `npm install --prefix DIR waveform-data@4.5` makes it; otherwise it
// skips.
func TestPeaksWaveformData(t *testing.T) {
	dir := os.Getenv("WAVEMAP_WAVEFORM_DATA")
	node, err := exec.LookPath("node")
	if dir == "" || err != nil {
		t.Skip("set WAVEMAP_WAVEFORM_DATA to a folder where `npm install waveform-data@4.5` was run, with node on PATH")
	}
	mods := filepath.Join(dir, "node_modules")
	tmp := t.TempDir()
	in := filepath.Join(tmp, "in.wav")
	f, err := wavemap.Create(in, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 44100}, 44100*3+17, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := wavemap.Samples[int16](f)
	for i := range s {
		s[i] = int16((i*7919)%65536 - 32768)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	f, err = wavemap.Open(in, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, o := range []wavemap.PeaksOptions{
		{SamplesPerPixel: 512, Bits: 8},
		{SamplesPerPixel: 300, Bits: 16, SplitChannels: true},
		{PixelsPerSecond: 20, Bits: 8, SplitChannels: true},
	} {
		p, err := wavemap.ComputePeaks(context.Background(), f, &o)
		if err != nil {
			t.Fatal(err)
		}
		dat, js, want := filepath.Join(tmp, "w.dat"), filepath.Join(tmp, "w.json"), filepath.Join(tmp, "want.json")
		for path, write := range map[string]func(*os.File) error{
			dat: func(w *os.File) error { return p.WriteDat(w) },
			js:  func(w *os.File) error { return p.WriteJSON(w) },
		} {
			w, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := write(w); err != nil {
				t.Fatal(err)
			}
			w.Close()
		}
		b, _ := json.Marshal(map[string]any{"channels": p.Channels, "length": p.Length, "sample_rate": p.SampleRate,
			"samples_per_pixel": p.SamplesPerPixel, "bits": p.Bits, "data": p.Data})
		if err := os.WriteFile(want, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(node, filepath.Join("testdata", "waveformdata_check.js"), mods, dat, js, want).CombinedOutput()
		if err != nil {
			t.Errorf("%+v: waveform-data: %v\n%s", o, err, out)
		}
	}
}
