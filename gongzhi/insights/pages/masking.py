"""Personal data in free text. Requesters sometimes write their phone number or name into the
description; the findings pages show many orders' texts side by side, so those are masked the
same way as the requester fields (workorders.privacy)."""

from __future__ import annotations

import re

from gongzhi.workorders.privacy import mask_name, mask_phone

# Mainland mobile numbers (optionally +86 / spaced) and 18-character identity card numbers.
_PHONE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)")
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def masked_text(text: str, *, name: str = "") -> str:
    """The text with phone and identity numbers masked, and the requester's name (when given
    and at least two characters long) replaced by its masked form."""
    out = _ID_CARD.sub(lambda m: m.group(0)[:3] + "*" * 11 + m.group(0)[-4:], text or "")
    out = _PHONE.sub(lambda m: mask_phone(re.sub(r"\D", "", m.group(0))[-11:]), out)
    name = (name or "").strip()
    if len(name) >= 2:
        out = out.replace(name, mask_name(name))
    return out
