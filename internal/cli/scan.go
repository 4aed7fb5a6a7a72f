package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/atomicfile"
)

// runScan walks directories and writes one record per audio file, for the
// quality checks of a corpus: format and length, per-channel peak, RMS, DC
// and full-scale samples, runs of full-scale samples (the mark of
// clipping), leading and trailing silence, the defects 'wavemap check'
// finds in the header, and with --loudness the integrated loudness and
// true peak. The records are JSON lines in the schema of 'wavemap help
// json' (the default; --json says the same) or CSV rows under a fixed
// header (--csv, scanCSVColumns).
//
// What is scanned:
//
//   - A PATH that is a file is scanned whatever its name. A PATH that is a
//     directory (or a symbolic link to one) is walked: every file below it
//     whose extension is in --ext (any case) is scanned, and so is a
//     partial file (the unfinished output of a killed wavemap command) of
//     such a name, which gets an error record. Symbolic links met in the
//     walk are taken when they lead to a file (a dangling one gives an
//     error record) and never followed into a directory, so a link cannot
//     make the walk loop or leave the tree.
//   - Files are scanned in the order of the PATHs, and the files of each
//     directory in the byte order of their paths relative to it ('/'
//     separated, the same on every system), so the output is the same
//     whatever -j and however fast each file goes.
//   - A file that cannot be scanned (not audio, damaged beyond what the
//     library repairs on the fly, unreadable) gets an error record in its
//     place, and so does a directory that cannot be read (the walk goes on
//     with the rest, and with what could be read of it), a PATH that does
//     not exist and a partial file. Each such failure is also one line on
//     standard error, the scan goes on, and the exit code is 1.
//
// --shard I/N scans the files whose FNV-1a 64-bit hash of the path
// relative to their PATH argument ('/' separated; the path as given, for a
// file named as a PATH), modulo N, is I. The N shards are disjoint and
// together cover the tree, a file stays in its shard when other files
// come and go (and when the tree is mounted elsewhere), and the outputs of
// the N shards, concatenated with cat, hold one record per file, each
// shard's in order. The failures of the walk itself (a PATH that does not
// exist, a directory that cannot be read) are reported by every shard,
// since the files they hide could belong to any: every shard then exits
// 1, and the merged output holds that line N times.
//
// Each file is opened once, read-only through the map, and measured in
// one pass (wavemap.Measure). Silence is then found from both ends
// (reading only the silent stretches at the ends, nothing for a silent
// file), full-scale runs in a second read only of the files where Measure
// counted full-scale samples, and the loudness with --loudness in a pass of
// its own. The memory a file needs does not grow with its size.
func runScan(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "scan", "[--csv] [--shard I/N] [-j N] [--ext LIST] [--loudness] PATH...")
	asCSV := fs.Bool("csv", false, "print CSV: a fixed header row, then one row per file (an error in the error column), instead of JSON lines")
	shardSpec := fs.String("shard", "", "scan only shard I of N (0 <= I < N), chosen by a hash of each file's path below its PATH, for the machines of a cluster; their outputs merge with cat")
	jobs := fs.jobsFlag()
	extList := fs.String("ext", defaultScanExts, "comma-separated file name extensions (any case) the directory walk takes; files named as PATHs are scanned whatever their name")
	loud := fs.Bool("loudness", false, "also measure EBU R 128 integrated loudness and true peak (a second pass over each file)")
	silenceDB := fs.Float64("silence-threshold", -60, "level in dBFS below which a sample counts as silence")
	withExample(fs, e, "wavemap scan /data > scan.jsonl")
	withExample(fs, e, "wavemap scan --csv --shard 3/16 /data > scan.3.csv")
	paths, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return usagef("no PATH given: name the directories or files to scan")
	}
	if *asCSV && e.json {
		return usagef("--csv and --json: give one (JSON lines are the default)")
	}
	if err := intIn("jobs", int64(*jobs), 1, 4096); err != nil {
		return err
	}
	if err := floatIn("silence-threshold", *silenceDB, -400, 0); err != nil {
		return err
	}
	sh, err := parseShard(*shardSpec)
	if err != nil {
		return err
	}
	exts, err := parseExts(*extList)
	if err != nil {
		return err
	}
	if err := refuseStdio("", paths...); err != nil {
		return err
	}

	items := walkPaths(paths, exts)
	var names []string
	walkErrs := map[string]error{}
	for _, it := range items {
		if it.err == nil && !sh.has(it.key) {
			continue
		}
		names = append(names, it.path)
		if it.err != nil {
			walkErrs[it.path] = it.err
		}
	}

	s := &scanner{threshold: math.Pow(10, *silenceDB/20), thresholdDB: *silenceDB, loudness: *loud}
	w := bufio.NewWriterSize(e.stdout, 64<<10)
	out := newScanOutput(w, *asCSV)
	if err := out.start(); err != nil {
		return err
	}
	failed := 0
	err = forEachFile(ctx, names, *jobs, func(ctx context.Context, name string) (*scanJSON, error) {
		if err, ok := walkErrs[name]; ok {
			return nil, err
		}
		return s.file(ctx, name)
	}, func(name string, j *scanJSON, err error) error {
		if err != nil {
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				return err
			}
			failed++
			err = fileError(name, err)
			e.failf("scan", err)
			return out.failure(name, err)
		}
		return out.record(j)
	})
	if ferr := out.finish(); err == nil {
		err = ferr
	}
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	switch {
	case failed > 0:
		fmt.Fprintf(e.stderr, "wavemap scan: %d of %d files failed\n", failed, len(names))
		return errSilentFailure
	case len(names) == 0:
		fmt.Fprintf(e.stderr, "wavemap scan: no files found (extensions %s%s)\n", *extList, sh.note())
	}
	return nil
}

