"""Shared helpers for the Python peers of the wavemap benchmark.

Each peer script is a small command-line program:

    PEER.py open FILE          read the format and the first sample
    PEER.py stats FILE         per-channel peak and RMS over the whole file
    PEER.py gain FILE [OUT]    gain x0.5 (in place, or into OUT)
    PEER.py convert IN OUT     s16 -> f32 WAV

A peer that cannot do a job on a file prints "REFUSED: why" (the library
itself said no) or "NA: why" (the peer has no way to do it) and exits 3, so
the runner can tell refusals from crashes.

Only the access layer differs between the numpy, scipy and soundfile peers:
they all reduce their blocks with block_stats() below, so the arithmetic is
the same numpy code everywhere.
"""

import struct
import sys

import numpy as np

EXIT_REFUSED = 3

# Frames per block: 256 Ki frames is 1 MiB of s16 stereo, the same order as
# wavemap's DefaultBlockFrames.
BLOCK_FRAMES = 1 << 18


def refuse(msg, kind="REFUSED"):
    """Report that the peer cannot do the job and exit with EXIT_REFUSED."""
    msg = " ".join(str(msg).split())
    print(f"{kind}: {msg}")
    sys.exit(EXIT_REFUSED)


class WavInfo:
    """What a header walk finds: enough to map the data with numpy."""

    def __init__(self):
        self.container = "RIFF"
        self.tag = 0
        self.channels = 0
        self.rate = 0
        self.bits = 0
        self.block_align = 0
        self.data_offset = 0
        self.data_size = 0

    @property
    def encoding(self):
        if self.tag == 3 and self.bits == 32:
            return "f32"
        if self.tag == 3 and self.bits == 64:
            return "f64"
        if self.tag == 1:
            return {8: "u8", 16: "s16", 24: "s24", 32: "s32"}.get(self.bits, "?")
        return "?"

    @property
    def frames(self):
        return self.data_size // self.block_align


def walk_header(path):
    """Walk the chunks of a RIFF or RF64 WAVE file and return a WavInfo.

    This is what a numpy.memmap user has to write by hand before mapping.
    """
    info = WavInfo()
    with open(path, "rb") as f:
        f.seek(0, 2)
        file_size = f.tell()
        f.seek(0)
        riff = f.read(12)
        if len(riff) < 12 or riff[8:12] != b"WAVE" or riff[:4] not in (b"RIFF", b"RF64", b"BW64"):
            raise ValueError("not a RIFF/RF64 WAVE file")
        info.container = riff[:4].decode()
        ds64_data = None
        pos = 12
        while pos + 8 <= file_size:
            f.seek(pos)
            cid, size = struct.unpack("<4sI", f.read(8))
            if cid == b"ds64":
                body = f.read(min(size, 28))
                ds64_data = struct.unpack("<Q", body[8:16])[0]
            elif cid == b"fmt ":
                body = f.read(min(size, 40))
                tag, ch, rate, _, align, bits = struct.unpack("<HHIIHH", body[:16])
                if tag == 0xFFFE and len(body) >= 40:
                    tag = struct.unpack("<H", body[24:26])[0]
                info.tag, info.channels, info.rate = tag, ch, rate
                info.block_align, info.bits = align, bits
            elif cid == b"data":
                if size == 0xFFFFFFFF and ds64_data is not None:
                    size = ds64_data
                size = min(size, file_size - pos - 8)
                info.data_offset, info.data_size = pos + 8, size
                break
            pos += 8 + size + (size & 1)
    if not info.channels or not info.data_offset:
        raise ValueError("no fmt or data chunk")
    return info


class Stats:
    """Running per-channel peak (of |x|) and sum of squares."""

    def __init__(self, channels, full_scale):
        self.full_scale = float(full_scale)
        self.peak = np.zeros(channels, dtype=np.float64)
        self.sumsq = np.zeros(channels, dtype=np.float64)
        self.n = 0

    def add(self, block):
        """Fold a (frames, channels) block of integers or floats in.

        Channel by channel: numpy's reductions along axis 0 of a (n, 2)
        array are several times slower than max/min/dot over one strided
        column (measured), so this is the faster way to write it.
        """
        if block.size == 0:
            return
        for c in range(block.shape[1]):
            col = block[:, c]
            hi, lo = float(col.max()), float(col.min())
            self.peak[c] = max(self.peak[c], hi, -lo)
            x = col.astype(np.float64)
            self.sumsq[c] += np.dot(x, x)
        self.n += block.shape[0]

    def report(self):
        peak = self.peak / self.full_scale
        rms = np.sqrt(self.sumsq / max(self.n, 1)) / self.full_scale
        parts = [f"ch{c} peak {peak[c]:.6f} rms {rms[c]:.6f}" for c in range(len(peak))]
        print(f"frames {self.n}: " + "; ".join(parts))


def s24_to_int32(raw):
    """Decode packed little-endian 24-bit samples, shape (..., 3) uint8."""
    lo = raw[..., 0].astype(np.int32)
    mid = raw[..., 1].astype(np.int32)
    hi = raw[..., 2].view(np.int8).astype(np.int32)
    return lo | (mid << 8) | (hi << 16)


def full_scale(encoding):
    return {"s16": 32768.0, "s24": 8388608.0, "s32": 2147483648.0}.get(encoding, 1.0)


def wav_header(channels, rate, bits, tag, data_size):
    """A canonical 44-byte header, or an RF64 header when the data passes 4 GiB."""
    align = channels * bits // 8
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * align, align, bits)
    if data_size + 36 < 0xFFFFFFFF:
        return (b"RIFF" + struct.pack("<I", 36 + data_size) + b"WAVE"
                + b"fmt " + struct.pack("<I", 16) + fmt
                + b"data" + struct.pack("<I", data_size))
    riff_size = 4 + (8 + 28) + (8 + 16) + 8 + data_size
    ds64 = struct.pack("<QQQI", riff_size, data_size, data_size // align, 0)
    return (b"RF64" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE"
            + b"ds64" + struct.pack("<I", 28) + ds64
            + b"fmt " + struct.pack("<I", 16) + fmt
            + b"data" + struct.pack("<I", 0xFFFFFFFF))


def usage(prog):
    print(f"usage: {prog} open|stats FILE | gain FILE [OUT] | convert IN OUT", file=sys.stderr)
    sys.exit(2)
