package wavemap_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// The tests of Split, Merge and Remix. Samples are compared byte for byte
// with slices of the source cut out here, with sox's remix and ffmpeg's
// channelsplit, and with values computed by hand.

// chEncodings are the encodings the channel operations are tested in.
var chEncodings = []wavemap.Encoding{
	wavemap.EncodingUint8, wavemap.EncodingInt16, wavemap.EncodingInt24, wavemap.EncodingInt32,
	wavemap.EncodingFloat32, wavemap.EncodingFloat64, wavemap.EncodingALaw, wavemap.EncodingMuLaw,
	wavemap.EncodingInt16BE, wavemap.EncodingInt24BE, wavemap.EncodingFloat64BE,
}

// chSignal is n frames of ch channels, each channel its own tone, full
// scale reached both ways in channel 0.
func chSignal(ch, n int) []float64 {
	v := make([]float64, n*ch)
	for i := range n {
		for c := range ch {
			v[i*ch+c] = 0.8 * math.Sin(float64(i)*(0.01+0.013*float64(c))+float64(c))
		}
	}
	if n > 2 {
		v[0], v[ch] = -1, 1
	}
	return v
}

// chStore writes v into f's samples with Convert, whatever f's encoding.
func chStore(t testing.TB, f *wavemap.File, v []float64) {
	t.Helper()
	var err error
	switch f.Format().Encoding {
	case wavemap.EncodingUint8:
		err = storeAll[uint8](f, v)
	case wavemap.EncodingInt16:
		err = storeAll[int16](f, v)
	case wavemap.EncodingInt24:
		err = storeAll[wavemap.Int24](f, v)
	case wavemap.EncodingInt32:
		err = storeAll[int32](f, v)
	case wavemap.EncodingFloat32:
		err = storeAll[float32](f, v)
	case wavemap.EncodingFloat64:
		err = storeAll[float64](f, v)
	default:
		storeFloat64(t.(*testing.T), f, v)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// chDecode reads every sample of path as float64 with Convert.
func chDecode(t *testing.T, path string) []float64 {
	t.Helper()
	f := mustOpen(t, path, wavemap.ReadOnly, nil)
	var v []float64
	var err error
	switch f.Format().Encoding {
	case wavemap.EncodingUint8:
		v, err = chFloats[uint8](f)
	case wavemap.EncodingInt16:
		v, err = chFloats[int16](f)
	case wavemap.EncodingInt24:
		v, err = chFloats[wavemap.Int24](f)
	case wavemap.EncodingInt32:
		v, err = chFloats[int32](f)
	case wavemap.EncodingFloat32:
		v, err = chFloats[float32](f)
	case wavemap.EncodingFloat64:
		v, err = chFloats[float64](f)
	case wavemap.EncodingALaw:
		v, err = chFloats[wavemap.ALaw](f)
	case wavemap.EncodingMuLaw:
		v, err = chFloats[wavemap.MuLaw](f)
	case wavemap.EncodingInt16BE:
		v, err = chFloats[wavemap.Int16BE](f)
	case wavemap.EncodingInt24BE:
		v, err = chFloats[wavemap.Int24BE](f)
	case wavemap.EncodingFloat64BE:
		v, err = chFloats[wavemap.Float64BE](f)
	default:
		t.Fatalf("no test decode for %s", f.Format().Encoding)
	}
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func chFloats[T wavemap.Sample](f *wavemap.File) ([]float64, error) {
	s, err := wavemap.Samples[T](f)
	if err != nil {
		return nil, err
	}
	v := make([]float64, len(s))
	wavemap.Convert(v, s)
	return v, nil
}

// chMake creates path holding chSignal in format fm (n frames), with the
// metadata m (nil: none), and returns the signal as the file holds it.
func chMake(t *testing.T, path string, fm wavemap.Format, n int, m *wavemap.Metadata) {
	t.Helper()
	f, err := wavemap.Create(path, fm, int64(n), &wavemap.Options{Metadata: m})
	if err != nil {
		t.Fatal(err)
	}
	chStore(t, f, chSignal(fm.Channels, n))
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// chChannelBytes cuts channel c out of the interleaved audio bytes b of
// frames of ch samples of size bytes.
func chChannelBytes(b []byte, ch, c, size int) []byte {
	var out []byte
	for i := c * size; i+size <= len(b); i += ch * size {
		out = append(out, b[i:i+size]...)
	}
	return out
}

// TestSplitMergeRoundTrip splits a 5-channel file of every encoding into
// mono files, checks each against the source's bytes cut here, and
// merges them back into a file identical to the source, byte for byte:
// header, mask and samples.
func TestSplitMergeRoundTrip(t *testing.T) {
	for _, e := range chEncodings {
		t.Run(e.String(), func(t *testing.T) {
			dir := t.TempDir()
			src := filepath.Join(dir, "take.wav")
			const mask = 0x37 // FL FR FC BL BR
			fm := wavemap.Format{Encoding: e, Channels: 5, SampleRate: 48000, ChannelMask: mask}
			n := 3000
			chMake(t, src, fm, n, nil)
			f := mustOpen(t, src, wavemap.ReadOnly, nil)
			names, err := wavemap.SplitNames(src, f, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i, l := range []string{"FL", "FR", "FC", "BL", "BR"} {
				if want := filepath.Join(dir, "take."+l+".wav"); names[i] != want {
					t.Errorf("name %d: %s, want %s", i, names[i], want)
				}
			}
			var progress int64
			r, err := wavemap.Split(context.Background(), f, names, &wavemap.SplitOptions{
				PassOptions: wavemap.PassOptions{BlockFrames: 1000, Progress: func(done, total int64) {
					if total != int64(n) {
						t.Errorf("progress total %d", total)
					}
					progress = done
				}}})
			if err != nil {
				t.Fatal(err)
			}
			if progress != int64(n) || r.Clipped != 0 || len(r.Outputs) != 5 {
				t.Fatalf("progress %d, report %+v", progress, r)
			}
			whole := audioBytes(t, src)
			wantMask := []uint32{0x1, 0x2, 0, 0x10, 0x20} // FC: a plain mono file
			var outs []*wavemap.File
			for c, o := range r.Outputs {
				g := mustOpen(t, o.Name, wavemap.ReadOnly, &wavemap.Options{Strict: true})
				gf := g.Format()
				if gf.Encoding != e || gf.Channels != 1 || gf.SampleRate != 48000 || gf.ChannelMask != wantMask[c] || g.Frames() != int64(n) {
					t.Errorf("%s: format %+v, %d frames", o.Name, gf, g.Frames())
				}
				if o.Format != gf || o.Frames != int64(n) {
					t.Errorf("%s: report %+v", o.Name, o)
				}
				if !bytes.Equal(g.Bytes(), chChannelBytes(whole, 5, c, e.Size())) {
					t.Errorf("%s: samples differ from channel %d of the source", o.Name, c)
				}
				outs = append(outs, g)
			}
			merged := filepath.Join(dir, "merged.wav")
			mr, err := wavemap.Merge(context.Background(), merged, outs, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := mr.Outputs[0].Format; got != fm {
				t.Errorf("merged format %+v, want %+v", got, fm)
			}
			if !bytes.Equal(readFile(t, merged), readFile(t, src)) {
				t.Errorf("the merged file differs from the source")
			}
			noPartials(t, dir)
		})
	}
}

// TestSplitChannelsAndStereo: a plain 16-bit stereo file (no mask) splits
// into FL and FR files, which merge back into a plain stereo file; a
// subset of channels in another order gives only those.
func TestSplitChannelsAndStereo(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "st.wav")
	chMake(t, src, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 44100}, 500, nil)
	f := mustOpen(t, src, wavemap.ReadOnly, nil)
	names, err := wavemap.SplitNames(src, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if names[0] != filepath.Join(dir, "st.FL.wav") || names[1] != filepath.Join(dir, "st.FR.wav") {
		t.Errorf("names %q", names)
	}
	r, err := wavemap.Split(context.Background(), f, names, nil)
	if err != nil {
		t.Fatal(err)
	}
	var outs []*wavemap.File
	for i, o := range r.Outputs {
		if o.Format.ChannelMask != uint32(1)<<i {
			t.Errorf("%s: mask %#x", o.Name, o.Format.ChannelMask)
		}
		outs = append(outs, mustOpen(t, o.Name, wavemap.ReadOnly, nil))
	}
	merged := filepath.Join(dir, "m.wav")
	if _, err := wavemap.Merge(context.Background(), merged, outs, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, merged), readFile(t, src)) {
		t.Errorf("the merged file differs from the source")
	}

	// Channels 1 and 0 of a 6-channel file without a mask: numbered.
	six := filepath.Join(dir, "six.wav")
	chMake(t, six, wavemap.Format{Encoding: wavemap.EncodingInt24, Channels: 6, SampleRate: 48000}, 300, nil)
	g := mustOpen(t, six, wavemap.ReadOnly, nil)
	names, err = wavemap.SplitNames(filepath.Join(dir, "out"), g, []int{1, 0})
	if err != nil {
		t.Fatal(err)
	}
	if names[0] != filepath.Join(dir, "out.2.wav") || names[1] != filepath.Join(dir, "out.1.wav") {
		t.Errorf("names %q", names)
	}
	r, err = wavemap.Split(context.Background(), g, names, &wavemap.SplitOptions{Channels: []int{1, 0}})
	if err != nil {
		t.Fatal(err)
	}
	whole := audioBytes(t, six)
	for i, c := range []int{1, 0} {
		if got := audioBytes(t, r.Outputs[i].Name); !bytes.Equal(got, chChannelBytes(whole, 6, c, 3)) {
			t.Errorf("%s: not channel %d", r.Outputs[i].Name, c)
		}
		if r.Outputs[i].Format.ChannelMask != 0 {
			t.Errorf("%s: mask %#x for a source without one", r.Outputs[i].Name, r.Outputs[i].Format.ChannelMask)
		}
	}
}

// TestSplitMatchesFFmpeg splits a 7.1 s24 file with Split and with
// ffmpeg's channelsplit filter: the same samples, byte for byte, and the
// same channel masks.
func TestSplitMatchesFFmpeg(t *testing.T) {
	wavtest.Need(t, "ffmpeg")
	dir := t.TempDir()
	src := filepath.Join(dir, "71.wav")
	chMake(t, src, wavemap.Format{Encoding: wavemap.EncodingInt24, Channels: 8, SampleRate: 48000, ChannelMask: 0x63F}, 4801, nil)
	f := mustOpen(t, src, wavemap.ReadOnly, nil)
	names, err := wavemap.SplitNames(filepath.Join(dir, "wm.wav"), f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wavemap.Split(context.Background(), f, names, &wavemap.SplitOptions{PassOptions: wavemap.PassOptions{BlockFrames: 1024}}); err != nil {
		t.Fatal(err)
	}
	labels := []string{"FL", "FR", "FC", "LFE", "BL", "BR", "SL", "SR"}
	args := []string{"-v", "error", "-y", "-i", src, "-filter_complex", "channelsplit=channel_layout=7.1[" + strings.Join(labels, "][") + "]"}
	for _, l := range labels {
		args = append(args, "-map", "["+l+"]", "-c:a", "pcm_s24le", filepath.Join(dir, "ff."+l+".wav"))
	}
	wavtest.Run(t, "ffmpeg", args...)
	for _, l := range labels {
		ours, theirs := filepath.Join(dir, "wm."+l+".wav"), filepath.Join(dir, "ff."+l+".wav")
		if !bytes.Equal(audioBytes(t, ours), audioBytes(t, theirs)) {
			t.Errorf("%s: samples differ from ffmpeg's", l)
		}
		a, b := mustOpen(t, ours, wavemap.ReadOnly, nil).Format(), mustOpen(t, theirs, wavemap.ReadOnly, nil).Format()
		if b.ChannelMask == 0x4 {
			b.ChannelMask = 0 // front centre, which is what a mono file without a mask means
		}
		if a.ChannelMask != b.ChannelMask {
			t.Errorf("%s: mask %#x, ffmpeg's %#x", l, a.ChannelMask, b.ChannelMask)
		}
	}
}

// TestRemixMatchesSox remixes s16 and s24 files with weights and has sox
// remix the same files with the same specification in its syntax
// (manual mode: the weights as given): the values agree within one step
// of the output (sox rounds twice, through its 32-bit samples, and rounds
// halves up), and both clip or neither does.
func TestRemixMatchesSox(t *testing.T) {
	wavtest.Need(t, "sox")
	cases := []struct {
		spec []string
		mix  [][]float64
	}{
		{[]string{"1v0.5,2v0.5"}, [][]float64{{0.5, 0.5}}},
		{[]string{"2", "1"}, [][]float64{{0, 1}, {1, 0}}},
		{[]string{"1v0.7,2v-0.3", "0", "1v1.6,2v1.6", "2v-1"}, [][]float64{{0.7, -0.3}, {}, {1.6, 1.6}, {0, -1}}},
		{[]string{"1,2,1v0.25"}, [][]float64{{1.25, 1}}},
	}
	for _, e := range []wavemap.Encoding{wavemap.EncodingInt16, wavemap.EncodingInt24} {
		dir := t.TempDir()
		src := filepath.Join(dir, "in.wav")
		chMake(t, src, wavemap.Format{Encoding: e, Channels: 2, SampleRate: 44100}, 20000, nil)
		f := mustOpen(t, src, wavemap.ReadOnly, nil)
		for k, tc := range cases {
			t.Run(fmt.Sprintf("%s/%s", e, strings.Join(tc.spec, "_")), func(t *testing.T) {
				ours := filepath.Join(dir, fmt.Sprintf("wm%d.wav", k))
				r, err := wavemap.Remix(context.Background(), ours, f, tc.mix, nil)
				if err != nil {
					t.Fatal(err)
				}
				theirs := filepath.Join(dir, fmt.Sprintf("sox%d.wav", k))
				out := wavtest.RunStderr(t, "sox", append([]string{"-D", src, theirs, "remix", "-m"}, tc.spec...)...)
				got, want := chDecode(t, ours), chDecode(t, theirs)
				if len(got) != len(want) {
					t.Fatalf("%d samples, sox %d", len(got), len(want))
				}
				step := math.Ldexp(1, 1-e.Bits())
				bad := 0
				for i := range got {
					if math.Abs(got[i]-want[i]) > step*1.0001 {
						if bad++; bad < 5 {
							t.Errorf("sample %d: %v, sox %v", i, got[i], want[i])
						}
					}
				}
				// sox clips in two stages (its 32-bit samples, then the
				// output), with halves rounded up: its count can differ
				// at the edges of the range, but not whether there is
				// clipping at all.
				if soxClipped := strings.Contains(string(out), "clipped"); soxClipped != (r.Clipped > 0) {
					t.Errorf("clipped %d, sox says %q", r.Clipped, out)
				}
			})
		}
	}
}

// TestRemixByHand checks Remix against values worked out by hand: s16
// samples mixed at weights whose sums are exact, half steps rounded to
// even, and clipping counted.
func TestRemixByHand(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "in.wav")
	in := []int16{1000, -2000, 30000, 3, 30000, 30000, -32768, 5, 5, 0, 7, 0}
	writeFile(t, src, wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 8000, 16, 4)), wavtest.Chunk("data", wavtest.S16(in...))))
	f := mustOpen(t, src, wavemap.ReadOnly, nil)
	out := filepath.Join(dir, "out.wav")
	// L+R, L/2 - R/4, -L, R
	mix := [][]float64{{1, 1}, {0.5, -0.25}, {-1}, {0, 1}}
	r, err := wavemap.Remix(context.Background(), out, f, mix, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []int16{
		-1000, 1000, -1000, -2000, // 1000 -2000
		30003, 14999, -30000, 3, //  30000 3: 15000 - 0.75 -> 14999.25
		32767, 7500, -30000, 30000, // 30000 30000: the sum clips
		-32763, -16385, 32767, 5, // -32768 5: -16384 - 1.25; -(-32768) clips
		5, 2, -5, 0, // 5 0: 2.5 rounds to even
		7, 4, -7, 0, // 7 0: 3.5 rounds to even
	}
	got := readS16File(t, out)
	if !slices.Equal(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	if r.Clipped != 2 {
		t.Errorf("clipped %d, want 2", r.Clipped)
	}
	if fm := r.Outputs[0].Format; fm.Channels != 4 || fm.ChannelMask != wavemap.DefaultChannelMask(4) {
		t.Errorf("format %+v", fm)
	}
}

// readS16File reads the s16 samples of path.
func readS16File(t *testing.T, path string) []int16 {
	t.Helper()
	s, err := wavemap.Samples[int16](mustOpen(t, path, wavemap.ReadOnly, nil))
	if err != nil {
		t.Fatal(err)
	}
	return append([]int16(nil), s...)
}

// TestRemixEveryEncoding remixes a 3-channel file of every encoding into
// every other through a mix of picks, sums and silence, and checks each
// output sample against the decoded source mixed here and converted with
// Convert (for integer outputs that also clip), and the clip count.
func TestRemixEveryEncoding(t *testing.T) {
	mix := [][]float64{{0, 0, 1}, {0.6, 0.6}, {}, {-1, 0, 0.25}}
	n := 1500
	for _, se := range chEncodings {
		dir := t.TempDir()
		src := filepath.Join(dir, "in.wav")
		chMake(t, src, wavemap.Format{Encoding: se, Channels: 3, SampleRate: 32000}, n, nil)
		x := chDecode(t, src)
		f := mustOpen(t, src, wavemap.ReadOnly, nil)
		for _, de := range chEncodings {
			t.Run(se.String()+"-"+de.String(), func(t *testing.T) {
				out := filepath.Join(dir, de.String()+".wav")
				r, err := wavemap.Remix(context.Background(), out, f, mix, &wavemap.RemixOptions{Encoding: de,
					PassOptions: wavemap.PassOptions{BlockFrames: 700}})
				if err != nil {
					t.Fatal(err)
				}
				sums := make([]float64, n*len(mix))
				for i := range n {
					for j, row := range mix {
						v := 0.0
						for c, w := range row {
							if w != 0 {
								v += w * x[i*3+c]
							}
						}
						sums[i*len(mix)+j] = v
					}
				}
				want, clipped := chQuantize(t, sums, de)
				got := chDecode(t, out)
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("sample %d (frame %d channel %d): %v, want %v", i, i/len(mix), i%len(mix), got[i], want[i])
					}
				}
				if r.Clipped != clipped {
					t.Errorf("clipped %d, want %d", r.Clipped, clipped)
				}
			})
		}
	}
}

// chQuantize returns the values v as a file of encoding e holds them (with
// Convert to e and back) and the number that clip.
func chQuantize(t *testing.T, v []float64, e wavemap.Encoding) ([]float64, int64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "q.wav")
	f, err := wavemap.Create(path, wavemap.Format{Encoding: e, Channels: 1, SampleRate: 8000}, int64(len(v)), nil)
	if err != nil {
		t.Fatal(err)
	}
	chStore(t, f, v)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	var clipped int64
	bits := map[wavemap.Encoding]int{wavemap.EncodingUint8: 8, wavemap.EncodingInt16: 16, wavemap.EncodingALaw: 16,
		wavemap.EncodingMuLaw: 16, wavemap.EncodingInt16BE: 16, wavemap.EncodingInt24: 24, wavemap.EncodingInt24BE: 24,
		wavemap.EncodingInt32: 32}[e]
	if bits != 0 {
		full := math.Ldexp(1, bits-1)
		for _, x := range v {
			if r := math.RoundToEven(x * full); r > full-1 || r < -full {
				clipped++
			}
		}
	}
	return chDecode(t, path), clipped
}

