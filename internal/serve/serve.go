// Package serve is the HTTP side of 'wavemap serve': a waveform viewer
// page, embedded in the binary, and the API it reads, over WAVE files
// opened and mapped beforehand.
//
// # API
//
// Every endpoint answers GET (and HEAD) only; parameters are query
// parameters, each given at most once, and any other parameter is an
// error. f names a file: its index in the list, or its name exactly as it
// was given on the command line (a name wins over an index it looks
// like). Nothing in a request reaches the file system: f is looked up
// among the files opened at start, and the page's own files are compiled
// in; there is no directory listing.
//
//	GET /                   the viewer (index.html, app.js, app.css)
//	GET /api/files          [{"index", "name", "encoding", "channels", "sample_rate",
//	                         "frames", "duration_seconds", "speakers", "ready"}, ...]
//	GET /api/info?f=        the JSON object 'wavemap info --json' prints for the file
//	GET /api/peaks?f=&px=[&start=&end=][&ch=][&bits=8|16][&format=dat|json][&precision=full]
//	                        exactly px minimum/maximum pairs per channel over the
//	                        frames [start, end) (default: the whole file), of channel
//	                        ch or, without it, of every channel (pixel by pixel,
//	                        channel by channel): an audiowaveform .dat version 2 body
//	                        (16-bit values unless bits=8), or its JSON form; with
//	                        format=json&precision=full, the values in the source's
//	                        resolution as floats in [-1, 1). Pixel k covers the frames
//	                        [start + k*n/px, start + (k+1)*n/px), n = end-start,
//	                        rounded down; a pixel between two frames shows the frame
//	                        at its start (see wavemap.PeakIndex.Window). The headers
//	                        X-Wavemap-Start and X-Wavemap-End repeat the window.
//	GET /f.dat?f=&z=[&bits=8|16][&split=1]
//	                        the file's whole waveform at z frames per pixel, byte for
//	                        byte what 'wavemap peaks -z Z' (and BBC audiowaveform)
//	                        writes, for peaks.js and waveform-data
//
// px is at most MaxPixels; a /f.dat whose data would pass MaxDatValues
// values is refused (a larger z is needed). Bad parameters get 400 with a
// message, an unknown file 404, another method 405. A file that changed
// on disk since it was opened (truncated, rewritten, replaced or removed)
// gets 409 for every request about it; a fault reading its mapping (the
// file cut short under it) is caught and answered 500, never a crash.
//
// The server answers only requests whose Host is a loopback address or
// "localhost" unless Options.AnyHost is set: a page elsewhere that makes
// its name resolve to 127.0.0.1 (DNS rebinding) cannot read the files.
package serve

import (
	"bytes"
	"context"
	"embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wavemap/wavemap"
)

// MaxPixels is the most pixels one /api/peaks request may ask for.
const MaxPixels = 65536

// MaxDatValues is the most values (minima and maxima) a /f.dat response
// may hold: 128 MiB of 16-bit values.
const MaxDatValues = 1 << 26

// datCacheEntries is how many /f.dat bodies are kept per file.
const datCacheEntries = 4

//go:embed static
var static embed.FS

// File is one file the server serves.
type File struct {
	// Name is the file's name as given on the command line: what the
	// page shows and what f= matches.
	Name string
	// File is the opened file; it stays open while the server runs and
	// the caller closes it afterwards.
	File *wavemap.File
	// Info is the JSON object 'wavemap info --json' prints for the file.
	Info json.RawMessage
	// Speakers labels the channels, one per channel ("" for a channel
	// without a speaker position).
	Speakers []string
}

// Options adjust New. A nil pointer means the defaults.
type Options struct {
	// Peaks are the options of the pyramids (wavemap.OpenPeaks): the
	// cache folder, or none.
	Peaks *wavemap.PeakIndexOptions
	// AnyHost answers requests whatever their Host header (for a server
	// reachable under other names: 'wavemap serve --public').
	AnyHost bool
	// Log, if set, receives a line for each pyramid built or read, and
	// for each failure to build one.
	Log func(format string, args ...any)
}

