package wavemap

import (
	"fmt"
	"iter"
)

// Frames is a frames × channels view of interleaved samples: sample c of
// frame i is Data[i*Channels+c]. A Frames obtained from a File shares the
// file's memory: writes through it land in the mapping.
//
// Indexing methods panic on out-of-range indices, as slice indexing does.
type Frames[T Sample] struct {
	Data     []T
	Channels int
}

// NewFrames returns a view of data as frames of the given number of
// channels. len(data) must be a multiple of channels.
func NewFrames[T Sample](data []T, channels int) (Frames[T], error) {
	if channels < 1 || len(data)%channels != 0 {
		return Frames[T]{}, fmt.Errorf("%w: %d samples do not make whole frames of %d channels", ErrArgument, len(data), channels)
	}
	return Frames[T]{Data: data, Channels: channels}, nil
}

// Len returns the number of frames.
func (m Frames[T]) Len() int {
	if m.Channels == 0 {
		return 0
	}
	return len(m.Data) / m.Channels
}

// Frame returns frame i: one sample per channel. The slice's capacity is
// its length, so appending to it cannot overwrite the next frame.
func (m Frames[T]) Frame(i int) []T {
	j := i * m.Channels
	return m.Data[j : j+m.Channels : j+m.Channels]
}

// At returns sample c of frame i.
func (m Frames[T]) At(i, c int) T {
	if uint(c) >= uint(m.Channels) {
		panic(fmt.Sprintf("wavemap: channel %d out of range [0,%d)", c, m.Channels))
	}
	return m.Data[i*m.Channels+c]
}

// Set stores v as sample c of frame i.
func (m Frames[T]) Set(i, c int, v T) {
	if uint(c) >= uint(m.Channels) {
		panic(fmt.Sprintf("wavemap: channel %d out of range [0,%d)", c, m.Channels))
	}
	m.Data[i*m.Channels+c] = v
}

// Slice returns the frames [from, to) as a view of the same memory.
func (m Frames[T]) Slice(from, to int) Frames[T] {
	return Frames[T]{Data: m.Data[from*m.Channels : to*m.Channels : to*m.Channels], Channels: m.Channels}
}

// Channel returns a strided view of channel c (Python's order='F').
func (m Frames[T]) Channel(c int) Channel[T] {
	if uint(c) >= uint(m.Channels) {
		panic(fmt.Sprintf("wavemap: channel %d out of range [0,%d)", c, m.Channels))
	}
	n := m.Len()
	if n == 0 {
		return Channel[T]{Stride: m.Channels}
	}
	// End at the last element of the channel, as gonum's column views do.
	end := (n-1)*m.Channels + c + 1
	return Channel[T]{Data: m.Data[c:end:end], Stride: m.Channels}
}

// Blocks returns an iterator over consecutive blocks of n frames (the last
// one may be shorter), each a view of the same memory, with the index of
// its first frame. It never copies. It panics if n < 1.
func (m Frames[T]) Blocks(n int) iter.Seq2[int, Frames[T]] {
	if n < 1 {
		panic("wavemap: Blocks needs a block size of at least 1 frame")
	}
	return func(yield func(int, Frames[T]) bool) {
		total := m.Len()
		for i := 0; i < total; i += n {
			if !yield(i, m.Slice(i, min(i+n, total))) {
				return
			}
		}
	}
}

// Channel is a strided view of one channel: element i is Data[i*Stride].
// Data ends at the channel's last element.
type Channel[T Sample] struct {
	Data   []T
	Stride int
}

// Len returns the number of samples in the channel.
func (c Channel[T]) Len() int {
	if len(c.Data) == 0 || c.Stride < 1 {
		return 0
	}
	return (len(c.Data)-1)/c.Stride + 1
}

// At returns element i.
func (c Channel[T]) At(i int) T { return c.Data[i*c.Stride] }

// Set stores v as element i.
func (c Channel[T]) Set(i int, v T) { c.Data[i*c.Stride] = v }

// Slice returns elements [from, to) as a view of the same memory.
func (c Channel[T]) Slice(from, to int) Channel[T] {
	n := c.Len()
	if from < 0 || to < from || to > n {
		panic(fmt.Sprintf("wavemap: channel slice [%d:%d] out of range [0,%d]", from, to, n))
	}
	if from == to {
		return Channel[T]{Stride: c.Stride}
	}
	end := (to-1)*c.Stride + 1
	return Channel[T]{Data: c.Data[from*c.Stride : end : end], Stride: c.Stride}
}

// All returns an iterator over the channel's (index, sample) pairs.
func (c Channel[T]) All() iter.Seq2[int, T] {
	return func(yield func(int, T) bool) {
		n := c.Len()
		for i := range n {
			if !yield(i, c.Data[i*c.Stride]) {
				return
			}
		}
	}
}

// AppendTo appends the channel's samples (Len of them: none when Stride
// is below 1) to dst and returns the result.
func (c Channel[T]) AppendTo(dst []T) []T {
	for i := range c.Len() {
		dst = append(dst, c.Data[i*c.Stride])
	}
	return dst
}
