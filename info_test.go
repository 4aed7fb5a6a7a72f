package wavemap_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/wavemap/wavemap"
	"github.com/wavemap/wavemap/internal/wavtest"
)

func infoTag(id, v string) wavemap.InfoTag {
	return wavemap.InfoTag{ID: wavemap.FourCC([]byte(id)), Value: wavemap.TextOf(v)}
}

// TestInfoFFmpeg reads the LIST/INFO chunk ffmpeg writes, checks it
// against ffprobe and against the header's own INFO parser, and rewrites
// it with SetInfo: ffmpeg's layout (NUL-terminated values padded to even)
// is SetInfo's, so the chunk comes back byte for byte.
func TestInfoFFmpeg(t *testing.T) {
	path := ffmpegWAV(t, "-metadata", "title=Tï", "-metadata", "artist=Ärtist", "-metadata", "comment=odd",
		"-metadata", "copyright=© x", "-metadata", "date=2026")
	m := mdOpen(t, path)
	tags := wavtest.FFprobeTags(t, path)
	for id, key := range map[string]string{"INAM": "title", "IART": "artist", "ICMT": "comment", "ICOP": "copyright", "ICRD": "date", "ISFT": "encoder"} {
		got, ok := m.InfoValue(id)
		if !ok || got != tags[key] {
			t.Errorf("InfoValue(%s) = %q, %v; ffprobe's %s is %q", id, got, ok, key, tags[key])
		}
	}
	f, err := wavemap.Open(path, wavemap.ReadOnly, nil)
	if err != nil {
		t.Fatal(err)
	}
	hdr := f.Header().Tags
	f.Close()
	info := m.Info()
	if len(info) != len(hdr) {
		t.Fatalf("Info() has %d entries, Header.Tags %d", len(info), len(hdr))
	}
	for i, tg := range info {
		if tg.ID != hdr[i].ID || tg.Value.String() != hdr[i].Value {
			t.Errorf("entry %d: %s=%q, the header parser says %s=%q", i, tg.ID, tg.Value, hdr[i].ID, hdr[i].Value)
		}
	}
	i := m.IndexList(wavemap.FourCC([]byte("INFO")))
	orig := bytes.Clone(m.Chunks[i].Data)
	m.SetInfo(info)
	if got := m.Chunks[i].Data; !bytes.Equal(got, orig) {
		t.Errorf("SetInfo(Info()) changed ffmpeg's INFO list:\n got %q\nwant %q", got, orig)
	}
}

// TestInfoLayout checks the bytes SetInfo writes against the layout
// spelled out from the RIFF specification, then has ffprobe read them.
func TestInfoLayout(t *testing.T) {
	m := &wavemap.Metadata{}
	m.SetInfo([]wavemap.InfoTag{infoTag("INAM", "odd"), infoTag("IART", "even"), infoTag("ICMT", "")})
	want := wavtest.Cat([]byte("INFO"),
		[]byte("INAM"), wavtest.LE32(4), []byte("odd\x00"),
		[]byte("IART"), wavtest.LE32(5), []byte("even\x00\x00"),
		[]byte("ICMT"), wavtest.LE32(1), []byte("\x00\x00"))
	if len(m.Chunks) != 1 || !bytes.Equal(m.Chunks[0].Data, want) || m.Chunks[0].AfterData {
		t.Fatalf("SetInfo wrote %+v, want one LIST before the data holding %q", m.Chunks, want)
	}
	path := filepath.Join(t.TempDir(), "x.wav")
	writeFile(t, path, mdFileOf(m))
	tags := wavtest.FFprobeTags(t, path)
	if tags["title"] != "odd" || tags["artist"] != "even" {
		t.Errorf("ffprobe reads %v", tags)
	}
	m.SetInfo(nil)
	if len(m.Chunks) != 0 {
		t.Errorf("SetInfo(nil) left %v", mdIDs(m))
	}
}

