#!/usr/bin/env python3
"""Run the wavemap-vs-peers benchmark and write the raw results as CSV.

Called by run.sh, which installs the tools, builds the Go programs and makes
the data. Every run is a whole process (as a user would run it); its wall
time and peak RSS come from the same run (perf_counter around the process,
GNU time's %M for the peak RSS). Within each (job, file) group the peers take
turns: repetition r runs them in the peer order rotated by r, so slow
drifts of a shared machine spread over all of them. The input file is read
through `cat` (untimed) before every run so that every peer starts on a
page-cached file.

Environment: BIN (built binaries), DATA_DIR, REPS (5), TIMEOUT (s per run,
900), OUT (CSV path), JOBS / PEERS (comma-separated filters, optional).
"""

import csv
import json
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "peers"))
import common  # noqa: E402

BIN = os.environ.get("BIN", "/tmp/wavemap-bench-bin")
DATA = os.environ.get("DATA_DIR", "/var/tmp/wavemap-bench")
REPS = int(os.environ.get("REPS", "5"))
TIMEOUT = float(os.environ.get("TIMEOUT", "900"))
OUT = os.environ.get("OUT", os.path.join(HERE, "results", "raw.csv"))
PY = sys.executable
PEERS_DIR = os.path.join(HERE, "peers")

FILES = {name: os.path.join(DATA, name + ".wav") for name in ("s16", "s24", "f32", "rf64")}
WORK = os.path.join(DATA, "work.wav")    # fresh copy for the in-place gain job
OUTPUT = os.path.join(DATA, "out.wav")   # new file written by gain / convert

# (job id, file) groups, in run order. "s24" is job 5, the peak+RMS pass over
# the 24-bit file; it is its own job because most peers must decode 24-bit.
GROUPS = [
    ("open", "s16"), ("open", "rf64"),
    ("stats", "s16"), ("stats", "f32"), ("stats", "rf64"),
    ("gain", "s16"),
    ("convert", "s16"),
    ("s24", "s24"),
]


def wavemap_commands():
    """The commands `wavemap help` lists (stats, gain, convert may be missing)."""
    try:
        out = subprocess.run([os.path.join(BIN, "wavemap"), "help"], capture_output=True,
                             text=True, timeout=30).stdout
    except OSError:
        return set()
    return {m.group(1) for m in re.finditer(r"^\s{2}(\w+)\s", out, re.M)}


def py(script, *args):
    return [PY, os.path.join(PEERS_DIR, script)] + list(args)


class Peer:
    """One way of doing the jobs. plan(job, path) returns (argv, how) where
    argv is the command (None: the peer does not do this job, with how saying
    why) and how says what it does: mapped / decoded, in place / new file."""

    def __init__(self, name, plan):
        self.name = name
        self.plan = plan


