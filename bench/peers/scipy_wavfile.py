#!/usr/bin/env python3
"""scipy.io.wavfile peer, with mmap=True wherever scipy accepts it.

scipy maps read-only (a private copy-on-write array), so it cannot edit in
place: gain and convert build the result array in memory and write a new file
with wavfile.write. scipy refuses mmap=True for 24-bit files and for RF64;
those are reported as refused rather than silently falling back to a full
read into memory.
"""

import os
import sys
import warnings

import numpy as np
from scipy.io import wavfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def read(path):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rate, data = wavfile.read(path, mmap=True)
    except Exception as e:  # scipy raises ValueError for what it will not map
        common.refuse(f"{type(e).__name__}: {e}")
    if data.ndim == 1:
        data = data.reshape(-1, 1)
    return rate, data


def encoding(data):
    return {np.dtype(np.int16): "s16", np.dtype(np.int32): "s32",
            np.dtype(np.float32): "f32", np.dtype(np.float64): "f64"}.get(data.dtype, "?")


def cmd_open(path):
    rate, data = read(path)
    print(f"{data.dtype} {data.shape[1]}ch {rate}Hz {data.shape[0]} frames; first sample {data[0, 0]}")


def cmd_stats(path):
    rate, data = read(path)
    st = common.Stats(data.shape[1], common.full_scale(encoding(data)))
    for i in range(0, data.shape[0], common.BLOCK_FRAMES):
        st.add(data[i:i + common.BLOCK_FRAMES])
    st.report()


def cmd_gain(path, out):
    rate, data = read(path)
    wavfile.write(out, rate, data // 2)


def cmd_convert(src, dst):
    rate, data = read(src)
    if data.dtype != np.int16:
        common.refuse("convert peer written for s16 input", "NA")
    f = data.astype(np.float32)
    f *= np.float32(1.0 / 32768.0)
    wavfile.write(dst, rate, f)


def main(argv):
    if len(argv) < 3:
        common.usage(argv[0])
    job = argv[1]
    if job == "open":
        cmd_open(argv[2])
    elif job == "stats":
        cmd_stats(argv[2])
    elif job == "gain" and len(argv) == 4:
        cmd_gain(argv[2], argv[3])
    elif job == "convert" and len(argv) == 4:
        cmd_convert(argv[2], argv[3])
    else:
        common.usage(argv[0])


if __name__ == "__main__":
    main(sys.argv)
