#!/usr/bin/env bash
# Issue #18: the paths of knobs.go (WAVEMAP_READPATH, WAVEMAP_GAINPATH,
# WAVEMAP_CONVERTPATH, WAVEMAP_WRITEBACK) as whole processes, against the
# yardsticks and peers of the issue, in a fresh random order every round,
# so that the defaults can be chosen from one run on a quiet machine.
#
#   bench/readpath.sh                       (REPS=7, the 1977 MiB files of bench/run.sh)
#   SIZE_MB=16 REPS=1 bench/readpath.sh     (a smoke test)
#   JOBS=stats,gain bench/readpath.sh       (a subset: stats, gain, convert)
#
# Jobs and what runs in each (every run a whole process; wall time, and
# peak RSS from GNU time):
#   stats    wavemap stats on s16, s24 and f32 with READPATH=auto|map|pread|populate
#            (auto: the default); cat FILE; two dd bs=4M over the two halves at
#            once; numpy.memmap; soundfile. Each file is settled before each run
#            (see settle): s16, s24 and f32 cached in large folios, as a file
#            read from disk is; s16-4k.wav, a copy of s16, in 4 KiB folios, the
#            page cache's other state, where the mapping is slow
#   gain     wavemap gain --factor 0.5 (in place, journaled as the command is)
#            with GAINPATH=map|populate|ahead|pwrite on a fresh copy, settled;
#            the default way with --no-journal (what the journal costs);
#            the dirty floor (memlimit dirty: every page of the copy made
#            writable and dirty on both cores, no byte computed or changed:
#            what any in-place edit through the mapping pays the kernel);
#            soundfile r+; numpy.memmap r+
#   convert  wavemap convert --to f32 with CONVERTPATH=pair|ring x
#            READPATH=map|pread, and ring with WRITEBACK=0; the write(2) floor
#            (memlimit newfile) and the floor followed by fsync (the command
#            syncs before its rename; the floor and the peers do not); the
#            direct floor (four dd oflag=direct writers of 16 MiB blocks over
#            the four quarters of a file of the output's size rounded up to
#            64 MiB, then sync, failing if any dd fails: what
#            the disk takes to hold the output, with nothing converted);
#            numpy; sox
#
# The table (median, ratios to the issue's yardsticks, peak RSS) goes to
# stdout and bench/results/DATE-readpath.txt; the raw runs to DATE-readpath.csv.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
REPS=${REPS:-7}
SIZE_MB=${SIZE_MB:-1977}
DIR=${DATA_DIR:-/var/tmp/wavemap-bench}
PYTHON=${PYTHON:-/usr/bin/python3}
JOBS=${JOBS:-stats,gain,convert}
BIN=$DIR/bin
mkdir -p "$BIN" "$here/results"
(cd "$root" && go build -o "$BIN/wavemap" ./cmd/wavemap)
(cd "$here" && go build -o "$BIN/" ./memlimit)
have_py() { "$PYTHON" -c "import $1" 2>/dev/null; }
have_py numpy || echo "readpath.sh: no numpy for $PYTHON: its rows are left out" >&2
have_py soundfile || echo "readpath.sh: no soundfile for $PYTHON: its rows are left out" >&2

