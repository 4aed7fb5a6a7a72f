#!/usr/bin/env bash
# Issue #16's speed check: `wavemap loudness` (with true peak) against
# ffmpeg's ebur128 filter (peak=true) on the same 1 h stereo 48 kHz s16
# file, alternating in a random order, medians.
#
#   REPS=5 bench/loudness.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
REPS=${REPS:-5}
DIR=${DATA_DIR:-/var/tmp/wavemap-bench-loud}
mkdir -p "$DIR"
wm=$DIR/wavemap
(cd "$here/.." && go build -o "$wm" ./cmd/wavemap)
in=$DIR/1h.wav
[ -f "$in" ] || "$wm" gen --seconds "${SECONDS_LEN:-3600}" --signal noise --amp 0.3 "$in" > /dev/null
cat "$in" > /dev/null
results=()
for _ in $(seq "$REPS"); do
	for p in $(printf '%s\n' wavemap wavemap-no-tp ffmpeg | shuf); do
		s=$(date +%s.%N)
		case $p in
		wavemap) "$wm" loudness -q "$in" > /dev/null ;;
		wavemap-no-tp) "$wm" loudness -q --no-true-peak "$in" > /dev/null ;;
		ffmpeg) ffmpeg -nostdin -hide_banner -nostats -v error -i "$in" -af ebur128=peak=true -f null - ;;
		esac
		e=$(date +%s.%N)
		results+=("$p $(echo "$e - $s" | bc)")
	done
done
printf '%s\n' "${results[@]}" | python3 -c '
import sys, statistics
t = {}
for line in sys.stdin:
    p, s = line.split()
    t.setdefault(p, []).append(float(s))
m = {p: statistics.median(v) for p, v in t.items()}
ff = m["ffmpeg"]
for p in ("wavemap", "wavemap-no-tp", "ffmpeg"):
    print(f"{p:14s} {m[p]:7.3f} s  ({ff/m[p]:.1f}x ffmpeg)  runs {sorted(t[p])}")
'
