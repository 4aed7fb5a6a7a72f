package wavemap

import (
	"encoding/binary"
	"fmt"
)

// Sampler is a smpl chunk (the MIDI sampler chunk of the RIFF
// specification, 1994 update): how a sampler plays the sound, and its
// loops.
type Sampler struct {
	Manufacturer      uint32 // MMA manufacturer code; 0 for none
	Product           uint32 // the manufacturer's product code
	SamplePeriod      uint32 // nanoseconds per sample (22675 at 44.1 kHz)
	MIDIUnityNote     uint32 // the MIDI note that plays the sound at its pitch (60 = middle C)
	MIDIPitchFraction uint32 // fraction of a semitone above it, 0x80000000 = 50 cents
	SMPTEFormat       uint32 // 0, 24, 25, 29 (30 drop) or 30 frames per second
	SMPTEOffset       uint32 // 0xhhmmssff
	Loops             []SampleLoop
	// Extra is everything after the loops: the sampler-specific data
	// (cbSamplerData says how much; Encode writes len(Extra) there).
	Extra []byte
}

// SampleLoop is one loop of a smpl chunk. Start and End are frame
// positions; End is the last frame played, not the one after it.
type SampleLoop struct {
	CuePointID uint32 // the id of a cue point (and its adtl label) for the loop
	Type       uint32 // 0 forward, 1 alternating, 2 backward; 32 and up are vendor types
	Start, End uint32
	Fraction   uint32 // fine tuning of the loop end, 0x80000000 = half a sample
	PlayCount  uint32 // times to play; 0 is an infinite sustain loop
}

// Sizes of the parts of a smpl chunk.
const (
	smplHeaderSize = 36 // seven fields, cSampleLoops, cbSamplerData
	smplLoopSize   = 24
)

var idSmpl = FourCC{'s', 'm', 'p', 'l'}

// ParseSampler decodes the payload of a smpl chunk. A payload shorter than
// the 36 bytes of its header is an error wrapping ErrInvalid; a loop count
// larger than the chunk holds is read as the loops it does hold, and
// everything after them is Extra. The Sampler shares no memory with b.
func ParseSampler(b []byte) (*Sampler, error) {
	if len(b) < smplHeaderSize {
		return nil, fmt.Errorf("%w: smpl chunk of %d bytes, shorter than its %d-byte header", ErrInvalid, len(b), smplHeaderSize)
	}
	le := binary.LittleEndian
	s := &Sampler{
		Manufacturer:      le.Uint32(b[0:]),
		Product:           le.Uint32(b[4:]),
		SamplePeriod:      le.Uint32(b[8:]),
		MIDIUnityNote:     le.Uint32(b[12:]),
		MIDIPitchFraction: le.Uint32(b[16:]),
		SMPTEFormat:       le.Uint32(b[20:]),
		SMPTEOffset:       le.Uint32(b[24:]),
	}
	n := min(uint64(le.Uint32(b[28:])), uint64(len(b)-smplHeaderSize)/smplLoopSize)
	if n > 0 {
		s.Loops = make([]SampleLoop, n)
	}
	for i := range s.Loops {
		p := b[smplHeaderSize+smplLoopSize*i:]
		s.Loops[i] = SampleLoop{
			CuePointID: le.Uint32(p[0:]), Type: le.Uint32(p[4:]), Start: le.Uint32(p[8:]),
			End: le.Uint32(p[12:]), Fraction: le.Uint32(p[16:]), PlayCount: le.Uint32(p[20:]),
		}
	}
	if rest := b[smplHeaderSize+smplLoopSize*int(n):]; len(rest) > 0 {
		s.Extra = append([]byte(nil), rest...)
	}
	return s, nil
}

// Encode returns the payload of a smpl chunk holding s.
func (s *Sampler) Encode() []byte {
	le := binary.LittleEndian
	b := make([]byte, 0, smplHeaderSize+smplLoopSize*len(s.Loops)+len(s.Extra))
	for _, v := range []uint32{s.Manufacturer, s.Product, s.SamplePeriod, s.MIDIUnityNote, s.MIDIPitchFraction,
		s.SMPTEFormat, s.SMPTEOffset, uint32(len(s.Loops)), uint32(len(s.Extra))} {
		b = le.AppendUint32(b, v)
	}
	for _, l := range s.Loops {
		for _, v := range []uint32{l.CuePointID, l.Type, l.Start, l.End, l.Fraction, l.PlayCount} {
			b = le.AppendUint32(b, v)
		}
	}
	return append(b, s.Extra...)
}

// Sampler decodes the first smpl chunk of m. It returns false when there
// is none, and an error when the chunk cannot be read (see ParseSampler).
func (m *Metadata) Sampler() (*Sampler, bool, error) {
	b, ok := m.Get(idSmpl)
	if !ok {
		return nil, false, nil
	}
	s, err := ParseSampler(b)
	return s, true, err
}

// SetSampler stores s as the smpl chunk of m, in place of the first one
// (others are removed), or after the data chunk when there is none. A nil
// s removes every smpl chunk.
func (m *Metadata) SetSampler(s *Sampler) {
	if s == nil {
		m.Delete(idSmpl)
		return
	}
	m.Set(RawChunk{ID: idSmpl, Data: s.Encode(), AfterData: true})
}
