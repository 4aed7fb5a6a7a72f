//go:build !linux

package serve

import "errors"

// dropPageCache is implemented on Linux only.
func dropPageCache(string) error { return errors.ErrUnsupported }
