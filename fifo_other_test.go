//go:build !unix

package wavemap_test

import "errors"

func mkfifo(string) error { return errors.New("no FIFOs here") }