# The data: the files of bench/run.sh when they are there with the same
# size, else made here (suffix -SIZE so that a smoke test does not replace
# them).
frames=$((SIZE_MB * 1048576 / 4))
gen() { # type
	local out=$DIR/$1.wav params="gen --type $1 --channels 2 --rate 48000 --frames $frames --signal noise --container auto"
	if [ "$SIZE_MB" != 1977 ]; then out=$DIR/$1-$SIZE_MB.wav; fi
	if ! [ -f "$out" ] || [ "$(cat "$out.params" 2>/dev/null)" != "$params" ]; then
		rm -f "$out" "$out.params"
		# shellcheck disable=SC2086
		"$BIN/wavemap" $params "$out" > /dev/null
		echo "$params" > "$out.params"
	fi
	echo "$out"
}
s16=$(gen s16)
s24=$(gen s24)
f32=$(gen f32)
# The page cache of a file as a file read from disk has it: gen writes
# through a mapping, which leaves the file's pages cached in 4 KiB folios;
# read back after an eviction they come in large folios (Linux 6.16+ on
# ext4), which a mapped pass faults in far more cheaply. A file copied in
# or recorded by another program is in the second state. This machine kind
# also reclaims file pages left idle for a minute (a DAMON pageout scheme,
# /sys/kernel/mm/damon), and what a plain cat reads back then comes in
# whatever folios read-ahead makes, so a file's state drifts between runs.
# settle FILE puts it in the first state before every run: written back,
# dropped from the cache, read back whole with large reads. settle4k FILE
# puts it in the second: dropped, then read back a page at a time with
# read-ahead off (16 threads, so that it takes seconds, not a minute).
settle() {
	"$PYTHON" -c 'import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.fsync(fd)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
while os.read(fd, 8 << 20):
    pass' "$1"
}
settle4k() {
	"$PYTHON" -c 'import os, sys, threading
fd = os.open(sys.argv[1], os.O_RDONLY)
os.fsync(fd)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_RANDOM)
size, n = os.fstat(fd).st_size, 16
part = (size // n + 4095) // 4096 * 4096
def read(lo):
    for off in range(lo, min(lo + part, size), 4096):
        os.pread(fd, 4096, off)
ts = [threading.Thread(target=read, args=(i * part,)) for i in range(n)]
for t in ts: t.start()
for t in ts: t.join()' "$1"
}
# s16-4k.wav: a copy of s16 for the second state (a file of its own: the
# two states cannot share one page cache).
s16k=${s16%.wav}-4k.wav
case ",$JOBS," in *,stats,*) cp "$s16" "$s16k" ;; esac
work=$DIR/readpath-work.wav
out=$DIR/readpath-out.wav
data_bytes() { "$PYTHON" -c "import sys; sys.path.insert(0, '$here/peers'); import common; print(common.walk_header('$1').data_size)"; }

stamp=$(date -u +%Y-%m-%d-%H%M)
csv=$here/results/$stamp-readpath.csv
echo "job,file,peer,rep,seconds,maxrss_kib" > "$csv"

# timed JOB FILE PEER REP CMD...: one run, wall time and peak RSS.
timed() {
	local job=$1 file=$2 peer=$3 rep=$4
	shift 4
	local s e rss=""
	s=$(date +%s.%N)
	if ! /usr/bin/time -f '%M' -o "$DIR/readpath.rss" "$@" > /dev/null 2> "$DIR/readpath.err"; then
		echo "readpath.sh: $job $peer failed: $(tail -3 "$DIR/readpath.err")" >&2
		return
	fi
	e=$(date +%s.%N)
	rss=$(tail -1 "$DIR/readpath.rss")
	echo "$job,$file,$peer,$rep,$(echo "$e - $s" | bc),$rss" >> "$csv"
}

# dd2 FILE: two dd bs=4M readers over the two halves of FILE at once.
dd2() {
	local size half
	size=$(stat -c %s "$1")
	half=$(( (size / 2 + 4194303) / 4194304 ))
	dd if="$1" of=/dev/null bs=4M count="$half" status=none &
	dd if="$1" of=/dev/null bs=4M skip="$half" status=none
	wait
}
export -f dd2

stats_peers="auto map pread populate cat dd2"
have_py numpy && stats_peers="$stats_peers numpy"
have_py soundfile && stats_peers="$stats_peers soundfile"
run_stats() { # peer file rep
	local f=$2
	if [ "$f" = "$s16k" ]; then settle4k "$f"; else settle "$f"; fi
	case $1 in
	auto | map | pread | populate) timed stats "$(basename "$f")" "wavemap $1" "$3" env WAVEMAP_READPATH="$1" "$BIN/wavemap" stats "$f" ;;
	cat) timed stats "$(basename "$f")" cat "$3" sh -c 'cat "$1" > /dev/null' sh "$f" ;;
	dd2) timed stats "$(basename "$f")" "dd2 bs=4M" "$3" bash -c 'dd2 "$1"' bash "$f" ;;
	numpy) timed stats "$(basename "$f")" numpy "$3" "$PYTHON" "$here/peers/numpy_memmap.py" stats "$f" ;;
	soundfile) timed stats "$(basename "$f")" soundfile "$3" "$PYTHON" "$here/peers/soundfile_blocks.py" stats "$f" ;;
	esac
}

gain_peers="map populate ahead pwrite nojournal dirty"
have_py numpy && gain_peers="$gain_peers numpy"
have_py soundfile && gain_peers="$gain_peers soundfile"
run_gain() { # peer rep
	rm -f "$work" "$work.wavemap-journal"
	cp "$s16" "$work"
	settle "$work"
	case $1 in
	map | populate | ahead | pwrite) timed gain s16 "wavemap $1" "$2" env WAVEMAP_GAINPATH="$1" "$BIN/wavemap" gain -q --factor 0.5 "$work" ;;
	nojournal) timed gain s16 "wavemap --no-journal" "$2" "$BIN/wavemap" gain -q --no-journal --factor 0.5 "$work" ;;
	dirty) timed gain s16 "dirty floor" "$2" "$BIN/memlimit" dirty "$(stat -c %s "$work")" "$work" ;;
	numpy) timed gain s16 numpy "$2" "$PYTHON" "$here/peers/numpy_memmap.py" gain "$work" ;;
	soundfile) timed gain s16 "soundfile r+" "$2" "$PYTHON" "$here/peers/soundfile_blocks.py" gain "$work" ;;
	esac
}

