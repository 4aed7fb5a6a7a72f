#!/usr/bin/env bash
# Issue #17's speed check: `wavemap peaks` against BBC audiowaveform 1.10.3
# on the same files with the same options, every job of a round in a fresh
# random order, medians, and a byte comparison (cmp) of the two outputs of
# every file and option set after every round.
#
#   AUDIOWAVEFORM=/path/to/audiowaveform REPS=3 bench/peaks.sh
#
# audiowaveform is not in Debian: build 1.10.3 from its source as its
# README says (outside this module) and name the binary in AUDIOWAVEFORM;
# without it the script looks on PATH and then in
# /var/tmp/audiowaveform-build/build/, and stops if it finds none.
#
# Files: stereo s16 noise at half scale, one of each length in LENGTHS
# (seconds: 1 h and 10 h) at each rate in RATES, made once with
# `wavemap gen` in DATA_DIR (the 10 h ones are RF64, 6.4 and 6.9 GB: about
# 15 GB of disk in all) and read into the page cache before the runs.
# Options: -z 256 and --pixels-per-second PPS, each with -b 8 and -b 16,
# all channels mixed down to one (audiowaveform's default).
#
#   LENGTHS=5 RATES=48000 REPS=1 bench/peaks.sh   # a check that it runs
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
REPS=${REPS:-3}
LENGTHS=${LENGTHS:-3600 36000}
RATES=${RATES:-44100 48000}
PPS=${PPS:-100}
DIR=${DATA_DIR:-/var/tmp/wavemap-bench-peaks}

aw=${AUDIOWAVEFORM:-}
if [ -z "$aw" ]; then
	aw=$(command -v audiowaveform || true)
fi
if [ -z "$aw" ] && [ -x /var/tmp/audiowaveform-build/build/audiowaveform ]; then
	aw=/var/tmp/audiowaveform-build/build/audiowaveform
fi
if [ -z "$aw" ] || [ ! -x "$aw" ]; then
	echo "bench/peaks.sh: no audiowaveform binary: build BBC audiowaveform 1.10.3 from its source (see its README) and set AUDIOWAVEFORM" >&2
	exit 2
fi
awv=$("$aw" --version 2>&1 | head -1)
case $awv in
*1.10.3*) ;;
*) echo "bench/peaks.sh: warning: $aw is '$awv', not 1.10.3: the outputs may differ" >&2 ;;
esac

mkdir -p "$DIR/out"
wm=$DIR/wavemap
(cd "$here/.." && go build -o "$wm" ./cmd/wavemap)

files=()
for len in $LENGTHS; do
	for rate in $RATES; do
		f=$DIR/s16-${len}s-${rate}.wav
		[ -f "$f" ] || "$wm" gen --seconds "$len" --rate "$rate" --channels 2 --type s16 --signal noise --amp 0.5 "$f" > /dev/null
		files+=("$f")
	done
done
# name|options, the same for both programs
OPTS=("z256-b8|-z 256 -b 8" "z256-b16|-z 256 -b 16" "pps$PPS-b8|--pixels-per-second $PPS -b 8" "pps$PPS-b16|--pixels-per-second $PPS -b 16")

echo "audiowaveform: $aw ($awv)"
echo "wavemap: built from $(cd "$here/.." && git rev-parse --short HEAD)"
for f in "${files[@]}"; do
	echo "$f:"
	"$wm" info "$f" | grep -E "container|frames|audio "
	cat "$f" > /dev/null
done

plan=()
for f in "${files[@]}"; do
	for o in "${OPTS[@]}"; do
		for p in wavemap audiowaveform; do
			plan+=("$p|$f|$o")
		done
	done
done

results=()
bad=0
for round in $(seq "$REPS"); do
	while IFS='|' read -r p f name args; do
		out=$DIR/out/$(basename "$f" .wav).$name.$p.dat
		rm -f "$out"
		s=$(date +%s.%N)
		# shellcheck disable=SC2086 # args is a list of options
		case $p in
		wavemap) "$wm" peaks -q $args "$f" "$out" < /dev/null > /dev/null ;;
		audiowaveform) "$aw" -q -i "$f" -o "$out" $args < /dev/null ;;
		esac
		e=$(date +%s.%N)
		results+=("$p $(basename "$f" .wav) $name $(echo "$e - $s" | bc)")
	done < <(printf '%s\n' "${plan[@]}" | shuf)
	for f in "${files[@]}"; do
		for o in "${OPTS[@]}"; do
			b=$DIR/out/$(basename "$f" .wav).${o%%|*}
			if ! cmp "$b.wavemap.dat" "$b.audiowaveform.dat"; then
				echo "round $round: $(basename "$b"): wavemap's output differs from audiowaveform's" >&2
				bad=1
			fi
		done
	done
done

printf '%s\n' "${results[@]}" | python3 -c '
import sys, statistics
t = {}
for line in sys.stdin:
    p, f, o, s = line.split()
    t.setdefault((f, o), {}).setdefault(p, []).append(float(s))
print("%-22s %-10s %9s %14s %6s  %s" % ("file", "options", "wavemap", "audiowaveform", "ratio", "runs: wavemap; audiowaveform"))
for (f, o) in sorted(t):
    w, a = sorted(t[(f, o)]["wavemap"]), sorted(t[(f, o)]["audiowaveform"])
    mw, ma = statistics.median(w), statistics.median(a)
    print("%-22s %-10s %8.3fs %13.3fs %5.1fx  %s; %s" % (f, o, mw, ma, ma / mw, w, a))
'
if [ "$bad" -ne 0 ]; then
	echo "outputs differ: see above" >&2
	exit 1
fi
echo "every output byte-identical to audiowaveform's ($REPS round(s))"
