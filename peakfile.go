package wavemap

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strings"
	"unsafe"

	"github.com/wavemap/wavemap/internal/atomicfile"
	"github.com/wavemap/wavemap/internal/mmap"
)

// The cache file of a min/max pyramid (see peakindex.go):
//
//	offset  size  field
//	0       8     magic "\x89WMPEAK\n"
//	8       4     version (1)
//	12      4     byte-order mark 0x01020304 in the writer's byte order
//	16      4     header size: 128 + the path, padded to 8
//	20      4     value type: 1 int16, 2 int32, 3 float32, 4 float64
//	24      4     channels
//	28      4     frames per base entry
//	32      4     levels
//	36      4     encoding (Encoding's value)
//	40      8     frames
//	48      8     audio file size, bytes
//	56      8     audio modification time, ns since 1970
//	64      8     byte offset of the audio data
//	72      8     levels' size, bytes
//	80      4     CRC-32C of the first and last 64 KiB of the audio data
//	84      4     CRC-32C of the levels
//	88      4     length of the path
//	92      32    reserved (zero)
//	124     4     CRC-32C of bytes 0-123
//	128     ...   the audio file's absolute path, then zeros to 8 bytes
//
// then the levels, laid out as peakLayout says, in the writer's byte
// order. Every field must be what the audio file gives now, or the file
// is rebuilt.

var peakMagic = [8]byte{0x89, 'W', 'M', 'P', 'E', 'A', 'K', '\n'}

const (
	peakVersion    = 1
	peakFixed      = 128
	peakMaxPath    = 1 << 16
	peakProbeBytes = 64 << 10
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// peakHeader is the header of a cache file.
type peakHeader struct {
	kind, channels, base, levels, encoding uint32
	frames, audioSize, mtime, dataOffset   int64
	payload                                int64
	probe, payloadCRC                      uint32
	path                                   string
}

func (h *peakHeader) size() int64 { return peakFixed + (int64(len(h.path))+7)&^7 }

func (h *peakHeader) encode() []byte {
	b := make([]byte, h.size())
	ne := binary.NativeEndian
	copy(b, peakMagic[:])
	ne.PutUint32(b[8:], peakVersion)
	ne.PutUint32(b[12:], 0x01020304)
	ne.PutUint32(b[16:], uint32(h.size()))
	ne.PutUint32(b[20:], h.kind)
	ne.PutUint32(b[24:], h.channels)
	ne.PutUint32(b[28:], h.base)
	ne.PutUint32(b[32:], h.levels)
	ne.PutUint32(b[36:], h.encoding)
	ne.PutUint64(b[40:], uint64(h.frames))
	ne.PutUint64(b[48:], uint64(h.audioSize))
	ne.PutUint64(b[56:], uint64(h.mtime))
	ne.PutUint64(b[64:], uint64(h.dataOffset))
	ne.PutUint64(b[72:], uint64(h.payload))
	ne.PutUint32(b[80:], h.probe)
	ne.PutUint32(b[84:], h.payloadCRC)
	ne.PutUint32(b[88:], uint32(len(h.path)))
	ne.PutUint32(b[124:], crc32.Checksum(b[:124], castagnoli))
	copy(b[peakFixed:], h.path)
	return b
}

// errPeakFile is what every reason to rebuild a cache file wraps.
var errPeakFile = errors.New("peak cache file not usable")

// decodePeakHeader reads the header at the start of r (a file of size
// bytes).
func decodePeakHeader(r io.ReaderAt, size int64) (*peakHeader, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", errPeakFile, fmt.Sprintf(format, a...))
	}
	if size < peakFixed {
		return nil, bad("%d bytes: shorter than a header", size)
	}
	b := make([]byte, peakFixed)
	if _, err := r.ReadAt(b, 0); err != nil {
		return nil, bad("reading the header: %v", err)
	}
	ne := binary.NativeEndian
	switch {
	case !bytes.Equal(b[:8], peakMagic[:]):
		return nil, bad("not a wavemap peak file")
	case ne.Uint32(b[12:]) != 0x01020304:
		return nil, bad("written on a machine of the other byte order")
	case ne.Uint32(b[8:]) != peakVersion:
		return nil, bad("version %d, want %d", ne.Uint32(b[8:]), peakVersion)
	case ne.Uint32(b[124:]) != crc32.Checksum(b[:124], castagnoli):
		return nil, bad("header checksum mismatch")
	}
	h := &peakHeader{
		kind: ne.Uint32(b[20:]), channels: ne.Uint32(b[24:]), base: ne.Uint32(b[28:]), levels: ne.Uint32(b[32:]),
		encoding: ne.Uint32(b[36:]), frames: int64(ne.Uint64(b[40:])), audioSize: int64(ne.Uint64(b[48:])),
		mtime: int64(ne.Uint64(b[56:])), dataOffset: int64(ne.Uint64(b[64:])), payload: int64(ne.Uint64(b[72:])),
		probe: ne.Uint32(b[80:]), payloadCRC: ne.Uint32(b[84:]),
	}
	n := ne.Uint32(b[88:])
	if n > peakMaxPath || int64(n) > size-peakFixed {
		return nil, bad("a path of %d bytes", n)
	}
	p := make([]byte, n)
	if _, err := r.ReadAt(p, peakFixed); err != nil {
		return nil, bad("reading the path: %v", err)
	}
	h.path = string(p)
	if hs := int64(ne.Uint32(b[16:])); hs != h.size() {
		return nil, bad("header size %d, want %d", hs, h.size())
	}
	return h, nil
}

