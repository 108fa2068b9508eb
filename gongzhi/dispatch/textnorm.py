"""Text normalisation for citizen messages before classification.

The classifier never sees raw text: every training row and every message to be
dispatched goes through :func:`normalise` first, so the two must stay in step.
The function is pure and deterministic (same input, same output, no I/O after
the first call loads the OpenCC tables).
"""

from __future__ import annotations

import re
from functools import cache

from opencc import OpenCC

__all__ = ["PLACE", "normalise"]

#: Placeholder put in place of an anonymised place name ("A市", "A3区", "B7县", "M2州").
#: The administrative suffix is kept ("A3区" -> "□区"): whether a message is about a
#: county (县) or an urban district (区) is a genuine signal, the letter/number is not.
PLACE = "□"

# Excel exports leave literal "_x000D_" (carriage return) escapes in some cells.
_EXCEL_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")
# Anonymised places: one capital letter, optional digits, then an admin-level suffix.
# Not preceded by another Latin letter or digit, so "GB12县" or "QQ群" are left alone.
_MASKED_PLACE = re.compile(r"(?<![A-Za-z0-9])[A-Z][0-9]{0,3}(市|区|县|州)")
_WHITESPACE = re.compile(r"\s+")

# Full-width ASCII variants U+FF01..U+FF5E map to U+0021..U+007E; U+3000 is the ideographic space.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20


@cache
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def normalise(text: str) -> str:
    """Return the canonical form of ``text`` used for training and prediction.

    Steps, in this order:

    1. Excel escapes such as ``_x000D_`` become spaces.
    2. Full-width ASCII characters become half-width (``Ａ３区，`` -> ``A3区,``)
       and the ideographic space becomes a plain space.
    3. Traditional Chinese becomes simplified (OpenCC ``t2s``).
    4. Masked place names (``A市``, ``A3区``, ``B7县``) become ``PLACE`` + suffix.
    5. Runs of whitespace collapse to one space; leading/trailing space is removed.

    Letters are not case-folded beyond what the steps above do. The empty string
    normalises to the empty string.
    """
    if not text:
        return ""
    text = _EXCEL_ESCAPE.sub(" ", text)
    text = text.translate(_FULLWIDTH)
    text = _t2s().convert(text)
    text = _MASKED_PLACE.sub(lambda m: PLACE + m.group(1), text)
    return _WHITESPACE.sub(" ", text).strip()
