#!/usr/bin/env python3
"""Turn the runner's raw CSV (and its .meta.json) into one markdown report.

usage: summarize.py RAW.csv > report.md
"""

import csv
import json
import os
import statistics
import sys

JOB_TITLES = {
    "open": "1 open + first sample",
    "stats": "2 peak + RMS per channel",
    "gain": "3 gain x0.5",
    "convert": "4 convert s16 -> f32",
    "s24": "5 s24 pass (peak + RMS)",
}
JOB_ORDER = ["open", "stats", "gain", "convert", "s24"]
FILE_ORDER = ["s16", "f32", "rf64", "s24", "-"]
REFERENCE = "wavemap CLI"


def fmt_s(x):
    if x >= 100:
        return f"{x:.0f}"
    if x >= 1:
        return f"{x:.2f}"
    if x >= 0.1:
        return f"{x:.3f}"
    return f"{x:.4f}"


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    meta = {}
    mpath = os.path.splitext(path)[0] + ".meta.json"
    if os.path.exists(mpath):
        with open(mpath) as f:
            meta = json.load(f)
    return rows, meta


def group(rows):
    """(job, file, peer) -> dict with ok walls/rss, status, how, detail, check."""
    out = {}
    order = []
    for r in rows:
        key = (r["job"], r["file"], r["peer"])
        if key not in out:
            out[key] = {"walls": [], "rss": [], "status": r["status"], "how": r["how"],
                        "detail": r["detail"], "check": "", "bytes": int(r["data_bytes"] or 0)}
            order.append(key)
        g = out[key]
        if r["status"] == "ok":
            g["walls"].append(float(r["wall_s"]))
            g["rss"].append(int(r["rss_kib"] or 0))
            g["status"] = "ok"
            if r["detail"] and not g["detail"]:
                g["detail"] = r["detail"]
        else:
            if not g["walls"]:
                g["status"], g["detail"] = r["status"], r["detail"]
        if r["check"]:
            g["check"] = r["check"]
    return out, order


def med(g):
    return statistics.median(g["walls"]) if g["walls"] else None


def report(rows, meta):
    groups, order = group(rows)
    lines = []
    p = lines.append
    p(f"# wavemap and its peers, {meta.get('date', '?')}")
    p("")
    if meta:
        p(f"Machine: {meta.get('cores')} cores ({meta.get('cpu')}), {meta.get('ram')} RAM, "
          f"{meta.get('os')}, Linux {meta.get('kernel')}. Median of {meta.get('reps')} runs per cell.")
        if meta.get("command"):
            p("")
            p(f"Reproduce: `{meta['command']}` (from the repository root).")
        if meta.get("load_start"):
            p("")
            p(f"Load average (1, 5, 15 min) at the start: {meta['load_start']}; at the end: "
              f"{meta['load_end']}. Above the number of cores, other work shared the machine "
              "and the absolute numbers are low; compare ratios.")
        p("")
        p(f"Versions: Go {meta.get('go')}, Python {meta.get('python')}, numpy {meta.get('numpy')}, "
          f"scipy {meta.get('scipy')}, soundfile {meta.get('soundfile')}, SoX {meta.get('sox')}, "
          f"ffmpeg {meta.get('ffmpeg')}, go-audio/wav {meta.get('go-audio/wav')}.")
        p("")
        p("| file | container | encoding | frames | audio bytes |")
        p("|---|---|---|---:|---:|")
        for name in ("s16", "s24", "f32", "rf64"):
            fi = meta.get("files", {}).get(name)
            if fi:
                p(f"| {name} | {fi['container']} | {fi['encoding']} {fi['channels']}ch {fi['rate']} Hz "
                  f"| {fi['frames']} | {fi['data_bytes'] / 1e9:.3f} GB |")
        p("")

    # Limits.
    cat_rate = {}
    p("## Machine limits (same run)")
    p("")
    p("| what | file | median s | GB/s |")
    p("|---|---|---:|---:|")
    for key in order:
        job, name, peer = key
        if job != "limit":
            continue
        g = groups[key]
        m = med(g)
        if m is None:
            p(f"| {g['how']} | {name} | {g['status']}: {g['detail']} | - |")
            continue
        rate = g["bytes"] / m / 1e9 if g["bytes"] else None
        if peer.startswith("cat"):
            cat_rate[name] = rate
        p(f"| {g['how']} | {name} | {fmt_s(m)} | {f'{rate:.2f}' if rate else '-'} |")
    p("")

    # Jobs.
    p("## Jobs")
    p("")
    p("Wall time and peak RSS of the whole process, median over the runs (min-max: the "
      "fastest and slowest run); GB/s = audio bytes "
      "of the input / wall time; x wavemap = this peer's time / the wavemap CLI's time "
      "(above 1: wavemap is faster); % of cat = GB/s as a fraction of `cat FILE > /dev/null` "
      "on the same cached file.")
    p("")
    p("| job | file | peer | how | wall s | min-max s | GB/s | peak RSS MiB | x wavemap | % of cat |")
    p("|---|---|---|---|---:|---:|---:|---:|---:|---:|")
    keys = [k for k in order if k[0] != "limit"]
    keys.sort(key=lambda k: (JOB_ORDER.index(k[0]) if k[0] in JOB_ORDER else 99,
                             FILE_ORDER.index(k[1]) if k[1] in FILE_ORDER else 99))
    for key in keys:
        job, name, peer = key
        g = groups[key]
        title = JOB_TITLES.get(job, job)
        m = med(g)
        if m is None:
            why = g["detail"] or g["how"]
            status = {"na": "n/a", "refused": "refused", "failed": "failed", "timeout": "timeout"}.get(
                g["status"], g["status"])
            if g["how"].startswith("n/a"):
                cell = g["how"]
            else:
                cell = f"{status}: {why}"[:110]
            how = "" if g["how"].startswith("n/a") else g["how"]
            p(f"| {title} | {name} | {peer} | {how} | {cell} | - | - | - | - | - |")
            continue
        rss = statistics.median(g["rss"]) / 1024
        ref = groups.get((job, name, REFERENCE))
        rm = med(ref) if ref else None
        ratio = f"{m / rm:.2f}" if rm else "-"
        if job == "open":
            rate_s, frac = "-", "-"
        else:
            rate = g["bytes"] / m / 1e9
            rate_s = f"{rate:.2f}"
            cr = cat_rate.get(name)
            frac = f"{100 * rate / cr:.0f}%" if cr else "-"
        spread = f"{fmt_s(min(g['walls']))}-{fmt_s(max(g['walls']))}"
        p(f"| {title} | {name} | {peer} | {g['how']} | {fmt_s(m)} | {spread} | {rate_s} | {rss:.0f} | {ratio} | {frac} |")
    p("")

    # Checks: what the gain and convert outputs measure, so that every row did the work.
    checks = [(k, groups[k]) for k in keys if groups[k]["check"]]
    if checks:
        p("## Output checks (first run of each gain/convert, measured by the numpy peer)")
        p("")
        for (job, name, peer), g in checks:
            p(f"- {JOB_TITLES.get(job, job)}, {peer}: {g['check']}")
        p("")
    return "\n".join(lines)


def main():
    if len(sys.argv) != 2:
        print("usage: summarize.py RAW.csv", file=sys.stderr)
        sys.exit(2)
    rows, meta = load(sys.argv[1])
    print(report(rows, meta))


if __name__ == "__main__":
    main()
