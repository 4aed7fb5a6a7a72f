// Command wavemap inspects, edits and creates WAVE files of any size
// through memory maps. Run "wavemap help" for the list of commands.
package main

import (
	"os"

	"github.com/wavemap/wavemap/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