// defaultScanExts are the extensions a walk takes by default.
const defaultScanExts = "wav,wave,bwf,rf64,w64"

// parseExts parses --ext: extensions separated by commas, with or
// without the dot, in any case.
func parseExts(list string) (map[string]bool, error) {
	exts := map[string]bool{}
	for x := range strings.SplitSeq(list, ",") {
		x = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(x), "."))
		if x != "" {
			exts[x] = true
		}
	}
	if len(exts) == 0 {
		return nil, usagef("--ext %q: want a list of extensions such as %s", list, defaultScanExts)
	}
	return exts, nil
}

// shard is the slice --shard I/N selects; n == 0 selects everything.
type shard struct{ i, n uint64 }

// parseShard parses --shard I/N ("" is every file).
func parseShard(spec string) (shard, error) {
	if spec == "" {
		return shard{}, nil
	}
	bad := usagef("--shard %q: want I/N with 0 <= I < N, such as 3/16", spec)
	a, b, ok := strings.Cut(spec, "/")
	if !ok {
		return shard{}, bad
	}
	i, err1 := strconv.ParseUint(a, 10, 32)
	n, err2 := strconv.ParseUint(b, 10, 32)
	if err1 != nil || err2 != nil || n == 0 || i >= n {
		return shard{}, bad
	}
	return shard{i, n}, nil
}

// has reports whether the file known by key (its path relative to its
// PATH argument) is in the shard.
func (s shard) has(key string) bool {
	if s.n == 0 {
		return true
	}
	h := fnv.New64a()
	io.WriteString(h, key)
	return h.Sum64()%s.n == s.i
}

// note names the shard for a message.
func (s shard) note() string {
	if s.n == 0 {
		return ""
	}
	return fmt.Sprintf(", shard %d/%d", s.i, s.n)
}

// scanItem is one file to scan, or a failure of the walk in the place of
// the files it hides.
type scanItem struct {
	path string // as the records name it
	key  string // the path relative to its PATH argument, '/' separated: what --shard hashes
	err  error  // the walk failed here (reported by every shard)
}

// walkPaths lists what to scan under paths, in the order runScan
// documents.
func walkPaths(paths []string, exts map[string]bool) []scanItem {
	var items []scanItem
	for _, p := range paths {
		st, err := os.Stat(p) // follows a link given as a PATH
		switch {
		case err != nil:
			items = append(items, scanItem{path: p, err: err})
		case !st.IsDir():
			items = append(items, scanItem{path: p, key: filepath.ToSlash(filepath.Clean(p))})
		default:
			var under []scanItem
			walkDir(p, "", exts, &under)
			slices.SortStableFunc(under, func(a, b scanItem) int { return strings.Compare(a.key, b.key) })
			items = append(items, under...)
		}
	}
	return items
}

