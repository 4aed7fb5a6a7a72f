package cli

// The CLI tests' own helpers, all in this file: running the command in
// process (and, for the few end-to-end tests, as a built binary), the
// sox/ffmpeg/ffprobe invocations only these tests make, bad inputs and
// file comparisons. Tool lookup (honouring WAVEMAP_REQUIRE_TOOLS), header
// builders, sox stats, decoding and hashing come from internal/wavtest.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// result is what one run of the command produced.
type result struct {
	stdout, stderr string
	code           int
}

// runCLI runs the command line args in process, through Main, with an
// empty standard input and buffers for the outputs (not a terminal: no
// progress bar).
func runCLI(t testing.TB, args ...string) result {
	t.Helper()
	return runCLIContext(t, context.Background(), args...)
}

// runCLIContext is runCLI with the context Main runs under.
func runCLIContext(t testing.TB, ctx context.Context, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(ctx, args, strings.NewReader(""), &out, &errb)
	return result{stdout: out.String(), stderr: errb.String(), code: code}
}

// mustRun runs the command line in process and fails the test unless it
// exits 0.
func mustRun(t testing.TB, args ...string) result {
	t.Helper()
	r := runCLI(t, args...)
	if r.code != 0 {
		t.Fatalf("wavemap %q: exit %d\nstdout: %s\nstderr: %s", args, r.code, r.stdout, r.stderr)
	}
	return r
}

// The wavemap binary, built on first use by the end-to-end tests (signals
// and exit codes as a shell sees them) and removed by TestMain.
var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

// wavemapBinary returns the path of a wavemap binary built from this
// tree, building it the first time. It needs the go command.
func wavemapBinary(t *testing.T) string {
	t.Helper()
	wavtest.Need(t, "go")
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "wavemap-cli")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "wavemap")
		if runtime.GOOS == "windows" {
			binPath += ".exe"
		}
		build := exec.Command("go", "build", "-o", binPath, "github.com/wavemap/wavemap/cmd/wavemap")
		if out, err := build.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("building the wavemap binary: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// toolToFile runs "name args > path" through a pipe: the tool writes a
// WAVE file to its standard output, where it cannot seek back to fix its
// sizes.
func toolToFile(t *testing.T, path, name string, args ...string) {
	t.Helper()
	if err := os.WriteFile(path, wavtest.Run(t, name, args...), 0o666); err != nil {
		t.Fatal(err)
	}
}

// soxInfo returns the sample encoding, channels and sample rate sox
// reads from path's header.
func soxInfo(t *testing.T, path string) (encoding string, channels, rate int) {
	t.Helper()
	for _, line := range strings.Split(string(wavtest.Run(t, "sox", "--i", path)), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "Sample Encoding":
			encoding = v
		case "Channels":
			channels, _ = strconv.Atoi(v)
		case "Sample Rate":
			rate, _ = strconv.Atoi(v)
		}
	}
	return encoding, channels, rate
}

// ffprobeEntry returns ffprobe's value of one entry of the first audio
// stream.
func ffprobeEntry(t *testing.T, path, entry string) string {
	t.Helper()
	return strings.TrimSpace(string(wavtest.Run(t, "ffprobe", "-v", "error", "-select_streams", "a:0",
		"-show_entries", "stream="+entry, "-of", "default=nw=1:nk=1", path)))
}

// readFloat32 reads the samples of an f32 file with the library.
func readFloat32(t *testing.T, path string) []float32 {
	t.Helper()
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := wavemap.Samples[float32](f)
	if err != nil {
		t.Fatal(err)
	}
	return append([]float32(nil), s...)
}

// readS16 reads the samples of an s16 file with the library.
func readS16(t *testing.T, path string) []int16 {
	t.Helper()
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := wavemap.Samples[int16](f)
	if err != nil {
		t.Fatal(err)
	}
	return append([]int16(nil), s...)
}

// digest returns the sha256 and permissions of a file, or a description
// of what is at path when it is not a regular file.
func digest(t *testing.T, path string) string {
	t.Helper()
	if lst, err := os.Lstat(path); err == nil && lst.Mode()&fs.ModeSymlink != 0 {
		target, err := os.Readlink(path)
		if err != nil {
			t.Fatal(err)
		}
		return "symlink to " + target
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "missing"
	case err != nil:
		t.Fatal(err)
	case st.IsDir():
		return "directory"
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:]) + " " + st.Mode().Perm().String()
}

// decodeS16 has sox decode path to signed 16-bit samples (no dither), an
// independent reading of the file's values.
func decodeS16(t *testing.T, path string) []int16 {
	t.Helper()
	return wavtest.DecodeS16(wavtest.Run(t, "sox", "-D", path, "-t", "raw", "-e", "signed", "-b", "16", "-L", "-"))
}

