package wavemap_test

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"testing"
)

// needTool skips the test when an independent tool (sox, ffmpeg, ffprobe)
// is missing, except in CI, where WAVEMAP_REQUIRE_TOOLS=1 makes it fail.
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("WAVEMAP_REQUIRE_TOOLS") != "" {
			t.Fatalf("%s is required (WAVEMAP_REQUIRE_TOOLS is set) but not installed", name)
		}
		t.Skipf("%s not installed: install it (apt-get install sox ffmpeg) to run this check", name)
	}
	return p
}

// run runs a command and returns its standard output, failing the test
// with the command's standard error if it fails.
func run(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, stderr.Bytes())
	}
	return out
}

// soxFloat64 decodes a file with sox to interleaved float64 samples, in
// sox's own scaling (integer x of n bits -> x / 2^(n-1)).
func soxFloat64(t testing.TB, path string) []float64 {
	t.Helper()
	needTool(t, "sox")
	out := run(t, "sox", "-V1", path, "-t", "raw", "-e", "floating-point", "-b", "64", "-L", "-")
	return leFloat64s(out)
}

// ffmpegFloat64 decodes a file with ffmpeg to interleaved float64 samples.
func ffmpegFloat64(t testing.TB, path string) []float64 {
	t.Helper()
	needTool(t, "ffmpeg")
	out := run(t, "ffmpeg", "-v", "error", "-i", path, "-f", "f64le", "-")
	return leFloat64s(out)
}

func leFloat64s(b []byte) []float64 {
	v := make([]float64, len(b)/8)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return v
}

var execLookPath = exec.LookPath
