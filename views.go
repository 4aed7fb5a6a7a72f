package wavemap

import (
	"fmt"
	"unsafe"
)

// Samples returns the file's samples, interleaved (sample c of frame i is
// at i*Channels+c), as a slice of T over the mapping itself: no copy is
// made. T must be the Go type of the file's encoding (see Encoding.GoType);
// otherwise the error is a *TypeError. Writes to the slice change the file
// in ReadWrite mode, only this process's memory in CopyOnWrite mode, and
// fault in ReadOnly mode.
func Samples[T Sample](f *File) ([]T, error) {
	if f.closed {
		return nil, ErrClosed
	}
	if err := checkType[T](f.hdr.Format.Encoding); err != nil {
		return nil, err
	}
	return castSlice[T](f.data)
}

// FramesOf returns the file's samples as a frames × channels view over the
// mapping. T must be the Go type of the file's encoding.
func FramesOf[T Sample](f *File) (Frames[T], error) {
	s, err := Samples[T](f)
	if err != nil {
		return Frames[T]{}, err
	}
	return Frames[T]{Data: s, Channels: f.hdr.Format.Channels}, nil
}

func checkType[T Sample](have Encoding) error {
	if want := encodingOf[T](); want != have {
		return &TypeError{Have: have, Want: want.GoType()}
	}
	return nil
}

// castSlice views b as a []T without copying.
func castSlice[T Sample](b []byte) ([]T, error) {
	var z T
	size := int(unsafe.Sizeof(z))
	if len(b) == 0 {
		return []T{}, nil
	}
	if hostOrder[T]() && !hostLittleEndian {
		return nil, fmt.Errorf("%w: zero-copy views of %T samples need a little-endian CPU", ErrUnsupported, z)
	}
	if !unalignedOK && uintptr(unsafe.Pointer(&b[0]))%unsafe.Alignof(z) != 0 {
		return nil, fmt.Errorf("%w: the audio data is not aligned for %T on this CPU", ErrUnsupported, z)
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), len(b)/size), nil
}