convert_peers="pair/map pair/pread ring/map ring/pread ring/map/nowb direct/map floor floor+fsync direct-floor sox"
have_py numpy && convert_peers="$convert_peers numpy"
run_convert() { # peer rep bytes
	rm -f "$out"
	settle "$s16"
	case $1 in
	*/*)
		local cp=${1%%/*} rest=${1#*/} wb=1
		local rp=${rest%%/*}
		[ "$rest" != "$rp" ] && wb=0
		timed convert s16 "wavemap $1" "$2" env WAVEMAP_CONVERTPATH="$cp" WAVEMAP_READPATH="$rp" WAVEMAP_WRITEBACK="$wb" \
			"$BIN/wavemap" convert -q --to f32 "$s16" "$out"
		;;
	floor) timed convert s16 "write(2) floor" "$2" "$BIN/memlimit" newfile "$3" "$out" ;;
	floor+fsync) timed convert s16 "floor + fsync" "$2" sh -c '"$1" newfile "$2" "$3" && sync "$3"' sh "$BIN/memlimit" "$3" "$out" ;;
	direct-floor) timed convert s16 "direct floor" "$2" sh -c 'n=$(( ($2 + 4*16777216 - 1) / (4*16777216) ))
pids=""
for i in 0 1 2 3; do dd if=/dev/zero of="$1" bs=16M count=$n seek=$((i*n)) oflag=direct conv=notrunc status=none & pids="$pids $!"; done
for p in $pids; do wait "$p" || exit 1; done
sync "$1"' sh "$out" "$3" ;;
	numpy) timed convert s16 numpy "$2" "$PYTHON" "$here/peers/numpy_memmap.py" convert "$s16" "$out" ;;
	sox) timed convert s16 sox "$2" sox "$s16" -e floating-point -b 32 "$out" ;;
	esac
}

out_bytes=$(( $(data_bytes "$s16") * 2 ))
for rep in $(seq "$REPS"); do
	case ",$JOBS," in *,stats,*)
		for f in "$s16" "$s24" "$f32" "$s16k"; do
			for p in $(printf '%s\n' $stats_peers | shuf); do run_stats "$p" "$f" "$rep"; done
		done
	esac
	case ",$JOBS," in *,gain,*)
		for p in $(printf '%s\n' $gain_peers | shuf); do run_gain "$p" "$rep"; done
	esac
	case ",$JOBS," in *,convert,*)
		for p in $(printf '%s\n' $convert_peers | shuf); do run_convert "$p" "$rep" "$out_bytes"; done
	esac
done
rm -f "$work" "$work.wavemap-journal" "$out" "$s16k" "$DIR/readpath.rss" "$DIR/readpath.err"

# The table: medians, and each row over its job's yardstick (cat for
# stats, soundfile r+ for gain, the write(2) floor for convert).
"$PYTHON" - "$csv" <<'EOF' | tee "${csv%.csv}.txt"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
groups = {}
for r in rows:
    groups.setdefault((r["job"], r["file"], r["peer"]), []).append(r)
yard = {"stats": "cat", "gain": "soundfile r+", "convert": "write(2) floor"}
med = {k: statistics.median(float(r["seconds"]) for r in v) for k, v in groups.items()}
print(f"{'job':8} {'file':14} {'peer':24} {'median s':>9} {'x yard':>8} {'runs':>4} {'max RSS MiB':>11}")
for (job, file, peer), v in sorted(groups.items()):
    y = med.get((job, file, yard[job]))
    ratio = f"{y / med[(job, file, peer)]:.2f}" if y else "-"
    rss = max(int(r["maxrss_kib"] or 0) for r in v) / 1024
    print(f"{job:8} {file:14} {peer:24} {med[(job, file, peer)]:9.3f} {ratio:>8} {len(v):4} {rss:11.1f}")
print("x yard: the yardstick's median over the row's (above 1: faster than it); "
      "yardsticks: cat (stats), soundfile r+ (gain), write(2) floor (convert)")
EOF
