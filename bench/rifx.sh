#!/usr/bin/env bash
# Issue #14's speed check: `wavemap stats` on a 2 GB s16 stereo file as
# RIFX (big-endian: every sample byte-swapped on the way in) against the
# same audio as RIFF, alternating, in one run; medians.
#
#   REPS=7 bench/rifx.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
REPS=${REPS:-7}
DIR=${DATA_DIR:-/var/tmp/wavemap-bench-rifx}
mkdir -p "$DIR"
wm=$DIR/wavemap
(cd "$here/.." && go build -o "$wm" ./cmd/wavemap)
le=$DIR/s16.wav
be=$DIR/s16be.wav
[ -f "$le" ] || "$wm" gen --seconds "${SECONDS_LEN:-11185}" --signal noise "$le" > /dev/null # 2 GiB
[ -f "$be" ] || "$wm" convert -q --to s16be "$le" "$be" > /dev/null
cat "$le" "$be" > /dev/null
results=()
for _ in $(seq "$REPS"); do
	for f in $(printf '%s\n' s16 s16be | shuf); do
		s=$(date +%s.%N)
		"$wm" stats -q "$DIR/$f.wav" > /dev/null
		e=$(date +%s.%N)
		results+=("$f $(echo "$e - $s" | bc)")
	done
done
printf '%s\n' "${results[@]}" | python3 -c '
import sys, statistics
t = {}
for line in sys.stdin:
    f, s = line.split()
    t.setdefault(f, []).append(float(s))
le, be = statistics.median(t["s16"]), statistics.median(t["s16be"])
print(f"stats RIFF s16 {le:.3f} s, RIFX s16be {be:.3f} s: RIFX at {le/be:.2f}x the speed of RIFF")
print("runs:", {k: sorted(v) for k, v in t.items()})
'
