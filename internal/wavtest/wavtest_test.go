package wavtest

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// missingTool is a name no PATH holds.
const missingTool = "wavtest-no-such-tool-7f3a"

// fakeTB records how a helper ends a test. Skipf and Fatalf stop the
// calling goroutine as the real ones do; any other method of testing.TB
// panics (nil embedded interface), so an unexpected call shows.
type fakeTB struct {
	testing.TB
	skipped, failed bool
	msg             string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Skipf(format string, args ...any) {
	f.skipped, f.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed, f.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// callFake runs fn with a fakeTB in its own goroutine, as a test runs.
func callFake(fn func(testing.TB)) *fakeTB {
	f := &fakeTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	return f
}

// TestNeedMissing checks Need, Have and Run on a missing tool: a skip
// without RequireToolsEnv, a failure with it.
func TestNeedMissing(t *testing.T) {
	for _, c := range []struct {
		env    string
		fail   bool   // false: skip
		msgHas string // besides the tool's name
	}{
		{"", false, "not installed"},
		{"1", true, RequireToolsEnv},
	} {
		t.Run("env="+c.env, func(t *testing.T) {
			t.Setenv(RequireToolsEnv, c.env)
			returned := false
			f := callFake(func(tb testing.TB) {
				Need(tb, missingTool)
				returned = true
			})
			if f.skipped == c.fail || f.failed != c.fail || returned {
				t.Errorf("Need: skipped %v, failed %v, returned %v; want failed %v, else skipped", f.skipped, f.failed, returned, c.fail)
			}
			if !strings.Contains(f.msg, missingTool) || !strings.Contains(f.msg, c.msgHas) {
				t.Errorf("Need: message %q does not name the tool and %q", f.msg, c.msgHas)
			}
			// Have reports false without the variable and fails with it.
			have, returned := false, false
			f = callFake(func(tb testing.TB) {
				have = Have(tb, missingTool)
				returned = true
			})
			if f.skipped || f.failed != c.fail || returned == c.fail || have {
				t.Errorf("Have: %v, skipped %v, failed %v, returned %v", have, f.skipped, f.failed, returned)
			}
			// Run looks its tool up with Need.
			f = callFake(func(tb testing.TB) { Run(tb, missingTool, "x") })
			if f.skipped == c.fail || f.failed != c.fail {
				t.Errorf("Run: skipped %v, failed %v", f.skipped, f.failed)
			}
		})
	}
}

// TestNeedChild is run by TestNeedRealT in a child process, with a real
// *testing.T; it does nothing otherwise.
func TestNeedChild(t *testing.T) {
	if os.Getenv("WAVTEST_CHILD") != "1" {
		t.Skip("run by TestNeedRealT")
	}
	Need(t, missingTool)
	t.Log("Need returned")
}

// TestNeedRealT checks the outcome the go command sees: with
// WAVEMAP_REQUIRE_TOOLS=1 a missing tool fails the test, without it the
// test is skipped and the run passes.
func TestNeedRealT(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		env     string
		fails   bool
		outcome string
	}{
		{"1", true, "--- FAIL: TestNeedChild"},
		{"", false, "--- SKIP: TestNeedChild"},
	} {
		cmd := exec.Command(exe, "-test.run=^TestNeedChild$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "WAVTEST_CHILD=1", RequireToolsEnv+"="+c.env)
		out, err := cmd.CombinedOutput()
		if _, ok := err.(*exec.ExitError); err != nil && !ok {
			t.Fatal(err)
		}
		if (err != nil) != c.fails || !bytes.Contains(out, []byte(c.outcome)) || bytes.Contains(out, []byte("Need returned")) {
			t.Errorf("%s=%q: exit %v, want failure %v and %q:\n%s", RequireToolsEnv, c.env, err, c.fails, c.outcome, out)
		}
	}
}

func TestNeedPresent(t *testing.T) {
	t.Setenv(RequireToolsEnv, "1")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The test binary itself, found through a PATH of its directory.
	t.Setenv("PATH", filepath.Dir(exe))
	if p := Need(t, filepath.Base(exe)); p != exe || !Have(t, filepath.Base(exe)) {
		t.Errorf("Need = %q, want %q", p, exe)
	}
}

func TestRun(t *testing.T) {
	sh := Need(t, "sh")
	if out := Run(t, sh, "-c", "printf out; printf err >&2"); string(out) != "out" {
		t.Errorf("Run: stdout %q", out)
	}
	if out := RunStderr(t, sh, "-c", "printf out; printf err >&2"); string(out) != "err" {
		t.Errorf("RunStderr: %q", out)
	}
	if out := RunInput(t, []byte("abc"), sh, "-c", "tr a-c x-z"); string(out) != "xyz" {
		t.Errorf("RunInput: %q", out)
	}
	// A failing command fails the test with its standard error.
	f := callFake(func(tb testing.TB) { Run(tb, sh, "-c", "echo broken >&2; exit 3") })
	if !f.failed || !strings.Contains(f.msg, "broken") || !strings.Contains(f.msg, "exit status 3") {
		t.Errorf("failing command: failed %v, message %q", f.failed, f.msg)
	}
}

// TestBuilders checks the builders against headers written out by hand.
func TestBuilders(t *testing.T) {
	riff := []byte{
		'R', 'I', 'F', 'F', 50, 0, 0, 0, 'W', 'A', 'V', 'E',
		'f', 'm', 't', ' ', 16, 0, 0, 0,
		1, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x80, 0x3E, 0, 0, 2, 0, 16, 0, // PCM mono 8000 Hz, 16000 B/s, align 2, 16 bits
		'o', 'd', 'd', ' ', 1, 0, 0, 0, 7, 0, // pad byte
		'd', 'a', 't', 'a', 4, 0, 0, 0, 1, 0, 0xFE, 0xFF,
	}
	rf64 := []byte{
		'R', 'F', '6', '4', 0xFF, 0xFF, 0xFF, 0xFF, 'W', 'A', 'V', 'E',
		'd', 'a', 't', 'a', 0xFF, 0xFF, 0xFF, 0xFF, 9, // no pad byte
	}
	ext := []byte{
		0xFE, 0xFF, 2, 0, 0x00, 0x77, 0x01, 0, 0x00, 0xCA, 0x08, 0, 6, 0, 24, 0, // 2 ch, 96000 Hz, 576000 B/s, align 6, 24 bits
		22, 0, 20, 0, 3, 0, 0, 0, // cbSize, valid bits, mask
		3, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71, // KSDATAFORMAT_SUBTYPE_IEEE_FLOAT
	}
	w64 := []byte{
		'r', 'i', 'f', 'f', 0x2E, 0x91, 0xCF, 0x11, 0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00, 72, 0, 0, 0, 0, 0, 0, 0,
		'w', 'a', 'v', 'e', 0xF3, 0xAC, 0xD3, 0x11, 0x8C, 0xD1, 0x00, 0xC0, 0x4F, 0x8E, 0xDB, 0x8A,
		'd', 'a', 't', 'a', 0xF3, 0xAC, 0xD3, 0x11, 0x8C, 0xD1, 0x00, 0xC0, 0x4F, 0x8E, 0xDB, 0x8A, 27, 0, 0, 0, 0, 0, 0, 0,
		1, 2, 3, 0, 0, 0, 0, 0, // padded to 8
	}
	for _, c := range []struct {
		name      string
		got, want []byte
	}{
		{"RIFF", RIFF(Chunk("fmt ", FmtPCM(1, 1, 8000, 16, 2)), Chunk("odd ", []byte{7}), Chunk("data", S16(1, -2))), riff},
		{"RF64", Wave("RF64", 0xFFFFFFFF, RawChunk("data", 0xFFFFFFFF, []byte{9}, false)), rf64},
		{"declared size", RawChunk("data", 3, []byte{9}, true), []byte{'d', 'a', 't', 'a', 3, 0, 0, 0, 9, 0}},
		{"FmtEx", FmtEx(7, 2, 8000, 8, 2), []byte{7, 0, 2, 0, 0x40, 0x1F, 0, 0, 0x80, 0x3E, 0, 0, 2, 0, 8, 0, 0, 0}},
		{"FmtExtensible", FmtExtensible(2, 96000, 24, 6, 20, 3, SubFormat(3)), ext},
		{"W64", W64File(W64Chunk(W64GUID("data"), []byte{1, 2, 3})), w64},
		{"LE", Cat(LE16(0x0102), LE32(0x03040506), LE64(0x0708090A0B0C0D0E)), []byte{2, 1, 6, 5, 4, 3, 0xE, 0xD, 0xC, 0xB, 0xA, 9, 8, 7}},
	} {
		if !bytes.Equal(c.got, c.want) {
			t.Errorf("%s:\n got %x\nwant %x", c.name, c.got, c.want)
		}
	}
	if g := W64GUID("list"); g != [16]byte{'l', 'i', 's', 't', 0x2F, 0x91, 0xCF, 0x11, 0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00} {
		t.Errorf("list GUID %x", g)
	}
	if s := DecodeS16([]byte{1, 0, 0xFE, 0xFF, 9}); !reflect.DeepEqual(s, []int16{1, -2}) {
		t.Errorf("DecodeS16: %v", s)
	}
	if v := DecodeF64(Cat(LE64(0x3FF0000000000000), LE64(0xC000000000000000), []byte{1})); !reflect.DeepEqual(v, []float64{1, -2}) {
		t.Errorf("DecodeF64: %v", v)
	}
}

// TestParseSoxStats parses output of sox 14.4.2's stats effect.
func TestParseSoxStats(t *testing.T) {
	stereo := `             Overall     Left      Right
DC offset   0.000033  0.000033  0.000021
Min level  -0.704987 -0.704987 -0.704987
Pk lev dB      -3.04     -3.04     -6.02
Crest factor       -      1.41      1.41
Bit-depth      16/16     16/16     16/16
Num samples      800
Length s       0.100
`
	mono := `DC offset   0.000031
Pk lev dB      -inf
Crest factor    1.41
Num samples      800
`
	for _, c := range []struct {
		name string
		out  string
		want map[string][]float64
	}{
		{"stereo", stereo, map[string][]float64{
			"DC offset": {0.000033, 0.000021}, "Min level": {-0.704987, -0.704987}, "Pk lev dB": {-3.04, -6.02},
			"Crest factor": {1.41, 1.41}, "Num samples": {800}, "Length s": {0.1},
		}},
		{"mono", mono, map[string][]float64{"DC offset": {0.000031}, "Pk lev dB": {math.Inf(-1)}, "Crest factor": {1.41}, "Num samples": {800}}},
	} {
		if got := parseSoxStats([]byte(c.out)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %v\nwant %v", c.name, got, c.want)
		}
	}
}

func TestHashFileAndWriteTemp(t *testing.T) {
	p := WriteTemp(t, []byte("abc"))
	// SHA-256 of "abc" (FIPS 180-2, appendix B.1).
	want := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := fmt.Sprintf("%x", HashFile(t, p)); got != want {
		t.Errorf("HashFile = %s, want %s", got, want)
	}
}

func TestCorpusDir(t *testing.T) {
	dir := CorpusDir()
	// The tests run in internal/wavtest: the module root is two up.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(wd, "..", "..", "..", "shared", "corpus"); dir != filepath.Clean(want) {
		t.Errorf("CorpusDir = %q, want %q", dir, want)
	}
	f := callFake(func(tb testing.TB) { Corpus(tb, "no/such/file.wav") })
	if !f.skipped || f.failed {
		t.Errorf("missing corpus file: skipped %v, failed %v", f.skipped, f.failed)
	}
}
