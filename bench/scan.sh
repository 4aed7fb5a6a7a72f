#!/usr/bin/env bash
# Issue #15's corpus check: `wavemap scan` of N small files (1,000 by
# default: 2 s clips, s16/s24/f32, mono/stereo, 16/48 kHz, in 10 folders)
# against the usual shell way, a loop running ffprobe (format) and
# `sox FILE -n stats` (levels) on each file, and the same two tools on
# all cores (xargs -P). Page-cached files, whole processes, the peers in
# a random order every repetition, medians. Target: scan at least 20x the
# loop.
#
#   REPS=5 N=1000 bench/scan.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
REPS=${REPS:-3}
N=${N:-1000}
DIR=${DATA_DIR:-/var/tmp/wavemap-bench-scan}
mkdir -p "$DIR"
wm=$DIR/wavemap
(cd "$here/.." && go build -o "$wm" ./cmd/wavemap)
tree=$DIR/tree.$N
if [ ! -d "$tree" ]; then
	base=$DIR/base
	mkdir -p "$base"
	k=0
	for type in s16 s24 f32; do
		for ch in 1 2; do
			for rate in 16000 48000; do
				[ -f "$base/$k.wav" ] || "$wm" gen -q --seconds 2 --signal noise --amp 0.3 --type $type --channels $ch --rate $rate "$base/$k.wav" > /dev/null
				k=$((k + 1))
			done
		done
	done
	mkdir -p "$tree.tmp"
	for i in $(seq 0 $((N - 1))); do
		d=$tree.tmp/d$((i % 10))
		mkdir -p "$d"
		cp "$base/$((i % k)).wav" "$d/f$i.wav"
	done
	mv "$tree.tmp" "$tree"
fi
cat "$tree"/*/*.wav > /dev/null

peer_loop() {
	for f in "$tree"/*/*.wav; do
		ffprobe -v error -show_entries stream=codec_name,sample_rate,channels,duration -of csv=p=0 "$f"
		sox "$f" -n stats 2>&1
	done > /dev/null
}
peer_xargs() {
	printf '%s\0' "$tree"/*/*.wav | xargs -0 -n 1 -P "$(nproc)" sh -c \
		'ffprobe -v error -show_entries stream=codec_name,sample_rate,channels,duration -of csv=p=0 "$0"; sox "$0" -n stats 2>&1' > /dev/null
}

results=()
for _ in $(seq "$REPS"); do
	for p in $(printf '%s\n' wavemap loop xargs | shuf); do
		s=$(date +%s.%N)
		case $p in
		wavemap) "$wm" scan -q "$tree" > /dev/null ;;
		loop) peer_loop ;;
		xargs) peer_xargs ;;
		esac
		e=$(date +%s.%N)
		results+=("$p $(echo "$e - $s" | bc)")
	done
done
printf '%s\n' "${results[@]}" | N=$N python3 -c '
import os, sys, statistics
t = {}
for line in sys.stdin:
    p, s = line.split()
    t.setdefault(p, []).append(float(s))
m = {p: statistics.median(v) for p, v in t.items()}
n = int(os.environ["N"])
wm = m["wavemap"]
for p in ("wavemap", "loop", "xargs"):
    print(f"{p:8s} {m[p]:8.3f} s  {1e3*m[p]/n:7.3f} ms/file  ({m[p]/wm:6.1f}x the time of wavemap)  runs {sorted(t[p])}")
'
