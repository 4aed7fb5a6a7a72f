#!/usr/bin/env python3
"""python-soundfile (libsndfile) peer: buffered block reads and writes.

Samples are read in their own width (int16 for s16, int32 for s24, whose
libsndfile representation is left-justified in 32 bits, float32 for f32), so
no job pays for a conversion to float64 that it does not need.

gain:    in place through mode "r+": read a block, seek back, write it.
convert: blocks read as float32 (libsndfile divides by 32768), written with
         subtype FLOAT (RF64 when the output passes 4 GiB).
"""

import os
import sys

import numpy as np
import soundfile as sf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

# How each subtype is read, and the full scale of that representation.
READ_AS = {
    "PCM_16": ("int16", 32768.0),
    "PCM_24": ("int32", 2147483648.0),
    "PCM_32": ("int32", 2147483648.0),
    "FLOAT": ("float32", 1.0),
    "DOUBLE": ("float64", 1.0),
}


def opened(path, mode="r"):
    try:
        return sf.SoundFile(path, mode)
    except Exception as e:
        common.refuse(f"{type(e).__name__}: {e}")


def cmd_open(path):
    with opened(path) as f:
        dtype, _ = READ_AS.get(f.subtype, ("float64", 1.0))
        first = f.read(1, dtype=dtype, always_2d=True)
        print(f"{f.format} {f.subtype} {f.channels}ch {f.samplerate}Hz {f.frames} frames; "
              f"first sample {first[0, 0]}")


def cmd_stats(path):
    with opened(path) as f:
        dtype, scale = READ_AS.get(f.subtype, ("float64", 1.0))
        st = common.Stats(f.channels, scale)
        for b in f.blocks(blocksize=common.BLOCK_FRAMES, dtype=dtype, always_2d=True):
            st.add(b)
        st.report()


def cmd_gain(path):
    with opened(path, "r+") as f:
        if f.subtype != "PCM_16":
            common.refuse("gain peer written for s16", "NA")
        buf = np.empty((common.BLOCK_FRAMES, f.channels), dtype=np.int16)
        while True:
            pos = f.tell()
            b = f.read(out=buf)
            if len(b) == 0:
                break
            b //= 2
            f.seek(pos)
            f.write(b)


def cmd_convert(src, dst):
    with opened(src) as f:
        big = f.frames * f.channels * 4 >= (1 << 32) - 64
        with sf.SoundFile(dst, "w", samplerate=f.samplerate, channels=f.channels,
                          subtype="FLOAT", format="RF64" if big else "WAV") as out:
            for b in f.blocks(blocksize=common.BLOCK_FRAMES, dtype="float32", always_2d=True):
                out.write(b)


def main(argv):
    if len(argv) < 3:
        common.usage(argv[0])
    job = argv[1]
    if job == "open":
        cmd_open(argv[2])
    elif job == "stats":
        cmd_stats(argv[2])
    elif job == "gain":
        cmd_gain(argv[2])
    elif job == "convert" and len(argv) == 4:
        cmd_convert(argv[2], argv[3])
    else:
        common.usage(argv[0])


if __name__ == "__main__":
    main(sys.argv)
