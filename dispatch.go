package wavemap

import "fmt"

// The one dispatch from an Encoding to typed code.
//
// Every whole-file pass is written once, as generic code over the sample
// type T, and reached through kindFor: the switch below is the only place
// that turns an Encoding value into a Go type. A new pass plugs in in one
// of two ways:
//
//   - A pass that needs the file's own sample type (its kernels work on
//     []int16, packed 24-bit bytes ...) adds a method to kind and its
//     one-line implementation on kindOf[T], which calls a generic function
//     of T (measure, gain and transcode are written so).
//   - A pass that works on decoded values (Overview; loudness and peaks
//     to come) calls decodedPass with a function of a frameBlock, which
//     decodes any encoding to float64 on request: no new method at all.
//
// Conversions between two encodings (Transcode, TranscodeTo,
// TranscodeReader) dispatch the source here and the destination in converterTo, the second axis of the
// same table.
//
// The big-endian types of RIFX files (Int16BE ...) are kinds like the
// others: their measurer and gain kernel (swappedMeasurer, swappedGain)
// and Convert (convertByteOrder) swap blocks of samples into the native
// type and run its kernels, so no pass needs a case of its own.

// kind is the typed code for one Encoding.
type kind interface {
	// block returns the whole of f's frames as a frameBlock.
	block(f *File) (frameBlock, error)
	measure(p *passRun, f *File) ([]ChannelStats, error)
	gain(p *passRun, f *File, factor float64) (int64, error)
	transcode(p *passRun, dst, src *File) (int64, error)
	transcodeTo(p *passRun, w *Writer, src *File) (int64, error)
	// measureReader and transcodeReader are the streaming passes
	// (MeasureReader, TranscodeReader; in stream_pass.go).
	measureReader(p *passRun, r *Reader) ([]ChannelStats, error)
	transcodeReader(p *passRun, w *Writer, r *Reader, frames int64) (copied, clipped int64, err error)
	// decodedPass runs fn over the frames [from, to) of f (to < 0: up to
	// the end); start counts from from.
	decodedPass(p *passRun, f *File, from, to int, fn func(start int, b frameBlock) error) error
}

// kindOf is the kind of the encoding whose Go type is T.
type kindOf[T Sample] struct{}

// kindFor returns the typed code of encoding e.
func kindFor(e Encoding) (kind, error) {
	switch e {
	case EncodingUint8:
		return kindOf[uint8]{}, nil
	case EncodingInt16:
		return kindOf[int16]{}, nil
	case EncodingInt24:
		return kindOf[Int24]{}, nil
	case EncodingInt32:
		return kindOf[int32]{}, nil
	case EncodingFloat32:
		return kindOf[float32]{}, nil
	case EncodingFloat64:
		return kindOf[float64]{}, nil
	case EncodingALaw:
		return kindOf[ALaw]{}, nil
	case EncodingMuLaw:
		return kindOf[MuLaw]{}, nil
	case EncodingInt16BE:
		return kindOf[Int16BE]{}, nil
	case EncodingInt24BE:
		return kindOf[Int24BE]{}, nil
	case EncodingInt32BE:
		return kindOf[Int32BE]{}, nil
	case EncodingFloat32BE:
		return kindOf[Float32BE]{}, nil
	case EncodingFloat64BE:
		return kindOf[Float64BE]{}, nil
	}
	return nil, fmt.Errorf("%w: encoding %v", ErrUnsupported, e)
}

