"""The shape of an API key and how it is checked. No database writes here.

A key is `gz_<prefix>_<secret>`: 8 hex characters of prefix to find the row, 32 random bytes
(URL-safe base64) of secret. Only the SHA-256 of the whole key is stored; with 256 bits of
entropy a fast hash is enough (nothing to brute-force), and it keeps an API call cheap.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

KEY_SCHEME = "gz"


@dataclass(frozen=True)
class NewKey:
    prefix: str
    key: str
    secret_hash: str


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_generate() -> NewKey:
    prefix = secrets.token_hex(4)
    key = f"{KEY_SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
    return NewKey(prefix=prefix, key=key, secret_hash=key_hash(key))


def key_prefix(key: str) -> str | None:
    """The prefix of a well-formed key, or None for anything else."""
    scheme, _, rest = key.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != KEY_SCHEME or len(prefix) != 8 or len(secret) < 32:
        return None
    return prefix


def key_matches(key: str, secret_hash: str) -> bool:
    """Constant-time comparison of a presented key with a stored hash."""
    return hmac.compare_digest(key_hash(key), secret_hash)
