package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/serve"
)

// runServe serves a waveform viewer of the files named on the command
// line until ctx is done (SIGINT, SIGTERM), then shuts down: no new
// connection is taken, requests in flight are cancelled, and it returns
// nil.
func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", "[--addr HOST:PORT] [--public] FILE...")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on: a loopback address unless --public (port 0 picks a free one)")
	public := fs.Bool("public", false, "allow an address other machines can reach, and any Host header: whoever reaches it can see the files")
	cache := fs.String("cache", "", "folder of the waveform cache files (default: wavemap in the user's cache folder)")
	noCache := fs.Bool("no-cache", false, "keep the waveform pyramids in memory only: read and write no cache file")
	quiet := quietFlag(fs)
	withExample(fs, e, "wavemap serve --addr 127.0.0.1:8080 interview.wav archive/*.wav")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("no files given")
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return usagef("--addr %q: want HOST:PORT (%v)", *addr, err)
	}
	if !*public && !loopbackAddr(host) {
		return usagef("--addr %s is not a loopback address: other machines could read the files; give --public to serve them anyway", *addr)
	}
	var served []serve.File
	defer func() {
		for _, f := range served {
			f.File.Close()
		}
	}()
	for _, name := range files {
		if err := refuseStdio("", name); err != nil {
			return err
		}
		f, err := openAudio(e, "serve", name, wavemap.ReadOnly)
		if err != nil {
			return err
		}
		served = append(served, serve.File{Name: name, File: f})
		j := describe(name, f)
		m, err := f.Metadata()
		if err != nil {
			return fileError(name, err)
		}
		j.Metadata = metadataOf(m, j.Format.SampleRate)
		if served[len(served)-1].Info, err = json.Marshal(j); err != nil {
			return err
		}
		served[len(served)-1].Speakers = laneNames(f.Format())
		if c := f.Format().Channels; c > peaksMaxChannels && !*quiet {
			fmt.Fprintf(e.stderr, "wavemap serve: %s: note: %d channels, one lane each\n", name, c)
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	logf := func(format string, a ...any) {
		if !*quiet {
			fmt.Fprintf(e.stderr, "wavemap serve: "+format+"\n", a...)
		}
	}
	bctx, cancel := context.WithCancel(ctx)
	defer cancel()
	srv := serve.New(bctx, served, &serve.Options{
		Peaks:   &wavemap.PeakIndexOptions{CacheDir: *cache, NoCache: *noCache},
		AnyHost: *public,
		Log:     logf,
	})
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return bctx },
	}
	if e.json {
		// One object when the server listens: where, and what it serves
		// (a script reads the address of --addr HOST:0 from it).
		j := serveJSON{Command: "serve", URL: "http://" + ln.Addr().String() + "/", Address: ln.Addr().String(), Inputs: []fileJSON{}}
		for _, f := range served {
			j.Inputs = append(j.Inputs, fileOf(f.Name, f.File))
		}
		if err := printJSON(e, j); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "wavemap serve: %d file(s) at http://%s/ (Ctrl-C stops)\n", len(served), ln.Addr())
	}
	failed := make(chan error, 1)
	go func() { failed <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err = <-failed:
	}
	cancel() // stops the pyramids being built and the requests in flight
	sctx, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	serr := hs.Shutdown(sctx)
	srv.Close()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	if serr != nil {
		return serr
	}
	logf("stopped")
	return nil
}

// loopbackAddr reports whether host (of an --addr) is a loopback address
// or localhost. An empty host (every interface) is not.
func loopbackAddr(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// laneNames labels each channel of fm by its speaker position from the
// channel mask, in order; channels past the mask's positions get "".
func laneNames(fm wavemap.Format) []string {
	sp := speakerNames(fm.ChannelMask)
	out := make([]string, fm.Channels)
	copy(out, sp)
	return out
}

// serveJSON is what serve prints with --json once it listens.
type serveJSON struct {
	Command string     `json:"command"`
	URL     string     `json:"url"`
	Address string     `json:"address"`
	Inputs  []fileJSON `json:"inputs"`
}
