package riff

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wavemap/wavemap/internal/wavtest"
)

// pattern returns n bytes of a deterministic, non-constant signal.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/3)
	}
	return b
}

// rawFormat names the ffmpeg raw muxer that writes the samples of s as
// they are stored.
func rawFormat(s Spec) string {
	switch s.Tag {
	case TagFloat:
		return fmt.Sprintf("f%dle", s.BitsPerSample)
	case TagALaw:
		return "alaw"
	case TagMuLaw:
		return "mulaw"
	}
	if s.BitsPerSample == 8 {
		return "u8"
	}
	return fmt.Sprintf("s%dle", s.BitsPerSample)
}

var toolSpecs = []Spec{
	{Tag: TagPCM, Channels: 1, SampleRate: 8000, BitsPerSample: 8},
	{Tag: TagPCM, Channels: 2, SampleRate: 44100, BitsPerSample: 16},
	{Tag: TagPCM, Channels: 6, SampleRate: 48000, BitsPerSample: 16, ChannelMask: 0x3F},
	{Tag: TagPCM, Channels: 2, SampleRate: 96000, BitsPerSample: 24},
	{Tag: TagPCM, Channels: 3, SampleRate: 22050, BitsPerSample: 32},
	{Tag: TagPCM, Channels: 2, SampleRate: 96000, BitsPerSample: 24, ValidBits: 20, ChannelMask: 3},
	{Tag: TagFloat, Channels: 2, SampleRate: 44100, BitsPerSample: 32},
	{Tag: TagFloat, Channels: 1, SampleRate: 44100, BitsPerSample: 64},
	{Tag: TagFloat, Channels: 6, SampleRate: 48000, BitsPerSample: 32},
	{Tag: TagALaw, Channels: 1, SampleRate: 8000, BitsPerSample: 8},
	{Tag: TagMuLaw, Channels: 2, SampleRate: 8000, BitsPerSample: 8},
	{Tag: TagALaw, Channels: 2, SampleRate: 8000, BitsPerSample: 8, ChannelMask: 3},
	{Container: ContainerRF64, Tag: TagPCM, Channels: 2, SampleRate: 44100, BitsPerSample: 16},
	{Container: ContainerRF64, Tag: TagFloat, Channels: 2, SampleRate: 44100, BitsPerSample: 32},
	{Container: ContainerBW64, Tag: TagPCM, Channels: 2, SampleRate: 48000, BitsPerSample: 24},
	{Container: ContainerWave64, Tag: TagPCM, Channels: 2, SampleRate: 44100, BitsPerSample: 16},
	{Container: ContainerWave64, Tag: TagPCM, Channels: 6, SampleRate: 44100, BitsPerSample: 24},
	{Container: ContainerWave64, Tag: TagFloat, Channels: 2, SampleRate: 44100, BitsPerSample: 32},
	{Container: ContainerWave64, Tag: TagFloat, Channels: 6, SampleRate: 44100, BitsPerSample: 64},
	{Container: ContainerWave64, Tag: TagMuLaw, Channels: 1, SampleRate: 8000, BitsPerSample: 8},
}

// writeSpec writes a file of 1001 frames (odd sizes get their pad byte).
func writeSpec(t *testing.T, dir string, s Spec) (string, []byte) {
	t.Helper()
	data := pattern(1001 * s.Channels * s.BitsPerSample / 8)
	s.DataSize = int64(len(data))
	head, err := Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	ext := ".wav"
	if s.Container == ContainerWave64 {
		ext = ".w64"
	}
	name := filepath.Join(dir, fmt.Sprintf("%v-%d-%dch-%db-%dv%s", s.Container, s.Tag, s.Channels, s.BitsPerSample, s.ValidBits, ext))
	file := wavtest.Cat(head, data)
	if len(data)%2 == 1 && s.Container != ContainerWave64 {
		file = append(file, 0)
	}
	if err := os.WriteFile(name, file, 0o644); err != nil {
		t.Fatal(err)
	}
	return name, data
}

// TestEncodeFFmpeg checks that ffprobe reads the format of every header
// Encode writes and that ffmpeg finds exactly our audio bytes in it.
func TestEncodeFFmpeg(t *testing.T) {
	wavtest.Need(t, "ffprobe")
	wavtest.Need(t, "ffmpeg")
	dir := t.TempDir()
	for _, s := range toolSpecs {
		name, data := writeSpec(t, dir, s)
		t.Run(filepath.Base(name), func(t *testing.T) {
			out := wavtest.Run(t, "ffprobe", "-v", "error", "-show_entries", "stream=channels,sample_rate,duration_ts",
				"-of", "csv=p=0", name)
			if got, want := strings.TrimSpace(string(out)), fmt.Sprintf("%d,%d,1001", s.SampleRate, s.Channels); got != want {
				t.Errorf("ffprobe says %q, want %q", got, want)
			}
			raw := wavtest.Run(t, "ffmpeg", "-v", "error", "-i", name, "-c:a", "copy", "-f", rawFormat(s), "-")
			if !bytes.Equal(raw, data) {
				t.Errorf("ffmpeg decoded %d bytes, differing from the %d written", len(raw), len(data))
			}
		})
	}
}

// TestEncodeSox checks the headers with sox, except where sox 14.4.2
// itself cannot read a valid file: BW64 (unknown to it), valid bits below
// the container ("padded samples not supported"), and Wave64 with
// WAVE_FORMAT_EXTENSIBLE float (libsndfile maps it to integers).
func TestEncodeSox(t *testing.T) {
	wavtest.Need(t, "sox")
	dir := t.TempDir()
	for _, s := range toolSpecs {
		if s.Container == ContainerBW64 || s.ValidBits != 0 || s.Container == ContainerWave64 && s.Tag == TagFloat && s.Channels > 2 {
			continue
		}
		name, _ := writeSpec(t, dir, s)
		t.Run(filepath.Base(name), func(t *testing.T) {
			var got []string
			for _, opt := range []string{"-c", "-r", "-s"} {
				// Standard output only: sox warns on standard error about
				// every extensible float header, reading its cbSize twice;
				// the warning says nothing of the file.
				got = append(got, strings.TrimSpace(string(wavtest.Run(t, "sox", "--i", opt, name))))
			}
			if want := []string{fmt.Sprint(s.Channels), fmt.Sprint(s.SampleRate), "1001"}; strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("sox says %q, want %q", got, want)
			}
		})
	}
}

// TestEncodeStreamingFFmpeg pipes a header written for an unknown size,
// followed by audio, into ffmpeg: it must find all the audio.
func TestEncodeStreamingFFmpeg(t *testing.T) {
	wavtest.Need(t, "ffmpeg")
	for _, c := range []Container{ContainerRIFF, ContainerRF64, ContainerWave64} {
		t.Run(c.String(), func(t *testing.T) {
			s := Spec{Container: c, Tag: TagPCM, Channels: 2, SampleRate: 8000, BitsPerSample: 16, DataSize: -1}
			head, err := Encode(s)
			if err != nil {
				t.Fatal(err)
			}
			data := pattern(4 * 12345)
			raw := wavtest.RunInput(t, wavtest.Cat(head, data), "ffmpeg", "-v", "error", "-i", "-", "-c:a", "copy", "-f", "s16le", "-")
			if !bytes.Equal(raw, data) {
				t.Errorf("ffmpeg read %d bytes from the pipe, %d written", len(raw), len(data))
			}
		})
	}
}
