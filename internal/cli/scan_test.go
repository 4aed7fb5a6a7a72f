package cli

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// scanGen is one file of a generated tree, with the samples it holds as
// the reference decodes them (full scale 1), so that the test computes
// what scan must report without the library.
type scanGen struct {
	rel            string
	container, enc string // their names in the JSON
	ch, rate       int
	valid          int       // valid bits, 0 for the whole container
	vals           []float64 // interleaved; nil when only sox can say (A-law, mu-law)
	full           func(v float64) bool
}

// scanTreeExtra are the damaged files of a generated tree (and a link),
// by path relative to it, and whether scan gives an error record for
// them, or else the defect the record names ("" for none).
var scanTreeExtra = map[string]string{
	"d3/link.wav":                           "",
	"bad/empty.wav":                         "error",
	"bad/text.wav":                          "error",
	"bad/notwave.wav":                       "error",
	"bad/header-cut.wav":                    "error",
	"bad/no-channels.wav":                   "error",
	"bad/adpcm.wav":                         "error",
	"bad/.cut.wav.wavemap-0123abcd.partial": "error",
	"bad/dangling.wav":                      "error",
	"bad/data-cut.wav":                      "data-size",
	"bad/zero-data.wav":                     "",
	"bad/journal.wav":                       "interrupted-edit",
	"bad/nonfinite.wav":                     "non-finite-samples",
}

// makeScanTree writes n generated files (a mix of encodings, channel
// counts, rates and containers, in nested folders, some with full-scale
// runs, some silent) and the damaged files of scanTreeExtra under a new
// folder, plus files and links the walk must skip. It returns the folder
// and the generated files.
func makeScanTree(t *testing.T, n int) (string, []scanGen) {
	t.Helper()
	root := t.TempDir()
	write := func(rel string, b []byte) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gens := make([]scanGen, n)
	for i := range gens {
		g, b := scanGenerate(i)
		write(g.rel, b)
		gens[i] = g
	}

	good := wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 8000, 16, 2)), wavtest.Chunk("data", wavtest.S16(1000, -1000, 2000, 0)))
	write("bad/empty.wav", nil)
	write("bad/text.wav", []byte("not audio, a line of text\n"))
	write("bad/notwave.wav", wavtest.Cat([]byte("RIFF"), wavtest.LE32(16), []byte("AVI "), wavtest.Chunk("JUNK", []byte("abcd"))))
	write("bad/header-cut.wav", good[:30])
	write("bad/no-channels.wav", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 0, 8000, 16, 2)), wavtest.Chunk("data", wavtest.S16(1, 2))))
	write("bad/adpcm.wav", pcmHeader(2, 1, 8000, 4, 256))
	write("bad/.cut.wav.wavemap-0123abcd.partial", good)
	write("bad/data-cut.wav", good[:len(good)-3]) // the data chunk claims 8 bytes, 5 are there
	write("bad/zero-data.wav", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 44100, 16, 4)), wavtest.Chunk("data", nil)))
	write("bad/journal.wav", good)
	write("bad/"+filepath.Base(wavemap.JournalPath("journal.wav")), []byte("not a journal"))
	nf := func(v float32) []byte { return binary.LittleEndian.AppendUint32(nil, math.Float32bits(v)) }
	write("bad/nonfinite.wav", wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(3, 1, 8000, 32, 4)),
		wavtest.Chunk("data", wavtest.Cat(nf(0.5), nf(float32(math.NaN())), nf(float32(math.Inf(1))), nf(0.25)))))
	if err := os.Symlink("nowhere.wav", filepath.Join(root, "bad", "dangling.wav")); err != nil {
		t.Fatal(err)
	}
	// Skipped: other extensions, a link to a folder (which would loop).
	write("notes.txt", []byte("notes"))
	write("d0/readme.md", []byte("readme"))
	if err := os.Symlink("..", filepath.Join(root, "d1", "loop.wav")); err != nil {
		t.Fatal(err)
	}
	// Taken: a link to a file.
	if err := os.Symlink(filepath.Join("..", "d0", "e0", "f0000.wav"), filepath.Join(root, "d3", "link.wav")); err != nil {
		t.Fatal(err)
	}
	return root, gens
}

