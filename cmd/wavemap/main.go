package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/wavemap/wavemap/internal/cli"
)

func main() {
	// SIGINT and SIGTERM cancel ctx: the command stops at its next block,
	// removes the output it had not finished and returns 130.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		// The first signal is handled: a second one ends the process the
		// default way, should the command be slow to stop.
		stop()
	}()
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
