package cli

import "testing"

func TestParseTimeSpec(t *testing.T) {
	good := []struct {
		in   string
		rate int
		want int64
	}{
		{"0", 48000, 0},
		{"1.5", 48000, 72000},
		{"1.5", 44100, 66150},
		{".5", 8000, 4000},
		{"2.", 8000, 16000},
		{"0.1", 44100, 4410},    // 0.1 is not exact in binary floating point
		{"0.00001", 48000, 0},   // 0.48 frames rounds down
		{"0.0000105", 48000, 1}, // 0.504 frames rounds up
		{"0.0000625", 8000, 1},  // exactly half a frame rounds up
		{"48000s", 48000, 48000},
		{"0s", 44100, 0},
		{"17s", 8000, 17},
		{"00:01:02.500", 48000, 62*48000 + 24000},
		{"1:02.5", 48000, 62*48000 + 24000},
		{"01:00:00", 8000, 3600 * 8000},
		{"0:00:00.001", 48000, 48},
		{" 3 ", 10, 30},
		{"100000:00:00", 192000, 100000 * 3600 * 192000},
	}
	for _, c := range good {
		got, err := parseTimeSpec(c.in, c.rate)
		if err != nil || got != c.want {
			t.Errorf("parseTimeSpec(%q, %d) = %d, %v; want %d", c.in, c.rate, got, err, c.want)
		}
	}
	bad := []string{
		"", "s", "1.5s", "-1", "+1", "1e3", "abc", "1:2:3:4", "1:60", "1:00:60.0",
		"1.2:03", "::", "1:", ":5", "12ms", "99999999999999999999s", "1..2",
		"999999999999999999999999",
	}
	for _, in := range bad {
		if got, err := parseTimeSpec(in, 48000); err == nil {
			t.Errorf("parseTimeSpec(%q) = %d, want an error", in, got)
		}
	}
	if _, err := parseTimeSpec("1", 0); err == nil {
		t.Error("parseTimeSpec with rate 0: no error")
	}
}