// scanGenerate returns the i-th generated file and its bytes.
func scanGenerate(i int) (scanGen, []byte) {
	r := rand.New(rand.NewPCG(uint64(i), 15))
	encs := []string{"s16", "s16", "s16", "u8", "s24", "s24-20", "s32", "f32", "f64", "alaw", "ulaw", "s16be", "w64"}
	enc := encs[i%len(encs)]
	chs := []int{1, 2, 2, 6}
	rates := []int{8000, 16000, 44100, 48000}
	g := scanGen{enc: enc, ch: chs[r.IntN(len(chs))], rate: rates[r.IntN(len(rates))]}
	container, ext := "RIFF", []string{"wav", "wav", "WAV", "wave", "bwf"}[i%5]
	bits, tag := 16, uint16(1)
	switch enc {
	case "u8", "alaw", "ulaw":
		bits = 8
		tag = map[string]uint16{"u8": 1, "alaw": 6, "ulaw": 7}[enc]
	case "s24":
		bits = 24
	case "s24-20":
		g.enc, bits, g.valid = "s24", 24, 20
	case "s32":
		bits = 32
	case "f32":
		bits, tag = 32, 3
	case "f64":
		bits, tag = 64, 3
	case "s16be":
		container = "RIFX"
	case "w64":
		g.enc, container, ext = "s16", "W64", "w64"
	}
	g.container = container
	g.rel = fmt.Sprintf("d%d/e%d/f%04d.%s", i%7, (i/7)%5, i, ext)

	frames := 64 + r.IntN(1200)
	lead, trail := r.IntN(frames/4+1), r.IntN(frames/4+1)
	amp := 0.01 + 0.98*r.Float64()
	quiet := math.Pow(10, -60.0/20) / 2
	silent := i%97 == 5
	float := tag == 3
	scale := math.Ldexp(1, bits-1)
	step := 1.0 // the codes are multiples of step (left-justified valid bits)
	if g.valid > 0 {
		step = math.Ldexp(1, bits-g.valid)
	}
	lo, hi := -scale, scale-1
	if g.valid > 0 {
		hi = (math.Ldexp(1, g.valid-1) - 1) * step
	}
	g.full = func(v float64) bool { return v == lo/scale || v >= hi/scale }
	if float {
		g.full = func(v float64) bool { return math.Abs(v) >= 1 }
	}
	quantise := func(v float64) float64 {
		if float {
			if bits == 32 {
				return float64(float32(v))
			}
			return v
		}
		return math.Max(lo, math.Min(hi, math.Round(v*scale/step)*step)) / scale
	}
	vals := make([]float64, frames*g.ch)
	for f := range frames {
		for c := range g.ch {
			a := amp
			if f < lead || f >= frames-trail {
				a = quiet
			}
			if !silent {
				vals[f*g.ch+c] = quantise((2*r.Float64() - 1) * a)
			}
		}
	}
	if i%10 == 3 && !silent { // full-scale runs of 1 to 6 samples
		for range 1 + r.IntN(4) {
			c, at, k := r.IntN(g.ch), lead+r.IntN(max(1, frames-lead-trail-6)), 1+r.IntN(6)
			v := 1.0
			if r.IntN(2) == 0 {
				v = -1
			}
			if float && r.IntN(3) == 0 {
				v *= 1.25
			}
			for f := at; f < at+k && f < frames; f++ {
				vals[f*g.ch+c] = quantise(v)
			}
		}
	}

	var data []byte
	for _, v := range vals {
		code := int64(math.Round(v * scale))
		switch {
		case enc == "u8":
			data = append(data, byte(code+128))
		case enc == "alaw":
			data = append(data, byte(wavemap.ALawFrom(int16(math.Round(v*32768)))))
		case enc == "ulaw":
			data = append(data, byte(wavemap.MuLawFrom(int16(math.Round(v*32768)))))
		case enc == "s16be":
			data = binary.BigEndian.AppendUint16(data, uint16(code))
		case float && bits == 32:
			data = binary.LittleEndian.AppendUint32(data, math.Float32bits(float32(v)))
		case float:
			data = binary.LittleEndian.AppendUint64(data, math.Float64bits(v))
		default:
			for k := range bits / 8 {
				data = append(data, byte(code>>(8*k)))
			}
		}
	}
	if enc == "alaw" || enc == "ulaw" {
		vals = nil
	}
	if enc == "s16be" {
		g.enc = "s16be"
	}
	g.vals = vals

	align := g.ch * bits / 8
	fmtc := wavtest.FmtPCM(tag, g.ch, g.rate, bits, align)
	if g.ch == 6 || g.valid > 0 {
		fmtc = wavtest.FmtExtensible(g.ch, g.rate, bits, align, cmp.Or(g.valid, bits), map[int]uint32{1: 0x4, 2: 0x3, 6: 0x3F}[g.ch], wavtest.SubFormat(tag))
	}
	switch container {
	case "RIFX":
		return g, wavtest.RIFX(wavtest.ChunkBE("fmt ", wavtest.FmtPCMBE(1, g.ch, g.rate, 16, align)), wavtest.ChunkBE("data", data))
	case "W64":
		return g, wavtest.W64File(wavtest.W64Chunk(wavtest.W64GUID("fmt "), fmtc), wavtest.W64Chunk(wavtest.W64GUID("data"), data))
	}
	return g, wavtest.RIFF(wavtest.Chunk("fmt ", fmtc), wavtest.Chunk("data", data))
}

