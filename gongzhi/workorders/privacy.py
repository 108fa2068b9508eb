"""Requester contact data is personal information (个人信息保护法): masked by default.

`requester_masked(order)` is what every page and API shows; the full name and phone come only
from the `requester_reveal` service (services/privacy.py), which checks who asks and logs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongzhi.workorders.models import WorkOrder


def mask_name(name: str) -> str:
    """张三丰 → 张**; 欧阳娜娜 → 欧***; empty stays empty."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    """13912341234 → 139****1234; short numbers keep only their last two digits."""
    digits = (phone or "").strip()
    if not digits:
        return ""
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) > 4:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)


def phone_key(phone: str) -> str:
    """A phone number as compared for proof: digits only, without China's country code.
    "139 1234-1234", "+86 13912341234" and "008613912341234" are the same number."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix) :]
    return digits


def same_phone(given: str, on_record: str) -> bool:
    """Does `given` prove to be the phone on record? Both normalised; an empty one never."""
    key = phone_key(given)
    return bool(key) and key == phone_key(on_record)


@dataclass(frozen=True)
class MaskedRequester:
    name: str
    phone: str

    def __str__(self) -> str:
        return " ".join(p for p in (self.name, self.phone) if p)


def requester_masked(order: WorkOrder) -> MaskedRequester:
    return MaskedRequester(mask_name(order.requester_name), mask_phone(order.requester_phone))


# --- personal data written into free text ---------------------------------------------------
# Requesters sometimes write their phone number or name into the description; pages and
# exports that show many orders' texts mask those the same way as the requester fields.

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
