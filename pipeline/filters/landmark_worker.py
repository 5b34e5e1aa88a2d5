"""The process that runs dlib's 68-point landmark predictor for pipeline/filters/face_shape.py.

A process of its own because dlib holds the GIL: loading the 100 MB model takes about half a second
during which no other Python thread of the studio would run (the program would skip ~15 frames),
and each prediction holds it for its ~0.6 ms. Here the load happens beside the studio, and the
program thread waits for each answer on a pipe, which lets the other threads run.

    python -m pipeline.filters.landmark_worker MODEL_FILE

Protocol on stdin/stdout, little-endian. Once loaded it writes ``R``, or ``E`` + a message and
exits. Then, per request ``<6i`` (height, width, x, y, box width, box height) + height x width grey
bytes, it answers ``P`` + 68 x 2 float32 (x, y). It ends at the end of its input.
"""

from __future__ import annotations

import struct
import sys
from typing import BinaryIO

REQUEST = struct.Struct("<6i")
POINTS = 68
ANSWER_BYTES = 1 + POINTS * 2 * 4
MAX_SIDE = 4096


def error(out: BinaryIO, message: str) -> None:
    data = message.encode("utf-8", "replace")
    out.write(b"E" + struct.pack("<i", len(data)) + data)
    out.flush()


def read_exactly(source: BinaryIO, size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = source.read(size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def serve(model_file: str, source: BinaryIO, out: BinaryIO) -> int:
    try:
        import dlib
        import numpy as np
    except ImportError as exc:
        error(out, f"face shaping needs dlib: pip install dlib-bin ({exc})")
        return 1
    try:
        predictor = dlib.shape_predictor(model_file)
    except RuntimeError as exc:
        error(out, f"cannot read the landmark model {model_file}: {exc}")
        return 1
    out.write(b"R")
    out.flush()
    while (header := read_exactly(source, REQUEST.size)) is not None:
        height, width, x, y, w, h = REQUEST.unpack(header)
        if not (0 < height <= MAX_SIDE and 0 < width <= MAX_SIDE):
            error(out, f"bad request: a {width}x{height} picture")
            return 1
        pixels = read_exactly(source, height * width)
        if pixels is None:
            break
        grey = np.frombuffer(pixels, np.uint8).reshape(height, width)
        shape = predictor(grey, dlib.rectangle(x, y, x + w, y + h))
        points = np.array([(p.x, p.y) for p in shape.parts()], "<f4")
        out.write(b"P" + points.tobytes())
        out.flush()
    return 0


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    return serve(sys.argv[1], sys.stdin.buffer, sys.stdout.buffer)


if __name__ == "__main__":
    sys.exit(main())