// TestMergePad: inputs of different lengths are refused unless padded;
// padded, the shorter ones end in silence (the u8 silence code too).
func TestMergePad(t *testing.T) {
	dir := t.TempDir()
	var ins []*wavemap.File
	for i, n := range []int{100, 250} {
		p := filepath.Join(dir, fmt.Sprintf("in%d.wav", i))
		chMake(t, p, wavemap.Format{Encoding: wavemap.EncodingUint8, Channels: 1, SampleRate: 8000}, n, nil)
		ins = append(ins, mustOpen(t, p, wavemap.ReadOnly, nil))
	}
	out := filepath.Join(dir, "out.wav")
	if _, err := wavemap.Merge(context.Background(), out, ins, nil); !errors.Is(err, wavemap.ErrArgument) {
		t.Fatalf("unequal lengths: %v, want ErrArgument", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("refused merge left %s: %v", out, err)
	}
	r, err := wavemap.Merge(context.Background(), out, ins, &wavemap.MergeOptions{Pad: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Outputs[0].Frames != 250 {
		t.Errorf("%d frames, want 250", r.Outputs[0].Frames)
	}
	got := audioBytes(t, out)
	a, b := audioBytes(t, ins[0].Name()), audioBytes(t, ins[1].Name())
	for i := range 250 {
		wa := byte(0x80)
		if i < 100 {
			wa = a[i]
		}
		if got[2*i] != wa || got[2*i+1] != b[i] {
			t.Fatalf("frame %d: %d %d, want %d %d", i, got[2*i], got[2*i+1], wa, b[i])
		}
	}
}

// TestChannelMasks: the masks Merge and Remix derive, and the ones given.
func TestChannelMasks(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, ch int, mask uint32) *wavemap.File {
		p := filepath.Join(dir, name)
		chMake(t, p, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: ch, SampleRate: 8000, ChannelMask: mask}, 10, nil)
		return mustOpen(t, p, wavemap.ReadOnly, nil)
	}
	mono := mk("mono.wav", 1, 0)
	lfe := mk("lfe.wav", 1, 0x8)
	st := mk("st.wav", 2, 0)
	fl := mk("fl.wav", 1, 0x1)
	merge := func(opts *wavemap.MergeOptions, ins ...*wavemap.File) uint32 {
		t.Helper()
		r, err := wavemap.Merge(context.Background(), filepath.Join(dir, "out.wav"), ins, opts)
		if err != nil {
			t.Fatal(err)
		}
		return r.Outputs[0].Format.ChannelMask
	}
	for _, tc := range []struct {
		what string
		got  uint32
		want uint32
	}{
		{"stereo + centre + LFE", merge(nil, st, mono, lfe), 0xF},
		{"two monos: both centre, no layout", merge(nil, mono, mono), 0},
		{"four monos", merge(nil, mono, mono, mono, mono), 0x33},
		{"LFE before centre: not ascending, 5 channels: no default", merge(nil, lfe, mono, st, mono), 0},
		{"LFE before centre, 6 channels: 5.1", merge(nil, lfe, mono, st, mono, mono), 0x3F},
		{"six monos", merge(nil, mono, mono, mono, mono, mono, mono), 0x3F},
		{"FL then centre", merge(nil, fl, mono), 0x5},
		{"given", merge(&wavemap.MergeOptions{ChannelMask: 0x603}, st, mono, mono), 0x603},
		{"none", merge(&wavemap.MergeOptions{NoMask: true}, st, mono, lfe), 0},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: mask %#x, want %#x", tc.what, tc.got, tc.want)
		}
	}
	if _, err := wavemap.Merge(context.Background(), filepath.Join(dir, "x.wav"), []*wavemap.File{st}, &wavemap.MergeOptions{ChannelMask: 0x7}); !errors.Is(err, wavemap.ErrArgument) {
		t.Errorf("a mask of 3 positions for 2 channels: %v", err)
	}
	six := mk("six.wav", 6, 0x3F)
	remix := func(mix [][]float64) uint32 {
		t.Helper()
		r, err := wavemap.Remix(context.Background(), filepath.Join(dir, "r.wav"), six, mix, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r.Outputs[0].Format.ChannelMask
	}
	if m := remix([][]float64{{0, 0, 0, 1}, {0, 0, 0, 0, 0.5}}); m != 0x18 {
		t.Errorf("LFE and BL picked: mask %#x", m)
	}
	if m := remix([][]float64{{1, 0, 0.7}, {0, 1, 0.7}}); m != 0 {
		t.Errorf("stereo downmix: mask %#x", m)
	}
	if m := remix([][]float64{{0, 1}, {1}}); m != 0 {
		t.Errorf("channels swapped: mask %#x", m)
	}
}

// chIXML is an iXML document as a recorder writes it, with a track list
// of the given names (interleave index i+1, channel index 11+i).
func chIXML(names ...string) []byte {
	var tl strings.Builder
	for i, n := range names {
		var esc strings.Builder
		xml.EscapeText(&esc, []byte(n))
		fmt.Fprintf(&tl, "\n    <TRACK>\n      <CHANNEL_INDEX>%d</CHANNEL_INDEX>\n      <INTERLEAVE_INDEX>%d</INTERLEAVE_INDEX>\n      <NAME>%s</NAME>\n    </TRACK>", 11+i, i+1, esc.String())
	}
	return []byte(fmt.Sprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BWFXML>\n  <PROJECT>Night &amp; Day</PROJECT>\n  <SCENE>12</SCENE>\n  <TRACK_LIST>\n    <TRACK_COUNT>%d</TRACK_COUNT>%s\n  </TRACK_LIST>\n  <NOTE>keep me</NOTE>\n</BWFXML>\n", len(names), tl.String()))
}

// chPeak is a PEAK chunk of the given values, positions 10*i.
func chPeak(values ...float32) []byte {
	b := wavtest.Cat(wavtest.LE32(1), wavtest.LE32(12345))
	for i, v := range values {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
		b = binary.LittleEndian.AppendUint32(b, uint32(10*i))
	}
	return b
}

// TestSplitMetadata: the outputs of Split keep bext, INFO, cue, smpl,
// unknown chunks (both sides of the data) byte for byte; lose MD5, levl
// and chna; get the PEAK value and the iXML track of their channel, the
// rest of the iXML document unchanged; are named after the iXML tracks.
// Merging them gives back the source's iXML and PEAK chunks.
func TestSplitMetadata(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "take.wav")
	rich := wavtest.RichChunks()
	m := &wavemap.Metadata{}
	for _, c := range rich {
		if c.ID == "iXML" {
			continue
		}
		m.Chunks = append(m.Chunks, wavemap.RawChunk{ID: wavemap.FourCC([]byte(c.ID)), Data: c.Data, AfterData: c.After})
	}
	ixml := chIXML("Boom", "Lav <Anna>", "Plant")
	peak := chPeak(0.5, 0.25, 0.125)
	m.Chunks = append(m.Chunks,
		wavemap.RawChunk{ID: wavemap.FourCC{'i', 'X', 'M', 'L'}, Data: ixml},
		wavemap.RawChunk{ID: wavemap.FourCC{'P', 'E', 'A', 'K'}, Data: peak},
		wavemap.RawChunk{ID: wavemap.FourCC{'M', 'D', '5', ' '}, Data: make([]byte, 16)},
		wavemap.RawChunk{ID: wavemap.FourCC{'l', 'e', 'v', 'l'}, Data: make([]byte, 128)},
		wavemap.RawChunk{ID: wavemap.FourCC{'c', 'h', 'n', 'a'}, Data: make([]byte, 44)},
	)
	chMake(t, src, wavemap.Format{Encoding: wavemap.EncodingInt24, Channels: 3, SampleRate: 48000}, 1000, m)
	f := mustOpen(t, src, wavemap.ReadOnly, nil)
	names, err := wavemap.SplitNames(src, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range []string{"Boom", "Lav_Anna", "Plant"} {
		if want := filepath.Join(dir, "take."+l+".wav"); names[i] != want {
			t.Errorf("name %d: %s, want %s", i, names[i], want)
		}
	}
	r, err := wavemap.Split(context.Background(), f, names, nil)
	if err != nil {
		t.Fatal(err)
	}
	kept := map[string]bool{"bext": true, "LIST": true, "cue ": true, "smpl": true, "zzzz": true, "_PMX": true, "yyyy": true}
	var outs []*wavemap.File
	for c, o := range r.Outputs {
		g := mustOpen(t, o.Name, wavemap.ReadOnly, nil)
		outs = append(outs, g)
		gm, err := g.Metadata()
		if err != nil {
			t.Fatal(err)
		}
		var want []wavtest.MetaChunk
		for _, mc := range asMeta(m) {
			if kept[mc.ID] {
				want = append(want, mc)
			}
		}
		var got []wavtest.MetaChunk
		for _, mc := range asMeta(gm) {
			switch mc.ID {
			case "iXML":
				x, err := wavemap.ParseIXML(mc.Data)
				if err != nil {
					t.Fatal(err)
				}
				names := []string{"Boom", "Lav <Anna>", "Plant"}
				if len(x.Tracks) != 1 || x.Tracks[0] != (wavemap.IXMLTrack{ChannelIndex: 11 + c, InterleaveIndex: 1, Name: names[c]}) {
					t.Errorf("%s: tracks %+v", o.Name, x.Tracks)
				}
				if x.Project != "Night & Day" || x.Scene != "12" || x.Note != "keep me" {
					t.Errorf("%s: iXML fields %+v", o.Name, x)
				}
				if !bytes.Contains(mc.Data, []byte("<TRACK_COUNT>1</TRACK_COUNT>")) {
					t.Errorf("%s: TRACK_COUNT not 1:\n%s", o.Name, mc.Data)
				}
			case "PEAK":
				if want := wavtest.Cat(peak[:8], peak[8+8*c:16+8*c]); !bytes.Equal(mc.Data, want) {
					t.Errorf("%s: PEAK %x, want %x", o.Name, mc.Data, want)
				}
			default:
				got = append(got, mc)
			}
		}
		wavtest.SameChunks(t, o.Name, got, want)
		notes := strings.Join(o.Notes, "\n")
		for _, s := range []string{"MD5", "levl", "chna", "PEAK", "TRACK_LIST"} {
			if !strings.Contains(notes, s) {
				t.Errorf("%s: no note on %s in %q", o.Name, s, o.Notes)
			}
		}
	}
	merged := filepath.Join(dir, "merged.wav")
	mr, err := wavemap.Merge(context.Background(), merged, outs, nil)
	if err != nil {
		t.Fatal(err)
	}
	mm, err := mustOpen(t, merged, wavemap.ReadOnly, nil).Metadata()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := mm.Get(wavemap.FourCC{'i', 'X', 'M', 'L'}); !bytes.Equal(b, ixml) {
		t.Errorf("merged iXML:\n%s\nwant:\n%s\nnotes %q", b, ixml, mr.Outputs[0].Notes)
	}
	if b, _ := mm.Get(wavemap.FourCC{'P', 'E', 'A', 'K'}); !bytes.Equal(b, peak) {
		t.Errorf("merged PEAK %x, want %x", b, peak)
	}
}

// TestRemixMetadata: a remix keeps the iXML tracks of the channels taken
// from one input channel, drops PEAK (the mix changed the peaks), and a
// RIFX source's chunks are left out of a little-endian output.
func TestRemixMetadata(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "in.wav")
	m := &wavemap.Metadata{Chunks: []wavemap.RawChunk{
		{ID: wavemap.FourCC{'i', 'X', 'M', 'L'}, Data: chIXML("A", "B", "C")},
		{ID: wavemap.FourCC{'P', 'E', 'A', 'K'}, Data: chPeak(0.1, 0.2, 0.3)},
		{ID: wavemap.FourCC{'z', 'z', 'z', 'z'}, Data: []byte("odd")},
	}}
	chMake(t, src, wavemap.Format{Encoding: wavemap.EncodingFloat32, Channels: 3, SampleRate: 48000}, 100, m)
	f := mustOpen(t, src, wavemap.ReadOnly, nil)
	out := filepath.Join(dir, "out.wav")
	r, err := wavemap.Remix(context.Background(), out, f, [][]float64{{0, 0, 1}, {0.5, 0.5}, {0, -2}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	om, err := mustOpen(t, out, wavemap.ReadOnly, nil).Metadata()
	if err != nil {
		t.Fatal(err)
	}
	x, ok, err := om.IXML()
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	want := []wavemap.IXMLTrack{{ChannelIndex: 13, InterleaveIndex: 1, Name: "C"}, {ChannelIndex: 12, InterleaveIndex: 3, Name: "B"}}
	if !slices.Equal(x.Tracks, want) {
		t.Errorf("tracks %+v, want %+v", x.Tracks, want)
	}
	if _, ok := om.Get(wavemap.FourCC{'P', 'E', 'A', 'K'}); ok {
		t.Error("PEAK kept after a mix")
	}
	if b, _ := om.Get(wavemap.FourCC{'z', 'z', 'z', 'z'}); string(b) != "odd" {
		t.Errorf("unknown chunk %q", b)
	}
	if notes := strings.Join(r.Outputs[0].Notes, "\n"); !strings.Contains(notes, "channel(s) 2") {
		t.Errorf("notes %q do not say channel 2 has no track", notes)
	}

	rifx := filepath.Join(dir, "rifx.wav")
	chMake(t, rifx, wavemap.Format{Encoding: wavemap.EncodingInt16BE, Channels: 2, SampleRate: 8000}, 50, &wavemap.Metadata{Chunks: []wavemap.RawChunk{{ID: wavemap.FourCC{'z', 'z', 'z', 'z'}, Data: []byte("be")}}})
	g := mustOpen(t, rifx, wavemap.ReadOnly, nil)
	r, err = wavemap.Remix(context.Background(), filepath.Join(dir, "le.wav"), g, [][]float64{{1}}, &wavemap.RemixOptions{Encoding: wavemap.EncodingInt16})
	if err != nil {
		t.Fatal(err)
	}
	lm, err := mustOpen(t, filepath.Join(dir, "le.wav"), wavemap.ReadOnly, nil).Metadata()
	if err != nil {
		t.Fatal(err)
	}
	if len(lm.Chunks) != 0 || len(r.Outputs[0].Notes) != 1 {
		t.Errorf("RIFX chunks in a RIFF output: %v, notes %q", mdIDs(lm), r.Outputs[0].Notes)
	}
}

// TestSplitRF64: outputs forced to RF64 are RF64 files that sox reads
// with the right samples.
func TestSplitRF64(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "in.wav")
	chMake(t, src, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}, 2000, nil)
	f := mustOpen(t, src, wavemap.ReadOnly, nil)
	names := []string{filepath.Join(dir, "l.wav"), filepath.Join(dir, "r.wav")}
	r, err := wavemap.Split(context.Background(), f, names, &wavemap.SplitOptions{Output: &wavemap.Options{Container: wavemap.RF64}})
	if err != nil {
		t.Fatal(err)
	}
	x := chDecode(t, src)
	for c, o := range r.Outputs {
		if o.Container != wavemap.RF64 || !bytes.HasPrefix(readFile(t, o.Name), []byte("RF64")) {
			t.Errorf("%s: container %v", o.Name, o.Container)
		}
		if !wavtest.Have(t, "sox") {
			continue
		}
		got := wavtest.SoxFloat64(t, o.Name)
		if len(got) != 2000 {
			t.Fatalf("%s: sox reads %d samples", o.Name, len(got))
		}
		for i, v := range got {
			if v != x[2*i+c] {
				t.Fatalf("%s: sample %d: sox reads %v, want %v", o.Name, i, v, x[2*i+c])
			}
		}
	}
	// Merge into RF64 too.
	m := filepath.Join(dir, "m.wav")
	ins := []*wavemap.File{mustOpen(t, names[0], wavemap.ReadOnly, nil), mustOpen(t, names[1], wavemap.ReadOnly, nil)}
	if r, err = wavemap.Merge(context.Background(), m, ins, &wavemap.MergeOptions{Output: &wavemap.Options{Container: wavemap.RF64}}); err != nil {
		t.Fatal(err)
	}
	if r.Outputs[0].Container != wavemap.RF64 || !bytes.Equal(audioBytes(t, m), audioBytes(t, src)) {
		t.Errorf("RF64 merge: %v, samples equal %v", r.Outputs[0].Container, bytes.Equal(audioBytes(t, m), audioBytes(t, src)))
	}
}

// TestChannelCancel: a cancelled Split, Merge or Remix returns an error
// wrapping context.Canceled and leaves no output and no partial file;
// files that were at the names stay as they were.
func TestChannelCancel(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "in.wav")
	chMake(t, src, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}, 10000, nil)
	f := mustOpen(t, src, wavemap.ReadOnly, nil)
	old := filepath.Join(dir, "old.wav")
	writeFile(t, old, []byte("old contents"))
	names := []string{filepath.Join(dir, "a.wav"), old}
	for _, op := range []string{"Split", "Merge", "Remix"} {
		ctx, po := cancelAfter(t, 1000)
		var err error
		switch op {
		case "Split":
			_, err = wavemap.Split(ctx, f, names, &wavemap.SplitOptions{PassOptions: *po})
		case "Merge":
			_, err = wavemap.Merge(ctx, old, []*wavemap.File{f, f}, &wavemap.MergeOptions{PassOptions: *po})
		case "Remix":
			_, err = wavemap.Remix(ctx, old, f, [][]float64{{0.5, 0.5}}, &wavemap.RemixOptions{PassOptions: *po})
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v, want context.Canceled", op, err)
		}
		if _, err := os.Stat(names[0]); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left %s", op, names[0])
		}
		if string(readFile(t, old)) != "old contents" {
			t.Errorf("%s changed %s", op, old)
		}
		noPartials(t, dir)
	}
}

