package riff

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
)

// A file built chunk by chunk for the placement tests, with its own
// encoder (not encodeChunk) so that the test does not trust the code it
// checks.
type tchunk struct {
	id    string
	data  []byte
	after bool
}

// buildW64 is buildFile for Sony Wave64: GUID ids, 64-bit sizes that
// count the 24-byte header, chunks at multiples of 8, nothing after the
// data.
func buildW64(pre []tchunk, audio int) []byte {
	var b []byte
	put := func(id string, d []byte) {
		g := W64GUID(FourCC([]byte(id)))
		b = append(b, g[:]...)
		b = binary.LittleEndian.AppendUint64(b, uint64(24+len(d)))
		b = append(b, d...)
		for len(b)%8 != 0 {
			b = append(b, 0)
		}
	}
	b = append(b, w64RIFF[:]...)
	b = append(b, make([]byte, 8)...)
	b = append(b, w64WAVE[:]...)
	put("fmt ", []byte{1, 0, 1, 0, 0x40, 0x1f, 0, 0, 0x80, 0x3e, 0, 0, 2, 0, 16, 0})
	for _, c := range pre {
		put(c.id, c.data)
	}
	samples := make([]byte, audio)
	for i := range samples {
		samples[i] = byte(i*7 + 1)
	}
	put("data", samples)
	b = b[:len(b)-(8-audio%8)%8] // the file ends right after its audio
	binary.LittleEndian.PutUint64(b[16:], uint64(len(b)))
	return b
}

func buildFile(rf64 bool, pre []tchunk, audio int, tail []tchunk) []byte {
	var b []byte
	put := func(id string, d []byte) {
		b = append(b, id...)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(d)))
		b = append(b, d...)
		if len(d)%2 == 1 {
			b = append(b, 0)
		}
	}
	b = append(b, "RIFF\x00\x00\x00\x00WAVE"...)
	if rf64 {
		copy(b, "RF64")
		put("ds64", make([]byte, 28))
	} else {
		put("JUNK", make([]byte, 28))
	}
	put("fmt ", []byte{1, 0, 1, 0, 0x40, 0x1f, 0, 0, 0x80, 0x3e, 0, 0, 2, 0, 16, 0})
	for _, c := range pre {
		put(c.id, c.data)
	}
	dataAt := len(b)
	samples := make([]byte, audio)
	for i := range samples {
		samples[i] = byte(i*7 + 1)
	}
	put("data", samples)
	for _, c := range tail {
		put(c.id, c.data)
	}
	if rf64 {
		binary.LittleEndian.PutUint32(b[4:], 0xFFFFFFFF)
		binary.LittleEndian.PutUint32(b[dataAt+4:], 0xFFFFFFFF)
		binary.LittleEndian.PutUint64(b[20:], uint64(len(b)-8))
		binary.LittleEndian.PutUint64(b[28:], uint64(audio))
		binary.LittleEndian.PutUint64(b[36:], uint64(audio/2))
	} else {
		binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	}
	return b
}

// metaOf lists the metadata chunks of a parsed file per kind, in order.
func metaOf(t *testing.T, b []byte, h *Header) map[metaKey][]string {
	t.Helper()
	m := map[metaKey][]string{}
	for _, c := range h.Chunks {
		if IsFraming(c.ID) {
			continue
		}
		d := b[c.DataOffset : c.DataOffset+c.Size]
		k := keyOf(c.ID, d)
		m[k] = append(m[k], string(d))
	}
	return m
}

func apply(b []byte, w Write) []byte {
	if end := w.Offset + int64(len(w.Data)); end > int64(len(b)) {
		b = append(b, make([]byte, end-int64(len(b)))...)
	}
	copy(b[w.Offset:], w.Data)
	return b
}

func randChunk(r *rand.Rand, after bool) tchunk {
	ids := []string{"LIST", "bext", "iXML", "zzzz", "cue ", "JUNK", "_PMX"}
	id := ids[r.IntN(len(ids))]
	n := r.IntN(60)
	d := make([]byte, n)
	for i := range d {
		d[i] = byte('a' + r.IntN(26))
	}
	if id == "LIST" {
		d = append([]byte([]string{"INFO", "adtl"}[r.IntN(2)]), d...)
	}
	if id == "JUNK" {
		d = make([]byte, r.IntN(200))
	}
	return tchunk{id: id, data: d, after: after}
}

