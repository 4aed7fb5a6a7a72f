package wavemap

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
)

// TestPeaksFastMatchesDecoding: the integer fast path of ComputePeaks
// gives the values of the decoding path (which the audiowaveform goldens
// check) for every encoding it covers, channel counts, zooms, 8 and 16
// bits, mixdown and split, with full-scale samples and a partial last
// pixel.
func TestPeaksFastMatchesDecoding(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(1, 2))
	for _, enc := range []Encoding{EncodingInt16, EncodingInt24, EncodingInt32, EncodingUint8} {
		for _, ch := range []int{1, 2, 3, 6} {
			fm := Format{Encoding: enc, Channels: ch, SampleRate: 8000}
			frames := int64(5000 + r.IntN(3000))
			name := filepath.Join(dir, enc.String()+".wav")
			f, err := Create(name, fm, frames, nil)
			if err != nil {
				t.Fatal(err)
			}
			x := make([]float64, int(frames)*ch)
			for i := range x {
				switch r.IntN(50) {
				case 0:
					x[i] = 1 // clips to the largest code
				case 1:
					x[i] = -1
				default:
					x[i] = 2*r.Float64() - 1
				}
			}
			if err := fillFloat(f, x); err != nil {
				t.Fatal(err)
			}
			for _, spp := range []int{1, 7, 256, 999} {
				for _, bits := range []int{8, 16} {
					for _, split := range []bool{false, true} {
						opts := &PeaksOptions{SamplesPerPixel: spp, Bits: bits, SplitChannels: split}
						peaksNoFast = false
						fast, err1 := ComputePeaks(context.Background(), f, opts)
						peaksNoFast = true
						slow, err2 := ComputePeaks(context.Background(), f, opts)
						peaksNoFast = false
						if err1 != nil || err2 != nil {
							t.Fatal(err1, err2)
						}
						if !slices.Equal(fast.Data, slow.Data) || fast.Length != slow.Length || fast.Channels != slow.Channels {
							t.Errorf("%v %d ch, %d spp, %d bits, split %v: the fast path differs", enc, ch, spp, bits, split)
						}
					}
				}
			}
			f.Close()
		}
	}
}

func fillFloat(f *File, x []float64) error {
	switch f.Format().Encoding {
	case EncodingInt16:
		return fillAs[int16](f, x)
	case EncodingInt24:
		return fillAs[Int24](f, x)
	case EncodingInt32:
		return fillAs[int32](f, x)
	default:
		return fillAs[uint8](f, x)
	}
}

func fillAs[T Sample](f *File, x []float64) error {
	s, err := Samples[T](f)
	if err != nil {
		return err
	}
	Convert(s, x)
	return nil
}
