#!/usr/bin/env bash
# Issue #13's benchmarks: do metadata chunks cost convert and cut anything,
# and what does a tag edit cost on a huge file?
#
#   REPS=7 bench/metadata.sh
#
# Makes a 1 GiB s16 stereo file twice, once plain and once with a rich set
# of chunks (bext, LIST/INFO, iXML, cue + adtl, smpl, _PMX, 64 KiB of
# unknown chunks, on both sides of the data: wavemap tag and markers put
# them there), then times `wavemap convert --to f32` and `wavemap cut` of
# each, the two files in a fresh random order every round, and prints the
# medians. The tag edit on a 20 GB sparse file is BenchmarkWriteMetadata20GB
# (go test -bench WriteMetadata20GB -benchtime 50x .).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
REPS=${REPS:-7}
DIR=${DATA_DIR:-/var/tmp/wavemap-bench-meta}
mkdir -p "$DIR"
wm=$DIR/wavemap
(cd "$here/.." && go build -o "$wm" ./cmd/wavemap)
plain=$DIR/plain.wav
rich=$DIR/rich.wav
if [ ! -f "$plain" ]; then
	"$wm" gen --seconds "${SECONDS_LEN:-5592}" --rate 48000 --channels 2 --signal noise "$plain" # 1 GiB of s16
fi
if [ ! -f "$rich" ]; then
	cp "$plain" "$rich"
	"$wm" tag -q --set title="A title" --set artist="Someone" --set comment="$(head -c 3000 /dev/zero | tr '\0' c)" \
		--set bext.description="scene 1" --set bext.originator="bench" --set bext.time_reference=172800000 "$rich"
	"$wm" markers -q --add 1=one --add 2=two --region 3..4=three "$rich"
	"$wm" meta export "$rich" "$DIR/rich.json"
	python3 - "$DIR/rich.json" <<'PY'
import base64, json, sys
p = sys.argv[1]
d = json.load(open(p))
d["ixml"] = {"document": "<BWFXML><PROJECT>bench</PROJECT><SCENE>1</SCENE></BWFXML>"}
d.setdefault("chunks", []).extend([
    {"id": "_PMX", "after_data": True, "base64": base64.b64encode(b"<x:xmpmeta/>" * 100).decode()},
    {"id": "zzzz", "after_data": False, "base64": base64.b64encode(bytes(32768)).decode()},
    {"id": "yyyy", "after_data": True, "base64": base64.b64encode(bytes(32768)).decode()},
])
json.dump(d, open(p, "w"))
PY
	"$wm" meta import -q "$rich" "$DIR/rich.json"
fi
"$wm" info "$rich" | sed -n '/chunks/,/tags/p' | head -20
cat "$plain" "$rich" > /dev/null
out=$DIR/out.wav
results=()
for _ in $(seq "$REPS"); do
	for job in convert cut; do
		for f in $(printf '%s\n' plain rich | shuf); do
			rm -f "$out"
			s=$(date +%s.%N)
			case $job in
			convert) "$wm" convert -q --to f32 "$DIR/$f.wav" "$out" > /dev/null ;;
			cut) "$wm" cut -q --from 1 --to "$(( ${SECONDS_LEN:-5592} - 1 ))" "$DIR/$f.wav" "$out" > /dev/null ;;
			esac
			e=$(date +%s.%N)
			results+=("$job $f $(echo "$e - $s" | bc)")
		done
	done
done
rm -f "$out"
printf '%s\n' "${results[@]}" | python3 -c '
import sys, statistics
t = {}
for line in sys.stdin:
    job, f, s = line.split()
    t.setdefault((job, f), []).append(float(s))
for job in ("convert", "cut"):
    p, r = statistics.median(t[(job, "plain")]), statistics.median(t[(job, "rich")])
    pr, rr = sorted(t[(job, "plain")]), sorted(t[(job, "rich")])
    print(f"{job:8s} plain {p:.3f} s  with metadata {r:.3f} s  ratio {r/p:.3f}  (runs: plain {pr}, rich {rr})")
'
