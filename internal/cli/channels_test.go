package cli

import (
	"bytes"
	"encoding/json"
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

// The tests of split, merge and remix: outputs checked against sox's
// remix and ffmpeg's channel layouts, split and merge round trips, the
// metadata, usage errors, bad inputs and interruption.

// chanJSONOf decodes the --json line of split, merge or remix.
func chanJSONOf(t *testing.T, r result) channelsJSON {
	t.Helper()
	var j channelsJSON
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
		t.Fatalf("--json output %q: %v", r.stdout, err)
	}
	return j
}

// chanData returns the payload of the data chunk of path.
func chanData(t *testing.T, path string) []byte {
	t.Helper()
	d := chunksNamed(readChunks(t, path), "data")
	if len(d) != 1 {
		t.Fatalf("%s: %d data chunks", path, len(d))
	}
	return d[0]
}

// TestSplitCommandMatchesSox splits a 5.1 file made by ffmpeg and a
// 3-channel one made by gen (no mask): the outputs are named by speaker
// or number and hold what sox's "remix N" gives, exactly.
func TestSplitCommandMatchesSox(t *testing.T) {
	wavtest.Need(t, "sox")
	wavtest.Need(t, "ffmpeg")
	dir := t.TempDir()
	ff := filepath.Join(dir, "ff.wav")
	wavtest.Run(t, "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anoisesrc=d=0.2:r=48000:a=0.5:seed=7", "-af", "pan=5.1|c0=c0|c1=0.5*c0|c2=-0.7*c0|c3=0.2*c0|c4=0.9*c0|c5=-0.3*c0",
		"-c:a", "pcm_s24le", ff)
	gen := filepath.Join(dir, "gen.wav")
	mustRun(t, "gen", "--type", "s16", "--channels", "3", "--signal", "noise", "--frames", "7000", gen)
	for _, tc := range []struct {
		in     string
		labels []string
	}{
		{ff, []string{"FL", "FR", "FC", "LFE", "BL", "BR"}},
		{gen, []string{"1", "2", "3"}},
	} {
		r := mustRun(t, "split", "--json", "-q", tc.in)
		j := chanJSONOf(t, r)
		if j.File != tc.in || len(j.outs()) != len(tc.labels) {
			t.Fatalf("split --json: %s", r.stdout)
		}
		base := strings.TrimSuffix(tc.in, ".wav")
		for c, l := range tc.labels {
			o := j.Outputs[c]
			if want := base + "." + l + ".wav"; o.File != want || len(o.Channels) != 1 || !slices.Equal(o.sources(), []string{fmt.Sprint(c)}) {
				t.Errorf("output %d: %+v, want %s", c, o, want)
			}
			ref := filepath.Join(dir, fmt.Sprintf("sox-%s-%d.wav", filepath.Base(base), c+1))
			wavtest.Run(t, "sox", "-D", tc.in, ref, "remix", fmt.Sprint(c+1))
			if got, want := wavtest.SoxFloat64(t, o.File), wavtest.SoxFloat64(t, ref); !slices.Equal(got, want) {
				t.Errorf("%s: %d samples differ from sox remix %d (%d samples)", o.File, len(got), c+1, len(want))
			}
		}
	}
}

