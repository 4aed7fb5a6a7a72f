package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
)

// usageError marks errors in the command line (exit code 2).
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// errSilentFailure: the command already said what went wrong.
var errSilentFailure = errors.New("failed")

// oneLine renders err on one line without the library's "wavemap: "
// prefix, which would repeat the "wavemap CMD: " the line starts with.
func oneLine(err error) string {
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	for strings.HasPrefix(msg, "wavemap: ") {
		msg = msg[len("wavemap: "):]
	}
	// A chain of library errors repeats the package's prefix at every
	// link ("out.wav: wavemap: memory fault ..."): the command's own
	// prefix says it once.
	return strings.ReplaceAll(msg, ": wavemap: ", ": ")
}

// interruptCause says what cancelled ctx, for the "interrupted (...)"
// message: the signal's name ("interrupt", "terminated") when
// signal.NotifyContext cancelled it, else the cause itself.
func interruptCause(ctx context.Context) string {
	cause := context.Cause(ctx)
	if cause == nil {
		return "not cancelled"
	}
	return strings.TrimSuffix(cause.Error(), " signal received")
}

// namedError is an error whose message names the file concerned once,
// without the library's "wavemap: " prefix (the command prints its own).
// It wraps the original error, so errors.Is and errors.As see through it.
type namedError struct {
	msg string
	err error
}

func (n *namedError) Error() string { return n.msg }
func (n *namedError) Unwrap() error { return n.err }

// fileError returns err with a message that names the file: the library's
// and the os package's errors usually do already; others get the name in
// front. An error already named by fileError (or outputFile.errorf) is
// returned as it is.
func fileError(name string, err error) error {
	if err == nil {
		return nil
	}
	var ne *namedError
	if errors.As(err, &ne) {
		return err
	}
	msg := strings.TrimPrefix(err.Error(), "wavemap: ")
	var pe *os.PathError
	if !strings.Contains(msg, name) || (errors.As(err, &pe) && pe.Path != name) {
		msg = name + ": " + msg
	}
	return &namedError{msg, err}
}
