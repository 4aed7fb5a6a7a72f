// Command goaudio is the github.com/go-audio/wav peer of the wavemap
// benchmark. It does each job the way a go-audio user would: a Decoder over
// an *os.File, PCMBuffer into an audio.IntBuffer block by block, and an
// Encoder for new files.
//
//	goaudio open FILE          format and first sample
//	goaudio stats FILE         per-channel peak and RMS
//	goaudio gain IN OUT        x0.5 into a new file (go-audio cannot edit in place)
//	goaudio convert IN OUT     s16 -> f32 into a new file
//
// Exit status 3 with "REFUSED: ..." or "NA: ..." on stdout means go-audio
// cannot do the job on that file (the runner reports it as such).
package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/go-audio/audio"
	"github.com/go-audio/wav"
)

const blockFrames = 1 << 16

func main() {
	if len(os.Args) < 3 {
		usage()
	}
	var err error
	switch job := os.Args[1]; {
	case job == "open":
		err = open(os.Args[2])
	case job == "stats":
		err = stats(os.Args[2])
	case job == "gain" && len(os.Args) == 4:
		err = rewrite(os.Args[2], os.Args[3], false)
	case job == "convert" && len(os.Args) == 4:
		err = rewrite(os.Args[2], os.Args[3], true)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "goaudio:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: goaudio open|stats FILE | gain|convert IN OUT")
	os.Exit(2)
}

// refuse reports that go-audio cannot do the job and exits 3.
func refuse(kind, format string, args ...any) {
	fmt.Printf(kind+": "+format+"\n", args...)
	os.Exit(3)
}

// decoder opens name and checks that go-audio can read it as PCM.
func decoder(name string) (*os.File, *wav.Decoder, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	d := wav.NewDecoder(f)
	if !d.IsValidFile() {
		f.Close()
		refuse("REFUSED", "not a valid WAV file for go-audio/wav (RIFF only)")
	}
	if err := d.FwdToPCM(); err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, d, nil
}

// checkPCM refuses float files: go-audio/wav decodes their bits as integers.
func checkPCM(d *wav.Decoder) {
	if d.WavAudioFormat != 1 && d.WavAudioFormat != 0xFFFE {
		refuse("NA", "format tag %d: go-audio/wav decodes only integer PCM (float bits come out as ints)", d.WavAudioFormat)
	}
}

func open(name string) error {
	f, d, err := decoder(name)
	if err != nil {
		return err
	}
	defer f.Close()
	buf := &audio.IntBuffer{Data: make([]int, int(d.NumChans))}
	if _, err := d.PCMBuffer(buf); err != nil {
		return err
	}
	fmt.Printf("format %d %d-bit %dch %dHz; first sample %d\n",
		d.WavAudioFormat, d.BitDepth, d.NumChans, d.SampleRate, buf.Data[0])
	return nil
}

func stats(name string) error {
	f, d, err := decoder(name)
	if err != nil {
		return err
	}
	defer f.Close()
	checkPCM(d)
	ch := int(d.NumChans)
	peak := make([]int, ch)
	sumsq := make([]float64, ch)
	buf := &audio.IntBuffer{Data: make([]int, blockFrames*ch)}
	var total int
	for {
		n, err := d.PCMBuffer(buf)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		for i, v := range buf.Data[:n] {
			c := (total + i) % ch
			if v < 0 {
				v = -v
			}
			if v > peak[c] {
				peak[c] = v
			}
			sumsq[c] += float64(v) * float64(v)
		}
		total += n
	}
	full := math.Ldexp(1, int(d.BitDepth)-1)
	frames := total / ch
	fmt.Printf("frames %d:", frames)
	for c := range ch {
		fmt.Printf(" ch%d peak %.6f rms %.6f;", c, float64(peak[c])/full, math.Sqrt(sumsq[c]/float64(frames))/full)
	}
	fmt.Println()
	return nil
}

// rewrite decodes in and encodes a new file out: either the samples halved
// (same format) or converted to 32-bit float.
//
// go-audio/wav has no float encoder: its Encoder writes IntBuffer values as
// integers of BitDepth bits. For convert the float32 bit patterns are passed
// through as int32 values with format tag 3, which gives a valid float WAV.
func rewrite(in, out string, toFloat bool) error {
	f, d, err := decoder(in)
	if err != nil {
		return err
	}
	defer f.Close()
	checkPCM(d)
	if toFloat && d.BitDepth != 16 {
		refuse("NA", "convert peer written for s16 input")
	}
	if !toFloat && d.BitDepth != 16 {
		refuse("NA", "gain peer written for s16 input")
	}
	ch := int(d.NumChans)
	bits, tag := int(d.BitDepth), 1
	if toFloat {
		bits, tag = 32, 3
		if d.PCMSize*2 >= math.MaxUint32-64 {
			refuse("NA", "go-audio/wav writes only plain RIFF (output over 4 GiB)")
		}
	}
	o, err := os.Create(out)
	if err != nil {
		return err
	}
	w := &seekWriter{f: o, w: bufio.NewWriterSize(o, 1<<20)}
	enc := wav.NewEncoder(w, int(d.SampleRate), bits, ch, tag)
	buf := &audio.IntBuffer{Data: make([]int, blockFrames*ch)}
	for {
		n, err := d.PCMBuffer(buf)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		data := buf.Data[:n]
		for i, v := range data {
			if toFloat {
				data[i] = int(int32(math.Float32bits(float32(v) / 32768)))
			} else {
				data[i] = v >> 1
			}
		}
		blk := &audio.IntBuffer{Data: data, Format: &audio.Format{NumChannels: ch, SampleRate: int(d.SampleRate)}}
		if err := enc.Write(blk); err != nil {
			return err
		}
	}
	if err := enc.Close(); err != nil {
		return err
	}
	if err := w.w.Flush(); err != nil {
		return err
	}
	return o.Close()
}

// seekWriter buffers writes to an *os.File but still lets the Encoder seek
// back to patch the header sizes.
type seekWriter struct {
	f *os.File
	w *bufio.Writer
}

func (s *seekWriter) Write(p []byte) (int, error) { return s.w.Write(p) }

func (s *seekWriter) Seek(off int64, whence int) (int64, error) {
	if err := s.w.Flush(); err != nil {
		return 0, err
	}
	return s.f.Seek(off, whence)
}

var _ io.WriteSeeker = (*seekWriter)(nil)
