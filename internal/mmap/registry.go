package mmap

import (
	"sync"
	"unsafe"
)

// The registry of mappings, consulted when a memory fault is caught, so
// that the error can say which file's mapping the address lies in and
// what the likely cause is. Map and Unmap keep it; nothing else reads it
// on a hot path.
var registry struct {
	sync.Mutex
	live  map[*Mapping]span
	stale []staleSpan // debug builds only: poisoned ranges of closed mappings
}

type span struct{ lo, hi uintptr }

type staleSpan struct {
	span
	name string
}

// maxStale bounds the poisoned ranges remembered in a debug build.
const maxStale = 1024

func spanOf(b []byte) span {
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return span{lo, lo + uintptr(len(b))}
}

func register(m *Mapping) {
	registry.Lock()
	defer registry.Unlock()
	if registry.live == nil {
		registry.live = make(map[*Mapping]span)
	}
	registry.live[m] = spanOf(m.whole)
}

func unregister(m *Mapping, whole []byte) {
	registry.Lock()
	defer registry.Unlock()
	delete(registry.live, m)
	if poisonUnmapped {
		if len(registry.stale) == maxStale {
			registry.stale = registry.stale[1:]
		}
		registry.stale = append(registry.stale, staleSpan{spanOf(whole), m.f.Name()})
	}
}

// Place says where a faulting address lies.
type Place struct {
	Name     string // the file mapped there; "" when no known mapping holds the address
	Live     bool   // the mapping is still mapped
	Prot     Prot   // its protection, when Live
	Offset   int64  // the file offset of the address, when Live
	FileSize int64  // the file's size now, when Live (-1 if it cannot be read)
}

// Locate returns where addr lies: in a live mapping (with the file's
// current size, so a caller can tell truncation from other causes), in
// the poisoned range of a closed one (debug builds), or nowhere known.
func Locate(addr uintptr) Place {
	registry.Lock()
	var found *Mapping
	var at span
	for m, s := range registry.live {
		if s.lo <= addr && addr < s.hi {
			found, at = m, s
			break
		}
	}
	var stale string
	if found == nil {
		for i := len(registry.stale) - 1; i >= 0; i-- {
			if s := registry.stale[i]; s.lo <= addr && addr < s.hi {
				stale = s.name
				break
			}
		}
	}
	registry.Unlock()
	if found == nil {
		return Place{Name: stale}
	}
	p := Place{Name: found.f.Name(), Live: true, Prot: found.prot, Offset: found.base + int64(addr-at.lo), FileSize: -1}
	if fi, err := found.f.Stat(); err == nil {
		p.FileSize = fi.Size()
	}
	return p
}
