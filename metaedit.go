package wavemap

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"strings"
)

// The edits on this page keep a file's metadata true to its audio when
// the audio is cut (Excerpt), appended to (AppendCues) or changed in
// place (AudioChanged). Each returns, in plain words, every adjustment it
// made, for a tool to show.

var (
	idMD5  = FourCC{'M', 'D', '5', ' '}
	idLevl = FourCC{'l', 'e', 'v', 'l'}
	idPEAK = FourCC{'P', 'E', 'A', 'K'}
	idPlst = FourCC{'p', 'l', 's', 't'}
)

// iXML elements holding sample counts, split in two 32-bit halves.
const (
	ixmlTimestampHi = "TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI"
	ixmlTimestampLo = "TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO"
	ixmlBextRefHi   = "BWF_TIME_REFERENCE_HIGH"
	ixmlBextRefLo   = "BWF_TIME_REFERENCE_LOW"
)

// Excerpt returns a copy of m adjusted for a file holding only the frames
// [from, to) of m's audio, at sampleRate frames per second, and what it
// adjusted:
//
//   - cue points move by -from; markers outside [from, to) are dropped with
//     their labl, note and ltxt; regions are clipped to the range (one
//     that starts before from starts at 0, shortened) and dropped when
//     none of them is left;
//   - the bext TimeReference and the iXML timestamps
//     (TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI/_LO, scaled to
//     TIMESTAMP_SAMPLE_RATE, and BEXT/BWF_TIME_REFERENCE_HIGH/_LOW) advance
//     by from, the iXML ones in the document's text (when an element is
//     not there once as a plain number, it is left as it is, and the notes
//     say so);
//   - smpl loops move by -from, and those not wholly inside the range are
//     dropped; a plst (playlist) chunk is removed, its segments being
//     positions in the old audio;
//   - what is computed from the samples is dropped, as AudioChanged does:
//     MD5, levl and PEAK chunks, the bext loudness values.
//
// m itself is not changed. Excerpt panics if from < 0 or to < from, like
// slicing. It cannot tell whether [from, to) is the whole audio, and then
// drops the MD5 chunk all the same.
func (m *Metadata) Excerpt(from, to int64, sampleRate int) (*Metadata, []string) {
	if from < 0 || to < from {
		panic(fmt.Sprintf("wavemap: Excerpt of frames [%d, %d)", from, to))
	}
	out := m.Clone()
	if out == nil {
		out = &Metadata{}
	}
	var notes []string
	notes = append(notes, out.excerptCues(from, to, sampleRate)...)
	if from != 0 {
		notes = append(notes, out.advanceTimestamps(from, sampleRate)...)
	}
	notes = append(notes, out.excerptLoops(from, to, sampleRate)...)
	if out.Delete(idPlst) > 0 {
		notes = append(notes, "removed plst chunk: its playlist segments are positions in the original audio")
	}
	notes = append(notes, out.AudioChanged()...)
	return out, notes
}

// frames describes a number of frames, with its duration when the rate is
// known.
func frames(n int64, rate int) string {
	if rate <= 0 {
		return fmt.Sprintf("%d frames", n)
	}
	return fmt.Sprintf("%d frames (%.3f s)", n, float64(n)/float64(rate))
}