// TestChannelArguments: what Split, Merge and Remix refuse, with
// ErrArgument, creating nothing.
func TestChannelArguments(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, fm wavemap.Format, n int) *wavemap.File {
		p := filepath.Join(dir, name)
		chMake(t, p, fm, n, nil)
		return mustOpen(t, p, wavemap.ReadOnly, nil)
	}
	st := mk("st.wav", wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 8000}, 10)
	s24 := mk("s24.wav", wavemap.Format{Encoding: wavemap.EncodingInt24, Channels: 1, SampleRate: 8000}, 10)
	r16k := mk("r16k.wav", wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 1, SampleRate: 16000}, 10)
	out := filepath.Join(dir, "out.wav")
	ctx := context.Background()
	for _, tc := range []struct {
		what string
		err  error
	}{
		{"split: channel 2 of 2", func() error {
			_, err := wavemap.Split(ctx, st, []string{out}, &wavemap.SplitOptions{Channels: []int{2}})
			return err
		}()},
		{"split: negative channel", func() error {
			_, err := wavemap.Split(ctx, st, []string{out}, &wavemap.SplitOptions{Channels: []int{-1}})
			return err
		}()},
		{"split: a channel twice", func() error {
			_, err := wavemap.Split(ctx, st, []string{out, out + "2"}, &wavemap.SplitOptions{Channels: []int{0, 0}})
			return err
		}()},
		{"split: one name for two channels", func() error { _, err := wavemap.Split(ctx, st, []string{out}, nil); return err }()},
		{"split: the same name twice", func() error { _, err := wavemap.Split(ctx, st, []string{out, out}, nil); return err }()},
		{"split: nil file", func() error { _, err := wavemap.Split(ctx, nil, []string{out}, nil); return err }()},
		{"split: dry run", func() error {
			_, err := wavemap.Split(ctx, st, []string{out, out + "2"}, &wavemap.SplitOptions{PassOptions: wavemap.PassOptions{DryRun: true}})
			return err
		}()},
		{"merge: no input", func() error { _, err := wavemap.Merge(ctx, out, nil, nil); return err }()},
		{"merge: encodings differ", func() error { _, err := wavemap.Merge(ctx, out, []*wavemap.File{st, s24}, nil); return err }()},
		{"merge: rates differ", func() error {
			_, err := wavemap.Merge(ctx, out, []*wavemap.File{st, r16k}, &wavemap.MergeOptions{Pad: true})
			return err
		}()},
		{"remix: no channel", func() error { _, err := wavemap.Remix(ctx, out, st, nil, nil); return err }()},
		{"remix: NaN weight", func() error { _, err := wavemap.Remix(ctx, out, st, [][]float64{{math.NaN()}}, nil); return err }()},
		{"remix: 3 weights for 2 channels", func() error { _, err := wavemap.Remix(ctx, out, st, [][]float64{{1, 1, 1}}, nil); return err }()},
		{"remix: bad encoding", func() error {
			_, err := wavemap.Remix(ctx, out, st, [][]float64{{1}}, &wavemap.RemixOptions{Encoding: 99})
			return err
		}()},
		{"remix: mask of 2 positions for 1 channel", func() error {
			_, err := wavemap.Remix(ctx, out, st, [][]float64{{1}}, &wavemap.RemixOptions{ChannelMask: 3})
			return err
		}()},
		{"remix: little-endian samples in RIFX", func() error {
			_, err := wavemap.Remix(ctx, out, st, [][]float64{{1}}, &wavemap.RemixOptions{Output: &wavemap.Options{Container: wavemap.RIFX}})
			return err
		}()},
	} {
		if !errors.Is(tc.err, wavemap.ErrArgument) {
			t.Errorf("%s: %v, want ErrArgument", tc.what, tc.err)
		}
	}
	for _, n := range []string{out, out + "2"} {
		if _, err := os.Stat(n); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was made", n)
		}
	}
	noPartials(t, dir)
}

