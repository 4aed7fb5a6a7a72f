package wavemap_test

import (
	"context"
	"fmt"
	"log"
	"path/filepath"

	"github.com/wavemap/wavemap"
)

// Split a 5.1 file into mono files named by speaker, then mix it down to
// stereo.
func ExampleSplit() {
	path, cleanup := tempPath("take.wav")
	defer cleanup()
	f, err := wavemap.Create(path, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 6, SampleRate: 48000,
		ChannelMask: wavemap.DefaultChannelMask(6)}, 4800, nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	src, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer src.Close()

	names, err := wavemap.SplitNames(path, src, nil)
	if err != nil {
		log.Fatal(err)
	}
	r, err := wavemap.Split(context.Background(), src, names, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, o := range r.Outputs {
		fmt.Printf("%s: %d channel, mask %#x\n", filepath.Base(o.Name), o.Format.Channels, o.Format.ChannelMask)
	}

	// L + 0.7 C + 0.7 Ls, R + 0.7 C + 0.7 Rs (the LFE left out).
	mix := [][]float64{{1, 0, 0.7, 0, 0.7, 0}, {0, 1, 0.7, 0, 0, 0.7}}
	stereo := filepath.Join(filepath.Dir(path), "stereo.wav")
	m, err := wavemap.Remix(context.Background(), stereo, src, mix, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("stereo.wav: %d channels, %d samples clipped\n", m.Outputs[0].Format.Channels, m.Clipped)
	// Output:
	// take.FL.wav: 1 channel, mask 0x1
	// take.FR.wav: 1 channel, mask 0x2
	// take.FC.wav: 1 channel, mask 0x0
	// take.LFE.wav: 1 channel, mask 0x8
	// take.BL.wav: 1 channel, mask 0x10
	// take.BR.wav: 1 channel, mask 0x20
	// stereo.wav: 2 channels, 0 samples clipped
}