// plural returns n and the noun, with an s unless n is 1.
func plural(n int64, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func (m *Metadata) excerptCues(from, to int64, rate int) []string {
	cues, extra, err := m.cueSet()
	var notes []string
	if err != nil {
		if cues == nil {
			m.Delete(idCue)
			m.DeleteList(idAdtl)
			return []string{fmt.Sprintf("removed cue chunk and its adtl list: its points cannot be moved: %v", err)}
		}
		notes = append(notes, fmt.Sprintf("kept only the cue points the cue chunk holds: %v", err))
	}
	if cues == nil {
		return notes
	}
	kept := cues[:0]
	dropped, clipped := 0, 0
	for _, c := range cues {
		old := c.Position
		if c.Length > 0 {
			s, e := max(c.Position, from), min(c.Position+c.Length, to)
			if e <= s {
				dropped++
				continue
			}
			if s != c.Position || e != c.Position+c.Length {
				clipped++
			}
			c.Position, c.Length = s-from, e-s
		} else {
			if c.Position < from || c.Position >= to {
				dropped++
				continue
			}
			c.Position -= from
		}
		if c.PlayPosition == uint32(old) {
			c.PlayPosition = uint32(c.Position)
		}
		kept = append(kept, c)
	}
	if len(kept) > 0 && from != 0 {
		notes = append(notes, fmt.Sprintf("moved %s by %s", plural(int64(len(kept)), "cue point"), frames(-from, rate)))
	}
	if dropped > 0 {
		notes = append(notes, fmt.Sprintf("dropped %s outside frames %d to %d, with their labels, notes and ltxt",
			plural(int64(dropped), "cue point"), from, to))
	}
	if clipped > 0 {
		notes = append(notes, fmt.Sprintf("clipped %s to the excerpt", plural(int64(clipped), "region")))
	}
	_ = m.setCues(kept, extra) // positions and lengths only shrank: they fit
	if len(kept) == 0 {
		notes = append(notes, "removed cue chunk and its adtl list: no cue point is left")
	}
	return notes
}

// advanceTimestamps moves the bext and iXML start times of m by from
// frames.
func (m *Metadata) advanceTimestamps(from int64, rate int) []string {
	var notes []string
	if b, ok, err := m.Bext(); ok {
		if err != nil {
			notes = append(notes, fmt.Sprintf("left bext chunk as it is, its TimeReference now wrong: %v", err))
		} else {
			b.TimeReference += uint64(from)
			m.SetBext(b)
			notes = append(notes, fmt.Sprintf("advanced bext TimeReference by %s, to %d", frames(from, rate), b.TimeReference))
		}
	}
	doc, ok := m.Get(idIXML)
	if !ok {
		return notes
	}
	x, err := ParseIXML(doc)
	if err != nil {
		return append(notes, fmt.Sprintf("left iXML chunk as it is, its timestamps now wrong: %v", err))
	}
	// The timestamp counts samples at TIMESTAMP_SAMPLE_RATE, which may
	// differ from the file's rate; the bext mirror counts at the file's.
	delta, exact := from, true
	if x.TimestampSampleRate > 0 && x.TimestampSampleRate != rate {
		if rate <= 0 {
			delta = -1
		} else {
			delta, exact = scaleFrames(from, x.TimestampSampleRate, rate)
		}
	}
	changed, found := false, false
	for _, p := range []struct {
		hi, lo, what string
		delta        int64
		rounded      bool
	}{
		{ixmlTimestampHi, ixmlTimestampLo, "timestamp (TIMESTAMP_SAMPLES_SINCE_MIDNIGHT)", delta, !exact},
		{ixmlBextRefHi, ixmlBextRefLo, "BEXT time reference (BWF_TIME_REFERENCE)", from, false},
	} {
		if !bytes.Contains(doc, []byte("<"+p.hi)) && !bytes.Contains(doc, []byte("<"+p.lo)) {
			continue
		}
		found = true
		if p.delta < 0 {
			notes = append(notes, fmt.Sprintf("left iXML %s as it is, now wrong: the file's sample rate is not known", p.what))
			continue
		}
		nd, v, err := ixmlAdvance(doc, p.hi, p.lo, p.delta)
		if err != nil {
			notes = append(notes, fmt.Sprintf("left iXML %s as it is, now wrong: %v", p.what, err))
			continue
		}
		doc, changed = nd, true
		s := fmt.Sprintf("advanced iXML %s by %s, to %d", p.what, plural(p.delta, "sample"), v)
		if p.rounded {
			s += fmt.Sprintf(" (%d frames at %d Hz, rounded to its %d Hz)", from, rate, x.TimestampSampleRate)
		}
		notes = append(notes, s)
	}
	if x.TimestampSet && !found {
		notes = append(notes, "left iXML timestamp as it is, now wrong: its elements are not in the document's text as ASCII")
	}
	if changed {
		m.SetIXML(doc)
	}
	return notes
}

// scaleFrames returns n samples at fromRate counted at toRate, rounded to
// the nearest, and whether that is exact.
func scaleFrames(n int64, toRate, fromRate int) (int64, bool) {
	p := new(big.Int).Mul(big.NewInt(n), big.NewInt(int64(toRate)))
	q, r := new(big.Int).QuoRem(p, big.NewInt(int64(fromRate)), new(big.Int))
	if new(big.Int).Lsh(r, 1).Cmp(big.NewInt(int64(fromRate))) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() {
		return math.MaxInt64, false
	}
	return q.Int64(), r.Sign() == 0
}

func (m *Metadata) excerptLoops(from, to int64, rate int) []string {
	s, ok, err := m.Sampler()
	if !ok {
		return nil
	}
	if err != nil {
		return []string{fmt.Sprintf("left smpl chunk as it is, its loops now wrong: %v", err)}
	}
	if len(s.Loops) == 0 {
		return nil
	}
	kept := s.Loops[:0]
	for _, l := range s.Loops {
		if int64(l.Start) < from || int64(l.End) >= to || int64(l.Start) >= to || int64(l.End) < from {
			continue
		}
		l.Start -= uint32(from)
		l.End -= uint32(from)
		kept = append(kept, l)
	}
	var notes []string
	if len(kept) > 0 && from != 0 {
		notes = append(notes, fmt.Sprintf("moved %s by %s", plural(int64(len(kept)), "smpl loop"), frames(-from, rate)))
	}
	if d := len(s.Loops) - len(kept); d > 0 {
		notes = append(notes, fmt.Sprintf("dropped %s not wholly inside frames %d to %d", plural(int64(d), "smpl loop"), from, to))
	}
	s.Loops = kept
	m.SetSampler(s)
	return notes
}

// AppendCues brings the cue points of other, with their labl, note, ltxt
// and other adtl sub-chunks, into m for a file whose audio is m's followed
// by other's from frame offset: their positions move by offset, and an id
// already used in m is renumbered to the lowest id not in use. A point
// that would fall outside the 32 bits of a cue chunk is dropped. It
// returns what it did (nothing when other has no cue points).
func (m *Metadata) AppendCues(other *Metadata, offset int64) []string {
	if other == nil {
		return nil
	}
	oc, oextra, oerr := other.cueSet()
	var notes []string
	if oerr != nil {
		notes = append(notes, fmt.Sprintf("took only the cue points the appended file's cue chunk holds: %v", oerr))
	}
	if len(oc) == 0 {
		return notes
	}
	mc, mextra, merr := m.cueSet()
	if merr != nil {
		notes = append(notes, fmt.Sprintf("kept only the cue points this file's cue chunk holds: %v", merr))
	}
	used := map[uint32]bool{}
	extra := map[uint32][]RawChunk{}
	for _, c := range mc {
		used[c.ID] = true
		extra[c.ID] = mextra[c.ID]
	}
	// Ids of other free in m are kept; the others get the lowest ids used
	// in neither.
	renum := map[uint32]uint32{}
	for _, c := range oc {
		if _, ok := renum[c.ID]; !ok && !used[c.ID] {
			renum[c.ID] = c.ID
		}
	}
	for _, id := range renum {
		used[id] = true
	}
	var pairs []string
	next := uint32(1)
	added, dropped := 0, 0
	for _, c := range oc {
		old := c.Position
		if offset > math.MaxUint32-old || offset < -old {
			dropped++
			continue
		}
		c.Position += offset
		if c.PlayPosition == uint32(old) {
			c.PlayPosition = uint32(c.Position)
		}
		id, ok := renum[c.ID]
		if !ok {
			for used[next] {
				next++
			}
			id = next
			used[id] = true
			renum[c.ID] = id
			pairs = append(pairs, fmt.Sprintf("%d→%d", c.ID, id))
		}
		if _, ok := extra[id]; !ok {
			extra[id] = oextra[c.ID]
		}
		c.ID = id
		mc = append(mc, c)
		added++
	}
	if added > 0 {
		notes = append(notes, fmt.Sprintf("added %s of the appended audio, moved by %+d frames", plural(int64(added), "cue point"), offset))
	}
	if len(pairs) > 0 {
		list := pairs
		if len(list) > 8 {
			list = append(list[:8:8], "…")
		}
		notes = append(notes, fmt.Sprintf("renumbered %d of their ids, in use here: %s", len(pairs), strings.Join(list, ", ")))
	}
	if dropped > 0 {
		notes = append(notes, fmt.Sprintf("dropped %s that would fall outside frames 0 to %d, all a cue chunk can hold",
			plural(int64(dropped), "appended cue point"), uint32(math.MaxUint32)))
	}
	if added > 0 {
		_ = m.setCues(mc, extra) // every position was checked above
	}
	return notes
}

// AudioChanged drops from m what was computed from the samples, for a file
// whose samples changed (converted, gained, cut): the MD5 chunk (a digest
// of the audio), the levl chunk (EBU Tech 3285 supplement 3 peak
// envelope), the PEAK chunk (peak values and their positions) and the
// bext loudness values (cleared, see Bext.ClearLoudness). It returns what
// it did; nothing when m holds none of these.
func (m *Metadata) AudioChanged() []string {
	var notes []string
	if n := m.Delete(idMD5); n > 0 {
		notes = append(notes, "removed MD5 chunk: it no longer matches the audio")
	}
	if n := m.Delete(idLevl); n > 0 {
		notes = append(notes, "removed levl chunk: its peak envelope no longer matches the audio")
	}
	if n := m.Delete(idPEAK); n > 0 {
		notes = append(notes, "removed PEAK chunk: its peaks no longer match the audio")
	}
	if b, ok, err := m.Bext(); ok && err == nil && b.LoudnessSet() {
		b.ClearLoudness()
		m.SetBext(b)
		notes = append(notes, "cleared bext loudness values: they no longer match the audio")
	}
	return notes
}
