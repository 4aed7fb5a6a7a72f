package wavemap_test

import (
	"context"
	"fmt"
	"log"
	"math"

	"github.com/wavemap/wavemap"
)

// Measure the loudness of a file as EBU R 128 asks: the EBU's reference
// tone (1 kHz, -23 dBFS in both channels) reads -23 LUFS, and its true
// peak is its sample peak.
func ExampleMeasureLoudness() {
	path, cleanup := tempPath("tone.wav")
	defer cleanup()
	format := wavemap.Format{Encoding: wavemap.EncodingFloat32, Channels: 2, SampleRate: 48000}
	f, err := wavemap.Create(path, format, 10*48000, nil) // ten seconds
	if err != nil {
		log.Fatal(err)
	}
	m, _ := wavemap.FramesOf[float32](f)
	for i := range m.Len() {
		v := float32(math.Pow(10, -23.0/20) * math.Sin(2*math.Pi*1000*float64(i)/48000))
		m.Set(i, 0, v)
		m.Set(i, 1, v)
	}

	l, err := wavemap.MeasureLoudness(context.Background(), f, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("integrated %.1f LUFS, range %.1f LU\n", l.Integrated, l.Range)
	fmt.Printf("momentary max %.1f LUFS, short-term max %.1f LUFS\n", l.MomentaryMax, l.ShortTermMax)
	fmt.Printf("true peak %.1f dBTP (%dx oversampling), channel weights %v\n", l.TruePeakDB(), l.Oversampling,
		[]float64{l.Channels[0].Weight, l.Channels[1].Weight})
	f.Close()
	// Output:
	// integrated -23.0 LUFS, range 0.0 LU
	// momentary max -23.0 LUFS, short-term max -23.0 LUFS
	// true peak -23.0 dBTP (4x oversampling), channel weights [1 1]
}
