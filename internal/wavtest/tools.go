package wavtest

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// RequireToolsEnv is the environment variable that turns a missing
// reference tool from a skip into a failure when it is not empty.
const RequireToolsEnv = "WAVEMAP_REQUIRE_TOOLS"

// Need returns the path of the named executable. When it is not on the
// PATH, Need skips the test, or fails it if RequireToolsEnv is set.
func Need(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv(RequireToolsEnv) != "" {
		t.Fatalf("%s is required (%s is set) but not found: %v", name, RequireToolsEnv, err)
	}
	t.Skipf("%s not installed: install it (apt-get install sox ffmpeg) to run this check", name)
	return ""
}

// Have reports whether the named executable is on the PATH, for a check
// that a test makes only when it can. When RequireToolsEnv is set, a
// missing tool fails the test instead, as with Need.
func Have(t testing.TB, name string) bool {
	t.Helper()
	if os.Getenv(RequireToolsEnv) != "" {
		Need(t, name)
		return true
	}
	_, err := exec.LookPath(name)
	return err == nil
}

// Run runs the named tool (looked up with Need) and returns its standard
// output. If the command fails, the test fails with the command line, the
// error and the command's standard error.
func Run(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	out, _ := run(t, nil, name, args)
	return out
}

// RunInput is Run with stdin as the command's standard input.
func RunInput(t testing.TB, stdin []byte, name string, args ...string) []byte {
	t.Helper()
	out, _ := run(t, bytes.NewReader(stdin), name, args)
	return out
}

// RunStderr is Run for tools that report on standard error (sox's stats
// effect): it returns what the command wrote there.
func RunStderr(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	_, errOut := run(t, nil, name, args)
	return errOut
}

func run(t testing.TB, stdin io.Reader, name string, args []string) (stdout, stderr []byte) {
	t.Helper()
	cmd := exec.Command(Need(t, name), args...)
	cmd.Stdin = stdin
	var outBuf, errBuf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &outBuf, &errBuf
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %q: %v\nstderr:\n%s", name, args, err, errBuf.Bytes())
	}
	return outBuf.Bytes(), errBuf.Bytes()
}

// SoxFloat64 decodes a file with sox to interleaved float64 samples in
// sox's own scaling: an integer x of n bits becomes x / 2^(n-1).
func SoxFloat64(t testing.TB, path string) []float64 {
	t.Helper()
	return DecodeF64(Run(t, "sox", "-V1", path, "-t", "raw", "-e", "floating-point", "-b", "64", "-L", "-"))
}

// FFmpegFloat64 decodes a file with ffmpeg to interleaved float64 samples.
func FFmpegFloat64(t testing.TB, path string) []float64 {
	t.Helper()
	return DecodeF64(Run(t, "ffmpeg", "-v", "error", "-i", path, "-f", "f64le", "-"))
}

// SoxStats runs `sox -V1 path -n stats` and returns its table: the row
// name ("DC offset", "Pk lev dB", ...) to the row's values, one per
// channel. For a file of several channels the Overall column is left out,
// except in the rows that have no other ("Num samples", "Length s", ...).
// Rows whose values are not numbers ("Bit-depth 16/16") are left out.
func SoxStats(t testing.TB, path string) map[string][]float64 {
	t.Helper()
	return parseSoxStats(RunStderr(t, "sox", "-V1", path, "-n", "stats"))
}

// soxStatsRows are the names of the rows sox 14.4 prints.
var soxStatsRows = []string{
	"DC offset", "Min level", "Max level", "Pk lev dB", "RMS lev dB", "RMS Pk dB", "RMS Tr dB",
	"Crest factor", "Flat factor", "Pk count", "Bit-depth", "Num samples", "Length s", "Scale max", "Window s",
}

func parseSoxStats(out []byte) map[string][]float64 {
	rows := map[string][]float64{}
	multi := false // a heading "Overall Left Right" precedes the rows
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if f := strings.Fields(line); len(f) > 0 && f[0] == "Overall" {
			multi = true
			continue
		}
		for _, name := range soxStatsRows {
			rest, ok := strings.CutPrefix(line, name+" ")
			if !ok {
				continue
			}
			fields := strings.Fields(rest)
			if multi && len(fields) > 1 {
				fields = fields[1:]
			}
			vals := make([]float64, 0, len(fields))
			for _, s := range fields {
				v, err := strconv.ParseFloat(s, 64)
				if err != nil {
					vals = nil
					break
				}
				vals = append(vals, v)
			}
			if len(vals) > 0 {
				rows[name] = vals
			}
			break
		}
	}
	return rows
}
