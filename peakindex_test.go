package wavemap

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// peakTestFile writes v (channels interleaved, in Convert's scale) in the
// codec's encoding, reopens it read-only and returns it with its samples
// decoded by Convert: the truth the pyramid is checked against.
func peakTestFile(t *testing.T, path string, cd codec, channels int, v []float64) (*File, []float64) {
	t.Helper()
	f, samples := cd.make(t, path, channels, v)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	dec := make([]float64, len(v))
	cd.toFloat(samples, dec)
	f, err := Open(path, ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, dec
}

// bruteWindow is Window's definition, computed the slow way.
func bruteWindow(dec []float64, channels int, start, end int64, px, c int) []MinMax {
	out := make([]MinMax, px)
	n := end - start
	for k := range out {
		a := start + int64(k)*n/int64(px)
		b := start + int64(k+1)*n/int64(px)
		if b == a {
			b = a + 1
		}
		mm := MinMax{math.Inf(1), math.Inf(-1)}
		for i := a; i < b; i++ {
			x := dec[int(i)*channels+c]
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
		out[k] = mm
	}
	return out
}

// peakSignal is a test signal: a different chirp per channel, with a
// few loud clicks, and for float files runs of NaNs (one of a whole base
// entry) and infinities.
func peakSignal(r *rand.Rand, frames, channels int, float bool) []float64 {
	v := make([]float64, frames*channels)
	for i := range v {
		x := float64(i / channels)
		v[i] = 0.8 * math.Sin(x*x/float64(4e5*(i%channels+1)))
		if r.IntN(5000) == 0 {
			v[i] = 0.99 * (2*r.Float64() - 1)
		}
	}
	if float {
		for range 20 {
			v[r.IntN(len(v))] = math.NaN()
		}
		for i := 1600 * channels; i < 1700*channels; i++ {
			v[i] = math.NaN() // covers entries 100 to 105 of 16 frames whole
		}
		v[r.IntN(len(v))] = math.Inf(1)
		v[r.IntN(len(v))] = math.Inf(-1)
	}
	return v
}

// TestPeakWindowMatchesBruteForce: windows of every width from one frame
// to the whole file, at random places, with fewer and more pixels than
// frames, on every channel of every encoding (s24 and f32 included),
// equal the minimum and maximum of the decoded samples exactly: built,
// and read back from the cache file.
func TestPeakWindowMatchesBruteForce(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(17, 2))
	const frames = 50021
	for _, cd := range allCodecs {
		for _, channels := range []int{1, 2, 3} {
			t.Run(fmt.Sprintf("%v/%d", cd.enc, channels), func(t *testing.T) {
				v := peakSignal(r, frames, channels, cd.enc.IsFloat())
				f, dec := peakTestFile(t, filepath.Join(dir, fmt.Sprintf("%v-%d.wav", cd.enc, channels)), cd, channels, v)
				// Base 16: mono and stereo blocks go to the vector kernels.
				opts := &PeakIndexOptions{BaseFrames: 16, CacheDir: filepath.Join(dir, "cache"), Workers: 3}
				for _, wantLoaded := range []bool{false, true} {
					x, err := OpenPeaks(context.Background(), f, opts)
					if err != nil {
						t.Fatal(err)
					}
					if x.Loaded() != wantLoaded {
						t.Fatalf("Loaded() = %v, want %v (cache error: %v)", x.Loaded(), wantLoaded, x.CacheError())
					}
					if x.Levels() != 13 { // 3127 entries of 16 frames, halved to 1
						t.Errorf("%d levels", x.Levels())
					}
					for trial := range 100 {
						w := int64(math.Exp(r.Float64() * math.Log(frames)))
						w = max(1, min(w, frames))
						if trial == 0 {
							w = frames
						}
						start := r.Int64N(frames - w + 1)
						pxs := []int{1, 2, 7, 64, 333, 1000}
						px := pxs[r.IntN(len(pxs))]
						c := r.IntN(channels)
						got, err := x.Window(start, start+w, px, c)
						if err != nil {
							t.Fatal(err)
						}
						want := bruteWindow(dec, channels, start, start+w, px, c)
						for k := range want {
							if got[k] != want[k] {
								t.Fatalf("window [%d, %d) in %d px, channel %d: pixel %d is %v, want %v", start, start+w, px, c, k, got[k], want[k])
							}
						}
					}
					x.Close()
				}
			})
		}
	}
}

// TestPeakWindowPeaksAudiowaveform: a window of whole pixels of z frames,
// in WindowPeaks's 16- and 8-bit values, is audiowaveform's split-channel
// waveform data at zoom z, as ComputePeaks computes it.
func TestPeakWindowPeaksAudiowaveform(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(3, 4))
	const z, px, channels = 100, 480, 2
	for _, cd := range allCodecs {
		v := peakSignal(r, z*px, channels, false)
		f, _ := peakTestFile(t, filepath.Join(dir, cd.enc.String()+".wav"), cd, channels, v)
		x, err := OpenPeaks(context.Background(), f, &PeakIndexOptions{BaseFrames: 32, NoCache: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, bits := range []int{16, 8} {
			want, err := ComputePeaks(context.Background(), f, &PeaksOptions{SamplesPerPixel: z, Bits: bits, SplitChannels: true})
			if err != nil {
				t.Fatal(err)
			}
			got, err := x.WindowPeaks(0, z*px, px, -1, bits)
			if err != nil {
				t.Fatal(err)
			}
			if got.SamplesPerPixel != z || got.Length != px || got.Channels != channels || got.Bits != bits || !slices.Equal(got.Data, want.Data) {
				t.Errorf("%s, %d bits: WindowPeaks differs from ComputePeaks", cd.enc, bits)
			}
			one, err := x.WindowPeaks(0, z*px, px, 1, bits)
			if err != nil {
				t.Fatal(err)
			}
			for k := range px {
				if one.Data[2*k] != want.Data[4*k+2] || one.Data[2*k+1] != want.Data[4*k+3] {
					t.Fatalf("%s, %d bits, channel 1 alone: pixel %d differs", cd.enc, bits, k)
				}
			}
		}
		x.Close()
	}
}

// TestPeakCacheInvalidation: the cache file is used while the audio file
// is unchanged, and rebuilt when its modification time or size changes,
// or when the cache file is damaged in any way; the rebuilt file is then
// used again.
func TestPeakCacheInvalidation(t *testing.T) {
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	path := filepath.Join(dir, "a.wav")
	r := rand.New(rand.NewPCG(5, 6))
	v := peakSignal(r, 40000, 2, false)
	f, _ := peakTestFile(t, path, codecFor[int16](), 2, v)
	f.Close()
	opts := &PeakIndexOptions{BaseFrames: 64, CacheDir: cache}
	open := func(what string, wantLoaded bool, wantErr string) *PeakIndex {
		t.Helper()
		f, err := Open(path, ReadOnly, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		x, err := OpenPeaks(context.Background(), f, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { x.Close() })
		if x.Loaded() != wantLoaded {
			t.Fatalf("%s: Loaded() = %v, want %v (%v)", what, x.Loaded(), wantLoaded, x.CacheError())
		}
		if wantErr != "" && (x.CacheError() == nil || !strings.Contains(x.CacheError().Error(), wantErr)) {
			t.Errorf("%s: cache error %v, want one saying %q", what, x.CacheError(), wantErr)
		}
		if wantLoaded && x.CacheError() != nil {
			t.Errorf("%s: loaded, with cache error %v", what, x.CacheError())
		}
		frames := x.Frames()
		s, err := Samples[int16](f)
		if err != nil {
			t.Fatal(err)
		}
		dec := make([]float64, len(s))
		Convert(dec, s)
		got, err := x.Window(0, frames, 100, 1)
		if err != nil {
			t.Fatal(err)
		}
		want := bruteWindow(dec, 2, 0, frames, 100, 1)
		if !slices.Equal(got, want) {
			t.Errorf("%s: the window differs from the samples", what)
		}
		return x
	}
	x := open("first", false, "no such file")
	side := x.Path()
	if filepath.Dir(side) != cache || !strings.HasPrefix(filepath.Base(side), "a.wav-") || !strings.HasSuffix(side, "-b64.peaks") {
		t.Errorf("cache file %s", side)
	}
	open("unchanged", true, "")

	// touch
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	open("touched", false, "modification time")
	open("after touch", true, "")

	// append: the file grows (trailing bytes after the data chunk)
	af, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	af.Write(make([]byte, 10))
	af.Close()
	os.Chtimes(path, later, later) // same time as before: the size alone tells
	open("appended", false, "size")
	open("after append", true, "")

	// samples changed in place, keeping the size and the time
	st, _ := os.Stat(path)
	b, _ := os.ReadFile(path)
	b[len(b)-20] ^= 0x40 // inside the last 64 KiB of the samples
	os.WriteFile(path, b, 0o644)
	os.Chtimes(path, st.ModTime(), st.ModTime())
	open("edited", false, "samples changed")
	open("after edit", true, "")

	// damaged cache files
	good, err := os.ReadFile(side)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		what, err string
		damage    func([]byte) []byte
	}{
		{"a flipped bit in the levels", "levels checksum", func(b []byte) []byte { b[len(b)-100] ^= 1; return b }},
		{"a flipped bit in the header", "header checksum", func(b []byte) []byte { b[45] ^= 1; return b }},
		{"truncated", "bytes, want", func(b []byte) []byte { return b[:len(b)-8] }},
		{"longer", "bytes, want", func(b []byte) []byte { return append(b, 0, 0, 0, 0, 0, 0, 0, 0) }},
		{"cut inside the header", "shorter than a header", func(b []byte) []byte { return b[:100] }},
		{"empty", "shorter than a header", func(b []byte) []byte { return b[:0] }},
		{"not a peak file", "not a wavemap peak file", func(b []byte) []byte { copy(b, "RIFF"); return b }},
		{"another version", "version", func(b []byte) []byte {
			b[8] = 9
			fixHeaderCRC(b)
			return b
		}},
		{"a path length past the file", "path of", func(b []byte) []byte {
			b[88], b[89], b[90], b[91] = 0xff, 0xff, 0xff, 0x7f
			fixHeaderCRC(b)
			return b
		}},
		{"another file's", "path", func(b []byte) []byte {
			b[peakFixed+1] ^= 1
			fixHeaderCRC(b)
			return b
		}},
	} {
		if err := os.WriteFile(side, tc.damage(slices.Clone(good)), 0o600); err != nil {
			t.Fatal(err)
		}
		open(tc.what, false, tc.err)
		open("after "+tc.what, true, "")
		if now, _ := os.ReadFile(side); !slices.Equal(now, good) {
			t.Errorf("%s: the rebuilt cache file differs from the first one", tc.what)
		}
	}

	// NoCache: no file read or written.
	os.Remove(side)
	opts.NoCache = true
	x = open("no cache", false, "")
	if x.Path() != "" || x.CacheError() != nil {
		t.Errorf("NoCache: path %q, error %v", x.Path(), x.CacheError())
	}
	if _, err := os.Stat(side); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("NoCache wrote %s", side)
	}

	// A cache folder that cannot be made: kept in memory.
	opts.NoCache = false
	opts.CacheDir = filepath.Join(path, "sub") // a folder inside a regular file
	x = open("no cache folder", false, "cache folder")
	if got, err := x.Window(0, 100, 10, 0); err != nil || len(got) != 10 {
		t.Errorf("in-memory pyramid: %v", err)
	}
}

// fixHeaderCRC recomputes a cache file header's checksum after an edit.
func fixHeaderCRC(b []byte) {
	binary.NativeEndian.PutUint32(b[124:], peakCRC(b[:124]))
}

// TestPeakErrors: bad windows and options are ErrArgument; a closed
// index or File is ErrClosed; a file truncated under its mapping gives a
// *FaultError, not a crash.
func TestPeakErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "e.wav")
	f, _ := peakTestFile(t, path, codecFor[int16](), 2, make([]float64, 2*100000))
	if _, err := OpenPeaks(context.Background(), f, &PeakIndexOptions{BaseFrames: 100}); !errors.Is(err, ErrArgument) {
		t.Errorf("base 100: %v", err)
	}
	x, err := OpenPeaks(context.Background(), f, &PeakIndexOptions{NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range [][4]int64{{0, 0, 10, 0}, {-1, 10, 10, 0}, {0, 100001, 10, 0}, {5, 4, 10, 0}, {0, 10, 0, 0},
		{0, 10, MaxWindowPixels + 1, 0}, {0, 10, 10, 2}, {0, 10, 10, -1}} {
		if _, err := x.Window(w[0], w[1], int(w[2]), int(w[3])); !errors.Is(err, ErrArgument) {
			t.Errorf("Window%v: %v", w, err)
		}
	}
	if _, err := x.WindowPeaks(0, 10, 10, -1, 12); !errors.Is(err, ErrArgument) {
		t.Errorf("12 bits: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := OpenPeaks(ctx, f, &PeakIndexOptions{NoCache: true}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if runtime.GOOS == "windows" {
		return // a mapped file cannot be truncated there
	}
	if err := os.Truncate(path, 4096); err != nil {
		t.Fatal(err)
	}
	var fe *FaultError
	if _, err := x.Window(90000, 90100, 10, 0); !errors.As(err, &fe) {
		t.Errorf("window past a truncation: %v", err)
	}
	if _, err := OpenPeaks(context.Background(), f, &PeakIndexOptions{NoCache: true}); !errors.As(err, &fe) {
		t.Errorf("building over a truncated file: %v", err)
	}
	f.Close()
	if _, err := x.Window(0, 10, 10, 0); !errors.Is(err, ErrClosed) {
		t.Errorf("after the File's Close: %v", err)
	}
	x.Close()
	if _, err := x.Window(0, 10, 10, 0); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
}

// TestPeakPixels: pixels of a fixed number of frames, from any frame,
// the last one cut at the end of the file, equal the samples' extremes.
func TestPeakPixels(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	const frames, channels = 30011, 2
	for _, cd := range []codec{codecFor[Int24](), codecFor[float32](), codecFor[int16]()} {
		v := peakSignal(r, frames, channels, cd.enc.IsFloat())
		f, dec := peakTestFile(t, filepath.Join(t.TempDir(), "p.wav"), cd, channels, v)
		x, err := OpenPeaks(context.Background(), f, &PeakIndexOptions{BaseFrames: 16, NoCache: true})
		if err != nil {
			t.Fatal(err)
		}
		for range 200 {
			spp := 1 + r.IntN(3000)
			start := r.Int64N(frames)
			px := 1 + r.IntN(int((frames-start-1)/int64(spp))+1)
			c := r.IntN(channels)
			got, err := x.Pixels(start, spp, px, c)
			if err != nil {
				t.Fatalf("Pixels(%d, %d, %d, %d): %v", start, spp, px, c, err)
			}
			for k := range px {
				a := start + int64(k*spp)
				b := min(frames, a+int64(spp))
				want := bruteWindow(dec, channels, a, b, 1, c)[0]
				if got[k] != want {
					t.Fatalf("%v: Pixels(%d, %d, %d, %d): pixel %d is %v, want %v", cd.enc, start, spp, px, c, k, got[k], want)
				}
			}
		}
		if _, err := x.Pixels(0, 100, frames/100+2, 0); !errors.Is(err, ErrArgument) {
			t.Errorf("pixels past the end: %v", err)
		}
		if _, err := x.Pixels(0, 100, frames/100+1, 0); err != nil {
			t.Errorf("up to the end: %v", err)
		}
		x.Close()
	}
}

// peakEntry returns entry i of level L, channel c, of a pyramid of E
// values in Convert's scale (false when st holds another type).
func peakEntry[E peakValue](st peakStore, L, c int, i int64) (MinMax, bool) {
	l, ok := st.(*peakLevels[E])
	if !ok {
		return MinMax{}, false
	}
	return l.minMax(l.entry(L, c, i)), true
}

// TestPeakLevelsAnyBlocks: every entry of every level, built in blocks
// of many sizes (one entry per block, a power-of-two number of entries,
// an odd multiple, the default), is the range of the decoded samples it
// covers, computed here from the definition: so the levels built inside
// the parallel blocks and the ones built after them meet correctly.
func TestPeakLevelsAnyBlocks(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(5, 9))
	const frames, base = 50021, 16
	for _, cd := range []codec{codecFor[uint8](), codecFor[int16](), codecFor[Int24](), codecFor[float32](), codecFor[float64]()} {
		for _, channels := range []int{1, 2, 3} {
			v := peakSignal(r, frames, channels, cd.enc.IsFloat())
			f, dec := peakTestFile(t, filepath.Join(dir, fmt.Sprintf("%v-%d.wav", cd.enc, channels)), cd, channels, v)
			src, err := peakSourceOf(f)
			if err != nil {
				t.Fatal(err)
			}
			lay := newPeakLayout(frames, base, channels, src.size())
			for _, bf := range []int{base, 3 * base, 64 * base, 1000 * base, DefaultBlockFrames} {
				payload, err := buildPeaks(newPassRun(context.Background(), &PassOptions{Workers: 3, BlockFrames: bf}), f, src, lay)
				if err != nil {
					t.Fatal(err)
				}
				st := src.store(payload, lay)
				bad := 0
				for L, n := range lay.counts {
					w := int64(base) << L
					for c := range channels {
						for i := range n {
							var got MinMax
							var ok bool
							if got, ok = peakEntry[int16](st, L, c, i); !ok {
								if got, ok = peakEntry[int32](st, L, c, i); !ok {
									if got, ok = peakEntry[float32](st, L, c, i); !ok {
										got, _ = peakEntry[float64](st, L, c, i)
									}
								}
							}
							want := bruteWindow(dec, channels, i*w, min(frames, (i+1)*w), 1, c)[0]
							if got != want {
								if bad++; bad <= 3 {
									t.Errorf("%v %dch, blocks of %d frames: level %d channel %d entry %d: %v, want %v", cd.enc, channels, bf, L, c, i, got, want)
								}
							}
						}
					}
				}
			}
		}
	}
}