// TestMergeCommand merges split's outputs back into the source's samples
// and layout (ffprobe reads 5.1 again), with a given mask and none, pads
// only with --pad, and says in the text output what it made.
func TestMergeCommand(t *testing.T) {
	wavtest.Need(t, "ffmpeg")
	dir := t.TempDir()
	in := filepath.Join(dir, "in.wav")
	wavtest.Run(t, "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=f=300:d=0.1:r=44100", "-af", "pan=5.1|c0=c0|c1=0.5*c0|c2=-0.7*c0|c3=0.2*c0|c4=0.9*c0|c5=-0.3*c0",
		"-c:a", "pcm_s16le", in)
	mustRun(t, "split", "-q", "--channels", "0-5", in)
	var stems []string
	for _, l := range []string{"FL", "FR", "FC", "LFE", "BL", "BR"} {
		stems = append(stems, filepath.Join(dir, "in."+l+".wav"))
	}
	out := filepath.Join(dir, "out.wav")
	r := mustRun(t, append(append([]string{"merge", "-q", "--json"}, stems...), out)...)
	j := chanJSONOf(t, r)
	if len(j.outs()) != 1 || j.outs()[0].Format.ChannelMask != 0x3F || !slices.Equal(j.outs()[0].Format.Speakers, []string{"FL", "FR", "FC", "LFE", "BL", "BR"}) ||
		!slices.Equal(j.inputNames(), stems) || j.outs()[0].sources()[3] != stems[3]+":0" {
		t.Errorf("merge --json: %s", r.stdout)
	}
	if !bytes.Equal(chanData(t, out), chanData(t, in)) {
		t.Error("merged samples differ from the source's")
	}
	if l := ffprobeEntry(t, out, "channel_layout"); l != "5.1" {
		t.Errorf("ffprobe reads layout %q, want 5.1", l)
	}
	r = mustRun(t, "merge", "-q", "--mask", "FL,FR,LFE", stems[0], stems[1], stems[3], out)
	if want := fmt.Sprintf("%s %s %s -> %s: 3 channels (mask 0xb: FL FR LFE), 4410 frames\n", stems[0], stems[1], stems[3], out); r.stdout != want {
		t.Errorf("merge prints %q, want %q", r.stdout, want)
	}
	if l := ffprobeEntry(t, out, "channel_layout"); l != "2.1" {
		t.Errorf("--mask FL,FR,LFE: ffprobe reads layout %q, want 2.1", l)
	}
	mustRun(t, "merge", "-q", "--no-mask", stems[0], stems[1], stems[2], out)
	if f, err := wavemap.Open(out, wavemap.ReadOnly, nil); err != nil || f.Format().ChannelMask != 0 {
		t.Errorf("--no-mask: %v", err)
	} else {
		f.Close()
	}

	short := filepath.Join(dir, "short.wav")
	mustRun(t, "cut", "-q", "--to", "0.05", stems[0], short)
	r = runCLI(t, "merge", "-q", stems[1], short, out)
	oneLineError(t, []string{"merge"}, r, exitFailure, "--pad")
	r = mustRun(t, "merge", "-q", "--json", "--pad", stems[1], short, out)
	if j := chanJSONOf(t, r); j.outs()[0].Frames != 4410 {
		t.Errorf("--pad: %d frames, want 4410", j.outs()[0].Frames)
	}
	pcm := wavtest.DecodeS16(chanData(t, out))
	for i := 2205; i < 4410; i++ {
		if pcm[2*i+1] != 0 {
			t.Fatalf("--pad: frame %d of the short input is %d, not silence", i, pcm[2*i+1])
		}
	}
}

