#!/usr/bin/env bash
# Issue #16's speed check, on 1 h of 48 kHz s24 noise in stereo and in
# 8 channels: `wavemap loudness` against ffmpeg's ebur128 filter and
# against libebur128 (bench/peers/ebur128bench.c, built here with cc
# outside every Go module, linked with -lebur128: Debian's
# libebur128-dev), each with and without the true peak, alternating in a
# random order, medians. The targets: integrated + LRA (no true peak) at
# least 4x ffmpeg; with the true peak at least 4x libebur128.
#
#   REPS=5 bench/loudness.sh
#   CHANNELS="2" SECONDS_LEN=600 bench/loudness.sh     # stereo only, 10 min files
#
# The files (1.04 GB stereo, 4.1 GB in 8 channels) are made once in
# DATA_DIR (default /var/tmp/wavemap-bench-loud) and kept.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
REPS=${REPS:-3}
DIR=${DATA_DIR:-/var/tmp/wavemap-bench-loud}
CHANNELS=${CHANNELS:-"2 8"}
mkdir -p "$DIR"
wm=$DIR/wavemap
(cd "$here/.." && go build -o "$wm" ./cmd/wavemap)
eb=$DIR/ebur128bench
${CC:-cc} -O2 -o "$eb" "$here/peers/ebur128bench.c" -lebur128 -lm
command -v ffmpeg > /dev/null || { echo "ffmpeg is needed" >&2; exit 1; }

peers="wavemap wavemap-no-tp ffmpeg ffmpeg-no-tp libebur128 libebur128-no-tp"
for ch in $CHANNELS; do
	in=$DIR/1h-s24-${ch}ch.wav
	[ -f "$in" ] || "$wm" gen --seconds "${SECONDS_LEN:-3600}" --signal noise --amp 0.3 --type s24 --channels "$ch" "$in" > /dev/null
	cat "$in" > /dev/null
	results=()
	for _ in $(seq "$REPS"); do
		for p in $(printf '%s\n' $peers | shuf); do
			s=$(date +%s.%N)
			case $p in
			wavemap) "$wm" loudness -q "$in" > /dev/null ;;
			wavemap-no-tp) "$wm" loudness -q --no-true-peak "$in" > /dev/null ;;
			ffmpeg) ffmpeg -nostdin -hide_banner -nostats -v error -i "$in" -af ebur128=peak=true -f null - ;;
			ffmpeg-no-tp) ffmpeg -nostdin -hide_banner -nostats -v error -i "$in" -af ebur128 -f null - ;;
			libebur128) "$eb" -p "$in" > /dev/null ;;
			libebur128-no-tp) "$eb" "$in" > /dev/null ;;
			esac
			e=$(date +%s.%N)
			results+=("$p $(echo "$e - $s" | bc)")
		done
	done
	echo "== $(basename "$in"): $ch channels, REPS=$REPS"
	printf '%s\n' "${results[@]}" | python3 -c '
import sys, statistics
t = {}
for line in sys.stdin:
    p, s = line.split()
    t.setdefault(p, []).append(float(s))
m = {p: statistics.median(v) for p, v in t.items()}
for p in ("wavemap", "wavemap-no-tp", "ffmpeg", "ffmpeg-no-tp", "libebur128", "libebur128-no-tp"):
    print(f"{p:17s} {m[p]:8.3f} s  runs {sorted(t[p])}")
wm0, ff0, eb0 = m["wavemap-no-tp"], m["ffmpeg-no-tp"], m["libebur128-no-tp"]
wm1, ff1, eb1 = m["wavemap"], m["ffmpeg"], m["libebur128"]
print(f"I+LRA (no true peak): wavemap {ff0/wm0:.1f}x ffmpeg, {eb0/wm0:.1f}x libebur128 (target: 4x ffmpeg)")
print(f"with true peak:       wavemap {ff1/wm1:.1f}x ffmpeg, {eb1/wm1:.1f}x libebur128 (target: 4x libebur128)")
'
done
