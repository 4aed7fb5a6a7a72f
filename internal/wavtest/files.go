package wavtest

import (
	"bufio"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// HashFile returns the SHA-256 of the file's contents, failing the test
// if it cannot be read.
func HashFile(t testing.TB, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// WriteTemp writes data to a file x.wav in a new temporary directory of
// the test and returns its path.
func WriteTemp(t testing.TB, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "x.wav")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// modulePath is the module whose root CorpusDir looks for.
const modulePath = "github.com/wavemap/wavemap"

// CorpusDir returns the directory of real-world WAVE files from public
// test sets (see its README.md): shared/corpus beside the module root,
// that is ../shared/corpus from the directory holding the go.mod of
// github.com/wavemap/wavemap, found upwards from the working directory (a
// test's package directory). It returns "" when there is no such go.mod.
// The directory itself may be absent: see Corpus.
func CorpusDir() string { return sharedDir("corpus") }

// PeaksDir returns the directory of audiowaveform's reference waveform
// data (shared/peaks beside the module root, as CorpusDir finds it), or ""
// when there is no such go.mod. The directory itself may be absent.
func PeaksDir() string { return sharedDir("peaks") }

// sharedDir returns the named folder of shared/ beside the module root.
func sharedDir(name string) string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if isModuleRoot(filepath.Join(dir, "go.mod")) {
			return filepath.Join(filepath.Dir(dir), "shared", name)
		}
		up := filepath.Dir(dir)
		if up == dir {
			return ""
		}
		dir = up
	}
}

// isModuleRoot reports whether the go.mod file at path declares
// modulePath (nested modules such as bench/ declare their own).
func isModuleRoot(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`) == modulePath
		}
	}
	return false
}

// Corpus returns the path of the named corpus file (such as
// "random/Kick.wav"), skipping the test when it is not present: the
// corpus is optional, with or without RequireToolsEnv.
func Corpus(t testing.TB, name string) string {
	t.Helper()
	dir := CorpusDir()
	if dir == "" {
		t.Skipf("corpus file %s not present: no go.mod of %s above the working directory", name, modulePath)
	}
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("corpus file %s not present: %v", name, err)
	}
	return p
}