// scanRec is a scan record as a reader of the JSON sees it; nil numbers
// are null.
type scanRec struct {
	Command string `json:"command"`
	File    string `json:"file"`
	Error   *struct {
		Message string `json:"message"`
	} `json:"error"`
	Format *struct {
		Container string `json:"container"`
		Encoding  string `json:"encoding"`
		Channels  int    `json:"channels"`
		Rate      int    `json:"sample_rate_hz"`
		ValidBits int    `json:"valid_bits"`
	} `json:"format"`
	Frames   int64    `json:"frames"`
	Duration *float64 `json:"duration_seconds"`
	Channels []struct {
		Channel   int      `json:"channel"`
		Speaker   string   `json:"speaker"`
		PeakDBFS  *float64 `json:"peak_dbfs"`
		RMSDBFS   *float64 `json:"rms_dbfs"`
		DC        *float64 `json:"dc"`
		Min       *float64 `json:"min"`
		Max       *float64 `json:"max"`
		FullScale int64    `json:"full_scale_samples"`
		Runs      int64    `json:"full_scale_runs"`
		Longest   int64    `json:"longest_full_scale_run_samples"`
	} `json:"channels"`
	PeakDBFS   *float64 `json:"peak_dbfs"`
	RMSDBFS    *float64 `json:"rms_dbfs"`
	MaxAbsDC   *float64 `json:"max_abs_dc"`
	FullScale  int64    `json:"full_scale_samples"`
	Runs       int64    `json:"full_scale_runs"`
	Longest    int64    `json:"longest_full_scale_run_samples"`
	NonFinite  int64    `json:"non_finite_samples"`
	Silent     bool     `json:"silent"`
	Leading    *float64 `json:"leading_silence_seconds"`
	Trailing   *float64 `json:"trailing_silence_seconds"`
	Integrated *float64 `json:"integrated_lufs"`
	TruePeak   *float64 `json:"true_peak_dbtp"`
	LoudError  string   `json:"loudness_error"`
	Defects    []string `json:"defects"`
	Warnings   []struct {
		Kind    string `json:"kind"`
		Offset  *int64 `json:"offset_bytes"`
		Message string `json:"message"`
	} `json:"warnings"`
}

// scanKey is the key pattern of schema.json.
var scanKey = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// parseScan parses scan's JSON lines, checking each against the parts of
// schema.json a record must meet: every key (also of the channel and
// warning objects) in the key pattern, command "scan", a file, and either
// an error object and nothing else or the head, channels, warnings and
// defects.
func parseScan(t *testing.T, out string) []scanRec {
	t.Helper()
	var recs []scanRec
	for line := range strings.Lines(out) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		checkScanKeys(t, line, m)
		var r scanRec
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		switch {
		case r.Command != "scan" || r.File == "":
			t.Errorf("line %q: want command scan and a file", line)
		case r.Error != nil:
			if len(m) != 3 || r.Error.Message == "" {
				t.Errorf("error record %q: want command, file and error{message} only", line)
			}
		default:
			for _, k := range []string{"format", "frames", "duration_seconds", "channels", "warnings", "defects", "full_scale_samples", "silent"} {
				if _, ok := m[k]; !ok {
					t.Errorf("record %q has no %q", line, k)
				}
			}
			if len(r.Channels) != r.Format.Channels {
				t.Errorf("record %q: %d channel objects for %d channels", line, len(r.Channels), r.Format.Channels)
			}
			for c, ch := range r.Channels {
				if ch.Channel != c {
					t.Errorf("record %q: channel %d numbered %d", line, c, ch.Channel)
				}
			}
			for _, w := range r.Warnings {
				if w.Kind == "" || w.Offset == nil || w.Message == "" {
					t.Errorf("record %q: warning without kind, offset_bytes or message", line)
				}
			}
		}
		recs = append(recs, r)
	}
	return recs
}