// converterTo returns a function that converts samples of type S into
// samples of encoding e stored in dst's bytes (which must hold exactly
// len(src) of them, suitably aligned), with scaling sc, and returns the
// number clipped. It is the destination side of kindFor's table.
func converterTo[S Sample](e Encoding, sc Scaling) (func(dst []byte, src []S) (int, error), error) {
	switch e {
	case EncodingUint8:
		return convertBytes[uint8, S](sc), nil
	case EncodingInt16:
		return convertBytes[int16, S](sc), nil
	case EncodingInt24:
		return convertBytes[Int24, S](sc), nil
	case EncodingInt32:
		return convertBytes[int32, S](sc), nil
	case EncodingFloat32:
		return convertBytes[float32, S](sc), nil
	case EncodingFloat64:
		return convertBytes[float64, S](sc), nil
	case EncodingALaw:
		return convertBytes[ALaw, S](sc), nil
	case EncodingMuLaw:
		return convertBytes[MuLaw, S](sc), nil
	case EncodingInt16BE:
		return convertBytes[Int16BE, S](sc), nil
	case EncodingInt24BE:
		return convertBytes[Int24BE, S](sc), nil
	case EncodingInt32BE:
		return convertBytes[Int32BE, S](sc), nil
	case EncodingFloat32BE:
		return convertBytes[Float32BE, S](sc), nil
	case EncodingFloat64BE:
		return convertBytes[Float64BE, S](sc), nil
	}
	return nil, fmt.Errorf("%w: encoding %v", ErrUnsupported, e)
}

func convertBytes[D, S Sample](sc Scaling) func(dst []byte, src []S) (int, error) {
	return func(dst []byte, src []S) (int, error) {
		d, err := castSlice[D](dst)
		if err != nil {
			return 0, err
		}
		_, c := ConvertScaled(d, src, sc)
		return c, nil
	}
}

// frameBlock is a run of frames of any encoding, for passes that work on
// decoded values.
type frameBlock interface {
	// Len is the number of frames.
	Len() int
	// channels is the number of samples per frame.
	channels() int
	// float64s decodes the frames [from, to) into dst, interleaved, as
	// Convert decodes to float64, and returns dst[:(to-from)*channels()].
	float64s(dst []float64, from, to int) []float64
}

// typedBlock is the frameBlock of a Frames view.
type typedBlock[T Sample] struct{ Frames[T] }

func (b typedBlock[T]) channels() int { return b.Channels }

func (b typedBlock[T]) float64s(dst []float64, from, to int) []float64 {
	ch := b.Channels
	dst = dst[:(to-from)*ch]
	Convert(dst, b.Data[from*ch:to*ch])
	return dst
}

func (kindOf[T]) block(f *File) (frameBlock, error) {
	m, err := FramesOf[T](f)
	if err != nil {
		return nil, err
	}
	return typedBlock[T]{m}, nil
}

func (kindOf[T]) measure(p *passRun, f *File) ([]ChannelStats, error) {
	return measureFile[T](p, f)
}

func (kindOf[T]) gain(p *passRun, f *File, factor float64) (int64, error) {
	return gainFile[T](p, f, factor)
}

func (kindOf[T]) transcode(p *passRun, dst, src *File) (int64, error) {
	return transcode[T](p, dst, src)
}

func (kindOf[T]) transcodeTo(p *passRun, w *Writer, src *File) (int64, error) {
	return transcodeTo[T](p, w, src)
}

func (kindOf[T]) decodedPass(p *passRun, f *File, from, to int, fn func(start int, b frameBlock) error) error {
	m, err := FramesOf[T](f)
	if err != nil {
		return err
	}
	if to < 0 {
		to = m.Len()
	}
	return decodedReadPass(p, f, m.Slice(from, to), fn)
}

// decodedPass runs fn over the blocks of f's frames, from several
// goroutines at once, as Pass does, whatever f's encoding.
func decodedPass(p *passRun, f *File, fn func(start int, b frameBlock) error) error {
	return decodedRange(p, f, 0, -1, fn)
}

// decodedRange is decodedPass over the frames [from, to) of f only (to < 0:
// up to the end), which the caller has checked; fn's start counts from
// from.
func decodedRange(p *passRun, f *File, from, to int, fn func(start int, b frameBlock) error) error {
	k, err := kindFor(f.Format().Encoding)
	if err != nil {
		return err
	}
	return k.decodedPass(p, f, from, to, fn)
}