def make_peers():
    wm = os.path.join(BIN, "wavemap")
    cmds = wavemap_commands()

    def need(cmd):
        return cmd in cmds

    def wavemap_cli(job, f):
        if job == "open":
            return [wm, "info", f], "CLI `info`: header parse + chunk listing"
        if job in ("stats", "s24"):
            if not need("stats"):
                return None, "n/a (stats not built)"
            return [wm, "stats", "-q", f], "mapped, parallel blocks"
        if job == "gain":
            if not need("gain"):
                return None, "n/a (gain not built)"
            return [wm, "gain", "-q", "--factor", "0.5", WORK], "in place (mapped r+, no msync: --sync adds it)"
        if job == "convert":
            if not need("convert"):
                return None, "n/a (convert not built)"
            return [wm, "convert", "-q", "--to", "f32", f, OUTPUT], "mapped in, converted on 2 cores, `Writer.Reserve`, write(2) out"
        return None, "-"

    def wmfirst(job, f):
        if job == "open":
            return [os.path.join(BIN, "wmfirst"), f], "Go API: Open + Samples[T][0]"
        return None, None

    def numpy_memmap(job, f):
        if job == "open":
            return py("numpy_memmap.py", "open", f), "header walk by hand + memmap"
        if job == "stats":
            return py("numpy_memmap.py", "stats", f), "memmap, blocks"
        if job == "s24":
            return py("numpy_memmap.py", "stats", f), "memmap bytes, decode 24-bit per block"
        if job == "gain":
            return py("numpy_memmap.py", "gain", WORK), "in place (memmap r+, `a //= 2`, no flush)"
        if job == "convert":
            return py("numpy_memmap.py", "convert", f, OUTPUT), "memmap in, tofile() blocks out"

    def numpy_flush(job, f):
        if job == "gain":
            return py("numpy_memmap.py", "gain", "--flush", WORK), "in place + flush() (msync)"
        return None, None

    def scipy(job, f):
        if job == "open":
            return py("scipy_wavfile.py", "open", f), "read(mmap=True)"
        if job in ("stats", "s24"):
            return py("scipy_wavfile.py", "stats", f), "read(mmap=True), blocks"
        if job == "gain":
            return py("scipy_wavfile.py", "gain", WORK, OUTPUT), "new file (array in RAM, write())"
        if job == "convert":
            return py("scipy_wavfile.py", "convert", f, OUTPUT), "new file (f32 array in RAM, write())"

    def soundfile(job, f):
        if job == "open":
            return py("soundfile_blocks.py", "open", f), "SoundFile + read(1)"
        if job in ("stats", "s24"):
            return py("soundfile_blocks.py", "stats", f), "decoded blocks (libsndfile)"
        if job == "gain":
            return py("soundfile_blocks.py", "gain", WORK), "in place (r+: read, seek, write)"
        if job == "convert":
            return py("soundfile_blocks.py", "convert", f, OUTPUT), "decoded blocks, new file"

    def sox(job, f):
        if job == "open":
            return ["sox", f, "-n", "trim", "0s", "1s"], "decode 1 sample to null"
        if job in ("stats", "s24"):
            return ["sox", f, "-n", "stats"], "`stats` effect (many more stats)"
        if job == "gain":
            return ["sox", "-D", WORK, OUTPUT, "vol", "0.5"], "new file, dither off (-D)"
        if job == "convert":
            return ["sox", f, "-e", "floating-point", "-b", "32", OUTPUT], "new file"

    ff = ["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-y"]

    def ffmpeg(job, f):
        if job == "open":
            return ff + ["-v", "error", "-i", f, "-frames:a", "1", "-f", "null", "-"], "decode 1st frame to null"
        if job in ("stats", "s24"):
            return (ff + ["-i", f, "-af",
                          "astats=measure_perchannel=Peak_level+RMS_level:measure_overall=none",
                          "-f", "null", "-"], "`astats` per channel")
        if job == "gain":
            return (ff + ["-v", "error", "-i", WORK, "-af", "volume=0.5", "-c:a", "pcm_s16le", OUTPUT],
                    "new file (`volume` filter)")
        if job == "convert":
            return ff + ["-v", "error", "-i", f, "-c:a", "pcm_f32le", "-rf64", "auto", OUTPUT], "new file"

    def ffmpeg_vd(job, f):
        if job in ("stats", "s24"):
            return ff + ["-i", f, "-af", "volumedetect", "-f", "null", "-"], "`volumedetect`: all channels together"
        return None, None

    goaudio_bin = os.path.join(BIN, "goaudio")

    def goaudio(job, f):
        if job == "open":
            return [goaudio_bin, "open", f], "Decoder + PCMBuffer"
        if job in ("stats", "s24"):
            return [goaudio_bin, "stats", f], "decoded PCMBuffer blocks ([]int)"
        if job == "gain":
            return [goaudio_bin, "gain", WORK, OUTPUT], "new file (decode + Encoder)"
        if job == "convert":
            return [goaudio_bin, "convert", f, OUTPUT], "new file (float bits via int32 Encoder)"

    def write_floor(job, f):
        if job == "convert":
            out_bytes = common.walk_header(f).data_size * 2  # s16 -> f32 doubles the audio bytes
            return ([os.path.join(BIN, "memlimit"), "newfile", str(out_bytes), OUTPUT],
                    "no conversion: plain write(2) of the output's bytes from memory, 1 thread")
        return None, None

    peers = [
        Peer("wavemap CLI", wavemap_cli),
        Peer("write(2) floor", write_floor),
        Peer("wavemap Go API", wmfirst),
        Peer("numpy.memmap", numpy_memmap),
        Peer("numpy.memmap +flush", numpy_flush),
        Peer("scipy wavfile mmap", scipy),
        Peer("soundfile", soundfile),
        Peer("sox", sox),
        Peer("ffmpeg", ffmpeg),
        Peer("ffmpeg volumedetect", ffmpeg_vd),
        Peer("go-audio/wav", goaudio),
    ]
    only = os.environ.get("PEERS")
    if only:
        keep = {p.strip() for p in only.split(",")}
        peers = [p for p in peers if p.name in keep]
    return peers