func checkScanKeys(t *testing.T, line string, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if !scanKey.MatchString(k) {
				t.Errorf("line %q: key %q is not lower_case_words", line, k)
			}
			if k != "speakers" {
				checkScanKeys(t, line, x)
			}
		}
	case []any:
		for _, x := range v {
			checkScanKeys(t, line, x)
		}
	}
}

// scanWant is what scan must report for a channel or a file, computed
// from the samples.
type scanWant struct {
	peak, rms, dc, min, max  float64
	fullScale, runs, longest int64
}

func scanReference(vals []float64, ch, c int, full func(float64) bool) scanWant {
	w := scanWant{min: math.Inf(1), max: math.Inf(-1)}
	var sum, sq float64
	var run int64
	n := 0
	end := func() {
		if run >= 3 {
			w.runs++
		}
		w.longest = max(w.longest, run)
		run = 0
	}
	for i := c; i < len(vals); i += ch {
		v := vals[i]
		n++
		sum += v
		sq += v * v
		w.min, w.max = math.Min(w.min, v), math.Max(w.max, v)
		w.peak = math.Max(w.peak, math.Abs(v))
		if full(v) {
			w.fullScale++
			run++
		} else {
			end()
		}
	}
	end()
	w.dc, w.rms = sum/float64(n), math.Sqrt(sq/float64(n))
	return w
}

// near reports whether got (nil: null) is want within tol; a non-finite
// want must be null.
func scanNear(got *float64, want, tol float64) bool {
	if math.IsInf(want, 0) || math.IsNaN(want) {
		return got == nil
	}
	return got != nil && math.Abs(*got-want) <= tol
}

func scanDB(x float64) float64 { return 20 * math.Log10(x) }

// checkScanGen compares the record of a generated file with what its
// samples say.
func checkScanGen(t *testing.T, g scanGen, r scanRec) {
	t.Helper()
	if r.Error != nil {
		t.Errorf("%s: error %s", g.rel, r.Error.Message)
		return
	}
	frames := int64(len(g.vals) / g.ch)
	if r.Format.Container != g.container || r.Format.Encoding != g.enc || r.Format.Channels != g.ch || r.Format.Rate != g.rate ||
		g.valid > 0 && r.Format.ValidBits != g.valid {
		t.Errorf("%s: format %+v, want %s %s %d ch %d Hz", g.rel, *r.Format, g.container, g.enc, g.ch, g.rate)
	}
	if len(r.Defects) != 0 || len(r.Warnings) != 0 || r.NonFinite != 0 {
		t.Errorf("%s: defects %q, warnings %v, %d non-finite", g.rel, r.Defects, r.Warnings, r.NonFinite)
	}
	if g.vals == nil { // A-law, mu-law: sox's word (TestScanSox)
		return
	}
	if r.Frames != frames || !scanNear(r.Duration, float64(frames)/float64(g.rate), 1e-9) {
		t.Errorf("%s: %d frames, %v s; want %d", g.rel, r.Frames, r.Duration, frames)
	}
	const tol = 1e-9
	var file scanWant
	var sq float64
	for c, rc := range r.Channels {
		w := scanReference(g.vals, g.ch, c, g.full)
		if !scanNear(rc.PeakDBFS, scanDB(w.peak), tol) || !scanNear(rc.RMSDBFS, scanDB(w.rms), tol) || !scanNear(rc.DC, w.dc, tol) ||
			!scanNear(rc.Min, w.min, 0) || !scanNear(rc.Max, w.max, 0) ||
			rc.FullScale != w.fullScale || rc.Runs != w.runs || rc.Longest != w.longest {
			t.Errorf("%s channel %d: got peak %v rms %v dc %v min %v max %v full %d runs %d longest %d; want %+v",
				g.rel, c, rc.PeakDBFS, rc.RMSDBFS, rc.DC, rc.Min, rc.Max, rc.FullScale, rc.Runs, rc.Longest, w)
		}
		file.peak = math.Max(file.peak, w.peak)
		file.dc = math.Max(file.dc, math.Abs(w.dc))
		file.fullScale += w.fullScale
		file.runs += w.runs
		file.longest = max(file.longest, w.longest)
		sq += w.rms * w.rms
	}
	if !scanNear(r.PeakDBFS, scanDB(file.peak), tol) || !scanNear(r.RMSDBFS, scanDB(math.Sqrt(sq/float64(g.ch))), tol) || !scanNear(r.MaxAbsDC, file.dc, tol) ||
		r.FullScale != file.fullScale || r.Runs != file.runs || r.Longest != file.longest {
		t.Errorf("%s: file peak %v rms %v dc %v full %d runs %d longest %d; want %+v", g.rel, r.PeakDBFS, r.RMSDBFS, r.MaxAbsDC, r.FullScale, r.Runs, r.Longest, file)
	}
	// Silence: frames before the first and after the last frame with a
	// sample at or above -60 dBFS.
	thr := math.Pow(10, -60.0/20)
	loud := func(f int64) bool {
		for c := range g.ch {
			if math.Abs(g.vals[int(f)*g.ch+c]) >= thr {
				return true
			}
		}
		return false
	}
	lead, trail := int64(0), int64(0)
	for lead < frames && !loud(lead) {
		lead++
	}
	for trail < frames && !loud(frames-1-trail) {
		trail++
	}
	rate := float64(g.rate)
	if r.Silent != (lead == frames) || !scanNear(r.Leading, float64(lead)/rate, 0) || !scanNear(r.Trailing, float64(trail)/rate, 0) {
		t.Errorf("%s: silent %v, leading %v s, trailing %v s; want %d and %d frames of %d", g.rel, r.Silent, *r.Leading, *r.Trailing, lead, trail, frames)
	}
}

