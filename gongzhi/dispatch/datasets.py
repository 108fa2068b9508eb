"""Reading labelled message tables for the category classifier.

A labelled table is a UTF-8 (optionally with BOM) TSV or CSV file whose first
line is a header. One column holds the category (the label) and either one
column holds the message text, or a subject column and a body column hold it in
two parts (they are then joined, subject first, as the labelled data does).

Recognised header names (case-insensitive, surrounding spaces ignored):

* category: ``category``, ``label``, ``level1``, ``一级分类``, ``一级标签``
* text: ``text``, ``message``, ``content``, ``留言``, ``留言详情``, ``内容``
* subject + body: ``subject``/``留言主题`` and ``body``/``留言详情``

The delimiter is a tab if the header line contains one, otherwise a comma.
Files are read from wherever they lie; nothing is copied.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

__all__ = ["DatasetError", "LabelledRow", "read_labelled"]

CATEGORY_NAMES = ("category", "label", "level1", "一级分类", "一级标签")
TEXT_NAMES = ("text", "message", "content", "留言", "内容")
SUBJECT_NAMES = ("subject", "title", "留言主题")
BODY_NAMES = ("body", "留言详情")


class DatasetError(ValueError):
    """A labelled table cannot be read; ``line`` is the 1-based physical line number."""

    def __init__(self, path: str | Path, line: int, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        super().__init__(f"{self.path}, line {line}: {reason}")


class LabelledRow(NamedTuple):
    """One labelled message: its top-level ``category`` and its raw ``text``."""

    category: str
    text: str


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def _columns(path: Path, header: list[str]) -> tuple[int, list[int]]:
    """Return the category column index and the text column indices (joined in order)."""
    category = _find(header, CATEGORY_NAMES)
    if category is None:
        raise DatasetError(path, 1, f"no category column in header {header!r}")
    text = _find(header, TEXT_NAMES)
    if text is not None:
        return category, [text]
    subject, body = _find(header, SUBJECT_NAMES), _find(header, BODY_NAMES)
    if body is None:
        raise DatasetError(path, 1, f"no text (or subject/body) column in header {header!r}")
    return category, [body] if subject is None else [subject, body]


def iter_labelled(path: str | Path) -> Iterator[LabelledRow]:
    """Yield the rows of the labelled table at ``path`` in file order.

    Blank lines are skipped. Raises :class:`DatasetError` (with the line number)
    for a missing header or columns, a row with the wrong number of fields, an
    empty category or an empty text. Text is returned raw, not normalised.
    """
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
        if not first.strip():
            raise DatasetError(path, 1, "empty file or missing header line")
        delimiter = "\t" if "\t" in first else ","
        handle.seek(0)
        # Tabs never appear quoted in our TSVs; quotes inside TSV text are literal.
        if delimiter == "\t":
            reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE, strict=True)
        else:
            reader = csv.reader(handle, delimiter=",", quoting=csv.QUOTE_MINIMAL, strict=True)
        try:
            header = next(reader)
            category_col, text_cols = _columns(path, header)
            width = len(header)
            start = reader.line_num + 1
            for row in reader:
                line = start
                start = reader.line_num + 1
                if not row or all(not cell.strip() for cell in row):
                    continue
                if len(row) != width:
                    raise DatasetError(path, line, f"expected {width} fields, found {len(row)}")
                category = row[category_col].strip()
                text = "".join(row[i].strip() for i in text_cols)
                if not category:
                    raise DatasetError(path, line, "empty category")
                if not text:
                    raise DatasetError(path, line, "empty text")
                yield LabelledRow(category, text)
        except csv.Error as exc:
            raise DatasetError(path, reader.line_num, f"malformed CSV: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise DatasetError(path, reader.line_num + 1, f"not UTF-8: {exc}") from exc


def read_labelled(path: str | Path) -> list[LabelledRow]:
    """Read the whole labelled table at ``path`` (see :func:`iter_labelled`)."""
    rows = list(iter_labelled(path))
    if not rows:
        raise DatasetError(path, 1, "no data rows")
    return rows
