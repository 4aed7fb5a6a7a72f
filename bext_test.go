package wavemap_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

// specBext returns a bext payload built from the field table of EBU Tech
// 3285: each field written at its offset.
func specBext(desc, orig, ref, date, tm string, timeRef uint64, version uint16, umid []byte, loud [5]int16, reserved []byte, history []byte) []byte {
	b := make([]byte, 602)
	copy(b[0:256], desc)
	copy(b[256:288], orig)
	copy(b[288:320], ref)
	copy(b[320:330], date)
	copy(b[330:338], tm)
	copy(b[338:342], wavtest.LE32(uint32(timeRef)))
	copy(b[342:346], wavtest.LE32(uint32(timeRef>>32)))
	copy(b[346:348], wavtest.LE16(version))
	copy(b[348:412], umid)
	for i, v := range loud {
		copy(b[412+2*i:], wavtest.LE16(uint16(v)))
	}
	copy(b[422:602], reserved)
	return append(b, history...)
}

// TestBextLayout parses a version-2 chunk laid out from the spec's offsets
// and checks every field, then that Encode gives the same bytes.
func TestBextLayout(t *testing.T) {
	umid := bytes.Repeat([]byte{0x06, 0x0A, 0x2B, 0x34}, 16)
	// Description filled to the last byte (no NUL: allowed), a NUL inside
	// the originator followed by leftover bytes, reserved bytes not zero.
	desc := strings.Repeat("d", 256)
	payload := specBext(desc, "Orig\x00junk", "REF-1", "2026-12-01", "12:34:56", 0x1_2345_6789, 2, umid,
		[5]int16{-2300, 750, -100, -1500, wavemap.LoudnessNotSet}, []byte{1, 2, 3}, []byte("A=PCM,F=48000\r\n\x00\x00\x00"))
	b, err := wavemap.ParseBext(payload)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name string
		got  wavemap.Text
		want string
	}{
		{"Description", b.Description, desc}, {"Originator", b.Originator, "Orig\x00junk"},
		{"OriginatorReference", b.OriginatorReference, "REF-1"}, {"OriginationDate", b.OriginationDate, "2026-12-01"},
		{"OriginationTime", b.OriginationTime, "12:34:56"}, {"CodingHistory", b.CodingHistory, "A=PCM,F=48000\r\n"},
	} {
		if string(f.got) != f.want {
			t.Errorf("%s = %q, want %q", f.name, f.got, f.want)
		}
	}
	if b.Originator.String() != "Orig" {
		t.Errorf("Originator.String() = %q, want the text before the NUL", b.Originator.String())
	}
	if b.TimeReference != 0x1_2345_6789 || b.Version != 2 || !bytes.Equal(b.UMID[:], umid) || b.HistoryPadding != 3 {
		t.Errorf("TimeReference %#x, Version %d, UMID %x, HistoryPadding %d", b.TimeReference, b.Version, b.UMID, b.HistoryPadding)
	}
	if b.LoudnessValue != -2300 || b.LoudnessRange != 750 || b.MaxTruePeakLevel != -100 || b.MaxMomentaryLoudness != -1500 ||
		b.MaxShortTermLoudness != wavemap.LoudnessNotSet {
		t.Errorf("loudness %d %d %d %d %d", b.LoudnessValue, b.LoudnessRange, b.MaxTruePeakLevel, b.MaxMomentaryLoudness, b.MaxShortTermLoudness)
	}
	if b.Reserved[0] != 1 || b.Reserved[2] != 3 || b.Reserved[3] != 0 {
		t.Errorf("Reserved starts %v", b.Reserved[:4])
	}
	if got := b.Encode(); !bytes.Equal(got, payload) {
		t.Errorf("Encode differs from the parsed chunk at byte %d", firstDiff(got, payload))
	}
	// The fixed part alone, no history: also valid.
	b, err = wavemap.ParseBext(payload[:602])
	if err != nil || b.CodingHistory != nil || b.HistoryPadding != 0 || !bytes.Equal(b.Encode(), payload[:602]) {
		t.Errorf("602-byte chunk: %v, history %q, padding %d", err, b.CodingHistory, b.HistoryPadding)
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestBextFFmpeg reads the bext chunk ffmpeg writes: the fields are what
// it was given and what ffprobe reads back, and Encode and SetBext give
// the chunk back byte for byte.
func TestBextFFmpeg(t *testing.T) {
	const umidHex = "060A2B340101010501010D4313000000112233445566778899AABB0C0D0E0F10"
	path := ffmpegWAV(t, "-write_bext", "1", "-metadata", "description=A take, described",
		"-metadata", "originator=wavemap test", "-metadata", "originator_reference=USID0001",
		"-metadata", "origination_date=2026-12-01", "-metadata", "origination_time=10:11:12",
		"-metadata", "time_reference=1728000000123", "-metadata", "umid=0x"+umidHex,
		"-metadata", "coding_history=A=PCM,F=48000,W=16,M=mono,T=ffmpeg")
	m := mdOpen(t, path)
	raw := bytes.Clone(mdChunk(t, m, "bext"))
	b, ok, err := m.Bext()
	if !ok || err != nil {
		t.Fatalf("Bext() = %v, %v", ok, err)
	}
	tags := wavtest.FFprobeTags(t, path)
	for _, f := range []struct {
		name string
		got  string
		key  string
	}{
		{"Description", b.Description.String(), "comment"},
		{"Originator", b.Originator.String(), "encoded_by"},
		{"OriginatorReference", b.OriginatorReference.String(), "originator_reference"},
		{"OriginationDate", b.OriginationDate.String(), "date"},
		{"OriginationTime", b.OriginationTime.String(), "creation_time"},
		{"TimeReference", fmt.Sprint(b.TimeReference), "time_reference"},
		{"CodingHistory", b.CodingHistory.String(), "coding_history"},
		{"UMID", "0x" + strings.ToUpper(hex.EncodeToString(b.UMID[:32])), "umid"},
	} {
		if f.got != tags[f.key] {
			t.Errorf("%s = %q, ffprobe's %s is %q", f.name, f.got, f.key, tags[f.key])
		}
	}
	if b.TimeReference != 1728000000123 || b.Description.String() != "A take, described" {
		t.Errorf("TimeReference %d, Description %q: not what ffmpeg was given", b.TimeReference, b.Description)
	}
	if got := b.Encode(); !bytes.Equal(got, raw) {
		t.Fatalf("Encode differs from ffmpeg's chunk at byte %d (%d and %d bytes)", firstDiff(got, raw), len(got), len(raw))
	}
	i := m.Index(wavemap.FourCC([]byte("bext")))
	m.SetBext(b)
	if m.Index(wavemap.FourCC([]byte("bext"))) != i || !bytes.Equal(m.Chunks[i].Data, raw) {
		t.Error("SetBext(Bext()) moved or changed the chunk")
	}
	m.SetBext(nil)
	if _, ok, _ := m.Bext(); ok {
		t.Error("SetBext(nil) left a bext chunk")
	}
}

// TestBextWrite writes a Bext made in code into a file and has ffprobe
// read it.
func TestBextWrite(t *testing.T) {
	b := &wavemap.Bext{
		Description: wavemap.TextOf("written by wavemap"), Originator: wavemap.TextOf("wavemap"),
		OriginatorReference: wavemap.TextOf("REF"), OriginationDate: wavemap.TextOf("2026-12-02"),
		OriginationTime: wavemap.TextOf("01:02:03"), TimeReference: 1 << 33, Version: 2,
		CodingHistory: wavemap.TextOf("A=PCM,F=48000,W=16,M=mono\r\n"), HistoryPadding: 1,
	}
	b.ClearLoudness()
	m := &wavemap.Metadata{}
	m.SetBext(b)
	if len(m.Chunks) != 1 || m.Chunks[0].AfterData {
		t.Fatalf("SetBext on empty metadata: %v", mdIDs(m))
	}
	path := filepath.Join(t.TempDir(), "x.wav")
	writeFile(t, path, mdFileOf(m))
	tags := wavtest.FFprobeTags(t, path)
	if tags["comment"] != "written by wavemap" || tags["encoded_by"] != "wavemap" || tags["time_reference"] != fmt.Sprint(uint64(1)<<33) ||
		tags["date"] != "2026-12-02" || tags["creation_time"] != "01:02:03" || !strings.HasPrefix(tags["coding_history"], "A=PCM,F=48000,W=16,M=mono") {
		t.Errorf("ffprobe reads %v", tags)
	}
	raw := mdChunk(t, mdOpen(t, path), "bext")
	if len(raw) != 602+27+1 || raw[346] != 2 || raw[412] != 0xFF || raw[413] != 0x7F {
		t.Errorf("chunk of %d bytes, version byte %d, loudness bytes % x", len(raw), raw[346], raw[412:414])
	}
}

// TestBextShort: a chunk shorter than the 602 fixed bytes is ErrInvalid,
// and the error names its size.
func TestBextShort(t *testing.T) {
	for _, n := range []int{0, 347, 601} {
		_, err := wavemap.ParseBext(make([]byte, n))
		if !errors.Is(err, wavemap.ErrInvalid) || !strings.Contains(err.Error(), fmt.Sprint(n)) {
			t.Errorf("ParseBext of %d bytes: %v", n, err)
		}
	}
	m := mdRead(t, mdFile([][]byte{wavtest.Chunk("bext", make([]byte, 100))}, nil))
	if b, ok, err := m.Bext(); b != nil || !ok || !errors.Is(err, wavemap.ErrInvalid) {
		t.Errorf("Bext() of a 100-byte chunk = %v, %v, %v", b, ok, err)
	}
	if _, ok, err := (&wavemap.Metadata{}).Bext(); ok || err != nil {
		t.Errorf("Bext() with no chunk = %v, %v", ok, err)
	}
}

// TestBextLoudness: LoudnessSet and ClearLoudness by version.
func TestBextLoudness(t *testing.T) {
	v2 := &wavemap.Bext{Version: 2}
	if !v2.LoudnessSet() {
		t.Error("version 2 with zero loudness values: LoudnessSet false (0 LU is a value)")
	}
	v2.ClearLoudness()
	if v2.LoudnessSet() || v2.LoudnessValue != 0x7FFF || v2.MaxShortTermLoudness != 0x7FFF {
		t.Errorf("after ClearLoudness: %+v", v2)
	}
	v2.LoudnessRange = 500
	if !v2.LoudnessSet() {
		t.Error("one value set: LoudnessSet false")
	}
	v1 := &wavemap.Bext{Version: 1, LoudnessValue: -2300}
	if v1.LoudnessSet() {
		t.Error("version 1: LoudnessSet true, but those bytes are reserved")
	}
	v1.ClearLoudness()
	if v1.LoudnessValue != 0 {
		t.Errorf("version 1 ClearLoudness: LoudnessValue %d, want 0 (reserved bytes are zero)", v1.LoudnessValue)
	}
}

// TestBextLongText: a text longer than its field is cut between UTF-8
// characters.
func TestBextLongText(t *testing.T) {
	b := &wavemap.Bext{Description: wavemap.TextOf("a" + strings.Repeat("é", 200)), OriginationDate: wavemap.TextOf("2026-12-01T00")}
	p, err := wavemap.ParseBext(b.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Description) != 255 || !utf8.Valid(p.Description) {
		t.Errorf("Description cut to %d bytes, valid UTF-8 %v", len(p.Description), utf8.Valid(p.Description))
	}
	if string(p.OriginationDate) != "2026-12-01" {
		t.Errorf("OriginationDate %q", p.OriginationDate)
	}
}

// TestBextSetLoudness: SetLoudness stores each value ×100 rounded half
// away from 0, wavemap.LoudnessNotSet for what the measurement does not define,
// clamps to the int16 range below wavemap.LoudnessNotSet, raises the version to
// 2 and leaves the other fields alone.
func TestBextSetLoudness(t *testing.T) {
	b := &wavemap.Bext{Version: 1, Description: wavemap.Text("take 3"), TimeReference: 42}
	b.SetLoudness(&wavemap.Loudness{Integrated: -23.004, Range: 7.125, MomentaryMax: -18.995, ShortTermMax: -20.5, TruePeak: math.Pow(10, -1.0/20)})
	if b.Version != 2 || b.LoudnessValue != -2300 || b.LoudnessRange != 713 || b.MaxMomentaryLoudness != -1900 ||
		b.MaxShortTermLoudness != -2050 || b.MaxTruePeakLevel != -100 || string(b.Description) != "take 3" || b.TimeReference != 42 {
		t.Errorf("SetLoudness: %+v", b)
	}
	// Silence, a signal shorter than 3 s, no true peak; and clamping.
	b = &wavemap.Bext{Version: 3}
	b.SetLoudness(&wavemap.Loudness{Integrated: math.Inf(-1), Range: 0, MomentaryMax: -40, ShortTermMax: math.Inf(-1), TruePeak: math.NaN()})
	n := wavemap.LoudnessNotSet
	if b.Version != 3 || b.LoudnessValue != n || b.LoudnessRange != n || b.MaxTruePeakLevel != n || b.MaxMomentaryLoudness != -4000 || b.MaxShortTermLoudness != n {
		t.Errorf("SetLoudness of undefined values: %+v", b)
	}
	b.SetLoudness(&wavemap.Loudness{Integrated: -400, Range: 400, MomentaryMax: 327.665, ShortTermMax: -327.68, TruePeak: 0})
	if b.LoudnessValue != math.MinInt16 || b.LoudnessRange != n-1 || b.MaxMomentaryLoudness != n-1 || b.MaxShortTermLoudness != math.MinInt16 || b.MaxTruePeakLevel != n {
		t.Errorf("SetLoudness clamped: %+v", b)
	}
	if p, err := wavemap.ParseBext(b.Encode()); err != nil || p.LoudnessValue != b.LoudnessValue || p.MaxTruePeakLevel != n || !p.LoudnessSet() {
		t.Errorf("round trip: %+v, %v", p, err)
	}
}