// TestRemixCommandMatchesSox runs remix with sox's specifications,
// modes and ranges, and sox's remix on the same file: the values agree
// within one step (sox rounds twice and halves up), both clip or
// neither does, and --json says what each channel is made of.
func TestRemixCommandMatchesSox(t *testing.T) {
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	in := filepath.Join(dir, "in.wav")
	wavtest.Run(t, "sox", "-D", "-n", "-r", "44100", "-b", "16", "-c", "4", in, "synth", "0.2", "sine", "300", "sine", "500", "square", "700", "sine", "900", "vol", "0.9")
	for k, tc := range []struct {
		sox  []string // the arguments of sox's remix
		ours []string // the flags before the files, and the specs after
		to   string
	}{
		{sox: []string{"1,2", "3"}},
		{sox: []string{"-"}},
		{sox: []string{"-2", "3-"}, ours: []string{"--"}},
		{sox: []string{"-a", "1,2v0.3", "3,4"}, ours: []string{"-a"}},
		{sox: []string{"-m", "1,2,3,4"}, ours: []string{"--manual"}},
		{sox: []string{"-p", "1,2", "3-4"}, ours: []string{"-p"}},
		{sox: []string{"4", "0", "2p-6", "1i3,3i-3"}},
		{sox: []string{"1v0.5,4v-0.25", "2-3v0.7"}, to: "f32"},
	} {
		t.Run(fmt.Sprint(k), func(t *testing.T) {
			ours, theirs := filepath.Join(dir, fmt.Sprintf("wm%d.wav", k)), filepath.Join(dir, fmt.Sprintf("sox%d.wav", k))
			specs := tc.sox
			if len(specs) > 0 && (specs[0] == "-a" || specs[0] == "-m" || specs[0] == "-p") {
				specs = specs[1:]
			}
			args := []string{"remix", "--json", "-q"}
			soxArgs := []string{"-D", in}
			if tc.to != "" {
				args = append(args, "--to", tc.to)
				soxArgs = append(soxArgs, "-e", "floating-point", "-b", "32")
			}
			dash := len(tc.ours) > 0 && tc.ours[0] == "--"
			if !dash {
				args = append(args, tc.ours...)
			}
			args = append(args, in, ours)
			if dash {
				args = append(args, "--")
			}
			r := mustRun(t, append(args, specs...)...)
			out := wavtest.RunStderr(t, "sox", append(append(soxArgs, theirs, "remix"), tc.sox...)...)
			got, want := wavtest.SoxFloat64(t, ours), wavtest.SoxFloat64(t, theirs)
			if len(got) != len(want) {
				t.Fatalf("%d samples, sox %d", len(got), len(want))
			}
			tol := 1.0001 / 32768
			if tc.to != "" {
				tol = 1e-6
			}
			bad := 0
			for i := range got {
				if math.Abs(got[i]-want[i]) > tol {
					if bad++; bad <= 3 {
						t.Errorf("sample %d: %v, sox %v", i, got[i], want[i])
					}
				}
			}
			j := chanJSONOf(t, r)
			if tc.to != "" {
				// A float output keeps values past full scale (sox clips
				// them in its 32-bit samples, and again when it reads
				// ours above: the comparison holds).
				over := slices.ContainsFunc(readFloat32(t, ours), func(v float32) bool { return v > 1 || v < -1 })
				if j.clipped() != 0 || !over {
					t.Errorf("float output: clipped %d, values past full scale %v", j.clipped(), over)
				}
			} else if soxClipped := bytes.Contains(out, []byte("clipped")); soxClipped != (j.clipped() > 0) {
				t.Errorf("clipped %d, sox says %q", j.clipped(), out)
			}
			if len(j.outs()) != 1 || len(j.outs()[0].sources()) != len(specs) {
				t.Errorf("--json: %s", r.stdout)
			}
		})
	}
	// The sources in --json, and the text output.
	r := mustRun(t, "remix", "--json", "-q", in, filepath.Join(dir, "j.wav"), "1v0.5,2v0.5", "0", "3", "4i0")
	if got := chanJSONOf(t, r).outs()[0].sources(); !slices.Equal(got, []string{"1v0.5,2v0.5", "0", "3", "4v-1"}) {
		t.Errorf("sources %q", got)
	}
	r = mustRun(t, "remix", in, filepath.Join(dir, "t.wav"), "2", "1")
	if want := fmt.Sprintf("%s -> %s: 2 channels, s16, 8820 frames, 0 samples clipped\n", in, filepath.Join(dir, "t.wav")); r.stdout != want {
		t.Errorf("remix prints %q, want %q", r.stdout, want)
	}
}

