package cli

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// Temporary output files are registered here so that an interrupted
// command (Ctrl-C, SIGTERM) removes them instead of leaving hidden
// .NAME.*.wavemap-tmp files behind.
var (
	tempMu    sync.Mutex
	tempFiles = map[string]bool{}
)

func addTemp(name string) {
	tempMu.Lock()
	tempFiles[name] = true
	tempMu.Unlock()
}

func dropTemp(name string) {
	tempMu.Lock()
	delete(tempFiles, name)
	tempMu.Unlock()
}

// removeTemps deletes every registered temporary file; it returns with the
// lock held so that no rename can complete afterwards.
func removeTemps() {
	tempMu.Lock()
	for name := range tempFiles {
		os.Remove(name)
	}
}

// exitOnInterrupt makes the process remove its temporary files and exit
// with 130 (the shell's code for SIGINT) on an interrupt or termination
// signal. It returns a function that stops listening.
func exitOnInterrupt(stderr io.Writer, cmd string) (stop func()) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-c:
			removeTemps()
			fmt.Fprintf(stderr, "\nwavemap %s: interrupted (%v); unfinished output files removed\n", cmd, sig)
			os.Exit(130)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(c)
		close(done)
	}
}
