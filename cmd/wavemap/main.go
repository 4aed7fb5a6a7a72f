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
	// removes the output it had not finished and returns 130. Once the
	// first signal has arrived, stop restores the default handling, so a
	// second one ends the process at once should the command be slow to
	// stop.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	os.Exit(cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
