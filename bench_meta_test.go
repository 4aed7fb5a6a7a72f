package wavemap_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// BenchmarkWriteMetadata20GB sets a LIST/INFO title on a 20 GB sparse
// RF64 file, alternating two titles of different lengths so that every
// write must place the list anew (after the data, in the JUNK room
// earlier writes left, or at the end). It reports the bytes written per
// edit and the file's growth over the run. The cost is that of the
// metadata: a few KiB and three fsyncs, whatever the size of the file.
// For comparison, the same edit on a 1 MiB file runs in the same
// benchmark (sub-benchmark small).
func BenchmarkWriteMetadata20GB(b *testing.B) {
	for _, sz := range []struct {
		name   string
		frames int64
	}{{"20GB", 20e9 / 4}, {"small", 1 << 18}} {
		b.Run(sz.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "big.wav")
			f, err := wavemap.Create(path, wavemap.Format{Encoding: wavemap.EncodingInt16, Channels: 2, SampleRate: 48000}, sz.frames, &wavemap.Options{Sparse: true})
			if err != nil {
				b.Fatal(err)
			}
			if err := f.Close(); err != nil {
				b.Fatal(err)
			}
			st0, _ := os.Stat(path)
			var written int64
			var worst time.Duration
			b.ResetTimer()
			for i := range b.N {
				title := fmt.Sprintf("take %d", i)
				if i%2 == 1 {
					title += " with a longer title that does not fit where the last one was"
				}
				m := &wavemap.Metadata{Chunks: []wavemap.RawChunk{{ID: wavemap.FourCC([]byte("LIST")), Data: wavtest.InfoList("INAM", title), AfterData: true}}}
				start := time.Now()
				rep, err := wavemap.WriteMetadata(path, m, nil)
				if err != nil {
					b.Fatal(err)
				}
				worst = max(worst, time.Since(start))
				written += rep.Written
			}
			b.StopTimer()
			st, _ := os.Stat(path)
			b.ReportMetric(float64(written)/float64(b.N), "B-written/op")
			b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
			b.ReportMetric(float64(st.Size()-st0.Size()), "B-grown")
		})
	}
}