// TestChannelCommandsMetadata: split keeps every chunk of a rich file
// byte for byte (nothing in it depends on the channels), names a
// recorder's outputs after its iXML tracks and gives each its own
// track; merge puts the recorder's iXML document back as it was.
func TestChannelCommandsMetadata(t *testing.T) {
	dir := t.TempDir()
	rich := richInput(t, dir, "rich.wav")
	r := mustRun(t, "split", "--json", rich)
	if r.stderr != "" {
		t.Errorf("split of the rich file: stderr %q", r.stderr)
	}
	for _, o := range chanJSONOf(t, r).Outputs {
		if len(o.Notes) != 0 {
			t.Errorf("%s: notes %q", o.File, o.Notes)
		}
		w := wavtest.WalkChunks(t, o.File)
		wavtest.SameChunks(t, o.File, w.Chunks, wavtest.RichChunks())
	}

	rec := filepath.Join(dir, "rec.wav")
	ixml := recorderIXML("12A", "3", 1234567, "Boom", "Lav Anna", "Lav Ben")
	data := make([]byte, 3*3*100)
	for i := range data {
		data[i] = byte(i * 7)
	}
	fmtc := wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 3, recRate, 24, 9))
	if err := os.WriteFile(rec, wavtest.RIFF(fmtc, wavtest.Chunk("iXML", ixml), wavtest.Chunk("data", data)), 0o644); err != nil {
		t.Fatal(err)
	}
	r = mustRun(t, "split", "--channels", "2,0", rec)
	names := []string{filepath.Join(dir, "rec.Lav_Ben.wav"), filepath.Join(dir, "rec.Boom.wav")}
	if want := fmt.Sprintf("%s channel 2 -> %s\n%s channel 0 -> %s\n", rec, names[0], rec, names[1]); r.stdout != want {
		t.Errorf("split prints %q, want %q", r.stdout, want)
	}
	if !strings.Contains(r.stderr, "wavemap split: "+names[0]+": metadata: rewrote iXML TRACK_LIST for the output's channels: 1 track (1 Lav Ben)\n") {
		t.Errorf("split stderr %q", r.stderr)
	}
	for i, n := range names {
		x := chunksNamed(readChunks(t, n), "iXML")
		want := recorderIXML("12A", "3", 1234567, []string{"Lav Ben", "Boom"}[i])
		want = bytes.Replace(want, []byte("<CHANNEL_INDEX>1<"), []byte(fmt.Sprintf("<CHANNEL_INDEX>%d<", []int{3, 1}[i])), 1)
		if len(x) != 1 || !bytes.Equal(x[0], want) {
			t.Errorf("%s: iXML\n%s\nwant\n%s", n, x, want)
		}
	}
	stems := filepath.Join(dir, "stems")
	if err := os.Mkdir(stems, 0o755); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "split", "-q", "--channels", "1", rec, stems)
	if err := os.Rename(filepath.Join(stems, "rec.Lav_Anna.wav"), filepath.Join(dir, "rec.Lav_Anna.wav")); err != nil {
		t.Fatalf("split into a directory: %v", err)
	}
	back := filepath.Join(dir, "back.wav")
	mustRun(t, "merge", "-q", names[1], filepath.Join(dir, "rec.Lav_Anna.wav"), names[0], back)
	if x := chunksNamed(readChunks(t, back), "iXML"); len(x) != 1 || !bytes.Equal(x[0], ixml) {
		t.Errorf("merged iXML\n%s\nwant\n%s", x, ixml)
	}
	if !bytes.Equal(chanData(t, back), data) {
		t.Error("merged samples differ")
	}
}