// scanFileOrder returns the relative paths scan must list under root, in
// its order: the generated files and the damaged ones, by byte order.
func scanFileOrder(gens []scanGen) []string {
	var rels []string
	for _, g := range gens {
		rels = append(rels, g.rel)
	}
	for rel := range scanTreeExtra {
		rels = append(rels, rel)
	}
	slices.Sort(rels)
	return rels
}

func TestScanTree(t *testing.T) {
	root, gens := makeScanTree(t, 1000)
	r := runCLI(t, "scan", "-j", "4", root)
	if r.code != exitFailure {
		t.Fatalf("exit %d, want 1 (damaged files); stderr %s", r.code, r.stderr)
	}
	recs := parseScan(t, r.stdout)
	order := scanFileOrder(gens)
	if len(recs) != len(order) {
		t.Fatalf("%d records, want %d", len(recs), len(order))
	}
	byRel := map[string]scanGen{}
	for _, g := range gens {
		byRel[g.rel] = g
	}
	errors := 0
	for i, rec := range recs {
		rel := filepath.ToSlash(strings.TrimPrefix(rec.File, root+string(filepath.Separator)))
		if rel != order[i] {
			t.Fatalf("record %d is %s, want %s", i, rel, order[i])
		}
		if g, ok := byRel[rel]; ok {
			checkScanGen(t, g, rec)
			continue
		}
		switch want := scanTreeExtra[rel]; {
		case want == "error":
			errors++
			if rec.Error == nil || !strings.Contains(rec.Error.Message, rec.File) {
				t.Errorf("%s: want an error record naming the file, got %+v", rel, rec)
			}
		case rec.Error != nil:
			t.Errorf("%s: error %s, want a record", rel, rec.Error.Message)
		case want == "" && len(rec.Defects) != 0, want != "" && !slices.Contains(rec.Defects, want):
			t.Errorf("%s: defects %q, want %q", rel, rec.Defects, want)
		}
	}
	if strings.Count(r.stderr, "\n") != errors+1 || !strings.Contains(r.stderr, fmt.Sprintf("%d of %d files failed", errors, len(order))) {
		t.Errorf("stderr: want %d error lines and a count, got\n%s", errors, r.stderr)
	}
	// Damaged files: what is known about them.
	get := func(rel string) scanRec {
		for _, rec := range recs {
			if strings.HasSuffix(filepath.ToSlash(rec.File), "/"+rel) {
				return rec
			}
		}
		t.Fatalf("no record of %s", rel)
		return scanRec{}
	}
	if z := get("bad/zero-data.wav"); z.Frames != 0 || !z.Silent || z.PeakDBFS != nil || *z.Leading != 0 || len(z.Channels) != 2 {
		t.Errorf("zero-length data: %+v", z)
	}
	if c := get("bad/data-cut.wav"); c.Frames != 2 || len(c.Warnings) == 0 {
		t.Errorf("cut data: %d frames (want the 2 whole ones there), warnings %v", c.Frames, c.Warnings)
	}
	if nf := get("bad/nonfinite.wav"); nf.NonFinite != 2 || nf.PeakDBFS != nil || nf.FullScale != 2 {
		t.Errorf("NaN and +Inf: %d non-finite, peak %v, %d at full scale", nf.NonFinite, nf.PeakDBFS, nf.FullScale)
	}
	if p := get("bad/.cut.wav.wavemap-0123abcd.partial"); !strings.Contains(p.Error.Message, "unfinished output of an interrupted run") {
		t.Errorf("partial file: %s", p.Error.Message)
	}

	// -j 1 prints the same bytes; so does CSV at -j 1 and -j 4.
	if one := runCLI(t, "scan", "-j", "1", "--json", root); one.stdout != r.stdout || one.code != r.code {
		t.Errorf("-j 1 and -j 4 differ")
	}
	c4, c1 := runCLI(t, "scan", "--csv", "-j", "4", root), runCLI(t, "scan", "--csv", "-j", "1", root)
	if c4.stdout != c1.stdout || c4.code != exitFailure {
		t.Errorf("--csv: -j 1 and -j 4 differ, or exit %d", c4.code)
	}
	checkScanCSV(t, c4.stdout, recs)
}

