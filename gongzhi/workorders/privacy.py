"""Requester contact data is personal information (个人信息保护法): masked by default.

`requester_masked(order)` is what every page and API shows; the full name and phone come only
from the `requester_reveal` service (services/privacy.py), which checks who asks and logs it.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class MaskedRequester:
    name: str
    phone: str

    def __str__(self) -> str:
        return " ".join(p for p in (self.name, self.phone) if p)


def requester_masked(order: WorkOrder) -> MaskedRequester:
    return MaskedRequester(mask_name(order.requester_name), mask_phone(order.requester_phone))
