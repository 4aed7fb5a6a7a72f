package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wavemap/wavemap"
)

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServe runs 'wavemap serve' in process on a free loopback port and
// returns its base URL and a function that interrupts it (as SIGINT
// does) and returns its exit code and standard error.
func startServe(t *testing.T, args ...string) (string, func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var errb lockedBuffer
	code := make(chan int, 1)
	go func() {
		code <- Main(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), pw, &errb)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	if err != nil {
		cancel()
		t.Fatalf("serve: %v\n%s", err, errb.String())
	}
	i := strings.Index(line, "http://")
	if i < 0 {
		t.Fatalf("serve printed %q", line)
	}
	url := strings.TrimSuffix(strings.Fields(line[i:])[0], "/")
	stop := func() (int, string) {
		cancel()
		select {
		case c := <-code:
			return c, errb.String()
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not stop within 20 s of its interruption")
		}
		return 0, ""
	}
	return url, stop
}

func httpGet(t *testing.T, url string) (int, []byte) {
	t.Helper()
	r, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r.StatusCode, b
}

// TestServeCommand runs 'wavemap serve' on two files: /f.dat?z=256 (and
// its split-channel and 8-bit forms) is byte for byte what 'wavemap
// peaks -z 256' writes, /api/info is what 'info --json' prints, the
// lanes are named after the channel mask, and an interruption (SIGINT)
// stops the server cleanly with exit code 0.
func TestServeCommand(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "take.wav")
	mustRun(t, "gen", "--seconds", "20", "--rate", "8000", "--channels", "2", "--signal", "noise", in)
	quad := filepath.Join(dir, "quad.wav")
	f, err := wavemap.Create(quad, wavemap.Format{Encoding: wavemap.EncodingInt24, Channels: 4, SampleRate: 8000, ChannelMask: 0x33}, 8000, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	url, stop := startServe(t, "--cache", filepath.Join(dir, "cache"), in, quad)

	for _, tc := range []struct{ query, flags string }{
		{"z=256", "-z 256"},
		{"z=256&split=1", "-z 256 --split-channels"},
		{"z=512&bits=8", "-z 512 -b 8"},
		{"z=100&split=1&bits=8", "-z 100 --split-channels -b 8"},
	} {
		out := filepath.Join(dir, "p.dat")
		mustRun(t, append(append([]string{"peaks", "-q"}, strings.Fields(tc.flags)...), in, out)...)
		want, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"0", in} {
			code, got := httpGet(t, url+"/f.dat?f="+strings.ReplaceAll(f, "/", "%2F")+"&"+tc.query)
			if code != 200 || !bytes.Equal(got, want) {
				t.Errorf("/f.dat?f=%s&%s: %d, %d bytes; 'wavemap peaks %s' wrote %d bytes, not the same", f, tc.query, code, len(got), tc.flags, len(want))
			}
		}
	}

	info := mustRun(t, "info", "--json", in).stdout
	code, got := httpGet(t, url+"/api/info?f=0")
	if code != 200 || strings.TrimSpace(string(got)) != strings.TrimSpace(info) {
		t.Errorf("/api/info differs from info --json:\n%s\n%s", got, info)
	}

	code, got = httpGet(t, url+"/api/files")
	var files []struct {
		Name     string
		Speakers []string
	}
	if err := json.Unmarshal(got, &files); code != 200 || err != nil || len(files) != 2 {
		t.Fatalf("/api/files: %d %v %s", code, err, got)
	}
	if !slices.Equal(files[0].Speakers, []string{"", ""}) || !slices.Equal(files[1].Speakers, []string{"FL", "FR", "BL", "BR"}) {
		t.Errorf("speakers: %+v", files)
	}
	if code, got := httpGet(t, url+"/"); code != 200 || !strings.Contains(string(got), "app.js") {
		t.Errorf("/: %d", code)
	}

	exit, stderr := stop()
	if exit != 0 || !strings.Contains(stderr, "stopped") || !strings.Contains(stderr, "waveform built") {
		t.Errorf("interrupted serve: exit %d\n%s", exit, stderr)
	}
	if _, err := http.Get(url + "/api/files"); err == nil {
		t.Error("still serving after the interruption")
	}
	// A second run reads the cache files.
	_, stop = startServe(t, "--cache", filepath.Join(dir, "cache"), in, quad)
	time.Sleep(100 * time.Millisecond)
	if _, stderr := stop(); !strings.Contains(stderr, "waveform read from") {
		t.Errorf("second run:\n%s", stderr)
	}
}

// TestServeUsage: a non-loopback address needs --public; bad addresses,
// no files and unreadable files are refused before anything is served.
func TestServeUsage(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "a.wav")
	mustRun(t, "gen", "--seconds", "1", in)
	for _, addr := range []string{"0.0.0.0:8080", ":8080", "192.168.1.5:80", "[::]:80", "example.com:80", "nonsense", "127.0.0.1"} {
		r := runCLI(t, "serve", "--addr", addr, in)
		if r.code != exitUsage || !strings.Contains(r.stderr, "--addr") {
			t.Errorf("serve --addr %s: exit %d, %s", addr, r.code, r.stderr)
		}
	}
	if r := runCLI(t, "serve"); r.code != exitUsage {
		t.Errorf("serve without files: exit %d", r.code)
	}
	if r := runCLI(t, "serve", "--addr", "127.0.0.1:0", filepath.Join(dir, "missing.wav")); r.code != exitFailure || !strings.Contains(r.stderr, "missing.wav") {
		t.Errorf("serve of a missing file: exit %d, %s", r.code, r.stderr)
	}
	if r := runCLI(t, "serve", "--addr", "127.0.0.1:0", "-"); r.code != exitUsage {
		t.Errorf("serve -: exit %d", r.code)
	}
}

// TestServeJSON: with --json, serve prints one object in the schema when
// it listens, with the address it took.
func TestServeJSON(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "take.wav")
	mustRun(t, "gen", "--frames", "48000", in)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"serve", "--json", "--no-cache", "--addr", "127.0.0.1:0", in}, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	if err != nil {
		t.Fatal(err)
	}
	validateLine(t, compileSchema(t), strings.TrimSuffix(line, "\n"))
	var j serveJSON
	if err := json.Unmarshal([]byte(line), &j); err != nil || len(j.Inputs) != 1 || j.Inputs[0].File != in || j.Inputs[0].Frames != 48000 {
		t.Fatalf("serve --json: %v %s", err, line)
	}
	if code, _ := httpGet(t, j.URL+"api/files"); code != 200 {
		t.Errorf("GET %sapi/files: %d", j.URL, code)
	}
	cancel()
	if c := <-done; c != exitOK && c != exitInterrupted {
		t.Errorf("serve stopped with %d", c)
	}
}
