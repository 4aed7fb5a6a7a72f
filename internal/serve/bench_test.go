package serve

// Issue #17's speed targets for 'wavemap serve', on a 10-hour file:
//
//	TMPDIR=/var/tmp go test -run '^$' -bench Serve10h -benchtime 5x ./internal/serve/
//
// Sub-benchmarks of BenchmarkServe10h, all on the same file:
//
//   - pyramid, stats: the pyramid built in memory (OpenPeaks, NoCache) and
//     the statistics pass (wavemap.Measure, what 'wavemap stats' runs),
//     MB/s of audio each; the log line after them gives the ratio.
//   - first-view: what the page asks for when it opens a file the server
//     has never seen (no cache file), from New to the last answer: the
//     page (index.html, app.js, app.css) and /api/files, then the
//     detail and overview pictures of the whole file and /api/info
//     together. first-view-cold does the same with the file's pages
//     dropped from the page cache first (Linux; meaningful for a file on
//     disk, see WAVEMAP_BENCH_FILE: a sparse file's holes cost no disk
//     read). first-view-seen is a second visit: the pyramid read from
//     its cache file.
//   - peaks: latency of /api/peaks over 1,000 random windows per
//     iteration, one request at a time as the page makes them: px from
//     1000 to 2000, window lengths spread evenly on a log scale from 2
//     frames to the whole file, starts uniform; p50, p90, p99 and max in
//     milliseconds over every request of the run. The seed is fixed, so
//     every run asks for the same windows.
//
// The file: WAVEMAP_BENCH_FILE names one to use (for example one made
// with 'wavemap gen --seconds 36000 --signal noise'); otherwise a sparse
// stereo s16 48 kHz file of WAVEMAP_BENCH_SECONDS seconds (default 36000,
// 6.9 GB of audio) is made in the temporary folder, with one second of
// noise written at the start of every minute and holes between (about
// 115 MB on disk). Set TMPDIR to a disk-backed folder: on a tmpfs the
// holes are RAM. WAVEMAP_BENCH_REQUESTS changes the number of windows
// per iteration.

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wavemap/wavemap"
)

// Widths of the two pictures the page asks for on load, in device
// pixels: a full-HD screen's.
const (
	benchDetailPx   = 1920
	benchOverviewPx = 1920
)

func envInt(b *testing.B, name string, def int64) int64 {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive whole number", name, v)
	}
	return n
}

