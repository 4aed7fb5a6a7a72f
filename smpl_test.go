package wavemap_test

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// specSmpl returns a smpl payload from the RIFF field list: seven header
// fields, cSampleLoops, cbSamplerData, the loops (six fields each), the
// sampler data.
func specSmpl(header [7]uint32, loops [][6]uint32, data []byte) []byte {
	var b []byte
	for _, v := range header {
		b = append(b, wavtest.LE32(v)...)
	}
	b = append(b, wavtest.LE32(uint32(len(loops)))...)
	b = append(b, wavtest.LE32(uint32(len(data)))...)
	for _, l := range loops {
		for _, v := range l {
			b = append(b, wavtest.LE32(v)...)
		}
	}
	return append(b, data...)
}

// TestSmplLayout parses a chunk laid out from the spec, checks each
// field, and encodes it back byte for byte, in a file read with Open.
func TestSmplLayout(t *testing.T) {
	payload := specSmpl([7]uint32{0x01000013, 7, 20833, 60, 0x80000000, 25, 0x01020304},
		[][6]uint32{{1, 0, 100, 199, 0, 0}, {2, 1, 300, 4000, 0x40000000, 3}}, []byte{9, 8, 7, 6, 5})
	m := mdRead(t, mdFile(nil, [][]byte{wavtest.Chunk("smpl", payload)}))
	s, ok, err := m.Sampler()
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	want := &wavemap.Sampler{Manufacturer: 0x01000013, Product: 7, SamplePeriod: 20833, MIDIUnityNote: 60,
		MIDIPitchFraction: 0x80000000, SMPTEFormat: 25, SMPTEOffset: 0x01020304,
		Loops: []wavemap.SampleLoop{{1, 0, 100, 199, 0, 0}, {2, 1, 300, 4000, 0x40000000, 3}}, Extra: []byte{9, 8, 7, 6, 5}}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("Sampler() = %+v\nwant %+v", s, want)
	}
	if got := s.Encode(); !bytes.Equal(got, payload) {
		t.Errorf("Encode = %x\nwant   %x", got, payload)
	}
	m.SetSampler(s)
	if got := mdChunk(t, m, "smpl"); !bytes.Equal(got, payload) || !m.Chunks[0].AfterData {
		t.Error("SetSampler(Sampler()) changed or moved the chunk")
	}
	m.SetSampler(nil)
	if _, ok, _ := m.Sampler(); ok {
		t.Error("SetSampler(nil) left the chunk")
	}
}

// TestSmplDamaged: a header cut short is ErrInvalid; a loop count larger
// than the chunk reads the loops there.
func TestSmplDamaged(t *testing.T) {
	if _, err := wavemap.ParseSampler(make([]byte, 35)); !errors.Is(err, wavemap.ErrInvalid) {
		t.Errorf("35 bytes: %v", err)
	}
	p := specSmpl([7]uint32{}, [][6]uint32{{1, 0, 10, 20, 0, 0}}, nil)
	copy(p[28:], wavtest.LE32(1000))
	p = append(p, 1, 2, 3)
	s, err := wavemap.ParseSampler(p)
	if err != nil || len(s.Loops) != 1 || s.Loops[0].End != 20 || !bytes.Equal(s.Extra, []byte{1, 2, 3}) {
		t.Errorf("loop count 1000 in a 1-loop chunk: %+v, %v", s, err)
	}
	if s, err := wavemap.ParseSampler(make([]byte, 36)); err != nil || s.Loops != nil || s.Extra != nil {
		t.Errorf("header only: %+v, %v", s, err)
	}
}
