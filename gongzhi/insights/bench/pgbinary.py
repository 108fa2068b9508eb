"""PostgreSQL's binary COPY format, encoded from numpy columns without a Python loop per row.

A chunk of rows is a list of `Column`s of equal length: numbers (int2/int4/int8, float8,
bool, timestamptz as µs since 2000-01-01 UTC, date as days since 2000-01-01), or text drawn
from a vocabulary (`Text`: an index per row into a list of byte strings, so that variable
lengths cost one vectorised gather). Any column may carry a NULL mask. `encode()` lays the
rows out in one buffer: per row an int16 field count, then per field an int32 length (−1 for
NULL) and the bytes, all big-endian.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
TRAILER = struct.pack(">h", -1)
PG_EPOCH_US = 946_684_800 * 1_000_000  # 2000-01-01T00:00:00Z in Unix microseconds
PG_EPOCH_DAYS = 10_957  # 2000-01-01 in days since 1970-01-01

_WIDTH = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "float8": ">f8", "bool": "u1"}


@dataclass
class Column:
    """Fixed-width values: `kind` in int2, int4, int8, float8, bool, timestamptz (values:
    Unix µs), date (values: Unix days)."""

    kind: str
    values: np.ndarray
    null: np.ndarray | None = None

    def payload(self) -> tuple[np.ndarray, int]:
        if self.kind == "timestamptz":
            return (self.values.astype(np.int64) - PG_EPOCH_US).astype(">i8"), 8
        if self.kind == "date":
            return (self.values.astype(np.int64) - PG_EPOCH_DAYS).astype(">i4"), 4
        dtype = np.dtype(_WIDTH[self.kind])
        return self.values.astype(dtype), dtype.itemsize


@dataclass
class Text:
    """Text from a vocabulary: row i holds vocab[index[i]] (already encoded; for jsonb, the
    version byte b"\\x01" first)."""

    vocab: list[bytes]
    index: np.ndarray
    null: np.ndarray | None = None


def constant(n: int, value: bytes) -> Text:
    return Text([value], np.zeros(n, dtype=np.int32))


def _put_int32(buf: np.ndarray, pos: np.ndarray, values: np.ndarray) -> None:
    raw = values.astype(">i4").view(np.uint8).reshape(-1, 4)
    buf[pos[:, None] + np.arange(4)] = raw


def encode(columns: list[Column | Text]) -> bytes:
    """The rows of one chunk in binary COPY layout (without the file header and trailer)."""
    n = len(columns[0].index if isinstance(columns[0], Text) else columns[0].values)
    lengths = []  # per column: payload length per row (−1 for NULL)
    for col in columns:
        if isinstance(col, Text):
            vocab_len = np.array([len(v) for v in col.vocab], dtype=np.int64)
            length = vocab_len[col.index]
        else:
            _payload, width = col.payload()
            length = np.full(n, width, dtype=np.int64)
        if col.null is not None:
            length = np.where(col.null, -1, length)
        lengths.append(length)
    row_size = 2 + sum(4 + np.maximum(length, 0) for length in lengths)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(row_size[:-1], out=starts[1:])
    buf = np.zeros(int(row_size.sum()), dtype=np.uint8)
    field_count = np.frombuffer(struct.pack(">h", len(columns)), dtype=np.uint8)
    buf[starts[:, None] + np.arange(2)] = field_count
    pos = starts + 2
    for col, length in zip(columns, lengths, strict=True):
        _put_int32(buf, pos, length)
        pos = pos + 4
        present = length > 0
        if isinstance(col, Text):
            blob = np.frombuffer(b"".join(col.vocab) or b"\0", dtype=np.uint8)
            vocab_len = np.array([len(v) for v in col.vocab], dtype=np.int64)
            vocab_start = np.zeros(len(col.vocab), dtype=np.int64)
            np.cumsum(vocab_len[:-1], out=vocab_start[1:])
            lens = np.where(present, length, 0)
            total = int(lens.sum())
            if total:
                first = np.repeat(np.cumsum(lens) - lens, lens)
                inner = np.arange(total, dtype=np.int64) - first
                dest = np.repeat(pos, lens) + inner
                src = np.repeat(vocab_start[col.index], lens) + inner
                buf[dest] = blob[src]
        else:
            payload, width = col.payload()
            raw = payload.view(np.uint8).reshape(-1, width)
            rows = np.nonzero(present)[0]
            buf[pos[rows][:, None] + np.arange(width)] = raw[rows]
        pos = pos + np.maximum(length, 0)
    return buf.tobytes()