// Server serves the files given to New. It is an http.Handler.
type Server struct {
	files   []*entry
	opts    Options
	mux     *http.ServeMux
	page    map[string][]byte
	done    chan struct{} // closed when every pyramid is ready or failed
	closeMu sync.Mutex
	closed  bool
}

// entry is one served file and its pyramid.
type entry struct {
	File
	index  int
	st     os.FileInfo // the file as it was when opened
	stErr  error
	ready  chan struct{} // closed when idx or idxErr is set
	idx    *wavemap.PeakIndex
	idxErr error

	datMu sync.Mutex
	dat   []datBody // most recent last
}

type datKey struct {
	z, bits int
	split   bool
}

type datBody struct {
	key  datKey
	body []byte
}

// New returns a server for files and starts building their pyramids, one
// file after the other, in the background (until ctx is done); requests
// for peaks wait for the pyramid of their file.
func New(ctx context.Context, files []File, opts *Options) *Server {
	s := &Server{mux: http.NewServeMux(), page: map[string][]byte{}, done: make(chan struct{})}
	if opts != nil {
		s.opts = *opts
	}
	for i, f := range files {
		e := &entry{File: f, index: i, ready: make(chan struct{})}
		e.st, e.stErr = os.Stat(f.Name)
		s.files = append(s.files, e)
	}
	for _, name := range []string{"index.html", "app.js", "app.css"} {
		b, err := fs.ReadFile(static, "static/"+name)
		if err != nil {
			panic("serve: embedded page: " + err.Error())
		}
		s.page[name] = b
	}
	s.mux.HandleFunc("/{$}", s.servePage)
	s.mux.HandleFunc("/index.html", s.servePage)
	s.mux.HandleFunc("/app.js", s.servePage)
	s.mux.HandleFunc("/app.css", s.servePage)
	s.mux.HandleFunc("/api/files", s.serveFiles)
	s.mux.HandleFunc("/api/info", s.serveInfo)
	s.mux.HandleFunc("/api/peaks", s.servePeaks)
	s.mux.HandleFunc("/f.dat", s.serveDat)
	go s.build(ctx)
	return s
}

// build opens the pyramid of every file in turn.
func (s *Server) build(ctx context.Context) {
	defer close(s.done)
	for _, e := range s.files {
		start := time.Now()
		e.idx, e.idxErr = wavemap.OpenPeaks(ctx, e.File.File, s.opts.Peaks)
		close(e.ready)
		if s.opts.Log == nil {
			continue
		}
		switch {
		case e.idxErr != nil:
			s.opts.Log("%s: no waveform: %v", e.Name, e.idxErr)
		case e.idx.Loaded():
			s.opts.Log("%s: waveform read from %s in %v", e.Name, e.idx.Path(), time.Since(start).Round(time.Millisecond))
		case e.idx.CacheError() != nil && e.idx.Path() != "":
			s.opts.Log("%s: waveform built in %v (%v)", e.Name, time.Since(start).Round(time.Millisecond), e.idx.CacheError())
		default:
			s.opts.Log("%s: waveform built in %v", e.Name, time.Since(start).Round(time.Millisecond))
		}
	}
}

// Ready returns a channel closed once every pyramid is ready (or failed).
func (s *Server) Ready() <-chan struct{} { return s.done }