// matches returns why h, a cache file's header, is not the one want
// describes (nil if it is).
func (h *peakHeader) matches(want *peakHeader) error {
	diff := func(what string, have, want any) error {
		return fmt.Errorf("%w: made for %s %v, the file has %v now", errPeakFile, what, have, want)
	}
	switch {
	case h.path != want.path:
		return diff("path", h.path, want.path)
	case h.audioSize != want.audioSize:
		return diff("size", h.audioSize, want.audioSize)
	case h.mtime != want.mtime:
		return diff("modification time (ns)", h.mtime, want.mtime)
	case h.dataOffset != want.dataOffset:
		return diff("data offset", h.dataOffset, want.dataOffset)
	case h.frames != want.frames:
		return diff("frames", h.frames, want.frames)
	case h.encoding != want.encoding || h.channels != want.channels || h.kind != want.kind:
		return diff("format", fmt.Sprint(h.encoding, h.channels, h.kind), fmt.Sprint(want.encoding, want.channels, want.kind))
	case h.base != want.base || h.levels != want.levels || h.payload != want.payload:
		return diff("layout", fmt.Sprint(h.base, h.levels, h.payload), fmt.Sprint(want.base, want.levels, want.payload))
	case h.probe != want.probe:
		return fmt.Errorf("%w: the first or last samples changed", errPeakFile)
	}
	return nil
}

// readPeakFile maps the levels of the cache file name if its header is
// want's and its checksums hold.
func readPeakFile(name string, want *peakHeader) ([]byte, *mmap.Mapping, error) {
	osf, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer osf.Close()
	st, err := osf.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("%w: %s is not a regular file", errPeakFile, name)
	}
	h, err := decodePeakHeader(osf, st.Size())
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := h.matches(want); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	if st.Size() != h.size()+h.payload {
		return nil, nil, fmt.Errorf("%s: %w: %d bytes, want %d", name, errPeakFile, st.Size(), h.size()+h.payload)
	}
	mp, err := mmap.Map(osf, h.size(), h.payload, mmap.ReadOnly)
	if err != nil {
		return nil, nil, err
	}
	payload := mp.Bytes()
	if len(payload) > 0 && uintptr(unsafe.Pointer(&payload[0]))%8 != 0 {
		mp.Unmap()
		return nil, nil, fmt.Errorf("%s: %w: levels not aligned", name, errPeakFile)
	}
	var sum uint32
	// The file may be cut short under the mapping meanwhile: a fault is
	// a damaged file.
	if err := Guard(func() error { sum = peakCRC(payload); return nil }); err != nil {
		mp.Unmap()
		return nil, nil, fmt.Errorf("%s: %w: %v", name, errPeakFile, err)
	}
	if sum != h.payloadCRC {
		mp.Unmap()
		return nil, nil, fmt.Errorf("%s: %w: levels checksum mismatch", name, errPeakFile)
	}
	return payload, mp, nil
}

// writePeakFile writes a cache file atomically.
func writePeakFile(name string, h *peakHeader, payload []byte) error {
	af, err := atomicfile.Create(name, &atomicfile.Options{Perm: 0o600})
	if err != nil {
		return err
	}
	w := af.File()
	if _, err := w.Write(h.encode()); err != nil {
		af.Abort()
		return err
	}
	if _, err := w.Write(payload); err != nil {
		af.Abort()
		return err
	}
	return af.Commit()
}

func peakCRC(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }

// audioProbe is the CRC-32C of the first and last peakProbeBytes of the
// mapped audio data d.
func audioProbe(d []byte) (uint32, error) {
	var sum uint32
	err := Guard(func() error {
		n := min(len(d), peakProbeBytes)
		sum = crc32.Update(0, castagnoli, d[:n])
		sum = crc32.Update(sum, castagnoli, d[len(d)-n:])
		return nil
	})
	return sum, err
}

// peakFileName is the cache file's name for the audio file abs (an
// absolute path) at base frames per entry: its base name made safe, a
// hash of the whole path and the base.
func peakFileName(abs string, base int) string {
	sum := sha256.Sum256([]byte(abs))
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, lastElem(abs))
	if len(name) > 64 {
		name = name[:64]
	}
	return fmt.Sprintf("%s-%x-b%d.peaks", name, sum[:8], base)
}

// lastElem is filepath.Base for a path of either separator.
func lastElem(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}