// TestInfoDamaged reads INFO lists as real files damage them: a missing
// pad byte after an odd value, a value cut by the end of the list, an odd
// list size, garbage after the entries, a list of only its form type.
func TestInfoDamaged(t *testing.T) {
	for _, tc := range []struct {
		name string
		body []byte
		want []wavemap.InfoTag
	}{
		{"missing pad", wavtest.Cat([]byte("INFO"), []byte("INAM"), wavtest.LE32(3), []byte("abc"), []byte("IART"), wavtest.LE32(2), []byte("xy")),
			[]wavemap.InfoTag{infoTag("INAM", "abc"), infoTag("IART", "xy")}},
		{"value cut", wavtest.Cat([]byte("INFO"), []byte("INAM"), wavtest.LE32(2), []byte("ab"), []byte("ICMT"), wavtest.LE32(100), []byte("cut")),
			[]wavemap.InfoTag{infoTag("INAM", "ab"), infoTag("ICMT", "cut")}},
		{"header cut", wavtest.Cat([]byte("INFO"), []byte("INAM"), wavtest.LE32(2), []byte("ab"), []byte("ICM")),
			[]wavemap.InfoTag{infoTag("INAM", "ab")}},
		{"garbage", wavtest.Cat([]byte("INFO"), []byte("INAM"), wavtest.LE32(2), []byte("ab"), []byte{0, 1, 2, 3, 4, 5, 6, 7, 8}),
			[]wavemap.InfoTag{infoTag("INAM", "ab")}},
		{"NULs inside", wavtest.Cat([]byte("INFO"), []byte("INAM"), wavtest.LE32(6), []byte("ab\x00c\x00\x00")),
			[]wavemap.InfoTag{{ID: wavemap.FourCC([]byte("INAM")), Value: wavemap.Text("ab\x00c")}}},
		{"empty", []byte("INFO"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := mdRead(t, mdFile([][]byte{wavtest.Chunk("LIST", tc.body)}, nil))
			got := m.Info()
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Info() = %q, want %q", got, tc.want)
			}
			if tc.name == "NULs inside" && got[0].Value.String() != "ab" {
				t.Errorf("String() = %q, want the text before the NUL", got[0].Value.String())
			}
		})
	}
}

// TestInfoValueEdit edits single entries: replaced in place with later
// duplicates dropped, appended, deleted; several INFO lists merge into
// the first.
func TestInfoValueEdit(t *testing.T) {
	list := func(tags ...[]byte) []byte {
		return wavtest.Chunk("LIST", wavtest.Cat(append([][]byte{[]byte("INFO")}, tags...)...))
	}
	entry := func(id, v string) []byte { return wavtest.Chunk(id, specZstr(v)) }
	m := mdRead(t, mdFile(
		[][]byte{list(entry("INAM", "one"), entry("IART", "a")), wavtest.Chunk("bext", make([]byte, 602))},
		[][]byte{list(entry("INAM", "two"), entry("ICMT", "c"))}))
	want := []wavemap.InfoTag{infoTag("INAM", "one"), infoTag("IART", "a"), infoTag("INAM", "two"), infoTag("ICMT", "c")}
	if got := m.Info(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Info() = %q, want %q", got, want)
	}
	if v, ok := m.InfoValue("INAM"); !ok || v != "one" {
		t.Errorf("InfoValue(INAM) = %q, %v", v, ok)
	}
	if _, ok := m.InfoValue("IKEY"); ok {
		t.Error("InfoValue(IKEY) found an entry")
	}
	m.SetInfoValue("INAM", "new")
	m.SetInfoValue("ISFT", "wavemap")
	m.SetInfoValue("IART", "")
	want = []wavemap.InfoTag{infoTag("INAM", "new"), infoTag("ICMT", "c"), infoTag("ISFT", "wavemap")}
	if got := m.Info(); !reflect.DeepEqual(got, want) {
		t.Errorf("after the edits Info() = %q, want %q", got, want)
	}
	if ids := mdIDs(m); !reflect.DeepEqual(ids, []string{"LIST/INFO", "bext"}) {
		t.Errorf("chunks after the edits: %v, want the first INFO list in its place and the second gone", ids)
	}
	before := m.Clone()
	if err := m.SetInfoValue("NAM", "x"); !errors.Is(err, wavemap.ErrArgument) {
		t.Errorf("SetInfoValue with a 3-byte id: %v, want ErrArgument", err)
	}
	if !reflect.DeepEqual(m, before) {
		t.Error("a refused SetInfoValue changed the metadata")
	}
}

// TestInfoText checks Text decoding: UTF-8 as it is, anything else as
// Latin-1, and TextOf.
func TestInfoText(t *testing.T) {
	for _, tc := range []struct {
		in   []byte
		want string
	}{
		{[]byte("plain"), "plain"},
		{[]byte("caf\xc3\xa9"), "café"},
		{[]byte("caf\xe9"), "café"},
		{[]byte("\xa9 2026 \xc4"), "© 2026 Ä"},
		{[]byte("ab\x00cd"), "ab"},
		{nil, ""},
	} {
		if got := wavemap.Text(tc.in).String(); got != tc.want {
			t.Errorf("Text(%q).String() = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := wavemap.TextOf("é"); !bytes.Equal(got, []byte{0xc3, 0xa9}) {
		t.Errorf("TextOf(é) = %q", got)
	}
}
