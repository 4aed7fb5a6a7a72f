package wavemap_test

import (
	"path/filepath"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// TestFFmpegWave64Padding: ffmpeg counts Wave64's 8-byte alignment padding
// in the data size (3 channels of s24 make 9-byte frames). The padding is
// not audio and must not raise a warning, so Strict opens the file.
func TestFFmpegWave64Padding(t *testing.T) {
	wavtest.Need(t, "ffmpeg")
	path := filepath.Join(t.TempDir(), "pad.w64")
	wavtest.Run(t, "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=0.01", "-ac", "3",
		"-c:a", "pcm_s24le", "-f", "w64", "-y", path)
	f, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := wavtest.FFmpegFloat64(t, path)
	s, err := wavemap.Samples[wavemap.Int24](f)
	if err != nil {
		t.Fatal(err)
	}
	if f.Frames() != 441 || len(s) != len(want) {
		t.Fatalf("%d frames, %d samples; ffmpeg decodes %d samples", f.Frames(), len(s), len(want))
	}
	for i, v := range s {
		if float64(v.Int32())/(1<<23) != want[i] {
			t.Fatalf("sample %d: %d, ffmpeg %v", i, v.Int32(), want[i])
		}
	}
}
