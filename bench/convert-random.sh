#!/usr/bin/env bash
# Job 4 (convert s16 -> f32 into a new file) with the peers in a fresh
# random order in every round, so that no peer always follows the same
# other one: on a virtual machine that hands freed memory back to its
# host, a run's cost depends on what the run before it freed (see
# BENCHMARKS.md section 3). Uses the data and binaries of bench/run.sh
# (run it first, e.g. JOBS=limit REPS=1 bench/run.sh).
#
#   REPS=10 bench/convert-random.sh    (the table also goes to
#                                       bench/results/DATE-convert-random.txt)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
REPS=${REPS:-10}
DIR=${DATA_DIR:-/var/tmp/wavemap-bench}
PYTHON=${PYTHON:-/usr/bin/python3}
in=$DIR/s16.wav
out=$DIR/out.wav
[ -f "$in" ] && [ -x "$DIR/bin/wavemap" ] && [ -x "$DIR/bin/memlimit" ] || {
	echo "convert-random.sh: run bench/run.sh first (it makes $in and the binaries)" >&2
	exit 1
}
bytes=$(( $("$PYTHON" -c "import sys; sys.path.insert(0, '$here/peers'); import common; print(common.walk_header('$in').data_size)") * 2 ))
cat "$in" > /dev/null
run() {
	case $1 in
	wavemap) "$DIR/bin/wavemap" convert -q --to f32 "$in" "$out" > /dev/null ;;
	numpy) "$PYTHON" "$here/peers/numpy_memmap.py" convert "$in" "$out" ;;
	sox) sox "$in" -e floating-point -b 32 "$out" ;;
	ffmpeg) ffmpeg -nostdin -hide_banner -nostats -y -v error -i "$in" -c:a pcm_f32le -rf64 auto "$out" ;;
	floor) "$DIR/bin/memlimit" newfile "$bytes" "$out" > /dev/null ;;
	esac
}
for _ in $(seq "$REPS"); do
	for p in $(printf '%s\n' wavemap numpy sox ffmpeg floor | shuf); do
		rm -f "$out"
		s=$(date +%s.%N)
		run "$p"
		e=$(date +%s.%N)
		echo "$p $(echo "$e - $s" | bc)"
	done
done | sort -k1,1 -k2n | awk '
	{ t[$1] = t[$1] sprintf(" %.2f", $2); n[$1]++; v[$1, n[$1]] = $2 }
	END {
		for (p in n) m[p] = v[p, int((n[p] + 1) / 2)]
		for (p in n) printf "%-8s median %6.3f s  %5.2fx wavemap  runs:%s\n", p, m[p], m[p] / m["wavemap"], t[p]
	}' | tee "$here/results/$(date -u +%Y-%m-%d-%H%M)-convert-random.txt"
rm -f "$out"
