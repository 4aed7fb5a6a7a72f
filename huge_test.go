package wavemap_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// needHuge skips tests that map files over 4 GiB: with -short, and on
// 32-bit builds, where such mappings fail with ErrTooLarge (which
// TestAddressSpace checks).
func needHuge(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("skipped with -short: maps sparse files over 4 GiB")
	}
	if strconv.IntSize == 32 {
		t.Skip("a 32-bit address space cannot map more than 2 GiB")
	}
}

// hugeValue is the sample written at frame i by the huge-file tests: never
// zero, so that it cannot be confused with the silence around it.
func hugeValue(i int64) int16 {
	v := int16(uint64(i)*0x9E3779B97F4A7C15>>48) | 1
	return v
}

// hugeRanges returns the frame ranges the 5 GiB tests write in a mono s16
// file of n frames whose data starts at byte dataOff: the start, around
// frame (and sample) 2^31, across the 4 GiB file offset, and the end.
func hugeRanges(n, dataOff int64) [][2]int64 {
	at4G := (1<<32 - dataOff) / 2 // first frame at or past file offset 4 GiB
	return [][2]int64{{0, 16}, {1<<31 - 8, 1<<31 + 8}, {at4G - 8, at4G + 8}, {n - 16, n}}
}

// ffprobeDurationTS returns the duration in samples that ffprobe reports
// for the first audio stream of path.
func ffprobeDurationTS(t testing.TB, path string) int64 {
	t.Helper()
	wavtest.Need(t, "ffprobe")
	out := wavtest.Run(t, "ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "stream=duration_ts", "-of", "default=nw=1:nk=1", path)
	v, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		t.Fatalf("ffprobe duration_ts of %s: %q", path, out)
	}
	return v
}

// TestHuge5GiB creates 5 GiB mono s16 files (sparse, so cheap) in every
// container that can hold them, writes known samples at the start, at
// frame 2^31, across the 4 GiB file offset and at the very end, and checks
// them after reopening, through ffprobe's duration, ffmpeg's decoding of
// the end of the file and, for Wave64, sox's.
//
// sox 14.4.2 is not asked to read the RF64 and BW64 files: after the data
// chunk it looks for a LIST chunk at the data size modulo 2^32 and crawls
// through the audio 8 bytes at a time from there (a 32-bit truncation of
// its own; it takes over a minute for 5 GiB of zeros).
func TestHuge5GiB(t *testing.T) {
	needHuge(t)
	const n int64 = 5 << 30 / 2 // frames: 2^31 + 2^29, 5 GiB of s16 mono
	format := wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 1, SampleRate: 48000}
	for _, tc := range []struct {
		opt, want wavemap.Container
	}{
		{wavemap.AutoContainer, wavemap.RF64},
		{wavemap.BW64, wavemap.BW64},
		{wavemap.Wave64, wavemap.Wave64},
	} {
		t.Run(tc.want.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "huge.wav")
			f, err := wavemap.Create(path, format, n, &wavemap.Options{Container: tc.opt, Sparse: true})
			if err != nil {
				t.Fatal(err)
			}
			if f.Header().Container != tc.want {
				t.Errorf("Create wrote %s, want %s", f.Header().Container, tc.want)
			}
			s, err := wavemap.Samples[int16](f)
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(s)) != n {
				t.Fatalf("%d samples mapped, want %d", len(s), n)
			}
			ranges := hugeRanges(n, f.Header().DataOffset)
			for _, r := range ranges {
				for i := r[0]; i < r[1]; i++ {
					s[i] = hugeValue(i)
				}
			}
			if err := f.Flush(); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}

			g, err := wavemap.Open(path, wavemap.ReadOnly, &wavemap.Options{Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			if g.Frames() != n || g.Header().Container != tc.want {
				t.Fatalf("reopened: %d frames in %s, want %d in %s", g.Frames(), g.Header().Container, n, tc.want)
			}
			m, err := wavemap.FramesOf[int16](g)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range ranges {
				for i := r[0]; i < r[1]; i++ {
					if got := m.At(int(i), 0); got != hugeValue(i) {
						t.Fatalf("frame %d (file offset %d) holds %d, want %d", i, g.Header().DataOffset+2*i, got, hugeValue(i))
					}
				}
				if r[0] > 0 && m.At(int(r[0]-1), 0) != 0 {
					t.Errorf("frame %d, never written, holds %d", r[0]-1, m.At(int(r[0]-1), 0))
				}
			}
			b := g.Bytes()
			if off := int64(1<<32) - g.Header().DataOffset; b[off] == 0 && b[off+1] == 0 {
				t.Errorf("the bytes at file offset 4 GiB read as zero")
			}

			if d := ffprobeDurationTS(t, path); d != n {
				t.Errorf("ffprobe: duration %d samples, want %d", d, n)
			}
			// The last 48 samples (1 ms), decoded by ffmpeg.
			wavtest.Need(t, "ffmpeg")
			tail := wavtest.DecodeS16(wavtest.Run(t, "ffmpeg", "-v", "error", "-sseof", "-0.001", "-i", path, "-f", "s16le", "-"))
			checkTail(t, "ffmpeg", tail, n)
			if tc.want == wavemap.Wave64 {
				wavtest.Need(t, "sox")
				// sox (through libsndfile) seeks for trim: this reads the
				// last 32 frames only.
				tail = wavtest.DecodeS16(wavtest.Run(t, "sox", "-V1", "-t", "w64", path, "-t", "raw", "-e", "signed-integer", "-b", "16", "-L", "-",
					"trim", fmt.Sprintf("%ds", n-32)))
				checkTail(t, "sox", tail, n)
			}
		})
	}
}

// checkTail checks that tail holds the last len(tail) frames of the huge
// file of n frames: silence, then the 16 written values.
func checkTail(t *testing.T, tool string, tail []int16, n int64) {
	t.Helper()
	if len(tail) < 17 {
		t.Fatalf("%s decoded %d samples at the end of the file, want at least 17", tool, len(tail))
	}
	want := make([]int16, len(tail))
	for k := range want {
		if i := n - int64(len(tail)-k); i >= n-16 {
			want[k] = hugeValue(i)
		}
	}
	if !slices.Equal(tail, want) {
		t.Errorf("%s decodes the end of the file as %v, want %v", tool, tail, want)
	}
}