// walkDir adds to items the files to scan in dir (known as rel below the
// PATH argument), and those of its subdirectories, without following
// symbolic links to directories. A directory that cannot be read is an
// item with its error; what could be read of it is still walked.
func walkDir(dir, rel string, exts map[string]bool, items *[]scanItem) {
	es, err := os.ReadDir(dir)
	if err != nil {
		*items = append(*items, scanItem{path: dir, key: rel, err: err})
	}
	for _, d := range es {
		p, r := filepath.Join(dir, d.Name()), path.Join(rel, d.Name())
		switch {
		case d.IsDir():
			walkDir(p, r, exts, items)
		case !scanWanted(d.Name(), exts):
		case d.Type()&fs.ModeSymlink != 0:
			if st, err := os.Stat(p); err == nil && st.IsDir() {
				continue // a link to a directory: not followed
			}
			*items = append(*items, scanItem{path: p, key: r})
		default:
			*items = append(*items, scanItem{path: p, key: r})
		}
	}
}

// scanWanted reports whether a walk takes the file called name: its
// extension is one of exts, or it is a partial file that was to get such
// a name.
func scanWanted(name string, exts map[string]bool) bool {
	if target, ok := atomicfile.ParseName(name); ok {
		name = target
	}
	return exts[strings.ToLower(strings.TrimPrefix(filepath.Ext(name), "."))]
}

// scanJSON is one record of scan.
type scanJSON struct {
	head
	Channels []scanChannelJSON `json:"channels"`
	// The whole file: the largest channel peak, the RMS of all samples,
	// the DC offset of the channel farthest from 0.
	PeakDBFS jsonFloat `json:"peak_dbfs"`
	RMSDBFS  jsonFloat `json:"rms_dbfs"`
	MaxAbsDC jsonFloat `json:"max_abs_dc"`
	// FullScale counts the samples at full scale in all channels, and
	// fullScaleRuns their runs (in any one channel).
	FullScale int64 `json:"full_scale_samples"`
	fullScaleRuns
	// NonFinite counts NaN and infinite samples (float files).
	NonFinite int64 `json:"non_finite_samples"`
	// Silent: no sample reaches the threshold; then the leading and
	// trailing silences are both the whole file.
	Silent           bool      `json:"silent"`
	SilenceThreshold jsonFloat `json:"silence_threshold_dbfs"`
	LeadingSilence   jsonFloat `json:"leading_silence_seconds"`
	TrailingSilence  jsonFloat `json:"trailing_silence_seconds"`
	// With --loudness.
	IntegratedLUFS *jsonFloat `json:"integrated_lufs,omitempty"`
	TruePeakDBTP   *jsonFloat `json:"true_peak_dbtp,omitempty"`
	LoudnessError  string     `json:"loudness_error,omitempty"`
	// Defects names what check would fail the file for: the kinds of
	// its header warnings, "interrupted-edit", "non-finite-samples".
	Defects         []string      `json:"defects"`
	Warnings        []warningJSON `json:"warnings"`
	InterruptedEdit string        `json:"interrupted_edit,omitempty"`
}

// scanChannelJSON is one channel of a scan record.
type scanChannelJSON struct {
	channelJSON
	PeakDBFS  jsonFloat `json:"peak_dbfs"`
	RMSDBFS   jsonFloat `json:"rms_dbfs"`
	DC        jsonFloat `json:"dc"`
	Min       jsonFloat `json:"min"`
	Max       jsonFloat `json:"max"`
	FullScale int64     `json:"full_scale_samples"`
	fullScaleRuns
}

// fullScaleRuns counts the runs of consecutive full-scale samples in a
// channel (or the file's longest and its total).
type fullScaleRuns struct {
	Runs    int64 `json:"full_scale_runs"` // runs of at least minFullScaleRun samples
	Longest int64 `json:"longest_full_scale_run_samples"`
}

// minFullScaleRun is the shortest run of full-scale samples that counts
// as a run: three in a row, as Audacity's Find Clipping starts at by
// default (one full-scale sample is a loud peak, three mean a flat top).
const minFullScaleRun = 3

// scanner measures files for scan; its methods may run at once.
type scanner struct {
	threshold   float64 // linear, full scale 1
	thresholdDB float64
	loudness    bool
	bufs        sync.Pool // *[]float64 of scanBufLen
}

// scanBufLen is the number of samples converted at a time by the reads
// from both ends and the full-scale runs.
const scanBufLen = 4096

// buffer returns a conversion buffer of at least n samples.
func (s *scanner) buffer(n int) *[]float64 {
	if b, ok := s.bufs.Get().(*[]float64); ok && len(*b) >= n {
		return b
	}
	b := make([]float64, max(n, scanBufLen))
	return &b
}