// TestPlanMetadataCrashStates edits the metadata of random files in random
// ways and checks every state a crash can leave (after each write of the
// plan, in order) and the final one: the file parses without a structural
// warning, its audio is where it was and unchanged, and each kind of chunk
// holds its old or its new payloads (both only for a chunk the plan says
// it moved, for one step).
func TestPlanMetadataCrashStates(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	grew, inPlace, moved := 0, 0, 0
	w64Done, w64Refused := 0, 0
	for iter := range 3000 {
		rf64 := r.IntN(3) == 0
		w64 := r.IntN(4) == 0
		var pre, tail []tchunk
		for range r.IntN(4) {
			pre = append(pre, randChunk(r, false))
		}
		if w64 && r.IntN(2) == 0 {
			pre = append(pre, tchunk{id: "JUNK", data: make([]byte, 400)})
		}
		for range r.IntN(3) {
			if !w64 {
				tail = append(tail, randChunk(r, true))
			}
		}
		audio := 2 + r.IntN(40)
		file := buildFile(rf64, pre, audio, tail)
		if w64 {
			file = buildW64(pre, audio)
		}
		h, err := Parse(bytes.NewReader(file), int64(len(file)), Options{})
		if err != nil {
			t.Fatalf("iter %d: test file does not parse: %v", iter, err)
		}
		// The wanted metadata: the current one, edited.
		var want []MetaChunk
		for _, c := range append(append([]tchunk(nil), pre...), tail...) {
			if IsFraming(FourCC([]byte(c.id))) {
				continue
			}
			mc := MetaChunk{ID: FourCC([]byte(c.id)), Data: c.data, After: c.after}
			switch r.IntN(5) {
			case 0: // drop
				continue
			case 1: // grow
				mc.Data = append(append([]byte(nil), mc.Data...), bytes.Repeat([]byte("G"), r.IntN(80))...)
			case 2: // shrink
				mc.Data = mc.Data[:len(mc.Data)/2]
				if mc.ID == IDLIST && len(mc.Data) < 4 {
					mc.Data = c.data[:4]
				}
			}
			want = append(want, mc)
		}
		for range r.IntN(2) {
			c := randChunk(r, r.IntN(2) == 0)
			if c.id != "JUNK" {
				want = append(want, MetaChunk{ID: FourCC([]byte(c.id)), Data: c.data, After: c.after})
			}
		}
		plan, err := PlanMetadata(h, int64(len(file)), bytes.NewReader(file), want)
		if w64 && err != nil {
			var e *Error
			if errors.As(err, &e) && e.Kind == ErrUnsupported {
				w64Refused++
				continue // no room before the audio
			}
		}
		if err != nil {
			t.Fatalf("iter %d: %v", iter, err)
		}
		if w64 {
			w64Done++
		}
		oldMeta := metaOf(t, file, h)
		newMeta := map[metaKey][]string{}
		for _, w := range want {
			k := keyOf(w.ID, w.Data)
			newMeta[k] = append(newMeta[k], string(w.Data))
		}
		movedKeys := map[FourCC]bool{}
		for _, id := range append(plan.Moved, plan.movedIn...) {
			movedKeys[id] = true
		}
		if plan.Grew > 0 {
			grew++
		}
		inPlace += len(plan.InPlace)
		moved += len(plan.Moved)
		state := append([]byte(nil), file...)
		check := func(where string, final bool) {
			hh, err := Parse(bytes.NewReader(state), int64(len(state)), Options{})
			if err != nil {
				t.Fatalf("iter %d %s: does not parse: %v", iter, where, err)
			}
			for _, w := range hh.Warnings {
				if Structural(w.Kind) && (final || (w.Kind != WarnTrailingBytes && w.Kind != WarnRIFFSize)) {
					t.Fatalf("iter %d %s: warning %s: %s", iter, where, w.Kind, w.Msg)
				}
			}
			if hh.DataOffset != h.DataOffset || hh.DataSize != h.DataSize ||
				!bytes.Equal(state[h.DataOffset:h.DataOffset+h.DataSize], file[h.DataOffset:h.DataOffset+h.DataSize]) {
				t.Fatalf("iter %d %s: audio moved or changed", iter, where)
			}
			got := metaOf(t, state, hh)
			keys := map[metaKey]bool{}
			for k := range got {
				keys[k] = true
			}
			for k := range oldMeta {
				keys[k] = true
			}
			for k := range newMeta {
				keys[k] = true
			}
			for k := range keys {
				g, o, n := fmt.Sprint(got[k]), fmt.Sprint(oldMeta[k]), fmt.Sprint(newMeta[k])
				if g == n || (!final && g == o) {
					continue
				}
				if !final && movedKeys[k.id] {
					continue // in the file twice for one step
				}
				if !final && (len(oldMeta[k]) > 1 || len(newMeta[k]) > 1) && within(got[k], oldMeta[k], newMeta[k]) {
					continue // several stretches switch one by one
				}
				t.Fatalf("iter %d %s: %s%s holds %q; old %q, new %q\nplan %+v", iter, where, k.id, k.typ, g, o, n, plan)
			}
		}
		for si, s := range plan.Steps {
			for wi, w := range s.Writes {
				state = apply(state, w)
				check(fmt.Sprintf("after step %d write %d", si, wi), false)
			}
		}
		check("at the end", true)
		if int64(len(state)) != plan.Size {
			t.Fatalf("iter %d: file is %d bytes, plan says %d", iter, len(state), plan.Size)
		}
		// Nothing more to do once done.
		hh, _ := Parse(bytes.NewReader(state), int64(len(state)), Options{})
		again, err := PlanMetadata(hh, int64(len(state)), bytes.NewReader(state), want)
		if err != nil || len(again.Steps) != 0 {
			t.Fatalf("iter %d: second plan: %v, %d steps", iter, err, len(again.Steps))
		}
	}
	t.Logf("plans that grew the file: %d; chunks rewritten in place: %d; moved after the data: %d; Wave64 edits done %d, refused for want of room %d",
		grew, inPlace, moved, w64Done, w64Refused)
	if grew == 0 || inPlace == 0 || moved == 0 || w64Done == 0 || w64Refused == 0 {
		t.Fatal("the random edits did not reach every kind of placement")
	}
}