// Close waits for the pyramids being built (cancel New's context first to
// stop them) and closes them. The files themselves stay open.
func (s *Server) Close() error {
	<-s.done
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var errs []error
	for _, e := range s.files {
		if e.idx != nil {
			errs = append(errs, e.idx.Close())
		}
	}
	return errors.Join(errs...)
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	if !s.opts.AnyHost && !loopbackHost(r.Host) {
		httpError(w, http.StatusForbidden, "host %q is not served: only loopback addresses and localhost (wavemap serve --public serves any)", r.Host)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		httpError(w, http.StatusMethodNotAllowed, "method %s: only GET and HEAD", r.Method)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// loopbackHost reports whether a Host header names this machine by a
// loopback address or as localhost.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// httpError answers code with a one-line plain text message.
func httpError(w http.ResponseWriter, code int, format string, a ...any) {
	h := w.Header()
	h.Del("Content-Length")
	h.Del("X-Wavemap-Start")
	h.Del("X-Wavemap-End")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	fmt.Fprintf(w, "wavemap serve: "+format+"\n", a...)
}

func (s *Server) servePage(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	if name == "" {
		name = "index.html"
	}
	if len(r.URL.Query()) > 0 {
		// The page takes its state from the fragment, never the query.
		if _, err := params(r, nil); err != nil {
			httpError(w, http.StatusBadRequest, "%v", err)
			return
		}
	}
	body := s.page[name]
	types := map[string]string{".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
	h := w.Header()
	h.Set("Content-Type", types[name[strings.LastIndexByte(name, '.'):]])
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
}

// fileJSON is one entry of /api/files.
type fileJSON struct {
	Index      int      `json:"index"`
	Name       string   `json:"name"`
	Encoding   string   `json:"encoding"`
	Channels   int      `json:"channels"`
	SampleRate int      `json:"sample_rate"`
	Frames     int64    `json:"frames"`
	Duration   float64  `json:"duration_seconds"`
	Speakers   []string `json:"speakers"`
	Ready      bool     `json:"ready"`
}

func (s *Server) serveFiles(w http.ResponseWriter, r *http.Request) {
	if _, err := params(r, nil); err != nil {
		httpError(w, http.StatusBadRequest, "%v", err)
		return
	}
	out := []fileJSON{}
	for _, e := range s.files {
		fm := e.File.File.Format()
		ready := false
		select {
		case <-e.ready:
			ready = e.idxErr == nil
		default:
		}
		out = append(out, fileJSON{Index: e.index, Name: e.Name, Encoding: fm.Encoding.String(), Channels: fm.Channels,
			SampleRate: fm.SampleRate, Frames: e.File.File.Frames(), Duration: fm.Duration(e.File.File.Frames()).Seconds(),
			Speakers: e.speakers(), Ready: ready})
	}
	writeJSON(w, out)
}

// speakers returns one label per channel.
func (e *entry) speakers() []string {
	n := e.File.File.Format().Channels
	out := make([]string, n)
	for c := range out {
		if c < len(e.Speakers) {
			out[c] = e.Speakers[c]
		}
	}
	return out
}

func (s *Server) serveInfo(w http.ResponseWriter, r *http.Request) {
	e, _, ok := s.file(w, r, nil)
	if !ok {
		return
	}
	info := e.Info
	if len(info) == 0 {
		info = json.RawMessage("{}")
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(info)
	w.Write([]byte("\n"))
}

// file returns the entry f= names, after checking the request's other
// parameters against allowed and the file against what is on disk; it
// answers the request itself (and returns false) when anything is wrong.
func (s *Server) file(w http.ResponseWriter, r *http.Request, allowed []string) (*entry, map[string]string, bool) {
	q, err := params(r, append([]string{"f"}, allowed...))
	if err != nil {
		httpError(w, http.StatusBadRequest, "%v", err)
		return nil, nil, false
	}
	f, given := q["f"]
	if !given {
		httpError(w, http.StatusBadRequest, "missing parameter f: a file's index or name (see /api/files)")
		return nil, nil, false
	}
	e := s.lookup(f)
	if e == nil {
		httpError(w, http.StatusNotFound, "no file %q is served (see /api/files)", f)
		return nil, nil, false
	}
	if err := e.changed(); err != nil {
		httpError(w, http.StatusConflict, "%v", err)
		return nil, nil, false
	}
	return e, q, true
}

// lookup finds the file named f, or with index f.
func (s *Server) lookup(f string) *entry {
	for _, e := range s.files {
		if e.Name == f {
			return e
		}
	}
	if i, err := strconv.Atoi(f); err == nil && i >= 0 && i < len(s.files) && strconv.Itoa(i) == f {
		return s.files[i]
	}
	return nil
}

// changed returns an error if the file on disk is no longer the one
// opened: removed, replaced, truncated or rewritten.
func (e *entry) changed() error {
	if e.stErr != nil {
		return nil // nothing to compare with (a name stat cannot reach)
	}
	st, err := os.Stat(e.Name)
	switch {
	case err != nil:
		return fmt.Errorf("%s changed on disk since wavemap serve opened it: %v", e.Name, err)
	case !os.SameFile(st, e.st):
		return fmt.Errorf("%s was replaced on disk since wavemap serve opened it: restart it to see the new file", e.Name)
	case st.Size() != e.st.Size():
		return fmt.Errorf("%s changed on disk since wavemap serve opened it (%d bytes, now %d): restart it to see the new content", e.Name, e.st.Size(), st.Size())
	case !st.ModTime().Equal(e.st.ModTime()):
		return fmt.Errorf("%s was modified on disk since wavemap serve opened it (%s): restart it to see the new content", e.Name, st.ModTime().Format(time.RFC3339))
	}
	return nil
}

// params returns the query parameters of r, refusing repeated ones and
// any not in allowed.
func params(r *http.Request, allowed []string) (map[string]string, error) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("bad query: %v", err)
	}
	out := map[string]string{}
	for k, vs := range v {
		known := false
		for _, a := range allowed {
			known = known || a == k
		}
		if !known {
			if len(allowed) == 0 {
				return nil, fmt.Errorf("unknown parameter %q: this address takes none", k)
			}
			return nil, fmt.Errorf("unknown parameter %q (this address takes %s)", k, strings.Join(allowed, ", "))
		}
		if len(vs) != 1 {
			return nil, fmt.Errorf("parameter %s given %d times", k, len(vs))
		}
		out[k] = vs[0]
	}
	return out, nil
}

// intParam reads the integer parameter name of q, def when absent; it
// must lie in [lo, hi].
func intParam(q map[string]string, name string, def, lo, hi int64) (int64, error) {
	s, ok := q[name]
	if !ok {
		return def, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("parameter %s=%q: not an integer", name, s)
	}
	if v < lo || v > hi {
		return 0, fmt.Errorf("parameter %s=%d: out of range [%d, %d]", name, v, lo, hi)
	}
	return v, nil
}

// pyramid waits for e's pyramid.
func (e *entry) pyramid(ctx context.Context) (*wavemap.PeakIndex, error) {
	select {
	case <-e.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if e.idxErr != nil {
		return nil, fmt.Errorf("no waveform for %s: %v", e.Name, e.idxErr)
	}
	return e.idx, nil
}

// peaksJSON is the JSON form of an /api/peaks answer: audiowaveform's
// JSON with the window's bounds, or with precision=full floats.
type peaksJSON struct {
	Version         int     `json:"version"`
	Channels        int     `json:"channels"`
	SampleRate      int     `json:"sample_rate"`
	SamplesPerPixel int     `json:"samples_per_pixel"`
	Bits            int     `json:"bits,omitempty"`
	Precision       string  `json:"precision,omitempty"`
	Length          int     `json:"length"`
	Start           int64   `json:"start"`
	End             int64   `json:"end"`
	Data            any     `json:"data"`
	ChannelIndex    *int    `json:"channel,omitempty"`
	Frames          int64   `json:"frames"`
	Duration        float64 `json:"duration_seconds"`
}

func (s *Server) servePeaks(w http.ResponseWriter, r *http.Request) {
	e, q, ok := s.file(w, r, []string{"start", "end", "px", "ch", "bits", "format", "precision"})
	if !ok {
		return
	}
	frames := e.File.File.Frames()
	if frames == 0 {
		httpError(w, http.StatusBadRequest, "%s has no frames", e.Name)
		return
	}
	if _, ok := q["px"]; !ok {
		httpError(w, http.StatusBadRequest, "missing parameter px: the number of pixels, 1 to %d", MaxPixels)
		return
	}
	px, err := intParam(q, "px", 0, 1, MaxPixels)
	if err != nil {
		httpError(w, http.StatusBadRequest, "%v", err)
		return
	}
	start, err := intParam(q, "start", 0, 0, frames-1)
	var end int64
	if err == nil {
		end, err = intParam(q, "end", frames, 1, frames)
	}
	if err == nil && end <= start {
		err = fmt.Errorf("parameters start=%d and end=%d: want start < end", start, end)
	}
	if err != nil {
		httpError(w, http.StatusBadRequest, "%v (the file has %d frames)", err, frames)
		return
	}
	s.answerPeaks(w, r, e, q, start, end, int(px), e.File.File.Format())
}

func (s *Server) answerPeaks(w http.ResponseWriter, r *http.Request, e *entry, q map[string]string, start, end int64, px int, fm wavemap.Format) {
	ch := int64(-1)
	var err error
	if _, ok := q["ch"]; ok {
		if ch, err = intParam(q, "ch", 0, 0, int64(fm.Channels-1)); err != nil {
			httpError(w, http.StatusBadRequest, "%v (the file has %d channels)", err, fm.Channels)
			return
		}
	}
	bits, err := intParam(q, "bits", 16, 8, 16)
	if err == nil && bits != 8 && bits != 16 {
		err = fmt.Errorf("parameter bits=%d: 8 or 16", bits)
	}
	if err != nil {
		httpError(w, http.StatusBadRequest, "%v", err)
		return
	}
	format := q["format"]
	switch format {
	case "", "dat", "json":
	default:
		httpError(w, http.StatusBadRequest, "parameter format=%q: dat or json", format)
		return
	}
	full := false
	switch q["precision"] {
	case "":
	case "full":
		if format != "json" {
			httpError(w, http.StatusBadRequest, "precision=full needs format=json (the .dat format holds 8- and 16-bit values only)")
			return
		}
		full = true
	default:
		httpError(w, http.StatusBadRequest, "parameter precision=%q: full, or none", q["precision"])
		return
	}
	channels := fm.Channels
	if ch >= 0 {
		channels = 1
	}
	if px*channels > MaxPixels*8 {
		httpError(w, http.StatusBadRequest, "%d pixels of %d channels: at most %d values a request (ask for fewer pixels, or one channel)", px, channels, MaxPixels*8)
		return
	}
	idx, err := e.pyramid(r.Context())
	if err != nil {
		httpError(w, http.StatusInternalServerError, "%v", err)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Wavemap-Start", strconv.FormatInt(start, 10))
	h.Set("X-Wavemap-End", strconv.FormatInt(end, 10))
	if full {
		data := make([]float64, 0, 2*px*channels)
		cols := make([][]wavemap.MinMax, 0, channels)
		for c := range fm.Channels {
			if ch >= 0 && int64(c) != ch {
				continue
			}
			mm, err := idx.Window(start, end, px, c)
			if err != nil {
				s.readError(w, e, err)
				return
			}
			cols = append(cols, mm)
		}
		for k := range px {
			for _, col := range cols {
				data = append(data, col[k].Min, col[k].Max)
			}
		}
		j := s.peaksHeader(e, start, end, px, channels, ch)
		j.Precision, j.Data = "full", data
		writeJSON(w, j)
		return
	}
	pk, err := idx.WindowPeaks(start, end, px, int(ch), int(bits))
	if err != nil {
		s.readError(w, e, err)
		return
	}
	if format == "json" {
		j := s.peaksHeader(e, start, end, px, channels, ch)
		j.Bits, j.Data = int(bits), pk.Data
		writeJSON(w, j)
		return
	}
	h.Set("Content-Type", "application/octet-stream")
	w.Write(datV2(pk))
}

func (s *Server) peaksHeader(e *entry, start, end int64, px, channels int, ch int64) peaksJSON {
	f := e.File.File
	j := peaksJSON{Version: 2, Channels: channels, SampleRate: f.Format().SampleRate,
		SamplesPerPixel: int(max(1, min((end-start)/int64(px), math.MaxInt32))), Length: px, Start: start, End: end,
		Frames: f.Frames(), Duration: f.Format().Duration(f.Frames()).Seconds()}
	if ch >= 0 {
		c := int(ch)
		j.ChannelIndex = &c
	}
	return j
}

// readError answers an error reading a file's samples: a fault (the file
// cut short under its mapping) or another failure.
func (s *Server) readError(w http.ResponseWriter, e *entry, err error) {
	var fe *wavemap.FaultError
	if errors.As(err, &fe) {
		httpError(w, http.StatusInternalServerError, "%s cannot be read: %v (was it truncated? restart wavemap serve)", e.Name, err)
		return
	}
	if errors.Is(err, wavemap.ErrArgument) {
		httpError(w, http.StatusBadRequest, "%v", err)
		return
	}
	httpError(w, http.StatusInternalServerError, "%s: %v", e.Name, err)
}

// datV2 is p as an audiowaveform .dat file of version 2, whatever the
// channel count.
func datV2(p *wavemap.Peaks) []byte {
	le := binary.LittleEndian
	size := 1
	if p.Bits == 16 {
		size = 2
	}
	b := make([]byte, 0, 24+len(p.Data)*size)
	flags := uint32(0)
	if p.Bits == 8 {
		flags = 1
	}
	b = le.AppendUint32(b, 2)
	b = le.AppendUint32(b, flags)
	b = le.AppendUint32(b, uint32(p.SampleRate))
	b = le.AppendUint32(b, uint32(p.SamplesPerPixel))
	b = le.AppendUint32(b, uint32(p.Length))
	b = le.AppendUint32(b, uint32(p.Channels))
	for _, v := range p.Data {
		if size == 1 {
			b = append(b, byte(int8(v)))
		} else {
			b = le.AppendUint16(b, uint16(v))
		}
	}
	return b
}

func (s *Server) serveDat(w http.ResponseWriter, r *http.Request) {
	e, q, ok := s.file(w, r, []string{"z", "bits", "split"})
	if !ok {
		return
	}
	if _, ok := q["z"]; !ok {
		httpError(w, http.StatusBadRequest, "missing parameter z: frames per pixel (audiowaveform's --zoom)")
		return
	}
	f := e.File.File
	z, err := intParam(q, "z", 0, 1, math.MaxInt32)
	var bits int64
	if err == nil {
		bits, err = intParam(q, "bits", 16, 8, 16)
		if err == nil && bits != 8 && bits != 16 {
			err = fmt.Errorf("parameter bits=%d: 8 or 16", bits)
		}
	}
	split := false
	if err == nil {
		switch q["split"] {
		case "", "0", "false":
		case "1", "true":
			split = true
		default:
			err = fmt.Errorf("parameter split=%q: 1 or 0", q["split"])
		}
	}
	if err != nil {
		httpError(w, http.StatusBadRequest, "%v", err)
		return
	}
	channels := int64(1)
	if split {
		channels = int64(f.Format().Channels)
	}
	pixels := (f.Frames() + z - 1) / z
	if values := pixels * channels * 2; values > MaxDatValues {
		least := (f.Frames()*channels*2 + MaxDatValues - 1) / MaxDatValues
		httpError(w, http.StatusBadRequest, "z=%d gives %d values for %s: at most %d (use z >= %d)", z, values, e.Name, MaxDatValues, least)
		return
	}
	key := datKey{int(z), int(bits), split}
	body, err := e.datBody(r.Context(), key)
	if err != nil {
		s.readError(w, e, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "f.dat", time.Time{}, bytes.NewReader(body))
}

// datBody returns the .dat of key, computed once and kept among the
// file's datCacheEntries most recent.
func (e *entry) datBody(ctx context.Context, key datKey) ([]byte, error) {
	e.datMu.Lock()
	defer e.datMu.Unlock()
	for i, d := range e.dat {
		if d.key == key {
			e.dat = append(append(e.dat[:i:i], e.dat[i+1:]...), d)
			return d.body, nil
		}
	}
	pk, err := wavemap.ComputePeaks(ctx, e.File.File, &wavemap.PeaksOptions{SamplesPerPixel: key.z, Bits: key.bits, SplitChannels: key.split})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := pk.WriteDat(&b); err != nil {
		return nil, err
	}
	if len(e.dat) == datCacheEntries {
		e.dat = e.dat[1:]
	}
	e.dat = append(e.dat, datBody{key, b.Bytes()})
	return b.Bytes(), nil
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		httpError(w, http.StatusInternalServerError, "%v", err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(append(b, '\n'))
}