// TestChannelCommandsUsage: bad command lines exit 2 with one line
// naming the command, before any file is made.
func TestChannelCommandsUsage(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.wav")
	mustRun(t, "gen", "--frames", "100", in)
	out := filepath.Join(dir, "out.wav")
	for _, args := range [][]string{
		{"split"},
		{"split", in, out, "extra"},
		{"split", "--channels", "1-x", in},
		{"split", "--channels", "x", in},
		{"split", "--channels", "1,,2", in},
		{"split", "--channels", "3", in},
		{"split", "--channels", "0,0", in},
		{"split", "--no-such-flag", in},
		{"merge", in},
		{"merge", "--mask", "FL,XX", in, in, out},
		{"merge", "--mask", "FL,FL", in, out},
		{"merge", "--mask", "0", in, out},
		{"merge", "--mask", "FL,FR,FC", in, out},
		{"merge", "--mask", "3", "--no-mask", in, out},
		{"remix", in, out},
		{"remix", in, out, "1x"},
		{"remix", in, out, "0,1"},
		{"remix", in, out, "1vx"},
		{"remix", in, out, ""},
		{"remix", in, out, "3"},
		{"remix", in, out, "-2"},
		{"remix", "-a", "-m", in, out, "1"},
		{"remix", "--to", "s12", in, out, "1"},
		{"remix", "--mask", "FL,FR", in, out, "1"},
	} {
		r := runCLI(t, args...)
		msg := errorMessage(r.stderr)
		if r.code != exitUsage || r.stdout != "" || !strings.HasPrefix(msg, "wavemap "+args[0]+": ") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and an error", args, r.code, r.stdout, r.stderr)
		}
		if strings.Contains(msg, "\n") {
			t.Errorf("%q: an error of more than one line: %q", args, r.stderr)
		}
		if names := dirNames(t, dir); len(names) != 1 {
			t.Errorf("%q: the directory holds %q", args, names)
		}
	}
	if r := runCLI(t, "remix", in, out, "-2"); !strings.Contains(r.stderr, "--") {
		t.Errorf("remix with -2 before --: %q does not say to put it after --", r.stderr)
	}
	if r := runCLI(t, "remix", "-h"); r.code != exitOK || !strings.Contains(r.stdout, "IN-SPEC") {
		t.Errorf("remix -h: exit %d, %q", r.code, r.stdout)
	}
}

// TestChannelCommandsRefuse: unusable inputs are refused with one line
// naming the file (exit 1), and an interrupted run exits 130 leaving
// nothing behind.
func TestChannelCommandsRefuse(t *testing.T) {
	for _, b := range badInputs(t) {
		checkRefused(t, b, "split", "@")
		checkRefused(t, b, "merge", "@", filepath.Join(t.TempDir(), "out.wav"))
		checkRefused(t, b, "remix", "@", filepath.Join(t.TempDir(), "out.wav"), "1")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.wav")
	mustRun(t, "gen", "--frames", "20000", in)
	for _, args := range [][]string{
		{"split", in},
		{"merge", in, in, filepath.Join(dir, "out.wav")},
		{"remix", in, filepath.Join(dir, "out.wav"), "1,2"},
	} {
		r := runCLIContext(t, cancelled(), args...)
		want := "\nwavemap " + args[0] + ": interrupted (interrupt)" + interruptSuffix(args[0]) + "\n"
		if r.code != exitInterrupted || r.stdout != "" || r.stderr != want {
			t.Errorf("%q interrupted: exit %d, stdout %q, stderr %q; want 130 and %q", args, r.code, r.stdout, r.stderr, want)
		}
		if names := dirNames(t, dir); len(names) != 1 {
			t.Errorf("%q interrupted: the directory holds %q", args, names)
		}
	}
	// An output that is the input, or a directory, is refused.
	r := runCLI(t, "remix", in, in, "1")
	oneLineError(t, []string{"remix"}, r, exitFailure, "same file")
	if err := os.Mkdir(filepath.Join(dir, "in.FR.wav"), 0o755); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, "split", in)
	oneLineError(t, []string{"split"}, r, exitFailure, "in.FR.wav")
	if names := dirNames(t, dir); len(names) != 2 {
		t.Errorf("split refused: the directory holds %q", names)
	}
}

// Accessors over the JSON of split, merge and remix for the tests.

func (o channelOutputJSON) sources() []string {
	var s []string
	for _, c := range o.Channels {
		s = append(s, c.Source)
	}
	return s
}

func (j channelsJSON) outs() []channelOutputJSON {
	if j.Output != nil {
		return []channelOutputJSON{*j.Output}
	}
	return j.Outputs
}

func (j channelsJSON) clipped() int64 {
	if j.Clipped == nil {
		return 0
	}
	return *j.Clipped
}

func (j channelsJSON) inputNames() []string {
	var s []string
	for _, in := range j.Inputs {
		s = append(s, in.File)
	}
	return s
}
