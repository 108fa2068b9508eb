"""Channels carry a notification to its recipient. One interface, several adapters.

A channel is a class with a `name` and `send(message)`, which returns when the message is
handed over and raises on failure (the sender retries). Adapters for a real SMS gateway or
WeChat service account take the same Message (phone, template code, params) later.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

logger = logging.getLogger("gongzhi.notifications")


@dataclass(frozen=True)
class Message:
    notification_id: int
    subject: str
    body: str
    template: str
    params: dict[str, Any] = field(default_factory=dict)
    phone: str = ""
    person_id: int | None = None
    unit_id: int | None = None


class Channel(Protocol):
    name: str

    def send(self, message: Message) -> None: ...


class InAppChannel:
    """The Notification row is the inbox: delivering it is storing it, already done."""

    name = "in_app"

    def send(self, message: Message) -> None:
        return None


class ConsoleChannel:
    """Stands in for SMS and WeChat: writes what a gateway would receive to the log.

    Shaped like an SMS adapter: a phone number, a template code registered with the gateway and
    the template's parameters; the rendered body is logged for people reading the console.
    """

    name = "console"

    def send(self, message: Message) -> None:
        if not message.phone:
            raise ValueError("console/SMS channel needs a phone number")
        logger.info(
            "SMS to=%s template=%s params=%s | %s",
            message.phone,
            message.template,
            message.params,
            message.body,
        )


class FailingChannel:
    """Always fails: for exercising retries (tests, and a deployment's smoke checks)."""

    name = "failing"

    def send(self, message: Message) -> None:
        raise ConnectionError("channel unavailable")


CHANNELS: dict[str, Channel] = {
    c.name: c for c in (InAppChannel(), ConsoleChannel(), FailingChannel())
}


def get_channel(name: str) -> Channel:
    try:
        return CHANNELS[name]
    except KeyError:
        raise LookupError(f"unknown notification channel {name!r}") from None


def register_channel(channel: Channel) -> None:
    """Add or replace an adapter (a deployment's SMS gateway, for instance)."""
    CHANNELS[channel.name] = channel
