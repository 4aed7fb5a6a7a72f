package serve

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wavemap/wavemap"
)

// testFile writes a file of frames frames of a chirp with clicks (f32,
// s24 or s16, ch channels) and returns its path and its samples decoded
// to float64.
func testFile(t testing.TB, dir, name string, enc wavemap.Encoding, ch int, frames int64) (string, []float64) {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := wavemap.Create(path, wavemap.Format{Encoding: enc, Channels: ch, SampleRate: 8000, ChannelMask: maskOf(ch)}, frames, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(uint64(frames), uint64(ch)))
	v := make([]float64, frames*int64(ch))
	for i := range v {
		x := float64(i / ch)
		v[i] = 0.7 * math.Sin(x*x/float64(3e6*(i%ch+1)))
		if r.IntN(3000) == 0 {
			v[i] = 0.95 * (2*r.Float64() - 1)
		}
	}
	switch enc {
	case wavemap.EncodingInt16:
		fill[int16](t, f, v)
	case wavemap.EncodingInt24:
		fill[wavemap.Int24](t, f, v)
	case wavemap.EncodingFloat32:
		fill[float32](t, f, v)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, v
}

func maskOf(ch int) uint32 {
	if ch == 2 {
		return 3 // FL FR
	}
	return 0
}

func fill[T wavemap.Sample](t testing.TB, f *wavemap.File, v []float64) {
	s, err := wavemap.Samples[T](f)
	if err != nil {
		t.Fatal(err)
	}
	wavemap.Convert(s, v)
	// What the file holds, decoded again: the truth to compare with.
	wavemap.Convert(v, s)
}

// newTestServer serves the files at paths and waits for their pyramids.
func newTestServer(t testing.TB, opts *Options, paths ...string) (*Server, *httptest.Server, []*wavemap.File) {
	t.Helper()
	var files []File
	var opened []*wavemap.File
	for _, p := range paths {
		f, err := wavemap.Open(p, wavemap.ReadOnly, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		opened = append(opened, f)
		files = append(files, File{Name: p, File: f, Info: json.RawMessage(fmt.Sprintf(`{"file":%q}`, p)), Speakers: []string{"FL", "FR"}})
	}
	if opts == nil {
		opts = &Options{}
	}
	if opts.Peaks == nil {
		opts.Peaks = &wavemap.PeakIndexOptions{CacheDir: filepath.Join(t.TempDir(), "cache")}
	}
	s := New(context.Background(), files, opts)
	<-s.Ready()
	ts := httptest.NewServer(s)
	t.Cleanup(func() { ts.Close(); s.Close() })
	return s, ts, opened
}

// get fetches url and returns the status and body.
func get(t testing.TB, url string) (int, http.Header, []byte) {
	t.Helper()
	r, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return r.StatusCode, r.Header, b
}

// brute is the minimum and maximum of channel c over each pixel of the
// window, as Window defines them, in the decoded samples v.
func brute(v []float64, ch int, start, end int64, px, c int) []wavemap.MinMax {
	out := make([]wavemap.MinMax, px)
	n := end - start
	for k := range out {
		a, b := start+int64(k)*n/int64(px), start+int64(k+1)*n/int64(px)
		if b == a {
			b++
		}
		m := wavemap.MinMax{Min: math.Inf(1), Max: math.Inf(-1)}
		for i := a; i < b; i++ {
			x := v[int(i)*ch+c]
			m.Min, m.Max = min(m.Min, x), max(m.Max, x)
		}
		out[k] = m
	}
	return out
}

// TestEndpoints: every endpoint answers with the right type and content;
// /api/peaks gives exactly px pairs per channel, equal to the minimum and
// maximum of the samples (full precision) and to audiowaveform's 16- and
// 8-bit values of them, as .dat version 2 and as JSON, for f given by
// index or by name.
func TestEndpoints(t *testing.T) {
	dir := t.TempDir()
	const frames = 300007
	pa, va := testFile(t, dir, "a.wav", wavemap.EncodingInt24, 2, frames)
	pb, vb := testFile(t, dir, "b f32.wav", wavemap.EncodingFloat32, 1, frames/3)
	_, ts, opened := newTestServer(t, nil, pa, pb)

	for _, p := range []string{"/", "/index.html", "/app.js", "/app.css"} {
		code, h, body := get(t, ts.URL+p)
		if code != 200 || len(body) == 0 || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: %d, %d bytes, %v", p, code, len(body), h)
		}
		if p != "/app.css" && p != "/app.js" && !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("%s: CSP %q", p, h.Get("Content-Security-Policy"))
		}
		want := map[string]string{"/": "text/html", "/index.html": "text/html", "/app.js": "text/javascript", "/app.css": "text/css"}[p]
		if !strings.HasPrefix(h.Get("Content-Type"), want) {
			t.Errorf("%s: Content-Type %q", p, h.Get("Content-Type"))
		}
	}

	code, _, body := get(t, ts.URL+"/api/files")
	var list []fileJSON
	if err := json.Unmarshal(body, &list); code != 200 || err != nil {
		t.Fatalf("/api/files: %d %v %s", code, err, body)
	}
	if len(list) != 2 || list[0].Name != pa || list[0].Channels != 2 || list[0].Frames != frames || list[0].Encoding != "s24" ||
		!slices.Equal(list[0].Speakers, []string{"FL", "FR"}) || !list[0].Ready || list[1].Index != 1 || list[1].Speakers[0] != "FL" {
		t.Errorf("/api/files: %+v", list)
	}

	for _, f := range []string{"0", pa} {
		code, h, body := get(t, ts.URL+"/api/info?f="+urlQuery(f))
		if code != 200 || h.Get("Content-Type") != "application/json" || strings.TrimSpace(string(body)) != fmt.Sprintf(`{"file":%q}`, pa) {
			t.Errorf("/api/info?f=%s: %d %s", f, code, body)
		}
	}

	r := rand.New(rand.NewPCG(9, 9))
	for trial := range 40 {
		fi := trial % 2
		v, ch, n := va, 2, int64(frames)
		if fi == 1 {
			v, ch, n = vb, 1, frames/3
		}
		w := max(1, min(n, int64(math.Exp(r.Float64()*math.Log(float64(n))))))
		start := r.Int64N(n - w + 1)
		px := []int{1, 5, 640, 1601}[r.IntN(4)]
		f := []string{fmt.Sprint(fi), []string{pa, pb}[fi]}[r.IntN(2)]
		base := fmt.Sprintf("%s/api/peaks?f=%s&start=%d&end=%d&px=%d", ts.URL, urlQuery(f), start, start+w, px)

		// Full precision: the samples' extremes exactly.
		code, _, body := get(t, base+"&format=json&precision=full")
		var full struct {
			Channels, Length int
			Start, End       int64
			Precision        string
			Data             []float64
		}
		if err := json.Unmarshal(body, &full); code != 200 || err != nil {
			t.Fatalf("%s: %d %v %s", base, code, err, body)
		}
		if full.Channels != ch || full.Length != px || len(full.Data) != 2*px*ch || full.Start != start || full.End != start+w || full.Precision != "full" {
			t.Fatalf("%s: %d channels, %d pixels, %d values, [%d, %d)", base, full.Channels, full.Length, len(full.Data), full.Start, full.End)
		}
		for c := range ch {
			want := brute(v, ch, start, start+w, px, c)
			for k := range px {
				if full.Data[(k*ch+c)*2] != want[k].Min || full.Data[(k*ch+c)*2+1] != want[k].Max {
					t.Fatalf("%s: channel %d pixel %d: [%v, %v], want %v", base, c, k, full.Data[(k*ch+c)*2], full.Data[(k*ch+c)*2+1], want[k])
				}
			}
		}

		// The .dat body and the JSON: the pyramid's WindowPeaks.
		idx, err := wavemap.OpenPeaks(context.Background(), opened[fi], &wavemap.PeakIndexOptions{NoCache: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, bits := range []int{16, 8} {
			q := base
			if bits == 8 {
				q += "&bits=8"
			}
			want, err := idx.WindowPeaks(start, start+w, px, -1, bits)
			if err != nil {
				t.Fatal(err)
			}
			code, h, body := get(t, q)
			if code != 200 || h.Get("Content-Type") != "application/octet-stream" || h.Get("X-Wavemap-Start") != fmt.Sprint(start) || h.Get("X-Wavemap-End") != fmt.Sprint(start+w) {
				t.Fatalf("%s: %d %v", q, code, h)
			}
			got := parseDat(t, body)
			if got.version != 2 || got.bits != bits || got.rate != 8000 || got.length != px || got.channels != ch ||
				got.spp != max(1, int(w)/px) || !slices.Equal(got.data, want.Data) {
				t.Fatalf("%s: .dat %+v", q, got.header)
			}
			code, _, body = get(t, q+"&format=json")
			var j struct {
				Version, Channels, Bits, Length int
				Data                            []int16
			}
			if err := json.Unmarshal(body, &j); code != 200 || err != nil || j.Version != 2 || j.Bits != bits || j.Length != px || j.Channels != ch || !slices.Equal(j.Data, want.Data) {
				t.Fatalf("%s&format=json: %d %v", q, code, err)
			}
			// One channel.
			code, _, body = get(t, q+fmt.Sprintf("&ch=%d", ch-1))
			one := parseDat(t, body)
			if code != 200 || one.channels != 1 || len(one.data) != 2*px {
				t.Fatalf("%s&ch=%d: %d %+v", q, ch-1, code, one.header)
			}
			for k := range px {
				if one.data[2*k] != want.Data[(k*ch+ch-1)*2] || one.data[2*k+1] != want.Data[(k*ch+ch-1)*2+1] {
					t.Fatalf("%s&ch=%d: pixel %d differs", q, ch-1, k)
				}
			}
		}
		idx.Close()
	}

	// The default window is the whole file; HEAD answers without a body.
	code, _, body = get(t, ts.URL+"/api/peaks?f=1&px=10")
	if d := parseDat(t, body); code != 200 || d.length != 10 || d.spp != frames/3/10 {
		t.Errorf("whole file: %d %+v", code, d.header)
	}
	resp, err := http.Head(ts.URL + "/api/peaks?f=1&px=10")
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("HEAD: %v %v", resp, err)
	}

	// /f.dat is ComputePeaks's .dat.
	for _, tc := range []struct {
		q       string
		z, bits int
		split   bool
	}{{"z=256", 256, 16, false}, {"z=100&bits=8", 100, 8, false}, {"z=64&split=1", 64, 16, true}, {"z=1000&split=1&bits=8", 1000, 8, true}} {
		q := tc.q
		pk, err := wavemap.ComputePeaks(context.Background(), opened[0], &wavemap.PeaksOptions{SamplesPerPixel: tc.z, Bits: tc.bits, SplitChannels: tc.split})
		if err != nil {
			t.Fatal(err)
		}
		var want strings.Builder
		pk.WriteDat(&want)
		for range 2 { // computed, then from the cache
			code, _, body := get(t, ts.URL+"/f.dat?f=0&"+q)
			if code != 200 || string(body) != want.String() {
				t.Errorf("/f.dat?%s: %d, %d bytes, want %d", q, code, len(body), want.Len())
			}
		}
	}
}

func urlQuery(s string) string {
	return strings.NewReplacer("%", "%25", " ", "%20", "&", "%26", "+", "%2B", "#", "%23").Replace(s)
}

type datHeader struct{ version, bits, rate, spp, length, channels int }

type dat struct {
	header datHeader
	datHeader
	data []int16
}

// parseDat reads an audiowaveform .dat file.
func parseDat(t testing.TB, b []byte) dat {
	t.Helper()
	le := binary.LittleEndian
	if len(b) < 20 {
		t.Fatalf(".dat of %d bytes", len(b))
	}
	var d dat
	d.version, d.rate, d.spp, d.length = int(le.Uint32(b)), int(le.Uint32(b[8:])), int(le.Uint32(b[12:])), int(le.Uint32(b[16:]))
	d.bits = 16
	if le.Uint32(b[4:])&1 == 1 {
		d.bits = 8
	}
	d.channels, b = 1, b[20:]
	if d.version == 2 {
		d.channels, b = int(le.Uint32(b)), b[4:]
	}
	for len(b) > 0 {
		if d.bits == 8 {
			d.data, b = append(d.data, int16(int8(b[0]))), b[1:]
		} else {
			d.data, b = append(d.data, int16(le.Uint16(b))), b[2:]
		}
	}
	d.header = d.datHeader
	if len(d.data) != 2*d.length*d.channels {
		t.Fatalf(".dat: %d values for %d pixels of %d channels", len(d.data), d.length, d.channels)
	}
	return d
}

// TestBadRequests: every bad parameter gets 400 with a message naming
// it; unknown files 404; other methods 405; no request reaches a file
// that was not named, whatever its path tricks, and there is no listing.
func TestBadRequests(t *testing.T) {
	dir := t.TempDir()
	pa, _ := testFile(t, dir, "a.wav", wavemap.EncodingInt16, 2, 10000)
	if err := os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("TOPSECRET"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, ts, _ := newTestServer(t, nil, pa)
	for _, tc := range []struct{ url, want string }{
		{"/api/peaks?f=0", "missing parameter px"},
		{"/api/peaks?px=10", "missing parameter f"},
		{"/api/peaks?f=0&px=0", "px=0"},
		{"/api/peaks?f=0&px=-3", "px=-3"},
		{"/api/peaks?f=0&px=65537", "px=65537"},
		{"/api/peaks?f=0&px=99999999999999999999", "not an integer"},
		{"/api/peaks?f=0&px=1e3", "not an integer"},
		{"/api/peaks?f=0&px=ten", "not an integer"},
		{"/api/peaks?f=0&px=10&start=-1", "start=-1"},
		{"/api/peaks?f=0&px=10&start=10000", "start=10000"},
		{"/api/peaks?f=0&px=10&end=10001", "end=10001"},
		{"/api/peaks?f=0&px=10&end=0", "end=0"},
		{"/api/peaks?f=0&px=10&start=50&end=50", "want start < end"},
		{"/api/peaks?f=0&px=10&start=60&end=50", "want start < end"},
		{"/api/peaks?f=0&px=10&ch=2", "ch=2"},
		{"/api/peaks?f=0&px=10&ch=-1", "ch=-1"},
		{"/api/peaks?f=0&px=10&ch=x", "not an integer"},
		{"/api/peaks?f=0&px=10&bits=12", "bits=12"},
		{"/api/peaks?f=0&px=10&bits=24", "bits=24"},
		{"/api/peaks?f=0&px=10&format=xml", "format"},
		{"/api/peaks?f=0&px=10&precision=full", "needs format=json"},
		{"/api/peaks?f=0&px=10&precision=half&format=json", "precision"},
		{"/api/peaks?f=0&px=10&px=20", "given 2 times"},
		{"/api/peaks?f=0&px=10&zoom=3", "unknown parameter \"zoom\""},
		{"/api/peaks?f=0&px=10&%zz", "bad query"},
		{"/api/info", "missing parameter f"},
		{"/api/info?f=0&x=1", "unknown parameter"},
		{"/api/files?f=0", "takes none"},
		{"/?file=/etc/passwd", "takes none"},
		{"/f.dat?f=0", "missing parameter z"},
		{"/f.dat?f=0&z=0", "z=0"},
		{"/f.dat?f=0&z=abc", "not an integer"},
		{"/f.dat?f=0&z=256&bits=7", "bits=7"},
		{"/f.dat?f=0&z=256&split=yes", "split"},
		{"/f.dat?f=0&z=256&start=5", "unknown parameter"},
	} {
		code, h, body := get(t, ts.URL+tc.url)
		if code != http.StatusBadRequest || !strings.Contains(string(body), tc.want) || !strings.HasPrefix(h.Get("Content-Type"), "text/plain") {
			t.Errorf("%s: %d %q, want 400 saying %q", tc.url, code, body, tc.want)
		}
	}
	// Unknown files, and attempts to reach others.
	for _, f := range []string{"1", "-1", "00", "0x0", "+0", " 0", "a.wav", filepath.Join(dir, "secret.txt"), "../secret.txt",
		"..%2Fsecret.txt", "%2e%2e/secret.txt", "/etc/passwd", "file:///etc/passwd", dir, dir + "/", pa + "/", pa + "\x00", ""} {
		for _, p := range []string{"/api/info?f=", "/api/peaks?px=10&f=", "/f.dat?z=256&f="} {
			code, _, body := get(t, ts.URL+p+url.QueryEscape(f))
			if code != http.StatusNotFound || !strings.Contains(string(body), "is served") || strings.Contains(string(body), "TOPSECRET") {
				t.Errorf("%s%s: %d %q, want 404", p, f, code, body)
			}
		}
	}
	// Paths: only the page's four and the API's four exist.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, p := range []string{"/secret.txt", "/static/app.js", "/static/", "/api/", "/api", "/api/files/", "/api/files/0", "/a.wav",
		"/" + filepath.Base(pa), "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/app.js/", "/index.html/..", "/f.dat/x", "/favicon.ico",
		"/../../../etc/passwd", "//etc/passwd", "/api/../secret.txt"} {
		req, _ := http.NewRequest("GET", ts.URL+p, nil)
		req.URL.Opaque = p // as sent, unclean
		r, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		// A redirect to the cleaned path, which then does not exist, or
		// 404 at once: never a file's content.
		switch r.StatusCode {
		case http.StatusNotFound, http.StatusMovedPermanently, http.StatusTemporaryRedirect:
		case http.StatusForbidden: // "//etc/passwd" sent as an authority: Host "etc"
		default:
			t.Errorf("GET %s: %d %q", p, r.StatusCode, b)
		}
		if strings.Contains(string(b), "TOPSECRET") || strings.Contains(string(b), "RIFF") {
			t.Errorf("GET %s: %d %q", p, r.StatusCode, b)
		}
		if loc := r.Header.Get("Location"); loc != "" {
			// The cleaned path does not exist, or is the page itself.
			if code, _, b := get(t, ts.URL+loc); (code != http.StatusNotFound && loc != "/") || strings.Contains(string(b), "TOPSECRET") {
				t.Errorf("GET %s -> %s: %d", p, loc, code)
			}
		}
	}
	// Methods.
	for _, m := range []string{"POST", "PUT", "DELETE", "OPTIONS", "PATCH"} {
		req, _ := http.NewRequest(m, ts.URL+"/api/files", strings.NewReader("x"))
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusMethodNotAllowed || r.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: %d", m, r.StatusCode)
		}
	}
	// /f.dat too fine for the limit.
	big := filepath.Join(dir, "big.wav") // silence, never written: sparse
	bf, err := wavemap.Create(big, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 1, SampleRate: 8000}, MaxDatValues/2+10, nil)
	if err != nil {
		t.Fatal(err)
	}
	bf.Close()
	_, ts2, _ := newTestServer(t, nil, big)
	if code, _, body := get(t, ts2.URL+"/f.dat?f=0&z=1"); code != 400 || !strings.Contains(string(body), "use z >= 2") {
		t.Errorf("z=1 on a long file: %d %s", code, body)
	}
}