// checkScanCSV checks the CSV output against the JSON records of the
// same scan: the header, a row per record in the same order, the error
// column set exactly for failures, and the values.
func checkScanCSV(t *testing.T, out string, recs []scanRec) {
	t.Helper()
	if h, _, _ := strings.Cut(out, "\n"); h != "file,error,container,encoding,channels,sample_rate_hz,frames,duration_seconds,"+
		"peak_dbfs,rms_dbfs,max_abs_dc,full_scale_samples,full_scale_runs,longest_full_scale_run_samples,"+
		"non_finite_samples,silent,leading_silence_seconds,trailing_silence_seconds,integrated_lufs,true_peak_dbtp,defects" {
		t.Errorf("CSV header %q", h)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(recs)+1 {
		t.Fatalf("%d CSV rows, want a header and %d", len(rows), len(recs))
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	num := func(row []string, name string) *float64 {
		v, err := strconv.ParseFloat(row[col[name]], 64)
		if err != nil {
			t.Fatalf("column %s: %q: %v", name, row[col[name]], err)
		}
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return nil
		}
		return &v
	}
	for i, rec := range recs {
		row := rows[i+1]
		if row[0] != rec.File || (row[1] != "") != (rec.Error != nil) {
			t.Fatalf("row %d %q for record %+v", i, row, rec)
		}
		if rec.Error != nil {
			continue
		}
		same := func(a, b *float64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }
		if row[col["frames"]] != strconv.FormatInt(rec.Frames, 10) || !same(num(row, "peak_dbfs"), rec.PeakDBFS) ||
			!same(num(row, "rms_dbfs"), rec.RMSDBFS) || !same(num(row, "leading_silence_seconds"), rec.Leading) ||
			row[col["silent"]] != strconv.FormatBool(rec.Silent) || row[col["defects"]] != strings.Join(rec.Defects, ";") ||
			row[col["full_scale_runs"]] != strconv.FormatInt(rec.Runs, 10) || row[col["integrated_lufs"]] != "" {
			t.Errorf("row %q, record %+v", row, rec)
		}
	}
}

// scanFiles reads the file and the error of each line of scan's output
// (parseScan checks the rest).
func scanFiles(t *testing.T, out string) []scanRec {
	t.Helper()
	var recs []scanRec
	for line := range strings.Lines(out) {
		var r struct {
			File  string          `json:"file"`
			Error json.RawMessage `json:"error"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		rec := scanRec{File: r.File}
		if r.Error != nil {
			rec.Error = &struct {
				Message string `json:"message"`
			}{string(r.Error)}
		}
		recs = append(recs, rec)
	}
	return recs
}

func TestScanShards(t *testing.T) {
	root, _ := makeScanTree(t, 1000)
	// shardOf runs the n shards and checks them against the lines of
	// the whole scan.
	shardOf := func(n int, wholeLines []string) map[string]int {
		t.Helper()
		got := map[string]int{}
		var merged []string
		for i := range n {
			r := runCLI(t, "scan", "-j", "2", "--shard", fmt.Sprintf("%d/%d", i, n), root)
			failed := false
			for _, rec := range scanFiles(t, r.stdout) {
				if j, dup := got[rec.File]; dup {
					t.Errorf("n=%d: %s in shards %d and %d", n, rec.File, j, i)
				}
				got[rec.File] = i
				failed = failed || rec.Error != nil
			}
			if want := map[bool]int{false: exitOK, true: exitFailure}[failed]; r.code != want {
				t.Errorf("shard %d/%d: exit %d, want %d: %s", i, n, r.code, want, r.stderr)
			}
			merged = append(merged, slices.Collect(strings.Lines(r.stdout))...)
		}
		// cat of the shards holds the whole scan's lines, each shard's
		// in the whole scan's order.
		sorted := slices.Clone(merged)
		slices.Sort(sorted)
		want := slices.Clone(wholeLines)
		slices.Sort(want)
		if !slices.Equal(sorted, want) {
			t.Errorf("n=%d: the shards' %d lines are not the whole scan's %d", n, len(merged), len(wholeLines))
		}
		return got
	}
	whole := slices.Collect(strings.Lines(runCLI(t, "scan", root).stdout))
	var before map[string]int
	for n := 1; n <= 7; n++ {
		if got := shardOf(n, whole); n == 5 {
			before = got
		}
	}

	// A file keeps its shard when others come.
	for i := 1000; i < 1100; i++ {
		g, b := scanGenerate(i)
		p := filepath.Join(root, "new", filepath.FromSlash(g.rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	after := shardOf(5, slices.Collect(strings.Lines(runCLI(t, "scan", root).stdout)))
	if len(after) != len(before)+100 {
		t.Errorf("%d files after adding 100 to %d", len(after), len(before))
	}
	for f, i := range before {
		if after[f] != i {
			t.Errorf("%s moved from shard %d to %d", f, i, after[f])
		}
	}

	// The tree's shard does not depend on where it is mounted: the same
	// files, under another name, land in the same shards.
	moved := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.Rename(root, moved); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "scan", "--shard", "3/5", moved)
	for _, rec := range scanFiles(t, r.stdout) {
		if after[root+strings.TrimPrefix(rec.File, moved)] != 3 {
			t.Errorf("%s in shard 3 after the move", rec.File)
		}
	}

	// A PATH that is not there fails every shard.
	for i := range 3 {
		r := runCLI(t, "scan", "--shard", fmt.Sprintf("%d/3", i), filepath.Join(moved, "missing"), filepath.Join(moved, "d0", "e0"))
		recs := parseScan(t, r.stdout)
		if r.code != exitFailure || len(recs) == 0 || recs[0].Error == nil {
			t.Errorf("shard %d/3 with a missing PATH: exit %d, %d records", i, r.code, len(recs))
		}
	}
}

func TestScanSox(t *testing.T) {
	wavtest.Need(t, "sox")
	root, gens := makeScanTree(t, 26)
	r := runCLI(t, "scan", root)
	recs := map[string]scanRec{}
	for _, rec := range parseScan(t, r.stdout) {
		recs[rec.File] = rec
	}
	for _, g := range gens {
		path := filepath.Join(root, filepath.FromSlash(g.rel))
		rec := recs[path]
		if strings.HasSuffix(path, ".w64") || g.valid > 0 {
			continue // sox reads Wave64 as a .w64 file only, and refuses 20 valid bits in 24
		}
		st := wavtest.SoxStats(t, path)
		for c, ch := range rec.Channels {
			// sox prints 2 decimals of dB and 6 of levels.
			if !scanNear(ch.PeakDBFS, st["Pk lev dB"][c], 0.006) || !scanNear(ch.RMSDBFS, st["RMS lev dB"][c], 0.006) ||
				!scanNear(ch.DC, st["DC offset"][c], 6e-6) || !scanNear(ch.Min, st["Min level"][c], 6e-6) || !scanNear(ch.Max, st["Max level"][c], 6e-6) {
				t.Errorf("%s (%s) channel %d: peak %v rms %v dc %v min %v max %v; sox %v", g.rel, g.enc, c,
					ch.PeakDBFS, ch.RMSDBFS, ch.DC, ch.Min, ch.Max, st)
			}
		}
		if l := st["Length s"]; len(l) != 1 || !scanNear(rec.Duration, l[0], 0.0006) {
			t.Errorf("%s: %v s, sox %v", g.rel, *rec.Duration, l)
		}
	}
}

func TestScanLoudness(t *testing.T) {
	dir := t.TempDir()
	// A 1 kHz sine at -20 dBFS on both channels of a stereo file reads
	// -20 LUFS (EBU Tech 3341's test 1, at -20 instead of -23).
	frames := 3 * 48000
	var data []byte
	for i := range frames {
		v := int16(math.Round(0.1 * 32767 * math.Sin(2*math.Pi*1000*float64(i)/48000)))
		data = append(data, wavtest.S16(v, v)...)
	}
	sine := filepath.Join(dir, "sine.wav")
	low := filepath.Join(dir, "low-rate.wav")
	for p, b := range map[string][]byte{
		sine: wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 2, 48000, 16, 4)), wavtest.Chunk("data", data)),
		low:  wavtest.RIFF(wavtest.Chunk("fmt ", wavtest.FmtPCM(1, 1, 4000, 16, 2)), wavtest.Chunk("data", wavtest.S16(1, 2, 3))),
	} {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	recs := parseScan(t, mustRun(t, "scan", "--loudness", dir).stdout)
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	l, s := recs[0], recs[1]
	if l.Integrated != nil || l.LoudError == "" || l.Error != nil {
		t.Errorf("4 kHz file: loudness %v, error %q; want no loudness and the reason", l.Integrated, l.LoudError)
	}
	if !scanNear(s.Integrated, -20, 0.05) || !scanNear(s.TruePeak, -20, 0.05) || s.LoudError != "" {
		t.Errorf("sine: %v LUFS, %v dBTP (%s); want -20 and -20", s.Integrated, s.TruePeak, s.LoudError)
	}
	c := runCLI(t, "scan", "--csv", "--loudness", sine)
	rows, err := csv.NewReader(strings.NewReader(c.stdout)).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][18] != strconv.FormatFloat(*s.Integrated, 'g', -1, 64) {
		t.Errorf("--csv --loudness: %q %v", rows, err)
	}
}

func TestScanUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"scan"},
		{"scan", "--shard", "3", dir},
		{"scan", "--shard", "7/7", dir},
		{"scan", "--shard", "-1/3", dir},
		{"scan", "--shard", "1/0", dir},
		{"scan", "--shard", "a/b", dir},
		{"scan", "--shard", "1/2/3", dir},
		{"scan", "--csv", "--json", dir},
		{"scan", "-j", "0", dir},
		{"scan", "--ext", ",", dir},
		{"scan", "--silence-threshold", "3", dir},
		{"scan", "--bogus", dir},
		{"scan", "-"},
	} {
		r := runCLI(t, args...)
		if r.code != exitUsage || r.stdout != "" || !strings.HasPrefix(r.stderr, "wavemap scan: ") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want a usage error", args, r.code, r.stdout, r.stderr)
		}
	}
	if r := runCLI(t, "scan", "--help"); r.code != exitOK || !strings.Contains(r.stdout, "--shard") {
		t.Errorf("--help: exit %d, %q", r.code, r.stdout)
	}
	// An empty folder: nothing to do, success; the CSV header only.
	if r := runCLI(t, "scan", "-q", dir); r.code != exitOK || r.stdout != "" || r.stderr != "" {
		t.Errorf("empty folder: %+v", r)
	}
	if r := runCLI(t, "scan", "--csv", dir); r.code != exitOK || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("empty folder, CSV: %+v", r)
	}
	// A clean tree exits 0; a file named as a PATH is taken whatever its
	// name; --ext chooses what the walk takes.
	_, b := scanGenerate(1)
	for _, name := range []string{"a.wav", "b.flac", "c.bin"} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		args []string
		n    int
	}{
		{[]string{dir}, 1},
		{[]string{"--ext", ".FLAC,bin", dir}, 2},
		{[]string{dir, filepath.Join(dir, "c.bin")}, 2},
	} {
		r := runCLI(t, append([]string{"scan"}, c.args...)...)
		if recs := parseScan(t, r.stdout); r.code != exitOK || len(recs) != c.n {
			t.Errorf("%q: exit %d, %d records, want 0 and %d", c.args, r.code, len(recs), c.n)
		}
	}
	if !bytes.Contains([]byte(runCLI(t, "help").stdout), []byte("scan ")) {
		t.Errorf("scan is not in 'wavemap help'")
	}
}
