package wavemap_test

import (
	"bytes"
	"errors"
	"os"
	"os/signal"
	"syscall"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// TestWriteMetadataFullDisk: metadata that must be appended to a file that
// cannot grow (a file size limit stands in for a full disk: the write past
// it fails with EFBIG, as a full disk fails with ENOSPC) fails with the
// error, and the file is left byte for byte as it was.
func TestWriteMetadataFullDisk(t *testing.T) {
	file := wavtest.RIFF(
		wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 16, 2)),
		wavtest.Chunk("data", wavtest.S16(1, 2, 3, 4)),
		wavtest.Chunk("LIST", wavtest.InfoList("INAM", "old")),
	)
	path := wavtest.WriteTemp(t, file)
	m := &wavemap.Metadata{Chunks: []wavemap.RawChunk{
		{ID: wavemap.FourCC([]byte("LIST")), Data: wavtest.InfoList("INAM", "a title far too long to fit where the old one was"), AfterData: true},
	}}
	signal.Ignore(syscall.SIGXFSZ)
	defer signal.Reset(syscall.SIGXFSZ)
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	// Room for a few bytes more than the file: the append starts and
	// fails part way.
	lim := syscall.Rlimit{Cur: uint64(len(file) + 20), Max: old.Max}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Skipf("cannot limit the file size: %v", err)
	}
	_, err := wavemap.WriteMetadata(path, m, nil)
	syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old)
	if !errors.Is(err, syscall.EFBIG) {
		t.Fatalf("WriteMetadata past the size limit: %v, want EFBIG", err)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, file) {
		t.Errorf("the failed write left the file changed (%d bytes, was %d)", len(b), len(file))
	}
	// With room, the same edit works.
	if _, err := wavemap.WriteMetadata(path, m, nil); err != nil {
		t.Fatal(err)
	}
	if got := mdOpen(t, path); !sameMeta(got, m) {
		t.Error("metadata after the retry differs")
	}
}

// TestWriteMetadataFIFO: a named pipe is refused at once (no open that
// waits for a writer), and a symlink edits the file it points to, which
// stays a regular file, the link a link.
func TestWriteMetadataFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := dir + "/pipe.wav"
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip(err)
	}
	m := &wavemap.Metadata{Chunks: []wavemap.RawChunk{{ID: wavemap.FourCC([]byte("LIST")), Data: wavtest.InfoList("INAM", "x")}}}
	if _, err := wavemap.WriteMetadata(fifo, m, nil); !errors.Is(err, wavemap.ErrNotRegular) {
		t.Errorf("FIFO: %v, want ErrNotRegular", err)
	}
	target := wavtest.WriteTemp(t, wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 16, 2)), wavtest.Chunk("data", wavtest.S16(1, 2))))
	link := dir + "/link.wav"
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, err := wavemap.WriteMetadata(link, m, nil); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link is no longer a link: %v %v", fi, err)
	}
	if got := mdOpen(t, target); !sameMeta(got, m) {
		t.Error("the target does not hold the metadata")
	}
}