// TestSplitNamesLabels: track names, speaker positions and numbers, and
// the fall back to numbers when labels collide.
func TestSplitNamesLabels(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, ch int, mask uint32, ixml []byte) *wavemap.File {
		p := filepath.Join(dir, name)
		var m *wavemap.Metadata
		if ixml != nil {
			m = &wavemap.Metadata{Chunks: []wavemap.RawChunk{{ID: wavemap.FourCC{'i', 'X', 'M', 'L'}, Data: ixml}}}
		}
		chMake(t, p, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: ch, SampleRate: 8000, ChannelMask: mask}, 4, m)
		return mustOpen(t, p, wavemap.ReadOnly, nil)
	}
	for _, tc := range []struct {
		f    *wavemap.File
		want []string
	}{
		{mk("a.wav", 12, 0, nil), []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"}},
		{mk("b.wav", 4, 0x80000003, nil), []string{"FL", "FR", "bit31", "4"}},
		{mk("c.wav", 3, 0x7, chIXML("Mix L", "", "Mix/R")), []string{"Mix_L", "FR", "Mix_R"}},
		{mk("d.wav", 2, 0, chIXML("lav", "LAV")), []string{"1", "2"}},
		{mk("e.wav", 1, 0, nil), []string{"FC"}},
	} {
		names, err := wavemap.SplitNames(filepath.Join(dir, "x.WAV"), tc.f, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range names {
			if want := filepath.Join(dir, "x."+tc.want[i]+".WAV"); names[i] != want {
				t.Errorf("%s: name %d %s, want %s", tc.f.Name(), i, names[i], want)
			}
		}
	}
	names, err := wavemap.SplitNames("noext", mk("f.wav", 2, 0, nil), []int{1})
	if err != nil || len(names) != 1 || names[0] != "noext.FR.wav" {
		t.Errorf("SplitNames without an extension: %q %v", names, err)
	}
}

// TestChannelsEmpty: a file of no frames splits, merges and remixes into
// files of no frames.
func TestChannelsEmpty(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "empty.wav")
	chMake(t, src, wavemap.Format{Encoding: wavemap.EncodingUint8, Channels: 2, SampleRate: 8000}, 0, nil)
	f := mustOpen(t, src, wavemap.ReadOnly, nil)
	names := []string{filepath.Join(dir, "l.wav"), filepath.Join(dir, "r.wav")}
	if _, err := wavemap.Split(context.Background(), f, names, nil); err != nil {
		t.Fatal(err)
	}
	ins := []*wavemap.File{mustOpen(t, names[0], wavemap.ReadOnly, nil), mustOpen(t, names[1], wavemap.ReadOnly, nil)}
	r, err := wavemap.Merge(context.Background(), filepath.Join(dir, "m.wav"), ins, nil)
	if err != nil || r.Outputs[0].Frames != 0 {
		t.Fatalf("merge: %v %+v", err, r)
	}
	if _, err := wavemap.Remix(context.Background(), filepath.Join(dir, "x.wav"), f, [][]float64{{0.5, 0.5}}, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, filepath.Join(dir, "m.wav")), readFile(t, src)) {
		t.Error("the merged empty file differs from the source")
	}
}