// TestHosts: a request naming another host (DNS rebinding) is refused
// unless AnyHost; loopback names and addresses are served.
func TestHosts(t *testing.T) {
	pa, _ := testFile(t, t.TempDir(), "a.wav", wavemap.EncodingInt16, 1, 1000)
	_, ts, _ := newTestServer(t, nil, pa)
	for host, want := range map[string]int{"evil.example": 403, "evil.example:80": 403, "10.0.0.1": 403, "localhost": 200,
		"LOCALHOST:8080": 200, "127.0.0.1:1": 200, "127.9.9.9": 200, "[::1]:8080": 200} {
		req, _ := http.NewRequest("GET", ts.URL+"/api/files", nil)
		req.Host = host
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != want {
			t.Errorf("Host %q: %d, want %d", host, r.StatusCode, want)
		}
	}
	_, ts, _ = newTestServer(t, &Options{AnyHost: true}, pa)
	req, _ := http.NewRequest("GET", ts.URL+"/api/files", nil)
	req.Host = "wave.example"
	if r, err := http.DefaultClient.Do(req); err != nil || r.StatusCode != 200 {
		t.Errorf("AnyHost: %v %v", r, err)
	}
}

// TestChangedFiles: a file truncated, appended to, touched, rewritten,
// replaced or removed while served gets 409 with a message, and the
// server goes on serving the others; nothing crashes.
func TestChangedFiles(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i := range 6 {
		p, _ := testFile(t, dir, fmt.Sprintf("c%d.wav", i), wavemap.EncodingInt16, 2, 200000)
		paths = append(paths, p)
	}
	ok, _ := testFile(t, dir, "ok.wav", wavemap.EncodingInt16, 2, 1000)
	other, _ := testFile(t, dir, "other.wav", wavemap.EncodingInt16, 2, 200000)
	_, ts, _ := newTestServer(t, nil, append(paths, ok)...)
	later := time.Now().Add(time.Hour)
	changes := []struct {
		what, want string
		do         func(p string) error
	}{
		{"truncated", "bytes, now", func(p string) error { return os.Truncate(p, 4096) }},
		{"appended to", "bytes, now", func(p string) error {
			f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
			if err == nil {
				_, err = f.Write([]byte("more"))
				f.Close()
			}
			return err
		}},
		{"touched", "modified", func(p string) error { return os.Chtimes(p, later, later) }},
		{"truncated and regrown", "modified", func(p string) error {
			st, _ := os.Stat(p)
			os.Truncate(p, 100)
			err := os.Truncate(p, st.Size())
			os.Chtimes(p, later, later)
			return err
		}},
		{"replaced", "replaced", func(p string) error {
			b, _ := os.ReadFile(other)
			tmp := p + ".new"
			os.WriteFile(tmp, b, 0o644)
			return os.Rename(tmp, p)
		}},
		{"removed", "changed on disk", os.Remove},
	}
	if len(changes) != len(paths) {
		t.Fatal("one file per change")
	}
	for i, c := range changes {
		if err := c.do(paths[i]); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"/api/peaks?px=100&f=", "/api/peaks?px=7&start=150000&end=160000&f=", "/api/info?f=", "/f.dat?z=256&f="} {
			code, _, body := get(t, ts.URL+q+fmt.Sprint(i))
			if code != http.StatusConflict || !strings.Contains(string(body), c.want) {
				t.Errorf("%s file, %s: %d %q, want 409 saying %q", c.what, q, code, body, c.want)
			}
		}
	}
	if code, _, _ := get(t, ts.URL+"/api/peaks?px=100&f="+fmt.Sprint(len(paths))); code != 200 {
		t.Errorf("the unchanged file: %d", code)
	}
}

