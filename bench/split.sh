#!/usr/bin/env bash
# Issue #15's speed check for the channel operations: `wavemap split` of an
# 8-channel s24 file (7.1, 2 GB) into eight mono files, against sox (one
# `remix N` run per channel, as sox's manual splits a file) and ffmpeg's
# channelsplit filter (one run, eight outputs), the peers in a fresh random
# order every round, medians, ratios.
#
#   REPS=5 bench/split.sh
#   SIZE_MB=8 REPS=1 bench/split.sh     a quick check that the script runs
#
# Each run writes its eight outputs into an empty directory (the previous
# run's are deleted first, so no peer replaces existing files) and every
# peer's outputs are checked once against wavemap's, byte for byte in the
# audio. wavemap syncs its outputs before renaming them into place; sox
# and ffmpeg do not sync.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
REPS=${REPS:-5}
SIZE_MB=${SIZE_MB:-2048}
DIR=${DATA_DIR:-/var/tmp/wavemap-bench-split}
mkdir -p "$DIR"
wm=$DIR/wavemap
(cd "$here/.." && go build -o "$wm" ./cmd/wavemap)
frames=$((SIZE_MB * 1000000 / 24))
in=$DIR/in-${SIZE_MB}MB.wav
if [ ! -f "$in" ]; then
	"$wm" gen --type s24 --channels 8 --rate 48000 --frames "$frames" --signal noise --amp 0.5 "$DIR/gen.wav" > /dev/null
	# Give it the 7.1 mask, so that every peer agrees on the layout.
	"$wm" remix -q --mask 0x63f "$DIR/gen.wav" "$in" 1 2 3 4 5 6 7 8 > /dev/null
	rm -f "$DIR/gen.wav"
fi
"$wm" info "$in" | sed -n '2,7p'
labels=(FL FR FC LFE BL BR SL SR)
out=$DIR/out
run() {
	rm -rf "$out"
	mkdir -p "$out"
	case $1 in
	wavemap) "$wm" split -q "$in" "$out/x.wav" > /dev/null ;;
	sox)
		for c in 1 2 3 4 5 6 7 8; do
			sox -D "$in" "$out/x.${labels[c - 1]}.wav" remix "$c"
		done
		;;
	ffmpeg)
		local maps=()
		for l in "${labels[@]}"; do
			maps+=(-map "[$l]" -c:a pcm_s24le "$out/x.$l.wav")
		done
		ffmpeg -nostdin -hide_banner -nostats -v error -y -i "$in" \
			-filter_complex "channelsplit=channel_layout=7.1[FL][FR][FC][LFE][BL][BR][SL][SR]" "${maps[@]}"
		;;
	esac
}
# Check once that the peers write the same samples.
ref=$DIR/ref
rm -rf "$ref"
run wavemap
mv "$out" "$ref"
for p in sox ffmpeg; do
	run "$p"
	for l in "${labels[@]}"; do
		"$wm" raw -q --extract "$ref/x.$l.wav" "$DIR/a.raw" > /dev/null
		"$wm" raw -q --extract "$out/x.$l.wav" "$DIR/b.raw" > /dev/null
		cmp -s "$DIR/a.raw" "$DIR/b.raw" || { echo "$p: channel $l differs from wavemap's" >&2; exit 1; }
	done
done
rm -rf "$ref" "$out" "$DIR/a.raw" "$DIR/b.raw"
cat "$in" > /dev/null
results=()
for _ in $(seq "$REPS"); do
	for p in $(printf '%s\n' wavemap sox ffmpeg | shuf); do
		s=$(date +%s.%N)
		run "$p"
		e=$(date +%s.%N)
		results+=("$p $(echo "$e - $s" | bc)")
	done
done
rm -rf "$out"
printf '%s\n' "${results[@]}" | python3 -c '
import sys, statistics
t = {}
for line in sys.stdin:
    p, s = line.split()
    t.setdefault(p, []).append(float(s))
m = {p: statistics.median(v) for p, v in t.items()}
wm = m["wavemap"]
for p in ("wavemap", "sox", "ffmpeg"):
    print(f"{p:8s} {m[p]:7.3f} s  ({m[p] / wm:.1f}x wavemap)  runs {sorted(t[p])}")
'
