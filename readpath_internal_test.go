package wavemap

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// Every read, gain and convert path (knobs.go) against the mapped one:
// the same statistics, bytes and errors, for every encoding, odd sizes
// and data offsets that are not page-aligned (raw files with a header of
// 1, 44 or 4095 bytes).

var allEncodings = []Encoding{EncodingUint8, EncodingInt16, EncodingInt24, EncodingInt32, EncodingFloat32, EncodingFloat64,
	EncodingALaw, EncodingMuLaw, EncodingInt16BE, EncodingInt24BE, EncodingInt32BE, EncodingFloat32BE, EncodingFloat64BE}

var pathOffsets = []int64{1, 44, 4095}

// pathFile writes a raw file of frames frames of enc in ch channels after
// off bytes of header, and returns its path. Float samples are finite,
// within ±1.25 (some clip); other codes are random.
func pathFile(t testing.TB, dir string, enc Encoding, ch int, frames, off int64, seed uint64) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, uint64(enc)))
	size := int64(enc.Size())
	b := make([]byte, off+frames*int64(ch)*size+7)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	d := b[off:]
	for i := int64(0); i < frames*int64(ch); i++ {
		x := (rng.Float64()*2 - 1) * 1.25
		switch enc {
		case EncodingFloat32:
			binary.LittleEndian.PutUint32(d[i*4:], math.Float32bits(float32(x)))
		case EncodingFloat32BE:
			binary.BigEndian.PutUint32(d[i*4:], math.Float32bits(float32(x)))
		case EncodingFloat64:
			binary.LittleEndian.PutUint64(d[i*8:], math.Float64bits(x))
		case EncodingFloat64BE:
			binary.BigEndian.PutUint64(d[i*8:], math.Float64bits(x))
		}
	}
	path := filepath.Join(dir, fmt.Sprintf("%v-%d-%d.raw", enc, ch, off))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func openPathFile(t testing.TB, path string, enc Encoding, ch int, frames, off int64, mode Mode) *File {
	t.Helper()
	f, err := OpenRaw(path, Raw{Format: Format{Encoding: enc, Channels: ch, SampleRate: 48000}, Offset: off, Frames: frames}, mode, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// withKnobs sets the knobs and the pread buffer for the passes started
// until the returned function restores them.
func withKnobs(r readPath, g gainPath, c convertPath, buf int) func() {
	or, og, oc, ob := knobRead, knobGain, knobConvert, readBuffer
	knobRead, knobGain, knobConvert, readBuffer = r, g, c, buf
	return func() { knobRead, knobGain, knobConvert, readBuffer = or, og, oc, ob }
}

var readPaths = []readPath{readMap, readPread, readPopulate, readAuto}

// sameStats compares statistics bit for bit (NaN included).
func sameStats(a, b []ChannelStats) bool {
	if len(a) != len(b) {
		return false
	}
	bits := func(s ChannelStats) [7]uint64 {
		return [7]uint64{math.Float64bits(s.Min), math.Float64bits(s.Max), math.Float64bits(s.Peak), math.Float64bits(s.RMS),
			math.Float64bits(s.DC), uint64(s.FullScale), uint64(s.Samples)}
	}
	for i := range a {
		if bits(a[i]) != bits(b[i]) {
			return false
		}
	}
	return true
}

func TestReadPathMeasure(t *testing.T) {
	dir := t.TempDir()
	const frames = 140001 // more than two statChunks, odd
	for _, enc := range allEncodings {
		for _, off := range pathOffsets {
			ch := 1 + int(off%3)
			path := pathFile(t, dir, enc, ch, frames, off, 7)
			f := openPathFile(t, path, enc, ch, frames, off, ReadOnly)
			for _, bf := range []int{0, 70001} {
				opts := &PassOptions{BlockFrames: bf}
				restore := withKnobs(readMap, gainPopulate, convertPair, 4096)
				want, err := Measure(context.Background(), f, opts)
				restore()
				if err != nil {
					t.Fatal(err)
				}
				for _, rp := range readPaths {
					for _, buf := range []int{4096, 300 << 10} {
						restore := withKnobs(rp, gainPopulate, convertPair, buf)
						got, err := Measure(context.Background(), f, opts)
						restore()
						if err != nil || !sameStats(got, want) {
							t.Errorf("%v offset %d blocks %d path %v buffer %d: %v\n got %+v\nwant %+v", enc, off, bf, rp, buf, err, got, want)
						}
					}
				}
			}
		}
	}
}

// decoded holds the results of the decoded passes over a file.
type decoded struct {
	ov   [][]MinMax
	pk   *Peaks
	loud *Loudness
}

// decodedResults runs the decoded passes over f: Overview in columns
// columns with opts, ComputePeaks (for the encodings libsndfile reads)
// and MeasureLoudness with opts.Workers.
func decodedResults(t *testing.T, f *File, enc Encoding, opts *PassOptions, columns int) decoded {
	t.Helper()
	ov, err := Overview(context.Background(), f, columns, opts)
	if err != nil {
		t.Fatal(err)
	}
	var pk *Peaks
	if _, err := shortConverter(enc); err == nil {
		pk, err = ComputePeaks(context.Background(), f, &PeaksOptions{SamplesPerPixel: 77})
		if err != nil {
			t.Fatal(err)
		}
	}
	loud, err := MeasureLoudness(context.Background(), f, &LoudnessOptions{Series: true, Workers: opts.Workers})
	if err != nil {
		t.Fatal(err)
	}
	return decoded{ov, pk, loud}
}

func TestReadPathDecoded(t *testing.T) {
	dir := t.TempDir()
	const frames = 100003
	for _, enc := range allEncodings {
		off := int64(44)
		if enc.Size() > 1 {
			off = 4095
		}
		path := pathFile(t, dir, enc, 2, frames, off, 9)
		f := openPathFile(t, path, enc, 2, frames, off, ReadOnly)
		run := func(rp readPath) decoded {
			defer withKnobs(rp, gainPopulate, convertPair, 4096)()
			return decodedResults(t, f, enc, &PassOptions{BlockFrames: 30011}, 333)
		}
		want := run(readMap)
		for _, rp := range readPaths[1:] {
			got := run(rp)
			if !reflect.DeepEqual(got.ov, want.ov) {
				t.Errorf("%v %v: Overview differs", enc, rp)
			}
			if !reflect.DeepEqual(got.pk, want.pk) {
				t.Errorf("%v %v: ComputePeaks differs", enc, rp)
			}
			if fmt.Sprintf("%#v", got.loud) != fmt.Sprintf("%#v", want.loud) {
				t.Errorf("%v %v: MeasureLoudness differs", enc, rp)
			}
		}
	}
}

// TestReadPathTruncated cuts the file in half under a pass, after its
// first block: every path must fail with a *FaultError, never return
// statistics.
func TestReadPathTruncated(t *testing.T) {
	dir := t.TempDir()
	const frames = 1 << 18
	for _, enc := range []Encoding{EncodingInt16, EncodingInt24, EncodingFloat64} {
		for _, rp := range readPaths {
			for _, pass := range []string{"measure", "overview"} {
				path := pathFile(t, dir, enc, 2, frames, 44, 3)
				f := openPathFile(t, path, enc, 2, frames, 44, ReadOnly)
				cut := func(done, total int64) {
					if done < total && done > 0 {
						if err := os.Truncate(path, 44+int64(frames)*int64(2*enc.Size())/2); err != nil {
							t.Error(err)
						}
					}
				}
				restore := withKnobs(rp, gainPopulate, convertPair, 64<<10)
				opts := &PassOptions{Workers: 1, BlockFrames: 1 << 14, Progress: cut}
				var err error
				if pass == "measure" {
					_, err = Measure(context.Background(), f, opts)
				} else {
					_, err = Overview(context.Background(), f, 100, opts)
				}
				restore()
				var fe *FaultError
				if !errors.As(err, &fe) {
					t.Errorf("%v %v %s: truncated under the pass: %v", enc, rp, pass, err)
					continue
				}
				if rp == readPread && (!errors.Is(err, io.ErrUnexpectedEOF) || fe.Name != path) {
					t.Errorf("%v %v %s: %v", enc, rp, pass, err)
				}
			}
		}
	}
}

func TestReadPathCancel(t *testing.T) {
	dir := t.TempDir()
	const frames = 1 << 18
	path := pathFile(t, dir, EncodingInt16, 2, frames, 44, 3)
	f := openPathFile(t, path, EncodingInt16, 2, frames, 44, ReadOnly)
	for _, rp := range readPaths {
		ctx, cancel := context.WithCancel(context.Background())
		restore := withKnobs(rp, gainPopulate, convertPair, 64<<10)
		_, err := Measure(ctx, f, &PassOptions{BlockFrames: 1 << 12, Progress: func(int64, int64) { cancel() }})
		restore()
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%v: cancelled pass: %v", rp, err)
		}
	}
}

func TestKnobParsing(t *testing.T) {
	if readKnob("pread", readMap) != readPread || readKnob("populate", readMap) != readPopulate || readKnob("bogus", readPread) != readPread {
		t.Error("readKnob")
	}
	if gainKnob("pwrite", gainMap) != gainPwrite || gainKnob("ahead", gainMap) != gainAhead || gainKnob("", gainPopulate) != gainPopulate {
		t.Error("gainKnob")
	}
	if convertKnob("ring", convertPair) != convertRing || convertKnob("x", convertPair) != convertPair {
		t.Error("convertKnob")
	}
	if kibKnob("256", 1) != 256<<10 || kibKnob("1", 7) != 7 || kibKnob("x", 7) != 7 {
		t.Error("kibKnob")
	}
}

var gainPaths = []gainPath{gainMap, gainPopulate, gainAhead, gainPwrite}

// gainResult runs Gain by factor on a fresh copy of the raw file at path
// with the gain path g and returns the file's bytes and the clipped count.
func gainResult(t *testing.T, path string, enc Encoding, ch int, frames, off int64, g gainPath, opts PassOptions) ([]byte, int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(t.TempDir(), "copy.raw")
	if err := os.WriteFile(cp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	f := openPathFile(t, cp, enc, ch, frames, off, ReadWrite)
	if opts.Journal != "" {
		opts.Journal = JournalPath(cp)
	}
	restore := withKnobs(readMap, g, convertPair, 8192)
	n, err := Gain(context.Background(), f, 0.71, &opts)
	restore()
	if err != nil {
		t.Fatalf("%v %v: %v", enc, g, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(cp)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Journal != "" {
		if _, err := os.Stat(opts.Journal); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%v %v: journal left behind: %v", enc, g, err)
		}
	}
	return out, n
}

func TestGainPath(t *testing.T) {
	dir := t.TempDir()
	const frames = 50021
	for _, enc := range allEncodings {
		for _, off := range pathOffsets {
			ch := 1 + int(off%3)
			path := pathFile(t, dir, enc, ch, frames, off, 11)
			for _, journal := range []bool{false, true} {
				opts := PassOptions{BlockFrames: 7919, Sync: journal}
				if journal {
					opts.Journal = "yes"
				}
				want, wantN := gainResult(t, path, enc, ch, frames, off, gainMap, opts)
				for _, g := range gainPaths[1:] {
					got, n := gainResult(t, path, enc, ch, frames, off, g, opts)
					if n != wantN || string(got) != string(want) {
						t.Errorf("%v offset %d journal %v path %v: clipped %d, want %d; same bytes %v", enc, off, journal, g, n, wantN, string(got) == string(want))
					}
				}
			}
		}
	}
}

// TestGainPathDryRun: a dry run takes the read path and changes nothing.
func TestGainPathDryRun(t *testing.T) {
	dir := t.TempDir()
	const frames = 30011
	for _, enc := range []Encoding{EncodingInt16, EncodingInt24, EncodingFloat32, EncodingMuLaw} {
		path := pathFile(t, dir, enc, 2, frames, 45, 5)
		before, _ := os.ReadFile(path)
		f := openPathFile(t, path, enc, 2, frames, 45, ReadOnly)
		var want int64 = -1
		for _, rp := range readPaths {
			for _, g := range gainPaths {
				restore := withKnobs(rp, g, convertPair, 4096)
				n, err := Gain(context.Background(), f, 3.3, &PassOptions{DryRun: true, BlockFrames: 5003})
				restore()
				if err != nil {
					t.Fatal(err)
				}
				if want < 0 {
					want = n
				}
				if n != want {
					t.Errorf("%v %v %v: dry run clipped %d, want %d", enc, rp, g, n, want)
				}
			}
		}
		after, _ := os.ReadFile(path)
		if string(after) != string(before) {
			t.Errorf("%v: a dry run changed the file", enc)
		}
	}
}

func TestGainPathTruncated(t *testing.T) {
	const frames = 1 << 17
	for _, g := range gainPaths {
		path := pathFile(t, t.TempDir(), EncodingInt16, 2, frames, 44, 3)
		f := openPathFile(t, path, EncodingInt16, 2, frames, 44, ReadWrite)
		cut := func(done, total int64) {
			if done < total && done > 0 {
				if err := os.Truncate(path, 44+frames*4/2); err != nil {
					t.Error(err)
				}
			}
		}
		restore := withKnobs(readMap, g, convertPair, 16<<10)
		_, err := Gain(context.Background(), f, 0.5, &PassOptions{Workers: 1, BlockFrames: 1 << 12, Progress: cut})
		restore()
		var fe *FaultError
		if !errors.As(err, &fe) {
			t.Errorf("%v: truncated under the gain: %v", g, err)
		}
	}
}

func TestGainPathCancel(t *testing.T) {
	const frames = 1 << 17
	for _, g := range gainPaths {
		path := pathFile(t, t.TempDir(), EncodingInt16, 2, frames, 44, 3)
		f := openPathFile(t, path, EncodingInt16, 2, frames, 44, ReadWrite)
		ctx, cancel := context.WithCancel(context.Background())
		restore := withKnobs(readMap, g, convertPair, 16<<10)
		_, err := Gain(ctx, f, 0.5, &PassOptions{BlockFrames: 1 << 12, Progress: func(int64, int64) { cancel() }})
		restore()
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%v: cancelled gain: %v", g, err)
		}
	}
}

// TestStraddleWrite checks preadSource.write on every alignment of a
// sample against a page boundary: the file gets exactly the bytes given.
func TestStraddleWrite(t *testing.T) {
	dir := t.TempDir()
	page := int64(os.Getpagesize())
	for _, enc := range []Encoding{EncodingInt16, EncodingInt24, EncodingFloat64} {
		for _, off := range []int64{0, 1, 2, 3, 5, 7} {
			frames := 3*page/int64(enc.Size()) + 5
			path := pathFile(t, dir, enc, 1, frames, off, 1)
			f := openPathFile(t, path, enc, 1, frames, off, ReadWrite)
			var src *preadSource
			switch enc {
			case EncodingInt16:
				m, _ := FramesOf[int16](f)
				src = newPreadSource(f, m, 1, 1)
			case EncodingInt24:
				m, _ := FramesOf[Int24](f)
				src = newPreadSource(f, m, 1, 1)
			default:
				m, _ := FramesOf[float64](f)
				src = newPreadSource(f, m, 1, 1)
			}
			want := make([]byte, len(f.Bytes()))
			for i := range want {
				want[i] = byte(i * 7)
			}
			size := int64(enc.Size())
			if err := src.write(want[size:], size); err != nil {
				t.Fatal(err)
			}
			if err := src.write(want[:size], 0); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(path)
			if string(got[off:off+int64(len(want))]) != string(want) {
				t.Errorf("%v offset %d: the file does not hold what was written", enc, off)
			}
		}
	}
}

var convertPaths = []convertPath{convertPair, convertRing, convertDirect}

// withDirect makes every conversion of the test take the direct path
// where the file system allows it, and reports whether this one does.
func withDirect(t *testing.T) bool {
	t.Helper()
	old := directMin
	directMin = 0
	t.Cleanup(func() { directMin = old })
	f, err := os.Create(filepath.Join(t.TempDir(), "probe"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := openDirect(f)
	if err != nil {
		return false
	}
	d.Close()
	return true
}

// newConvertOut returns a Writer of f's format in encoding to on a new
// file, the file and its path.
func newConvertOut(t *testing.T, f *File, to Encoding) (*Writer, *os.File, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.wav")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	fm := f.Format()
	fm.Encoding = to
	w, err := NewWriter(out, fm, nil)
	if err != nil {
		out.Close()
		t.Fatal(err)
	}
	return w, out, path
}

// transcodeResult converts f into a new file of encoding to with the
// given paths and returns the file's bytes and the clipped count.
func transcodeResult(t *testing.T, f *File, to Encoding, rp readPath, cp convertPath, opts *PassOptions) ([]byte, int64, error) {
	t.Helper()
	w, out, path := newConvertOut(t, f, to)
	defer out.Close()
	restore := withKnobs(rp, gainPopulate, cp, 8192)
	n, terr := TranscodeTo(context.Background(), w, f, opts)
	restore()
	if err := w.Close(); err != nil && terr == nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b, n, terr
}

func TestConvertPath(t *testing.T) {
	dir := t.TempDir()
	direct := withDirect(t)
	before := directDone.Load()
	const frames = 300007 // several ring blocks, odd
	for _, enc := range allEncodings {
		off := pathOffsets[int(enc)%len(pathOffsets)]
		ch := 1 + int(enc)%3
		path := pathFile(t, dir, enc, ch, frames, off, 13)
		f := openPathFile(t, path, enc, ch, frames, off, ReadOnly)
		for _, to := range []Encoding{EncodingFloat32, EncodingInt16, EncodingInt24} {
			want, wantN, err := transcodeResult(t, f, to, readMap, convertPair, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, cp := range convertPaths {
				for _, rp := range readPaths {
					got, n, err := transcodeResult(t, f, to, rp, cp, &PassOptions{Workers: 3})
					if err != nil || n != wantN || string(got) != string(want) {
						t.Errorf("%v -> %v %v %v: %v, clipped %d want %d, same bytes %v", enc, to, cp, rp, err, n, wantN, string(got) == string(want))
					}
				}
			}
		}
	}
	if done := directDone.Load() - before; direct && done == 0 {
		t.Error("no conversion took the direct path")
	} else if !direct {
		t.Log("the temporary folder's file system has no O_DIRECT: the direct path fell back")
	}
}

func TestConvertPathTruncatedAndCancelled(t *testing.T) {
	withDirect(t)
	const frames = 1 << 22
	for _, cp := range convertPaths {
		for _, rp := range readPaths {
			path := pathFile(t, t.TempDir(), EncodingInt16, 2, frames, 44, 3)
			f := openPathFile(t, path, EncodingInt16, 2, frames, 44, ReadOnly)
			cut := func(done, total int64) {
				if done < total && done > 0 {
					if err := os.Truncate(path, 44+frames*4/2); err != nil {
						t.Error(err)
					}
				}
			}
			_, _, err := transcodeResult(t, f, EncodingFloat32, rp, cp, &PassOptions{Workers: 2, Progress: cut})
			var fe *FaultError
			if !errors.As(err, &fe) {
				t.Errorf("%v %v: source truncated under the conversion: %v", cp, rp, err)
			}

			path = pathFile(t, t.TempDir(), EncodingInt16, 2, frames, 44, 3)
			f = openPathFile(t, path, EncodingInt16, 2, frames, 44, ReadOnly)
			ctx, cancel := context.WithCancel(context.Background())
			out, _ := os.Create(filepath.Join(t.TempDir(), "out.wav"))
			w, _ := NewWriter(out, f.Format(), nil)
			restore := withKnobs(rp, gainPopulate, cp, 8192)
			_, err = TranscodeTo(ctx, w, f, &PassOptions{Progress: func(int64, int64) { cancel() }})
			restore()
			cancel()
			w.Close()
			out.Close()
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%v %v: cancelled conversion: %v", cp, rp, err)
			}
		}
	}
}

// TestConvertDirectBlocks: conversions of several blocks through the
// direct path give the bytes of the pair path, for outputs whose audio
// starts anywhere within a page (the header at offsets 0, 1, 4095 and
// 4103 of the file, RIFF and Wave64) and ends anywhere (odd frame counts,
// a pad byte, metadata chunks after the audio), and leave no byte of the
// file before the header changed.
func TestConvertDirectBlocks(t *testing.T) {
	if !withDirect(t) {
		t.Skip("the temporary folder's file system has no O_DIRECT")
	}
	const frames = 1<<20 + 12345 // s16 mono -> s24: two blocks of 1 Mi samples
	srcs := map[int64]*File{}
	for _, n := range []int64{frames, frames - 1} {
		srcs[n] = openPathFile(t, pathFile(t, t.TempDir(), EncodingInt16, 1, n, 44, 21), EncodingInt16, 1, n, 44, ReadOnly)
	}
	meta := &Metadata{Chunks: []RawChunk{{ID: FourCC([]byte("note")), Data: []byte("after the audio, odd."), AfterData: true}}}
	convert := func(cp convertPath, start int, opts *Options, n int64) []byte {
		f := srcs[n]
		out := filepath.Join(t.TempDir(), "out.wav")
		o, err := os.Create(out)
		if err != nil {
			t.Fatal(err)
		}
		defer o.Close()
		lead := make([]byte, start)
		for i := range lead {
			lead[i] = byte(i*7 + 1)
		}
		if _, err := o.Write(lead); err != nil {
			t.Fatal(err)
		}
		fm := f.Format()
		fm.Encoding = EncodingInt24
		w, err := NewWriter(o, fm, opts)
		if err != nil {
			t.Fatal(err)
		}
		restore := withKnobs(readMap, gainPopulate, cp, 8192)
		_, err = TranscodeTo(context.Background(), w, f, nil)
		restore()
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if string(b[:start]) != string(lead) {
			t.Errorf("%v from %d: the bytes before the header changed", cp, start)
		}
		return b
	}
	// Two blocks of 1 Mi samples; then 256 blocks of an odd size, each
	// starting at another place within its page, written by three
	// writers at once or by one.
	defer func(b, w int) { transcodeStreamBlock, directWriters = b, w }(transcodeStreamBlock, directWriters)
	for _, c := range []struct{ block, writers int }{{1 << 20, 4}, {4099, 3}, {4099, 1}} {
		transcodeStreamBlock, directWriters = c.block, c.writers
		for _, start := range []int{0, 1, 4095, 4103} {
			for _, opts := range []*Options{nil, {Metadata: meta}, {Container: Wave64}} {
				for _, n := range []int64{frames, frames - 1} {
					before := directDone.Load()
					got := convert(convertDirect, start, opts, n)
					if directDone.Load() == before {
						t.Fatalf("from %d, %+v: the direct path was not taken", start, opts)
					}
					if want := convert(convertPair, start, opts, n); string(got) != string(want) {
						t.Errorf("blocks of %d samples, %d writers, header at %d, options %+v, %d frames: the direct path's file differs from the pair path's",
							c.block, c.writers, start, opts, n)
					}
				}
			}
		}
	}
}

// TestConvertDirectFaults: a file system that refuses the first direct
// write gets the whole conversion through the Writer, byte for byte that
// of the pair path; a write that fails later, while other writes are in
// flight, fails the conversion and the Writer (no hang, no success), and
// so does a first write that fails for another reason.
func TestConvertDirectFaults(t *testing.T) {
	if !withDirect(t) {
		t.Skip("the temporary folder's file system has no O_DIRECT")
	}
	defer func(b, w int) { transcodeStreamBlock, directWriters = b, w }(transcodeStreamBlock, directWriters)
	transcodeStreamBlock, directWriters = 4099, 3
	defer func() { directFault = nil }()
	const frames = 300001
	f := openPathFile(t, pathFile(t, t.TempDir(), EncodingInt16, 1, frames, 44, 5), EncodingInt16, 1, frames, 44, ReadOnly)
	want, _, err := transcodeResult(t, f, EncodingInt24, readMap, convertPair, nil)
	if err != nil {
		t.Fatal(err)
	}

	// EINVAL on the first write: the fallback.
	var calls atomic.Int64
	directFault = func(int64) error {
		calls.Add(1)
		return syscall.EINVAL
	}
	before := directDone.Load()
	got, _, err := transcodeResult(t, f, EncodingInt24, readMap, convertDirect, nil)
	if err != nil || string(got) != string(want) {
		t.Errorf("first direct write refused: %v, same bytes as the pair path %v", err, string(got) == string(want))
	}
	if calls.Load() != 1 || directDone.Load() != before {
		t.Errorf("first direct write refused: %d direct writes tried, direct path counted %v; want 1 and no", calls.Load(), directDone.Load() != before)
	}

	// EIO on the first write, then on the write of a later block.
	for _, at := range []int64{0, 40 * 4099 * 3} {
		directFault = func(off int64) error {
			if off <= at && at < off+4099*3+directPage {
				return syscall.EIO
			}
			return nil
		}
		w, out, _ := newConvertOut(t, f, EncodingInt24)
		restore := withKnobs(readMap, gainPopulate, convertDirect, 8192)
		_, terr := TranscodeTo(context.Background(), w, f, nil)
		restore()
		cerr := w.Close()
		out.Close()
		if !errors.Is(terr, syscall.EIO) {
			t.Errorf("direct write failing at byte %d: TranscodeTo gave %v, want EIO", at, terr)
		}
		if cerr == nil {
			t.Errorf("direct write failing at byte %d: Close reported no error", at)
		}
	}
}

// The chooser: one block each way first (the mapping, then pread), then
// the cheaper way by the moving average of ns per byte, with one block
// in autoExplore the other way, which sets that way's average anew; a
// way that turns cheap is taken up at its next exploring block.
func TestAutoChooser(t *testing.T) {
	var c autoChooser
	if w := c.pick(); w != wayMap {
		t.Fatalf("first block: way %d, want the mapping", w)
	}
	c.record(wayMap, 2000, 1000) // 2 ns a byte
	if w := c.pick(); w != wayPread {
		t.Fatalf("second block: way %d, want pread", w)
	}
	c.record(wayPread, 1000, 1000) // 1 ns a byte: pread is cheaper
	cost := func(way int) int64 { return []int64{2000, 1000}[way] }
	count := func(blocks int) (ways [2]int) {
		for range blocks {
			w := c.pick()
			ways[w]++
			c.record(w, cost(w), 1000)
		}
		return ways
	}
	if ways := count(320); ways[wayPread] != 310 || ways[wayMap] != 10 {
		t.Fatalf("pread cheaper: %v blocks (map, pread), want [10 310]", ways)
	}
	// The mapping turns cheap (0.5 ns a byte): it is taken up at its next
	// exploring block, within autoExplore blocks.
	cost = func(way int) int64 { return []int64{500, 1000}[way] }
	if ways := count(autoExplore); ways[wayMap] == 0 || c.cost[wayMap] != 0.5 {
		t.Fatalf("mapping turned cheap: %v blocks (map, pread) in %d, cost %v", ways, autoExplore, c.cost)
	}
	if ways := count(320); ways[wayMap] != 310 || ways[wayPread] != 10 {
		t.Fatalf("mapping cheaper: %v blocks (map, pread), want [310 10]", ways)
	}
	c.record(wayMap, 0, 1000) // a zero time stays a time, not "not tried"
	if c.cost[wayMap] <= 0 {
		t.Fatalf("cost after a zero-time block: %v", c.cost)
	}
	c.record(wayMap, 5, 0) // an empty block changes nothing
	if c.cost[wayMap] <= 0 {
		t.Fatalf("cost after an empty block: %v", c.cost)
	}
}

// autoPass steered by a fake clock: when one way costs three times the
// other, 300 blocks go the cheap way but for the first trial of the
// other and one in autoExplore; and whatever the costs and the workers,
// Measure, Overview, peaks and loudness are those of the map path.
func TestAutoPassSteered(t *testing.T) {
	defer func(c func() int64, s func(int)) { autoClock, autoChose = c, s }(autoClock, autoChose)
	dir := t.TempDir()
	const block = 1000
	const frames = 300 * block
	path := pathFile(t, dir, EncodingInt16, 2, frames, 44, 5)
	f := openPathFile(t, path, EncodingInt16, 2, frames, 44, ReadOnly)
	type result struct {
		st []ChannelStats
		decoded
	}
	run := func(rp readPath, workers int) result {
		t.Helper()
		defer withKnobs(rp, gainPopulate, convertPair, 64<<10)()
		opts := &PassOptions{BlockFrames: block, Workers: workers}
		st, err := Measure(context.Background(), f, opts)
		if err != nil {
			t.Fatal(err)
		}
		return result{st, decodedResults(t, f, EncodingInt16, opts, 123)}
	}
	want := run(readMap, 1)
	var mu sync.Mutex
	var now int64
	var last int
	var ways [2]int
	var cost func(way int) int64
	autoChose = func(way int) {
		mu.Lock()
		defer mu.Unlock()
		last = way
		ways[way]++
	}
	autoClock = func() int64 { // one worker: called before and after each block
		mu.Lock()
		defer mu.Unlock()
		now += cost(last)
		return now
	}
	steered := func(c func(way int) int64) [2]int {
		cost, ways = c, [2]int{}
		defer withKnobs(readAuto, gainPopulate, convertPair, 64<<10)()
		got, err := Measure(context.Background(), f, &PassOptions{BlockFrames: block, Workers: 1})
		if err != nil || !sameStats(got, want.st) {
			t.Errorf("steered Measure: %v %+v, want %+v", err, got, want.st)
		}
		return ways
	}
	// 300 blocks: the first two try each way, then 298 picks of which
	// those whose count is a multiple of autoExplore (32: 9 of them)
	// explore.
	if got := steered(func(way int) int64 { return []int64{3000, 1000}[way] }); got != [2]int{1 + 9, 1 + 289} {
		t.Errorf("pread cheaper: %v blocks (map, pread), want [10 290]", got)
	}
	if got := steered(func(way int) int64 { return []int64{1000, 3000}[way] }); got != [2]int{1 + 289, 1 + 9} {
		t.Errorf("mapping cheaper: %v blocks (map, pread), want [290 10]", got)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	cost = func(int) int64 { return rng.Int64N(5000) }
	for _, workers := range []int{1, 3} {
		ways = [2]int{}
		got := run(readAuto, workers)
		if !sameStats(got.st, want.st) || !reflect.DeepEqual(got.ov, want.ov) || !reflect.DeepEqual(got.pk, want.pk) || fmt.Sprintf("%#v", got.loud) != fmt.Sprintf("%#v", want.loud) {
			t.Errorf("random costs, %d workers: results differ from the map path", workers)
		}
		if ways[wayMap] == 0 || ways[wayPread] == 0 {
			t.Errorf("random costs, %d workers: %v blocks (map, pread), want both ways used", workers, ways)
		}
	}
}
