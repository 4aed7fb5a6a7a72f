#!/usr/bin/env bash
# Benchmark wavemap against the tools people already use, on the same files
# in the same run, and print one markdown report.
#
#   bench/run.sh                      full run (about 3 h of stereo audio per
#                                     file: 1.9 GiB s16, 2.9 GiB s24, 3.9 GiB
#                                     f32, and a 5 GiB RF64 s16 file)
#   SIZE_MB=256 REPS=3 bench/run.sh   quick run
#
# Environment:
#   SIZE_MB     size of the s16 file in MiB; s24 and f32 hold the same audio
#               (default 1977: 3 h, so that the f32 file and the s16 -> f32
#               output stay under plain RIFF's 4 GiB limit)
#   RF64_MB     size of the RF64 s16 file in MiB (default 5120)
#   REPS        runs per peer and job, the median is reported (default 5)
#   DATA_DIR    where the data and binaries go (default /var/tmp/wavemap-bench);
#               files are reused when they were made with the same parameters
#   TIMEOUT     seconds before one run is killed (default 900)
#   JOBS        only these jobs (comma list of limit,open,stats,gain,convert,s24)
#   PEERS       only these peers (comma list of names as in the table)
#   NO_INSTALL  set to 1 to skip apt-get
#   PYTHON      the Python that has numpy, scipy and soundfile (default /usr/bin/python3)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
SIZE_MB=${SIZE_MB:-1977}
RF64_MB=${RF64_MB:-5120}
REPS=${REPS:-5}
DATA_DIR=${DATA_DIR:-/var/tmp/wavemap-bench}
PYTHON=${PYTHON:-/usr/bin/python3}
export REPS DATA_DIR
export PYTHONDONTWRITEBYTECODE=1
export TIMEOUT=${TIMEOUT:-900}
export BIN=$DATA_DIR/bin

say() { printf '== %s\n' "$*" >&2; }

# 1. Tools. Debian packages for the peers; the Go peers come through the
#    module proxy when the bench module builds.
if [ "${NO_INSTALL:-0}" != 1 ]; then
	missing=()
	command -v sox >/dev/null || missing+=(sox)
	command -v ffmpeg >/dev/null || missing+=(ffmpeg)
	[ -x "$PYTHON" ] || missing+=(python3)
	[ -x /usr/bin/time ] || missing+=(time)
	for mod in numpy scipy soundfile; do
		"$PYTHON" -c "import $mod" 2>/dev/null || missing+=("python3-$mod")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		say "installing ${missing[*]}"
		sudo=""
		[ "$(id -u)" = 0 ] || sudo=sudo
		$sudo apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}"
	fi
fi
command -v go >/dev/null || { echo "run.sh: Go 1.26 is needed (https://go.dev/dl)" >&2; exit 1; }

# 2. Binaries: the wavemap CLI from this checkout, and the Go programs of the
#    bench module (go-audio/wav peer, wavemap first-sample program, limits).
mkdir -p "$BIN"
say "building into $BIN"
(cd "$root" && go build -o "$BIN/wavemap" ./cmd/wavemap)
(cd "$here" && go build -o "$BIN/" ./goaudio ./wmfirst ./memlimit)

# 3. Data, made by `wavemap gen` (white noise at half scale), reused when the
#    parameters match.
frames=$((SIZE_MB * 1048576 / 4))
rf64_frames=$((RF64_MB * 1048576 / 4))
need_mb=$((SIZE_MB * 9 / 2 + RF64_MB + SIZE_MB * 3 + 256))
free_mb=$(df -Pm "$(dirname "$DATA_DIR")" | awk 'NR==2 {print $4}')
gen() { # name type frames container
	local out=$DATA_DIR/$1.wav params="gen --type $2 --channels 2 --rate 48000 --frames $3 --signal noise --container $4"
	if [ -f "$out" ] && [ "$(cat "$out.params" 2>/dev/null)" = "$params" ]; then
		return
	fi
	if [ "$free_mb" -lt "$need_mb" ]; then
		echo "run.sh: about $need_mb MiB of free disk needed in $DATA_DIR, $free_mb available" >&2
		exit 1
	fi
	say "making $out"
	rm -f "$out" "$out.params"
	# shellcheck disable=SC2086
	"$BIN/wavemap" $params "$out"
	echo "$params" >"$out.params"
}
gen s16 s16 "$frames" auto
gen s24 s24 "$frames" auto
gen f32 f32 "$frames" auto
gen rf64 s16 "$rf64_frames" rf64

# 4. Run, then summarise.
stamp=$(date +%Y-%m-%d-%H%M)
mkdir -p "$here/results"
export OUT=$here/results/$stamp.csv
export RUN_CMD="SIZE_MB=$SIZE_MB RF64_MB=$RF64_MB REPS=$REPS bench/run.sh"
say "running (REPS=$REPS, raw results in $OUT)"
"$PYTHON" "$here/runner.py"
"$PYTHON" "$here/summarize.py" "$OUT" | tee "$here/results/$stamp.md"
say "report written to $here/results/$stamp.md"
