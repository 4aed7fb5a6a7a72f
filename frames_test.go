package wavemap_test

import (
	"slices"
	"testing"

	"github.com/wavemap/wavemap"
)

// Channel views with a stride below 1 hold nothing (Len 0): AppendTo must
// agree with Len instead of looping forever on a stride of 0.
func TestChannelAppendToStride(t *testing.T) {
	data := []int16{1, 2, 3, 4, 5, 6}
	for _, c := range []struct {
		stride int
		want   []int16
	}{{3, []int16{1, 4}}, {2, []int16{1, 3, 5}}, {1, data}, {0, nil}, {-1, nil}} {
		ch := wavemap.Channel[int16]{Data: data, Stride: c.stride}
		if got := ch.AppendTo(nil); !slices.Equal(got, c.want) || len(got) != ch.Len() {
			t.Errorf("stride %d: AppendTo gives %v (Len %d), want %v", c.stride, got, ch.Len(), c.want)
		}
	}
}
