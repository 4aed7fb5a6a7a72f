#!/usr/bin/env python3
"""numpy.memmap peer: walk the header by hand, map the data chunk, work in blocks.

gain:    in place through mode "r+", integer floor division (a //= 2), no flush
         unless --flush is given (then a.flush(), i.e. msync, is timed too).
convert: maps the input, writes the output with ndarray.tofile in blocks.
s24:     there is no 24-bit dtype: map bytes, decode each block to int32.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

DTYPES = {"u8": np.uint8, "s16": np.int16, "s32": np.int32, "f32": np.float32, "f64": np.float64}


def mapped(path, mode="r"):
    info = common.walk_header(path)
    enc = info.encoding
    if enc == "s24":
        m = np.memmap(path, dtype=np.uint8, mode=mode, offset=info.data_offset,
                      shape=(info.frames, info.channels, 3))
    elif enc in DTYPES:
        m = np.memmap(path, dtype=DTYPES[enc], mode=mode, offset=info.data_offset,
                      shape=(info.frames, info.channels))
    else:
        common.refuse(f"encoding tag {info.tag} bits {info.bits}")
    return info, m


def cmd_open(path):
    info, m = mapped(path)
    first = common.s24_to_int32(m[0, 0]) if info.encoding == "s24" else m[0, 0]
    print(f"{info.container} {info.encoding} {info.channels}ch {info.rate}Hz "
          f"{info.frames} frames; first sample {first}")


def cmd_stats(path):
    info, m = mapped(path)
    st = common.Stats(info.channels, common.full_scale(info.encoding))
    for i in range(0, info.frames, common.BLOCK_FRAMES):
        b = m[i:i + common.BLOCK_FRAMES]
        if info.encoding == "s24":
            b = common.s24_to_int32(b)
        st.add(b)
    st.report()


def cmd_gain(path, flush):
    info, m = mapped(path, "r+")
    if info.encoding not in ("s16", "s32"):
        common.refuse("gain peer written for s16/s32", "NA")
    m //= 2
    if flush:
        m.flush()
    del m


def cmd_convert(src, dst):
    info, m = mapped(src)
    if info.encoding != "s16":
        common.refuse("convert peer written for s16 input", "NA")
    scale = np.float32(1.0 / 32768.0)
    with open(dst, "wb") as out:
        out.write(common.wav_header(info.channels, info.rate, 32, 3, info.frames * info.channels * 4))
        for i in range(0, info.frames, common.BLOCK_FRAMES):
            b = m[i:i + common.BLOCK_FRAMES]
            np.multiply(b, scale, dtype=np.float32).tofile(out)


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    flags = [a for a in argv[1:] if a.startswith("--")]
    if len(args) < 2:
        common.usage(argv[0])
    job = args[0]
    if job == "open":
        cmd_open(args[1])
    elif job == "stats":
        cmd_stats(args[1])
    elif job == "gain":
        cmd_gain(args[1], "--flush" in flags)
    elif job == "convert" and len(args) == 3:
        cmd_convert(args[1], args[2])
    else:
        common.usage(argv[0])


if __name__ == "__main__":
    main(sys.argv)