def run(argv, discard_stdout=False):
    """Run argv, return (exit code, wall s, peak RSS KiB, stdout, stderr).

    With discard_stdout the command writes to /dev/null (for `cat`).

    Peak RSS comes from GNU time (`/usr/bin/time -f %M`), which forks the
    command from its own small process: a child forked from this Python
    process would carry the parent's resident size until exec, and the
    kernel counts that in ru_maxrss. The wall time is taken here around the
    whole thing, so it includes GNU time's fork + exec (about a millisecond,
    the same for every peer; see the "empty process" limit row).
    """
    out_path, err_path = os.path.join(DATA, ".stdout"), os.path.join(DATA, ".stderr")
    rss_path = os.path.join(DATA, ".rss")
    remove(rss_path)
    with open(os.devnull if discard_stdout else out_path, "w") as so, open(err_path, "w") as se:
        t0 = time.perf_counter()
        p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss_path, "--"] + argv,
                             stdin=subprocess.DEVNULL, stdout=so, stderr=se, start_new_session=True)
        # A blocking wait: Popen.wait(timeout=...) polls with sleeps of up
        # to 50 ms, too coarse for the open job. A timer enforces TIMEOUT.
        timer = threading.Timer(TIMEOUT, os.killpg, (p.pid, signal.SIGKILL))
        timer.start()
        code = p.wait()
        wall = time.perf_counter() - t0
        timer.cancel()
    rss = 0
    try:
        with open(rss_path) as f:
            # GNU time may put "Command exited with non-zero status N" first.
            nums = [ln.strip() for ln in f if ln.strip().isdigit()]
            rss = int(nums[-1]) if nums else 0
    except OSError:
        pass
    out = ""
    if not discard_stdout:
        with open(out_path, errors="replace") as so:
            out = so.read(1 << 20)
    with open(err_path, errors="replace") as se:
        return code, wall, rss, out, se.read(1 << 20)


def warm(path):
    subprocess.run(["cat", path], stdout=subprocess.DEVNULL, check=True)


