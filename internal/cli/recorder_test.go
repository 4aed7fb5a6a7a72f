package cli

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wavemap/wavemap/internal/wavtest"
)

// Files like real recorders', built from the specifications (EBU Tech
// 3285 for bext, the iXML specification), not copied from anywhere:
//
//   - a Sound Devices-style polyphonic file: 4 channels of 24-bit audio,
//     bext version 1 whose description holds the recorder's "sTRK1=Boom"
//     style lines, iXML with PROJECT, SCENE, TAKE, TAPE, a TRACK_LIST
//     naming every channel and the timestamp in samples since midnight;
//   - a Zoom-style stereo file whose bext description holds "zTAKE=" style
//     lines and whose iXML names the tracks under its own writer's note.
//
// Both go through cut, convert, cat, gain and tag; afterwards info --json
// still names the tracks and scene, the bext description lines are byte
// for byte those of the recorder, and cut has advanced the time
// reference and the iXML timestamp by the cut's start, in samples.

const recRate = 48000

func recorderBext(desc string, timeRef uint64, version uint16) []byte {
	b := make([]byte, 602)
	copy(b, desc)
	copy(b[256:], "SOUND DEVICES")
	copy(b[288:], "USSDVA1234567890")
	copy(b[320:], "2026-11-30")
	copy(b[330:], "14:03:22")
	binary.LittleEndian.PutUint32(b[338:], uint32(timeRef))
	binary.LittleEndian.PutUint32(b[342:], uint32(timeRef>>32))
	binary.LittleEndian.PutUint16(b[346:], version)
	return append(b, "A=PCM,F=48000,W=24,M=poly,T=recorder\r\n"...)
}