// pcmHeader returns a RIFF WAVE file, built by wavtest byte by byte, with
// the given format tag and dataBytes zero bytes of data. Tag 2 (Microsoft
// ADPCM) gets a cbSize and coefficient block: a well-formed file of a
// codec the library cannot map.
func pcmHeader(tag, channels, rate, bits, dataBytes int) []byte {
	fmtc := wavtest.FmtPCM(uint16(tag), channels, rate, bits, max(1, channels*bits/8))
	if tag == 2 {
		fmtc = wavtest.Cat(fmtc, wavtest.LE16(32), make([]byte, 32))
	}
	return wavtest.RIFF(wavtest.Chunk("fmt ", fmtc), wavtest.Chunk("data", make([]byte, dataBytes)))
}

// streamingWAV is a 16-bit mono file whose RIFF and data sizes are the
// 0xFFFFFFFF placeholders a streaming writer leaves, holding 5 samples.
func streamingWAV() []byte {
	return wavtest.Wave("RIFF", 0xFFFFFFFF, wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 16, 2)),
		wavtest.RawChunk("data", 0xFFFFFFFF, wavtest.S16(100, -200, 300, -400, 500), true))
}

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// sameBytes fails unless got and want are the same bytes, saying where
// they first differ.
func sameBytes(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if len(want) == 0 {
		t.Fatalf("%s: the reference decode is empty", what)
	}
	if bytes.Equal(got, want) {
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	t.Errorf("%s: %d bytes, reference %d bytes, first difference at byte %d", what, len(got), len(want), i)
}

// outputJSONOf decodes the --json line of cut, cat or raw.
func outputJSONOf(t *testing.T, r result) madeJSON {
	t.Helper()
	var j madeJSON
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
		t.Fatalf("--json output %q: %v", r.stdout, err)
	}
	return j
}

// dataSizeOffset returns the byte offset of the data chunk's size field,
// found by searching the file's bytes.
func dataSizeOffset(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte("data"))
	if i < 0 {
		t.Fatalf("%s has no data chunk", path)
	}
	return i + 4
}

// badInput is one input that every command must refuse.
type badInput struct {
	what, path string
	exists     bool // a file whose bytes must not change
}

// badInputs makes the inputs every file-reading command must refuse with
// a one-line error naming the file.
func badInputs(t *testing.T) []badInput {
	t.Helper()
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	if err := os.Mkdir(p("dir.wav"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) {
		if err := os.WriteFile(p(name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("empty.wav", nil)
	write("text.wav", []byte("this is not audio at all, just a line of text\n"))
	full := pcmHeader(1, 1, 8000, 16, 100)
	write("truncated.wav", full[:30])
	write("adpcm.wav", pcmHeader(2, 1, 8000, 4, 256))
	return []badInput{
		{"missing file", p("missing.wav"), false},
		{"directory", p("dir.wav"), false},
		{"empty file", p("empty.wav"), true},
		{"text file", p("text.wav"), true},
		{"truncated header", p("truncated.wav"), true},
		{"ADPCM codec", p("adpcm.wav"), true},
	}
}

// checkRefused runs args (with the bad input's path in place of "@") and
// checks for exit 1, a one-line message naming the file, and an input
// left as it was.
func checkRefused(t *testing.T, b badInput, args ...string) {
	t.Helper()
	var before [32]byte
	if b.exists {
		before = wavtest.HashFile(t, b.path)
	}
	full := make([]string, len(args))
	for i, a := range args {
		full[i] = strings.ReplaceAll(a, "@", b.path)
	}
	r := runCLI(t, full...)
	msg := errorMessage(r.stderr)
	switch {
	case r.code != 1:
		t.Errorf("%s: %q exit %d, want 1 (stderr %q)", b.what, full, r.code, r.stderr)
	case msg == "" || strings.Contains(msg, "\n"):
		t.Errorf("%s: want a one-line error, got %q", b.what, r.stderr)
	case !strings.Contains(msg, b.path):
		t.Errorf("%s: error %q does not name %s", b.what, msg, b.path)
	case !strings.HasPrefix(msg, "wavemap "+args[0]+": "):
		t.Errorf("%s: error %q does not name the command", b.what, msg)
	}
	if b.exists && wavtest.HashFile(t, b.path) != before {
		t.Errorf("%s: %q changed the input", b.what, full)
	}
}

// writable reports whether this process can open path for writing.
func writable(path string) bool {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// makeImmutable makes path unwritable even for root, with chattr +i on
// Linux, or skips the test.
func makeImmutable(t *testing.T, path string) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("this user can write to a 0444 file: read-only inputs cannot be tested")
	}
	if _, err := exec.LookPath("chattr"); err != nil {
		t.Skip("this user can write to a 0444 file and chattr is missing: read-only inputs cannot be tested")
	}
	if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		t.Skipf("this user can write to a 0444 file and chattr +i fails (%v: %s): read-only inputs cannot be tested", err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
	if writable(path) {
		t.Skip("the file is writable even after chmod 0444 and chattr +i")
	}
}

// errorMessage returns the error message on stderr without its final
// newline and without the one-line hint that follows a usage error
// ("run 'wavemap CMD --help' for usage"), which the conventions test
// checks on its own.
func errorMessage(stderr string) string {
	msg := strings.TrimSuffix(stderr, "\n")
	if i := strings.LastIndex(msg, "\nrun 'wavemap "); i >= 0 && strings.HasSuffix(msg, " --help' for usage") {
		msg = msg[:i]
	}
	return msg
}