// benchFile returns the path of the file the benchmarks read (see the
// comment at the top).
func benchFile(b *testing.B) string {
	b.Helper()
	if p := os.Getenv("WAVEMAP_BENCH_FILE"); p != "" {
		return p
	}
	const rate = 48000
	frames := envInt(b, "WAVEMAP_BENCH_SECONDS", 36000) * rate
	path := filepath.Join(b.TempDir(), "ten-hours.wav")
	f, err := wavemap.Create(path, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: rate, ChannelMask: 3},
		frames, &wavemap.Options{Sparse: true})
	if err != nil {
		b.Fatal(err)
	}
	s, _ := wavemap.Samples[int16](f)
	x := uint64(0x9e3779b97f4a7c15)
	for m := int64(0); m < frames; m += 60 * rate {
		for i := 2 * m; i < 2*min(frames, m+rate); i++ {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			s[i] = int16(x>>48) / 2
		}
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

func BenchmarkServe10h(b *testing.B) {
	path := benchFile(b)
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	size := int64(len(f.Bytes()))
	frames := f.Frames()
	ch := f.Format().Channels
	b.Logf("%s: %d frames of %d channels, %.2f h, %.2f GB of audio", path, frames, ch,
		f.Format().Duration(frames).Hours(), float64(size)/1e9)
	files := []File{{Name: path, File: f, Info: []byte(`{"file":"bench"}`), Speakers: []string{"FL", "FR"}}}
	ctx := context.Background()

	// The server under test changes between iterations; the HTTP
	// server in front of it stays.
	var cur atomic.Pointer[Server]
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { cur.Load().ServeHTTP(w, r) }))
	defer ts.Close()
	client := ts.Client()
	fetch := func(uri string) (int, error) {
		r, err := client.Get(ts.URL + uri)
		if err != nil {
			return 0, err
		}
		defer r.Body.Close()
		n, err := io.Copy(io.Discard, r.Body)
		if err == nil && r.StatusCode != http.StatusOK {
			err = fmt.Errorf("%s: %s", uri, r.Status)
		}
		return int(n), err
	}

	var pyramid, stats time.Duration
	var pyramidN, statsN int
	b.Run("pyramid", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			t0 := time.Now()
			x, err := wavemap.OpenPeaks(ctx, f, &wavemap.PeakIndexOptions{NoCache: true})
			if err != nil {
				b.Fatal(err)
			}
			pyramid += time.Since(t0)
			pyramidN++
			x.Close()
		}
	})
	b.Run("stats", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			t0 := time.Now()
			if _, err := wavemap.Measure(ctx, f, nil); err != nil {
				b.Fatal(err)
			}
			stats += time.Since(t0)
			statsN++
		}
	})
	if pyramidN > 0 && statsN > 0 {
		p, s := pyramid/time.Duration(pyramidN), stats/time.Duration(statsN)
		b.Logf("pyramid build %v (%.2f GB/s), stats pass %v (%.2f GB/s): the pyramid at %.2fx the stats pass's speed",
			p.Round(time.Millisecond), float64(size)/p.Seconds()/1e9, s.Round(time.Millisecond), float64(size)/s.Seconds()/1e9, s.Seconds()/p.Seconds())
	}

	// firstView opens a server over a cache folder and loads what the
	// page loads, returning the time from New to the last answer.
	firstView := func(b *testing.B, cache string) time.Duration {
		t0 := time.Now()
		srv := New(ctx, files, &Options{Peaks: &wavemap.PeakIndexOptions{CacheDir: cache}})
		cur.Store(srv)
		defer srv.Close()
		round := func(uris ...string) {
			var wg sync.WaitGroup
			errs := make([]error, len(uris))
			for i, u := range uris {
				wg.Go(func() { _, errs[i] = fetch(u) })
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					b.Fatal(err)
				}
			}
		}
		round("/", "/app.js", "/app.css")
		round("/api/files")
		round(fmt.Sprintf("/api/peaks?f=0&start=0&end=%d&px=%d", frames, benchDetailPx),
			fmt.Sprintf("/api/peaks?f=0&start=0&end=%d&px=%d", frames, benchOverviewPx), "/api/info?f=0")
		return time.Since(t0)
	}
	report := func(b *testing.B, d []time.Duration) {
		slices.Sort(d)
		b.ReportMetric(float64(d[len(d)/2])/1e6, "median-ms")
		b.ReportMetric(float64(d[len(d)-1])/1e6, "max-ms")
	}
	for _, mode := range []string{"first-view", "first-view-cold"} {
		b.Run(mode, func(b *testing.B) {
			var d []time.Duration
			for b.Loop() {
				b.StopTimer()
				cache := b.TempDir() // never seen
				if mode == "first-view-cold" {
					f.Advise(wavemap.AdviseDontNeed, 0, frames) // out of this process
					if err := dropPageCache(path); err != nil {
						b.Skipf("cannot drop the page cache: %v", err)
					}
				}
				b.StartTimer()
				d = append(d, firstView(b, cache))
				b.StopTimer()
				os.RemoveAll(cache)
				b.StartTimer()
			}
			report(b, d)
		})
	}
	seen := b.TempDir()
	b.Run("first-view-seen", func(b *testing.B) {
		firstView(b, seen) // builds the cache file
		var d []time.Duration
		for b.Loop() {
			d = append(d, firstView(b, seen))
		}
		report(b, d)
	})

	b.Run("peaks", func(b *testing.B) {
		srv := New(ctx, files, &Options{Peaks: &wavemap.PeakIndexOptions{CacheDir: b.TempDir()}})
		defer srv.Close()
		<-srv.Ready()
		cur.Store(srv)
		n := int(envInt(b, "WAVEMAP_BENCH_REQUESTS", 1000))
		rng := rand.New(rand.NewPCG(17, 1000))
		var lat []time.Duration
		for b.Loop() {
			for range n {
				px := 1000 + rng.IntN(1001)
				w := min(frames, max(2, int64(math.Round(math.Exp(math.Log(2)+rng.Float64()*(math.Log(float64(frames))-math.Log(2)))))))
				start := rng.Int64N(frames - w + 1)
				uri := fmt.Sprintf("/api/peaks?f=0&start=%d&end=%d&px=%d", start, start+w, px)
				t0 := time.Now()
				got, err := fetch(uri)
				lat = append(lat, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				if want := 24 + px*ch*4; got != want {
					b.Fatalf("%s: %d bytes, want %d", uri, got, want)
				}
			}
		}
		slices.Sort(lat)
		q := func(p float64) float64 { return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))]) / 1e6 }
		b.ReportMetric(q(0.50), "p50-ms")
		b.ReportMetric(q(0.90), "p90-ms")
		b.ReportMetric(q(0.99), "p99-ms")
		b.ReportMetric(float64(lat[len(lat)-1])/1e6, "max-ms")
		b.ReportMetric(0, "ns/op") // the time of n requests: see the percentiles
	})
}