func recorderIXML(scene, take string, ts uint64, tracks ...string) []byte {
	var tl strings.Builder
	for i, n := range tracks {
		fmt.Fprintf(&tl, "<TRACK><CHANNEL_INDEX>%d</CHANNEL_INDEX><INTERLEAVE_INDEX>%d</INTERLEAVE_INDEX><NAME>%s</NAME></TRACK>", i+1, i+1, n)
	}
	return []byte(fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<BWFXML><IXML_VERSION>2.10</IXML_VERSION><PROJECT>Night Shoot</PROJECT><SCENE>%s</SCENE><TAKE>%s</TAKE><TAPE>261130</TAPE><CIRCLED>TRUE</CIRCLED>
<SPEED><TIMECODE_RATE>24000/1001</TIMECODE_RATE><TIMECODE_FLAG>NDF</TIMECODE_FLAG><TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI>%d</TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI><TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO>%d</TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO><TIMESTAMP_SAMPLE_RATE>48000</TIMESTAMP_SAMPLE_RATE></SPEED>
<TRACK_LIST><TRACK_COUNT>%d</TRACK_COUNT>%s</TRACK_LIST></BWFXML>`, scene, take, ts>>32, ts&0xFFFFFFFF, len(tracks), tl.String()))
}

func TestRecorderFiles(t *testing.T) {
	wavtest.Need(t, "ffprobe")
	dir := t.TempDir()
	ts := uint64(14*3600+3*60+22) * recRate // 14:03:22 since midnight
	cases := []struct {
		name     string
		channels int
		bits     int
		desc     string
		tracks   []string
	}{
		{"sounddevices", 4, 24, "sSPEED=023.976-ND\r\nsTAKE=03\r\nsUBITS=$00000000\r\nsSWVER=7.50\r\nsTRK1=Boom\r\nsTRK2=Lav Anna\r\nsTRK3=Lav Ben\r\nsTRK4=Plant\r\n", []string{"Boom", "Lav Anna", "Lav Ben", "Plant"}},
		{"zoom", 2, 16, "zSPEED=25.000ND\r\nzTAKE=001\r\nzUBITS=00000000\r\nzSCENE=Scene12\r\nzTRK1=MS-MID\r\nzTRK2=MS-SIDE\r\nzNOTE=\r\n", []string{"MS-MID", "MS-SIDE"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			frames := recRate * 2
			align := tc.channels * tc.bits / 8
			data := make([]byte, frames*align)
			for i := range data {
				data[i] = byte(i * 13)
			}
			var fmtc []byte
			if tc.channels > 2 || tc.bits > 16 {
				fmtc = wavtest.Chunk("fmt ", wavtest.FmtExtensible(tc.channels, recRate, tc.bits, align, tc.bits, 0, wavtest.SubFormat(1)))
			} else {
				fmtc = wavtest.Chunk("fmt ", wavtest.FmtPCM(1, tc.channels, recRate, tc.bits, align))
			}
			bext := recorderBext(tc.desc, ts, 1)
			ixml := recorderIXML("12A", "3", ts, tc.tracks...)
			in := filepath.Join(dir, tc.name+".wav")
			file := wavtest.RIFF(fmtc, wavtest.Chunk("bext", bext), wavtest.Chunk("iXML", ixml),
				wavtest.Chunk("JUNK", make([]byte, 1000)), wavtest.Chunk("data", data))
			if err := os.WriteFile(in, file, 0o644); err != nil {
				t.Fatal(err)
			}
			cut := filepath.Join(dir, tc.name+"-cut.wav")
			mustRun(t, "cut", "--from", "0.5", "--to", "1.5", in, cut)
			conv := filepath.Join(dir, tc.name+"-f32.wav")
			mustRun(t, "convert", "--to", "f32", in, conv)
			cat := filepath.Join(dir, tc.name+"-cat.wav")
			mustRun(t, "cat", in, in, cat)
			gained := filepath.Join(dir, tc.name+"-gain.wav")
			mustRun(t, "cut", "--from", "0", "--to", "2", in, gained)
			mustRun(t, "gain", "--db", "-6", "--no-journal", gained)
			mustRun(t, "tag", "--set", "title=Scene 12A take 3", gained)
			for _, out := range []struct {
				path  string
				shift int64 // frames the timeline moved by
			}{{conv, 0}, {cat, 0}, {gained, 0}, {cut, recRate / 2}} {
				var j struct {
					Metadata struct {
						Bext struct {
							Description   string `json:"description"`
							TimeReference uint64 `json:"time_reference"`
						} `json:"bext"`
						IXML struct {
							Scene     string `json:"scene"`
							Take      string `json:"take"`
							Timestamp *int64 `json:"timestamp_samples_since_midnight"`
							Tracks    []struct {
								Name string `json:"name"`
							} `json:"tracks"`
						} `json:"ixml"`
					} `json:"metadata"`
				}
				r := mustRun(t, "info", "--json", out.path)
				if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
					t.Fatalf("%s: %v\n%s", out.path, err, r.stdout)
				}
				md := j.Metadata
				if md.Bext.Description != tc.desc {
					t.Errorf("%s: bext description %q, want the recorder's %q", filepath.Base(out.path), md.Bext.Description, tc.desc)
				}
				if want := ts + uint64(out.shift); md.Bext.TimeReference != want {
					t.Errorf("%s: time reference %d, want %d", filepath.Base(out.path), md.Bext.TimeReference, want)
				}
				if md.IXML.Timestamp == nil || *md.IXML.Timestamp != int64(ts)+out.shift {
					t.Errorf("%s: iXML timestamp %v, want %d", filepath.Base(out.path), md.IXML.Timestamp, int64(ts)+out.shift)
				}
				if md.IXML.Scene != "12A" || md.IXML.Take != "3" || len(md.IXML.Tracks) != len(tc.tracks) {
					t.Errorf("%s: iXML %+v", filepath.Base(out.path), md.IXML)
				} else {
					for i, tr := range md.IXML.Tracks {
						if tr.Name != tc.tracks[i] {
							t.Errorf("%s: track %d named %q, want %q", filepath.Base(out.path), i+1, tr.Name, tc.tracks[i])
						}
					}
				}
				// ffprobe reads the bext time reference as samples.
				tags := wavtest.FFprobeTags(t, out.path)
				if tags["time_reference"] != fmt.Sprint(ts+uint64(out.shift)) {
					t.Errorf("%s: ffprobe time_reference %q", filepath.Base(out.path), tags["time_reference"])
				}
			}
			if tags := wavtest.FFprobeTags(t, gained); tags["title"] != "Scene 12A take 3" {
				t.Errorf("tagged file: ffprobe title %q", tags["title"])
			}
		})
	}
}
