"""PostgreSQL's binary COPY format, encoded from numpy columns without a Python loop per row.

A chunk of rows is a list of `Column`s of equal length: numbers (int2/int4/int8, float8,
bool, timestamptz as µs since 2000-01-01 UTC, date as days since 2000-01-01), or text drawn
from a vocabulary (`Text`: an index per row into a list of byte strings, so that variable
lengths cost one vectorised gather). Any column may carry a NULL mask. `encode()` lays the
rows out in one buffer: per row an int16 field count, then per field an int32 length (−1 for
NULL) and the bytes, all big-endian.
"""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass
from typing import cast

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


def _codes(col: Column | Text, n: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Per row: a small code of the row's layout for this column (its payload length, −1 for
    NULL) and, for text, the vocabulary's lengths."""
    if isinstance(col, Text):
        vocab_len = np.array([len(v) for v in col.vocab], dtype=np.int64)
        length = vocab_len[col.index]
    else:
        _payload, width = col.payload()
        length = np.full(n, width, dtype=np.int64)
    if col.null is not None:
        length = np.where(col.null, -1, length)
    return length, None


def encode(columns: list[Column | Text], *, tail: int | None = None) -> bytes:
    """The rows of one chunk in binary COPY layout (without the file header and trailer).

    Rows whose fields have the same lengths (the same NULLs, the same text lengths) have the
    same byte layout: each such group is one numpy structured array filled column by column,
    so the cost is a few vectorised copies per group rather than work per byte. Text columns
    whose lengths vary freely would make too many groups: from index `tail` on, columns (all
    Text) are appended to each row by one bytes join over per-row pieces instead. Row order
    within a chunk is not kept (ids are explicit).
    """
    first = columns[0]
    n = len(first.index if isinstance(first, Text) else first.values)
    tail = len(columns) if tail is None else tail
    head = columns[:tail]
    lengths = [_codes(col, n)[0] for col in head]
    varying = [i for i, length in enumerate(lengths) if length.min() != length.max()]
    if varying:
        # One int64 key per row: the mixed-radix number of its columns' length codes.
        key = np.zeros(n, dtype=np.int64)
        for i in varying:
            values, code = np.unique(lengths[i], return_inverse=True)
            key = key * len(values) + code.ravel()
        order = np.argsort(key, kind="stable")
        bounds = np.flatnonzero(np.diff(key[order])) + 1
        groups = np.split(order, bounds)
    else:
        order = np.arange(n)
        groups = [order]
    payloads = [col.payload() if isinstance(col, Column) else None for col in head]
    vocabs = [np.array(col.vocab, dtype=object) if isinstance(col, Text) else None for col in head]
    heads: list[bytes] = []
    count = struct.pack(">h", len(columns))
    for rows in groups:
        r0 = int(rows[0])
        fields: list[tuple[str, object]] = [("n", "V2")]
        for i, col in enumerate(head):
            length = int(lengths[i][r0])
            fields.append((f"l{i}", ">i4"))
            if length <= 0:
                continue
            if isinstance(col, Text):
                fields.append((f"v{i}", f"S{length}"))
            else:
                fields.append((f"v{i}", payloads[i][0].dtype))  # type: ignore[index]
        arr = np.empty(len(rows), dtype=np.dtype(fields))
        arr["n"] = np.void(count)
        for i, col in enumerate(head):
            length = int(lengths[i][r0])
            arr[f"l{i}"] = length
            if length <= 0:
                continue
            if isinstance(col, Text):
                vocab = vocabs[i]
                assert vocab is not None
                arr[f"v{i}"] = vocab[col.index[rows]].astype(f"S{length}")
            else:
                arr[f"v{i}"] = payloads[i][0][rows]  # type: ignore[index]
        if tail == len(columns):
            heads.append(arr.tobytes())
        else:
            rows_bytes = arr.view(np.dtype((np.void, arr.dtype.itemsize))).tolist()
            heads.extend(cast(list[bytes], rows_bytes))
    if tail == len(columns):
        return b"".join(heads)
    pieces = [heads]
    for col in columns[tail:]:
        assert isinstance(col, Text), "tail columns are text"
        encoded = np.array(
            [struct.pack(">i", len(v)) + v for v in col.vocab] + [struct.pack(">i", -1)],
            dtype=object,
        )
        index = col.index if col.null is None else np.where(col.null, len(col.vocab), col.index)
        pieces.append(encoded[index[order]].tolist())
    return b"".join(itertools.chain.from_iterable(zip(*pieces, strict=True)))
