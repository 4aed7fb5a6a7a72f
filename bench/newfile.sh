#!/usr/bin/env bash
# What a new 4 GiB file costs to write on this machine: plain write(2),
# fallocate + write(2), and wavemap's Writer.Reserve, in random order, each
# run preceded by IDLE seconds with the previous run's file deleted.
#
#   bench/newfile.sh                 IDLE=0 REPS=6 GIB=4
#   IDLE=6 bench/newfile.sh          freed memory has time to go back to the host
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
IDLE=${IDLE:-0}
REPS=${REPS:-6}
GIB=${GIB:-4}
DIR=${DATA_DIR:-/var/tmp/wavemap-bench}
mkdir -p "$DIR/bin"
(cd "$here" && go build -o "$DIR/bin/newfile" ./newfile)
out=$DIR/newfile.out
for _ in $(seq "$REPS"); do
	for mode in $(printf '%s\n' write fallocate reserve | shuf); do
		rm -f "$out"
		sleep "$IDLE"
		"$DIR/bin/newfile" "$mode" $((GIB << 30)) "$out"
	done
done | sort -k1,1 -k2n | awk '
	{ t[$1] = t[$1] " " $2; n[$1]++; v[$1, n[$1]] = $2 }
	END { for (m in n) printf "%-10s median %.3f s  runs:%s\n", m, v[m, int((n[m] + 1) / 2)], t[m] }'
rm -f "$out"