// within reports whether every payload of g is one of o or n.
func within(g, o, n []string) bool {
	for _, x := range g {
		found := false
		for _, y := range append(append([]string(nil), o...), n...) {
			found = found || x == y
		}
		if !found {
			return false
		}
	}
	return true
}

// TestPlanMetadataBoundedGrowth edits the same chunks after the data many
// times: the JUNK room earlier edits leave is used again, so the file
// stops growing at about three times the metadata.
func TestPlanMetadataBoundedGrowth(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	file := buildFile(false, nil, 100, []tchunk{{id: "LIST", data: []byte("INFOISFT\x04\x00\x00\x00abc\x00")}})
	start := len(file)
	for i := range 2000 {
		h, err := Parse(bytes.NewReader(file), int64(len(file)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		v := bytes.Repeat([]byte{byte('a' + i%26)}, 100+r.IntN(100))
		want := []MetaChunk{
			{ID: IDLIST, Data: append([]byte("INFOICMT\xc8\x00\x00\x00"), append(v, make([]byte, 200-len(v))...)...), After: true},
			{ID: FourCC([]byte("iXML")), Data: v, After: true},
		}
		plan, err := PlanMetadata(h, int64(len(file)), bytes.NewReader(file), want)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range plan.Steps {
			for _, w := range s.Writes {
				file = apply(file, w)
			}
		}
	}
	// The metadata is at most 8+208 + 8+200 bytes; two copies of it and
	// their JUNK headers; a third while the content grows.
	if grew := len(file) - start; grew > 3*(216+208+16)+16 {
		t.Fatalf("after 2000 edits the file grew by %d bytes", grew)
	} else {
		t.Logf("after 2000 edits the file grew by %d bytes", grew)
	}
}

// FuzzPlanMetadata plans metadata edits on arbitrary files: PlanMetadata
// must not panic; when it plans, the file it leaves must parse, hold the
// audio where it was and the chunks asked for (a second plan is empty).
func FuzzPlanMetadata(f *testing.F) {
	f.Add(buildFile(false, []tchunk{{id: "LIST", data: []byte("INFOabcd")}}, 10, nil), []byte{1, 2, 3})
	f.Add(buildFile(true, []tchunk{{id: "JUNK", data: make([]byte, 100)}}, 7, []tchunk{{id: "zzzz", data: []byte("x")}}), []byte{9})
	f.Fuzz(func(t *testing.T, file, edit []byte) {
		h, err := Parse(bytes.NewReader(file), int64(len(file)), Options{})
		if err != nil {
			return
		}
		var want []MetaChunk
		for i, c := range h.Chunks {
			if IsFraming(c.ID) {
				continue
			}
			d := file[c.DataOffset : c.DataOffset+c.Size]
			op := byte(0)
			if i < len(edit) {
				op = edit[i]
			}
			switch op % 4 {
			case 1:
				continue
			case 2:
				d = append(append([]byte(nil), d...), edit...)
			}
			want = append(want, MetaChunk{ID: c.ID, Data: d, After: op%8 >= 4})
		}
		if len(edit) > 0 && edit[0]%3 == 0 {
			want = append(want, MetaChunk{ID: FourCC{'n', 'e', 'w', ' '}, Data: edit, After: edit[0]%2 == 0})
		}
		plan, err := PlanMetadata(h, int64(len(file)), bytes.NewReader(file), want)
		if err != nil {
			return
		}
		state := append([]byte(nil), file...)
		for _, s := range plan.Steps {
			for _, w := range s.Writes {
				state = apply(state, w)
			}
		}
		hh, err := Parse(bytes.NewReader(state), int64(len(state)), Options{})
		if err != nil {
			t.Fatalf("planned file does not parse: %v", err)
		}
		if hh.DataOffset != h.DataOffset || hh.DataSize != h.DataSize ||
			!bytes.Equal(state[h.DataOffset:h.DataOffset+h.DataSize], file[h.DataOffset:h.DataOffset+h.DataSize]) {
			t.Fatal("audio moved or changed")
		}
		again, err := PlanMetadata(hh, int64(len(state)), bytes.NewReader(state), want)
		if err != nil || len(again.Steps) != 0 {
			t.Fatalf("second plan: %v, %d steps", err, len(again.Steps))
		}
	})
}
