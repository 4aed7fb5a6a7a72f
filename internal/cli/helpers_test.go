package cli

// Test helpers of the CLI tests, all in this file: running the command in
// process (and, for the few end-to-end tests, as a built binary), running
// the independent tools (sox, ffmpeg), hand-made WAVE headers and file
// comparisons.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wavemap/wavemap"
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
	needTool(t, "go")
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

// needTool skips the test when an independent tool is missing, except
// when WAVEMAP_REQUIRE_TOOLS is set (CI), where it fails.
func needTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("WAVEMAP_REQUIRE_TOOLS") != "" {
			t.Fatalf("%s is required (WAVEMAP_REQUIRE_TOOLS is set) but not installed", name)
		}
		t.Skipf("%s not installed: install it (apt-get install sox ffmpeg) to run this check", name)
	}
}

// tool runs an independent tool and returns its standard output, failing
// the test if it fails (and skipping it if the tool is missing, see
// needTool).
func tool(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	needTool(t, name)
	cmd := exec.Command(name, args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, errb.String())
	}
	return out
}

// toolToFile runs a shell-free pipeline "name args | file": the tool
// writes a WAVE file to a pipe, where it cannot seek back to fix its
// sizes.
func toolToFile(t *testing.T, path, name string, args ...string) {
	t.Helper()
	needTool(t, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(name, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ReadFrom(stdout); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%s %q: %v", name, args, err)
	}
}

// soxStats runs sox's stats effect on path and returns its table: row
// name -> values, one per channel (without the Overall column).
func soxStats(t *testing.T, path string) map[string][]float64 {
	t.Helper()
	needTool(t, "sox")
	cmd := exec.Command("sox", path, "-n", "stats")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("sox stats %s: %v\n%s", path, err, errb.String())
	}
	rows := map[string][]float64{}
	multi := false
	for _, line := range strings.Split(errb.String(), "\n") {
		if strings.Contains(line, "Overall") {
			multi = true
			continue
		}
		name, rest, ok := strings.Cut(line, "  ") // names have single spaces
		if !ok || strings.HasPrefix(line, "sox") {
			continue
		}
		fields := strings.Fields(rest)
		if multi && len(fields) > 1 {
			fields = fields[1:]
		}
		var vals []float64
		for _, f := range fields {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				vals = nil
				break
			}
			vals = append(vals, v)
		}
		if vals != nil {
			rows[name] = vals
		}
	}
	return rows
}

// soxInfo returns the sample encoding, channels and sample rate sox
// reads from path's header.
func soxInfo(t *testing.T, path string) (encoding string, channels, rate int) {
	t.Helper()
	for _, line := range strings.Split(string(tool(t, "sox", "--i", path)), "\n") {
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
	return strings.TrimSpace(string(tool(t, "ffprobe", "-v", "error", "-select_streams", "a:0",
		"-show_entries", "stream="+entry, "-of", "default=nw=1:nk=1", path)))
}

// decodeS16 has sox decode path to signed 16-bit samples (no dither), an
// independent reading of the file's values.
func decodeS16(t *testing.T, path string) []int16 {
	t.Helper()
	b := tool(t, "sox", "-D", path, "-t", "raw", "-e", "signed", "-b", "16", "-L", "-")
	s := make([]int16, len(b)/2)
	for i := range s {
		s[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return s
}

// decodeSoxF64 has sox decode path to float64 samples, interleaved. sox
// works in 32-bit integers: exact for integer and G.711 files, but floats
// are clipped to full scale and rounded to 32 bits.
func decodeSoxF64(t *testing.T, path string) []float64 {
	t.Helper()
	b := tool(t, "sox", "-D", path, "-t", "raw", "-e", "floating-point", "-b", "64", "-L", "-")
	s := make([]float64, len(b)/8)
	for i := range s {
		s[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return s
}

// decodeF64 has ffmpeg decode path to float64 samples, interleaved.
// ffmpeg does not clip floats past full scale, which sox does.
func decodeF64(t *testing.T, path string) []float64 {
	t.Helper()
	b := tool(t, "ffmpeg", "-hide_banner", "-loglevel", "error", "-i", path, "-f", "f64le", "-c:a", "pcm_f64le", "-")
	s := make([]float64, len(b)/8)
	for i := range s {
		s[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return s
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

func hashFile(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// digest returns the sha256 and permissions of a file, or a description
// of what is at path when it is not a regular file.
func digest(t *testing.T, path string) string {
	t.Helper()
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
func outputJSONOf(t *testing.T, r result) outputJSON {
	t.Helper()
	var j outputJSON
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

// pcmHeader builds a RIFF WAVE file by hand (no library code) with the
// given format tag and dataBytes zero bytes of data. Tag 2 (Microsoft
// ADPCM) gets a coefficient block: a well-formed file of a codec the
// library cannot map.
func pcmHeader(tag, channels, rate, bits, dataBytes int) []byte {
	le := binary.LittleEndian
	align := max(1, channels*bits/8)
	fmtc := le.AppendUint16(nil, uint16(tag))
	fmtc = le.AppendUint16(fmtc, uint16(channels))
	fmtc = le.AppendUint32(fmtc, uint32(rate))
	fmtc = le.AppendUint32(fmtc, uint32(rate*align))
	fmtc = le.AppendUint16(fmtc, uint16(align))
	fmtc = le.AppendUint16(fmtc, uint16(bits))
	if tag == 2 { // ADPCM: cbSize and a coefficient block
		fmtc = le.AppendUint16(fmtc, 32)
		fmtc = append(fmtc, make([]byte, 32)...)
	}
	body := []byte("WAVEfmt ")
	body = le.AppendUint32(body, uint32(len(fmtc)))
	body = append(body, fmtc...)
	body = append(body, "data"...)
	body = le.AppendUint32(body, uint32(dataBytes))
	body = append(body, make([]byte, dataBytes)...)
	out := le.AppendUint32([]byte("RIFF"), uint32(len(body)))
	return append(out, body...)
}

// streamingWAV is a 16-bit mono file whose RIFF and data sizes are the
// 0xFFFFFFFF placeholders a streaming writer leaves, holding 5 samples.
func streamingWAV() []byte {
	le := binary.LittleEndian
	b := []byte("RIFF\xff\xff\xff\xffWAVEfmt ")
	b = le.AppendUint32(b, 16)
	b = le.AppendUint16(b, 1)    // PCM
	b = le.AppendUint16(b, 1)    // mono
	b = le.AppendUint32(b, 8000) // rate
	b = le.AppendUint32(b, 16000)
	b = le.AppendUint16(b, 2)
	b = le.AppendUint16(b, 16)
	b = append(b, "data\xff\xff\xff\xff"...)
	for _, v := range []int16{100, -200, 300, -400, 500} {
		b = le.AppendUint16(b, uint16(v))
	}
	return b
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
		before = hashFile(t, b.path)
	}
	full := make([]string, len(args))
	for i, a := range args {
		full[i] = strings.ReplaceAll(a, "@", b.path)
	}
	r := runCLI(t, full...)
	msg := strings.TrimSuffix(r.stderr, "\n")
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
	if b.exists && hashFile(t, b.path) != before {
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