// file scans one file.
func (s *scanner) file(ctx context.Context, name string) (*scanJSON, error) {
	if p, ok := atomicfile.Lookup(name); ok {
		return nil, errors.New(name + ": " + describePartial(p))
	}
	f, err := wavemap.Open(name, wavemap.ReadOnly, nil)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := wavemap.Measure(ctx, f, nil)
	if err != nil {
		return nil, err
	}
	fm := f.Format()
	frames := f.Frames()
	j := &scanJSON{head: headOf("scan", name, f), Channels: make([]scanChannelJSON, len(st)),
		SilenceThreshold: jsonFloat(s.thresholdDB), Defects: []string{}}
	peak, sq, dc := 0.0, 0.0, 0.0
	silent := true
	for c, cs := range st {
		j.Channels[c] = scanChannelJSON{channelJSON: channelOf(fm, c),
			PeakDBFS: jsonFloat(cs.PeakDB()), RMSDBFS: jsonFloat(cs.RMSDB()), DC: jsonFloat(cs.DC),
			Min: jsonFloat(cs.Min), Max: jsonFloat(cs.Max), FullScale: cs.FullScale}
		if math.IsNaN(cs.Peak) || cs.Peak > peak {
			peak = cs.Peak // NaN stays: a NaN sample makes the file's peak unknown
		}
		sq += cs.RMS * cs.RMS
		if math.IsNaN(cs.DC) || math.Abs(cs.DC) > math.Abs(dc) {
			dc = cs.DC
		}
		silent = silent && cs.Peak < s.threshold
		j.FullScale += cs.FullScale
	}
	j.PeakDBFS = jsonFloat(20 * math.Log10(peak))
	j.RMSDBFS = jsonFloat(10 * math.Log10(sq/float64(max(1, len(st)))))
	j.MaxAbsDC = jsonFloat(math.Abs(dc))
	j.Silent = silent

	var read floatReader
	var n int
	if !silent || j.FullScale > 0 {
		read, n, err = floatReaderOf(f)
		if err != nil {
			return nil, err
		}
	}
	buf := s.buffer(fm.Channels)
	defer s.bufs.Put(buf)
	lead, trail := frames, frames
	if !silent {
		err = wavemap.Guard(func() (err error) {
			lead, trail, err = silenceEnds(ctx, read, n, fm.Channels, s.threshold, *buf)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	rate := float64(fm.SampleRate)
	j.LeadingSilence, j.TrailingSilence = jsonFloat(float64(lead)/rate), jsonFloat(float64(trail)/rate)

	if j.FullScale > 0 {
		lo, hi := fullScaleLimits(fm)
		err = wavemap.Guard(func() error {
			runs, nonFinite, err := countFullScaleRuns(ctx, read, n, fm.Channels, lo, hi, fm.Encoding.IsFloat(), *buf)
			for c, r := range runs {
				j.Channels[c].fullScaleRuns = r
				j.Runs += r.Runs
				j.Longest = max(j.Longest, r.Longest)
			}
			j.NonFinite = nonFinite
			return err
		})
		if err != nil {
			return nil, err
		}
	}

	if s.loudness {
		l, err := wavemap.MeasureLoudness(ctx, f, nil)
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, err
		case err != nil:
			j.LoudnessError = oneLine(err)
		default:
			i, tp := jsonFloat(l.Integrated), jsonFloat(l.TruePeakDB())
			j.IntegratedLUFS, j.TruePeakDBTP = &i, &tp
		}
	}

	j.Warnings = headerDefects(f)
	for _, w := range j.Warnings {
		if !slices.Contains(j.Defects, w.Kind) {
			j.Defects = append(j.Defects, w.Kind)
		}
	}
	if j.InterruptedEdit = interruptedEdit(name); j.InterruptedEdit != "" {
		j.Defects = append(j.Defects, "interrupted-edit")
	}
	if j.NonFinite > 0 {
		j.Defects = append(j.Defects, "non-finite-samples")
	}
	return j, nil
}

// floatReader converts the samples [from, from+len(dst)) of a file (fewer
// at its end) into dst as Convert scales them, full scale 1, and returns
// how many it converted.
type floatReader func(dst []float64, from int) int

// floatReaderOf returns the floatReader of f and its number of samples.
func floatReaderOf(f *wavemap.File) (floatReader, int, error) {
	switch f.Format().Encoding {
	case wavemap.EncodingUint8:
		return readerOf[uint8](f)
	case wavemap.EncodingInt16:
		return readerOf[int16](f)
	case wavemap.EncodingInt24:
		return readerOf[wavemap.Int24](f)
	case wavemap.EncodingInt32:
		return readerOf[int32](f)
	case wavemap.EncodingFloat32:
		return readerOf[float32](f)
	case wavemap.EncodingFloat64:
		return readerOf[float64](f)
	case wavemap.EncodingALaw:
		return readerOf[wavemap.ALaw](f)
	case wavemap.EncodingMuLaw:
		return readerOf[wavemap.MuLaw](f)
	case wavemap.EncodingInt16BE:
		return readerOf[wavemap.Int16BE](f)
	case wavemap.EncodingInt24BE:
		return readerOf[wavemap.Int24BE](f)
	case wavemap.EncodingInt32BE:
		return readerOf[wavemap.Int32BE](f)
	case wavemap.EncodingFloat32BE:
		return readerOf[wavemap.Float32BE](f)
	case wavemap.EncodingFloat64BE:
		return readerOf[wavemap.Float64BE](f)
	}
	return nil, 0, fmt.Errorf("unknown encoding %v", f.Format().Encoding)
}

func readerOf[T wavemap.Sample](f *wavemap.File) (floatReader, int, error) {
	s, err := wavemap.Samples[T](f)
	if err != nil {
		return nil, 0, err
	}
	return func(dst []float64, from int) int {
		n, _ := wavemap.Convert(dst, s[from:])
		return n
	}, len(s), nil
}

// ctxEvery is how many buffers the loops below convert between two looks
// at their context.
const ctxEvery = 64

// silenceEnds returns the number of frames before the first sample whose
// magnitude reaches threshold (or is NaN) and after the last one, in the n
// interleaved samples of ch channels read gives. It reads from the start
// up to the first such sample and from the end back to the last, so a file
// with a short silence at each end costs two buffers. Some sample must
// reach the threshold (the caller knows from the peaks).
func silenceEnds(ctx context.Context, read floatReader, n, ch int, threshold float64, buf []float64) (lead, trail int64, err error) {
	step := len(buf) - len(buf)%ch
	loud := func(x float64) bool { return !(math.Abs(x) < threshold) }
	first, last := -1, -1
	for from, k := 0, 0; from < n && first < 0; from, k = from+step, k+1 {
		if k%ctxEvery == ctxEvery-1 && ctx.Err() != nil {
			return 0, 0, ctx.Err()
		}
		got := buf[:read(buf[:step], from)]
		if i := slices.IndexFunc(got, loud); i >= 0 {
			first = from + i
		}
	}
	if first < 0 {
		return int64(n / ch), int64(n / ch), nil
	}
	for end, k := n, 0; end > first && last < 0; end, k = end-step, k+1 {
		if k%ctxEvery == ctxEvery-1 && ctx.Err() != nil {
			return 0, 0, ctx.Err()
		}
		from := max(0, end-step)
		got := buf[:read(buf[:end-from], from)]
		for i := len(got) - 1; i >= 0; i-- {
			if loud(got[i]) {
				last = from + i
				break
			}
		}
	}
	return int64(first / ch), int64(n/ch - last/ch - 1), nil
}

// fullScaleLimits returns the values (as Convert scales them) at or
// beyond which a sample of fm is at full scale, as wavemap.Measure counts
// FullScale: the smallest and largest codes of integers (the largest that
// ValidBits allows), the codes of the largest magnitude for A-law and
// mu-law, and -1 and 1 for floats.
func fullScaleLimits(fm wavemap.Format) (lo, hi float64) {
	switch enc := fm.Encoding; {
	case enc.IsFloat():
		return -1, 1
	case enc == wavemap.EncodingALaw:
		return g711Range[wavemap.ALaw]()
	case enc == wavemap.EncodingMuLaw:
		return g711Range[wavemap.MuLaw]()
	}
	b := fm.Encoding.Bits()
	top := math.Ldexp(1, b-1) - 1
	if v := fm.ValidBits; v > 0 && v < b {
		top = (math.Ldexp(1, v-1) - 1) * math.Ldexp(1, b-v)
	}
	return -1, top / math.Ldexp(1, b-1)
}

// g711Range returns the smallest and largest decoded values of T's codes.
func g711Range[T wavemap.ALaw | wavemap.MuLaw]() (lo, hi float64) {
	var codes [256]T
	for i := range codes {
		codes[i] = T(i)
	}
	var v [256]float64
	wavemap.Convert(v[:], codes[:])
	return slices.Min(v[:]), slices.Max(v[:])
}

// countFullScaleRuns reads the n interleaved samples of ch channels and
// counts, per channel, the runs of at least minFullScaleRun consecutive
// samples at or beyond lo or hi (or NaN, for floats), and the longest run;
// for floats also the NaN and infinite samples.
func countFullScaleRuns(ctx context.Context, read floatReader, n, ch int, lo, hi float64, float bool, buf []float64) ([]fullScaleRuns, int64, error) {
	step := len(buf) - len(buf)%ch
	runs := make([]fullScaleRuns, ch)
	cur := make([]int64, ch)
	end := func(c int) {
		if cur[c] >= minFullScaleRun {
			runs[c].Runs++
		}
		runs[c].Longest = max(runs[c].Longest, cur[c])
		cur[c] = 0
	}
	var nonFinite int64
	for from, k := 0, 0; from < n; from, k = from+step, k+1 {
		if k%ctxEvery == ctxEvery-1 && ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		got := buf[:read(buf[:step], from)]
		c := 0
		for _, x := range got {
			switch {
			case x <= lo || x >= hi || x != x:
				cur[c]++
			case cur[c] > 0:
				end(c)
			}
			if float && (x != x || math.IsInf(x, 0)) {
				nonFinite++
			}
			if c++; c == ch {
				c = 0
			}
		}
	}
	for c := range cur {
		end(c)
	}
	return runs, nonFinite, nil
}

// scanCSVColumns is the header row of scan --csv. Every column but file and
// error is the top-level key of the JSON record of the same name (channels
// and the format's fields are counts and names); numbers that are not
// finite are written -inf, inf or nan; a column the record does not have
// (loudness without --loudness, everything but the file in the row of a
// failure) is empty; defects are joined with ';'.
var scanCSVColumns = []string{
	"file", "error", "container", "encoding", "channels", "sample_rate_hz", "frames", "duration_seconds",
	"peak_dbfs", "rms_dbfs", "max_abs_dc", "full_scale_samples", "full_scale_runs", "longest_full_scale_run_samples",
	"non_finite_samples", "silent", "leading_silence_seconds", "trailing_silence_seconds",
	"integrated_lufs", "true_peak_dbtp", "defects",
}

// csvRow returns the CSV row of j, in the order of scanCSVColumns.
func (j *scanJSON) csvRow() []string {
	opt := func(v *jsonFloat) string {
		if v == nil {
			return ""
		}
		return csvFloat(*v)
	}
	i64 := func(v int64) string { return strconv.FormatInt(v, 10) }
	return []string{
		j.File, "", j.Format.Container, j.Format.Encoding, strconv.Itoa(j.Format.Channels),
		strconv.Itoa(j.Format.SampleRate), i64(j.Frames), csvFloat(j.Duration),
		csvFloat(j.PeakDBFS), csvFloat(j.RMSDBFS), csvFloat(j.MaxAbsDC), i64(j.FullScale), i64(j.Runs), i64(j.Longest),
		i64(j.NonFinite), strconv.FormatBool(j.Silent), csvFloat(j.LeadingSilence), csvFloat(j.TrailingSilence),
		opt(j.IntegratedLUFS), opt(j.TruePeakDBTP), strings.Join(j.Defects, ";"),
	}
}

// csvFloat writes v as the shortest decimal that reads back as it.
func csvFloat(v jsonFloat) string {
	x := float64(v)
	switch {
	case math.IsNaN(x):
		return "nan"
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// scanOutput writes scan's records as JSON lines or CSV.
type scanOutput struct {
	w   io.Writer
	csv *csv.Writer // nil for JSON lines
}

func newScanOutput(w io.Writer, asCSV bool) *scanOutput {
	o := &scanOutput{w: w}
	if asCSV {
		o.csv = csv.NewWriter(w)
	}
	return o
}

// start writes the CSV header.
func (o *scanOutput) start() error {
	if o.csv == nil {
		return nil
	}
	return o.csv.Write(scanCSVColumns)
}

func (o *scanOutput) record(j *scanJSON) error {
	if o.csv != nil {
		return o.csv.Write(j.csvRow())
	}
	return o.line(j)
}

// failure writes the record of a file that could not be scanned.
func (o *scanOutput) failure(name string, err error) error {
	if o.csv != nil {
		row := make([]string, len(scanCSVColumns))
		row[0], row[1] = name, oneLine(err)
		return o.csv.Write(row)
	}
	return o.line(errorRecord("scan", name, err))
}

func (o *scanOutput) line(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = o.w.Write(append(b, '\n'))
	return err
}

// finish flushes the CSV writer.
func (o *scanOutput) finish() error {
	if o.csv == nil {
		return nil
	}
	o.csv.Flush()
	return o.csv.Error()
}
