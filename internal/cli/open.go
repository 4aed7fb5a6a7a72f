package cli

import (
	"fmt"
	"os"

	"github.com/wavemap/wavemap"
)

// inputOptions are the options for opening an input file: sequential
// read-ahead, and header warnings reported on standard error.
func inputOptions(e *env, cmd, name string) *wavemap.Options {
	return &wavemap.Options{
		Advice: wavemap.AdviseSequential,
		Warn: func(w wavemap.Warning) {
			fmt.Fprintf(e.stderr, "wavemap %s: %s: warning: %v\n", cmd, name, w)
		},
	}
}

// openAudio opens a WAVE file for a command, for sequential reading,
// reporting header warnings on standard error and naming the file in any
// error.
func openAudio(e *env, cmd, name string, mode wavemap.Mode) (*wavemap.File, error) {
	f, err := wavemap.Open(name, mode, inputOptions(e, cmd, name))
	if err != nil {
		return nil, fileError(name, err)
	}
	return f, nil
}

// checkWritable returns an error if name cannot be opened for writing. It
// writes nothing, and it does not wait for a reader if name has become a
// named pipe since it was checked (openNonblock).
func checkWritable(name string) error {
	w, err := os.OpenFile(name, os.O_WRONLY|openNonblock, 0)
	if err != nil {
		return err
	}
	return w.Close()
}