def fresh_copy(src):
    """Copy src to WORK and fsync it, untimed: every gain peer starts on the
    same kind of file (pages freshly written, clean, cached)."""
    shutil.copyfile(src, WORK)
    fd = os.open(WORK, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove(*paths):
    for p in paths:
        try:
            os.remove(p)
        except FileNotFoundError:
            pass


def one_line(text, limit=160):
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return (lines[-1] if lines else "")[:limit]


def stats_line(text):
    """The part of a run's output worth keeping: the measured values."""
    keep = []
    for ln in text.splitlines():
        if re.search(r"frames \d+:|first sample|Peak level dB|RMS level dB|max_volume|mean_volume|"
                     r"Pk lev dB|RMS lev dB", ln):
            keep.append(" ".join(ln.split()))
    return " | ".join(keep)[:400]


def check_output(job, path):
    """After the first repetition of gain/convert, measure the result with the
    numpy peer so that the table only shows jobs that did the work."""
    if not os.path.exists(path):
        return "no output file"
    code, _, _, out, err = run(py("numpy_memmap.py", "stats", path))
    return one_line(out if code == 0 else err)


def main():
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    load_start = "%.2f %.2f %.2f" % os.getloadavg()
    jobs_only = {j.strip() for j in os.environ.get("JOBS", "").split(",") if j.strip()}
    peers = make_peers()
    info = {name: common.walk_header(path) for name, path in FILES.items()}
    rows = []
    fields = ["job", "file", "peer", "rep", "status", "wall_s", "rss_kib", "data_bytes",
              "how", "detail", "check"]

    def record(**kw):
        row = {k: kw.get(k, "") for k in fields}
        rows.append(row)
        with open(OUT, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields)
            w.writeheader()
            w.writerows(rows)

    # Machine limits, measured in the same run.
    limit_groups = [("limit", name) for name in ("s16", "s24", "f32", "rf64")]
    s16_bytes = info["s16"].data_size
    if not jobs_only or "limit" in jobs_only:
        for rep in range(REPS):
            for _, name in limit_groups:
                path = FILES[name]
                warm(path)
                code, wall, rss, out, err = run(["cat", path], discard_stdout=True)
                record(job="limit", file=name, peer="cat (cached)", rep=rep, status="ok" if code == 0 else "failed",
                       wall_s=f"{wall:.6f}", rss_kib=rss, data_bytes=info[name].data_size,
                       how="`cat FILE > /dev/null` on the cached file, whole process")
            for mode, what in (("copy", "Go copy() of the same byte count (256 MiB buffers), in process"),
                               ("touch", "first write to as many bytes of fresh memory (page faults), in process")):
                code, wall, rss, out, err = run([os.path.join(BIN, "memlimit"), mode, str(s16_bytes)])
                m = re.search(r"\(\d+ bytes in ([\d.]+) s\)", out)
                record(job="limit", file="s16", peer="memlimit " + mode, rep=rep,
                       status="ok" if code == 0 and m else "failed",
                       wall_s=m.group(1) if m else f"{wall:.6f}", rss_kib=rss, data_bytes=s16_bytes,
                       how=what, detail=one_line(out or err))
            code, wall, rss, out, err = run(["/bin/true"])
            record(job="limit", file="-", peer="empty process", rep=rep, status="ok", wall_s=f"{wall:.6f}",
                   rss_kib=rss, data_bytes=0, how="empty process (`/bin/true`): the cost of starting one")
            print(f"limits rep {rep} done", file=sys.stderr, flush=True)

    for job, name in GROUPS:
        if jobs_only and job not in jobs_only:
            continue
        path = FILES[name]
        active = []
        for p in peers:
            argv, how = p.plan(job, path) or (None, None)
            if argv is None and how is None:
                continue  # the peer has no variant for this job
            if argv is None:
                record(job=job, file=name, peer=p.name, rep=0, status="na", how=how,
                       data_bytes=info[name].data_size)
                continue
            active.append((p, argv, how))
        done = {}  # peer name -> final status when a peer is dropped early
        for rep in range(REPS):
            # A fresh shuffle every round (seeded, so a rerun repeats it):
            # a fixed rotation would always run each peer right after the
            # same other one, and on a virtual machine that hands freed
            # memory back to its host, what a run that writes a new file
            # costs depends on what the run before it freed.
            order = active[:]
            random.Random(rep).shuffle(order)
            for p, argv, how in order:
                if p.name in done:
                    continue
                remove(OUTPUT, WORK)
                if job == "gain":
                    fresh_copy(path)
                else:
                    warm(path)
                code, wall, rss, out, err = run(argv)
                check = ""
                if code == 0:
                    status = "ok"
                    detail = stats_line(out + "\n" + err)
                    if rep == 0 and job in ("gain", "convert"):
                        inplace = "in place" in how
                        check = check_output(job, WORK if inplace else OUTPUT)
                elif code == common.EXIT_REFUSED:
                    msg = one_line(out) or one_line(err)
                    status = "na" if msg.startswith("NA:") else "refused"
                    detail = msg.split(":", 1)[1].strip() if ":" in msg else msg
                elif code < 0 or wall >= TIMEOUT:
                    status, detail = "timeout" if wall >= TIMEOUT else "failed", one_line(err) or f"signal {-code}"
                else:
                    status, detail = "failed", one_line(err) or one_line(out) or f"exit {code}"
                if status == "failed" and re.search(r"RF64|not understood|unsupported|invalid|not supported",
                                                    detail, re.I):
                    status = "refused"
                record(job=job, file=name, peer=p.name, rep=rep, status=status, wall_s=f"{wall:.6f}",
                       rss_kib=rss, data_bytes=info[name].data_size, how=how, detail=detail, check=check)
                if status != "ok":
                    done[p.name] = status
                print(f"{job:8} {name:5} rep {rep} {p.name:22} {status:8} {wall:8.3f} s {rss / 1024:8.1f} MiB",
                      file=sys.stderr, flush=True)
        remove(OUTPUT, WORK)

    meta = machine_info()
    meta["command"] = os.environ.get("RUN_CMD", "bench/run.sh")
    meta["load_start"], meta["load_end"] = load_start, "%.2f %.2f %.2f" % os.getloadavg()
    with open(os.path.splitext(OUT)[0] + ".meta.json", "w") as f:
        json.dump(meta, f, indent=1)


def cmd_version(argv, pattern=None):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        text = (r.stdout + r.stderr).strip()
    except OSError:
        return "?"
    if pattern:
        m = re.search(pattern, text)
        return m.group(1) if m else "?"
    return text.splitlines()[0] if text else "?"


def machine_info():
    mem = "?"
    with open("/proc/meminfo") as f:
        for ln in f:
            if ln.startswith("MemTotal:"):
                mem = f"{int(ln.split()[1]) / 1024 / 1024:.1f} GiB"
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for ln in f:
            if ln.startswith("model name"):
                cpu = ln.split(":", 1)[1].strip()
                break
    import numpy
    import scipy
    import soundfile
    goaudio = "?"
    try:
        with open(os.path.join(HERE, "go.mod")) as f:
            m = re.search(r"github.com/go-audio/wav (v[\w.\-]+)", f.read())
            goaudio = m.group(1) if m else "?"
    except OSError:
        pass
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "ram": mem,
        "kernel": platform.release(),
        "os": cmd_version(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "reps": REPS,
        "go": cmd_version(["go", "version"], r"go version (\S+)"),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "soundfile": f"{soundfile.__version__} (libsndfile {soundfile.__libsndfile_version__})",
        "sox": cmd_version(["sox", "--version"], r"SoX v(\S+)"),
        "ffmpeg": cmd_version(["ffmpeg", "-version"], r"ffmpeg version (\S+)"),
        "go-audio/wav": goaudio,
        "files": {name: {"path": FILES[name], "container": info.container, "encoding": info.encoding,
                         "channels": info.channels, "rate": info.rate, "frames": info.frames,
                         "data_bytes": info.data_size}
                  for name, info in ((n, common.walk_header(p)) for n, p in FILES.items())},
    }


if __name__ == "__main__":
    main()
