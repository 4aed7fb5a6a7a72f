package wavemap

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// TestPassAdviceKeepsChanges runs passes in small blocks, so that the
// advisor releases pages many times over, and checks that no change is
// lost: private changes of a copy-on-write mapping made before the pass
// (page-out must keep them), in-place edits of a read-write pass (dontneed
// and the page-cache drop must write them back, not discard them).
func TestPassAdviceKeepsChanges(t *testing.T) {
	defer func(v int64) { cacheDropMin = v }(cacheDropMin)
	const frames = 3 << 20 // 12 MiB of s16 stereo: three release steps
	path := filepath.Join(t.TempDir(), "p.wav")
	f, err := Create(path, Format{Encoding: EncodingInt16, Channels: 2, SampleRate: 8000}, frames, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := Samples[int16](f)
	for i := range s {
		s[i] = int16(i)
	}
	f.Close()
	opts := &PassOptions{BlockFrames: 5000, Workers: 3}
	for _, drop := range []int64{0, 1} {
		cacheDropMin = drop // 1: drop the page cache behind the pass too

		c, err := Open(path, CopyOnWrite, nil)
		if err != nil {
			t.Fatal(err)
		}
		cs, _ := Samples[int16](c)
		for i := 0; i < len(cs); i += 999 {
			cs[i] = -7
		}
		for range 2 {
			err = Pass(context.Background(), c, opts, func(start int, b Frames[int16]) error {
				for j, v := range b.Data {
					i := 2*start + j
					want := int16(i)
					if drop == 1 { // the first read-write pass inverted the file
						want = ^want
					}
					if i%999 == 0 && v != -7 || i%999 != 0 && v != want {
						t.Errorf("copy-on-write pass: sample %d = %d", i, v)
						return errStop
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		c.Close()

		w, err := Open(path, ReadWrite, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := Pass(context.Background(), w, opts, func(_ int, b Frames[int16]) error {
			for j := range b.Data {
				b.Data[j] = ^b.Data[j]
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		off := w.Header().DataOffset
		w.Close()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2 * frames {
			want := int16(i)
			if drop == 0 {
				want = ^want
			}
			if v := int16(binary.LittleEndian.Uint16(b[off+2*int64(i):])); v != want {
				t.Fatalf("read-write pass (drop %d): sample %d of the file = %d, want %d", drop, i, v, want)
			}
		}
	}
}

type stopError struct{}

func (stopError) Error() string { return "stop" }

var errStop error = stopError{}