// TestFaultAnswered: a fault reading a mapping, should a file be cut
// short between the check and the read, is answered 500 with a message.
func TestFaultAnswered(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("a mapped file cannot be truncated on Windows")
	}
	dir := t.TempDir()
	p, _ := testFile(t, dir, "f.wav", wavemap.EncodingInt16, 1, 200000)
	s, ts, _ := newTestServer(t, &Options{Peaks: &wavemap.PeakIndexOptions{NoCache: true}}, p)
	if err := os.Truncate(p, 4096); err != nil {
		t.Fatal(err)
	}
	s.files[0].stErr = os.ErrNotExist // skip the check, as if the cut came after it
	code, _, body := get(t, ts.URL+"/api/peaks?f=0&start=150000&end=150100&px=10")
	if code != http.StatusInternalServerError || !strings.Contains(string(body), "truncated") {
		t.Errorf("read past a truncation: %d %q", code, body)
	}
}

// TestConcurrentRequests: many windows at once (run with -race).
func TestConcurrentRequests(t *testing.T) {
	p, v := testFile(t, t.TempDir(), "a.wav", wavemap.EncodingInt16, 2, 500000)
	_, ts, _ := newTestServer(t, nil, p)
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 8 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for range 10 {
				start := r.Int64N(400000)
				end := start + 1 + r.Int64N(100000)
				url := fmt.Sprintf("%s/api/peaks?f=0&start=%d&end=%d&px=300&ch=1&format=json&precision=full", ts.URL, start, end)
				resp, err := http.Get(url)
				if err != nil {
					errs <- err.Error()
					return
				}
				var j struct{ Data []float64 }
				err = json.NewDecoder(resp.Body).Decode(&j)
				resp.Body.Close()
				want := brute(v, 2, start, end, 300, 1)
				for k := range want {
					if err != nil || j.Data[2*k] != want[k].Min || j.Data[2*k+1] != want[k].Max {
						errs <- fmt.Sprintf("%s: pixel %d (%v)", url, k, err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
