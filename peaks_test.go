package wavemap_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// peaksOptions parses an audiowaveform option string of the reference
// set's manifest.
func peaksOptions(t *testing.T, s string) *wavemap.PeaksOptions {
	t.Helper()
	o := &wavemap.PeaksOptions{}
	f := strings.Fields(s)
	for i := 0; i < len(f); i++ {
		arg := func() int {
			i++
			v, err := strconv.Atoi(f[i])
			if err != nil {
				t.Fatalf("option %s %s", f[i-1], f[i])
			}
			return v
		}
		switch f[i] {
		case "-z", "--zoom":
			o.SamplesPerPixel = arg()
		case "-b", "--bits":
			o.Bits = arg()
		case "--pixels-per-second":
			o.PixelsPerSecond = arg()
		case "--split-channels":
			o.SplitChannels = true
		case "-s", "--start":
			i++ // audiowaveform's data runs from the start of the file all the same (see TestPeaksGolden)
		default:
			t.Fatalf("option %q", f[i])
		}
	}
	return o
}

// TestPeaksGolden computes the waveform data of every input of the
// reference set made with BBC audiowaveform 1.10.3 and compares it byte for
// byte with audiowaveform's .dat and JSON files. (Its --start option moves
// the start of a rendered image only: the data files made with -s 0.5
// hold the whole file, which this test checks too.)
func TestPeaksGolden(t *testing.T) {
	dir := wavtest.PeaksDir()
	mf, err := os.Open(filepath.Join(dir, "golden", "MANIFEST.tsv"))
	if err != nil {
		t.Skipf("no reference waveform data: %v", err)
	}
	defer mf.Close()
	sc := bufio.NewScanner(mf)
	sc.Scan() // header
	n := 0
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 4 {
			t.Fatalf("manifest line %q", sc.Text())
		}
		in, out, opts := cols[0], cols[1], cols[2]
		t.Run(out, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(dir, "golden", out))
			if err != nil {
				t.Fatal(err)
			}
			f, err := wavemap.Open(filepath.Join(dir, "input", in), wavemap.ReadOnly, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			p, err := wavemap.ComputePeaks(context.Background(), f, peaksOptions(t, opts))
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if strings.HasSuffix(out, ".json") {
				err = p.WriteJSON(&got)
			} else {
				err = p.WriteDat(&got)
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				i := 0
				for i < min(got.Len(), len(want)) && got.Bytes()[i] == want[i] {
					i++
				}
				t.Errorf("%s %s: %d bytes, want %d; first difference at byte %d", in, opts, got.Len(), len(want), i)
			}
		})
		n++
	}
	if n != 63 {
		t.Errorf("%d reference files, want 63", n)
	}
}
